import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// `Session.export`: counts from the stats compartment only, fixed categories, suppression of
/// small counts, and output that names no case, day, contact or narrative.
@Suite("Anonymised export")
struct ExportTests {
    static func month(_ text: String) throws -> YearMonth { try YearMonth(parsing: text) }

    static func query(_ dimensions: [ExportDimension], _ from: String, _ to: String, k: Int = 10) throws -> CountQuery {
        CountQuery(by: dimensions, from: try month(from), to: try month(to), minimumCellSize: k)
    }

    /// A JSON Lines file of `count` requests received in `month` (days cycling 1...28).
    static func lines(_ count: Int, month: String, region: String = "RU-MOW", needs: [String] = ["legal"],
                      contact: Bool = false) throws -> [String] {
        try (0..<count).map { i in
            var fields: [String: Any] = ["received": "\(month)-\(String(format: "%02d", i % 28 + 1))",
                                         "region": region, "needs": needs]
            if contact { fields["contact"] = "@requester_\(month)_\(i)" }
            return try Synthetic.jsonLine(fields)
        }
    }

    static func counts(_ table: CountTable) -> [String: Int?] {
        Dictionary(uniqueKeysWithValues: table.rows.map { ($0.labels.joined(separator: ","), $0.count) })
    }

    // MARK: The published figures

