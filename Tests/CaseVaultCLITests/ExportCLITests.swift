import Foundation
import Testing

@Suite("casevault export counts")
struct ExportCLITests {
    /// How many requests of one region were received in one month.
    struct Batch {
        let month: String
        let region: String
        let count: Int
    }

    /// The requests of the end-to-end test: large counts, small ones (RU-ORE 3 in September, UA-43 1 in
    /// October) and a month with no request for a region, so every kind of cell shows up.
    static let autumn: [Batch] = [
        Batch(month: "2023-09", region: "RU-MOW", count: 40), Batch(month: "2023-10", region: "RU-MOW", count: 35),
        Batch(month: "2023-09", region: "RU-SVE", count: 25), Batch(month: "2023-10", region: "RU-SVE", count: 30),
        Batch(month: "2023-09", region: "RU-ORE", count: 3),
        Batch(month: "2023-09", region: "UA-43", count: 12), Batch(month: "2023-10", region: "UA-43", count: 1),
    ]

    /// Requests just outside 2023-09..2023-10, which no table of that period may count.
    static let outsidePeriod: [Batch] = [
        Batch(month: "2023-08", region: "RU-MOW", count: 7), Batch(month: "2023-11", region: "RU-ORE", count: 20),
    ]

    /// The contact handle of request number `index`, unique so a leak names its line.
    static func contact(_ index: Int) -> String { "@leaky_handle_\(index)" }

    /// The narrative of request number `index`.
    static func narrative(_ index: Int) -> String { "Hides at Lenina street \(index)." }

