import CaseVault
import Foundation
import GRDB
import SodiumKit
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The suites that start many `casevault` processes at once or kill them. They run one test at a
/// time, so they neither fight each other over the cores nor skew each other's timing.
@Suite("casevault under crashes and contention", .serialized)
enum ProcessStressTests {}

extension ProcessStressTests {
    /// `casevault` killed with SIGKILL at seeded-random moments, while it logs cases one by one and
    /// while it imports a large file in one transaction. After every kill the vault must open and
    /// unlock, pass `PRAGMA integrity_check`, hold every case whose id was printed, complete, hold no
    /// torn or half-imported batch, and keep its audit chain whole with one entry per committed write.
    ///
    /// The seed is random per run and printed in every failure; set `CASEVAULT_STRESS_SEED` to replay
    /// one (the kill moments are wall-clock, so a replay gives the same data and delays, not the same
    /// interleaving).
    @Suite("crash consistency: casevault killed with SIGKILL")
    struct CrashConsistencyTests {
        /// Kills that must land on a running process, per test (at least 20 in all).
        static let caseNewKills = 12
        static let importKills = 10
        /// Lines per import: about a second of work in a debug build, most of it inside the one
        /// transaction, so a kill drawn over the run's lifetime usually lands before the commit.
        static let importLines = 2_500
        /// Round r's requests are received in `firstYear + r`, a year no other case of the test uses.
        static let firstYear = 1960

        @Test("a loop of case new killed at random moments: every printed case is there and complete")
        func caseNewLoopSurvivesKills() async throws {
            let seed = StressSeed.current
            var random = StressRandom(seed: seed)
            let workspace = try await Workspace.withUsers()
            let path = workspace.vaultPath
            let baseline = try VaultProbe.withSession(path, as: Cast.coordinator) { try $0.verifyAuditLog() }

            var attempts: [LoopAttempt] = []
            var durations: [Duration] = []
            // Two runs left alone give the length of one `case new`, which the kill delays are drawn over.
            for _ in 0..<2 {
                let request = Self.loopRequest(attempts.count, using: &random)
                let run = try KillableRun(try Self.caseNewArguments(request, attempts.count, workspace),
                                          in: workspace.directory)
                let result = await run.finish()
                expectSuccess(result)
                durations.append(run.duration ?? .zero)
                attempts.append(LoopAttempt(request: request, printed: result.stdoutLines.first, killed: false))
            }
            // The window follows the machine's load: an unkilled run resets it to its own length, a run still
            // alive at the end of the window stretches it.
            var typical = max(durations.max() ?? .zero, .milliseconds(50))
            var kills = 0
            while kills < Self.caseNewKills && attempts.count < 120 {
                let window = Int(typical / .milliseconds(1) * 1.3)
                let index = attempts.count
                let request = Self.loopRequest(index, using: &random)
                let run = try KillableRun(try Self.caseNewArguments(request, index, workspace),
                                          in: workspace.directory)
                let delay = random.draw(0...window)
                try await Task.sleep(for: .milliseconds(delay))
                run.kill()
                let result = await run.finish()
                let context = "seed \(seed), attempt \(index), kill sent at \(delay) ms of ~\(window) ms"
                if !result.killedBySIGKILL {
                    expectSuccess(result)
                    #expect(result.stdoutLines.count == 1, "\(context): \(result)")
                }
                attempts.append(LoopAttempt(request: request, printed: result.stdoutLines.first,
                                            killed: result.killedBySIGKILL))
                guard result.killedBySIGKILL else {
                    typical = max(run.duration ?? typical, .milliseconds(50))
                    continue
                }
                typical = max(typical, .milliseconds(delay))
                kills += 1
                try Self.verifyLoop(path, attempts: attempts, baseline: baseline, context: context)
            }
            #expect(kills >= Self.caseNewKills, "seed \(seed): only \(kills) kills landed in \(attempts.count) runs")

            // The vault goes on working after the kills.
            let last = try await workspace.newCase(as: Cast.coordinator, requestOptions(received: "2024-02-29"))
            try VaultProbe.withSession(path, as: Cast.coordinator) { session throws in
                let record = try session.case(try CaseID(parsing: last))
                #expect(record.request.received.description == "2024-02-29", "seed \(seed)")
                #expect(try session.verifyAuditLog() == baseline + (try session.cases().count), "seed \(seed)")
            }
            #expect(try VaultProbe.integrityCheck(path) == ["ok"], "seed \(seed)")
        }

