import Foundation
import Testing

@Suite("casevault case import")
struct CaseImportTests {
    /// A JSON Lines request; `received` tells the lines apart.
    static func line(received: String, region: String = "RU-MOW", urgency: String = "normal",
                     extra: String = "") -> String {
        #"{"received":"\#(received)","channel":"messenger","region":"\#(region)","service":"mobilized","#
            + #""situation":"front","needs":["legal","exit"],"urgency":"\#(urgency)"\#(extra)}"#
    }

    /// `case list --json` as a map from id to received date.
    static func listing(_ workspace: Workspace) async throws -> (raw: String, received: [String: String]) {
        let result = try await workspace.run(as: Cast.coordinator, ["case", "list", "--json"])
        expectSuccess(result)
        var received: [String: String] = [:]
        for item in try result.jsonArray() {
            received[try #require(item["id"] as? String)] = item["received"] as? String
        }
        return (result.stdout, received)
    }

    @Test("good lines are stored and their ids printed in file order; a bad line 3 stores nothing")
    func importAllOrNothing() async throws {
        let workspace = try await Workspace.withUsers()
        let dates = ["2023-09-03", "2023-07-01", "2023-08-15"]
        let good = try workspace.write("good.jsonl", [
            Self.line(received: dates[0], extra: #","contact":"@import_one","narrative":"Asks about a transfer.""#),
            Self.line(received: dates[1], region: "UA-43"),
            "",
            Self.line(received: dates[2], urgency: "critical", extra: #","deadline":"2023-08-20""#),
        ].joined(separator: "\n") + "\n")
        let imported = try await workspace.run(as: Cast.coordinator, ["case", "import", "--jsonl", good])
        expectSuccess(imported)
        let ids = imported.stdoutLines
        #expect(ids.count == 3, "\(imported)")
        #expect(ids.allSatisfy { $0.wholeMatch(of: /[0-9A-Z]{26}/) != nil }, "\(imported.stdout)")
        let before = try await Self.listing(workspace)
        // Ids are random, so file order shows in what each id holds.
        #expect(ids.map { before.received[$0] } == dates)
        let first = try await workspace.run(as: Cast.coordinator, ["case", "show", try #require(ids.first), "--json"])
        #expect(try first.jsonObject()["contact"] as? String == "@import_one")

        let bad = try workspace.write("bad.jsonl", [
            Self.line(received: "2023-10-01"),
            Self.line(received: "2023-10-02"),
            Self.line(received: "2023-10-03", region: "RU-XXX"),
            Self.line(received: "2023-10-04"),
        ].joined(separator: "\n") + "\n")
        let refused = try await workspace.run(as: Cast.coordinator, ["case", "import", "--jsonl", bad])
        expectFailure(refused, status: 1, mentions: ["line 3", "RU-XXX"])
        let unchanged = try await Self.listing(workspace)
        #expect(unchanged.raw == before.raw, "a refused import changed the vault")

        let skipped = try await workspace.run(as: Cast.coordinator,
                                              ["case", "import", "--jsonl", bad, "--skip-bad-lines"])
        #expect(skipped.status == 0, "\(skipped)")
        #expect(skipped.stderr.contains("line 3"), "the skipped line should be reported: \(skipped.stderr)")
        let newIDs = skipped.stdoutLines
        #expect(newIDs.count == 3, "\(skipped)")
        let after = try await Self.listing(workspace)
        #expect(after.received.count == 6)
        #expect(newIDs.map { after.received[$0] } == ["2023-10-01", "2023-10-02", "2023-10-04"])
        #expect(!after.received.values.contains("2023-10-03"))
    }

    @Test("import reads standard input with --jsonl -, and an unknown key is refused with its line")
    func importFromStandardInput() async throws {
        let workspace = try await Workspace.withUsers()
        let lines = [Self.line(received: "2023-06-01"), Self.line(received: "2023-06-02")].joined(separator: "\n")
        let imported = try await workspace.run(as: Cast.coordinator, ["case", "import", "--jsonl", "-"],
                                               stdin: Data(lines.utf8))
        expectSuccess(imported)
        let ids = imported.stdoutLines
        #expect(ids.count == 2)
        #expect(try await Self.listing(workspace).received == [ids[0]: "2023-06-01", ids[1]: "2023-06-02"])

        // Cases hold no names: a key outside the contract is refused, and nothing of the batch is stored.
        let named = [Self.line(received: "2023-06-03"),
                     Self.line(received: "2023-06-04", extra: #","name":"Ivan Petrov""#)].joined(separator: "\n")
        let refused = try await workspace.run(as: Cast.coordinator, ["case", "import", "--jsonl", "-"],
                                              stdin: Data(named.utf8))
        expectFailure(refused, status: 1, mentions: ["line 2", "name"])
        #expect(!refused.stderr.contains("Petrov"))
        #expect(try await Self.listing(workspace).received.count == 2)

        let auditor = try await workspace.run(as: Cast.auditor, ["case", "import", "--jsonl", "-"],
                                              stdin: Data(lines.utf8))
        expectFailure(auditor, status: 1, mentions: ["auditor"])
        #expect(try await Self.listing(workspace).received.count == 2)
    }
}
