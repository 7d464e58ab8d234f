import Foundation
import Testing

@testable import CaseVault

/// DESIGN.md §5 written out by hand, so that these tests do not trust `Workflow.rules`.
///
/// One row per (event, from-state) that some role may fire, with exactly the roles that may fire it
/// (an admin is listed wherever a lawyer is; an auditor nowhere) and what it requires.
enum WorkflowSpec {
    struct Row: Sendable, CustomTestStringConvertible {
        let event: WorkflowEvent
        let from: CaseState
        let to: CaseState
        let roles: Set<Role>
        let requires: [WorkflowRequirement]

        init(_ event: WorkflowEvent, _ from: CaseState, _ to: CaseState, _ roles: Set<Role>,
             _ requires: [WorkflowRequirement]) {
            self.event = event
            self.from = from
            self.to = to
            self.roles = roles
            self.requires = requires
        }

        var testDescription: String { "\(event): \(from) -> \(to)" }
    }

    static let rows: [Row] = [
        Row(.submit, .intake, .awaitingReview, [.coordinator, .lawyer, .admin], []),
        Row(.submit, .needsInfo, .awaitingReview, [.coordinator, .lawyer, .admin], []),
        Row(.beginReview, .awaitingReview, .inReview, [.lawyer, .admin], []),
        Row(.requestInfo, .inReview, .needsInfo, [.lawyer, .admin], [.note]),
        Row(.refer, .inReview, .referred, [.lawyer, .admin], [.partner, .consent]),
        Row(.referralAccepted, .referred, .referred, [.lawyer, .admin], []),
        Row(.referralDeclined, .referred, .inReview, [.lawyer, .admin], [.note]),
        Row(.reassign, .awaitingReview, .awaitingReview, [.admin], [.assignee]),
        Row(.reassign, .inReview, .inReview, [.admin], [.assignee]),
        Row(.reassign, .needsInfo, .needsInfo, [.admin], [.assignee]),
        Row(.reassign, .referred, .referred, [.admin], [.assignee]),
        Row(.close, .intake, .closed, [.coordinator, .lawyer, .admin], [.outcome]),
        Row(.close, .awaitingReview, .closed, [.lawyer, .admin], [.outcome]),
        Row(.close, .inReview, .closed, [.lawyer, .admin], [.outcome]),
        Row(.close, .needsInfo, .closed, [.coordinator, .lawyer, .admin], [.outcome]),
        Row(.close, .referred, .closed, [.lawyer, .admin], [.outcome]),
        Row(.reopen, .closed, .awaitingReview, [.lawyer, .admin], [.note]),
    ]

    /// The outcomes `role` may close a case in `state` with (empty where it may not close at all).
    static func closingOutcomes(from state: CaseState, by role: Role) -> Set<Outcome> {
        switch (role, state) {
        case (.coordinator, .intake), (.coordinator, .needsInfo):
            [.withdrawn, .duplicate, .lostContact]
        case (.lawyer, .referred), (.admin, .referred):
            [.advised, .referralCompleted, .withdrawn, .lostContact, .duplicate, .outOfScope]
        case (.lawyer, .intake), (.lawyer, .awaitingReview), (.lawyer, .inReview), (.lawyer, .needsInfo),
             (.admin, .intake), (.admin, .awaitingReview), (.admin, .inReview), (.admin, .needsInfo):
            [.advised, .withdrawn, .lostContact, .duplicate, .outOfScope]
        default:
            []
        }
    }

    static func row(_ event: WorkflowEvent, from state: CaseState) -> Row? {
        rows.first { $0.event == event && $0.from == state }
    }

    /// Whether `inputs` carry `requirement`, by §5's reading: a note of only whitespace is no note.
    static func has(_ requirement: WorkflowRequirement, in inputs: WorkflowInputs) -> Bool {
        switch requirement {
        case .note: !(inputs.note ?? "").allSatisfy(\.isWhitespace)
        case .partner: !(inputs.partner ?? "").isEmpty
        case .consent: inputs.consent
        case .outcome: inputs.outcome != nil
        case .assignee: !(inputs.assignee ?? "").isEmpty
        }
    }

    /// What §5 says should happen; `missing` holds every requirement that is absent.
    enum Verdict: Equatable {
        case moves(to: CaseState)
        case wrongState
        case wrongRole
        case missing(Set<WorkflowRequirement>)
        case outcomeNotAllowed
    }

