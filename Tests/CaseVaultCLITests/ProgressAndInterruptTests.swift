import Foundation
import Testing

@testable import CaseVaultCLI

/// JSON Lines requests for imports: `count` lines received in 2023, the contact of line `n` (from 0)
/// `@person_(n % contacts)` when `contacts` is given, so every line from `contacts` on repeats one.
func importLines(_ count: Int, contacts: Int? = nil, narrative: String? = nil) -> String {
    var text = ""
    text.reserveCapacity(count * 200)
    for index in 0..<count {
        let month = index % 12 + 1, day = index % 28 + 1
        let received = "2023-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
        text += #"{"received":"\#(received)","channel":"messenger","region":"RU-SVE","service":"mobilized","#
            + #""situation":"leave","needs":["legal","exit"],"urgency":"normal""#
            + (contacts.map { #","contact":"@person_\#(index % $0)""# } ?? "")
            + (narrative.map { #","narrative":"\#($0)""# } ?? "") + "}\n"
    }
    return text
}

/// What a person at a terminal sees of `raw` terminal output: escape codes removed, split at
/// every `\r` and `\n` (each redraw of a progress line is a piece), blank pieces dropped.
func terminalPieces(_ raw: String) -> [String] {
    raw.replacing(/\x{1B}\[[0-9;]*[A-Za-z]/, with: "")
        .split(whereSeparator: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" })
        .map { String($0).trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }
}

/// `casevault` on a terminal: the progress bar of a long import, and Ctrl-C during an import and
/// at a passphrase prompt. The programs run on a pseudo-terminal (``PseudoTerminal``).
@Suite("casevault: progress and Ctrl-C on a terminal", .enabled(if: CommandLineTool.canDetach))
struct ProgressAndInterruptTests {
    /// `case import --jsonl PATH` as the coordinator, with the vault and passphrase file.
    static func importArguments(_ workspace: Workspace, _ path: String, _ more: [String] = []) throws -> [String] {
        ["case", "import", "--jsonl", path, "--vault", workspace.vaultPath, "--user", Cast.coordinator,
         "--passphrase-file", try workspace.passphraseFile(for: Cast.coordinator)] + more
    }

    /// How many cases `case list --json` shows.
    static func caseCount(_ workspace: Workspace) async throws -> Int {
        let listed = try await workspace.run(as: Cast.coordinator, ["case", "list", "--json"])
        expectSuccess(listed)
        return try listed.jsonArray().count
    }

    static let interrupted = "casevault: interrupted; nothing was changed"

    @Test("an import on a terminal redraws one line with count, rate and time left; in a file, only the summary")
    func progressLine() async throws {
        let workspace = try await Workspace.withUsers()
        let path = try workspace.write("requests.jsonl", importLines(3_000, contacts: 2_500))
        let terminal = try PseudoTerminal(try Self.importArguments(workspace, path), in: workspace.directory)
        let exit = try await terminal.waitForExit()
        let raw = terminal.output
        #expect(exit.status == 0 && !exit.signalled, "\(raw.suffix(2_000))")
        let pieces = terminalPieces(raw)
        let draws = pieces.filter { $0.hasPrefix("importing") }
        // The first drawing comes when writing starts, before any rate is known; the last at the total.
        #expect(draws.first?.wholeMatch(of: /importing  \[-+\]  0\/3,000 requests  --\/s  --:-- left/) != nil,
                "\(draws.first ?? "no progress line")")
        #expect(draws.last?.wholeMatch(of: /importing  \[#+\]  3,000\/3,000 requests  [0-9][0-9,.]*\/s  0:00 left/)
                != nil, "\(draws.last ?? "no progress line")")
        #expect(draws.allSatisfy { $0.count < Int(PseudoTerminal.columns) })
        // Redrawn in place: from the first drawing to the last, no line ends.
        let first = try #require(raw.range(of: "importing"))
        let last = try #require(raw.range(of: "0:00 left", options: .backwards))
        #expect(!raw[first.lowerBound..<last.upperBound].contains("\n"), "the progress line was not redrawn in place")
        #expect(raw.contains("\u{1B}[32m"), "the bar is coloured when NO_COLOR is not set")
        // After the bar: the ids, then one line about the 500 repeated contacts.
        let rest = pieces.filter { !$0.hasPrefix("importing") }
        #expect(rest.count == 3_001, "\(rest.suffix(3))")
        #expect(rest.dropLast().allSatisfy { $0.wholeMatch(of: /[0-9A-Z]{26}/) != nil })
        #expect(rest.last == "casevault: note: 500 requests share a contact with earlier cases; "
                + "--show-duplicates lists them")

        // With standard error in a file there is no bar at all: the summary is the only line.
        let quiet = try await workspace.run(as: Cast.coordinator, ["case", "import", "--jsonl", path])
        #expect(quiet.status == 0, "\(quiet)")
        #expect(quiet.stdoutLines.count == 3_000)
        #expect(quiet.stderr == "casevault: note: 3,000 requests share a contact with earlier cases; "
                + "--show-duplicates lists them\n")
        #expect(try await Self.caseCount(workspace) == 6_000)
    }

    @Test("with NO_COLOR set (to any value) the progress line holds no escape code")
    func noColor() async throws {
        let workspace = try await Workspace.withUsers()
        let path = try workspace.write("requests.jsonl", importLines(300))
        for value in ["1", ""] {
            let terminal = try PseudoTerminal(try Self.importArguments(workspace, path), in: workspace.directory,
                                              environment: ["NO_COLOR": value])
            let exit = try await terminal.waitForExit()
            #expect(exit.status == 0, "\(terminal.output.suffix(500))")
            #expect(terminal.output.contains("300/300 requests"), "no progress line: \(terminal.output.prefix(500))")
            #expect(!terminal.output.contains("\u{1B}"), "NO_COLOR=\(value): \(terminal.output.prefix(500))")
        }
    }

    @Test("Ctrl-C during a large import: exit 130, one line, and the vault holds exactly the cases it held before")
    func interruptImport() async throws {
        let workspace = try await Workspace.withUsers()
        let earlier = try workspace.write("earlier.jsonl", importLines(5, contacts: 5))
        expectSuccess(try await workspace.run(as: Cast.coordinator, ["case", "import", "--jsonl", earlier]))
        let before = try await Self.caseCount(workspace)
        #expect(before == 5)

        let path = try workspace.write("large.jsonl", importLines(50_000, contacts: 40_000))
        let terminal = try PseudoTerminal(try Self.importArguments(workspace, path), in: workspace.directory)
        // The bar is first drawn once the import's transaction has begun: the interrupt lands inside it.
        try await terminal.waitFor("importing")
        terminal.interrupt()
        let exit = try await terminal.waitForExit()
        let raw = terminal.output
        #expect(exit.status == 130 && !exit.signalled, "exit \(exit.status): \(raw.suffix(1_000))")
        let said = terminalPieces(raw).filter { !$0.hasPrefix("importing") && $0 != "^C" }
        #expect(said == [Self.interrupted], "\(said)")
        #expect(try await Self.caseCount(workspace) == before, "an interrupted import changed the vault")
        // The vault is whole: the same file imports afterwards.
        let small = try workspace.write("after.jsonl", importLines(3))
        expectSuccess(try await workspace.run(as: Cast.coordinator, ["case", "import", "--jsonl", small]))
        #expect(try await Self.caseCount(workspace) == before + 3)
    }

    @Test("Ctrl-C at the passphrase prompt: exit 130, one line, and the terminal echoes again")
    func interruptPrompt() async throws {
        let workspace = try await Workspace.withUsers()
        let arguments = ["case", "list", "--vault", workspace.vaultPath, "--user", Cast.coordinator]
        let terminal = try PseudoTerminal(arguments, in: workspace.directory)
        #expect(terminal.echoes)
        try await terminal.waitFor("Passphrase for \(Cast.coordinator): ")
        try await terminal.waitUntil("echo turned off for the passphrase") { !terminal.echoes }
        terminal.interrupt()
        let exit = try await terminal.waitForExit()
        #expect(exit.status == 130 && !exit.signalled, "exit \(exit.status): \(terminal.output)")
        #expect(terminal.echoes, "the terminal was left without echo")
        #expect(terminalPieces(terminal.output) == ["Passphrase for \(Cast.coordinator):", Self.interrupted],
                "\(terminal.output)")

        // The same prompt answered: the passphrase is read without echo and the command runs.
        let answered = try PseudoTerminal(arguments + ["--json"], in: workspace.directory)
        try await answered.waitFor("Passphrase for \(Cast.coordinator): ")
        try await answered.waitUntil("echo turned off for the passphrase") { !answered.echoes }
        answered.type(Workspace.passphrase(of: Cast.coordinator) + "\n")
        let done = try await answered.waitForExit()
        #expect(done.status == 0, "\(answered.output)")
        #expect(answered.echoes)
        #expect(!answered.output.contains(Workspace.passphrase(of: Cast.coordinator)), "the passphrase was echoed")
        #expect(!answered.output.contains("interrupted"))
    }
}

/// `case import`'s lines on standard error: one summary line for repeated contacts and for
/// identifying text, each listed only when asked; the JSON object lists them with their lines.
@Suite("casevault case import: duplicate and warning summaries")
struct ImportSummaryTests {
    static func line(contact: String? = nil, narrative: String? = nil) -> String {
        #"{"received":"2023-10-02","channel":"email","region":"RU-ORE","service":"contract","situation":"awol","#
            + #""needs":["legal"],"urgency":"critical""# + (contact.map { #","contact":"\#($0)""# } ?? "")
            + (narrative.map { #","narrative":"\#($0)""# } ?? "") + "}"
    }

    static func file(_ workspace: Workspace, _ name: String, _ lines: [String]) throws -> String {
        try workspace.write(name, lines.joined(separator: "\n") + "\n")
    }

    @Test("one summary line for requests whose contact matches an earlier open case; --show-duplicates lists them")
    func duplicates() async throws {
        let workspace = try await Workspace.withUsers()
        let contact = try workspace.write("contact.txt", "@anna_k\n")
        let earlier = try await workspace.newCase(as: Cast.coordinator, requestOptions() + ["--contact-file", contact])

        // Lines 1 and 4 repeat the earlier case's contact (4 also line 1's), line 5 repeats line 2's.
        let batch = try Self.file(workspace, "batch.jsonl", [
            Self.line(contact: "@anna_k"), Self.line(contact: "@boris_m"), Self.line(),
            Self.line(contact: "@anna_k"), Self.line(contact: "@boris_m"),
        ])
        let imported = try await workspace.run(as: Cast.coordinator, ["case", "import", "--jsonl", batch])
        #expect(imported.status == 0, "\(imported)")
        let ids = imported.stdoutLines
        #expect(ids.count == 5)
        #expect(imported.stderrLines == ["casevault: note: 3 requests share a contact with earlier cases; "
                                         + "--show-duplicates lists them"])

        let none = try await workspace.run(as: Cast.coordinator, ["case", "import", "--jsonl",
                                                                  try Self.file(workspace, "none.jsonl", [
                                                                      Self.line(contact: "@vera_s"), Self.line(),
                                                                  ])])
        expectSuccess(none)

        let one = try await workspace.run(as: Cast.coordinator, ["case", "import", "--jsonl",
                                                                 try Self.file(workspace, "one.jsonl", [
                                                                     Self.line(contact: "@vera_s"),
                                                                 ])])
        #expect(one.stderrLines == ["casevault: note: 1 request shares a contact with an earlier case; "
                                    + "--show-duplicates lists it"], "\(one)")

        let listed = try await workspace.run(as: Cast.coordinator, [
            "case", "import", "--show-duplicates", "--jsonl",
            try Self.file(workspace, "listed.jsonl", [Self.line(), Self.line(contact: "@boris_m")]),
        ])
        #expect(listed.status == 0, "\(listed)")
        let newID = try #require(listed.stdoutLines.last)
        let shown = try #require(listed.stderrLines.first)
        #expect(listed.stderrLines.count == 1, "\(listed)")
        let prefix = "casevault: note: case \(newID) (line 2) has the same contact as open cases "
        #expect(shown.hasPrefix(prefix), "\(shown)")
        #expect(Set(shown.dropFirst(prefix.count).components(separatedBy: ", ")) == [ids[1], ids[4]], "\(shown)")

        let json = try await workspace.run(as: Cast.coordinator, ["case", "import", "--json", "--jsonl", batch])
        #expect(json.status == 0, "\(json)")
        let object = try json.jsonObject()
        #expect(keys(object) == ["ids", "skipped", "duplicates", "warnings"])
        let jsonIDs = try #require(object["ids"] as? [String])
        let duplicates = try #require(object["duplicates"] as? [[String: Any]])
        #expect(duplicates.map { $0["line"] as? Int } == [1, 2, 4, 5], "every line repeats a contact now")
        #expect(duplicates.map { $0["id"] as? String } == [jsonIDs[0], jsonIDs[1], jsonIDs[3], jsonIDs[4]])
        let first = Set(try #require(duplicates[0]["duplicateOf"] as? [String]))
        #expect(first == [earlier, ids[0], ids[3]])
        let fourth = Set(try #require(duplicates[2]["duplicateOf"] as? [String]))
        #expect(fourth == [earlier, ids[0], ids[3], jsonIDs[0]])
        #expect(json.stderrLines == ["casevault: note: 4 requests share a contact with earlier cases; "
                                     + "--show-duplicates lists them"])
    }

    @Test("identifying text: one summary line, --show-warnings lists each; of many bad lines ten are named")
    func warningsAndSkippedLines() async throws {
        let workspace = try await Workspace.withUsers()
        let phone = "Call +7 912 345-67-89 in the evening"
        let lines = [Self.line(narrative: phone), Self.line(), Self.line(narrative: phone)]
        let summary = try await workspace.run(as: Cast.coordinator, [
            "case", "import", "--jsonl", try Self.file(workspace, "warned.jsonl", lines),
        ])
        #expect(summary.status == 0, "\(summary)")
        #expect(summary.stderrLines == ["casevault: warning: 2 requests have identifying details in their "
                                        + "narratives; --show-warnings lists them"])
        #expect(!summary.stderr.contains("912"))

        let listed = try await workspace.run(as: Cast.coordinator, [
            "case", "import", "--show-warnings", "--jsonl", try Self.file(workspace, "listed.jsonl", lines),
        ])
        let ids = listed.stdoutLines
        #expect(ids.count == 3 && listed.stderrLines.count == 2, "\(listed)")
        #expect(listed.stderrLines.first?.hasPrefix("casevault: warning: case \(ids.first ?? "?") (line 1): ") == true)
        #expect(listed.stderrLines.last?.hasPrefix("casevault: warning: case \(ids.last ?? "?") (line 3): ") == true)
        #expect(listed.stderr.contains("phone number") && !listed.stderr.contains("912"), "\(listed.stderr)")

        let bad = (1...12).map { #"{"received":"2023-13-\#($0)"}"# } + [Self.line()]
        let skipped = try await workspace.run(as: Cast.coordinator, [
            "case", "import", "--skip-bad-lines", "--jsonl", try Self.file(workspace, "bad.jsonl", bad),
        ])
        #expect(skipped.status == 0 && skipped.stdoutLines.count == 1, "\(skipped)")
        #expect(skipped.stderrLines.count == 11, "\(skipped)")
        for (index, line) in skipped.stderrLines.prefix(10).enumerated() {
            #expect(line.hasPrefix("casevault: skipped line \(index + 1): "), "\(line)")
        }
        #expect(skipped.stderrLines.last == "casevault: skipped 2 more bad lines; --json lists every one")
    }
}

