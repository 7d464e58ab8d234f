import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// A vault with a user of each role (two lawyers) and a registered partner, for driving real
/// cases through `Session.perform` with real, separately unlocked sessions.
struct CaseworkTeam {
    static let coordinatorName = "coord-anna"
    static let lawyerName = "lawyer-boris"
    static let otherLawyerName = "lawyer-galina"
    static let auditorName = "audit-vera"
    static let partnerName = "kovcheg"

    static let askNote = "Please send the conclusion of the medical commission."
    static let referInputs = WorkflowInputs(partner: partnerName, consent: true)

    let fixture: VaultFixture
    let coordinator: Session
    let lawyer: Session
    let otherLawyer: Session
    let auditor: Session
    var admin: Session { fixture.admin }

    /// - Parameter partnerKey: the partner's X25519 public key, for referral packets.
    init(_ fixture: VaultFixture, partnerKey: [UInt8]? = nil) throws {
        self.fixture = fixture
        coordinator = try fixture.addUser(CaseworkTeam.coordinatorName, .coordinator)
        lawyer = try fixture.addUser(CaseworkTeam.lawyerName, .lawyer)
        otherLawyer = try fixture.addUser(CaseworkTeam.otherLawyerName, .lawyer)
        auditor = try fixture.addUser(CaseworkTeam.auditorName, .auditor)
        try fixture.admin.addPartner(Partner(name: CaseworkTeam.partnerName, services: [.legal, .exit],
                                             publicKey: partnerKey))
    }

    /// A new case logged by the coordinator.
    func intake(_ request: Request? = nil) throws -> CaseID {
        try coordinator.intake(request ?? Synthetic.request()).id
    }

    /// Moves a case from `intake` to `state` along the usual path, each step by its usual role.
    func drive(_ id: CaseID, to state: CaseState) throws {
        switch state {
        case .intake:
            return
        case .awaitingReview:
            try coordinator.perform(.submit, on: id)
        case .inReview:
            try drive(id, to: .awaitingReview)
            try lawyer.perform(.beginReview, on: id)
        case .needsInfo:
            try drive(id, to: .inReview)
            try lawyer.perform(.requestInfo, on: id, with: WorkflowInputs(note: CaseworkTeam.askNote))
        case .referred:
            try drive(id, to: .inReview)
            try lawyer.perform(.refer, on: id, with: CaseworkTeam.referInputs)
        case .closed:
            try drive(id, to: .inReview)
            try lawyer.perform(.close, on: id, with: WorkflowInputs(outcome: .advised))
        }
        #expect(try admin.case(id).state == state, "driving the case to \(state)")
    }

    /// A new case, driven to `state`.
    func newCase(in state: CaseState, _ request: Request? = nil) throws -> CaseID {
        let id = try intake(request)
        try drive(id, to: state)
        return id
    }

    /// Runs `attempt`, which must fail with `code`, and checks it changed nothing: the verified
    /// case (version, state, history, notes, referrals), its stored summary and history rows, and
    /// the audit log are exactly as before.
    @discardableResult
    func expectNothingChanges<R>(on id: CaseID, _ code: CaseVaultError.Code, _ comment: Comment? = nil,
                                 sourceLocation: SourceLocation = #_sourceLocation,
                                 _ attempt: () throws -> R) throws -> CaseVaultError? {
        let before = try admin.case(id)
        let summary = try fixture.caseBlob(id, "summary")
        let entries = try fixture.count("case_entries")
        let audit = try admin.verifyAuditLog()
        let error = expectCaseVaultError(code, comment, sourceLocation: sourceLocation, attempt)
        let after = try admin.case(id)
        #expect(after == before, comment, sourceLocation: sourceLocation)
        #expect(after.version == before.version, comment, sourceLocation: sourceLocation)
        #expect(try fixture.caseBlob(id, "summary") == summary, comment, sourceLocation: sourceLocation)
        #expect(try fixture.count("case_entries") == entries, comment, sourceLocation: sourceLocation)
        #expect(try admin.verifyAuditLog() == audit, "the audit log grew", sourceLocation: sourceLocation)
        return error
    }

