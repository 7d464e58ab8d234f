import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What Ctrl-C (SIGINT) and SIGTERM do to `casevault`: one line on standard error, nothing
/// half-written, exit status 130 (143 for SIGTERM).
///
/// A long operation runs inside ``cancellable(afterwards:_:)``. While it runs, the signal only
/// raises a flag; the operation's progress callback calls ``check()``, which throws
/// ``Interrupted``, so the library stops and its transaction rolls back; `main` catches the
/// error and prints `casevault: interrupted; nothing was changed` (``report(_:)``).
///
/// ```swift
/// let bar = ProgressBar(label: "recording", total: ids.count)
/// // A bulk call with a progress callback, as `case event --ids-file` might make:
/// let summary = try Interrupt.cancellable(afterwards: { "\($0.count) events were already recorded" }) {
///     defer { bar.finish() }
///     return try session.bulkEvent(ids) { done, total in
///         try Interrupt.check()
///         bar.update(done, of: total)
///     }
/// }
/// ```
///
/// Outside such an operation — at a passphrase prompt, while the vault is being opened — the
/// signal handler itself puts the terminal back as it was at start (a passphrase prompt turns
/// echo off), writes the line with `write(2)` and ends the process with `_exit`. A transaction
/// that has not committed by then is rolled back by SQLite: its pages in the write-ahead log
/// carry no commit record, so no reader ever applies them, and the vault keeps its last
/// committed state — ending there is safe. After a cancellable operation has finished, its
/// `afterwards` line replaces "nothing was changed".
enum Interrupt {
    /// The line (after `casevault: `) when an interrupt stopped the command before it changed anything.
    static let nothingChanged = "interrupted; nothing was changed"

    /// Thrown by ``check()`` once Ctrl-C or SIGTERM has arrived during a cancellable operation.
    struct Interrupted: Error, Equatable {
        /// The signal that arrived (`SIGINT` or `SIGTERM`).
        let signal: Int32
        /// The line to print instead of "nothing was changed", for an operation that had changed
        /// part of what it was asked to (a bulk event stopped between two cases).
        var line: String?

        /// The exit status for it: 128 + the signal number (130 for Ctrl-C).
        var status: Int32 { 128 + signal }

        /// An interrupt by `signal`, with the line to print (nil: "nothing was changed").
        init(signal: Int32, line: String? = nil) {
            self.signal = signal
            self.line = line
        }
    }

    /// What the signal handler does when a signal arrives, by the phase the command is in.
    private enum Phase: Int32 {
        /// Nothing cancellable runs: the handler restores the terminal, prints "nothing was changed", exits.
        case idle = 0
        /// A cancellable operation runs: the handler only records the signal for ``check()``.
        case cancellable = 1
        /// A cancellable operation has finished: the handler prints its `afterwards` line and exits.
        case finished = 2
        /// `main` is already printing the interrupt's line and exiting: the handler does nothing.
        case exiting = 3
    }

    // The handler may run at any instruction, on any thread: it reads and writes only these
    // preallocated cells (aligned 32-bit words, written whole) and calls only async-signal-safe
    // functions (write, tcgetattr, tcsetattr, tcgetpgrp, getpgrp, _exit). Everything is allocated
    // by install() before the handler can run, and never freed.
    private static let capacity = 1024
    private nonisolated(unsafe) static var phase: UnsafeMutablePointer<Int32>?
    private nonisolated(unsafe) static var received: UnsafeMutablePointer<Int32>?
    private nonisolated(unsafe) static var terminal: Int32 = -1
    private nonisolated(unsafe) static var errorIsTerminal = false
    private nonisolated(unsafe) static var savedTerminal: UnsafeMutablePointer<termios>?
    /// "\n" + "casevault: " + line + "\n" for each of the idle and finished phases, with their lengths.
    private nonisolated(unsafe) static var idleLine: UnsafeMutablePointer<UInt8>?
    private nonisolated(unsafe) static var idleLength: Int32 = 0
    private nonisolated(unsafe) static var finishedLine: UnsafeMutablePointer<UInt8>?
    private nonisolated(unsafe) static var finishedLength: UnsafeMutablePointer<Int32>?

    /// Installs the handler for SIGINT and SIGTERM; call once, first thing in `main`, on the main thread.
    ///
    /// Saves the settings of the controlling terminal (`/dev/tty`), if there is one, to restore
    /// them on an interrupt. A signal ignored at start stays ignored, as a shell asks of the
    /// background jobs of a script; a signal blocked at start is unblocked, since a launcher may
    /// have started `casevault` from a thread that blocks them (as the worker threads of Swift's
    /// concurrency runtime do), and Ctrl-C would otherwise do nothing.
    static func install() {
        guard phase == nil else { return }
        let cells = UnsafeMutablePointer<Int32>.allocate(capacity: 3)
        cells.initialize(repeating: 0, count: 3)
        phase = cells
        received = cells + 1
        finishedLength = cells + 2
        errorIsTerminal = isatty(STDERR_FILENO) == 1
        terminal = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        if terminal >= 0 {
            let saved = UnsafeMutablePointer<termios>.allocate(capacity: 1)
            saved.initialize(to: termios())
            if tcgetattr(terminal, saved) == 0 { savedTerminal = saved }
        }
        let line = Array("\ncasevault: \(nothingChanged)\n".utf8)
        let idle = UnsafeMutablePointer<UInt8>.allocate(capacity: line.count)
        idle.initialize(from: line, count: line.count)
        idleLine = idle
        idleLength = Int32(line.count)
        let finished = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        finished.initialize(repeating: 0, count: capacity)
        finishedLine = finished
        // Every static the handler reads is initialised now, never lazily inside the handler.
        _ = (savedTerminal, terminal, errorIsTerminal)

        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { signal in Interrupt.handle(signal) }
        #else
        action.__sigaction_u.__sa_handler = { signal in Interrupt.handle(signal) }
        #endif
        sigemptyset(&action.sa_mask)
        // Restarted system calls: SQLite and Foundation never see EINTR because of a Ctrl-C.
        action.sa_flags = SA_RESTART
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        for signal in [SIGINT, SIGTERM] where !isIgnored(signal) {
            sigaction(signal, &action, nil)
            sigaddset(&unblocked, signal)
        }
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
    }

