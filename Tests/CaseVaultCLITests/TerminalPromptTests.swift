import Foundation
import Testing

/// Prompts and long bulk operations at a terminal (``PseudoTerminal``): `init` asks again on a
/// typo, a role is refused before any prompt, and `case event --ids-file` shows progress and stops
/// cleanly on Ctrl-C.
@Suite("casevault at a terminal: prompts asked again, refusals before prompts, bulk progress",
       .enabled(if: CommandLineTool.canDetach))
struct TerminalPromptTests {
    @Test("init asks again when the two passphrases differ, and the vault opens with the one typed twice")
    func initAsksAgain() async throws {
        let workspace = try Workspace()
        let terminal = try PseudoTerminal(["init", "--admin", Cast.admin, "--kdf", "interactive",
                                           "--vault", workspace.vaultPath], in: workspace.directory)
        _ = try await terminal.waitFor("New passphrase for \(Cast.admin)")
        terminal.type("first attempt\n")
        _ = try await terminal.waitFor("Repeat it")
        terminal.type("first attenpt\n")
        _ = try await terminal.waitFor("the two passphrases differ; try again.")
        terminal.type("\n")
        _ = try await terminal.waitFor("an empty passphrase is not allowed; try again.")
        terminal.type(Workspace.passphrase(of: Cast.admin) + "\n")
        _ = try await terminal.waitFor("Repeat it")
        terminal.type(Workspace.passphrase(of: Cast.admin) + "\n")
        let exit = try await terminal.waitForExit()
        #expect(exit.status == 0 && !exit.signalled, "\(terminal.output)")
        #expect(terminal.output.contains("Recovery code"))
        // The passphrase typed twice unlocks; the mistyped one never became one.
        let listed = try await workspace.run(as: Cast.admin, ["user", "list", "--json"])
        expectSuccess(listed)
        #expect(try listed.jsonArray().map { $0["name"] as? String } == [Cast.admin])
    }

    @Test("init gives up after three mismatches with one line and exit 2, and creates nothing")
    func initGivesUp() async throws {
        let workspace = try Workspace()
        let terminal = try PseudoTerminal(["init", "--admin", Cast.admin, "--kdf", "interactive",
                                           "--vault", workspace.vaultPath], in: workspace.directory)
        for attempt in 1...3 {
            _ = try await terminal.waitFor("New passphrase for", occurrence: attempt)
            terminal.type("one \(attempt)\n")
            _ = try await terminal.waitFor("Repeat it", occurrence: attempt)
            terminal.type("two \(attempt)\n")
        }
        let exit = try await terminal.waitForExit()
        #expect(exit.status == 2, "\(terminal.output)")
        #expect(terminal.output.contains("casevault: the two passphrases differ (3 tries); run the command again"))
        #expect(!FileManager.default.fileExists(atPath: workspace.vaultPath))
    }

    @Test("an auditor's case list is refused at a terminal without asking for a passphrase")
    func refusedBeforePrompt() async throws {
        let workspace = try await Workspace.withUsers()
        let terminal = try PseudoTerminal(["case", "list", "--vault", workspace.vaultPath, "--user", Cast.auditor],
                                          in: workspace.directory)
        let exit = try await terminal.waitForExit()
        #expect(exit.status == 1, "\(terminal.output)")
        #expect(terminal.output.contains("a user with role auditor cannot list cases"))
        #expect(!terminal.output.contains("Passphrase"), "no prompt before the refusal: \(terminal.output)")
    }

    @Test("a bulk event draws a progress line on a terminal; Ctrl-C stops between cases and says what was done")
    func bulkProgressAndInterrupt() async throws {
        let workspace = try await Workspace.withUsers()
        let count = 400
        let imported = try await workspace.run(as: Cast.coordinator, ["case", "import", "--jsonl", "-"],
                                               stdin: Data(importLines(count).utf8))
        #expect(imported.status == 0, "\(imported)")
        let ids = imported.stdoutLines
        try #require(ids.count == count)
        let file = try workspace.write("ids.txt", ids.joined(separator: "\n"))
        let arguments = ["case", "event", "submit", "--ids-file", file, "--vault", workspace.vaultPath,
                         "--user", Cast.coordinator, "--passphrase-file",
                         try workspace.passphraseFile(for: Cast.coordinator)]
        // With --json nothing is printed per case: the terminal shows the bar alone until the end.
        let terminal = try PseudoTerminal(arguments + ["--json"], in: workspace.directory)
        _ = try await terminal.waitFor("/\(count) cases")
        terminal.interrupt()
        let exit = try await terminal.waitForExit()
        #expect(exit.status == 130, "\(terminal.output.suffix(1_000))")
        let pieces = terminalPieces(terminal.output).filter { $0.hasPrefix("casevault:") }
        #expect(pieces.count == 1, "\(pieces)")
        let line = try #require(pieces.first)
        #expect(line.hasPrefix("casevault: interrupted after ") && line.contains(" of \(count) cases: "),
                "\(line)")
        // The cases said to be done are exactly those submitted; the rest are untouched.
        let done = try #require(Int(line.split(separator: ":")[2].split(separator: " ")[0]), "\(line)")
        let states = try await workspace.run(as: Cast.coordinator, ["case", "list", "--json"])
        let submitted = try states.jsonArray().filter { $0["state"] as? String == "awaiting-review" }.count
        #expect(submitted == done, "\(line)")
        #expect(done < count, "the interrupt landed after the last case: \(line)")
    }
}
