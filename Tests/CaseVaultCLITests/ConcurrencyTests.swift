import CaseVault
import Foundation
import Testing

extension ProcessStressTests {
    /// Many `casevault` processes on one vault at once: four coordinators logging 250 cases each
    /// (single `case new` calls and small imports, so many small write transactions interleave), a
    /// lawyer moving cases through the workflow, and a coordinator adding notes to the very cases the
    /// lawyer is moving. Nothing may fail for contention, nothing may be lost.
    @Suite("concurrency: four coordinators and a lawyer on one vault")
    struct ConcurrencyTests {
        static let coordinators = [Cast.coordinator, "coord-gleb", "coord-irina", "coord-pavel"]
        static let casesEach = 250
        /// Cases the lawyer takes through six events each while the coordinators are still logging.
        static let movedCases = 6
        /// The coordinator who writes intake notes on the cases in motion.
        static let noteWriter = Cast.coordinator
        static let noteCount = 20

        @Test("1,000 cases from four coordinators at once, a lawyer moving cases, notes on them: nothing lost")
        func coordinatorsAndLawyerAtOnce() async throws {
            let seed = StressSeed.current
            var random = StressRandom(seed: seed)
            let workspace = try await Workspace.withUsers()
            for name in Self.coordinators where name != Cast.coordinator {
                let added = try await workspace.run(as: Cast.admin, [
                    "user", "add", name, "--role", "coordinator", "--kdf", "interactive",
                    "--new-passphrase-file", try workspace.passphraseFile(for: name),
                ])
                try #require(added.status == 0, "user add \(name) failed: \(added)")
            }
            let access = try VaultAccess(workspace, users: Self.coordinators + [Cast.lawyer, Cast.admin])
            let baseline = try VaultProbe.withSession(workspace.vaultPath, as: Cast.admin) { try $0.verifyAuditLog() }

            // Everything the processes read is written before any of them starts.
            var plans: [[IntakeBatch]] = []
            for name in Self.coordinators {
                var batches: [IntakeBatch] = []
                var next = 0
                while next < Self.casesEach {
                    let size = random.draw(0...4) == 0 ? 1 : min(Self.casesEach - next, random.draw(2...24))
                    let requests = (next..<next + size).map { Self.request(by: name, number: $0, using: &random) }
                    batches.append(try Self.batch(requests, by: name, number: batches.count, access))
                    next += size
                }
                plans.append(batches)
            }
            let infoNotes = try (0..<Self.movedCases).map { index in
                let text = "Lawyer asks for the order's date on moved case m\(index)."
                return (text: text, path: try access.write("info-\(index).note", text))
            }
            let intakeNotes = try (0..<Self.noteCount).map { index in
                let text = "Intake note n\(index) from \(Self.noteWriter): the person wrote again."
                return (text: text, path: try access.write("intake-\(index).note", text))
            }
            let pauses = (0..<Self.noteCount).map { _ in random.draw(50...250) }

            let board = MovingCases()
            let started = ContinuousClock.now
            let steps = try await withThrowingTaskGroup(of: [Step].self) { group in
                for (index, name) in Self.coordinators.enumerated() {
                    let plan = plans[index]
                    group.addTask { try await Self.logCases(plan, as: name, access, board) }
                }
                group.addTask { try await Self.moveCases(access, board, notes: infoNotes) }
                group.addTask { try await Self.writeNotes(access, board, notes: intakeNotes, pauses: pauses) }
                var all: [Step] = []
                for try await part in group { all += part }
                return all
            }
            let elapsed = ContinuousClock.now - started
            let context = "seed \(seed), \(steps.count) commands in \(elapsed)"
            // A check on the test itself: the six streams of commands really ran side by side.
            let overlap = Self.peakOverlap(steps.map(\.span))
            #expect(overlap >= 5, "\(context): at most \(overlap) processes ran at once")

            // No command failed, least of all for contention.
            let contended = steps.filter { step in
                let text = step.result.stderr.lowercased()
                return text.contains("locked") || text.contains("busy")
            }
            let examples = contended.prefix(3).map(\.summary).joined(separator: "\n")
            let contention = "contention reached the user \(contended.count) time(s):\n\(examples)"
            #expect(contended.count == 0, "\(context): \(contention)")
            for step in steps where step.result.status != 0 || step.result.crashed || !step.result.stderr.isEmpty {
                Issue.record("\(context): \(step.summary)")
            }

            // Every logged request is stored once, complete, under the id its command printed.
            var expectedByID: [String: Request] = [:]
            for step in steps {
                guard case .intake(let requests) = step.action, step.result.status == 0 else { continue }
                let ids = step.result.stdoutLines
                #expect(ids.count == requests.count, "\(context): \(step.summary)")
                for (id, request) in zip(ids, requests) {
                    #expect(expectedByID.updateValue(request, forKey: id) == nil, "\(context): id \(id) printed twice")
                }
            }
            #expect(expectedByID.count == Self.coordinators.count * Self.casesEach, "\(context)")

            let moves = steps.compactMap { step -> (id: String, event: String, user: String, note: String?)? in
                guard case .event(let id, let event, let note) = step.action, step.result.status == 0 else {
                    return nil
                }
                return (id, event, step.user, note)
            }
            let notes = steps.compactMap { step -> (id: String, text: String)? in
                guard case .note(let id, let text) = step.action, step.result.status == 0 else { return nil }
                return (id, text)
            }
            let moved = Set(moves.map(\.id))
            #expect(moved.count == Self.movedCases, "\(context): the lawyer moved \(moved.count) cases")
            #expect(notes.count >= Self.movedCases, "\(context): only \(notes.count) notes were written")

            try VaultProbe.withSession(workspace.vaultPath, as: Cast.admin) { session in
                let summaries = try session.cases()
                #expect(summaries.count == Self.coordinators.count * Self.casesEach,
                        "\(context): \(summaries.count) cases stored")
                for summary in summaries {
                    let id = summary.id.description
                    let record: CaseRecord
                    do { record = try session.case(summary.id) } catch {
                        Issue.record(error, "\(context): case \(id) does not read back")
                        continue
                    }
                    guard let expected = expectedByID[id] else {
                        Issue.record("\(context): case \(id) was stored but no command printed it")
                        continue
                    }
                    // Closing erases the contact handle (the vault keeps none after close by default).
                    var stored = expected
                    if moved.contains(id) { stored.contact = nil }
                    #expect(record.request == stored, "\(context): case \(id) differs from what was logged")
                    // No gap: one version per history entry and note (creation is version 1 and history[0]).
                    let counts = "\(record.history.count) history entries and \(record.notes.count) notes"
                    #expect(record.version == record.history.count + record.notes.count,
                            "\(context): case \(id) is at version \(record.version) with \(counts)")
                    if moved.contains(id) {
                        #expect(record.state == .closed && record.outcome == .advised, "\(context): case \(id)")
                    } else {
                        #expect(record.state == .intake && record.version == 1, "\(context): case \(id) changed")
                    }
                }
                let writes = steps.filter { $0.result.status == 0 }.count
                #expect(try session.verifyAuditLog() == baseline + writes,
                        "\(context): the audit log should hold one entry per successful command")
            }
            #expect(try VaultProbe.integrityCheck(workspace.vaultPath) == ["ok"], "\(context)")

            // Every transition and note that reported success is in the case, as `case show` (which
            // verifies the signed history) prints it, in the order it was made.
            for id in moved.sorted() {
                let shown = try await access.run(as: Cast.lawyer, ["case", "show", id, "--json"])
                expectSuccess(shown)
                let object = try shown.jsonObject()
                let history = try #require(object["history"] as? [[String: Any]], "\(context): \(shown)")
                let expectedMoves = moves.filter { $0.id == id }
                #expect(history.map { $0["event"] as? String } == ["intake"] + expectedMoves.map(\.event),
                        "\(context): history of \(id): \(history)")
                #expect(history.dropFirst().map { $0["actor"] as? String } == expectedMoves.map(\.user),
                        "\(context): actors of \(id)")
                #expect(history.dropFirst().map { $0["note"] as? String } == expectedMoves.map(\.note),
                        "\(context): history notes of \(id)")
                let shownNotes = try #require(object["notes"] as? [[String: Any]], "\(context): \(shown)")
                #expect(shownNotes.map { $0["text"] as? String } == notes.filter { $0.id == id }.map(\.text),
                        "\(context): notes of \(id)")
                #expect(shownNotes.allSatisfy { $0["author"] as? String == Self.noteWriter }, "\(context)")
            }
        }

        // MARK: - The processes

        /// The most spans that include one instant.
        static func peakOverlap(_ spans: [Range<ContinuousClock.Instant>]) -> Int {
            var edges: [(at: ContinuousClock.Instant, change: Int)] = []
            for span in spans {
                edges.append((span.lowerBound, 1))
                edges.append((span.upperBound, -1))
            }
            // Ends sort before starts at the same instant: half-open spans that only touch do not overlap.
            edges.sort { first, second in
                first.at == second.at ? first.change < second.change : first.at < second.at
            }
            var running = 0
            var peak = 0
            for (_, change) in edges {
                running += change
                peak = max(peak, running)
            }
            return peak
        }

        /// One command and what it did.
        enum Action: Sendable {
            case intake([Request])
            case event(caseID: String, event: String, note: String?)
            case note(caseID: String, text: String)
        }

        struct Step: Sendable {
            let user: String
            let action: Action
            let arguments: [String]
            let result: CommandResult
            /// When the process ran, to see that the processes did overlap.
            let span: Range<ContinuousClock.Instant>

            var summary: String { "\(user): casevault \(arguments.prefix(4).joined(separator: " ")): \(result)" }
        }

        /// A `case new` (one request) or a small `case import` (several), ready to run.
        struct IntakeBatch: Sendable {
            let requests: [Request]
            let arguments: [String]
        }

        /// A request that says who logged it: the narrative and contact name the coordinator and the
        /// request's number, and the received year is the coordinator's own.
        static func request(by name: String, number: Int, using random: inout StressRandom) -> Request {
            let year = 2021 + (coordinators.firstIndex(of: name) ?? 0)
            var request = random.request(year: year)
            request.contact = number % 3 == 0 ? "@\(name)_k\(number)" : nil
            request.narrative = "Logged by \(name) as request k\(number) of the concurrency run."
            return request
        }

        static func batch(_ requests: [Request], by name: String, number: Int, _ access: VaultAccess) throws
            -> IntakeBatch {
            let stem = "\(name)-batch-\(number)"
            guard requests.count == 1, let request = requests.first else {
                let lines = try requests.map { try $0.jsonLine() }.joined(separator: "\n") + "\n"
                return IntakeBatch(requests: requests,
                                   arguments: ["case", "import", "--jsonl", try access.write("\(stem).jsonl", lines)])
            }
            var arguments = ["case", "new"] + request.caseNewOptions
            if let contact = request.contact {
                arguments += ["--contact-file", try access.write("\(stem).contact", contact)]
            }
            if let narrative = request.narrative {
                arguments += ["--narrative-file", try access.write("\(stem).narrative", narrative)]
            }
            return IntakeBatch(requests: requests, arguments: arguments)
        }

        /// A coordinator logging their batches one after another; the first case of each is offered to
        /// the lawyer.
        static func logCases(_ batches: [IntakeBatch], as user: String, _ access: VaultAccess,
                             _ board: MovingCases) async throws -> [Step] {
            var steps: [Step] = []
            for batch in batches {
                let start = ContinuousClock.now
                let result = try await access.run(as: user, batch.arguments)
                steps.append(Step(user: user, action: .intake(batch.requests), arguments: batch.arguments,
                                  result: result, span: start..<ContinuousClock.now))
                if result.status == 0, let first = result.stdoutLines.first {
                    await board.offer(first, loggedBy: user)
                }
            }
            return steps
        }

        /// The lawyer taking offered cases through submit, begin-review, request-info, submit (by the
        /// coordinator), begin-review and close, one case at a time.
        static func moveCases(_ access: VaultAccess, _ board: MovingCases,
                              notes: [(text: String, path: String)]) async throws -> [Step] {
            var steps: [Step] = []
            let deadline = ContinuousClock.now + .seconds(120)
            for (index, note) in notes.enumerated() {
                var offered = await board.take()
                while offered == nil && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                    offered = await board.take()
                }
                guard let (id, coordinator) = offered else { break }
                await board.move(id)
                let plan: [(user: String, event: String, options: [String], note: String?)] = [
                    (index % 2 == 0 ? Cast.lawyer : coordinator, "submit", [], nil),
                    (Cast.lawyer, "begin-review", [], nil),
                    (Cast.lawyer, "request-info", ["--note-file", note.path], note.text),
                    (coordinator, "submit", [], nil),
                    (Cast.lawyer, "begin-review", [], nil),
                    (Cast.lawyer, "close", ["--outcome", "advised"], nil),
                ]
                for step in plan {
                    let arguments = ["case", "event", id, step.event] + step.options
                    let start = ContinuousClock.now
                    let result = try await access.run(as: step.user, arguments)
                    steps.append(Step(user: step.user, action: .event(caseID: id, event: step.event, note: step.note),
                                      arguments: arguments, result: result, span: start..<ContinuousClock.now))
                    if result.status != 0 { break }
                }
            }
            await board.finish()
            return steps
        }

        /// A coordinator adding intake notes to whichever case the lawyer is moving at that moment.
        static func writeNotes(_ access: VaultAccess, _ board: MovingCases, notes: [(text: String, path: String)],
                               pauses: [Int]) async throws -> [Step] {
            var steps: [Step] = []
            var written = 0
            while written < notes.count, !(await board.finished) {
                guard let id = await board.current else {
                    try await Task.sleep(for: .milliseconds(20))
                    continue
                }
                let arguments = ["case", "note", id, "--text-file", notes[written].path]
                let start = ContinuousClock.now
                let result = try await access.run(as: noteWriter, arguments)
                steps.append(Step(user: noteWriter, action: .note(caseID: id, text: notes[written].text),
                                  arguments: arguments, result: result, span: start..<ContinuousClock.now))
                try await Task.sleep(for: .milliseconds(pauses[written]))
                written += 1
            }
            return steps
        }
    }
}

