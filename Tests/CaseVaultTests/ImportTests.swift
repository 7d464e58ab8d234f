import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// Bulk intake from JSON Lines: all or nothing, bad lines named by number.
@Suite("Bulk import")
struct ImportTests {
    static func goodLines() throws -> [String] {
        [
            try Synthetic.jsonLine(["received": "2023-09-01", "region": "RU-SVE", "narrative": "line one: на фронте",
                                    "contact": "@first_handle"]),
            try Synthetic.jsonLine(["received": "2023-09-02", "region": "ru-ore", "urgency": "critical",
                                    "deadline": "2023-09-10", "narrative": "line two: AWOL", "situation": "awol"]),
            try Synthetic.jsonLine(["received": "2023-09-03", "region": "RU-MOW", "needs": ["medical"],
                                    "channel": "in-person", "service": "conscript", "narrative": "line three"]),
        ]
    }

    @Test("a good file stores every line and returns the ids in file order")
    func goodFile() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let entries = try coordinator.verifyAuditLog()
            let report = try coordinator.importRequests(jsonLines: Synthetic.jsonLines(try ImportTests.goodLines()))
            #expect(report.skipped.isEmpty)
            #expect(report.receipts.count == 3)
            #expect(Set(report.receipts.map(\.id)).count == 3)
            #expect(try fixture.count("cases") == 3)
            let records = try report.receipts.map { try coordinator.case($0.id) }
            #expect(records.map(\.request.narrative) == ["line one: на фронте", "line two: AWOL", "line three"])
            #expect(records.map(\.request.region.code) == ["RU-SVE", "RU-ORE", "RU-MOW"])
            #expect(records.map(\.request.received.description) == ["2023-09-01", "2023-09-02", "2023-09-03"])
            #expect(records[0].request.contact == "@first_handle")
            #expect(records[1].request.deadline?.description == "2023-09-10")
            #expect(records[1].request.urgency == .critical)
            #expect(records[1].request.situation == .awol)
            #expect(records[2].request.needs == [.medical])
            #expect(records[2].request.channel == .inPerson)
            #expect(records.allSatisfy { $0.state == .intake && $0.version == 1 })
            #expect(records.allSatisfy { $0.history.first?.actor == "coord-anna" })
            // One audit entry covers the whole batch.
            #expect(try coordinator.verifyAuditLog() == entries + 1)
        }
    }

    @Test("Windows line endings, blank lines and a missing final newline are accepted")
    func lineEndings() throws {
        try withVault { fixture in
            let lines = try ImportTests.goodLines()
            let text = lines[0] + "\r\n\r\n" + lines[1] + "\r\n   \n" + lines[2]
            let report = try fixture.admin.importRequests(jsonLines: Data(text.utf8))
            #expect(report.receipts.count == 3)
            #expect(try fixture.count("cases") == 3)
        }
    }

    /// One bad line, and what its error should mention.
    enum BadLine: String, CaseIterable, CustomTestStringConvertible {
        case badRegion = "bad region", badDate = "bad date", shortDate = "short date"
        case unknownKeyName = "unknown key name"
        case missingNeeds = "missing needs", emptyNeeds = "empty needs", needsNotArray = "needs not an array"
        case badUrgency = "bad urgency", badDeadline = "bad deadline", notJSON = "not JSON", array = "a JSON array"
        case numberAsString = "number for a string", emptyContact = "empty contact"

        var testDescription: String { rawValue }

        func line() throws -> String {
            switch self {
            case .badRegion: try Synthetic.jsonLine(["region": "RU-XYZ"])
            case .badDate: try Synthetic.jsonLine(["received": "2023-02-30"])
            case .shortDate: try Synthetic.jsonLine(["received": "2023-9-1"])
            case .unknownKeyName: try Synthetic.jsonLine(["name": "Иван Петров"])
            case .missingNeeds: try Synthetic.jsonLine(removing: ["needs"])
            case .emptyNeeds: try Synthetic.jsonLine(["needs": [String]()])
            case .needsNotArray: try Synthetic.jsonLine(["needs": "legal"])
            case .badUrgency: try Synthetic.jsonLine(["urgency": "urgent"])
            case .badDeadline: try Synthetic.jsonLine(["deadline": "14.09.2023"])
            case .notJSON: "{\"received\": \"2023-09-14\", "
            case .array: "[\"2023-09-14\", \"messenger\"]"
            case .numberAsString: try Synthetic.jsonLine(["region": 66])
            case .emptyContact: try Synthetic.jsonLine(["contact": " @ "])
            }
        }

        /// A word the reason must contain, so the user knows what to fix.
        var hint: String {
            switch self {
            case .badRegion: "RU-XYZ"
            case .badDate, .shortDate, .badDeadline: "date"
            case .unknownKeyName: "name"
            case .missingNeeds, .needsNotArray: "needs"
            case .emptyNeeds: "need"
            case .badUrgency: "urgency"
            case .notJSON, .array: "JSON"
            case .numberAsString: "region"
            case .emptyContact: "contact"
            }
        }
    }

    @Test("one bad line stores nothing and the error names its line number", arguments: BadLine.allCases)
    func badLineStoresNothing(_ bad: BadLine) throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let good = try ImportTests.goodLines()
            let entries = try coordinator.verifyAuditLog()
            #expect(try fixture.count("cases") == 0)
            let error = expectCaseVaultError(.invalidInput) {
                try coordinator.importRequests(jsonLines: Synthetic.jsonLines([good[0], try bad.line(), good[2]]))
            }
            #expect(error?.message.hasPrefix("line 2: ") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains(bad.hint) == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("nothing was imported") == true)
            #expect(try fixture.count("cases") == 0)
            #expect(try coordinator.verifyAuditLog() == entries)
        }
    }

    @Test("skipping bad lines stores the good ones and reports the bad ones", arguments: BadLine.allCases)
    func skipBadLines(_ bad: BadLine) throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let good = try ImportTests.goodLines()
            let report = try coordinator.importRequests(
                jsonLines: Synthetic.jsonLines([good[0], try bad.line(), good[2]]), skipBadLines: true)
            #expect(report.skipped.map(\.line) == [2])
            #expect(report.skipped.first?.reason.contains(bad.hint) == true)
            #expect(report.skipped.first?.description.hasPrefix("line 2: ") == true)
            #expect(report.receipts.count == 2)
            #expect(try fixture.count("cases") == 2)
            #expect(try report.receipts.map { try coordinator.case($0.id).request.narrative }
                    == ["line one: на фронте", "line three"])
        }
    }

    @Test("line numbers count blank lines, and further bad lines are counted")
    func lineNumbersCountBlankLines() throws {
        try withVault { fixture in
            let good = try ImportTests.goodLines()
            let lines = [good[0], "", good[1], "", try BadLine.badRegion.line(), try BadLine.badDate.line()]
            let error = expectCaseVaultError(.invalidInput) {
                try fixture.admin.importRequests(jsonLines: Synthetic.jsonLines(lines))
            }
            #expect(error?.message.hasPrefix("line 5: ") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("1 more bad line") == true, "\(error?.message ?? "")")
            let report = try fixture.admin.importRequests(jsonLines: Synthetic.jsonLines(lines), skipBadLines: true)
            #expect(report.skipped.map(\.line) == [5, 6])
            #expect(report.receipts.count == 2)
        }
    }

    @Test("a file with no request is refused, even when skipping bad lines", arguments: [false, true])
    func emptyFile(_ skip: Bool) throws {
        try withVault { fixture throws in
            expectCaseVaultError(.invalidInput) {
                try fixture.admin.importRequests(jsonLines: Data("\n  \n".utf8), skipBadLines: skip)
            }
            if skip {
                expectCaseVaultError(.invalidInput) {
                    try fixture.admin.importRequests(jsonLines: Synthetic.jsonLines([try BadLine.notJSON.line()]),
                                                     skipBadLines: true)
                }
            }
            #expect(try fixture.count("cases") == 0)
        }
    }

    @Test("an intake error on a line (strict text policy) names the line and stores nothing")
    func intakeErrorNamesLine() throws {
        try withVault { fixture in
            try fixture.admin.updateSettings(VaultSettings(strictTextPolicy: true))
            let good = try ImportTests.goodLines()
            let identifying = try Synthetic.jsonLine(["narrative": "Звонить по номеру +7 912 345-67-89 вечером"])
            let entries = try fixture.admin.verifyAuditLog()
            let error = expectCaseVaultError(.identifyingText) {
                try fixture.admin.importRequests(jsonLines: Synthetic.jsonLines([good[0], good[1], identifying]))
            }
            #expect(error?.message.hasPrefix("line 3: ") == true, "\(error?.message ?? "")")
            #expect(try fixture.count("cases") == 0)
            #expect(try fixture.admin.verifyAuditLog() == entries)
            // The same file without the identifying line imports.
            #expect(try fixture.admin.importRequests(jsonLines: Synthetic.jsonLines([good[0], good[1]]))
                .receipts.count == 2)
        }
    }

    /// What a caller throws from the progress callback to stop an import.
    struct Stop: Error, Equatable {}

    @Test("progress is reported from 0 to the total, rising, and the report gives each receipt's line")
    func progressAndLines() throws {
        try withVault { fixture in
            let good = try ImportTests.goodLines()
            var lines: [String] = []
            for index in 0..<600 { lines.append(good[index % 3]) }
            lines.insert("", at: 1)  // line 2 is blank: the second request is on line 3
            var calls: [(done: Int, total: Int)] = []
            let report = try fixture.admin.importRequests(jsonLines: Synthetic.jsonLines(lines)) { done, total in
                calls.append((done, total))
            }
            #expect(report.receipts.count == 600)
            #expect(calls.map(\.done) == [0, 256, 512, 600])
            #expect(calls.allSatisfy { $0.total == 600 })
            #expect(report.lines.count == 600)
            #expect(Array(report.lines.prefix(3)) == [1, 3, 4] && report.lines.last == 601)
            let skipped = try fixture.admin.importRequests(
                jsonLines: Synthetic.jsonLines([try BadLine.badDate.line(), good[0], good[1]]), skipBadLines: true)
            #expect(skipped.lines == [2, 3])
        }
    }

    @Test("a progress callback that throws stops the import: its own error comes out and nothing is stored",
          arguments: [0, 256, 600])
    func progressStops(at stop: Int) throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let lines = try (0..<600).map { try Synthetic.jsonLine(["contact": "@stop_\($0 % 7)"]) }
            let entries = try coordinator.verifyAuditLog()
            var last = -1
            #expect(throws: Stop.self) {
                try coordinator.importRequests(jsonLines: Synthetic.jsonLines(lines)) { done, _ in
                    last = done
                    if done == stop { throw Stop() }
                }
            }
            #expect(last == stop, "no call after the one that threw")
            #expect(try fixture.count("cases") == 0)
            #expect(try coordinator.verifyAuditLog() == entries)
            // The session is not left in a broken state: the same file then imports.
            #expect(try coordinator.importRequests(jsonLines: Synthetic.jsonLines(lines)).receipts.count == 600)
            #expect(try fixture.count("cases") == 600)
        }
    }

    @Test("a single line parses into the same request as the typed API")
    func parseOneLine() throws {
        let line = try Synthetic.jsonLine(["deadline": "2023-09-30", "contact": "@Ivan_Petrov",
                                           "narrative": "Мобилизован, на фронте.", "needs": ["exit", "legal"]])
        let parsed = try RequestImport.request(from: Data(line.utf8))
        let expected = Request(received: try Synthetic.day("2023-09-14"), channel: .messenger,
                               region: try Region(code: "RU-SVE"), service: .mobilized, situation: .front,
                               needs: [.legal, .exit], urgency: .high, deadline: try Synthetic.day("2023-09-30"),
                               contact: "@Ivan_Petrov", narrative: "Мобилизован, на фронте.")
        #expect(parsed == expected)
        // A null optional is absent, not an error.
        let withNull = try RequestImport.request(from: Data(
            try Synthetic.jsonLine(["deadline": NSNull(), "contact": NSNull()]).utf8))
        #expect(withNull.deadline == nil)
        #expect(withNull.contact == nil)
    }
}
