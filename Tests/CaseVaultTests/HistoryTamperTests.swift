import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// Authorship is proved by signatures, not only by keys (DESIGN.md §3): `case(_:)` replays a
/// case's signed transitions and refuses one its signer's certified role may not make, an entry
/// moved within the case, a summary replayed from an earlier version or out of step with the
/// history, and a history rolled back by one step.
@Suite("Tampering with a case's signed history")
struct HistoryTamperTests {
    typealias Team = CaseworkTeam

    static let entry = "case_id = ? AND version = ?"

    static func entryArguments(_ id: CaseID, _ version: Int) -> StatementArguments { [Data(id.bytes), version] }

    static func storedVersion(_ fixture: VaultFixture, _ id: CaseID) throws -> Int? {
        try fixture.inspect { db in
            try Int.fetchOne(db, sql: "SELECT version FROM cases WHERE id = ?", arguments: [Data(id.bytes)])
        }
    }

    /// Appends `transition` to a case as `session` would, through the library's own internals:
    /// the entry is signed by `session`, the summary and stats row updated to match, the audit
    /// entry written, all in one transaction. Only the workflow's decision is skipped.
    ///
    /// - Parameters:
    ///   - author: the author the entry names (the session's user unless given).
    ///   - summary: a change to the summary after the transition's own, to spoil it.
    static func append(_ transition: TransitionRecord, note: String? = nil, as session: Session,
                       author: UserID? = nil, to id: CaseID,
                       summary spoil: (inout SummaryRecord) -> Void = { _ in }) throws {
        let users = try session.verifiedUsers()
        try session.database.write("append a crafted transition") { store in
            let current = try session.verifiedCase(store, id, users: users)
            let author = author ?? session.keys.userID
            let entry = EntryRecord(transition: transition, note: note, author: author, at: Clock.nowSeconds())
            try session.appendEntry(store, entry, to: current, audit: "event-\(transition.event)",
                                    detail: "\(transition.from) -> \(transition.to)") { summary, stats in
                HistoryReplay.apply(transition, by: author, to: &summary)
                spoil(&summary)
                stats.state = summary.state
                stats.outcome = summary.outcome
            }
        }
    }

