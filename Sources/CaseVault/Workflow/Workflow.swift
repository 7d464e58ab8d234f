/// What an event needs besides the right role and state.
public enum WorkflowRequirement: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case note, partner, consent, outcome, assignee

    public var description: String {
        switch self {
        case .note: "a note"
        case .partner: "a partner"
        case .consent: "the person's recorded consent"
        case .outcome: "an outcome"
        case .assignee: "an assignee (a lawyer)"
        }
    }
}

/// What comes with an event.
public struct WorkflowInputs: Hashable, Sendable {
    /// Why: the note recorded with the transition.
    public var note: String?
    /// The partner organisation a case is referred to.
    public var partner: String?
    /// Whether the person's consent to the referral was recorded.
    public var consent: Bool
    /// How the case ended, for `close`.
    public var outcome: Outcome?
    /// The lawyer to assign, for `reassign`.
    public var assignee: String?

    /// Creates inputs; everything is absent by default.
    public init(note: String? = nil, partner: String? = nil, consent: Bool = false, outcome: Outcome? = nil,
                assignee: String? = nil) {
        self.note = note
        self.partner = partner
        self.consent = consent
        self.outcome = outcome
        self.assignee = assignee
    }

    func has(_ requirement: WorkflowRequirement) -> Bool {
        switch requirement {
        case .note: WorkflowInputs.isPresent(note)
        case .partner: WorkflowInputs.isPresent(partner)
        case .consent: consent
        case .outcome: outcome != nil
        case .assignee: WorkflowInputs.isPresent(assignee)
        }
    }

    private static func isPresent(_ text: String?) -> Bool {
        !(text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }
}

/// Why the workflow refused an event.
public enum WorkflowRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// The role may not fire the event (in this state).
    case wrongRole(Role, WorkflowEvent, CaseState)
    /// No role may fire the event from this state.
    case wrongState(WorkflowEvent, CaseState)
    /// Something the event requires is missing.
    case missing(WorkflowRequirement, WorkflowEvent)
    /// The outcome is not one this role may close with from this state.
    case outcomeNotAllowed(Outcome, Role, CaseState)

    public var description: String { remedy.map { "\(summary); \($0)" } ?? summary }

    /// What was refused, without advice.
    var summary: String {
        switch self {
        case let .wrongRole(role, event, state):
            "\(English.withArticle(role.rawValue)) cannot fire \(event) on a case in state \(state)"
        case let .wrongState(event, state):
            "\(event) does not apply to a case in state \(state)"
        case let .missing(requirement, event):
            "\(event) requires \(requirement)"
        case let .outcomeNotAllowed(outcome, role, state):
            "\(English.withArticle(role.rawValue)) cannot close a case in state \(state) with outcome \(outcome)"
        }
    }

    /// What to do, in the workflow's words; a front end may point at its own view of the table instead.
    var remedy: String? {
        switch self {
        case .wrongState: "the workflow table shows which events apply where"
        case .wrongRole, .missing, .outcomeNotAllowed: nil
        }
    }
}

/// The casework workflow: states `intake` → `awaiting-review` → `in-review` → `referred` →
/// `closed`, plus `needs-info`.
///
/// The transition table is data, in ``Workflow/rules``, and ``Workflow/decide(_:from:by:with:)``
/// is a pure function over it; the CLI's `workflow` command and `Docs/Workflow.md` are generated
/// from the same table.
public enum Workflow {
    /// One row of the transition table.
    public struct Rule: Hashable, Sendable {
        /// The event.
        public let event: WorkflowEvent
        /// The states it may be fired from.
        public let from: [CaseState]
        /// The state it leads to; `nil` leaves the state unchanged.
        public let to: CaseState?
        /// The roles that may fire it.
        public let roles: [Role]
        /// What it needs.
        public let requires: [WorkflowRequirement]
        /// For `close`: the outcomes allowed.
        public let outcomes: [Outcome]
    }

    /// Every outcome a case can close with.
    static let closingOutcomes = Outcome.allCases.filter { $0 != .open }
    static let openStates: [CaseState] = [.intake, .awaitingReview, .inReview, .needsInfo, .referred]
    /// An admin may fire every event a lawyer may.
    static let lawyers: [Role] = [.lawyer, .admin]

