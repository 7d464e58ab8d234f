import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// The packed projections (DESIGN.md §13) must always equal what the cases themselves say, under
/// any sequence of writes, and a damaged, swapped, missing or stale block must be an integrity
/// error, never a wrong listing or count.
@Suite("Packed projections")
struct ProjectionTests {
    /// A random request: any region, service, situation, needs, urgency, month in 2023, deadline or not.
    static func randomRequest(_ random: inout SplitMix64) throws -> Request {
        let month = Int.random(in: 1...12, using: &random)
        let day = Int.random(in: 1...28, using: &random)
        var needs = Set(Need.allCases.filter { _ in Bool.random(using: &random) })
        if needs.isEmpty { needs = [.legal] }
        let contacts = ["+7 912 000-00-0\(Int.random(in: 0...9, using: &random))", "@handle_\(Int.random(in: 0...30, using: &random))"]
        return Request(
            received: try CalendarDay(year: 2023, month: month, day: day),
            channel: Channel.allCases.randomElement(using: &random) ?? .messenger,
            region: Region.all.randomElement(using: &random) ?? .unknown,
            service: ServiceCategory.allCases.randomElement(using: &random) ?? .unknown,
            situation: Situation.allCases.randomElement(using: &random) ?? .other,
            needs: needs, urgency: Urgency.allCases.randomElement(using: &random) ?? .normal,
            deadline: Bool.random(using: &random) ? try CalendarDay(year: 2023, month: month, day: 28) : nil,
            contact: Bool.random(using: &random) ? contacts.randomElement(using: &random) : nil,
            narrative: Bool.random(using: &random) ? "Просит консультацию о выходе из части." : nil)
    }

