import ArgumentParser
import CaseVault
import Foundation

/// `casevault export`: anonymised counts for reports.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export anonymised counts (any role; an auditor's only use of the vault).",
        subcommands: [Counts.self])

    /// `casevault export counts`: one table of counts with small counts suppressed.
    struct Counts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count requests by month, region, district, service, situation, need, state or outcome.",
            discussion: """
                Every month of the period and every category is a row, zeros included, then the totals. \
                Counts from 1 to K-1, and what would let them be worked out, are written x. Without --from and \
                --to the period is the twelve months ending with the last complete one. With --out DIR the \
                table and manifest.json (period, rules, SHA-256 of the table) are written there.
                """)

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        @Option(name: .long, parsing: .singleValue,
                help: ArgumentHelp("What to count by: " + ExportDimension.allCases.map(\.rawValue)
                                   .joined(separator: ", ") + " (repeat it, or separate with commas).",
                                   valueName: "dim[,dim...]"),
                transform: parsed { try ExportDimension.parseList($0, field: "dimension") })
        var by: [[ExportDimension]] = []

        @Option(name: .long, help: ArgumentHelp("The first month counted.", valueName: "YYYY-MM"),
                transform: parsed(YearMonth.init(parsing:)))
        var from: YearMonth?

        @Option(name: .long, help: ArgumentHelp("The last month counted.", valueName: "YYYY-MM"),
                transform: parsed(YearMonth.init(parsing:)))
        var to: YearMonth?

        @Option(name: .long, help: "csv (default) or json (the same as --json).",
                transform: parsed { try ExportFormat.parse($0, field: "format") })
        var format: ExportFormat?

        @Option(name: .long, help: ArgumentHelp(
            "K: counts from 1 to K-1 are suppressed (at least \(CountQuery.smallestMinimumCellSize)).",
            valueName: "K"))
        var minCell = CountQuery.defaultMinimumCellSize

        @Option(name: .long, help: ArgumentHelp("A folder for the table and manifest.json (created if missing).",
                                                valueName: "dir"))
        var out: String?

        var query: CountQuery { CountQuery(by: Array(by.joined()), from: from, to: to, minimumCellSize: minCell) }

        func validate() throws {
            do { try query.validate() } catch let error as CaseVaultError {
                throw ValidationError(ErrorLine.line(for: error))
            }
            if format == .csv && output.json {
                throw ValidationError("--format csv and --json contradict each other; give one")
            }
        }

        func run() throws {
            let session = try vault.unlock()
            let progress = ExportProgress()
            let table = try session.export(query, progress: progress.report)
            progress.finish()
            let document = table.document(output.json ? .json : format ?? .csv)
            guard let out else {
                FileHandle.standardOutput.write(Data(document.table))
                return
            }
            let files = try document.write(toFolder: out)
            Console.out("Wrote \(files.table) (\(table.rows.count) rows, \(table.suppressedCount) suppressed) "
                        + "and \(files.manifest).")
        }
    }
}

/// Shows how many cases an export has read, on a terminal only.
private final class ExportProgress {
    private let enabled = Console.stderrIsTerminal
    private var shown = false

    func report(read: Int, total: Int) {
        guard enabled, total >= 10_000 else { return }
        FileHandle.standardError.write(Data("\rcounting: \(read) of \(total) cases".utf8))
        shown = true
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