    static func verdict(_ event: WorkflowEvent, from state: CaseState, by role: Role,
                        with inputs: WorkflowInputs) -> Verdict {
        guard let row = row(event, from: state) else { return .wrongState }
        guard row.roles.contains(role) else { return .wrongRole }
        let missing = Set(row.requires.filter { !has($0, in: inputs) })
        if !missing.isEmpty { return .missing(missing) }
        if event == .close, let outcome = inputs.outcome,
           !closingOutcomes(from: state, by: role).contains(outcome) {
            return .outcomeNotAllowed
        }
        return .moves(to: row.to)
    }

    /// Whether `Workflow.decide` answered as the verdict says, with the right refusal and its right payload.
    static func agrees(_ result: Result<CaseState, WorkflowRefusal>, with verdict: Verdict,
                       _ event: WorkflowEvent, _ state: CaseState, _ role: Role, _ inputs: WorkflowInputs) -> Bool {
        switch (verdict, result) {
        case let (.moves(expected), .success(actual)):
            expected == actual
        case (.wrongState, .failure(let refusal)):
            refusal == .wrongState(event, state)
        case (.wrongRole, .failure(let refusal)):
            refusal == .wrongRole(role, event, state)
        case let (.missing(requirements), .failure(.missing(requirement, refusedEvent))):
            requirements.contains(requirement) && refusedEvent == event
        case (.outcomeNotAllowed, .failure(let refusal)):
            inputs.outcome.map { refusal == .outcomeNotAllowed($0, role, state) } ?? false
        default:
            false
        }
    }

    /// Inputs that satisfy every requirement, with an outcome valid for a lawyer and, outside `referred`,
    /// for a coordinator too.
    static func fullInputs(closing state: CaseState) -> WorkflowInputs {
        WorkflowInputs(note: "Asked for the discharge papers.", partner: "Partner North", consent: true,
                       outcome: state == .referred ? .referralCompleted : .withdrawn, assignee: "lawyer-oleg")
    }

    /// Only what `row` requires, nothing else.
    static func minimalInputs(for row: Row) -> WorkflowInputs {
        let full = fullInputs(closing: row.from)
        return WorkflowInputs(note: row.requires.contains(.note) ? full.note : nil,
                              partner: row.requires.contains(.partner) ? full.partner : nil,
                              consent: row.requires.contains(.consent),
                              outcome: row.requires.contains(.outcome) ? full.outcome : nil,
                              assignee: row.requires.contains(.assignee) ? full.assignee : nil)
    }

    static func removing(_ requirement: WorkflowRequirement, from inputs: WorkflowInputs) -> WorkflowInputs {
        var inputs = inputs
        switch requirement {
        case .note: inputs.note = nil
        case .partner: inputs.partner = nil
        case .consent: inputs.consent = false
        case .outcome: inputs.outcome = nil
        case .assignee: inputs.assignee = nil
        }
        return inputs
    }

    static let allFirings: [Firing] = CaseState.allCases.flatMap { state in
        WorkflowEvent.allCases.flatMap { event in Role.allCases.map { Firing(state, event, $0) } }
    }

    static let allowedFirings: [Firing] = rows.flatMap { row in
        Role.allCases.filter(row.roles.contains).map { Firing(row.from, row.event, $0) }
    }

    /// One (state, event, role) question put to the workflow.
    struct Firing: Hashable, Sendable, CustomTestStringConvertible {
        let state: CaseState
        let event: WorkflowEvent
        let role: Role

        init(_ state: CaseState, _ event: WorkflowEvent, _ role: Role) {
            self.state = state
            self.event = event
            self.role = role
        }

        var row: WorkflowSpec.Row? { WorkflowSpec.row(event, from: state) }

        var testDescription: String { "\(role) fires \(event) from \(state)" }
    }

    /// One close put to the workflow.
    struct Closing: Hashable, Sendable, CustomTestStringConvertible {
        let state: CaseState
        let role: Role
        let outcome: Outcome

        static let all: [Closing] = CaseState.allCases.flatMap { state in
            Role.allCases.flatMap { role in Outcome.allCases.map { Closing(state: state, role: role, outcome: $0) } }
        }