        @Test("a large case import killed at random moments is wholly present or wholly absent")
        func importIsAllOrNothingUnderKills() async throws {
            let seed = StressSeed.current
            var random = StressRandom(seed: seed)
            let workspace = try await Workspace.withUsers()
            let path = workspace.vaultPath
            let baseline = try VaultProbe.withSession(path, as: Cast.coordinator) { try $0.verifyAuditLog() }

            // Calibration, unkilled: one `case new` for start-up and unlock alone, one whole import.
            let probe = try KillableRun(["case", "new"] + requestOptions(received: "2024-02-29")
                                        + Self.credentials(workspace), in: workspace.directory)
            let probeResult = await probe.finish()
            expectSuccess(probeResult)
            let startup = probe.duration ?? .milliseconds(100)
            var ledger = ImportLedger(baselineAudit: baseline, cases: 1, writes: 1)

            let first = try Self.importFile(round: 0, workspace, using: &random)
            let whole = try KillableRun(["case", "import", "--jsonl", first.path] + Self.credentials(workspace),
                                        in: workspace.directory)
            let wholeResult = await whole.finish()
            expectSuccess(wholeResult)
            #expect(wholeResult.stdoutLines.count == Self.importLines, "seed \(seed): \(wholeResult.stderr)")
            var full = whole.duration ?? .seconds(1)
            try Self.verifyImport(path, round: first, result: wholeResult, ledger: &ledger, using: &random,
                                  context: "seed \(seed), round 0 (not killed)")

            // Kill delays straddle the commit: from the end of unlocking to just past the whole run. The
            // run's length is re-measured as the load on the machine changes.
            let low = Int(startup / .milliseconds(1) * 0.9)
            var kills = 0
            var outcomes: [String] = []
            var round = 1
            while kills < Self.importKills && round <= 30 {
                let high = max(low + 1, Int(full / .milliseconds(1) * 1.05))
                let file = try Self.importFile(round: round, workspace, using: &random)
                let run = try KillableRun(["case", "import", "--jsonl", file.path] + Self.credentials(workspace),
                                          in: workspace.directory)
                // Every fourth round waits for the first printed id, then kills while the rest are printed or
                // the file is being closed: committed, but the process never got to finish.
                let afterCommit = round % 4 == 2
                let delay = random.draw(afterCommit ? 0...20 : low...high)
                if afterCommit {
                    let limit = ContinuousClock.now + full * 3
                    while !run.hasWrittenOutput && run.duration == nil && ContinuousClock.now < limit {
                        try await Task.sleep(for: .milliseconds(2))
                    }
                }
                try await Task.sleep(for: .milliseconds(delay))
                run.kill()
                let result = await run.finish()
                let moment = afterCommit ? "\(delay) ms after the first id"
                    : "after \(delay) ms of \(low)...\(high) ms"
                let context = "seed \(seed), round \(round), killed \(moment)"
                if result.killedBySIGKILL {
                    kills += 1
                    if !afterCommit { full = max(full, .milliseconds(delay)) }
                } else {
                    full = run.duration ?? full
                    expectSuccess(result)
                    #expect(result.stdoutLines.count == Self.importLines, "\(context): \(result.stderr)")
                }
                let before = ledger.cases
                try Self.verifyImport(path, round: file, result: result, ledger: &ledger, using: &random,
                                      context: context)
                outcomes.append(ledger.cases == before ? "absent" : "present")
                round += 1
            }
            #expect(kills >= Self.importKills, "seed \(seed): only \(kills) kills landed in \(round - 1) rounds")
            // Not a requirement of the vault, a check on the test: the kills should hit both sides of the commit.
            if !outcomes.contains("absent") || !outcomes.contains("present") {
                let sides = outcomes.joined(separator: ", ")
                Issue.record("seed \(seed): every kill fell on one side of the commit (\(sides)); retune the delays")
            }

            let last = try await workspace.newCase(as: Cast.coordinator, requestOptions(received: "2024-03-01"))
            try VaultProbe.withSession(path, as: Cast.coordinator) { session throws in
                #expect(try session.case(try CaseID(parsing: last)).request.received.description == "2024-03-01")
                #expect(try session.verifyAuditLog() == ledger.baselineAudit + ledger.writes + 1, "seed \(seed)")
            }
            #expect(try VaultProbe.integrityCheck(path) == ["ok"], "seed \(seed)")
        }