    /// The transition table of DESIGN.md §5.
    public static let rules: [Rule] = [
        Rule(event: .submit, from: [.intake, .needsInfo], to: .awaitingReview,
             roles: [.coordinator, .lawyer, .admin], requires: [], outcomes: []),
        Rule(event: .beginReview, from: [.awaitingReview], to: .inReview, roles: lawyers, requires: [], outcomes: []),
        Rule(event: .requestInfo, from: [.inReview], to: .needsInfo, roles: lawyers, requires: [.note], outcomes: []),
        Rule(event: .refer, from: [.inReview], to: .referred, roles: lawyers, requires: [.partner, .consent],
             outcomes: []),
        Rule(event: .referralAccepted, from: [.referred], to: nil, roles: lawyers, requires: [], outcomes: []),
        Rule(event: .referralDeclined, from: [.referred], to: .inReview, roles: lawyers, requires: [.note],
             outcomes: []),
        Rule(event: .reassign, from: [.awaitingReview, .inReview, .needsInfo, .referred], to: nil, roles: [.admin],
             requires: [.assignee], outcomes: []),
        Rule(event: .close, from: [.intake, .awaitingReview, .inReview, .needsInfo], to: .closed, roles: lawyers,
             requires: [.outcome], outcomes: closingOutcomes.filter { $0 != .referralCompleted }),
        Rule(event: .close, from: [.referred], to: .closed, roles: lawyers, requires: [.outcome],
             outcomes: closingOutcomes),
        Rule(event: .close, from: [.intake, .needsInfo], to: .closed, roles: [.coordinator], requires: [.outcome],
             outcomes: [.withdrawn, .duplicate, .lostContact]),
        Rule(event: .reopen, from: [.closed], to: .awaitingReview, roles: lawyers, requires: [.note], outcomes: []),
    ]

    /// Decides an event: the new state, or why it is refused. Pure: it changes nothing.
    ///
    /// Refusals are checked in this order: a state no rule applies to, a role that may not fire
    /// the event there, then each missing requirement, then a disallowed outcome.
    public static func decide(_ event: WorkflowEvent, from state: CaseState, by role: Role,
                              with inputs: WorkflowInputs) -> Result<CaseState, WorkflowRefusal> {
        let applicable = rules.filter { $0.event == event && $0.from.contains(state) }
        guard !applicable.isEmpty else { return .failure(.wrongState(event, state)) }
        let permitted = applicable.filter { $0.roles.contains(role) }
        guard !permitted.isEmpty else { return .failure(.wrongRole(role, event, state)) }
        let rule = permitted[0]
        for requirement in rule.requires where !inputs.has(requirement) {
            return .failure(.missing(requirement, event))
        }
        if let outcome = inputs.outcome, rule.requires.contains(.outcome),
           !permitted.contains(where: { $0.outcomes.contains(outcome) }) {
            return .failure(.outcomeNotAllowed(outcome, role, state))
        }
        return .success(rule.to ?? state)
    }

    /// The roles that may fire `event` from some state.
    public static func roles(for event: WorkflowEvent) -> Set<Role> {
        Set(rules.filter { $0.event == event }.flatMap(\.roles))
    }

    /// What `event` can take besides the case: a note (every event records why), and what some
    /// rule of the event requires (a partner and consent for `refer`, an outcome for `close`, an
    /// assignee for `reassign`). Anything else given with the event would be ignored, so a front
    /// end refuses it.
    public static func inputs(for event: WorkflowEvent) -> Set<WorkflowRequirement> {
        Set(rules.filter { $0.event == event }.flatMap(\.requires)).union([.note])
    }

    /// The events that take `input` (see ``inputs(for:)``), in vocabulary order.
    public static func events(taking input: WorkflowRequirement) -> [WorkflowEvent] {
        WorkflowEvent.allCases.filter { inputs(for: $0).contains(input) }
    }

    /// The events a role may fire from a state (ignoring inputs).
    public static func events(from state: CaseState, for role: Role) -> [WorkflowEvent] {
        WorkflowEvent.allCases.filter { event in
            rules.contains { $0.event == event && $0.from.contains(state) && $0.roles.contains(role) }
        }
    }
}