    /// JSON Lines for `batches`, received on varied days; every seventh line carries a contact and a narrative,
    /// which an anonymised export must never show.
    static func requests(_ batches: [Batch]) -> String {
        var lines: [String] = []
        for batch in batches {
            for index in 0..<batch.count {
                let number = lines.count
                let extra = number % 7 == 3
                    ? #","contact":"\#(contact(number))","narrative":"\#(narrative(number))""# : ""
                lines.append(#"{"received":"\#(batch.month)-\#(String(format: "%02d", index % 28 + 1))","#
                    + #""channel":"messenger","region":"\#(batch.region)","service":"mobilized","#
                    + #""situation":"front","needs":["legal","exit"],"urgency":"normal"\#(extra)}"#)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Imports `batches` as the coordinator and returns the printed case ids.
    static func importRequests(_ batches: [Batch], into workspace: Workspace,
                               sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
        let file = try workspace.write("requests.jsonl", requests(batches))
        let imported = try await workspace.run(as: Cast.coordinator, ["case", "import", "--jsonl", file])
        expectSuccess(imported, sourceLocation: sourceLocation)
        let ids = imported.stdoutLines
        try #require(ids.count == batches.reduce(0) { $0 + $1.count }, "\(imported)", sourceLocation: sourceLocation)
        return ids
    }

    /// `export counts --by month,region` over 2023-09..2023-10; tests add their options after it.
    static let autumnExport = ["export", "counts", "--by", "month,region", "--from", "2023-09", "--to", "2023-10"]

    /// The ISO 3166-2:UA codes of occupied territory in the region table.
    static let ukrainianCodes = ["UA-09", "UA-14", "UA-23", "UA-40", "UA-43", "UA-65"]

    /// A table as published: one label per dimension and the count as written (`x` when suppressed).
    typealias Table = [(labels: [String], value: String)]

    /// The rows of a CSV table, after checking its header.
    static func csvRows(_ text: String, header: String,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> Table {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(lines.first == header, "header: \(lines.first ?? "none")", sourceLocation: sourceLocation)
        #expect(lines.last == "", "the table should end with one newline", sourceLocation: sourceLocation)
        return lines.dropFirst().filter { !$0.isEmpty }.map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return (Array(fields.dropLast()), fields.last ?? "")
        }
    }

    /// The rows of a JSON table, written like CSV (`x` for null), after checking the document's shape.
    static func jsonRows(_ result: CommandResult, dimensions: [String],
                         sourceLocation: SourceLocation = #_sourceLocation) throws -> Table {
        let document = try result.jsonObject()
        #expect(keys(document) == ["dimensions", "rows"], sourceLocation: sourceLocation)
        #expect(document["dimensions"] as? [String] == dimensions, sourceLocation: sourceLocation)
        let rows = try #require(document["rows"] as? [[String: Any]], sourceLocation: sourceLocation)
        return try rows.map { row in
            #expect(keys(row) == Set(dimensions + ["count", "suppressed"]), "\(row)", sourceLocation: sourceLocation)
            let labels = try dimensions.map { try #require(row[$0] as? String, sourceLocation: sourceLocation) }
            let suppressed = try #require(row["suppressed"] as? Bool, "\(row)", sourceLocation: sourceLocation)
            // A suppressed value is null, not a number, so nothing of it is left to read.
            #expect((row["count"] is NSNull) == suppressed, "\(row)", sourceLocation: sourceLocation)
            let count = suppressed ? nil : try #require(row["count"] as? Int, "\(row)", sourceLocation: sourceLocation)
            return (labels, count.map(String.init) ?? "x")
        }
    }

    /// How many values are `x` in each line of a month-by-region table: each month across the regions and each
    /// region across the months, every line with its total. A line with exactly one `x` gives it away: it is the
    /// total minus the values shown.
    static func suppressionsPerLine(in table: Table, months: [String], regions: [String]) -> [String: Int] {
        var value: [[String]: String] = [:]
        for row in table { value[row.labels] = row.value }
        var counts: [String: Int] = [:]
        for month in months + ["total"] {
            counts["month \(month)"] = (regions + ["total"]).filter { value[[month, $0]] == "x" }.count
        }
        for region in regions + ["total"] {
            counts["region \(region)"] = (months + ["total"]).filter { value[[$0, region]] == "x" }.count
        }
        return counts
    }

    /// SHA-256 of a file in hex, by `sha256sum`, so the check does not share code with the tool.
    static func sha256(of path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "sha256sum failed")
        return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }

    /// The permission bits of a file or folder.
    static func mode(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require((attributes[.posixPermissions] as? NSNumber)?.intValue, "no mode for \(path)") & 0o777
    }

    /// `YYYY-MM` of the month `offset` months after the current one in UTC, the vault's default time zone.
    static func month(offset: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let now = calendar.dateComponents([.year, .month], from: Date())
        let index = now.year! * 12 + (now.month! - 1) + offset
        return String(format: "%04d-%02d", index / 12, index % 12 + 1)
    }

    @Test("an auditor exports month by region: every category, exact large counts, small ones protected")
    func endToEnd() async throws {
        let workspace = try await Workspace.withUsers()
        let ids = try await Self.importRequests(Self.autumn + Self.outsidePeriod, into: workspace)

        let csv = try await workspace.run(as: Cast.auditor, Self.autumnExport)
        expectSuccess(csv)
        let table = try Self.csvRows(csv.stdout, header: "month,region,count")

        // Fixed categories: both months, then every region code of the table and `unknown`, whatever the data.
        let months = ["2023-09", "2023-10"]
        let cells = table.filter { !$0.labels.contains("total") }
        let regions = cells.filter { $0.labels[0] == months[0] }.map { $0.labels[1] }
        #expect(regions.last == "unknown")
        #expect(Array(regions.dropLast()) == regions.dropLast().sorted())
        #expect(regions.filter { $0.hasPrefix("RU-") }.count == 83)
        #expect(regions.filter { $0.hasPrefix("UA-") } == Self.ukrainianCodes)
        #expect(regions.count == 90)
        #expect(table.count == (months.count + 1) * (regions.count + 1), "cells and totals: \(table.count) rows")
        // Cells month by month, then the month totals, the region totals and the grand total.
        let expectedOrder = months.flatMap { month in regions.map { [month, $0] } } + months.map { [$0, "total"] }
            + regions.map { ["total", $0] } + [["total", "total"]]
        #expect(table.map(\.labels) == expectedOrder)

        var value: [[String]: String] = [:]
        for row in table { value[row.labels] = row.value }
        #expect(value[["2023-09", "RU-MOW"]] == "40")
        #expect(value[["2023-10", "RU-MOW"]] == "35")
        #expect(value[["total", "RU-MOW"]] == "75", "August and November requests must not count")
        #expect(value[["2023-09", "total"]] == "80")
        #expect(value[["2023-10", "total"]] == "66")
        #expect(value[["total", "total"]] == "146")
        #expect(value[["2023-09", "RU-ORE"]] == "x")
        #expect(value[["total", "RU-ORE"]] == "x", "the RU-ORE total is 3, as small as its one cell")
        #expect(value[["2023-10", "UA-43"]] == "x")
        #expect(value[["2023-10", "RU-ORE"]] == "0", "a region with no request that month shows 0")
        for month in months + ["total"] {
            #expect(value[[month, "RU-SPE"]] == "0", "zeros are shown, not hidden: \(month)")
        }

        // Every value shown is the true count; every true count from 1 to 9 is hidden.
        var truth: [[String]: Int] = [:]
        for label in expectedOrder { truth[label] = 0 }
        for batch in Self.autumn {
            for month in [batch.month, "total"] {
                for region in [batch.region, "total"] { truth[[month, region], default: 0] += batch.count }
            }
        }
        for row in table {
            let count = try #require(truth[row.labels])
            if row.value == "x" { continue }
            #expect(row.value == String(count), "\(row.labels) shows \(row.value), not \(count)")
        }
        let small = table.filter { (1...9).contains(truth[$0.labels] ?? 0) }
        #expect(small.count == 3, "RU-ORE in September and its total, UA-43 in October")
        #expect(small.allSatisfy { $0.value == "x" }, "\(small)")
        // Hiding only the small cells would let each be solved from its line's total: complements are hidden too.
        let perLine = Self.suppressionsPerLine(in: table, months: months, regions: regions)
        #expect(perLine.filter { $0.value == 1 }.isEmpty, "a lone x is solved by subtraction: \(perLine)")
        for line in ["month 2023-09", "month 2023-10", "region RU-ORE", "region UA-43"] {
            #expect(perLine[line, default: 0] >= 2, "\(line) holds a small count: \(perLine[line] ?? 0) x")
        }
        #expect(table.filter { $0.value == "x" }.count > small.count)

        // --json and --format json are the same table, and it agrees with the CSV row by row.
        let json = try await workspace.run(as: Cast.auditor, Self.autumnExport + ["--json"])
        expectSuccess(json)
        let formatJSON = try await workspace.run(as: Cast.auditor, Self.autumnExport + ["--format", "json"])
        expectSuccess(formatJSON)
        #expect(json.stdout == formatJSON.stdout)
        let jsonTable = try Self.jsonRows(json, dimensions: ["month", "region"])
        #expect(jsonTable.count == table.count)
        for (fromJSON, fromCSV) in zip(jsonTable, table) {
            #expect(fromJSON.labels == fromCSV.labels && fromJSON.value == fromCSV.value,
                    "JSON \(fromJSON) differs from CSV \(fromCSV)")
        }
        let explicitCSV = try await workspace.run(as: Cast.auditor, Self.autumnExport + ["--format", "csv"])
        #expect(explicitCSV.stdout == csv.stdout, "--format csv is the default")

        // Nothing identifying leaves in a table: no case id, no day of receipt, no contact or narrative text.
        for output in [csv.stdout, json.stdout] {
            #expect(ids.allSatisfy { !output.contains($0) }, "a case id in the export")
            #expect(output.firstMatch(of: /\d{4}-\d{2}-\d{2}/) == nil, "a full date in the export")
            #expect(!output.contains("@leaky_handle") && !output.contains("Lenina"), "sensitive text in the export")
        }
    }

    @Test("--out writes the table and a manifest owner-only, with the table's SHA-256, and never overwrites")
    func outputFolder() async throws {
        let workspace = try await Workspace.withUsers()
        let ids = try await Self.importRequests([
            Batch(month: "2023-09", region: "RU-MOW", count: 20), Batch(month: "2023-09", region: "RU-ORE", count: 3),
            Batch(month: "2023-10", region: "RU-MOW", count: 15), Batch(month: "2023-10", region: "UA-43", count: 7),
        ], into: workspace)
        // K = 5: the 7 is published, the 3 is not, and the manifest must say K = 5.
        let query = Self.autumnExport + ["--min-cell", "5"]
        let stdoutRun = try await workspace.run(as: Cast.auditor, query)
        expectSuccess(stdoutRun)
        #expect(stdoutRun.stdout.contains("\n2023-10,UA-43,7\n") && stdoutRun.stdout.contains("\n2023-09,RU-ORE,x\n"))

        let folder = workspace.directory.appendingPathComponent("report-2023")
        let tablePath = folder.appendingPathComponent("counts.csv").path
        let manifestPath = folder.appendingPathComponent("manifest.json").path
        let written = try await workspace.run(as: Cast.auditor, query + ["--out", folder.path])
        expectSuccess(written)
        #expect(written.stdoutLines.count == 1, "a one-line summary: \(written)")
        #expect(written.stdout.contains("counts.csv") && written.stdout.contains("manifest.json"), "\(written)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files == ["counts.csv", "manifest.json"])
        #expect(try Self.mode(of: folder.path) == 0o700, "a created export folder is owner-only")
        #expect(try Self.mode(of: tablePath) == 0o600)
        #expect(try Self.mode(of: manifestPath) == 0o600)
        let tableBytes = try Data(contentsOf: URL(fileURLWithPath: tablePath))
        let manifestBytes = try Data(contentsOf: URL(fileURLWithPath: manifestPath))
        #expect(tableBytes == Data(stdoutRun.stdout.utf8), "the file holds the same table as standard output")

        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestBytes) as? [String: Any])
        #expect(keys(manifest) == ["manifest", "software", "mode", "period", "dimensions", "minimumCellSize",
                                   "rules", "regionTable", "dataCutoff", "table"])
        #expect(manifest["period"] as? [String: String] == ["from": "2023-09", "to": "2023-10"])
        #expect(manifest["dimensions"] as? [String] == ["month", "region"])
        #expect(manifest["minimumCellSize"] as? Int == 5)
        let rules = try #require(manifest["rules"] as? [String])
        #expect(rules.contains { $0.contains("1 to 4") }, "the rules should name the suppressed range: \(rules)")
        #expect((manifest["regionTable"] as? String)?.hasPrefix("ru-federal-districts-") == true)
        #expect((manifest["software"] as? String)?.hasPrefix("CaseVault ") == true)
        let cutoff = try #require(manifest["dataCutoff"] as? String)
        let cutoffDate = try #require(ISO8601DateFormatter().date(from: cutoff), "dataCutoff: \(cutoff)")
        #expect(abs(cutoffDate.timeIntervalSinceNow) < 600, "the cut-off is when the data was read")
        let tableInfo = try #require(manifest["table"] as? [String: Any])
        #expect(tableInfo["file"] as? String == "counts.csv")
        #expect(tableInfo["format"] as? String == "csv")
        let lines = stdoutRun.stdoutLines.dropFirst()
        #expect(tableInfo["rows"] as? Int == lines.count)
        #expect(tableInfo["suppressed"] as? Int == lines.filter { $0.hasSuffix(",x") }.count)
        #expect(tableInfo["sha256"] as? String == (try Self.sha256(of: tablePath)))
        let everything = String(decoding: tableBytes + manifestBytes, as: UTF8.self)
        #expect(ids.allSatisfy { !everything.contains($0) } && !everything.contains("@leaky_handle"))