        // MARK: - The case new loop

        /// One `case new` of the loop: what was asked, the id it printed (if it got that far), and
        /// whether SIGKILL ended it.
        struct LoopAttempt {
            let request: Request
            let printed: String?
            let killed: Bool
        }

        /// A request whose narrative names its attempt, so a stored case can be traced back to it.
        static func loopRequest(_ index: Int, using random: inout StressRandom) -> Request {
            var request = random.request(year: 2023)
            request.contact = random.draw(0...2) == 0 ? nil : "@crash_loop_a\(index)"
            request.narrative = "Crash loop attempt a\(index): asks how to leave the service safely."
            return request
        }

        static func loopIndex(_ narrative: String?) -> Int? {
            guard let narrative, let match = narrative.firstMatch(of: /attempt a(\d+):/) else { return nil }
            return Int(match.1)
        }

        static func credentials(_ workspace: Workspace, as user: String = Cast.coordinator) throws -> [String] {
            ["--vault", workspace.vaultPath, "--user", user,
             "--passphrase-file", try workspace.passphraseFile(for: user)]
        }

        static func caseNewArguments(_ request: Request, _ index: Int, _ workspace: Workspace) throws -> [String] {
            var arguments = ["case", "new"] + request.caseNewOptions
            if let contact = request.contact {
                arguments += ["--contact-file", try workspace.write("loop-\(index).contact", contact)]
            }
            if let narrative = request.narrative {
                arguments += ["--narrative-file", try workspace.write("loop-\(index).narrative", narrative)]
            }
            return arguments + (try credentials(workspace))
        }