    @Test("the monthly export reproduces the published 2023 figures: 54, 184, 218, 175, 305 and 577")
    func publishedFigures() throws {
        let figures = try PublishedFigures.load()
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            // July and August were published only together (251): split them 120 + 131.
            let plan = [("2023-06", try #require(figures.requests("2023-06"))), ("2023-07", 120),
                        ("2023-08", try #require(figures.requests("2023-07", "2023-08")) - 120),
                        ("2023-09", try #require(figures.requests("2023-09"))),
                        ("2023-10", try #require(figures.requests("2023-10"))),
                        ("2023-11", try #require(figures.requests("2023-11")))]
            var lines: [String] = []
            for (month, count) in plan {
                lines += try ExportTests.lines(count, month: month,
                                               region: ["RU-MOW", "RU-SVE", "RU-ORE", "UA-43"][lines.count % 4])
            }
            _ = try coordinator.importRequests(jsonLines: Synthetic.jsonLines(lines))

            let auditor = try fixture.addUser("auditor-vera", .auditor)
            let monthly = ExportTests.counts(try auditor.export(ExportTests.query([.month], "2023-06", "2023-11")))
            #expect(monthly["2023-06"] == 54)
            #expect(monthly["2023-09"] == 184)
            #expect(monthly["2023-10"] == 218)
            #expect(monthly["2023-11"] == 175)
            let july = try #require(monthly["2023-07"] ?? nil), august = try #require(monthly["2023-08"] ?? nil)
            #expect(july + august == figures.requests("2023-07", "2023-08"))
            let summer = try #require(monthly["2023-06"] ?? nil) + july + august
            let autumn = ["2023-09", "2023-10", "2023-11"].compactMap { monthly[$0] ?? nil }.reduce(0, +)
            #expect(summer == figures.requests("2023-06", "2023-08"))
            #expect(autumn == figures.requests("2023-09", "2023-11"))
            #expect(Int((Double(autumn) / Double(summer) - 1) * 100) == 89)

            // The quarter tables' own totals give the same figures.
            let summerTable = try auditor.export(ExportTests.query([.month], "2023-06", "2023-08"))
            let autumnTable = try auditor.export(ExportTests.query([.month], "2023-09", "2023-11"))
            #expect(summerTable.row(["total"])?.count == 305)
            #expect(autumnTable.row(["total"])?.count == 577)
        }
    }

    // MARK: Fixed categories

    @Test("every month and every category is a row, zeros included, whatever the data",
          arguments: [[ExportDimension.month], [.region], [.district], [.service], [.situation], [.need], [.state],
                      [.outcome], [.month, .region], [.district, .need, .outcome]])
    func fixedCategories(_ dimensions: [ExportDimension]) throws {
        let query = try ExportTests.query(dimensions, "2023-06", "2023-11")
        let empty = try withVault { try $0.addUser("auditor-vera", .auditor).export(query) }
        let full = try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            _ = try coordinator.importRequests(jsonLines: Synthetic.jsonLines(
                try ExportTests.lines(40, month: "2023-09", region: "RU-SVE", needs: ["legal", "exit"])
                    + ExportTests.lines(3, month: "2023-10", region: "RU-ORE")))
            return try fixture.addUser("auditor-vera", .auditor).export(query)
        }
        #expect(empty.rows.map(\.labels) == full.rows.map(\.labels))
        #expect(empty.rows.allSatisfy { $0.count == 0 }, "an empty vault counts zero everywhere, nothing hidden")
        let sizes = dimensions.map { $0.categories(months: (0..<6).map { YearMonth(uncheckedYear: 2023, month: 6 + $0) }).count }
        #expect(full.rows.count == sizes.reduce(1) { $0 * ($1 + 1) })
        #expect(full.rows.filter { !$0.isTotal }.count == sizes.reduce(1, *))
        #expect(full.rows.prefix(sizes.reduce(1, *)).allSatisfy { !$0.isTotal }, "cells come before totals")
        if dimensions == [.region] {
            #expect(Set(full.rows.map { $0.labels[0] }) == Set(Region.all.map(\.code) + ["total"]))
        }
    }

    @Test("without --from and --to the period is the twelve months ending with the last complete one")
    func defaultPeriod() throws {
        let today = try CalendarDay(parsing: "2026-11-22")
        let months = try CountQuery(by: [.month]).months(today: today)
        #expect(months.map(\.description) == ["2025-11", "2025-12"] + (1...10).map { "2026-\(String(format: "%02d", $0))" })
        let january = try CountQuery(by: [.month]).months(today: try CalendarDay(parsing: "2027-01-01"))
        #expect(january.first?.description == "2026-01" && january.last?.description == "2026-12")
        let fromOnly = try CountQuery(by: [.month], from: try ExportTests.month("2026-03")).months(today: today)
        #expect(fromOnly.first?.description == "2026-03" && fromOnly.last?.description == "2026-10")
        let toOnly = try CountQuery(by: [.month], to: try ExportTests.month("2023-11")).months(today: today)
        #expect(toOnly.first?.description == "2022-12" && toOnly.count == 12)
        expectCaseVaultError(.invalidInput) {
            try ExportTests.query([.month], "2023-11", "2023-06").months(today: today)
        }
        // The session uses today's date in the vault's time zone, never the data.
        try withVault { fixture in
            let table = try fixture.addUser("auditor-vera", .auditor).export(CountQuery(by: [.month]))
            let expected = try CountQuery(by: [.month]).months(today: CalendarDay.today(inTimeZone: "UTC"))
            #expect(table.firstMonth == expected.first && table.lastMonth == expected.last)
        }
    }

    @Test("bad queries are refused before anything is read: K below 5, no dimension, a repeated one, too many rows")
    func badQueries() throws {
        try withVault { fixture in
            let auditor = try fixture.addUser("auditor-vera", .auditor)
            let error = expectCaseVaultError(.invalidInput) {
                try auditor.export(ExportTests.query([.month], "2023-06", "2023-11", k: 4))
            }
            #expect(error?.subject == .minimumCellSize(4), "\(error?.message ?? "")")
            #expect(error?.remedy == "use 5 or more (default 10)", "\(error?.message ?? "")")
            _ = try auditor.export(ExportTests.query([.month], "2023-06", "2023-11", k: 5))
            expectCaseVaultError(.invalidInput) { try auditor.export(CountQuery(by: [])) }
            expectCaseVaultError(.invalidInput) { try auditor.export(CountQuery(by: [.month, .region, .month])) }
            let large = expectCaseVaultError(.invalidInput) {
                try auditor.export(ExportTests.query([.month, .region, .need], "2023-01", "2023-12"))
            }
            #expect(large?.message.contains("fewer dimensions") == true, "\(large?.message ?? "")")
        }
    }

    // MARK: Roles and keys

    @Test("an auditor holding only the stats key exports; every other role gets the identical table")
    func everyRoleSameTable() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let lawyer = try fixture.addUser("lawyer-boris", .lawyer)
            let auditor = try fixture.addUser("auditor-vera", .auditor)
            #expect(auditor.heldCompartments == [.stats])
            var lines: [String] = []
            for (i, region) in ["RU-MOW", "RU-SVE", "RU-ORE", "RU-BA", "UA-43", "unknown"].enumerated() {
                lines += try ExportTests.lines(3 + 7 * i, month: "2023-0\(6 + i % 3)", region: region,
                                               needs: i % 2 == 0 ? ["legal"] : ["exit", "documents"])
            }
            _ = try coordinator.importRequests(jsonLines: Synthetic.jsonLines(lines))
            let query = try ExportTests.query([.month, .region], "2023-06", "2023-08")
            let reference = auditor.export(query: query)
            #expect(reference.contains { $0.count == nil }, "small regional counts are suppressed")
            for session in [coordinator, lawyer, fixture.admin] {
                #expect(session.export(query: query) == reference, "\(session.role) sees another table")
            }
        }
    }

    @Test("a coordinator who gave up every key but stats still exports; without the stats key, no export")
    func statsKeyIsEnough() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            _ = try coordinator.intake(Synthetic.request())
            let query = try ExportTests.query([.month], "2023-09", "2023-09", k: 5)
            for compartment in coordinator.heldCompartments where compartment != .stats {
                coordinator.relinquish(compartment)
            }
            #expect(coordinator.heldCompartments == [.stats])
            #expect(try coordinator.export(query).row(["2023-09"])?.count == nil, "1 request is suppressed")
            coordinator.relinquish(.stats)
            let error = expectCaseVaultError(.permissionDenied) { try coordinator.export(query) }
            #expect(error?.message.contains("stats") == true)
        }
    }