/// The cases the coordinators offer to the lawyer, and the one the lawyer is moving now.
actor MovingCases {
    private var offered: [(id: String, coordinator: String)] = []
    private(set) var current: String?
    private(set) var finished = false

    func offer(_ id: String, loggedBy coordinator: String) { offered.append((id, coordinator)) }

    func take() -> (id: String, coordinator: String)? { offered.isEmpty ? nil : offered.removeFirst() }

    func move(_ id: String) { current = id }

    func finish() {
        current = nil
        finished = true
    }
}

/// What the concurrent tasks need of a `Workspace`, as a value they can share: the directory, the
/// vault and passphrase files written once, before any process starts (rewriting one while another
/// process reads it would be a race of the test's own making).
struct VaultAccess: Sendable {
    let directory: URL
    let vaultPath: String
    private let passphraseFiles: [String: String]

    init(_ workspace: Workspace, users: [String]) throws {
        directory = workspace.directory
        vaultPath = workspace.vaultPath
        var files: [String: String] = [:]
        for user in users { files[user] = try workspace.passphraseFile(for: user) }
        passphraseFiles = files
    }

    /// Runs `casevault` as `user` with their passphrase file.
    func run(as user: String, _ arguments: [String]) async throws -> CommandResult {
        let file = try #require(passphraseFiles[user], "no passphrase file for \(user)")
        return try await CommandLineTool.run(arguments + ["--vault", vaultPath, "--user", user,
                                                          "--passphrase-file", file], in: directory)
    }

    /// Writes `text` to a new file in the workspace and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}