        /// After a kill: every case in the vault is one attempt's request, whole, stored once; every printed
        /// id is there; only a killed attempt may be there without a printed id; one audit entry per case.
        static func verifyLoop(_ path: String, attempts: [LoopAttempt], baseline: Int, context: String) throws {
            try VaultProbe.withSession(path, as: Cast.coordinator) { session throws in
                var stored: [Int: String] = [:]
                let summaries = try session.cases()
                for summary in summaries {
                    let record: CaseRecord
                    do { record = try session.case(summary.id) } catch {
                        Issue.record(error, "\(context): case \(summary.id) does not read back")
                        continue
                    }
                    guard let index = loopIndex(record.request.narrative), attempts.indices.contains(index) else {
                        Issue.record("\(context): case \(summary.id) is no attempt's: \(record.request)")
                        continue
                    }
                    #expect(stored[index] == nil, "\(context): attempt \(index) stored twice")
                    stored[index] = summary.id.description
                    #expect(record.request == attempts[index].request, "\(context): case \(summary.id) differs")
                    #expect(record.state == .intake && record.version == 1 && record.history.count == 1,
                            "\(context): case \(summary.id) is not a fresh intake")
                }
                for (index, attempt) in attempts.enumerated() {
                    if let printed = attempt.printed {
                        let found = stored[index].map { "stored as \($0)" } ?? "missing"
                        #expect(stored[index] == printed,
                                "\(context): printed case \(printed) of attempt \(index) is \(found)")
                    } else if stored[index] != nil {
                        #expect(attempt.killed, "\(context): attempt \(index) stored but printed nothing")
                    }
                }
                #expect(try session.verifyAuditLog() == baseline + summaries.count,
                        "\(context): audit entries do not match one per stored case")
            }
            #expect(try VaultProbe.integrityCheck(path) == ["ok"], "\(context)")
        }

        // MARK: - The large import

        /// The fields a summary shows, to compare a round's cases with its file without reading each case.
        static func summaryKey(_ summary: CaseSummary) -> String {
            "\(summary.received) \(summary.region) \(summary.urgency) \(summary.needs.sorted()) "
                + "\(summary.deadline?.description ?? "-")"
        }

        static func requestKey(_ request: Request) -> String {
            "\(request.received) \(request.region) \(request.urgency) \(request.needs.sorted()) "
                + "\(request.deadline?.description ?? "-")"
        }

        /// One import file: its requests in file order, each traceable by its narrative, all received in
        /// the round's own year (`firstYear + round`) so the round's cases can be counted from summaries.
        struct ImportFile {
            let round: Int
            let path: String
            let requests: [Request]
            let lineOfNarrative: [String: Int]
        }

        /// What the vault should hold so far: committed cases and writes beyond the baseline.
        struct ImportLedger {
            let baselineAudit: Int
            var cases: Int
            var writes: Int
        }

        static func importFile(round: Int, _ workspace: Workspace, using random: inout StressRandom) throws
            -> ImportFile {
            var requests: [Request] = []
            var lines: [String] = []
            var lineOfNarrative: [String: Int] = [:]
            for line in 0..<importLines {
                var request = random.request(year: Self.firstYear + round)
                request.contact = line % 7 == 0 ? "@crash_r\(round)_l\(line)" : nil
                request.narrative = "Imported in crash round r\(round) as line l\(line); asks about a discharge."
                lineOfNarrative[request.narrative ?? ""] = line
                requests.append(request)
                lines.append(try request.jsonLine())
            }
            let path = try workspace.write("round-\(round).jsonl", lines.joined(separator: "\n") + "\n")
            return ImportFile(round: round, path: path, requests: requests, lineOfNarrative: lineOfNarrative)
        }

        /// After an import that may have been killed: the round's cases are all there (exactly the file's
        /// line count more) or none are; every printed id holds its line; the audit log has one entry more
        /// exactly when the import committed.
        static func verifyImport(_ path: String, round file: ImportFile, result: CommandResult,
                                 ledger: inout ImportLedger, using random: inout StressRandom,
                                 context: String) throws {
            // Only whole lines count: a kill may come between two writes, never inside one, but be strict.
            var printed = result.stdoutLines
            if !printed.isEmpty && !result.stdout.hasSuffix("\n") { printed.removeLast() }
            let expectedLedger = ledger
            let committed = try VaultProbe.withSession(path, as: Cast.coordinator) { session -> Bool in
                let summaries = try session.cases()
                let added = summaries.count - expectedLedger.cases
                let ofRound = summaries.filter { $0.received.year == firstYear + file.round }
                #expect(added == 0 || added == importLines,
                        "\(context): \(added) cases appeared; an import must add all \(importLines) or none")
                #expect(ofRound.count == added, "\(context): \(ofRound.count) cases of this round, \(added) added")
                if !printed.isEmpty || !result.killedBySIGKILL {
                    #expect(added == importLines, "\(context): ids were printed but the import is not all there")
                }
                #expect(printed.count <= importLines, "\(context)")
                // Every printed id is there, in file order, with its line's listed fields; reading thousands
                // of cases in full would take seconds per round in a debug build, so a seeded sample is.
                let byID = Dictionary(summaries.map { ($0.id.description, $0) },
                                      uniquingKeysWith: { first, _ in first })
                for (line, text) in printed.prefix(importLines).enumerated() {
                    guard let summary = byID[text] else {
                        Issue.record("\(context): printed case \(text) (line \(line)) is missing")
                        continue
                    }
                    #expect(summaryKey(summary) == requestKey(file.requests[line]),
                            "\(context): printed case \(text) is not line \(line)")
                }
                let printedSample = printed.isEmpty ? [] : [0, printed.count - 1]
                    + (0..<6).map { _ in random.draw(0...(printed.count - 1)) }
                for line in printedSample where line < importLines {
                    let record = try session.case(try CaseID(parsing: printed[line]))
                    #expect(record.request == file.requests[line],
                            "\(context): printed case \(printed[line]) is not line \(line)")
                    #expect(record.version == 1 && record.state == .intake, "\(context): case \(printed[line])")
                }
                // Every line once: the summaries' fields, as a multiset, are the file's.
                if added == importLines {
                    #expect(ofRound.map(summaryKey).sorted() == file.requests.map(requestKey).sorted(),
                            "\(context): the round's cases are not the file's lines, each once")
                }
                // A seeded sample of the round's cases, found without printed ids, read in full.
                for _ in 0..<min(8, ofRound.count) {
                    let summary = ofRound[random.draw(0...(ofRound.count - 1))]
                    let record = try session.case(summary.id)
                    guard let line = record.request.narrative.flatMap({ file.lineOfNarrative[$0] }) else {
                        Issue.record("\(context): case \(summary.id) is no line of the file: \(record.request)")
                        continue
                    }
                    #expect(record.request == file.requests[line],
                            "\(context): case \(summary.id) is not line \(line)")
                }
                let entries = try session.verifyAuditLog()
                let writes = expectedLedger.writes + (added == importLines ? 1 : 0)
                #expect(entries == expectedLedger.baselineAudit + writes,
                        "\(context): \(entries) audit entries; expected one per committed write")
                return added == importLines
            }
            if committed {
                ledger.cases += importLines
                ledger.writes += 1
            }
            #expect(try VaultProbe.integrityCheck(path) == ["ok"], "\(context)")
        }
    }
}