        var testDescription: String { "\(role) closes from \(state) with \(outcome)" }
    }
}

@Suite("Workflow table (DESIGN.md §5)")
struct WorkflowTableTests {
    typealias Firing = WorkflowSpec.Firing
    typealias Closing = WorkflowSpec.Closing

    // MARK: Every triple

    @Test("every (state, event, role) triple is allowed or refused as §5 says", arguments: WorkflowSpec.allFirings)
    func everyTriple(_ firing: Firing) {
        let expected: Result<CaseState, WorkflowRefusal>
        if let row = firing.row {
            expected = row.roles.contains(firing.role)
                ? .success(row.to) : .failure(.wrongRole(firing.role, firing.event, firing.state))
        } else {
            expected = .failure(.wrongState(firing.event, firing.state))
        }
        let inputs = WorkflowSpec.fullInputs(closing: firing.state)
        #expect(Workflow.decide(firing.event, from: firing.state, by: firing.role, with: inputs) == expected)
    }

    @Test("exactly the 34 triples of §5 are allowed, out of 216")
    func allowedTriplesAreExactlyTheTable() {
        #expect(WorkflowSpec.allFirings.count == 216)
        let allowed = WorkflowSpec.allFirings.filter { firing in
            let inputs = WorkflowSpec.fullInputs(closing: firing.state)
            return (try? Workflow.decide(firing.event, from: firing.state, by: firing.role, with: inputs).get()) != nil
        }
        #expect(allowed.count == 34)
        #expect(Set(allowed) == Set(WorkflowSpec.allowedFirings))
    }

    @Test("an admin may fire every event a lawyer may, with the same result", arguments: CaseState.allCases)
    func adminCoversLawyer(_ state: CaseState) {
        var lawyerAllowed = 0
        for event in WorkflowEvent.allCases {
            let inputs = WorkflowSpec.fullInputs(closing: state)
            let lawyer = Workflow.decide(event, from: state, by: .lawyer, with: inputs)
            guard case .success(let next) = lawyer else { continue }
            lawyerAllowed += 1
            #expect(Workflow.decide(event, from: state, by: .admin, with: inputs) == .success(next))
        }
        #expect(lawyerAllowed == WorkflowSpec.rows.filter { $0.from == state && $0.roles.contains(.lawyer) }.count)
    }

    @Test("an auditor fires nothing", arguments: CaseState.allCases, WorkflowEvent.allCases)
    func auditorFiresNothing(_ state: CaseState, _ event: WorkflowEvent) {
        let result = Workflow.decide(event, from: state, by: .auditor, with: WorkflowSpec.fullInputs(closing: state))
        let expected: WorkflowRefusal = WorkflowSpec.row(event, from: state) == nil
            ? .wrongState(event, state) : .wrongRole(.auditor, event, state)
        #expect(result == .failure(expected))
    }