    /// What every listing must say: each case's summary as `case(_:)` reads and verifies it.
    static func expectListingMatchesCases(_ session: Session, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let listed = try session.cases()
        for summary in listed {
            let record = try session.case(summary.id)
            #expect(summary.state == record.state && summary.outcome == record.outcome
                    && summary.assignee == record.assignee && summary.urgency == record.request.urgency
                    && summary.deadline == record.request.deadline && summary.received == record.request.received
                    && summary.region == record.request.region && summary.needs == record.request.needs.sorted(),
                    "listing of \(summary.id) differs from the case", sourceLocation: sourceLocation)
        }
    }

    @Test("thousands of random intakes, imports, notes and events keep the blocks equal to the cases",
          arguments: [UInt64(0x0B10_C500), 0x0B10_C501])
    func randomOperations(_ seed: UInt64) throws {
        try withVault { fixture in
            var random = SplitMix64(seed: seed)
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let lawyer = try fixture.addUser("lawyer-boris", .lawyer)
            try fixture.register("lawyer-oleg", .lawyer)
            try fixture.admin.addPartner(Partner(name: "SafeExit", services: [.exit]))
            let sessions = [coordinator, lawyer, fixture.admin]
            var ids: [CaseID] = []
            var refused = 0
            for step in 0..<1_500 {
                let session = sessions.randomElement(using: &random) ?? coordinator
                let roll = Int.random(in: 0..<100, using: &random)
                do {
                    if roll < 20 || ids.isEmpty {
                        ids.append(try session.intake(try Self.randomRequest(&random)).id)
                    } else if roll < 25 {
                        let batch = try (0..<Int.random(in: 1...40, using: &random)).map { _ in
                            try Self.randomRequest(&random)
                        }
                        ids += try session.intake(batch).map(\.id)
                    } else if roll < 35 {
                        let id = ids.randomElement(using: &random) ?? ids[0]
                        try session.addNote(to: id, text: "Перезвонить завтра.",
                                            compartment: Bool.random(using: &random) ? .intake : .legal)
                    } else {
                        let id = ids.randomElement(using: &random) ?? ids[0]
                        let event = WorkflowEvent.allCases.randomElement(using: &random) ?? .submit
                        let inputs: WorkflowInputs
                        switch event {
                        case .requestInfo, .referralDeclined, .reopen: inputs = WorkflowInputs(note: "По делу.")
                        case .refer: inputs = WorkflowInputs(partner: "SafeExit", consent: true)
                        case .reassign: inputs = WorkflowInputs(assignee: "lawyer-oleg")
                        case .close:
                            inputs = WorkflowInputs(outcome: Outcome.allCases.filter { $0 != .open }
                                .randomElement(using: &random))
                        default: inputs = WorkflowInputs()
                        }
                        try session.perform(event, on: id, with: inputs)
                    }
                } catch let error as CaseVaultError where error.code == .refused || error.code == .invalidInput {
                    refused += 1  // the workflow said no: nothing may have changed
                }
                if step % 300 == 299 {
                    #expect(try fixture.admin.checkProjections() == ids.count, "seed \(seed), step \(step)")
                }
            }
            #expect(refused > 100, "the walk should also try events the workflow refuses")
            #expect(try fixture.admin.checkProjections() == ids.count)
            #expect(try coordinator.checkProjections() == ids.count)
            #expect(try coordinator.cases().count == ids.count)
            try Self.expectListingMatchesCases(lawyer)
            let auditor = try fixture.addUser("auditor-vera", .auditor)
            #expect(try auditor.checkProjections() == ids.count, "an auditor checks the stats it counts")
        }
    }

    @Test("two writers in separate connections at once leave consistent projections")
    func concurrentWriters() async throws {
        let fixture = try VaultFixture()
        try fixture.register("coord-a", .coordinator)
        try fixture.register("coord-b", .coordinator)
        let path = fixture.path
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in ["coord-a", "coord-b"] {
                group.addTask {
                    let session = try Vault.open(at: path).unlock(
                        user: name, passphrase: VaultFixture.passphrase(for: name))
                    var random = SplitMix64(seed: name == "coord-a" ? 1 : 2)
                    for round in 0..<40 {
                        let ids = try session.intake((0..<5).map { _ in try Self.randomRequest(&random) }).map(\.id)
                        if round % 3 == 0 { try session.perform(.submit, on: ids[0]) }
                        if round % 5 == 0 {
                            try session.perform(.close, on: ids[1], with: WorkflowInputs(outcome: .withdrawn))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        withExtendedLifetime(fixture) {}
        #expect(try fixture.admin.checkProjections() == 400)
        #expect(try fixture.admin.cases(CaseFilter(state: .awaitingReview)).count == 28)
        #expect(try fixture.admin.cases(CaseFilter(state: .closed)).count == 16)
        try Self.expectListingMatchesCases(fixture.admin)
    }

    // MARK: Attacks on the blocks

    /// A vault with `count` cases in two blocks' worth of slots when `count` > capacity.
    static func vault(cases count: Int, _ body: (VaultFixture, Session, [CaseID]) throws -> Void) throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            var random = SplitMix64(seed: 99)
            let ids = try coordinator.intake((0..<count).map { _ in try randomRequest(&random) }).map(\.id)
            try body(fixture, coordinator, ids)
        }
    }

    static func blockBody(_ fixture: VaultFixture, kind: ProjectionKind, number: Int) throws -> [UInt8] {
        try fixture.blob("projection_blocks", "body", where: "kind = ? AND number = ?", [kind.rawValue, number])
    }

    @Test("a flipped byte in a block is an integrity error for listing, export and the check")
    func flippedByte() throws {
        try Self.vault(cases: 30) { fixture, coordinator, _ in
            let auditor = try fixture.addUser("auditor-vera", .auditor)
            let query = CountQuery(by: [.month], from: try YearMonth(parsing: "2023-01"),
                                   to: try YearMonth(parsing: "2023-12"))
            _ = try auditor.export(query)
            for kind in ProjectionKind.allCases {
                let original = try Self.blockBody(fixture, kind: kind, number: 0)
                try fixture.setBlob("projection_blocks", "body", to: original.flipping(original.count / 2),
                                    where: "kind = ? AND number = ?", [kind.rawValue, 0])
                if kind == .summary {
                    let error = expectCaseVaultError(.integrity) { try coordinator.cases() }
                    #expect(error?.message.contains("summary projection block 0") == true, "\(String(describing: error))")
                } else {
                    let error = expectCaseVaultError(.integrity) { try auditor.export(query) }
                    #expect(error?.message.contains("statistics projection block 0") == true)
                }
                expectCaseVaultError(.integrity) { try fixture.admin.checkProjections() }
                expectCaseVaultError(.integrity, "a write to a damaged block is refused") {
                    try coordinator.intake(try Synthetic.request())
                }
                try fixture.setBlob("projection_blocks", "body", to: original, where: "kind = ? AND number = ?",
                                    [kind.rawValue, 0])
            }
            #expect(try fixture.admin.checkProjections() == 30)
        }
    }

    @Test("blocks swapped between numbers or kinds fail to open")
    func swappedBlocks() throws {
        try Self.vault(cases: Projections.blockCapacity + 10) { fixture, coordinator, _ in
            let first = try Self.blockBody(fixture, kind: .summary, number: 0)
            let second = try Self.blockBody(fixture, kind: .summary, number: 1)
            try fixture.tamper { db in
                try db.execute(sql: "UPDATE projection_blocks SET body = ? WHERE kind = 1 AND number = 0",
                               arguments: [Data(second)])
                try db.execute(sql: "UPDATE projection_blocks SET body = ? WHERE kind = 1 AND number = 1",
                               arguments: [Data(first)])
            }
            expectCaseVaultError(.integrity) { try coordinator.cases() }
            try fixture.tamper { db in
                try db.execute(sql: "UPDATE projection_blocks SET body = ? WHERE kind = 1 AND number = 0",
                               arguments: [Data(first)])
                try db.execute(sql: "UPDATE projection_blocks SET body = ? WHERE kind = 1 AND number = 1",
                               arguments: [Data(second)])
                // The stats block 0 put where the summary block 0 belongs.
                try db.execute(sql: """
                    UPDATE projection_blocks SET body = (SELECT body FROM projection_blocks WHERE kind = 2 AND number = 0)
                    WHERE kind = 1 AND number = 0
                    """)
            }
            expectCaseVaultError(.integrity) { try coordinator.cases() }
        }
    }

    @Test("a missing block is damage, not fewer cases")
    func missingBlock() throws {
        try Self.vault(cases: Projections.blockCapacity + 10) { fixture, coordinator, _ in
            #expect(try coordinator.cases().count == Projections.blockCapacity + 10)
            try fixture.tamper { db in try db.execute(sql: "DELETE FROM projection_blocks WHERE number = 0") }
            expectCaseVaultError(.integrity) { try coordinator.cases() }
            let auditor = try fixture.addUser("auditor-vera", .auditor)
            expectCaseVaultError(.integrity) { try auditor.export(CountQuery(by: [.state])) }
        }
    }

    @Test("an older copy of a block put back is caught by the check, naming the case it misstates")
    func staleBlock() throws {
        try Self.vault(cases: 12) { fixture, _, ids in
            let lawyer = try fixture.addUser("lawyer-boris", .lawyer)
            let before = try fixture.inspect { db in
                try Row.fetchOne(db, sql: "SELECT version, body FROM projection_blocks WHERE kind = 1 AND number = 0")
            }
            let old = try #require(before)
            try lawyer.perform(.submit, on: ids[3])
            #expect(try lawyer.cases(CaseFilter(state: .awaitingReview)).map(\.id) == [ids[3]])
            try fixture.tamper { db in
                try db.execute(sql: "UPDATE projection_blocks SET version = ?, body = ? WHERE kind = 1 AND number = 0",
                               arguments: [old["version"] as Int64, old["body"] as Data])
            }
            expectCaseIntegrityError(ids[3]) { try fixture.admin.checkProjections() }
        }
    }

    @Test("a projection slot taken twice is refused instead of overwriting another case")
    func rolledBackSlotCounter() throws {
        try Self.vault(cases: 5) { fixture, coordinator, _ in
            try fixture.tamper { db in try db.execute(sql: "UPDATE projections SET next_slot = 2") }
            let error = expectCaseVaultError(.integrity) { try coordinator.intake(try Synthetic.request()) }
            #expect(error?.message.contains("slot 2 is already taken") == true)
            #expect(try coordinator.cases().count == 5, "the refused intake changed nothing")
        }
    }

    @Test("without projections (as 0.4.0 wrote), readers compute them; the first writer builds them, audited")
    func buildsWhenMissing() throws {
        try Self.vault(cases: 40) { fixture, coordinator, ids in
            try coordinator.perform(.submit, on: ids[0])
            let auditor = try fixture.addUser("auditor-vera", .auditor)
            let query = CountQuery(by: [.month, .state], from: try YearMonth(parsing: "2023-01"),
                                   to: try YearMonth(parsing: "2023-12"), minimumCellSize: 5)
            let table = try auditor.export(query)
            let listing = try coordinator.cases()
            try fixture.tamper { db in
                try db.execute(sql: "DELETE FROM projection_blocks; DELETE FROM projections; UPDATE cases SET slot = NULL")
            }
            #expect(try auditor.export(query).document(.csv).table == table.document(.csv).table)
            #expect(try coordinator.cases() == listing, "computed from the cases' own rows")
            #expect(try auditor.checkProjections() == 0, "nothing stored to check yet")
            let entries = try fixture.count("audit_log")
            let lawyer = try fixture.addUser("lawyer-boris", .lawyer)  // unlocking a writer builds them
            #expect(try fixture.count("projection_blocks") == 2)
            #expect(try fixture.count("audit_log") == entries + 2, "user added, projections built")
            #expect(try lawyer.checkProjections() == 40)
            #expect(try lawyer.cases() == listing)
            #expect(try auditor.export(query).document(.csv).table == table.document(.csv).table)
        }
    }

    @Test("every block of a kind has the same size whatever it holds")
    func fixedSize() throws {
        try Self.vault(cases: 3) { fixture, coordinator, ids in
            let sizes = { (kind: ProjectionKind) in try Self.blockBody(fixture, kind: kind, number: 0).count }
            let summary = try sizes(.summary)
            let stats = try sizes(.stats)
            let lawyer = try fixture.addUser("lawyer-boris", .lawyer)
            try coordinator.intake((0..<200).map { _ in try Synthetic.request(narrative: String(repeating: "x", count: 900)) })
            try coordinator.perform(.submit, on: ids[0])
            try lawyer.perform(.beginReview, on: ids[0])
            #expect(try sizes(.summary) == summary)
            #expect(try sizes(.stats) == stats)
            // Nonce and tag, header, 31 bytes a slot, the assignee table.
            #expect(summary == 40 + 14 + 31 * Projections.blockCapacity + 2 + 16 * 255)
            #expect(stats == 40 + 14 + 10 * Projections.blockCapacity)
        }
    }
}

@Suite("Vault file layout")
struct FileLayoutTests {
    @Test("a new vault uses 8 KiB pages; the page size survives the switch to WAL")
    func pageSize() throws {
        try withVault { fixture in
            _ = try fixture.addUser("coord-anna", .coordinator).intake(try Synthetic.request())
            #expect(try fixture.inspect { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 8192)
            #expect(try fixture.inspect { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        }
    }
}
