import Foundation
import Testing

/// A command line that must be refused as a usage error (exit 2) before any vault is touched.
struct UsageCase: Sendable, CustomTestStringConvertible {
    let name: String
    let arguments: [String]
    /// Text the one line on stderr must contain.
    let mentions: [String]
    /// Text it must not contain (a sensitive value given on the command line).
    var withholds: [String] = []

    var testDescription: String { name }

    /// Valid-looking vault options; the vault does not exist, so reaching it would fail with exit 1, not 2.
    static let asUser = ["--vault", "v.db", "--user", Cast.coordinator, "--passphrase-file", "pass"]
    static let someID = "0ABCDEFGHJKMNPQRSTVWXYZ012"

    static let all: [UsageCase] = [
        UsageCase(name: "unknown option", arguments: ["case", "list", "--frobnicate"] + asUser,
                  mentions: ["--frobnicate"]),
        UsageCase(name: "unknown subcommand", arguments: ["case", "delete-all"], mentions: ["delete-all"]),
        UsageCase(name: "month 13", arguments: ["case", "new"] + requestOptions(received: "2023-13-01") + asUser,
                  mentions: ["2023-13-01", "YYYY-MM-DD"]),
        UsageCase(name: "30 February as a deadline",
                  arguments: ["case", "new"] + requestOptions(deadline: "2023-02-30") + asUser,
                  mentions: ["2023-02-30"]),
        UsageCase(name: "unknown region", arguments: ["case", "new"] + requestOptions(region: "RU-XXX") + asUser,
                  mentions: ["RU-XXX"]),
        UsageCase(name: "unknown need", arguments: ["case", "new"] + requestOptions(need: "legal,flying") + asUser,
                  mentions: ["flying"]),
        UsageCase(name: "unknown urgency", arguments: ["case", "new"] + requestOptions(urgency: "extreme") + asUser,
                  mentions: ["extreme"]),
        UsageCase(name: "case id too short", arguments: ["case", "show", "NOT-A-CASE-ID"] + asUser,
                  mentions: ["NOT-A-CASE-ID", "case id"]),
        UsageCase(name: "case id over 128 bits",
                  arguments: ["case", "show", "8" + String(someID.dropFirst())] + asUser, mentions: ["case id"]),
        UsageCase(name: "case id with U", arguments: ["case", "note", "U" + String(someID.dropFirst()),
                                                      "--text-file", "note.txt"] + asUser,
                  mentions: ["case id"]),
        UsageCase(name: "unknown urgency filter", arguments: ["case", "list", "--urgency", "x"] + asUser,
                  mentions: ["'x'", "critical"]),
        UsageCase(name: "unknown state", arguments: ["case", "list", "--state", "open"] + asUser,
                  mentions: ["'open'", "awaiting-review"]),
        UsageCase(name: "unknown situation",
                  arguments: ["case", "new"] + requestOptions(situation: "home") + asUser,
                  mentions: ["'home'", "awol"]),
        UsageCase(name: "--contact as an option",
                  arguments: ["case", "new"] + requestOptions() + ["--contact", "@secret_handle_42"] + asUser,
                  mentions: ["--contact", "shell history", "--contact-file"], withholds: ["secret_handle_42"]),
        UsageCase(name: "--narrative as an option",
                  arguments: ["case", "new"] + requestOptions() + ["--narrative", "fled the unit on Tuesday"] + asUser,
                  mentions: ["--narrative", "shell history", "--narrative-file"], withholds: ["Tuesday"]),
        UsageCase(name: "--text as an option",
                  arguments: ["case", "note", someID, "--text", "called the mother"] + asUser,
                  mentions: ["--text", "shell history", "--text-file"], withholds: ["mother"]),
        UsageCase(name: "--passphrase as an option",
                  arguments: ["user", "list", "--vault", "v.db", "--user", Cast.admin, "--passphrase", "hunter2-xyz"],
                  mentions: ["--passphrase", "shell history", "--passphrase-file"], withholds: ["hunter2-xyz"]),
        UsageCase(name: "missing --user", arguments: ["case", "list", "--vault", "v.db", "--passphrase-file", "pass"],
                  mentions: ["--user"]),
    ]
}

