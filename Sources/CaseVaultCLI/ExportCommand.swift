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
            let documentFormat: ExportFormat = output.json ? .json : format ?? .csv
            // Writing the files is part of the cancellable work: Ctrl-C meanwhile lets both files be
            // written, so a folder never holds a table without its manifest.
            let (table, files) = try Interrupt.cancellable(afterwards: { $0.1.map(Counts.written) }) {
                let table = try count(session)
                return (table, try out.map { try table.document(documentFormat).write(toFolder: $0) })
            }
            guard let files else {
                FileHandle.standardOutput.write(Data(table.document(documentFormat).table))
                return
            }
            if output.json {
                Console.out(JSONValue.object([
                    ("table", .string(files.table)), ("manifest", .string(files.manifest)),
                    ("rows", .number(table.rows.count)), ("suppressed", .number(table.suppressedCount)),
                ]).rendered())
            } else {
                Console.out("Wrote \(files.table) (\(table.rows.count) rows, \(table.suppressedCount) suppressed) "
                            + "and \(files.manifest).")
            }
        }

        /// Counts with a progress bar on a terminal; Ctrl-C stops it.
        private func count(_ session: Session) throws -> CountTable {
            let bar = ProgressBar(label: "counting", total: 0)
            defer { bar.finish() }
            return try session.export(query) { read, total in
                try Interrupt.check()
                bar.update(read, of: total)
            }
        }

        /// What an interrupt says once the files are written.
        private static func written(_ files: ExportDocument.Files) -> String {
            "the export was already written to \(files.table) and \(files.manifest)"
        }
    }
}