/// The progress line as a pure function of (done, total, elapsed, width).
@Suite("casevault: the progress line")
struct ProgressLineTests {
    @Test("count, bar, rate and time left, with thousands grouped")
    func fullLine() {
        let line = ProgressBar.render(label: "importing", done: 41_200, total: 100_000, elapsed: 41_200 / 23_000,
                                      width: 100)
        #expect(line == "importing  [############------------------]  41,200/100,000 cases  23,000/s  0:03 left")
        #expect(ProgressBar.render(label: "counting", done: 1, total: 3, elapsed: 2, width: 80, unit: "blocks")
                == "counting  [##########--------------------]  1/3 blocks  0.5/s  0:04 left")
    }

    @Test("before anything is done the rate and time left are unknown; at the total nothing is left")
    func ends() {
        #expect(ProgressBar.render(label: "importing", done: 0, total: 500, elapsed: 3, width: 80)
                == "importing  [------------------------------]  0/500 cases  --/s  --:-- left")
        #expect(ProgressBar.render(label: "importing", done: 500, total: 500, elapsed: 0.5, width: 80)
                == "importing  [##############################]  500/500 cases  1,000/s  0:00 left")
        // Out-of-range counts are clamped, never drawn past the bar.
        #expect(ProgressBar.render(label: "x", done: 700, total: 500, elapsed: 1, width: 80).contains("500/500"))
        #expect(ProgressBar.render(label: "x", done: 0, total: 0, elapsed: 0, width: 80).contains("0/0 cases"))
    }

    @Test("time left reads m:ss, or h:mm:ss from an hour up")
    func timeLeft() {
        #expect(ProgressBar.formatDuration(0) == "0:00")
        #expect(ProgressBar.formatDuration(59) == "0:59")
        #expect(ProgressBar.formatDuration(61) == "1:01")
        #expect(ProgressBar.formatDuration(3_725) == "1:02:05")
        #expect(ProgressBar.render(label: "importing", done: 1, total: 7_202, elapsed: 1, width: 100)
                .hasSuffix("1.0/s  2:00:01 left"))
        #expect(ProgressBar.grouped(0) == "0" && ProgressBar.grouped(999) == "999")
        #expect(ProgressBar.grouped(1_234_567) == "1,234,567")
    }

    @Test("the line never fills the terminal's last column: narrow terminals lose the bar, then rate and time left")
    func width() {
        for width in 1...160 {
            let line = ProgressBar.render(label: "importing", done: 41_200, total: 100_000, elapsed: 2, width: width)
            #expect(line.count <= max(width - 1, 0), "width \(width): \(line)")
        }
        let narrow = ProgressBar.render(label: "importing", done: 41_200, total: 100_000, elapsed: 2, width: 60)
        #expect(!narrow.contains("[") && narrow.contains("41,200/100,000 cases") && narrow.contains("left"))
        let wide = ProgressBar.render(label: "importing", done: 41_200, total: 100_000, elapsed: 2, width: 200)
        #expect(wide.contains("[" + String(repeating: "#", count: 12) + String(repeating: "-", count: 18) + "]"),
                "the bar stops growing at 30 columns")
    }

    @Test("NO_COLOR (any value, even empty) and TERM=dumb turn colour off; without colour the line holds no escape")
    func noColor() {
        #expect(ProgressBar.colorAllowed([:]))
        #expect(ProgressBar.colorAllowed(["TERM": "xterm-256color"]))
        #expect(!ProgressBar.colorAllowed(["NO_COLOR": "1"]))
        #expect(!ProgressBar.colorAllowed(["NO_COLOR": ""]))
        #expect(!ProgressBar.colorAllowed(["TERM": "dumb"]))
        let coloured = ProgressBar.render(label: "importing", done: 10, total: 20, elapsed: 1, width: 100, color: true)
        let plain = ProgressBar.render(label: "importing", done: 10, total: 20, elapsed: 1, width: 100, color: false)
        #expect(coloured.contains("\u{1B}[32m") && !plain.contains("\u{1B}"))
        #expect(ProgressBar.visibleLength(coloured) == plain.count, "escape codes take no room")
    }
}
