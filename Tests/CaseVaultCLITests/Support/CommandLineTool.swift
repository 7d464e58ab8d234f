import Foundation
import Testing

/// What one run of the built `casevault` binary produced.
struct CommandResult: Sendable, CustomStringConvertible {
    /// The exit status (or the signal number when `crashed`).
    let status: Int32
    /// True when the process died from a signal (a trap, a crash) instead of exiting.
    let crashed: Bool
    let stdout: String
    let stderr: String

    /// The non-empty lines written to standard error.
    var stderrLines: [String] {
        stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// The non-empty lines written to standard output.
    var stdoutLines: [String] {
        stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Standard output as JSON (an object or an array).
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    }

    func jsonArray() throws -> [[String: Any]] {
        try #require(try json() as? [[String: Any]], "stdout is not a JSON array of objects: \(stdout)")
    }

    func jsonObject() throws -> [String: Any] {
        try #require(try json() as? [String: Any], "stdout is not a JSON object: \(stdout)")
    }

    var description: String {
        "exit \(status)\(crashed ? " (signal)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}

/// A setup problem of the suite itself, reported with what to do about it.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
}

/// Finds and runs the `casevault` executable that `swift build` put next to the test bundle.
enum CommandLineTool {
    /// The binary, found once: `CASEVAULT_BIN`, else next to the test bundle, else in the package's `.build/debug`.
    static let location: Result<URL, HarnessError> = locate()

    static func binary() throws -> URL {
        try location.get()
    }

    private static func locate(filePath: String = #filePath) -> Result<URL, HarnessError> {
        let manager = FileManager.default
        func isTool(_ url: URL) -> Bool {
            var isDirectory: ObjCBool = false
            return manager.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && manager.isExecutableFile(atPath: url.path)
        }
        if let override = ProcessInfo.processInfo.environment["CASEVAULT_BIN"], !override.isEmpty {
            let url = URL(fileURLWithPath: override)
            return isTool(url) ? .success(url)
                : .failure(HarnessError(description: "CASEVAULT_BIN=\(override) is not an executable file"))
        }
        // Linux: `.build/debug/CaseVaultPackageTests.xctest` is the executable itself; macOS: a bundle
        // directory whose executable sits in Contents/MacOS. Either way, `casevault` is in a directory above.
        var starts: [URL] = [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0])]
        if let executable = Bundle.main.executableURL { starts.insert(executable, at: 0) }
        var looked: [String] = []
        for start in starts {
            var directory = start.resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("casevault")
                looked.append(candidate.path)
                if isTool(candidate) { return .success(candidate) }
                directory = directory.deletingLastPathComponent()
            }
        }
        // Tests/CaseVaultCLITests/Support/CommandLineTool.swift -> the package root.
        let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let fallback = root.appendingPathComponent(".build/debug/casevault")
        looked.append(fallback.path)
        if isTool(fallback) { return .success(fallback) }
        return .failure(HarnessError(description: """
            the casevault binary was not found (looked at \(looked.joined(separator: ", "))); \
            build it with 'swift build --build-tests' or set CASEVAULT_BIN to its path
            """))
    }

    /// The environment of every run: the test runner's, without any `CASEVAULT_*` variable.
    static func environment(adding extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CASEVAULT_") }
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// `setsid`, which starts a program in a new session without a controlling terminal (Linux).
    static let setsid = URL(fileURLWithPath: "/usr/bin/setsid")

    static var canDetach: Bool { FileManager.default.isExecutableFile(atPath: setsid.path) }

    /// Runs the binary in `directory` and waits for it; standard input is `stdin`, or empty.
    ///
    /// Output goes to files rather than pipes so a chatty command can never block on a full pipe.
    /// With `detached`, the binary runs in a new session through `setsid`, so it has no terminal to prompt on
    /// even when the tests run in one. `launcher` (such as `setpriv` and its options) runs the binary, `tool`
    /// replaces the binary found by ``binary()``, and `outputFolder` holds the output files (default `directory`).
    static func run(_ arguments: [String], in directory: URL, stdin: Data? = nil,
                    environment extra: [String: String] = [:], detached: Bool = false,
                    timeout: TimeInterval = 60, launcher: [String] = [], tool: URL? = nil,
                    outputFolder: URL? = nil) async throws -> CommandResult {
        let manager = FileManager.default
        let tag = UUID().uuidString
        let folder = outputFolder ?? directory
        let outURL = folder.appendingPathComponent(".stdout-\(tag)")
        let errURL = folder.appendingPathComponent(".stderr-\(tag)")
        let inURL = folder.appendingPathComponent(".stdin-\(tag)")
        defer {
            for url in [outURL, errURL, inURL] { try? manager.removeItem(at: url) }
        }
        guard manager.createFile(atPath: outURL.path, contents: nil),
              manager.createFile(atPath: errURL.path, contents: nil) else {
            throw HarnessError(description: "cannot create output files in \(folder.path)")
        }
        let process = Process()
        let command = (detached ? [setsid.path, "--wait"] : []) + launcher + [try (tool ?? binary()).path] + arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = environment(adding: extra)
        process.currentDirectoryURL = directory
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }
        process.standardOutput = outHandle
        process.standardError = errHandle
        // Never the runner's terminal: a command that prompted would hang the suite.
        if let stdin {
            try stdin.write(to: inURL)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        let status: (Int32, Bool) = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                let signalled = finished.terminationReason == .uncaughtSignal
                continuation.resume(returning: (finished.terminationStatus, signalled))
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: HarnessError(description: "cannot start \(command[0]): \(error)"))
                return
            }
            let running = UncheckedProcess(process: process)
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if running.process.isRunning { running.process.terminate() }
            }
        }
        let stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        return CommandResult(status: status.0, crashed: status.1, stdout: stdout, stderr: stderr)
    }
}

/// Lets the timeout reach the process from another queue; it only reads `isRunning` and calls `terminate()`.
private struct UncheckedProcess: @unchecked Sendable {
    let process: Process
}