    /// After a crafted entry, no one reads the case and no one writes to it.
    static func expectCaseRefused(_ team: Team, _ id: CaseID, saying words: String? = nil,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        for reader in [team.admin, team.lawyer, team.otherLawyer, team.coordinator] {
            expectCaseIntegrityError(id, "read by \(reader.user)", sourceLocation: sourceLocation) {
                try reader.case(id)
            }
            if let words {
                let error = #expect(throws: CaseVaultError.self, sourceLocation: sourceLocation) {
                    try reader.case(id)
                }
                #expect(error?.message.contains(words) == true, "\(error?.message ?? "")",
                        sourceLocation: sourceLocation)
            }
        }
        expectCaseIntegrityError(id, "a note", sourceLocation: sourceLocation) {
            try team.lawyer.addNote(to: id, text: "Called back, no answer.")
        }
        expectCaseIntegrityError(id, "an event", sourceLocation: sourceLocation) {
            try team.lawyer.perform(.close, on: id, with: WorkflowInputs(outcome: .outOfScope))
        }
    }

    // MARK: - Entries and summaries moved or replayed

    @Test("two history entries of one case swapped: an integrity error naming the case; swapped back it reads")
    func swappedEntries() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .needsInfo)
            let neighbour = try team.newCase(in: .needsInfo)
            let second = try fixture.blob("case_entries", "body", where: Self.entry, Self.entryArguments(id, 2))
            let fourth = try fixture.blob("case_entries", "body", where: Self.entry, Self.entryArguments(id, 4))
            try fixture.setBlob("case_entries", "body", to: fourth, where: Self.entry, Self.entryArguments(id, 2))
            try fixture.setBlob("case_entries", "body", to: second, where: Self.entry, Self.entryArguments(id, 4))
            Self.expectCaseRefused(team, id)
            #expect(try team.lawyer.case(neighbour).state == .needsInfo)

            try fixture.setBlob("case_entries", "body", to: second, where: Self.entry, Self.entryArguments(id, 2))
            try fixture.setBlob("case_entries", "body", to: fourth, where: Self.entry, Self.entryArguments(id, 4))
            #expect(try team.lawyer.case(id).history.map(\.event)
                    == ["intake", "submit", "begin-review", "request-info"])
        }
    }

    @Test("the summary of the same case at an earlier version put back: integrity in show, the check and writes")
    func replayedSummary() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .awaitingReview)
            let earlier = try fixture.caseBlob(id, "summary")
            // The lawyer begins the review; the seizer wants it back on the waiting list.
            try team.lawyer.perform(.beginReview, on: id)
            #expect(try fixture.caseBlob(id, "summary") != earlier)
            try fixture.setCaseBlob(id, "summary", to: earlier)
            Self.expectCaseRefused(team, id, saying: "summary")
            expectCaseIntegrityError(id, "projection check") { try team.lawyer.checkProjections() }
            #expect(try team.lawyer.cases(CaseFilter(state: .inReview)).map(\.id) == [id],
                    "the listing reads the projection, which the replayed row does not touch")
        }
    }

    @Test("the statistics row of an earlier version put back stops the next write")
    func replayedStats() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .awaitingReview)
            let earlier = try fixture.caseBlob(id, "stats")
            try team.lawyer.perform(.beginReview, on: id)
            try fixture.setCaseBlob(id, "stats", to: earlier)
            let entries = try fixture.count("case_entries")
            expectCaseIntegrityError(id) {
                try team.lawyer.perform(.requestInfo, on: id, with: WorkflowInputs(note: Team.askNote))
            }
            #expect(try fixture.count("case_entries") == entries)
            #expect(try Self.storedVersion(fixture, id) == 3)
        }
    }

    /// The summary repeats request facts for listing (urgency, deadline, received, region,
    /// needs). Anyone with the intake key can re-seal it at the current version: a coerced
    /// coordinator could sink a critical case to the bottom of every listing or take it off the
    /// overdue list. `case(_:)` decrypts both the content and the summary, so it can and should
    /// refuse a summary whose facts differ from the case's content.
    @Test("a summary re-sealed by an intake-key holder with other request facts fails show",
          arguments: ["urgency", "deadline", "received", "region", "needs"])
    func summaryFactsForged(_ field: String) throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .inReview, Synthetic.request(urgency: .critical, deadline: "2023-10-01"))
            let forger = team.coordinator
            let version = try #require(try Self.storedVersion(fixture, id))
            let intake = try forger.keys.compartment(.intake, for: "forge a summary")
            var summary = try forger.cipher.openSummary(fixture.caseBlob(id, "summary"), id: id,
                                                        version: UInt64(version), keyVersion: intake.version)
            switch field {
            case "urgency": summary.urgency = .normal
            case "deadline": summary.deadline = nil
            case "received": summary.received = try Synthetic.day("2023-01-01")
            case "region": summary.region = try Region(code: "RU-MOW")
            default: summary.needs = [.psychological]
            }
            try fixture.setCaseBlob(id, "summary", to: forger.cipher.sealSummary(summary, id: id,
                                                                                  version: UInt64(version),
                                                                                  intake: intake))
            // Listings read the projection, which the forged row does not change; show and the check refuse it.
            let listed = try #require(try team.lawyer.cases().first { $0.id == id })
            #expect(listed.urgency == .critical && listed.deadline != nil && listed.region.code == "RU-SVE"
                    && listed.needs == [.legal, .exit] && listed.received.description == "2023-09-14")
            expectCaseIntegrityError(id, "show after a forged \(field)") { try team.lawyer.case(id) }
            expectCaseIntegrityError(id, "check after a forged \(field)") { try team.lawyer.checkProjections() }
        }
    }

    /// The summary's associated data holds the record version, so the version cannot be turned
    /// back without the summary of that version. (With the earlier summary and stats put back
    /// as well, the whole row is rolled back: associated data cannot catch that, DESIGN.md §3
    /// says so, and the audit chain and later checkpoints are what detect it.)
    @Test("the newest entry deleted and the version decremented to match: the summary does not authenticate")
    func rolledBackOneStep() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .referred)
            #expect(try Self.storedVersion(fixture, id) == 4)
            try fixture.tamper { db in
                try db.execute(sql: "DELETE FROM case_entries WHERE case_id = ? AND version = 4",
                               arguments: [Data(id.bytes)])
                #expect(db.changesCount == 1)
                try db.execute(sql: "UPDATE cases SET version = 3 WHERE id = ?", arguments: [Data(id.bytes)])
                #expect(db.changesCount == 1)
            }
            Self.expectCaseRefused(team, id, saying: "summary")
            expectCaseIntegrityError(id, "projection check") { try team.coordinator.checkProjections() }
        }
    }

    // MARK: - Forged authorship

    /// Transitions a coordinator's role may not make, each from a state where it applies.
    enum Forgery: String, CaseIterable, CustomTestStringConvertible {
        case beginReview = "begin-review", requestInfo = "request-info", refer
        case referralAccepted = "referral-accepted", reassign, closeAdvised = "close as advised"
        case closeFromReview = "close from in-review", reopen

        var testDescription: String { "a coordinator's \(rawValue)" }

        var state: CaseState {
            switch self {
            case .beginReview: .awaitingReview
            case .requestInfo, .refer, .reassign, .closeFromReview: .inReview
            case .referralAccepted: .referred
            case .closeAdvised: .intake
            case .reopen: .closed
            }
        }

        func transition(assignee: UserID) -> (TransitionRecord, note: String?) {
            func make(_ event: WorkflowEvent, _ to: CaseState, outcome: Outcome? = nil, assignee: UserID? = nil,
                      partner: String? = nil, consent: Bool = false) -> TransitionRecord {
                TransitionRecord(event: event, from: state, to: to, outcome: outcome, assignee: assignee,
                                 partner: partner, consent: consent)
            }
            switch self {
            case .beginReview: return (make(.beginReview, .inReview), nil)
            case .requestInfo: return (make(.requestInfo, .needsInfo), "Send your documents.")
            case .refer: return (make(.refer, .referred, partner: Team.partnerName, consent: true), nil)
            case .referralAccepted: return (make(.referralAccepted, .referred), nil)
            case .reassign: return (make(.reassign, .inReview, assignee: assignee), nil)
            case .closeAdvised: return (make(.close, .closed, outcome: .advised), nil)
            case .closeFromReview: return (make(.close, .closed, outcome: .withdrawn), nil)
            case .reopen: return (make(.reopen, .awaitingReview), "Reopened.")
            }
        }
    }

    @Test("a coordinator's signed transition that only a lawyer may make fails for every reader",
          arguments: Forgery.allCases)
    func coordinatorForgesLawyersDecision(_ forgery: Forgery) throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: forgery.state)
            let version = try #require(try Self.storedVersion(fixture, id))
            let audit = try fixture.admin.verifyAuditLog()
            let (transition, note) = forgery.transition(assignee: team.otherLawyer.keys.userID)
            try Self.append(transition, note: note, as: team.coordinator, to: id)

            // The forgery is stored, signed, with a valid audit entry under the coordinator's name...
            #expect(try Self.storedVersion(fixture, id) == version + 1)
            #expect(try fixture.admin.verifyAuditLog() == audit + 1)
            let actor = try fixture.inspect { db in
                try Data.fetchOne(db, sql: "SELECT actor FROM audit_log ORDER BY seq DESC LIMIT 1")
            }
            #expect(try actor == fixture.userID(Team.coordinatorName))
            // ...and refused by the replay of the signed history.
            Self.expectCaseRefused(team, id, saying: "role may not make")
        }
    }

    @Test("the same crafted transitions signed by a lawyer verify: the refusal is about the role",
          arguments: Forgery.allCases.filter { $0 != .reassign })
    func lawyerMakesTheSameTransition(_ forgery: Forgery) throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: forgery.state)
            let (transition, note) = forgery.transition(assignee: team.otherLawyer.keys.userID)
            try Self.append(transition, note: note, as: team.lawyer, to: id)
            let record = try team.coordinator.case(id)
            #expect(record.state == transition.to)
            #expect(record.history.last?.event == transition.event.rawValue)
            #expect(record.history.last?.actor == Team.lawyerName)
        }
    }

    @Test("a reassign crafted by an admin verifies; by a lawyer it does not")
    func reassignIsTheAdmins() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let (transition, _) = Forgery.reassign.transition(assignee: team.otherLawyer.keys.userID)
            let byAdmin = try team.newCase(in: .inReview)
            try Self.append(transition, as: team.admin, to: byAdmin)
            #expect(try team.lawyer.case(byAdmin).assignee == Team.otherLawyerName)
            let byLawyer = try team.newCase(in: .inReview)
            try Self.append(transition, as: team.lawyer, to: byLawyer)
            Self.expectCaseRefused(team, byLawyer, saying: "role may not make")
        }
    }

    @Test("a coordinator's transition naming the lawyer as its author has no valid signature")
    func forgedAuthor() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .inReview)
            let (transition, _) = Forgery.refer.transition(assignee: team.lawyer.keys.userID)
            try Self.append(transition, as: team.coordinator, author: team.lawyer.keys.userID, to: id)
            Self.expectCaseRefused(team, id, saying: "signature")
        }
    }

    @Test("a lawyer's transition that does not start where the case stands fails")
    func transitionFromElsewhere() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.intake()
            // begin-review is the lawyer's to fire, but the case is in intake, not awaiting review.
            let transition = TransitionRecord(event: .beginReview, from: .awaitingReview, to: .inReview, outcome: nil,
                                              assignee: nil, partner: nil, consent: false)
            try Self.append(transition, as: team.lawyer, to: id)
            Self.expectCaseRefused(team, id, saying: "from that state")
        }
    }

    @Test("a lawyer's transition to a state the table does not lead to fails")
    func transitionToElsewhere() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .inReview)
            // request-info leads to needs-info; this one claims it closed the case.
            let transition = TransitionRecord(event: .requestInfo, from: .inReview, to: .closed, outcome: nil,
                                              assignee: nil, partner: nil, consent: false)
            try Self.append(transition, note: Team.askNote, as: team.lawyer, to: id)
            Self.expectCaseRefused(team, id, saying: "role may not make")
        }
    }

    @Test("a lawyer's refer without consent, or request-info without a note, fails the replay")
    func transitionMissingRequirements() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let noConsent = try team.newCase(in: .inReview)
            try Self.append(TransitionRecord(event: .refer, from: .inReview, to: .referred, outcome: nil,
                                             assignee: nil, partner: Team.partnerName, consent: false),
                            as: team.lawyer, to: noConsent)
            Self.expectCaseRefused(team, noConsent)
            let noNote = try team.newCase(in: .inReview)
            try Self.append(TransitionRecord(event: .requestInfo, from: .inReview, to: .needsInfo, outcome: nil,
                                             assignee: nil, partner: nil, consent: false),
                            as: team.lawyer, to: noNote)
            Self.expectCaseRefused(team, noNote)
        }
    }

    @Test("a valid signed transition with a summary out of step with it fails", arguments: [
        "state", "outcome", "assignee",
    ])
    func summaryOutOfStep(_ field: String) throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .awaitingReview)
            let transition = TransitionRecord(event: .beginReview, from: .awaitingReview, to: .inReview, outcome: nil,
                                              assignee: nil, partner: nil, consent: false)
            let other = team.otherLawyer.keys.userID
            try Self.append(transition, as: team.lawyer, to: id) { summary in
                switch field {
                case "state": summary.state = .referred
                case "outcome": summary.outcome = .advised
                default: summary.assignee = other
                }
            }
            Self.expectCaseRefused(team, id, saying: "does not match its signed history")
        }
    }
}
