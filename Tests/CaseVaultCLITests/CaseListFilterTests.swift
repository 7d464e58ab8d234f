import Foundation
import Testing

@Suite("casevault case list filters")
struct CaseListFilterTests {
    @Test("--state, --urgency and --overdue select the right cases, most urgent first")
    func filters() async throws {
        let workspace = try await Workspace.withUsers()
        let requests = [
            ("past", CaseImportTests.line(received: "2023-05-01", urgency: "critical",
                                          extra: #","deadline":"2020-01-10""#)),
            ("future", CaseImportTests.line(received: "2023-05-02", urgency: "critical",
                                            extra: #","deadline":"2099-12-31""#)),
            ("high", CaseImportTests.line(received: "2023-05-03", urgency: "high")),
            ("normal", CaseImportTests.line(received: "2023-05-04", urgency: "normal",
                                            extra: #","deadline":"2021-03-01""#)),
        ]
        let imported = try await workspace.run(as: Cast.coordinator, ["case", "import", "--jsonl", "-"],
                                               stdin: Data(requests.map(\.1).joined(separator: "\n").utf8))
        expectSuccess(imported)
        try #require(imported.stdoutLines.count == requests.count, "\(imported)")
        let id = Dictionary(uniqueKeysWithValues: zip(requests.map(\.0), imported.stdoutLines))

        func list(_ options: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
            let result = try await workspace.run(as: Cast.lawyer, ["case", "list", "--json"] + options)
            expectSuccess(result, sourceLocation: sourceLocation)
            return try result.jsonArray().compactMap { $0["id"] as? String }
        }

        // Listings sort by urgency, then deadline (none last), then received date.
        #expect(try await list([]) == [id["past"], id["future"], id["high"], id["normal"]])
        #expect(try await list(["--state", "intake"]) == [id["past"], id["future"], id["high"], id["normal"]])
        #expect(try await list(["--state", "awaiting-review"]).isEmpty)
        #expect(try await list(["--urgency", "critical"]) == [id["past"], id["future"]])
        #expect(try await list(["--urgency", "high"]) == [id["high"]])
        #expect(try await list(["--overdue"]) == [id["past"], id["normal"]])
        #expect(try await list(["--overdue", "--urgency", "critical"]) == [id["past"]])

        let text = try await workspace.run(as: Cast.coordinator, ["case", "list", "--overdue"])
        expectSuccess(text)
        #expect(text.stdout.contains(try #require(id["past"])))
        #expect(!text.stdout.contains(try #require(id["future"])), "a far-future deadline is not overdue")
        #expect(!text.stdout.contains(try #require(id["high"])), "a case without a deadline is not overdue")
    }
}