        // A second export into the same folder is refused and leaves the first one exactly as it was,
        // even in JSON, whose table file is new but whose manifest would replace the first.
        for format in ["csv", "json"] {
            let again = try await workspace.run(as: Cast.auditor, query + ["--out", folder.path, "--format", format])
            expectFailure(again, status: 1, mentions: ["already exists"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == files)
            #expect(try Data(contentsOf: URL(fileURLWithPath: tablePath)) == tableBytes)
            #expect(try Data(contentsOf: URL(fileURLWithPath: manifestPath)) == manifestBytes)
        }

        let plainFile = try workspace.write("not-a-folder", "keep me\n")
        let onFile = try await workspace.run(as: Cast.auditor, query + ["--out", plainFile])
        expectFailure(onFile, status: 1, mentions: ["not-a-folder"])
        #expect(try String(contentsOfFile: plainFile, encoding: .utf8) == "keep me\n")
    }

    @Test("coordinators and admins export the auditor's table; the auditor can only export")
    func rolesAndPassphrase() async throws {
        let workspace = try await Workspace.withUsers()
        _ = try await Self.importRequests([
            Batch(month: "2023-09", region: "RU-MOW", count: 14), Batch(month: "2023-09", region: "RU-KDA", count: 2),
            Batch(month: "2023-10", region: "RU-MOW", count: 11), Batch(month: "2023-10", region: "RU-TA", count: 16),
        ], into: workspace)
        let query = Self.autumnExport + ["--json"]
        let auditor = try await workspace.run(as: Cast.auditor, query)
        expectSuccess(auditor)
        #expect(auditor.stdout.contains("\"count\": 16"), "a table with data: \(auditor.stdout.prefix(300))")
        for user in [Cast.coordinator, Cast.admin] {
            let other = try await workspace.run(as: user, query)
            expectSuccess(other)
            #expect(other.stdout == auditor.stdout, "\(user)'s export differs from the auditor's")
        }

        // The auditor holds only the statistics key: no case listing.
        let list = try await workspace.run(as: Cast.auditor, ["case", "list"])
        expectFailure(list, status: 1)
        #expect(!list.stderr.contains("RU-MOW"))

        let wrong = try workspace.write("wrong.pass", "not the auditor's passphrase\n")
        let refused = try await workspace.run(query + ["--vault", workspace.vaultPath, "--user", Cast.auditor,
                                                       "--passphrase-file", wrong])
        expectFailure(refused, status: 1, mentions: ["wrong passphrase", Cast.auditor])
    }

