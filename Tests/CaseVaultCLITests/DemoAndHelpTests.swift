import Foundation
import Testing

@Suite("casevault demo and --help")
struct DemoAndHelpTests {
    @Test("demo runs its tour, shows every role and finds none of its markers in the file")
    func demo() async throws {
        let workspace = try Workspace()
        let result = try await workspace.run(["demo"])
        #expect(result.status == 0 && !result.crashed, "\(result)")
        for role in ["admin", "coordinator", "lawyer", "auditor"] {
            #expect(result.stdout.contains("(\(role))"), "the demo should show the \(role): \(result.stdout)")
        }
        let markers = result.stdoutLines.filter { $0.contains("in the database and WAL files") }
        #expect(markers.count >= 5, "the demo should report its marker search: \(result.stdout)")
        #expect(markers.allSatisfy { $0.hasSuffix("not found") }, "\(markers)")
        #expect(!result.stdout.contains("FOUND"), "\(result.stdout)")
        #expect(result.stdout.contains("is refused"), "the auditor's refusal should be shown")
        #expect(!result.stdout.contains("must not happen"))
    }

    @Test("the demo ends with the auditor's monthly export reproducing the published 2023 figures")
    func demoExport() async throws {
        let workspace = try Workspace()
        let result = try await workspace.run(["demo"])
        expectSuccess(result)
        let export = try #require(result.stdout.range(of: "== 8."), "no export section: \(result.stdout)")
        let lines = result.stdout[export.lowerBound...].split(separator: "\n").map(String.init)
        let figures = lines.compactMap { line in
            line.firstMatch(of: /^\s+(\S+)\s+exported (\d+), published (\d+)$/)
                .map { (String($0.1), Int($0.2)!, Int($0.3)!) }
        }
        #expect(figures.map(\.0) == ["2023-06", "2023-07..2023-08", "2023-06..2023-08", "2023-09", "2023-10",
                                      "2023-11", "2023-09..2023-11"])
        #expect(figures.allSatisfy { $0.1 == $0.2 }, "\(figures)")
        #expect(figures.first { $0.0 == "2023-06..2023-08" }?.1 == 305)
        #expect(figures.first { $0.0 == "2023-09..2023-11" }?.1 == 577)
        #expect(lines.contains { $0.contains("+89%") && $0.contains("reproduces every published figure") })
        #expect(!result.stdout.contains("DIFFERS"))
        // The regional table shows suppression: some counts are written x.
        #expect(lines.contains { $0.hasPrefix("    RU-") && $0.contains(" x ") })
    }

    @Test("--help exits 0 and lists the commands; options for sensitive text are not offered")
    func help() async throws {
        let workspace = try Workspace()
        let root = try await workspace.run(["--help"])
        expectSuccess(root)
        for command in ["init", "user", "case", "demo"] {
            #expect(root.stdout.contains(command), "--help should list \(command): \(root.stdout)")
        }
        let caseNew = try await workspace.run(["case", "new", "--help"])
        expectSuccess(caseNew)
        #expect(caseNew.stdout.contains("--contact-file"))
        #expect(caseNew.stdout.contains("--narrative-file"))
        #expect(caseNew.stdout.wholeMatch(of: /(?s).*--contact\s.*/) == nil, "--contact is offered: \(caseNew.stdout)")
        #expect(!caseNew.stdout.contains("--narrative "), "--narrative is offered: \(caseNew.stdout)")
        expectSuccess(try await workspace.run(["case", "note", "--help"]))
    }
}
