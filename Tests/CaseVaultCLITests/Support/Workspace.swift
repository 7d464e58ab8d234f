import Foundation
import Testing

/// The pseudonyms the tests use, one per role.
enum Cast {
    static let admin = "lead-olga"
    static let coordinator = "coord-anna"
    static let lawyer = "lawyer-boris"
    static let auditor = "auditor-vera"

    /// The users `Workspace.withUsers()` adds after the admin, with their roles.
    static let staff: [(name: String, role: String)] = [
        (coordinator, "coordinator"), (lawyer, "lawyer"), (auditor, "auditor"),
    ]
}

/// A fresh temporary directory holding one vault (`v.db`) and its users' passphrase files;
/// the directory is removed when the test lets go of it.
final class Workspace {
    let directory: URL

    /// `DIR/v.db`.
    var vaultPath: String { directory.appendingPathComponent("v.db").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("casevault-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes `text` to a file in the workspace and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// The passphrase every test gives `user` (distinct per user).
    static func passphrase(of user: String) -> String { "correct horse \(user) battery" }

    /// The user's passphrase file, one trailing newline as an editor writes it.
    func passphraseFile(for user: String) throws -> String {
        try write("\(user).pass", Workspace.passphrase(of: user) + "\n")
    }

    /// Runs `casevault` with exactly these arguments, in the workspace directory.
    func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
             detached: Bool = false) async throws -> CommandResult {
        try await CommandLineTool.run(arguments, in: directory, stdin: stdin, environment: environment,
                                      detached: detached)
    }

    /// Runs `casevault` as `user`: the vault, the user and their passphrase file come first.
    func run(as user: String, _ arguments: [String], stdin: Data? = nil) async throws -> CommandResult {
        try await run(arguments + ["--vault", vaultPath, "--user", user, "--passphrase-file",
                                   try passphraseFile(for: user)], stdin: stdin)
    }

    /// `casevault init` with `Cast.admin`; expects success.
    @discardableResult
    func initialize(sourceLocation: SourceLocation = #_sourceLocation) async throws -> CommandResult {
        let result = try await run(["init", "--admin", Cast.admin, "--kdf", "interactive", "--vault", vaultPath,
                                    "--passphrase-file", try passphraseFile(for: Cast.admin)])
        try #require(result.status == 0, "init failed: \(result)", sourceLocation: sourceLocation)
        return result
    }

    /// A vault with the admin and one user of each other role (`Cast.staff`).
    static func withUsers(sourceLocation: SourceLocation = #_sourceLocation) async throws -> Workspace {
        let workspace = try Workspace()
        try await workspace.initialize(sourceLocation: sourceLocation)
        for (name, role) in Cast.staff {
            let result = try await workspace.run(as: Cast.admin, [
                "user", "add", name, "--role", role, "--kdf", "interactive",
                "--new-passphrase-file", try workspace.passphraseFile(for: name),
            ])
            try #require(result.status == 0, "user add \(name) failed: \(result)", sourceLocation: sourceLocation)
        }
        return workspace
    }

    /// `case new` as `user` with the given request options; returns the printed id.
    func newCase(as user: String, _ options: [String], sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> String {
        let result = try await run(as: user, ["case", "new"] + options)
        try #require(result.status == 0, "case new failed: \(result)", sourceLocation: sourceLocation)
        return result.stdout.trimmingCharacters(in: .newlines)
    }
}

/// The options of a valid `case new`, with any of them replaced.
func requestOptions(received: String = "2023-11-20", channel: String = "messenger", region: String = "RU-SVE",
                    service: String = "mobilized", situation: String = "leave", need: String = "legal,exit",
                    urgency: String = "high", deadline: String? = nil) -> [String] {
    ["--received", received, "--channel", channel, "--region", region, "--service", service,
     "--situation", situation, "--need", need, "--urgency", urgency] + (deadline.map { ["--deadline", $0] } ?? [])
}

/// Expects a refusal or usage error as the contract has it: the exit status, nothing on stdout,
/// exactly one line on stderr starting with `casevault: ` and containing every one of `mentions`.
func expectFailure(_ result: CommandResult, status: Int32, mentions: [String] = [],
                   sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!result.crashed, "the process crashed: \(result)", sourceLocation: sourceLocation)
    #expect(result.status == status, "expected exit \(status): \(result)", sourceLocation: sourceLocation)
    #expect(result.stdout.isEmpty, "stdout should be empty: \(result)", sourceLocation: sourceLocation)
    #expect(result.stderrLines.count == 1, "expected one line on stderr: \(result)", sourceLocation: sourceLocation)
    #expect(result.stderr.hasPrefix("casevault: "), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    for trace in ["Fatal error", "Stack dump", "Backtrace", "Current stack trace", "#0 "] {
        #expect(!result.stderr.contains(trace), "a stack trace on stderr: \(result)", sourceLocation: sourceLocation)
    }
    for mention in mentions {
        #expect(result.stderr.contains(mention), "stderr should mention '\(mention)': \(result.stderr)",
                sourceLocation: sourceLocation)
    }
}

/// Expects success with nothing on stderr.
func expectSuccess(_ result: CommandResult, quiet: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == 0 && !result.crashed, "expected success: \(result)", sourceLocation: sourceLocation)
    if quiet {
        #expect(result.stderr.isEmpty, "expected nothing on stderr: \(result)", sourceLocation: sourceLocation)
    }
}

/// The keys of a JSON object, as a set.
func keys(_ object: [String: Any]) -> Set<String> { Set(object.keys) }