@Suite("casevault: usage errors, refusals and a wrong passphrase")
struct CommandErrorTests {
    @Test("usage errors exit 2 with one line on stderr", arguments: UsageCase.all)
    func usageError(_ usage: UsageCase) async throws {
        let workspace = try Workspace()
        try workspace.write("pass", "some passphrase\n")
        try workspace.write("note.txt", "a note\n")
        let result = try await workspace.run(usage.arguments)
        expectFailure(result, status: 2, mentions: usage.mentions)
        for secret in usage.withholds {
            #expect(!result.stderr.contains(secret), "the error repeats the sensitive value: \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: workspace.vaultPath), "a usage error created a vault file")
    }

    @Test("a wrong passphrase exits 1 with exactly the contract's line")
    func wrongPassphrase() async throws {
        let workspace = try Workspace()
        try await workspace.initialize()
        let wrong = try workspace.write("wrong.pass", Workspace.passphrase(of: Cast.admin) + "!\n")
        let result = try await workspace.run(["user", "list", "--vault", workspace.vaultPath, "--user", Cast.admin,
                                              "--passphrase-file", wrong])
        expectFailure(result, status: 1)
        #expect(result.stderr == "casevault: wrong passphrase for \(Cast.admin) (or its keyslot is damaged)\n")

        // The same passphrase without the trailing newline is the same passphrase: only the newline is stripped.
        let bare = try workspace.write("bare.pass", Workspace.passphrase(of: Cast.admin))
        let right = try await workspace.run(["user", "list", "--vault", workspace.vaultPath, "--user", Cast.admin,
                                             "--passphrase-file", bare])
        expectSuccess(right)
        #expect(right.stdout.contains(Cast.admin))
    }

    @Test("permission refusals exit 1 with one line: auditors read no cases, coordinators add no users")
    func permissionRefusals() async throws {
        let workspace = try await Workspace.withUsers()
        let id = try await workspace.newCase(as: Cast.coordinator, requestOptions())

        let list = try await workspace.run(as: Cast.auditor, ["case", "list"])
        expectFailure(list, status: 1, mentions: ["auditor"])
        let listJSON = try await workspace.run(as: Cast.auditor, ["case", "list", "--json"])
        expectFailure(listJSON, status: 1, mentions: ["auditor"])
        let show = try await workspace.run(as: Cast.auditor, ["case", "show", id])
        expectFailure(show, status: 1, mentions: ["auditor"])
        let showJSON = try await workspace.run(as: Cast.auditor, ["case", "show", id, "--json"])
        expectFailure(showJSON, status: 1, mentions: ["auditor"])

        let add = try await workspace.run(as: Cast.coordinator, [
            "user", "add", "mallory", "--role", "admin", "--kdf", "interactive",
            "--new-passphrase-file", try workspace.passphraseFile(for: "mallory"),
        ])
        expectFailure(add, status: 1, mentions: ["coordinator"])
        let users = try await workspace.run(as: Cast.admin, ["user", "list", "--json"])
        expectSuccess(users)
        #expect(try users.jsonArray().count == 4)
        #expect(!users.stdout.contains("mallory"), "the refused user was added anyway")
        let duplicate = try await workspace.run(as: Cast.admin, [
            "user", "add", Cast.lawyer, "--role", "lawyer", "--kdf", "interactive",
            "--new-passphrase-file", try workspace.passphraseFile(for: "mallory"),
        ])
        expectFailure(duplicate, status: 1, mentions: [Cast.lawyer])
        let lawyer = try await workspace.run(as: Cast.lawyer, ["case", "show", id])
        expectSuccess(lawyer)

        // The same commands by the roles allowed to run them succeed.
        expectSuccess(try await workspace.run(as: Cast.admin, [
            "user", "add", "coord-ivan", "--role", "coordinator", "--kdf", "interactive",
            "--new-passphrase-file", try workspace.passphraseFile(for: "coord-ivan"),
        ]))
    }

    @Test("unknown case, unknown user, missing vault and init over a file exit 1 with one line")
    func notFoundRefusals() async throws {
        let workspace = try Workspace()
        try await workspace.initialize()
        let admin = try workspace.passphraseFile(for: Cast.admin)

        let unknownCase = try await workspace.run(as: Cast.admin, ["case", "show", UsageCase.someID])
        expectFailure(unknownCase, status: 1, mentions: [UsageCase.someID])
        let noteOnUnknown = try await workspace.run(as: Cast.admin, [
            "case", "note", UsageCase.someID, "--text-file", try workspace.write("note.txt", "a note\n"),
        ])
        expectFailure(noteOnUnknown, status: 1, mentions: [UsageCase.someID])

        let unknownUser = try await workspace.run(["user", "list", "--vault", workspace.vaultPath, "--user", "nobody",
                                                   "--passphrase-file", admin])
        expectFailure(unknownUser, status: 1, mentions: ["nobody"])

        let missing = workspace.directory.appendingPathComponent("missing.db").path
        let noVault = try await workspace.run(["user", "list", "--vault", missing, "--user", Cast.admin,
                                               "--passphrase-file", admin])
        expectFailure(noVault, status: 1, mentions: [missing])
        #expect(!FileManager.default.fileExists(atPath: missing), "opening a missing vault created it")

        let before = try Data(contentsOf: URL(fileURLWithPath: workspace.vaultPath))
        let again = try await workspace.run(["init", "--admin", "second", "--kdf", "interactive",
                                             "--vault", workspace.vaultPath, "--passphrase-file", admin])
        expectFailure(again, status: 1, mentions: [workspace.vaultPath])
        #expect(!again.stdout.contains("Recovery"))
        let after = try Data(contentsOf: URL(fileURLWithPath: workspace.vaultPath))
        #expect(before == after, "a refused init changed the existing vault")
        let users = try await workspace.run(as: Cast.admin, ["user", "list", "--json"])
        expectSuccess(users)
        #expect(try users.jsonArray().compactMap { $0["name"] as? String } == [Cast.admin])
    }

    @Test("CASEVAULT_VAULT, CASEVAULT_USER and CASEVAULT_PASSPHRASE_FILE stand in for the options")
    func environmentVariables() async throws {
        let workspace = try Workspace()
        let admin = try workspace.passphraseFile(for: Cast.admin)
        // Without --vault the vault is ./casevault.db.
        let created = try await workspace.run(["init", "--admin", Cast.admin, "--kdf", "interactive",
                                               "--passphrase-file", admin])
        #expect(created.status == 0, "\(created)")
        let vault = workspace.directory.appendingPathComponent("casevault.db").path
        try #require(FileManager.default.fileExists(atPath: vault))

        let environment = ["CASEVAULT_VAULT": vault, "CASEVAULT_USER": Cast.admin, "CASEVAULT_PASSPHRASE_FILE": admin]
        let users = try await workspace.run(["user", "list", "--json"], environment: environment)
        expectSuccess(users)
        #expect(try users.jsonArray().compactMap { $0["name"] as? String } == [Cast.admin])
        // An option wins over its variable.
        let other = try await workspace.run(["user", "list", "--user", "nobody"], environment: environment)
        expectFailure(other, status: 1, mentions: ["nobody"])
        let elsewhere = try await workspace.run(["user", "list", "--vault", "other.db"], environment: environment)
        expectFailure(elsewhere, status: 1, mentions: ["other.db"])
    }

    @Test("user add without --new-passphrase-file and without a terminal adds nobody and says what to pass",
          .enabled(if: CommandLineTool.canDetach, "needs setsid to run without a terminal"))
    func newPassphraseWithoutTerminal() async throws {
        let workspace = try Workspace()
        try await workspace.initialize()
        // The admin's own passphrase file in the environment must not become the new user's passphrase.
        let environment = ["CASEVAULT_PASSPHRASE_FILE": try workspace.passphraseFile(for: Cast.admin)]
        let result = try await workspace.run(["user", "add", Cast.lawyer, "--role", "lawyer", "--kdf", "interactive",
                                              "--vault", workspace.vaultPath, "--user", Cast.admin],
                                             environment: environment, detached: true)
        expectFailure(result, status: 2, mentions: ["terminal"])
        #expect(result.stderr.contains("--new-passphrase-file"), "\(result.stderr)")
        let users = try await workspace.run(as: Cast.admin, ["user", "list", "--json"])
        #expect(try users.jsonArray().compactMap { $0["name"] as? String } == [Cast.admin])
    }

    @Test("a file that is not a vault is refused with exit 1 and left as it was")
    func notAVault() async throws {
        let workspace = try Workspace()
        let pass = try workspace.passphraseFile(for: Cast.admin)
        let text = try workspace.write("notes.txt", "shopping list, not a vault\n")
        let refused = try await workspace.run(["user", "list", "--vault", text, "--user", Cast.admin,
                                               "--passphrase-file", pass])
        expectFailure(refused, status: 1, mentions: [text])
        #expect(try String(contentsOfFile: text, encoding: .utf8) == "shopping list, not a vault\n")

        let empty = try workspace.write("empty.db", "")
        let emptyRefused = try await workspace.run(["user", "list", "--vault", empty, "--user", Cast.admin,
                                                    "--passphrase-file", pass])
        expectFailure(emptyRefused, status: 1, mentions: [empty])
        let size = try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int
        #expect(size == 0, "an empty file given as --vault was rewritten")
    }
}