    /// Whether `signal` is ignored (`SIG_IGN`) now.
    private static func isIgnored(_ signal: Int32) -> Bool {
        var current = sigaction()
        guard sigaction(signal, nil, &current) == 0 else { return false }
        #if canImport(Glibc)
        let handler = current.__sigaction_handler.sa_handler
        #else
        let handler = current.__sigaction_u.__sa_handler
        #endif
        return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
    }

    /// Runs `body` as a cancellable operation: an interrupt meanwhile makes ``check()`` throw
    /// ``Interrupted`` instead of ending the process.
    ///
    /// `body` calls ``check()`` often (from its progress callback) and must leave nothing
    /// changed when that throws — a library call whose transaction rolls back. An interrupt
    /// after its last check, while it commits, does not stop it: the command finishes as usual.
    /// Calls do not nest; an inner call simply runs its body.
    ///
    /// - Parameter afterwards: given `body`'s result, what an interrupt prints once `body` has
    ///   finished (after `casevault: interrupted; `), such as "the 312 imported cases were
    ///   already saved"; `nil` for an operation that changes nothing, which keeps "nothing was
    ///   changed".
    /// - Throws: what `body` throws, ``Interrupted`` included.
    static func cancellable<T>(afterwards: (T) -> String? = { _ in nil }, _ body: () throws -> T) throws -> T {
        guard let phase, phase.pointee != Phase.cancellable.rawValue else { return try body() }
        received?.pointee = 0
        phase.pointee = Phase.cancellable.rawValue
        let result: T
        do { result = try body() } catch {
            phase.pointee = Phase.idle.rawValue
            throw error
        }
        if let line = afterwards(result) {
            setFinishedLine("casevault: interrupted; \(line)")
            phase.pointee = Phase.finished.rawValue
        } else {
            phase.pointee = Phase.idle.rawValue
        }
        return result
    }

    /// Throws ``Interrupted`` when Ctrl-C or SIGTERM has arrived during the current cancellable operation.
    static func check() throws {
        guard let phase, let received, phase.pointee == Phase.cancellable.rawValue, received.pointee != 0 else {
            return
        }
        throw Interrupted(signal: received.pointee)
    }

    /// Prints the one line for an interrupt that stopped an operation, at the start of the line on a
    /// terminal (over an echoed `^C`); later signals are ignored while the command exits.
    static func report(_ interrupted: Interrupted) {
        phase?.pointee = Phase.exiting.rawValue
        Console.err((errorIsTerminal ? "\r" : "") + "casevault: \(interrupted.line ?? nothingChanged)")
    }

    private static func setFinishedLine(_ line: String) {
        guard let finishedLine, let finishedLength else { return }
        var bytes = Array(line.utf8.prefix(capacity - 2))
        // Cut at a character boundary: drop continuation bytes and the lead byte they belonged to.
        if bytes.count == capacity - 2 {
            while let last = bytes.last, last & 0xC0 == 0x80 { bytes.removeLast() }
            if let last = bytes.last, last >= 0xC0 { bytes.removeLast() }
        }
        let text = [UInt8(ascii: "\n")] + bytes + [UInt8(ascii: "\n")]
        finishedLine.update(from: text, count: text.count)
        finishedLength.pointee = Int32(text.count)
    }

    /// The signal handler: async-signal-safe calls only.
    private static func handle(_ signal: Int32) {
        guard let phase, let received else { _exit(128 + signal) }
        switch phase.pointee {
        case Phase.cancellable.rawValue:
            received.pointee = signal
            return
        case Phase.exiting.rawValue:
            return
        default:
            break
        }
        let echoWasOff = restoreTerminal()
        var line = idleLine
        var length = Int(idleLength)
        if phase.pointee == Phase.finished.rawValue, let finishedLength {
            line = finishedLine
            length = Int(finishedLength.pointee)
        }
        if let line {
            // The leading newline ends a prompt or an echoed ^C on a terminal; a file gets the line alone.
            if errorIsTerminal {
                _ = write(STDERR_FILENO, line, length)
            } else {
                if echoWasOff && terminal >= 0 { _ = write(terminal, line, 1) }
                _ = write(STDERR_FILENO, line + 1, length - 1)
            }
        }
        _exit(128 + signal)
    }

    /// Puts the terminal back as it was at start, if this process is in its foreground (a
    /// background process that changed it would be stopped); returns whether echo was off, as
    /// during a passphrase prompt.
    private static func restoreTerminal() -> Bool {
        guard terminal >= 0, let savedTerminal else { return false }
        var current = termios()
        let echoWasOff = tcgetattr(terminal, &current) == 0 && current.c_lflag & tcflag_t(ECHO) == 0
            && savedTerminal.pointee.c_lflag & tcflag_t(ECHO) != 0
        if tcgetpgrp(terminal) == getpgrp() { _ = tcsetattr(terminal, TCSANOW, savedTerminal) }
        return echoWasOff
    }
}
