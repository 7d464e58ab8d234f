import Foundation
import Testing

@testable import CaseVault

/// `Docs/Workflow.md` holds the table and diagram generated from `Workflow.rules`; this test
/// fails when the two differ (regenerate with `casevault workflow`).
struct WorkflowDocumentTests {
    static let begin = "<!-- generated from Workflow.rules: begin -->"
    static let end = "<!-- generated from Workflow.rules: end -->"

    static func document() throws -> String {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("Docs/Workflow.md")
            if FileManager.default.fileExists(atPath: candidate.path) {
                return try String(contentsOf: candidate, encoding: .utf8)
            }
        }
        throw CaseVaultError(.notFound, "Docs/Workflow.md not found above \(#filePath)")
    }

    @Test("Docs/Workflow.md holds exactly the table and diagram generated from the code")
    func documentMatchesCode() throws {
        let text = try Self.document()
        let start = try #require(text.range(of: Self.begin))
        let stop = try #require(text.range(of: Self.end))
        let generated = text[start.upperBound..<stop.lowerBound].trimmingCharacters(in: .newlines)
        #expect(generated == Workflow.documentation.trimmingCharacters(in: .newlines))
    }

    @Test("the generated text changes when the table does, so the comparison can fail")
    func generationReflectsTable() {
        let documentation = Workflow.documentation
        for rule in Workflow.rules {
            #expect(documentation.contains("| \(rule.event) | \(rule.from.map(\.rawValue).joined(separator: ", ")) |"))
        }
        #expect(!documentation.contains("| submit | closed |"))
        #expect(documentation.contains("awaiting_review --> in_review : begin-review (lawyer, admin)"))
    }
}