    /// Expects `session` firing `event` to be refused with exactly `refusal`, naming the case,
    /// and to change nothing.
    func expectRefusal(_ refusal: WorkflowRefusal, _ session: Session, _ event: WorkflowEvent, on id: CaseID,
                       with inputs: WorkflowInputs = WorkflowInputs(),
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let error = try expectNothingChanges(on: id, .refused, "\(session.user) firing \(event)",
                                             sourceLocation: sourceLocation) {
            try session.perform(event, on: id, with: inputs)
        }
        #expect(error?.refusal == refusal, sourceLocation: sourceLocation)
        #expect(error?.caseID == id, sourceLocation: sourceLocation)
        #expect(error?.message.contains(id.description) == true, sourceLocation: sourceLocation)
    }

    /// One history entry as text, so a whole history compares as one readable line per step.
    static func line(_ entry: HistoryEntry) -> String {
        "\(entry.event) \(entry.from?.rawValue ?? "-")>\(entry.to) by \(entry.actor)"
            + (entry.note.map { ": \($0)" } ?? "")
    }
}

/// `Session.perform` with real sessions of every role (DESIGN.md §5): each transition is
/// decided by the table, signed by its actor, stored with its audit entry, and read back by
/// `case(_:)` from the verified history. A refused event changes nothing.
@Suite("Workflow through sessions")
struct WorkflowSessionTests {
    typealias Team = CaseworkTeam

    // MARK: - The whole life of a case

    @Test("a case's whole life: each step's state, the signed history in order, the referral's status and dates")
    func wholeLife() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.intake()
            let answer = "The commission's conclusion is attached to the chat."
            let before = try fixture.admin.verifyAuditLog()