    // MARK: Suppression in real exports

    @Test("a region with 1 to K-1 requests in a month is never shown, and its row and column do not give it away")
    func smallRegionsSuppressed() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            var lines: [String] = []
            lines += try ExportTests.lines(1, month: "2023-09", region: "RU-ORE")    // one person
            lines += try ExportTests.lines(4, month: "2023-10", region: "RU-ORE")
            lines += try ExportTests.lines(60, month: "2023-09", region: "RU-MOW")
            lines += try ExportTests.lines(45, month: "2023-10", region: "RU-MOW")
            lines += try ExportTests.lines(30, month: "2023-09", region: "RU-SVE")
            lines += try ExportTests.lines(25, month: "2023-10", region: "RU-SVE")
            _ = try coordinator.importRequests(jsonLines: Synthetic.jsonLines(lines))
            let table = try fixture.addUser("auditor-vera", .auditor)
                .export(ExportTests.query([.month, .region], "2023-09", "2023-10"))
            let counts = ExportTests.counts(table)
            #expect(counts["2023-09,RU-ORE"] == .some(nil))
            #expect(counts["2023-10,RU-ORE"] == .some(nil))
            #expect(counts["total,RU-ORE"] == .some(nil), "the Orenburg total (5) is small too")
            // Hiding Orenburg alone would leave it as month total minus the published cells.
            for month in ["2023-09", "2023-10"] {
                let row = table.rows.filter { $0.labels[0] == month }
                #expect(row.filter { $0.count == nil }.count >= 2, "\(month) has a single hidden value")
            }
            #expect(counts["2023-09,RU-AD"] == 0, "zeros are shown")
        }
    }

    @Test("nine requests from nine regions in one month cannot be protected at K=10 and are refused; eight can")
    func unprotectableTableRefused() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let regions = ["RU-MOW", "RU-SPE", "RU-SVE", "RU-ORE", "RU-BA", "RU-TA", "RU-KDA", "RU-NVS", "RU-DA"]
            _ = try coordinator.importRequests(jsonLines: Synthetic.jsonLines(
                try regions.flatMap { try ExportTests.lines(1, month: "2023-09", region: $0) }))
            let auditor = try fixture.addUser("auditor-vera", .auditor)
            // Nine regions known to hold 1...9 each, and a total known to be at most 9: all ones.
            let error = expectCaseVaultError(.refused) {
                try auditor.export(ExportTests.query([.region], "2023-09", "2023-09"))
            }
            #expect(error?.subject == .minimumCellSize(10))
            #expect(error?.message.contains("larger minimum cell size") == true, "\(error?.message ?? "")")
            let wider = try auditor.export(ExportTests.query([.region], "2023-09", "2023-09", k: 11))
            #expect(wider.rows.allSatisfy { $0.count == 0 || $0.count == nil })
            // Any region's cell is the total minus the others, so the total is hidden with them.
            #expect(wider.row(["total"])?.count == nil)
        }
    }

    // MARK: What is counted

    @Test("a request counts once per need it names; totals over need sum cells, and the manifest says so")
    func needsCountedPerNeed() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            _ = try coordinator.importRequests(jsonLines: Synthetic.jsonLines(
                try ExportTests.lines(12, month: "2023-09", needs: ["legal", "exit"])
                    + ExportTests.lines(15, month: "2023-09", needs: ["legal"])))
            let auditor = try fixture.addUser("auditor-vera", .auditor)
            let byNeed = try auditor.export(ExportTests.query([.need], "2023-09", "2023-09"))
            let counts = ExportTests.counts(byNeed)
            #expect(counts["legal"] == 27)
            #expect(counts["exit"] == 12)
            #expect(counts["documents"] == 0)
            #expect(counts["total"] == 39, "39 needs named by 27 requests")
            let requests = try auditor.export(ExportTests.query([.month], "2023-09", "2023-09"))
            #expect(requests.row(["2023-09"])?.count == 27)
            let manifest = String(decoding: byNeed.document(.csv).manifest, as: UTF8.self)
            #expect(manifest.contains("once per need"))
            #expect(!String(decoding: requests.document(.csv).manifest, as: UTF8.self).contains("once per need"))
        }
    }

    @Test("months outside the period are not counted; districts, states and outcomes follow the cases")
    func dimensionsFollowCases() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let report = try coordinator.importRequests(jsonLines: Synthetic.jsonLines(
                try ExportTests.lines(12, month: "2023-09", region: "RU-SVE")
                    + ExportTests.lines(11, month: "2023-10", region: "RU-MOW")
                    + ExportTests.lines(7, month: "2023-12", region: "RU-MOW")))
            for receipt in report.receipts.prefix(10) {
                try coordinator.perform(.close, on: receipt.id, with: WorkflowInputs(outcome: .withdrawn))
            }
            for receipt in report.receipts.dropFirst(12).prefix(11) {
                try coordinator.perform(.submit, on: receipt.id)
            }
            let auditor = try fixture.addUser("auditor-vera", .auditor)
            let q = try ExportTests.query([.district, .state, .outcome], "2023-09", "2023-10")
            let counts = ExportTests.counts(try auditor.export(q))
            #expect(counts["ural,closed,withdrawn"] == 10)
            #expect(counts["central,awaiting-review,open"] == 11)
            #expect(counts["total,total,total"] == 23, "December is outside the period")
            #expect(counts["ural,intake,open"] == .some(nil), "two open Sverdlovsk cases are suppressed")
        }
    }

    /// What a caller throws from the progress callback to stop an export.
    struct Stop: Error, Equatable {}

    @Test("progress rises to the total; a callback that throws stops the export with its own error")
    func progressStops() throws {
        try withVault { fixture in
            let auditor = try fixture.addUser("auditor-vera", .auditor)
            let query = try ExportTests.query([.month], "2023-09", "2023-09")
            var empty: [(Int, Int)] = []
            _ = try auditor.export(query) { empty.append(($0, $1)) }
            #expect(empty.count == 1 && empty[0] == (0, 0), "an empty vault reports once, (0, 0)")

            _ = try fixture.admin.importRequests(jsonLines: Synthetic.jsonLines(
                try ExportTests.lines(30, month: "2023-09")))
            var calls: [(read: Int, total: Int)] = []
            let table = try auditor.export(query) { calls.append(($0, $1)) }
            #expect(ExportTests.counts(table)["2023-09"] == 30)
            let total = try #require(calls.last?.total)
            #expect(total >= 30 && calls.last?.read == total)
            #expect(zip(calls, calls.dropFirst()).allSatisfy { $0.read < $1.read })
            #expect(throws: Stop.self) { try auditor.export(query) { _, _ in throw Stop() } }
        }
    }

    // MARK: Output

    @Test("neither table nor manifest holds a case id, a day, a contact or a narrative")
    func outputNamesNobody() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let report = try coordinator.importRequests(jsonLines: Synthetic.jsonLines(
                try ExportTests.lines(30, month: "2023-09", region: "RU-SVE", contact: true).map {
                    $0.replacingOccurrences(of: "}", with: ",\"narrative\":\"Hiding near Yekaterinburg\"}")
                } + ExportTests.lines(3, month: "2023-10", region: "RU-ORE", contact: true)))
            let auditor = try fixture.addUser("auditor-vera", .auditor)
            var texts: [String] = []
            for dimensions in [[ExportDimension.month, .region], [.need, .situation], [.service, .outcome]] {
                let table = try auditor.export(ExportTests.query(dimensions, "2023-09", "2023-10"))
                for format in ExportFormat.allCases {
                    let document = table.document(format)
                    texts.append(String(decoding: document.table, as: UTF8.self))
                    // The data cut-off is the export's own time, not a case's; nothing else is finer than a month.
                    let manifest = String(decoding: document.manifest, as: UTF8.self)
                    texts.append(manifest.split(separator: "\n").filter { !$0.contains("\"dataCutoff\"") }
                        .joined(separator: "\n"))
                }
            }
            let ids = report.receipts.map(\.id)
            for text in texts {
                #expect(text.firstMatch(of: /\d{4}-\d{2}-\d{2}/) == nil, "a date finer than a month: \(text.prefix(300))")
                #expect(!text.contains("requester"), "a contact handle")
                #expect(!text.contains("Yekaterinburg"), "a narrative")
                for id in ids {
                    #expect(!text.localizedCaseInsensitiveContains(id.description), "case id \(id)")
                    #expect(!text.contains(Data(id.bytes).base64EncodedString()))
                    #expect(!text.contains(id.bytes.hexString))
                }
            }
        }
    }

    @Test("CSV and JSON carry the same rows; the manifest names period, K, rules, region table and the table's SHA-256")
    func renderingAndManifest() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            _ = try coordinator.importRequests(jsonLines: Synthetic.jsonLines(
                try ExportTests.lines(25, month: "2023-09", region: "RU-SVE") + ExportTests.lines(3, month: "2023-09")))
            let table = try fixture.addUser("auditor-vera", .auditor)
                .export(ExportTests.query([.month, .district], "2023-09", "2023-10"))

            let csv = String(decoding: table.rendered(as: .csv), as: UTF8.self)
            let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.first == "month,district,count")
            #expect(lines.last == "", "the file ends with a newline")
            #expect(lines.count == table.rows.count + 2)
            #expect(lines.contains("2023-09,ural,25"))
            #expect(lines.contains("2023-09,central,x"))
            #expect(lines.contains("total,total,28"))

            let json = try #require(try JSONSerialization.jsonObject(with: Data(table.rendered(as: .json)))
                as? [String: Any])
            #expect(json["dimensions"] as? [String] == ["month", "district"])
            let rows = try #require(json["rows"] as? [[String: Any]])
            #expect(rows.count == table.rows.count)
            for (row, expected) in zip(rows, table.rows) {
                #expect(row["month"] as? String == expected.labels[0])
                #expect(row["district"] as? String == expected.labels[1])
                #expect(row["suppressed"] as? Bool == (expected.count == nil))
                if let count = expected.count { #expect(row["count"] as? Int == count) } else { #expect(row["count"] is NSNull) }
            }

            for format in ExportFormat.allCases {
                let document = table.document(format)
                let manifest = try #require(try JSONSerialization.jsonObject(with: Data(document.manifest))
                    as? [String: Any])
                let period = try #require(manifest["period"] as? [String: String])
                #expect(period == ["from": "2023-09", "to": "2023-10"])
                #expect(manifest["dimensions"] as? [String] == ["month", "district"])
                #expect(manifest["minimumCellSize"] as? Int == 10)
                #expect(manifest["regionTable"] as? String == Region.districtTableVersion)
                #expect(manifest["software"] as? String == "CaseVault \(Vault.softwareVersion)")
                #expect((manifest["dataCutoff"] as? String)?.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/) != nil)
                let rules = try #require(manifest["rules"] as? [String])
                #expect(rules.contains { $0.contains("from 1 to 9") })
                #expect(rules.contains { $0.contains("complementary") })
                let described = try #require(manifest["table"] as? [String: Any])
                #expect(described["sha256"] as? String == SHA256.hash(document.table).hexString)
                #expect(described["file"] as? String == "counts.\(format.rawValue)")
                #expect(described["rows"] as? Int == table.rows.count)
                #expect(described["suppressed"] as? Int == table.suppressedCount)
            }
        }
    }

    // MARK: Tampering

    @Test("a flipped byte, a swapped or replayed statistics row: the check names the case, the export is unchanged")
    func tamperedStatsRefused() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let first = try coordinator.intake(Synthetic.request()).id
            let second = try coordinator.intake(Synthetic.awolRequest()).id
            let auditor = try fixture.addUser("auditor-vera", .auditor)
            let query = try ExportTests.query([.month], "2023-09", "2023-10", k: 5)
            let reference = auditor.export(query: query)
            let original = try fixture.caseBlob(first, "stats")

            // Exports count the stats projection (its own attacks are in ProjectionTests); a damaged row
            // cannot change a published figure, and the consistency check names the case.
            try fixture.setCaseBlob(first, "stats", to: original.flipping(original.count / 2))
            expectCaseIntegrityError(first) { try auditor.checkProjections() }
            #expect(auditor.export(query: query) == reference)

            let other = try fixture.caseBlob(second, "stats")
            try fixture.setCaseBlob(first, "stats", to: other)
            try fixture.setCaseBlob(second, "stats", to: original)
            let error = expectCaseVaultError(.integrity) { try auditor.checkProjections() }
            #expect(error?.caseID == first || error?.caseID == second)

            try fixture.setCaseBlob(second, "stats", to: other)
            try fixture.setCaseBlob(first, "stats", to: original)
            #expect(auditor.export(query: query) == reference, "restored rows export again")

            // An older statistics row replayed after a transition: bound to the old version.
            try coordinator.perform(.submit, on: first)
            expectCaseIntegrityError(first) {
                try fixture.setCaseBlob(first, "stats", to: original)
                return try auditor.checkProjections()
            }
            expectCaseIntegrityError(first, "the next write refuses it") { try coordinator.perform(.close, on: first,
                with: WorkflowInputs(outcome: .withdrawn)) }
        }
    }
}

extension Session {
    /// The rows of an export, failing the test on error (for comparisons).
    func export(query: CountQuery) -> [CountTable.Row] {
        do { return try export(query).rows } catch {
            Issue.record("export failed: \(error)")
            return []
        }
    }
}
