import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the built `casevault` on a pseudo-terminal, as a person at a terminal would: standard
/// input, output and error are the terminal, which is also the process's controlling terminal
/// (`/dev/tty`, where passphrase prompts go), and Ctrl-C typed on it interrupts the process.
///
/// The program starts through `setsid --ctty --wait`, which gives it a new session whose
/// controlling terminal is its standard input. Everything it writes to the terminal is read from
/// the master side on a background thread into ``output``.
///
/// ```swift
/// let terminal = try PseudoTerminal(["case", "list", "--vault", path, "--user", name], in: directory)
/// try await terminal.waitFor("Passphrase for")
/// terminal.interrupt()
/// let status = try await terminal.waitForExit()
/// ```
final class PseudoTerminal: @unchecked Sendable {
    /// The width the terminal reports to the program.
    static let columns: UInt16 = 120

    private let master: Int32
    private let slave: Int32
    private let process = Process()
    private let lock = NSLock()
    private var buffer = Data()
    private var exitStatus: (status: Int32, signalled: Bool)?
    private var readerDone = false

    /// Starts `casevault arguments` in `directory` on a new pseudo-terminal.
    ///
    /// - Parameter environment: added to the test runner's environment (without `CASEVAULT_*`
    ///   and, unless given here, `NO_COLOR`); `TERM` is `xterm` unless given.
    /// - Throws: ``HarnessError`` when there is no `setsid`, no pseudo-terminal or no binary.
    init(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws {
        guard CommandLineTool.canDetach else {
            throw HarnessError(description: "\(CommandLineTool.setsid.path) is missing; the terminal tests need it")
        }
        var masterSide: Int32 = -1
        var slaveSide: Int32 = -1
        var size = winsize(ws_row: 40, ws_col: PseudoTerminal.columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&masterSide, &slaveSide, nil, nil, &size) == 0 else {
            throw HarnessError(description: "openpty failed (errno \(errno))")
        }
        master = masterSide
        slave = slaveSide
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        let terminal = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        process.executableURL = CommandLineTool.setsid
        process.arguments = ["--ctty", "--wait", try CommandLineTool.binary().path] + arguments
        var variables = CommandLineTool.environment(adding: ["TERM": "xterm"].merging(environment) { $1 })
        // `swift test` sets NO_COLOR for what it runs; a person's terminal usually has none.
        if environment["NO_COLOR"] == nil { variables["NO_COLOR"] = nil }
        process.environment = variables
        process.currentDirectoryURL = directory
        process.standardInput = terminal
        process.standardOutput = terminal
        process.standardError = terminal
        process.terminationHandler = { [weak self] finished in
            let signalled = finished.terminationReason == .uncaughtSignal
            self?.finished(status: finished.terminationStatus, signalled: signalled)
        }
        do { try process.run() } catch {
            close(master)
            close(slave)
            throw HarnessError(description: "cannot start \(CommandLineTool.setsid.path): \(error)")
        }
        let thread = Thread { [self] in readUntilExit() }
        thread.start()
    }

    deinit {
        stop()
        close(slave)
        close(master)
    }

    /// Kills the program if it still runs: `setsid` may have forked it into the terminal's
    /// foreground process group, so that group goes too.
    private func stop() {
        guard process.isRunning else { return }
        let group = tcgetpgrp(master)
        if group > 0 { kill(-group, SIGKILL) }
        kill(process.processIdentifier, SIGKILL)
    }

    /// Everything the program has written to the terminal so far, as the terminal received it
    /// (with `\r\n` line ends, `\r` redraws and any escape codes).
    var output: String {
        lock.withLock { String(decoding: buffer, as: UTF8.self) }
    }

    /// Types `text` on the terminal (a passphrase and `\n`, or `\u{03}` for Ctrl-C).
    func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Presses Ctrl-C: the terminal sends SIGINT to the program's process group, as it does for a person.
    func interrupt() {
        type("\u{03}")
    }

    /// Whether the terminal echoes what is typed (its `ECHO` flag), as `stty -a` shows it.
    var echoes: Bool {
        var settings = termios()
        return tcgetattr(slave, &settings) == 0 && settings.c_lflag & tcflag_t(ECHO) != 0
    }

    /// Waits until the output contains `text`, `occurrence` times (a prompt asked again).
    ///
    /// - Throws: ``HarnessError`` with the output so far when `timeout` passes or the program ends first.
    @discardableResult
    func waitFor(_ text: String, occurrence: Int = 1, timeout: Duration = .seconds(120)) async throws -> String {
        try await waitUntil("\"\(text)\" (\(occurrence)) on the terminal", timeout: timeout) {
            output.components(separatedBy: text).count > occurrence
        }
        return output
    }

    /// Waits until `condition` holds, checking every 20 ms.
    ///
    /// - Throws: ``HarnessError`` when `timeout` passes, or the program ends, first.
    func waitUntil(_ what: String, timeout: Duration = .seconds(120), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            let ended = lock.withLock { exitStatus != nil && readerDone }
            if ended || ContinuousClock.now > deadline {
                // A program left running would keep the reading thread, and the test run, alive.
                stop()
                let why = ended ? "the program ended" : "time ran out"
                throw HarnessError(description: "waited for \(what), but \(why); the terminal shows:\n\(output)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits for the program to end and for all it wrote to be read; kills it after `timeout`.
    ///
    /// - Returns: the exit status, and whether a signal ended it.
    func waitForExit(timeout: Duration = .seconds(120)) async throws -> (status: Int32, signalled: Bool) {
        try await waitUntil("the program to end", timeout: timeout) { lock.withLock { readerDone } }
        return try #require(lock.withLock { exitStatus })
    }

    private func finished(status: Int32, signalled: Bool) {
        lock.withLock { exitStatus = (status, signalled) }
    }

    /// Reads the master side until the program has ended and nothing more is waiting: whatever it
    /// wrote before it ended is in the terminal's buffer by then.
    private func readUntilExit() {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 50)
            if ready > 0 {
                let count = chunk.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                if count > 0 {
                    lock.withLock { buffer.append(contentsOf: chunk[0..<count]) }
                    continue
                }
                if count < 0 && errno == EINTR { continue }
                break  // EIO: no one has the terminal open any more
            }
            if ready < 0 && errno == EINTR { continue }
            if lock.withLock({ exitStatus != nil }) { break }
        }
        lock.withLock { readerDone = true }
    }
}