            struct Step {
                let session: Session
                let event: WorkflowEvent
                let inputs: WorkflowInputs
                let state: CaseState
                let assignee: String?
                let outcome: Outcome
            }
            let boris = Team.lawyerName
            let steps = [
                Step(session: team.coordinator, event: .submit, inputs: WorkflowInputs(), state: .awaitingReview,
                     assignee: nil, outcome: .open),
                Step(session: team.lawyer, event: .beginReview, inputs: WorkflowInputs(), state: .inReview,
                     assignee: boris, outcome: .open),
                Step(session: team.lawyer, event: .requestInfo, inputs: WorkflowInputs(note: Team.askNote),
                     state: .needsInfo, assignee: boris, outcome: .open),
                Step(session: team.coordinator, event: .submit, inputs: WorkflowInputs(note: answer),
                     state: .awaitingReview, assignee: boris, outcome: .open),
                Step(session: team.lawyer, event: .beginReview, inputs: WorkflowInputs(), state: .inReview,
                     assignee: boris, outcome: .open),
                Step(session: team.lawyer, event: .refer, inputs: Team.referInputs, state: .referred,
                     assignee: boris, outcome: .open),
                Step(session: team.lawyer, event: .referralAccepted, inputs: WorkflowInputs(), state: .referred,
                     assignee: boris, outcome: .open),
                Step(session: team.lawyer, event: .close, inputs: WorkflowInputs(outcome: .referralCompleted),
                     state: .closed, assignee: boris, outcome: .referralCompleted),
            ]
            for (index, step) in steps.enumerated() {
                let returned = try step.session.perform(step.event, on: id, with: step.inputs)
                let read = try fixture.admin.case(id)
                #expect(returned == read, "perform returns the case as it is after \(step.event)")
                #expect(read.state == step.state, "after \(step.event)")
                #expect(read.assignee == step.assignee, "after \(step.event)")
                #expect(read.outcome == step.outcome, "after \(step.event)")
                #expect(read.version == index + 2, "creation is version 1; each transition adds one")
                #expect(read.history.count == index + 2)
                let listed = try #require(try fixture.admin.cases().first { $0.id == id })
                #expect(listed.state == step.state && listed.assignee == step.assignee
                        && listed.outcome == step.outcome, "the listing's summary follows \(step.event)")
            }
            // One audit entry per transaction, each committed with its transition.
            #expect(try fixture.admin.verifyAuditLog() == before + steps.count)

            let (anna, record) = (Team.coordinatorName, try team.otherLawyer.case(id))
            #expect(record.history.map(Team.line) == [
                "intake ->intake by \(anna)",
                "submit intake>awaiting-review by \(anna)",
                "begin-review awaiting-review>in-review by \(boris)",
                "request-info in-review>needs-info by \(boris): \(Team.askNote)",
                "submit needs-info>awaiting-review by \(anna): \(answer)",
                "begin-review awaiting-review>in-review by \(boris)",
                "refer in-review>referred by \(boris)",
                "referral-accepted referred>referred by \(boris)",
                "close referred>closed by \(boris)",
            ])
            let times = record.history.map(\.at)
            #expect(times == times.sorted(), "the history is in the order it happened")
            let parser = ISO8601DateFormatter()
            #expect(times.allSatisfy { parser.date(from: $0) != nil })
            // History and workflow notes live in the intake compartment: the coordinator reads
            // the lawyer's request for information.
            #expect(try team.coordinator.case(id).history == record.history)
            #expect(record.notes.isEmpty, "transition notes are history, not notes")

            let referral = try #require(record.referrals.first)
            #expect(record.referrals.count == 1)
            #expect(referral.partner == Team.partnerName)
            #expect(referral.consent)
            #expect(referral.status == .completed)
            // The referral's dates are the signed transitions' times.
            #expect(referral.sentAt == record.history[6].at)
            #expect(referral.acceptedAt == record.history[7].at)
            #expect(referral.completedAt == record.history[8].at)
            #expect(referral.declinedAt == nil)
        }
    }

    @Test("the referral's status moves sent -> accepted -> completed as its transitions are fired")
    func referralStatusAlongTheWay() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .inReview)
            #expect(try team.lawyer.case(id).referrals.isEmpty)

            let sent = try #require(try team.lawyer.perform(.refer, on: id, with: Team.referInputs).referrals.first)
            #expect(sent.status == .sent && sent.partner == Team.partnerName && sent.consent)
            #expect(!sent.sentAt.isEmpty && sent.acceptedAt == nil && sent.completedAt == nil)

            let accepted = try #require(try team.lawyer.perform(.referralAccepted, on: id).referrals.first)
            #expect(accepted.status == .accepted && accepted.sentAt == sent.sentAt)
            #expect(accepted.acceptedAt != nil && accepted.completedAt == nil)

            let closed = try team.lawyer.perform(.close, on: id, with: WorkflowInputs(outcome: .referralCompleted))
            let completed = try #require(closed.referrals.first)
            #expect(closed.referrals.count == 1)
            #expect(completed.status == .completed && completed.acceptedAt == accepted.acceptedAt)
            #expect(try completed.completedAt! >= #require(completed.acceptedAt))
        }
    }

    @Test("the statistics row follows the workflow's state and outcome")
    func statsFollowWorkflow() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.intake()
            // The auditor's only key opens the stats row.
            func stats() throws -> StatsRecord {
                let (version, keyVersion) = try #require(try fixture.inspect { db in
                    try Row.fetchOne(db, sql: "SELECT version, stats_key_version FROM cases WHERE id = ?",
                                     arguments: [Data(id.bytes)])
                }.map { (UInt64($0[0] as Int64), UInt32($0[1] as Int64)) })
                return try team.auditor.cipher.openStats(fixture.caseBlob(id, "stats"), id: id, version: version,
                                                         keyVersion: keyVersion)
            }
            #expect(try stats().state == .intake && stats().outcome == .open)
            try team.drive(id, to: .referred)
            #expect(try stats().state == .referred && stats().outcome == .open)
            try team.lawyer.perform(.close, on: id, with: WorkflowInputs(outcome: .referralCompleted))
            #expect(try stats().state == .closed && stats().outcome == .referralCompleted)
            try team.lawyer.perform(.reopen, on: id, with: WorkflowInputs(note: "Wrote again."))
            #expect(try stats().state == .awaitingReview && stats().outcome == .open)
            #expect(try stats().region.code == "RU-SVE", "the request's dimensions are kept")
        }
    }

    @Test("an admin may do a lawyer's part; begin-review assigns the admin, and the history verifies")
    func adminDoesLawyersPart() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .awaitingReview)
            let admin = fixture.admin
            #expect(try admin.perform(.beginReview, on: id).assignee == VaultFixture.adminName)
            try admin.perform(.refer, on: id, with: Team.referInputs)
            try admin.perform(.close, on: id, with: WorkflowInputs(outcome: .withdrawn))
            let record = try team.lawyer.case(id)
            #expect(record.state == .closed && record.outcome == .withdrawn)
            #expect(record.history.suffix(3).map(\.actor) == Array(repeating: VaultFixture.adminName, count: 3))
            // Closed with another outcome than referral-completed, the referral is not completed.
            #expect(record.referrals.map(\.status) == [.sent])
        }
    }

    // MARK: - Refusals change nothing

    @Test("a coordinator may not refer, nor close with outcome advised, nor close a case under review")
    func coordinatorRefusals() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let coordinator = team.coordinator
            let reviewed = try team.newCase(in: .inReview)
            try team.expectRefusal(.wrongRole(.coordinator, .refer, .inReview), coordinator, .refer, on: reviewed,
                                   with: Team.referInputs)
            try team.expectRefusal(.wrongRole(.coordinator, .close, .inReview), coordinator, .close, on: reviewed,
                                   with: WorkflowInputs(outcome: .withdrawn))
            try team.expectRefusal(.wrongRole(.coordinator, .requestInfo, .inReview), coordinator, .requestInfo,
                                   on: reviewed, with: WorkflowInputs(note: Team.askNote))

            let fresh = try team.intake()
            for outcome in [Outcome.advised, .outOfScope, .referralCompleted] {
                try team.expectRefusal(.outcomeNotAllowed(outcome, .coordinator, .intake), coordinator, .close,
                                       on: fresh, with: WorkflowInputs(outcome: outcome))
            }
            try team.expectRefusal(.wrongRole(.coordinator, .beginReview, .awaitingReview), coordinator,
                                   .beginReview, on: try team.newCase(in: .awaitingReview))
            let waiting = try team.newCase(in: .needsInfo)
            try team.expectRefusal(.outcomeNotAllowed(.advised, .coordinator, .needsInfo), coordinator, .close,
                                   on: waiting, with: WorkflowInputs(outcome: .advised))

            // The allowed counterpart: a coordinator closes a fresh case as withdrawn.
            let closed = try coordinator.perform(.close, on: fresh, with: WorkflowInputs(outcome: .withdrawn))
            #expect(closed.state == .closed && closed.outcome == .withdrawn)
            #expect(closed.history.last?.actor == Team.coordinatorName)
        }
    }

    /// The auditor holds no intake key, so `perform` stops it before reading the case: a
    /// `permissionDenied` error rather than a ``WorkflowRefusal``, which would have to name the
    /// case's state, something an auditor may not learn.
    @Test("an auditor can fire no event, whatever the case's state: nothing is written")
    func auditorFiresNothing() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let everything = WorkflowInputs(note: "Audit check.", partner: Team.partnerName, consent: true,
                                            outcome: .withdrawn, assignee: Team.lawyerName)
            for state in CaseState.allCases {
                let id = try team.newCase(in: state)
                for event in WorkflowEvent.allCases {
                    let error = try team.expectNothingChanges(on: id, .permissionDenied, "auditor firing \(event)") {
                        try team.auditor.perform(event, on: id, with: everything)
                    }
                    #expect(error?.refusal == nil)
                    #expect(error?.message.contains(id.description) == false, "the auditor learns nothing of the case")
                }
            }
        }
    }

    @Test("refer needs consent and a registered partner; request-info, decline and reopen need a note")
    func missingRequirements() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let lawyer = team.lawyer
            let id = try team.newCase(in: .inReview)
            try team.expectRefusal(.missing(.consent, .refer), lawyer, .refer, on: id,
                                   with: WorkflowInputs(partner: Team.partnerName))
            try team.expectRefusal(.missing(.partner, .refer), lawyer, .refer, on: id,
                                   with: WorkflowInputs(consent: true))
            try team.expectRefusal(.missing(.partner, .refer), lawyer, .refer, on: id,
                                   with: WorkflowInputs(partner: "", consent: true))
            let unknown = try team.expectNothingChanges(on: id, .notFound, "an unregistered partner") {
                try lawyer.perform(.refer, on: id, with: WorkflowInputs(partner: "memorial", consent: true))
            }
            #expect(unknown?.message.contains("memorial") == true)
            #expect(unknown?.refusal == nil)
            try team.expectRefusal(.missing(.note, .requestInfo), lawyer, .requestInfo, on: id)
            try team.expectRefusal(.missing(.note, .requestInfo), lawyer, .requestInfo, on: id,
                                   with: WorkflowInputs(note: " \n\t "))
            try team.expectRefusal(.missing(.outcome, .close), lawyer, .close, on: id)
            try team.expectRefusal(.outcomeNotAllowed(.referralCompleted, .lawyer, .inReview), lawyer, .close, on: id,
                                   with: WorkflowInputs(outcome: .referralCompleted))
            try team.expectRefusal(.wrongState(.submit, .inReview), lawyer, .submit, on: id)
            try team.expectRefusal(.wrongState(.referralAccepted, .inReview), lawyer, .referralAccepted, on: id)

            // After every refusal the case moves on as usual.
            #expect(try lawyer.perform(.refer, on: id, with: Team.referInputs).state == .referred)
            try team.expectRefusal(.missing(.note, .referralDeclined), lawyer, .referralDeclined, on: id)
            try lawyer.perform(.close, on: id, with: WorkflowInputs(outcome: .referralCompleted))
            try team.expectRefusal(.missing(.note, .reopen), lawyer, .reopen, on: id)
            try team.expectRefusal(.wrongState(.close, .closed), lawyer, .close, on: id,
                                   with: WorkflowInputs(outcome: .advised))
            try team.expectRefusal(.wrongRole(.coordinator, .reopen, .closed), team.coordinator, .reopen, on: id,
                                   with: WorkflowInputs(note: "The person wrote again."))
        }
    }

    @Test("under a strict text policy a transition note with an e-mail address is refused; nothing is written")
    func strictPolicyNote() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .inReview)
            let identifying = WorkflowInputs(note: "Write to ivan.petrov@mail.ru for the papers.")
            try fixture.admin.updateSettings(VaultSettings(strictTextPolicy: true))
            let error = try team.expectNothingChanges(on: id, .identifyingText, "strict policy") {
                try team.lawyer.perform(.requestInfo, on: id, with: identifying)
            }
            #expect(error?.message.contains("ivan.petrov") == false, "the error repeats no identifying text")
            try fixture.admin.updateSettings(VaultSettings(strictTextPolicy: false))
            #expect(try team.lawyer.perform(.requestInfo, on: id, with: identifying).history.last?.note
                    == identifying.note)
        }
    }

    @Test("an unknown case is not found, and nothing is written")
    func unknownCase() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let audit = try fixture.admin.verifyAuditLog()
            let missing = CaseID.random()
            let error = expectCaseVaultError(.notFound) { try team.lawyer.perform(.beginReview, on: missing) }
            #expect(error?.caseID == missing)
            #expect(try fixture.admin.verifyAuditLog() == audit)
        }
    }

    // MARK: - Assignment, decline and reopen

    @Test("reassign: an admin moves a case to another lawyer, and listings by assignee follow")
    func reassign() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .inReview)
            let other = try team.newCase(in: .inReview)
            let boris = CaseFilter(assignee: Team.lawyerName)
            let galina = CaseFilter(assignee: Team.otherLawyerName)
            #expect(Set(try team.coordinator.cases(boris).map(\.id)) == [id, other])
            #expect(try team.coordinator.cases(galina).isEmpty)

            let moved = try fixture.admin.perform(.reassign, on: id,
                                                  with: WorkflowInputs(assignee: Team.otherLawyerName))
            #expect(moved.assignee == Team.otherLawyerName)
            #expect(moved.state == .inReview, "reassign leaves the state as it was")
            #expect(moved.history.last.map(Team.line) == "reassign in-review>in-review by \(VaultFixture.adminName)")
            #expect(try team.lawyer.cases(galina).map(\.id) == [id])
            #expect(try team.lawyer.cases(boris).map(\.id) == [other])
            #expect(try team.lawyer.case(id).assignee == Team.otherLawyerName, "the verified history agrees")

            // The new lawyer carries on; a later begin-review would assign whoever fires it.
            #expect(try team.otherLawyer.perform(.requestInfo, on: id, with: WorkflowInputs(note: Team.askNote))
                .assignee == Team.otherLawyerName)
            #expect(try fixture.admin.perform(.reassign, on: id, with: WorkflowInputs(assignee: Team.lawyerName))
                .state == .needsInfo)
            #expect(Set(try team.lawyer.cases(boris).map(\.id)) == [id, other])
        }
    }

    @Test("reassign is for admins only, to a lawyer who exists, from a state a case can be assigned in")
    func reassignRefusals() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let admin = fixture.admin
            let id = try team.newCase(in: .inReview)
            let toGalina = WorkflowInputs(assignee: Team.otherLawyerName)
            try team.expectRefusal(.wrongRole(.lawyer, .reassign, .inReview), team.lawyer, .reassign, on: id,
                                   with: toGalina)
            try team.expectRefusal(.wrongRole(.coordinator, .reassign, .inReview), team.coordinator, .reassign,
                                   on: id, with: toGalina)
            try team.expectRefusal(.missing(.assignee, .reassign), admin, .reassign, on: id)
            let toCoordinator = try team.expectNothingChanges(on: id, .refused, "assigning a coordinator") {
                try admin.perform(.reassign, on: id, with: WorkflowInputs(assignee: Team.coordinatorName))
            }
            #expect(toCoordinator?.message.contains(Team.coordinatorName) == true)
            try team.expectNothingChanges(on: id, .refused, "assigning an auditor") {
                try admin.perform(.reassign, on: id, with: WorkflowInputs(assignee: Team.auditorName))
            }
            let nobody = try team.expectNothingChanges(on: id, .notFound, "assigning nobody") {
                try admin.perform(.reassign, on: id, with: WorkflowInputs(assignee: "lawyer-nobody"))
            }
            #expect(nobody?.message.contains("lawyer-nobody") == true)
            try team.expectRefusal(.wrongState(.reassign, .intake), admin, .reassign, on: try team.intake(),
                                   with: toGalina)
            try team.expectRefusal(.wrongState(.reassign, .closed), admin, .reassign,
                                   on: try team.newCase(in: .closed), with: toGalina)
            #expect(try team.lawyer.case(id).assignee == Team.lawyerName)
            expectCaseVaultError(.notFound) { try admin.cases(CaseFilter(assignee: "lawyer-nobody")) }
        }
    }

    @Test("referral-declined with a note returns the case to review; it can then be referred elsewhere")
    func referralDeclined() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            try fixture.admin.addPartner(Partner(name: "idite-lesom", services: [.exit]))
            let id = try team.newCase(in: .referred)
            let why = "The partner has no capacity this month."
            let declined = try team.lawyer.perform(.referralDeclined, on: id, with: WorkflowInputs(note: why))
            #expect(declined.state == .inReview)
            #expect(declined.assignee == Team.lawyerName)
            #expect(declined.history.last.map(Team.line)
                    == "referral-declined referred>in-review by \(Team.lawyerName): \(why)")
            let first = try #require(declined.referrals.first)
            #expect(first.status == .declined && first.declinedAt == declined.history.last?.at)
            #expect(first.acceptedAt == nil && first.completedAt == nil)

            let again = try team.lawyer.perform(.refer, on: id,
                                                with: WorkflowInputs(partner: "idite-lesom", consent: true))
            #expect(again.referrals.map(\.partner) == [Team.partnerName, "idite-lesom"])
            #expect(again.referrals.map(\.status) == [.declined, .sent])
        }
    }

    @Test("reopen (a lawyer, with a note) returns a closed case to awaiting-review with outcome open")
    func reopen() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .closed)
            #expect(try team.lawyer.case(id).outcome == .advised)
            let note = "The person wrote again: new call-up papers."
            let reopened = try team.otherLawyer.perform(.reopen, on: id, with: WorkflowInputs(note: note))
            #expect(reopened.state == .awaitingReview)
            #expect(reopened.outcome == .open)
            #expect(reopened.history.last.map(Team.line)
                    == "reopen closed>awaiting-review by \(Team.otherLawyerName): \(note)")
            let listed = try #require(try team.coordinator.cases().first { $0.id == id })
            #expect(listed.state == .awaitingReview && listed.outcome == .open)
            // It can be worked and closed again.
            try team.otherLawyer.perform(.beginReview, on: id)
            let closed = try team.otherLawyer.perform(.close, on: id, with: WorkflowInputs(outcome: .outOfScope))
            #expect(closed.outcome == .outOfScope && closed.assignee == Team.otherLawyerName)
            #expect(closed.history.filter { $0.event == "close" }.count == 2)
        }
    }

    // MARK: - Overdue and ordering

    @Test("a closed case with a past deadline is not overdue; an open one is, in any open state")
    func overdue() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let past = "2023-10-01"
            let today = CalendarDay.today(inTimeZone: "UTC").description
            let closedByCoordinator = try team.intake(Synthetic.request(deadline: past))
            try team.coordinator.perform(.close, on: closedByCoordinator, with: WorkflowInputs(outcome: .duplicate))
            let closedByLawyer = try team.newCase(in: .closed, Synthetic.request(deadline: past))
            var overdue: Set<CaseID> = []
            for state in [CaseState.intake, .awaitingReview, .inReview, .needsInfo, .referred] {
                overdue.insert(try team.newCase(in: state, Synthetic.request(deadline: past)))
            }
            let dueToday = try team.newCase(in: .inReview, Synthetic.request(deadline: today))
            let noDeadline = try team.newCase(in: .inReview)

            let listed = try team.lawyer.cases(CaseFilter(overdue: true))
            #expect(Set(listed.map(\.id)) == overdue)
            #expect(listed.allSatisfy { $0.state != .closed })
            let all = Set(try team.lawyer.cases().map(\.id))
            #expect(all.isSuperset(of: [closedByCoordinator, closedByLawyer, dueToday, noDeadline]))

            // Reopened, a case with a past deadline is overdue again.
            try team.lawyer.perform(.reopen, on: closedByLawyer, with: WorkflowInputs(note: "Wrote again."))
            #expect(Set(try team.lawyer.cases(CaseFilter(overdue: true)).map(\.id))
                    == overdue.union([closedByLawyer]))
            #expect(try team.lawyer.cases(CaseFilter(state: .closed, overdue: true)).isEmpty)
        }
    }

    @Test("listings sort by urgency, then deadline (none last), then received, whatever the workflow state")
    func orderingAcrossStates() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            // Logged in scrambled order, and moved to different states.
            let normal = try team.newCase(in: .referred, Synthetic.request(received: "2023-09-01", urgency: .normal))
            let highLate = try team.newCase(in: .closed, Synthetic.request(urgency: .high, deadline: "2023-12-01"))
            let highNone = try team.newCase(in: .needsInfo, Synthetic.request(received: "2023-08-01", urgency: .high))
            let highEarly = try team.newCase(in: .awaitingReview,
                                             Synthetic.request(urgency: .high, deadline: "2023-10-01"))
            let critical = try team.newCase(in: .inReview, Synthetic.request(received: "2023-11-30",
                                                                             urgency: .critical))
            let highNoneLater = try team.intake(Synthetic.request(received: "2023-08-02", urgency: .high))
            #expect(try team.lawyer.cases().map(\.id)
                    == [critical, highEarly, highLate, highNone, highNoneLater, normal])
            #expect(try team.lawyer.cases(CaseFilter(urgency: .high, overdue: true)).map(\.id) == [highEarly])
        }
    }
}
