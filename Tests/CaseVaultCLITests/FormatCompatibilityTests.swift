import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A vault written by release 0.4.0 (`Tests/Fixtures/v0.4.0`) must open, read and export with
/// this build exactly as 0.4.0 did, take new writes, and be left alone when opened read-only
/// (DESIGN §11, "Format versions").
///
/// The fixture's `expected/commands.tsv` lists what each role read with 0.4.0; these tests replay
/// it. Every test works on its own copy: the committed files are never written.
@Suite("a vault written by 0.4.0: read, exported, written and opened read-only by this build")
struct FormatCompatibilityTests {
    @Test("every command recorded with 0.4.0 prints the same output, exit status and stderr with this build")
    func replaysRecordedCommands() async throws {
        let fixture = try Fixture040.load()
        let copy = try fixture.workingCopy()
        for command in fixture.commands {
            expectRecorded(try await copy.run(command), command)
        }
    }

    @Test("the committed referral packet opens as recorded with the partner key and the organisation key")
    func opensCommittedReferralPacket() async throws {
        let fixture = try Fixture040.load()
        let copy = try fixture.workingCopy()
        let opens = fixture.commands.filter { $0.arguments.starts(with: ["referral", "open"]) }
        try #require(opens.count == 2, "the manifest should record referral open in text and JSON")
        for command in opens {
            expectRecorded(try await copy.run(command), command)
        }
        let json = try #require(opens.first(where: { $0.arguments.contains("--json") }))
        let opened = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(opened["case"] as? String == fixture.cases["referred-accepted"])
        #expect(opened["partner"] as? String == "SafeExit")

        // The signature is checked: the same packet under another organisation key is refused.
        let otherKey = try String(contentsOf: fixture.folder.appendingPathComponent("referral/partner-public-key.txt"),
                                  encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let forged = try await copy.run(RecordedCommand.partner([
            "referral", "open", "referral/packet.cvr", "--partner-key", "referral/partner.key", "--org-key", otherKey,
        ]))
        expectFailure(forged, status: 1)
    }

    @Test("after this build writes to it, every role reads the old cases as recorded and the changed ones anew")
    func keepsWriting() async throws {
        let fixture = try Fixture040.load()
        let copy = try fixture.workingCopy()
        let (coordinator, lawyer) = ("coord-anna", "lawyer-boris")
        let intake = try fixture.caseID("intake")
        let awaiting = try fixture.caseID("awaiting-review")
        let inReview = try fixture.caseID("in-review")

        // Received in December 2023, after the recorded exports' months, so those tables keep their counts.
        let newID = try await copy.write(as: coordinator, [
            "case", "new", "--received", "2023-12-04", "--channel", "messenger", "--region", "RU-KGD",
            "--service", "mobilized", "--situation", "leave", "--need", "legal,exit", "--urgency", "high",
            "--deadline", "2023-12-08", "--contact-file", try copy.file("contact.txt", "@fx_after_040\n"),
            "--narrative-file", try copy.file("narrative.txt", "Записано новой версией после 0.4.0.\n"),
        ]).trimmingCharacters(in: .newlines)
        let noteText = "Written by this build on a case 0.4.0 logged."
        _ = try await copy.write(as: coordinator, ["case", "note", intake, "--text-file",
                                                   try copy.file("note.txt", noteText + "\n")])
        let jsonl = try copy.file("more.jsonl", """
            {"received":"2023-12-05","channel":"email","region":"RU-MOW","service":"contract","situation":"front",\
            "needs":["legal"],"urgency":"normal"}
            {"received":"2023-12-06","channel":"phone","region":"UA-43","service":"unknown","situation":"abroad",\
            "needs":["documents","exit"],"urgency":"critical","deadline":"2023-12-07","contact":"@fx_after_040_b"}

            """)
        let importedIDs = try await copy.write(as: coordinator, ["case", "import", "--jsonl", jsonl])
            .split(separator: "\n").map(String.init)
        try #require(importedIDs.count == 2, "the import printed \(importedIDs)")
        _ = try await copy.write(as: lawyer, ["case", "event", awaiting, "begin-review"])
        _ = try await copy.write(as: lawyer, ["case", "event", awaiting, "close", "--outcome", "advised"])
        _ = try await copy.write(as: lawyer, ["case", "event", inReview, "refer", "--partner", "SafeExit",
                                              "--consent"])

        let changed: Set<String> = [intake, awaiting, inReview]
        let added = Set([newID] + importedIDs)
        for command in fixture.commands {
            let result = try await copy.run(command)
            switch command.kind {
            case .show(let id) where changed.contains(id) && command.status == 0:
                try expectChangedCase(result, command, intake: intake, awaiting: awaiting, noteText: noteText)
            case .list:
                try expectListUnchanged(result, command, ignoring: changed.union(added))
            case .export(let dimensions) where dimensions.contains("state") || dimensions.contains("outcome"):
                expectSameShape(result, command)
            default:
                expectRecorded(result, command)
            }
        }

        let list = try await copy.run(.vault(user: "lead-irina", ["case", "list", "--json"]))
        expectSuccess(list)
        let states = Dictionary(try list.jsonArray().compactMap { item in
            (item["id"] as? String).map { ($0, item["state"] as? String ?? "?") }
        }) { first, _ in first }
        #expect(states.count == 263, "260 cases from 0.4.0 and 3 new: \(states.count)")
        #expect(states[newID] == "intake" && importedIDs.allSatisfy { states[$0] == "intake" })
        #expect(states[intake] == "intake" && states[awaiting] == "closed" && states[inReview] == "referred")

        // The new cases verify and read back as written, for each role that reads cases.
        for user in [coordinator, lawyer, "lead-irina"] {
            let shown = try await copy.run(.vault(user: user, ["case", "show", newID, "--json"]))
            expectSuccess(shown)
            let record = try shown.jsonObject()
            #expect(record["region"] as? String == "RU-KGD" && record["district"] as? String == "northwestern")
            #expect(record["contact"] as? String == "@fx_after_040")
            #expect(record["narrative"] as? String == "Записано новой версией после 0.4.0.")
            for id in importedIDs {
                expectSuccess(try await copy.run(.vault(user: user, ["case", "show", id])))
            }
        }
    }

    @Test("a read-only copy (file 0400, folder 0500) reads as recorded, refuses a write, and keeps its bytes")
    func readOnlyCopy() async throws {
        let fixture = try Fixture040.load()
        let copy = try fixture.workingCopy()
        let runner = try await copy.lockedReadOnly()
        let before = try copy.vaultFiles()
        #expect(before.keys.sorted() == ["vault.casevault"], "the copy should be one file: \(before.keys.sorted())")

        for command in fixture.commands {
            expectRecorded(try await copy.run(command, with: runner), command)
        }
        let note = try await copy.run(.vault(user: "coord-anna", [
            "case", "note", try fixture.caseID("intake"), "--text-file", try copy.file("note.txt", "Refused.\n"),
        ]), with: runner)
        expectFailure(note, status: 1, mentions: ["read-only"])
        #expect(try copy.vaultFiles() == before, "the read-only vault was changed, or a -wal/-shm was left beside it")
    }

    // MARK: Expectations

    /// Exactly what 0.4.0 printed: exit status, stdout, and stderr (empty when none was recorded).
    private func expectRecorded(_ result: CommandResult, _ command: RecordedCommand,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!result.crashed && result.status == command.status,
                "\(command): exit \(result.status), recorded \(command.status); stderr: \(result.stderr)",
                sourceLocation: sourceLocation)
        #expect(result.stdout == command.stdout, """
                \(command): stdout differs from expected/\(command.name).stdout: \
                \(difference(recorded: command.stdout, actual: result.stdout))
                """, sourceLocation: sourceLocation)
        #expect(result.stderr == command.stderr, """
                \(command): stderr differs from what was recorded: \
                \(difference(recorded: command.stderr, actual: result.stderr))
                """, sourceLocation: sourceLocation)
    }

    /// A listing with the changed and new cases left out is the recorded one, in the same order.
    private func expectListUnchanged(_ result: CommandResult, _ command: RecordedCommand, ignoring ids: Set<String>,
                                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(result.status == command.status && result.stderr == command.stderr, "\(command): \(result)",
                sourceLocation: sourceLocation)
        if command.arguments.contains("--json") {
            func kept(_ text: String) throws -> [String] {
                let items = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]],
                                         "\(command): not a JSON array", sourceLocation: sourceLocation)
                return try items.filter { !ids.contains($0["id"] as? String ?? "") }.map(canonicalJSON)
            }
            let (recorded, actual) = (try kept(command.stdout), try kept(result.stdout))
            let change = difference(recorded: recorded.joined(separator: "\n"),
                                    actual: actual.joined(separator: "\n"))
            #expect(actual == recorded, "\(command): the unchanged cases are listed differently: \(change)",
                    sourceLocation: sourceLocation)
        } else {
            func kept(_ text: String) -> String {
                text.split(separator: "\n", omittingEmptySubsequences: false)
                    .filter { line in !ids.contains(String(line.prefix { $0 != " " })) }.joined(separator: "\n")
            }
            let change = difference(recorded: kept(command.stdout), actual: kept(result.stdout))
            #expect(kept(result.stdout) == kept(command.stdout),
                    "\(command): the unchanged cases are listed differently: \(change)",
                    sourceLocation: sourceLocation)
        }
    }

    /// A case this build changed: it still verifies, its recorded history and notes come first and
    /// unchanged, followed by what was done to it.
    private func expectChangedCase(_ result: CommandResult, _ command: RecordedCommand,
                                   intake: String, awaiting: String, noteText: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(result.status == command.status && result.stderr == command.stderr, "\(command): \(result)",
                sourceLocation: sourceLocation)
        guard command.arguments.contains("--json") else {
            // Text: every recorded line but the state's is still printed (history, notes, fields).
            let lines = Set(result.stdout.split(separator: "\n"))
            let missing = command.stdout.split(separator: "\n")
                .filter { !$0.hasPrefix("  state") && !lines.contains($0) }
            #expect(missing.isEmpty, "\(command): recorded lines missing now: \(missing)",
                    sourceLocation: sourceLocation)
            #expect(result.stdout != command.stdout, "\(command): the change does not show",
                    sourceLocation: sourceLocation)
            return
        }
        let recorded = try #require(try JSONSerialization.jsonObject(with: Data(command.stdout.utf8))
                                        as? [String: Any], sourceLocation: sourceLocation)
        let actual = try result.jsonObject()
        let id = try #require(recorded["id"] as? String, sourceLocation: sourceLocation)
        for key in ["id", "received", "channel", "region", "district", "service", "situation", "needs", "urgency",
                    "deadline", "narrative"] {
            #expect(try canonicalJSON(actual[key] ?? NSNull()) == canonicalJSON(recorded[key] ?? NSNull()),
                    "\(command): \(key) changed", sourceLocation: sourceLocation)
        }
        for key in ["history", "notes", "referrals"] {
            let old = recorded[key] as? [Any] ?? []
            let new = actual[key] as? [Any] ?? []
            #expect(try new.prefix(old.count).map(canonicalJSON) == old.map(canonicalJSON),
                    "\(command): the recorded \(key) is not kept as the start of the case's \(key)",
                    sourceLocation: sourceLocation)
        }
        let events = (actual["history"] as? [[String: Any]] ?? []).compactMap { $0["event"] as? String }
        let added = Array(events.dropFirst((recorded["history"] as? [Any])?.count ?? 0))
        let notes = (actual["notes"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        switch id {
        case intake:
            #expect(actual["state"] as? String == "intake" && added.isEmpty, "\(command)",
                    sourceLocation: sourceLocation)
            #expect(notes.last == noteText, "\(command): the new note is missing: \(notes)",
                    sourceLocation: sourceLocation)
            #expect(actual["contact"] as? String == recorded["contact"] as? String, sourceLocation: sourceLocation)
        case awaiting:
            #expect(actual["state"] as? String == "closed" && actual["outcome"] as? String == "advised",
                    "\(command)", sourceLocation: sourceLocation)
            #expect(added == ["begin-review", "close"], "\(command): \(added)", sourceLocation: sourceLocation)
            #expect(actual["contact"] is NSNull || actual["contact"] == nil, "closing must erase the contact",
                    sourceLocation: sourceLocation)
        default:
            #expect(actual["state"] as? String == "referred" && added == ["refer"], "\(command): \(added)",
                    sourceLocation: sourceLocation)
            let referral = (actual["referrals"] as? [[String: Any]])?.last
            #expect(referral?["partner"] as? String == "SafeExit" && referral?["status"] as? String == "sent",
                    "\(command)", sourceLocation: sourceLocation)
        }
    }

    /// An export whose counts the new writes changed (by state or outcome): it still succeeds with
    /// the same header and the same fixed rows.
    private func expectSameShape(_ result: CommandResult, _ command: RecordedCommand,
                                 sourceLocation: SourceLocation = #_sourceLocation) {
        expectSuccess(result, sourceLocation: sourceLocation)
        /// Each row's categories without its count: CSV lines less their last field, or JSON rows
        /// less `count` and `suppressed`.
        func rows(_ text: String) -> [String] {
            if let table = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
               let rows = table["rows"] as? [[String: Any]] {
                return rows.map { row in
                    (try? canonicalJSON(row.filter { $0.key != "count" && $0.key != "suppressed" })) ?? "?"
                }
            }
            return text.split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
        }
        #expect(!rows(command.stdout).isEmpty && rows(result.stdout) == rows(command.stdout),
                "\(command): the table's rows changed", sourceLocation: sourceLocation)
        #expect(result.stdout != command.stdout, "\(command): the writes should have changed the counts",
                sourceLocation: sourceLocation)
    }
}

// MARK: - The fixture

/// One command recorded with 0.4.0, with what it printed.
private struct RecordedCommand: CustomStringConvertible {
    let name: String
    /// Who ran it, or nil for a command that opens no vault (the partner's `referral open`).
    let user: String?
    let status: Int32
    let arguments: [String]
    let stdout: String
    let stderr: String

    static func vault(user: String, _ arguments: [String]) -> RecordedCommand {
        RecordedCommand(name: arguments.joined(separator: " "), user: user, status: 0, arguments: arguments,
                        stdout: "", stderr: "")
    }

    static func partner(_ arguments: [String]) -> RecordedCommand {
        RecordedCommand(name: arguments.joined(separator: " "), user: nil, status: 0, arguments: arguments,
                        stdout: "", stderr: "")
    }

    enum Kind: Equatable {
        case show(String)
        case list
        case export([String])
        case other
    }

    var kind: Kind {
        if arguments.starts(with: ["case", "show"]), arguments.count > 2 { return .show(arguments[2]) }
        if arguments.starts(with: ["case", "list"]) { return .list }
        if arguments.starts(with: ["export", "counts"]), let by = arguments.firstIndex(of: "--by"),
           by + 1 < arguments.count {
            return .export(arguments[by + 1].split(separator: ",").map(String.init))
        }
        return .other
    }

    var description: String { "\(name) (\(user ?? "no user"): casevault \(arguments.joined(separator: " ")))" }
}

/// `Tests/Fixtures/v0.4.0`, read from the source tree.
private struct Fixture040 {
    let folder: URL
    let commands: [RecordedCommand]
    /// Label (`intake`, `closed-advised`, ...) to case id, from `cases.tsv`.
    let cases: [String: String]

    static func load(filePath: String = #filePath) throws -> Fixture040 {
        // Tests/CaseVaultCLITests/FormatCompatibilityTests.swift -> Tests/Fixtures/v0.4.0
        let folder = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/v0.4.0")
        let manager = FileManager.default
        for name in ["vault.casevault-wal", "vault.casevault-shm"]
        where manager.fileExists(atPath: folder.appendingPathComponent(name).path) {
            throw HarnessError(description: "\(folder.path)/\(name) exists: a fixture is one self-contained file")
        }
        let expected = folder.appendingPathComponent("expected")
        var commands: [RecordedCommand] = []
        for line in try rows(of: expected.appendingPathComponent("commands.tsv")) {
            guard line.count >= 4, let status = Int32(line[2]) else {
                throw HarnessError(description: "a malformed line in expected/commands.tsv: \(line)")
            }
            let stderrURL = expected.appendingPathComponent("\(line[0]).stderr")
            commands.append(RecordedCommand(
                name: line[0], user: line[1] == "-" ? nil : line[1], status: status, arguments: Array(line[3...]),
                stdout: try String(contentsOf: expected.appendingPathComponent("\(line[0]).stdout"), encoding: .utf8),
                stderr: manager.fileExists(atPath: stderrURL.path) ? try String(contentsOf: stderrURL, encoding: .utf8)
                    : ""))
        }
        guard commands.count > 50 else {
            throw HarnessError(description: "expected/commands.tsv lists only \(commands.count) commands")
        }
        var cases: [String: String] = [:]
        for line in try rows(of: folder.appendingPathComponent("cases.tsv")) where line.count >= 2 {
            cases[line[0]] = line[1]
        }
        return Fixture040(folder: folder, commands: commands, cases: cases)
    }

    /// The tab-separated fields of each line that is neither empty nor a `#` comment.
    private static func rows(of url: URL) throws -> [[String]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    func caseID(_ label: String) throws -> String {
        guard let id = cases[label] else { throw HarnessError(description: "cases.tsv has no case '\(label)'") }
        return id
    }

    /// A fresh temporary folder holding copies of the vault, the passphrases and the referral files,
    /// laid out as the commands were recorded.
    func workingCopy() throws -> FixtureCopy {
        let workspace = try Workspace()
        let folder = workspace.directory.appendingPathComponent("v0.4.0")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        for name in ["vault.casevault", "passphrases", "referral"] {
            try FileManager.default.copyItem(at: self.folder.appendingPathComponent(name),
                                             to: folder.appendingPathComponent(name))
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600],
                                              ofItemAtPath: folder.appendingPathComponent("vault.casevault").path)
        return FixtureCopy(workspace: workspace, folder: folder)
    }
}

/// A copy of the fixture in a temporary folder; commands run from inside it, as they were recorded.
private final class FixtureCopy {
    /// Keeps the temporary folder alive as long as the copy.
    let workspace: Workspace
    let folder: URL

    init(workspace: Workspace, folder: URL) {
        self.workspace = workspace
        self.folder = folder
    }

    /// The environment the commands were recorded in (see the fixture's README).
    static let environment = ["TZ": "UTC", "LC_ALL": "C.UTF-8"]

    /// How a command is started: directly, or behind `setpriv` as an unprivileged user.
    struct Launch {
        var launcher: [String] = []
        var tool: URL?
    }

    /// Runs a recorded command with the vault options it was recorded with.
    func run(_ command: RecordedCommand, with launch: Launch = Launch()) async throws -> CommandResult {
        var arguments = command.arguments
        if let user = command.user {
            arguments += ["--vault", "vault.casevault", "--user", user,
                          "--passphrase-file", "passphrases/\(user).pass"]
        }
        return try await CommandLineTool.run(arguments, in: folder, environment: Self.environment,
                                             launcher: launch.launcher, tool: launch.tool,
                                             outputFolder: workspace.directory)
    }

    /// Runs a write as `user`, which must succeed; returns its stdout.
    func write(as user: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> String {
        let result = try await run(.vault(user: user, arguments))
        try #require(result.status == 0 && !result.crashed, "\(arguments) failed: \(result)",
                     sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Writes a file next to the copy (outside the vault's folder) and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        try workspace.write(name, text)
    }

    /// The vault and whatever SQLite keeps beside it (-wal, -shm, -journal), by name, with their bytes.
    func vaultFiles() throws -> [String: Data] {
        var files: [String: Data] = [:]
        for entry in try FileManager.default.contentsOfDirectory(atPath: folder.path)
        where entry == "vault.casevault" || entry.hasPrefix("vault.casevault-") {
            files[entry] = try Data(contentsOf: folder.appendingPathComponent(entry))
        }
        return files
    }

    /// Makes the vault 0400 and its folder 0500, and returns how to run commands that the modes
    /// bind: as root (which ignores them), through `setpriv` as `nobody`, owning the copy, from a
    /// copy of the binary that user can execute. Cancels the test, saying why, where that is impossible.
    func lockedReadOnly() async throws -> Launch {
        let manager = FileManager.default
        var launch = Launch()
        if geteuid() == 0 {
            guard let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first(where: manager.isExecutableFile(atPath:))
            else {
                try Test.cancel("running as root and no setpriv to drop to an unprivileged user: root ignores modes")
            }
            let binary = workspace.directory.appendingPathComponent("casevault")
            try manager.copyItem(at: try CommandLineTool.binary(), to: binary)
            try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: binary.path)
            let nobody = 65534
            let owned = [folder.path] + (manager.subpaths(atPath: folder.path) ?? [])
                .map { folder.appendingPathComponent($0).path }
            for path in owned {
                try manager.setAttributes([.ownerAccountID: nobody, .groupOwnerAccountID: nobody], ofItemAtPath: path)
            }
            launch = Launch(launcher: [setpriv, "--reuid=\(nobody)", "--regid=\(nobody)", "--clear-groups"],
                            tool: binary)
            let probe = try await CommandLineTool.run(["--version"], in: workspace.directory,
                                                      launcher: launch.launcher, tool: binary)
            guard probe.status == 0 else {
                try Test.cancel(Comment(rawValue: "cannot run casevault as uid \(nobody) from \(binary.path): "
                                        + String(probe.stderr.prefix(200))))
            }
        }
        try manager.setAttributes([.posixPermissions: 0o400],
                                  ofItemAtPath: folder.appendingPathComponent("vault.casevault").path)
        try manager.setAttributes([.posixPermissions: 0o500], ofItemAtPath: folder.path)
        return launch
    }

    deinit {
        // The folder must be writable again for the workspace to remove it.
        try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path)
    }
}

/// The value as JSON with sorted keys, so two decoded documents compare by content.
private func canonicalJSON(_ value: Any) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
    return String(decoding: data, as: UTF8.self)
}

/// Where two outputs first differ, by line, for a failure message that names the place.
private func difference(recorded: String, actual: String) -> String {
    let old = recorded.split(separator: "\n", omittingEmptySubsequences: false)
    let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(old.count, new.count) {
        let before = index < old.count ? String(old[index]) : "(no line)"
        let after = index < new.count ? String(new[index]) : "(no line)"
        if before != after { return "line \(index + 1): recorded '\(before)', now '\(after)'" }
    }
    return "none by line"
}