// MARK: - Shared by the process stress suites

/// The seed of this run's randomness: `CASEVAULT_STRESS_SEED` when set, otherwise fresh.
enum StressSeed {
    static let current: UInt64 = {
        if let text = ProcessInfo.processInfo.environment["CASEVAULT_STRESS_SEED"], let seed = UInt64(text) {
            return seed
        }
        return UInt64.random(in: 1...UInt64.max)
    }()
}

/// SplitMix64, with draws by its own reduction so a seed gives the same values on every toolchain.
struct StressRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    mutating func draw(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func pick<T>(_ values: [T]) -> T { values[draw(0...(values.count - 1))] }

    /// A request received in `year`, every field drawn; no contact, no narrative.
    mutating func request(year: Int) -> Request {
        let needs = Set(Need.allCases.filter { _ in draw(0...2) == 0 })
        let urgency = pick(Urgency.allCases)
        // Days up to 28 exist in every month.
        let received = try? CalendarDay(year: year, month: draw(1...12), day: draw(1...28))
        let deadline = draw(0...3) == 0
            ? try? CalendarDay(year: year + 1, month: draw(1...12), day: draw(1...28)) : nil
        return Request(received: received ?? Self.fallbackDay, channel: pick(Channel.allCases),
                       region: pick(Region.all), service: pick(ServiceCategory.allCases),
                       situation: pick(Situation.allCases), needs: needs.isEmpty ? [pick(Need.allCases)] : needs,
                       urgency: urgency, deadline: deadline)
    }

    private static let fallbackDay = try! CalendarDay(parsing: "1999-01-01")  // a constant valid date
}

extension Request {
    /// The options of `case new` for this request; the contact and narrative go through files.
    var caseNewOptions: [String] {
        ["--received", received.description, "--channel", channel.rawValue, "--region", region.code,
         "--service", service.rawValue, "--situation", situation.rawValue,
         "--need", needs.sorted().map(\.rawValue).joined(separator: ","), "--urgency", urgency.rawValue]
            + (deadline.map { ["--deadline", $0.description] } ?? [])
    }

    /// This request as one line of a `case import --jsonl` file.
    func jsonLine() throws -> String {
        var object: [String: Any] = [
            "received": received.description, "channel": channel.rawValue, "region": region.code,
            "service": service.rawValue, "situation": situation.rawValue,
            "needs": needs.sorted().map(\.rawValue), "urgency": urgency.rawValue,
        ]
        if let deadline { object["deadline"] = deadline.description }
        if let contact { object["contact"] = contact }
        if let narrative { object["narrative"] = narrative }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
                      as: UTF8.self)
    }
}

