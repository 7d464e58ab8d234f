/// A referral of a case to a partner organisation, as its signed history records it.
public struct Referral: Hashable, Sendable {
    /// Where a referral stands.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case sent, accepted, declined, completed
    }

    /// The partner organisation.
    public let partner: String
    /// Where it stands.
    public var status: Status
    /// Whether the person's consent was recorded (always, for a referral the workflow allowed).
    public let consent: Bool
    /// When it was sent (ISO 8601, UTC).
    public let sentAt: String
    /// When the partner accepted it.
    public var acceptedAt: String?
    /// When the partner declined it.
    public var declinedAt: String?
    /// When the case closed with the referral completed.
    public var completedAt: String?
}

/// Replays a case's signed transitions from creation: checks each against the workflow table
/// and the signer's certified role, and derives state, outcome, assignee, history and referrals.
struct HistoryReplay {
    private(set) var state: CaseState = .intake
    private(set) var outcome: Outcome = .open
    private(set) var assignee: UserID?
    private(set) var referrals: [Referral] = []

    /// Applies one signed transition by `author` (with certified `role`); `false` when the
    /// workflow would not have allowed it, or it does not start where the case stood.
    mutating func apply(_ transition: TransitionRecord, by author: UserID, role: Role, note: String?,
                        at: String) -> Bool {
        let inputs = WorkflowInputs(note: note, partner: transition.partner, consent: transition.consent,
                                    outcome: transition.outcome, assignee: transition.assignee.map { _ in "assignee" })
        guard transition.from == state,
              case .success(let to) = Workflow.decide(transition.event, from: state, by: role, with: inputs),
              to == transition.to else { return false }
        var summary = ReplayedFields(state: state, outcome: outcome, assignee: assignee)
        HistoryReplay.apply(transition, by: author, to: &summary)
        (state, outcome, assignee) = (summary.state, summary.outcome, summary.assignee)
        switch transition.event {
        case .refer:
            referrals.append(Referral(partner: transition.partner ?? "", status: .sent, consent: transition.consent,
                                      sentAt: at))
        case .referralAccepted:
            updateLastReferral { $0.status = .accepted; $0.acceptedAt = at }
        case .referralDeclined:
            updateLastReferral { $0.status = .declined; $0.declinedAt = at }
        case .close where transition.outcome == .referralCompleted:
            updateLastReferral { $0.status = .completed; $0.completedAt = at }
        default: break
        }
        return true
    }

    private mutating func updateLastReferral(_ change: (inout Referral) -> Void) {
        guard !referrals.isEmpty else { return }
        change(&referrals[referrals.count - 1])
    }

    /// How a transition changes the workflow fields of a summary: the one place that says so,
    /// used both when writing and when verifying.
    static func apply<Fields: WorkflowFields>(_ transition: TransitionRecord, by author: UserID, to fields: inout Fields) {
        fields.state = transition.to
        switch transition.event {
        case .beginReview: fields.assignee = author
        case .reassign: fields.assignee = transition.assignee
        case .close: fields.outcome = transition.outcome ?? fields.outcome
        case .reopen: fields.outcome = .open
        default: break
        }
    }
}

/// The workflow fields shared by the stored summary and the replayed history.
protocol WorkflowFields {
    var state: CaseState { get set }
    var outcome: Outcome { get set }
    var assignee: UserID? { get set }
}

extension SummaryRecord: WorkflowFields {}

/// Just the workflow fields, for replaying history.
struct ReplayedFields: WorkflowFields {
    var state: CaseState
    var outcome: Outcome
    var assignee: UserID?
}
