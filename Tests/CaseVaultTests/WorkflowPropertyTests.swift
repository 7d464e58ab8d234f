import Testing

@testable import CaseVault

/// Random walks through the workflow, checked against the hand-written table in ``WorkflowSpec``.
@Suite("Workflow properties")
struct WorkflowPropertyTests {
    typealias Firing = WorkflowSpec.Firing

    struct Transition: Hashable, CustomStringConvertible {
        let from: CaseState
        let event: WorkflowEvent
        let to: CaseState

        var description: String { "\(event): \(from) -> \(to)" }
    }

    static let specTransitions = Set(WorkflowSpec.rows.map { Transition(from: $0.from, event: $0.event, to: $0.to) })

    /// Inputs where each one is present, absent or blank at random; outcomes include `open`.
    static func randomInputs(using generator: inout SplitMix64) -> WorkflowInputs {
        let notes: [String?] = [nil, "", " \n\t", "The person asked about the medical board.", "Papers arrived."]
        return WorkflowInputs(
            note: notes.randomElement(using: &generator) ?? nil,
            partner: [nil, "", "Partner North", "Partner South"].randomElement(using: &generator) ?? nil,
            consent: Bool.random(using: &generator),
            outcome: Int.random(in: 0..<4, using: &generator) == 0
                ? nil : Outcome.allCases.randomElement(using: &generator),
            assignee: [nil, "", "lawyer-oleg", "lawyer-maria"].randomElement(using: &generator) ?? nil)
    }

    /// 4 seeds × 1,000 sequences × up to 30 events, folded from `intake` through `Workflow.decide`.
    @Test("random event sequences move only along §5's transitions", arguments: [
        UInt64(0x5EED_0001), 0x5EED_0002, 0xC0FF_EE00_1234_5678, 20_231_130,
    ])
    func randomSequences(_ seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var violations: [String] = []
        var reached: Set<CaseState> = [.intake]
        var taken: Set<Transition> = []
        var refusals = 0
        var steps = 0

        for sequence in 0..<1_000 {
            var state = CaseState.intake
            let length = Int.random(in: 0...30, using: &generator)
            for step in 0..<length {
                steps += 1
                // Half the events are any event at all, half one that §5 lets some role fire here, so walks
                // get deep enough to take every transition as well as to be refused.
                let applicable = WorkflowSpec.rows.filter { $0.from == state }.map(\.event)
                let pool = Bool.random(using: &generator) ? WorkflowEvent.allCases : applicable
                let event = pool.randomElement(using: &generator) ?? .submit
                let role = Role.allCases.randomElement(using: &generator) ?? .lawyer
                let inputs = Self.randomInputs(using: &generator)
                let result = Workflow.decide(event, from: state, by: role, with: inputs)
                let verdict = WorkflowSpec.verdict(event, from: state, by: role, with: inputs)
                let place = "seed \(seed), sequence \(sequence), step \(step): \(role) fires \(event) from \(state)"
                if !WorkflowSpec.agrees(result, with: verdict, event, state, role, inputs) {
                    violations.append("\(place) with \(inputs): got \(result), §5 says \(verdict)")
                }
                switch result {
                case .success(let next):
                    let transition = Transition(from: state, event: event, to: next)
                    if !Self.specTransitions.contains(transition) {
                        violations.append("\(place): \(transition) is not in §5")
                    }
                    if next == .closed, state != .closed, event != .close {
                        violations.append("\(place): closed entered by \(event)")
                    }
                    taken.insert(transition)
                    state = next
                    reached.insert(state)
                case .failure:
                    // A refusal is only right where §5 refuses; the case then stays where it was.
                    if case .moves = verdict {
                        violations.append("\(place) with \(inputs): refused, but §5 allows it")
                    }
                    refusals += 1
                }
            }
        }

        #expect(violations.isEmpty, "\(violations.count) violations, first: \(violations.prefix(5))")
        #expect(steps > 10_000)
        #expect(refusals > 0 && refusals < steps, "the walks must mix refusals and transitions")
        #expect(reached.isSubset(of: Set(CaseState.allCases)))
        #expect(reached == Set(CaseState.allCases), "random walks reach every state")
        #expect(taken == Self.specTransitions, "random walks take every transition of §5 and no other")
    }

    @Test("every state is reachable from intake, along exactly §5's transitions")
    func everyStateReachable() {
        var reached: Set<CaseState> = [.intake]
        var frontier: [CaseState] = [.intake]
        var edges: Set<Transition> = []
        var depth: [CaseState: Int] = [.intake: 0]
        while let state = frontier.first {
            frontier.removeFirst()
            for event in WorkflowEvent.allCases {
                for role in Role.allCases {
                    for outcome in Outcome.allCases {
                        var inputs = WorkflowSpec.fullInputs(closing: state)
                        inputs.outcome = outcome
                        guard case .success(let next) = Workflow.decide(event, from: state, by: role, with: inputs)
                        else { continue }
                        edges.insert(Transition(from: state, event: event, to: next))
                        if reached.insert(next).inserted {
                            depth[next] = (depth[state] ?? 0) + 1
                            frontier.append(next)
                        }
                    }
                }
            }
        }
        #expect(reached == Set(CaseState.allCases))
        #expect(edges == Self.specTransitions)
        // Shortest paths from intake: submit; begin-review; request-info or refer; close from intake.
        #expect(depth == [.intake: 0, .awaitingReview: 1, .closed: 1, .inReview: 2, .needsInfo: 3, .referred: 3])
    }

    @Test("closed is entered only through close, and left only through reopen")
    func closedOnlyThroughClose() {
        var entered = 0
        for firing in WorkflowSpec.allFirings {
            for outcome in Outcome.allCases {
                var inputs = WorkflowSpec.fullInputs(closing: firing.state)
                inputs.outcome = outcome
                guard case .success(let next) = Workflow.decide(firing.event, from: firing.state, by: firing.role,
                                                                with: inputs)
                else { continue }
                if next == .closed, firing.state != .closed {
                    entered += 1
                    #expect(firing.event == .close, "\(firing) entered closed")
                }
                if firing.state == .closed {
                    #expect(firing.event == .reopen && next == .awaitingReview, "\(firing) left closed to \(next)")
                }
            }
        }
        // Per (state, role) that may close: 3 coordinator outcomes twice, 5 or 6 for lawyers and admins.
        #expect(entered == 2 * 3 + 2 * (4 * 5 + 6))
    }

    @Test("every triple with random inputs is decided as §5 says", arguments: WorkflowSpec.allFirings)
    func everyTripleWithRandomInputs(_ firing: Firing) throws {
        let index = try #require(WorkflowSpec.allFirings.firstIndex(of: firing))
        var generator = SplitMix64(seed: 0xF1F1_0000 + UInt64(index))
        var outcomes: Set<String> = []
        for _ in 0..<64 {
            let inputs = Self.randomInputs(using: &generator)
            let result = Workflow.decide(firing.event, from: firing.state, by: firing.role, with: inputs)
            let verdict = WorkflowSpec.verdict(firing.event, from: firing.state, by: firing.role, with: inputs)
            #expect(WorkflowSpec.agrees(result, with: verdict, firing.event, firing.state, firing.role, inputs),
                    "\(inputs): got \(result), §5 says \(verdict)")
            outcomes.insert("\(verdict)")
        }
        if let row = firing.row, row.roles.contains(firing.role), !row.requires.isEmpty {
            #expect(outcomes.count > 1, "random inputs should both satisfy and miss the requirements")
        }
    }
}