/// The vault as the library finds it: opened and unlocked the way the next command would after a crash.
enum VaultProbe {
    /// Opens the vault, unlocks it as `user` (with the passphrase `Workspace` gives them) and runs `body`;
    /// the file is closed when it returns.
    static func withSession<T>(_ path: String, as user: String, _ body: (Session) throws -> T) throws -> T {
        let vault = try Vault.open(at: path)
        let session = try vault.unlock(user: user, passphrase: SecureBytes(utf8: Workspace.passphrase(of: user)))
        return try withExtendedLifetime(vault) { try body(session) }
    }

    /// The rows of `PRAGMA integrity_check` (`["ok"]` for a sound file), through a connection of its own.
    static func integrityCheck(_ path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }
}

extension CommandResult {
    /// Whether the run ended by the test's SIGKILL rather than by exiting.
    var killedBySIGKILL: Bool { crashed && status == SIGKILL }
}

/// One `casevault` process that the test can kill with SIGKILL at any moment. Output goes to files, so
/// whatever it wrote before the kill can still be read.
final class KillableRun: @unchecked Sendable {
    private let process = Process()
    private let outURL: URL
    private let errURL: URL
    private let handles: [FileHandle]
    private let started: ContinuousClock.Instant
    // Guards `ended` and `waiter`, set from Foundation's termination handler.
    private let lock = NSLock()
    private var ended: (status: Int32, signalled: Bool, at: ContinuousClock.Instant)?
    private var waiter: CheckedContinuation<Void, Never>?

    /// Starts the binary with `arguments` in `directory`, standard input empty.
    init(_ arguments: [String], in directory: URL) throws {
        let tag = UUID().uuidString
        outURL = directory.appendingPathComponent(".killable-out-\(tag)")
        errURL = directory.appendingPathComponent(".killable-err-\(tag)")
        guard FileManager.default.createFile(atPath: outURL.path, contents: nil),
              FileManager.default.createFile(atPath: errURL.path, contents: nil) else {
            throw HarnessError(description: "cannot create output files in \(directory.path)")
        }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        handles = [out, err]
        process.executableURL = try CommandLineTool.binary()
        process.arguments = arguments
        process.environment = CommandLineTool.environment()
        process.currentDirectoryURL = directory
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        started = .now
        process.terminationHandler = { finished in
            self.record(finished.terminationStatus, signalled: finished.terminationReason == .uncaughtSignal)
        }
        try process.run()
    }

    private func record(_ status: Int32, signalled: Bool) {
        lock.lock()
        ended = (status, signalled, .now)
        let waiting = waiter
        waiter = nil
        lock.unlock()
        waiting?.resume()
    }

    /// Sends SIGKILL to this process (by its pid, nothing else), unless it has already ended.
    func kill() {
        lock.lock()
        defer { lock.unlock() }
        guard ended == nil else { return }
        sendSIGKILL(to: process.processIdentifier)
    }

    /// Whether anything has been written to standard output yet.
    var hasWrittenOutput: Bool {
        ((try? FileManager.default.attributesOfItem(atPath: outURL.path))?[.size] as? NSNumber)?.intValue ?? 0 > 0
    }

    /// From start to end, once it has ended.
    var duration: Duration? {
        lock.lock()
        defer { lock.unlock() }
        return ended.map { $0.at - started }
    }

    /// Waits for the process to end and returns what it wrote; `crashed` with status 9 after a kill.
    func finish() async -> CommandResult {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if ended == nil {
                waiter = continuation
                lock.unlock()
            } else {
                lock.unlock()
                continuation.resume()
            }
        }
        for handle in handles { try? handle.close() }
        let stdout = (try? Data(contentsOf: outURL)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let stderr = (try? Data(contentsOf: errURL)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
        let status = lock.withLock { ended }
        return CommandResult(status: status?.status ?? -1, crashed: status?.signalled ?? false, stdout: stdout,
                             stderr: stderr)
    }
}

/// `kill(2)` with SIGKILL, outside `KillableRun` whose own `kill()` would shadow the C function.
private func sendSIGKILL(to pid: Int32) {
    _ = kill(pid, SIGKILL)
}