    @Test("reassign and referral-accepted leave the state as it was", arguments: [
        Firing(.awaitingReview, .reassign, .admin), Firing(.inReview, .reassign, .admin),
        Firing(.needsInfo, .reassign, .admin), Firing(.referred, .reassign, .admin),
        Firing(.referred, .referralAccepted, .lawyer), Firing(.referred, .referralAccepted, .admin),
    ])
    func unchangingEvents(_ firing: Firing) {
        let inputs = WorkflowSpec.fullInputs(closing: firing.state)
        #expect(Workflow.decide(firing.event, from: firing.state, by: firing.role, with: inputs)
                    == .success(firing.state))
    }

    // MARK: Requirements

    @Test("removing a required input is refused as missing; the required ones alone suffice",
          arguments: WorkflowSpec.allowedFirings)
    func missingRequirement(_ firing: Firing) throws {
        let row = try #require(firing.row)
        let full = WorkflowSpec.fullInputs(closing: firing.state)
        for requirement in row.requires {
            let inputs = WorkflowSpec.removing(requirement, from: full)
            #expect(Workflow.decide(firing.event, from: firing.state, by: firing.role, with: inputs)
                        == .failure(.missing(requirement, firing.event)), "without \(requirement)")
        }
        let minimal = WorkflowSpec.minimalInputs(for: row)
        #expect(Workflow.decide(firing.event, from: firing.state, by: firing.role, with: minimal) == .success(row.to))

        let nothing = Workflow.decide(firing.event, from: firing.state, by: firing.role, with: WorkflowInputs())
        if row.requires.isEmpty {
            #expect(nothing == .success(row.to))
        } else {
            guard case .failure(.missing(let requirement, firing.event)) = nothing else {
                Issue.record("with no inputs: \(nothing)")
                return
            }
            #expect(row.requires.contains(requirement))
        }
    }

    @Test("refer needs both a partner and consent: either alone is refused", arguments: [Role.lawyer, .admin])
    func referNeedsBoth(_ role: Role) {
        let partnerOnly = WorkflowInputs(partner: "Partner North")
        let consentOnly = WorkflowInputs(consent: true)
        #expect(Workflow.decide(.refer, from: .inReview, by: role, with: partnerOnly)
                    == .failure(.missing(.consent, .refer)))
        #expect(Workflow.decide(.refer, from: .inReview, by: role, with: consentOnly)
                    == .failure(.missing(.partner, .refer)))
        #expect(Workflow.decide(.refer, from: .inReview, by: role, with: WorkflowInputs(partner: "", consent: true))
                    == .failure(.missing(.partner, .refer)))
    }

    @Test("a note of only whitespace is no note",
          arguments: WorkflowSpec.allowedFirings.filter { $0.row?.requires.contains(.note) == true })
    func whitespaceNote(_ firing: Firing) {
        var inputs = WorkflowSpec.fullInputs(closing: firing.state)
        for blank in ["", " ", "\t\n  \r\n", " \u{00A0}\u{3000} "] {
            inputs.note = blank
            #expect(Workflow.decide(firing.event, from: firing.state, by: firing.role, with: inputs)
                        == .failure(.missing(.note, firing.event)), "note \(blank.debugDescription)")
        }
        inputs.note = "  Asked for the medical board's decision.\n"
        #expect(Workflow.decide(firing.event, from: firing.state, by: firing.role, with: inputs) != .failure(
            .missing(.note, firing.event)))
    }

    @Test("inputs an event does not need are ignored, whatever their value", arguments: WorkflowSpec.allowedFirings)
    func extraInputsIgnored(_ firing: Firing) throws {
        let row = try #require(firing.row)
        let minimal = WorkflowSpec.minimalInputs(for: row)
        var variants: [WorkflowInputs] = []
        if !row.requires.contains(.note) {
            variants += ["A note nobody asked for.", "   "].map {
                var inputs = minimal
                inputs.note = $0
                return inputs
            }
        }
        if !row.requires.contains(.partner) {
            variants += ["Partner North", ""].map { var inputs = minimal; inputs.partner = $0; return inputs }
        }
        if !row.requires.contains(.consent) {
            variants.append({ var inputs = minimal; inputs.consent = true; return inputs }())
        }
        if !row.requires.contains(.outcome) {
            // Even outcomes no close could take (`open`) or that this role could not close with.
            variants += Outcome.allCases.map { var inputs = minimal; inputs.outcome = $0; return inputs }
        }
        if !row.requires.contains(.assignee) {
            variants += ["lawyer-oleg", ""].map { var inputs = minimal; inputs.assignee = $0; return inputs }
        }
        #expect(!variants.isEmpty)
        for inputs in variants {
            #expect(Workflow.decide(firing.event, from: firing.state, by: firing.role, with: inputs)
                        == .success(row.to), "with \(inputs)")
        }
    }

    @Test("a refused role or state is reported before a missing input", arguments: WorkflowSpec.allFirings.filter {
        $0.row?.roles.contains($0.role) != true
    })
    func refusalOrder(_ firing: Firing) {
        let expected: WorkflowRefusal = firing.row == nil
            ? .wrongState(firing.event, firing.state) : .wrongRole(firing.role, firing.event, firing.state)
        #expect(Workflow.decide(firing.event, from: firing.state, by: firing.role, with: WorkflowInputs())
                    == .failure(expected))
    }

    // MARK: Outcomes

    @Test("close: every state, role and outcome", arguments: Closing.all)
    func everyClosing(_ closing: Closing) {
        let expected: Result<CaseState, WorkflowRefusal>
        if let row = WorkflowSpec.row(.close, from: closing.state) {
            if !row.roles.contains(closing.role) {
                expected = .failure(.wrongRole(closing.role, .close, closing.state))
            } else if WorkflowSpec.closingOutcomes(from: closing.state, by: closing.role).contains(closing.outcome) {
                expected = .success(.closed)
            } else {
                expected = .failure(.outcomeNotAllowed(closing.outcome, closing.role, closing.state))
            }
        } else {
            expected = .failure(.wrongState(.close, closing.state))
        }
        let inputs = WorkflowInputs(outcome: closing.outcome)
        #expect(Workflow.decide(.close, from: closing.state, by: closing.role, with: inputs) == expected)
    }

    @Test("a coordinator may close from intake or needs-info with withdrawn, duplicate or lost-contact only",
          arguments: [CaseState.intake, .needsInfo], [Outcome.advised, .outOfScope, .referralCompleted])
    func coordinatorOutcomes(_ state: CaseState, _ refused: Outcome) {
        #expect(Workflow.decide(.close, from: state, by: .coordinator, with: WorkflowInputs(outcome: refused))
                    == .failure(.outcomeNotAllowed(refused, .coordinator, state)))
        for allowed in [Outcome.withdrawn, .duplicate, .lostContact] {
            #expect(Workflow.decide(.close, from: state, by: .coordinator, with: WorkflowInputs(outcome: allowed))
                        == .success(.closed))
        }
    }

    @Test("a coordinator may not close from awaiting-review, in-review or referred, even with an allowed outcome",
          arguments: [CaseState.awaitingReview, .inReview, .referred], [Outcome.withdrawn, .duplicate, .lostContact])
    func coordinatorClosingStates(_ state: CaseState, _ outcome: Outcome) {
        #expect(Workflow.decide(.close, from: state, by: .coordinator, with: WorkflowInputs(outcome: outcome))
                    == .failure(.wrongRole(.coordinator, .close, state)))
    }

    @Test("a lawyer or admin closes with referral-completed only from referred", arguments: [Role.lawyer, .admin])
    func referralCompletedOnlyFromReferred(_ role: Role) {
        let inputs = WorkflowInputs(outcome: .referralCompleted)
        for state in [CaseState.intake, .awaitingReview, .inReview, .needsInfo] {
            #expect(Workflow.decide(.close, from: state, by: role, with: inputs)
                        == .failure(.outcomeNotAllowed(.referralCompleted, role, state)))
        }
        #expect(Workflow.decide(.close, from: .referred, by: role, with: inputs) == .success(.closed))
    }

    @Test("from referred a lawyer or admin may close with every closing outcome",
          arguments: [Role.lawyer, .admin],
          [Outcome.advised, .referralCompleted, .withdrawn, .lostContact, .duplicate, .outOfScope])
    func everyOutcomeFromReferred(_ role: Role, _ outcome: Outcome) {
        #expect(Workflow.decide(.close, from: .referred, by: role, with: WorkflowInputs(outcome: outcome))
                    == .success(.closed))
    }

    @Test("open is never a closing outcome", arguments: CaseState.allCases, Role.allCases)
    func openIsNeverClosing(_ state: CaseState, _ role: Role) {
        let result = Workflow.decide(.close, from: state, by: role, with: WorkflowInputs(outcome: .open))
        let expected: WorkflowRefusal
        if let row = WorkflowSpec.row(.close, from: state) {
            expected = row.roles.contains(role)
                ? .outcomeNotAllowed(.open, role, state) : .wrongRole(role, .close, state)
        } else {
            expected = .wrongState(.close, state)
        }
        #expect(result == .failure(expected))
    }

    @Test("a closed case cannot be closed again, by anyone, with any outcome", arguments: Role.allCases)
    func closedStaysClosed(_ role: Role) {
        for outcome in Outcome.allCases {
            #expect(Workflow.decide(.close, from: .closed, by: role, with: WorkflowInputs(outcome: outcome))
                        == .failure(.wrongState(.close, .closed)))
        }
    }

    // MARK: events(from:for:)

    @Test("events(from:for:) lists exactly the events §5 lets the role fire there",
          arguments: CaseState.allCases, Role.allCases)
    func eventsAgreeWithTable(_ state: CaseState, _ role: Role) {
        let listed = Workflow.events(from: state, for: role)
        let expected = Set(WorkflowSpec.rows.filter { $0.from == state && $0.roles.contains(role) }.map(\.event))
        #expect(Set(listed) == expected)
        #expect(listed.count == expected.count, "no event listed twice")
    }

    // MARK: Documentation

    static func mermaidName(_ state: CaseState) -> String {
        state.rawValue.replacingOccurrences(of: "-", with: "_")
    }

    /// (from, to, event) -> roles, read back from the Mermaid arrows.
    static func mermaidArrows() -> [String: Set<String>] {
        var arrows: [String: Set<String>] = [:]
        for line in Workflow.mermaidDiagram.split(separator: "\n") where line.contains(" --> ")
            && !line.contains("[*]") {
            let sides = line.trimmingCharacters(in: .whitespaces).components(separatedBy: " : ")
            guard sides.count == 2 else {
                Issue.record("unreadable arrow: \(line)")
                continue
            }
            let label = sides[1].components(separatedBy: " (")
            let roles = label.count == 2 ? label[1].dropLast().components(separatedBy: ", ") : []
            let key = sides[0] + " : " + label[0]
            #expect(arrows[key] == nil, "arrow drawn twice: \(key)")
            arrows[key] = Set(roles)
        }
        return arrows
    }

    static func arrowKey(_ row: WorkflowSpec.Row) -> String {
        "\(mermaidName(row.from)) --> \(mermaidName(row.to)) : \(row.event.rawValue)"
    }

    @Test("the Mermaid diagram draws every transition of §5", arguments: WorkflowSpec.rows)
    func diagramHasArrow(_ row: WorkflowSpec.Row) {
        #expect(Workflow.mermaidDiagram.contains(Self.arrowKey(row)))
        let roles = Self.mermaidArrows()[Self.arrowKey(row)]
        #expect(roles == Set(row.roles.map(\.rawValue)), "who may fire \(row.event) from \(row.from)")
    }

    @Test("the Mermaid diagram draws nothing §5 lacks")
    func diagramHasNoExtraArrow() {
        let diagram = Workflow.mermaidDiagram
        #expect(diagram.hasPrefix("stateDiagram-v2\n"))
        #expect(diagram.contains("[*] --> intake"))
        #expect(Set(Self.mermaidArrows().keys) == Set(WorkflowSpec.rows.map(Self.arrowKey)))
    }

    @Test("the Markdown table has one row per rule, and its rows say what §5 says")
    func markdownTable() throws {
        let lines = Workflow.markdownTable.split(separator: "\n").map(String.init)
        try #require(lines.count >= 2)
        #expect(lines[0] == "| event | from | to | who | requires |")
        #expect(lines[1] == "|---|---|---|---|---|")
        let body = Array(lines.dropFirst(2))
        #expect(body.count == Workflow.rules.count)
        for (line, rule) in zip(body, Workflow.rules) {
            #expect(line.hasPrefix("| \(rule.event.rawValue) | "))
        }

        var triples: [Firing: CaseState] = [:]
        for line in body {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            try #require(cells.count == 7, "\(line)")
            let event = try #require(WorkflowEvent(rawValue: cells[1]), "\(line)")
            let states = try cells[2].components(separatedBy: ", ").map { try #require(CaseState(rawValue: $0)) }
            let roles = try cells[4].components(separatedBy: ", ").map { try #require(Role(rawValue: $0)) }
            for state in states {
                let to = cells[3] == "(unchanged)" ? state : try #require(CaseState(rawValue: cells[3]), "\(line)")
                let row = try #require(WorkflowSpec.row(event, from: state), "\(line)")
                for requirement in row.requires {
                    #expect(cells[5].contains(requirement.description), "\(line) lacks \(requirement)")
                }
                for role in roles {
                    #expect(triples.updateValue(to, forKey: Firing(state, event, role)) == nil, "\(line)")
                }
            }
        }
        let expected = Dictionary(uniqueKeysWithValues: WorkflowSpec.rows.flatMap { row in
            row.roles.map { (Firing(row.from, row.event, $0), row.to) }
        })
        #expect(triples == expected)
    }

    @Test("the documentation holds both the table and the diagram")
    func documentation() {
        let documentation = Workflow.documentation
        #expect(documentation.contains(Workflow.markdownTable))
        #expect(documentation.contains("```mermaid\n" + Workflow.mermaidDiagram + "\n```"))
    }
}