    @Test("malformed or unsafe export options are usage errors (exit 2) that read and write nothing")
    func usageErrors() async throws {
        let workspace = try await Workspace.withUsers()
        let folder = workspace.directory.appendingPathComponent("never-made").path
        let cases: [(options: [String], mentions: [String])] = [
            (["--by", "month", "--min-cell", "4"], ["--min-cell"]),
            (["--by", "colour"], ["colour"]),
            (["--by", "month", "--from", "2023-13"], ["2023-13"]),
            (["--by", "month", "--from", "2023-9"], ["2023-9"]),
            (["--by", "month", "--from", "2023-11", "--to", "2023-06"], ["2023-11", "2023-06"]),
            (["--by", "month", "--format", "csv", "--json"], ["--json"]),
            (["--by", "month", "--format", "xml"], ["xml"]),
            (["--by", "month", "--colour"], ["--colour"]),
            ([], ["--by"]),
        ]
        for (options, mentions) in cases {
            let result = try await workspace.run(as: Cast.auditor, ["export", "counts"] + options + ["--out", folder])
            expectFailure(result, status: 2, mentions: mentions)
        }
        #expect(!FileManager.default.fileExists(atPath: folder), "a refused export created its folder")

        // A dimension named twice is malformed input like an unknown one, refused before any unlock.
        let twice = try await workspace.run(as: Cast.auditor, ["export", "counts", "--by", "month,month"])
        expectFailure(twice, status: 2, mentions: ["twice"])
    }

    @Test("without --from and --to the period is the twelve months ending with the last complete one (UTC)")
    func defaultPeriod() async throws {
        let workspace = try await Workspace.withUsers()
        // Requests in the first and last month of the default period, the month before it and this month.
        _ = try await Self.importRequests([
            Batch(month: Self.month(offset: -13), region: "RU-MOW", count: 11),
            Batch(month: Self.month(offset: -12), region: "RU-MOW", count: 12),
            Batch(month: Self.month(offset: -1), region: "RU-MOW", count: 10),
            Batch(month: Self.month(offset: 0), region: "RU-MOW", count: 1),
        ], into: workspace)
        let result = try await workspace.run(as: Cast.auditor, ["export", "counts", "--by", "month"])
        expectSuccess(result)
        let table = try Self.csvRows(result.stdout, header: "month,count")
        let months = (-12...(-1)).map { Self.month(offset: $0) }
        #expect(table.map(\.labels) == months.map { [$0] } + [["total"]])
        let expected = months.map { $0 == months.first ? "12" : $0 == months.last ? "10" : "0" } + ["22"]
        #expect(table.map(\.value) == expected, "only the twelve months counted: \(result.stdout)")
    }
}
