import Foundation
import SodiumKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The built release `casevault`, run as a child process the way a volunteer runs it, so the
/// benchmarks see what the command costs on top of the library: process start, opening the
/// vault, unlocking it and writing the output.
///
/// It is spawned directly (`posix_spawn`, no shell), with standard output read through a pipe as
/// a terminal or `| less` would, standard error in a file (read only to report a failure) and
/// standard input from /dev/null.
public struct CommandLineTool: Sendable {
    /// Where `make benchmarks` puts the path of the release binary it has just built.
    public static let environmentVariable = "CASEVAULT_BINARY"

    /// The binary.
    public let path: String

    /// What one run of the command did.
    public struct Run: Sendable {
        /// From spawning the process to having reaped it, output read.
        public let elapsed: Duration
        /// The child's CPU time, user and system (`ru_utime + ru_stime`).
        public let cpu: Duration
        /// Bytes written to standard output.
        public let outputBytes: Int
        /// Lines written to standard output.
        public let outputLines: Int
        /// The child's peak resident memory in bytes (`ru_maxrss`).
        public let peakResidentBytes: Int
    }

    /// The binary named by `CASEVAULT_BINARY`.
    ///
    /// - Throws: ``CommandLineToolError`` when the variable is unset, names no executable or
    ///   names a debug build (whose figures would say nothing about the release).
    public static func fromEnvironment() throws -> CommandLineTool {
        let environment = ProcessInfo.processInfo.environment
        guard let path = environment[environmentVariable], !path.isEmpty else {
            throw CommandLineToolError(description: """
                \(environmentVariable) is not set; build the command in release from the repository root \
                (`swift build -c release --product casevault`) and set \(environmentVariable) to \
                "$(swift build -c release --show-bin-path)/casevault" (`make benchmarks` does both)
                """)
        }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CommandLineToolError(description: "\(environmentVariable)=\(path) is not an executable file")
        }
        guard !URL(fileURLWithPath: path).pathComponents.contains("debug") else {
            throw CommandLineToolError(description: "\(environmentVariable)=\(path) is a debug build; "
                                       + "benchmark the release build (`swift build -c release`)")
        }
        return CommandLineTool(path: path)
    }

    /// The benchmark process's environment without what only the benchmark harness wants: its
    /// `LD_PRELOAD` (a malloc interposer that would slow every allocation of the child) and the
    /// `CASEVAULT_*` defaults, so that only the options given on the command line count.
    static let childEnvironment: [String] = ProcessInfo.processInfo.environment
        .filter { key, _ in key != "LD_PRELOAD" && key != "DYLD_INSERT_LIBRARIES" && !key.hasPrefix("CASEVAULT_") }
        .map { "\($0.key)=\($0.value)" }

    /// Runs `casevault` with `arguments` and waits for it.
    ///
    /// - Throws: ``CommandLineToolError`` when it cannot be started or does not exit with 0 (the
    ///   message carries its standard error).
    public func run(_ arguments: [String]) throws -> Run {
        let errorPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("casevault-bench-\(getpid())-\(UUID().uuidString).stderr").path
        defer { try? FileManager.default.removeItem(atPath: errorPath) }

        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw CommandLineToolError(description: "pipe failed: errno \(errno)") }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        defer { close(readEnd) }

        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t?
        #else
        var actions = posix_spawn_file_actions_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addclose(&actions, writeEnd)

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = CommandLineTool.childEnvironment.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }

        let clock = ContinuousClock()
        let started = clock.now
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        close(writeEnd)
        guard spawned == 0 else {
            throw CommandLineToolError(description: "cannot start \(path): \(String(cString: strerror(spawned)))")
        }

        var bytes = 0
        var lines = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += count
            for byte in buffer[0..<count] where byte == UInt8(ascii: "\n") { lines += 1 }
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw CommandLineToolError(description: "wait4 failed: errno \(errno)") }
        }
        let elapsed = clock.now - started

        let signal = status & 0x7f
        let exitCode = (status >> 8) & 0xff
        guard signal == 0, exitCode == 0 else {
            let text = FileManager.default.contents(atPath: errorPath).map { String(decoding: $0, as: UTF8.self) }
            let how = signal == 0 ? "exited with \(exitCode)" : "was killed by signal \(signal)"
            throw CommandLineToolError(description: "casevault \(arguments.joined(separator: " ")) \(how): "
                                       + (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #if canImport(Darwin)
        let peak = Int(usage.ru_maxrss)  // bytes on Darwin
        #else
        let peak = Int(usage.ru_maxrss) * 1024  // kilobytes on Linux
        #endif
        return Run(elapsed: elapsed, cpu: Duration(usage.ru_utime) + Duration(usage.ru_stime), outputBytes: bytes,
                   outputLines: lines, peakResidentBytes: peak)
    }
}

/// The command could not be found, started or did not succeed.
public struct CommandLineToolError: Error, CustomStringConvertible {
    public let description: String

    /// An error saying `description`.
    public init(description: String) { self.description = description }
}

/// Wall-clock and CPU time of one piece of work.
///
/// CPU time is the process's (every thread, user and system): on a machine shared with other work
/// it leaves out the time spent waiting for a core, which is most of the spread of wall-clock
/// figures there, so a small difference of two large timings stays readable.
public struct Timing: Sendable {
    /// Wall-clock time.
    public var wall: Duration
    /// CPU time.
    public var cpu: Duration

    /// The mean of two timings of the same work.
    public static func mean(_ a: Timing, _ b: Timing) -> Timing {
        Timing(wall: (a.wall + b.wall) / 2, cpu: (a.cpu + b.cpu) / 2)
    }

    /// Times `work` in this process.
    public static func of<T>(_ work: () throws -> T) rethrows -> (result: T, timing: Timing) {
        let clock = ContinuousClock()
        let cpuStart = processCPUTime()
        let started = clock.now
        let result = try work()
        let wall = clock.now - started
        return (result, Timing(wall: wall, cpu: processCPUTime() - cpuStart))
    }
}

/// This process's CPU time so far.
func processCPUTime() -> Duration {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Duration(now)
}

extension Duration {
    init(_ time: timespec) {
        self = .seconds(Int64(time.tv_sec)) + .nanoseconds(Int64(time.tv_nsec))
    }

    init(_ time: timeval) {
        self = .seconds(Int64(time.tv_sec)) + .microseconds(Int64(time.tv_usec))
    }

    /// Whole microseconds, negative differences as zero (a benchmark metric holds no negative value).
    public var wholeMicroseconds: Int { Int(max(self, .zero) / .microseconds(1)) }
}

/// Times Argon2id derivations like the one an unlock performs, so that a benchmark can take key
/// derivation out of a figure: it is the deliberate cost of a passphrase, the same for every
/// command, and keyslots refuse anything cheaper than `interactive`, so it cannot be skipped.
///
/// A benchmark times one derivation just before and one just after the unlock or the command and
/// subtracts their mean, so that a change in the machine's load during the iteration cancels out.
public enum KeyDerivation {
    /// One `interactive` derivation (the benchmark users' keyslot profile) with a fresh salt.
    public static func timeInteractive(_ user: String) throws -> Timing {
        let passphrase = Dataset.passphrase(user)
        let salt = Random.bytes(count: PasswordHash.saltLength)
        let (key, timing) = try Timing.of {
            try PasswordHash.deriveKey(passphrase: passphrase, salt: salt, profile: .interactive)
        }
        withExtendedLifetime(key) {}
        return timing
    }
}
