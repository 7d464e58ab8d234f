/// A case as listed: the summary fields, read with the intake key alone (not verified; `show`
/// verifies).
public struct CaseSummary: Hashable, Sendable {
    /// The case id.
    public let id: CaseID
    /// When the request was received.
    public let received: CalendarDay
    /// The workflow state.
    public let state: CaseState
    /// The outcome (`open` while not closed).
    public let outcome: Outcome
    /// The urgency.
    public let urgency: Urgency
    /// The deadline, if any.
    public let deadline: CalendarDay?
    /// The assigned lawyer's name, if any.
    public let assignee: String?
    /// The requester's home region.
    public let region: Region
    /// The needs, in vocabulary order.
    public let needs: [Need]
}

/// Which cases to list. Each set left empty matches everything; a non-empty set matches a case
/// with any one of its values (`states: [.awaitingReview, .needsInfo]`).
public struct CaseFilter: Hashable, Sendable {
    /// Only cases in one of these states.
    public var states: Set<CaseState>
    /// Only cases of one of these urgencies.
    public var urgencies: Set<Urgency>
    /// Only cases assigned to one of these users.
    public var assignees: Set<String>
    /// Only open cases whose deadline is before today in the vault's time zone.
    public var overdue: Bool

    /// Creates a filter of sets: a case matches when it is in one of `states`, of one of
    /// `urgencies` and assigned to one of `assignees` (an empty set matching every case), and,
    /// with `overdue`, is open and past its deadline.
    public init(states: Set<CaseState>, urgencies: Set<Urgency> = [], assignees: Set<String> = [],
                overdue: Bool = false) {
        self.states = states
        self.urgencies = urgencies
        self.assignees = assignees
        self.overdue = overdue
    }

    /// Creates a filter of single values; with no arguments it matches every case.
    public init(state: CaseState? = nil, urgency: Urgency? = nil, assignee: String? = nil, overdue: Bool = false) {
        self.init(states: Set([state].compactMap { $0 }), urgencies: Set([urgency].compactMap { $0 }),
                  assignees: Set([assignee].compactMap { $0 }), overdue: overdue)
    }
}

/// One page of a listing: the cases from `offset` on, at most the limit asked for, and how many
/// cases matched in all.
public struct CasePage: Hashable, Sendable {
    /// The cases of this page, in listing order.
    public let cases: [CaseSummary]
    /// How many cases come before this page.
    public let offset: Int
    /// How many cases matched the filter, on every page together.
    public let total: Int
}

/// A note on a case.
public struct CaseNote: Hashable, Sendable {
    /// The note's text.
    public let text: String
    /// Who wrote it.
    public let author: String
    /// When (ISO 8601, UTC).
    public let at: String
    /// `intake` (readable by coordinators) or `legal` (lawyers and admins only).
    public let compartment: Compartment
}

/// One step of a case's history.
public struct HistoryEntry: Hashable, Sendable {
    /// The event (`intake` for the creation).
    public let event: String
    /// The state before, if any.
    public let from: CaseState?
    /// The state after.
    public let to: CaseState
    /// Who fired it.
    public let actor: String
    /// When (ISO 8601, UTC).
    public let at: String
    /// Why, if a note was given.
    public let note: String?
}

/// A whole case as the session's keys allow it to be read, verified.
public struct CaseRecord: Hashable, Sendable {
    /// The case id.
    public let id: CaseID
    /// The request's facts, with contact and narrative.
    public let request: Request
    /// The workflow state.
    public let state: CaseState
    /// The assigned lawyer, if any.
    public let assignee: String?
    /// The outcome (`open` while not closed).
    public let outcome: Outcome
    /// The notes this session may read, oldest first (a coordinator sees no legal notes).
    public let notes: [CaseNote]
    /// The history, starting with the creation (`intake`).
    public let history: [HistoryEntry]
    /// The referrals, oldest first, as the signed history records them.
    public let referrals: [Referral]
    /// The record version (creation is 1; every note or transition adds one).
    public let version: Int
}
