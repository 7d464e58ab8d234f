import Foundation
import Testing

/// Helpers for the casework tests (`case event`, partners, referrals), shared by `WorkflowCLITests`
/// and `ReferralCLITests`.
enum Casework {
    /// `case event ID EVENT OPTIONS...` as `user`.
    static func fire(_ workspace: Workspace, as user: String, _ id: String, _ event: String,
                     _ options: [String] = [], stdin: Data? = nil) async throws -> CommandResult {
        try await workspace.run(as: user, ["case", "event", id, event] + options, stdin: stdin)
    }

    /// Fires an event that must succeed: exit 0, nothing on stderr, and on stdout the line
    /// `Case ID: EVENT -> STATE...` (or, with `--json`, the case as an object in `state`).
    @discardableResult
    static func step(_ workspace: Workspace, as user: String, _ id: String, _ event: String,
                     _ options: [String] = [], to state: String, stdin: Data? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) async throws -> CommandResult {
        let result = try await fire(workspace, as: user, id, event, options, stdin: stdin)
        try #require(result.status == 0 && !result.crashed, "\(event) by \(user) failed: \(result)",
                     sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, "\(event) by \(user) wrote to stderr: \(result)",
                sourceLocation: sourceLocation)
        if options.contains("--json") {
            let object = try result.jsonObject()
            #expect(object["id"] as? String == id, "\(result)", sourceLocation: sourceLocation)
            #expect(object["state"] as? String == state, "\(result)", sourceLocation: sourceLocation)
        } else {
            #expect(result.stdoutLines.count == 1, "\(result)", sourceLocation: sourceLocation)
            #expect(result.stdout.hasPrefix("Case \(id): \(event) -> \(state)"), "\(result)",
                    sourceLocation: sourceLocation)
        }
        return result
    }

    /// `case show ID --json` as `user`, which must succeed: the exact text and the parsed object.
    static func show(_ workspace: Workspace, as user: String = Cast.admin, _ id: String,
                     sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> (text: String, object: [String: Any]) {
        let result = try await workspace.run(as: user, ["case", "show", id, "--json"])
        try #require(result.status == 0, "case show failed: \(result)", sourceLocation: sourceLocation)
        return (result.stdout, try result.jsonObject())
    }

    /// `referral keygen --out NAME` in the workspace (the partner's side): the key file and the printed public key.
    static func keygen(_ workspace: Workspace, _ name: String,
                       sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> (file: String, publicKey: String) {
        let file = workspace.directory.appendingPathComponent(name).path
        let result = try await workspace.run(["referral", "keygen", "--out", file])
        try #require(result.status == 0, "referral keygen failed: \(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, "\(result)", sourceLocation: sourceLocation)
        let key = result.stdout.trimmingCharacters(in: .newlines)
        #expect(Data(base64Encoded: key)?.count == 32, "not a 32-byte base64 key: \(result)",
                sourceLocation: sourceLocation)
        return (file, key)
    }

    /// `partner add NAME --services S [--public-key KEY]` as the admin; must succeed.
    static func addPartner(_ workspace: Workspace, _ name: String, services: String, publicKey: String? = nil,
                           sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let result = try await workspace.run(as: Cast.admin, ["partner", "add", name, "--services", services]
                                             + (publicKey.map { ["--public-key", $0] } ?? []))
        try #require(result.status == 0, "partner add failed: \(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, "\(result)", sourceLocation: sourceLocation)
    }

    /// A case logged by the coordinator (with `extra` options such as a contact file), submitted and taken
    /// into review by `lawyer`.
    static func caseInReview(_ workspace: Workspace, lawyer: String = Cast.lawyer, _ options: [String],
                             sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let id = try await workspace.newCase(as: Cast.coordinator, options, sourceLocation: sourceLocation)
        try await step(workspace, as: Cast.coordinator, id, "submit", to: "awaiting-review",
                       sourceLocation: sourceLocation)
        try await step(workspace, as: lawyer, id, "begin-review", to: "in-review", sourceLocation: sourceLocation)
        return id
    }

    /// `caseInReview`, then referred by the lawyer to `partner` with the person's consent.
    static func referredCase(_ workspace: Workspace, to partner: String, _ options: [String],
                             sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let id = try await caseInReview(workspace, options, sourceLocation: sourceLocation)
        try await step(workspace, as: Cast.lawyer, id, "refer", ["--partner", partner, "--consent"], to: "referred",
                       sourceLocation: sourceLocation)
        return id
    }

    /// The ids of `case list --json OPTIONS` as the lawyer, in the order listed.
    static func list(_ workspace: Workspace, _ options: [String], as user: String = Cast.lawyer,
                     sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
        let result = try await workspace.run(as: user, ["case", "list", "--json"] + options)
        expectSuccess(result, sourceLocation: sourceLocation)
        return try result.jsonArray().compactMap { $0["id"] as? String }
    }
}

@Suite("casevault case event and workflow: casework on the command line")
struct WorkflowCLITests {
    /// One history entry as `case show --json` must have it.
    struct Step: Equatable, CustomStringConvertible {
        let event: String
        let from: String?
        let to: String
        let actor: String

        var description: String { "\(event) \(from ?? "-") -> \(to) by \(actor)" }
    }

    @Test("a case from intake through review, a request for information and a referral to its close")
    func fullCaseLife() async throws {
        let workspace = try await Workspace.withUsers()
        let partner = "safe-exit-ngo"
        let key = try await Casework.keygen(workspace, "partner.key")
        try await Casework.addPartner(workspace, partner, services: "exit,legal", publicKey: key.publicKey)

        let contact = "@life_contact_3141"
        let narrative = "Wants to leave; LIFE-NARRATIVE-MARKER."
        let id = try await workspace.newCase(as: Cast.coordinator, requestOptions(deadline: "2099-01-31") + [
            "--contact-file", try workspace.write("contact.txt", contact + "\n"),
            "--narrative-file", try workspace.write("narrative.txt", narrative + "\n"),
        ])
        let question = "Which documents does the person still hold? Ask for the discharge papers."
        let questionFile = try workspace.write("question.txt", question + "\n")

        try await Casework.step(workspace, as: Cast.coordinator, id, "submit", to: "awaiting-review")
        try await Casework.step(workspace, as: Cast.lawyer, id, "begin-review", to: "in-review")
        try await Casework.step(workspace, as: Cast.lawyer, id, "request-info", ["--note-file", questionFile],
                                to: "needs-info")

        // The request for information is in the intake compartment: the coordinator reads it.
        let asked = try await Casework.show(workspace, as: Cast.coordinator, id).object
        #expect(asked["state"] as? String == "needs-info")
        #expect(asked["assignee"] as? String == Cast.lawyer)
        let askedHistory = try #require(asked["history"] as? [[String: Any]])
        #expect(askedHistory.last?["event"] as? String == "request-info")
        #expect(askedHistory.last?["note"] as? String == question, "the coordinator should read the question")

        try await Casework.step(workspace, as: Cast.coordinator, id, "submit", to: "awaiting-review")
        try await Casework.step(workspace, as: Cast.lawyer, id, "begin-review", to: "in-review")
        try await Casework.step(workspace, as: Cast.lawyer, id, "refer", ["--partner", partner, "--consent"],
                                to: "referred")

        let sent = try await Casework.show(workspace, as: Cast.lawyer, id).object
        let sentReferrals = try #require(sent["referrals"] as? [[String: Any]])
        try #require(sentReferrals.count == 1, "\(sent)")
        #expect(sentReferrals[0]["status"] as? String == "sent")
        #expect(sentReferrals[0]["sent"] is String)
        #expect(sentReferrals[0]["accepted"] is NSNull)
        #expect(sentReferrals[0]["completed"] is NSNull)
        #expect(sent["contact"] as? String == contact, "the contact stays while the case is open")

        try await Casework.step(workspace, as: Cast.lawyer, id, "referral-accepted", to: "referred")
        try await Casework.step(workspace, as: Cast.lawyer, id, "close", ["--outcome", "referral-completed"],
                                to: "closed")

        let final = try await Casework.show(workspace, as: Cast.lawyer, id)
        let record = final.object
        #expect(record["id"] as? String == id)
        #expect(record["state"] as? String == "closed")
        #expect(record["outcome"] as? String == "referral-completed")
        #expect(record["assignee"] as? String == Cast.lawyer)
        #expect(record["contact"] is NSNull, "closing must erase the contact handle: \(final.text)")
        #expect(!final.text.contains(contact))
        #expect(record["narrative"] as? String == narrative, "closing keeps the narrative")

        let history = try #require(record["history"] as? [[String: Any]])
        #expect(history.allSatisfy { keys($0) == ["event", "from", "to", "actor", "at", "note"] })
        let steps = history.map { entry in
            Step(event: entry["event"] as? String ?? "?", from: entry["from"] as? String,
                 to: entry["to"] as? String ?? "?", actor: entry["actor"] as? String ?? "?")
        }
        let (coordinator, lawyer) = (Cast.coordinator, Cast.lawyer)
        #expect(steps == [
            Step(event: "intake", from: nil, to: "intake", actor: coordinator),
            Step(event: "submit", from: "intake", to: "awaiting-review", actor: coordinator),
            Step(event: "begin-review", from: "awaiting-review", to: "in-review", actor: lawyer),
            Step(event: "request-info", from: "in-review", to: "needs-info", actor: lawyer),
            Step(event: "submit", from: "needs-info", to: "awaiting-review", actor: coordinator),
            Step(event: "begin-review", from: "awaiting-review", to: "in-review", actor: lawyer),
            Step(event: "refer", from: "in-review", to: "referred", actor: lawyer),
            Step(event: "referral-accepted", from: "referred", to: "referred", actor: lawyer),
            Step(event: "close", from: "referred", to: "closed", actor: lawyer),
        ])
        #expect(history[0]["from"] is NSNull)
        #expect(history.map { $0["note"] as? String } == [nil, nil, nil, question, nil, nil, nil, nil, nil])
        let times = history.compactMap { $0["at"] as? String }
        #expect(times.count == history.count && times == times.sorted(), "times out of order: \(times)")

        let referrals = try #require(record["referrals"] as? [[String: Any]])
        try #require(referrals.count == 1, "\(final.text)")
        let referral = referrals[0]
        #expect(referral["partner"] as? String == partner)
        #expect(referral["status"] as? String == "completed")
        #expect(referral["consent"] as? Bool == true)
        for field in ["sent", "accepted", "completed"] {
            #expect(referral[field] is String, "\(field) should be set: \(referral)")
        }
        #expect(referral["declined"] == nil || referral["declined"] is NSNull)
        #expect((referral["sent"] as? String).map { times.contains($0) } == true, "sent is the time of refer")

        // The coordinator sees the same closed case, without the contact.
        let coordinatorView = try await Casework.show(workspace, as: Cast.coordinator, id).object
        #expect(coordinatorView["state"] as? String == "closed")
        #expect(coordinatorView["contact"] is NSNull)
        #expect((coordinatorView["history"] as? [Any])?.count == 9)

        let text = try await workspace.run(as: Cast.lawyer, ["case", "show", id])
        expectSuccess(text)
        #expect(text.stdout.contains("closed"), "\(text.stdout)")
        #expect(text.stdout.contains("referral-completed"), "\(text.stdout)")
        #expect(text.stdout.contains(partner), "\(text.stdout)")
        #expect(!text.stdout.contains(contact))
    }

    @Test("refused events exit 1 with one line naming the reason and leave the case exactly as it was")
    func refusedEvents() async throws {
        let workspace = try await Workspace.withUsers()
        let partner = "legal-aid-ngo"
        try await Casework.addPartner(workspace, partner, services: "legal")
        let contactFile = try workspace.write("contact.txt", "@refusal_contact_77\n")
        let inIntake = try await workspace.newCase(as: Cast.coordinator, requestOptions() + ["--contact-file",
                                                                                          contactFile])
        let awaiting = try await workspace.newCase(as: Cast.coordinator, requestOptions(urgency: "normal"))
        try await Casework.step(workspace, as: Cast.coordinator, awaiting, "submit", to: "awaiting-review")
        let inReview = try await Casework.caseInReview(workspace, requestOptions(urgency: "critical"))
        let note = try workspace.write("note.txt", "Asked for the call-up papers.\n")
        let blank = try workspace.write("blank.txt", "  \n\n")

        let before = [
            inIntake: try await Casework.show(workspace, inIntake).text,
            awaiting: try await Casework.show(workspace, awaiting).text,
            inReview: try await Casework.show(workspace, inReview).text,
        ]

        func refuse(_ user: String, _ id: String, _ event: String, _ options: [String] = [], status: Int32 = 1,
                    mentions: [String], withholds: [String] = [],
                    sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let result = try await Casework.fire(workspace, as: user, id, event, options)
            expectFailure(result, status: status, mentions: mentions, sourceLocation: sourceLocation)
            for secret in withholds {
                #expect(!result.stderr.contains(secret), "the error repeats sensitive text: \(result.stderr)",
                        sourceLocation: sourceLocation)
            }
            let after = try await Casework.show(workspace, id, sourceLocation: sourceLocation).text
            #expect(after == before[id], "a refused \(event) by \(user) changed the case:\n\(after)",
                    sourceLocation: sourceLocation)
        }

        // Wrong role: only lawyers (and admins) begin a review.
        try await refuse(Cast.coordinator, awaiting, "begin-review", mentions: ["coordinator", "begin-review"])
        // Wrong state: a case in review is not submitted again, by anyone.
        try await refuse(Cast.coordinator, inReview, "submit", mentions: ["submit", "in-review"])
        try await refuse(Cast.lawyer, inReview, "submit", mentions: ["submit", "in-review"])
        try await refuse(Cast.lawyer, inIntake, "begin-review", mentions: ["begin-review", "intake"])
        try await refuse(Cast.lawyer, awaiting, "referral-accepted", mentions: ["referral-accepted"])
        // A referral needs the person's recorded consent and a registered partner.
        try await refuse(Cast.lawyer, inReview, "refer", ["--partner", partner], mentions: ["refer", "consent"])
        try await refuse(Cast.lawyer, inReview, "refer", ["--consent"], mentions: ["refer", "partner"])
        try await refuse(Cast.lawyer, inReview, "refer", ["--partner", "no-such-ngo", "--consent"],
                         mentions: ["no-such-ngo"])
        // A request for information needs a note; a blank one is no note.
        try await refuse(Cast.lawyer, inReview, "request-info", mentions: ["request-info", "note"])
        try await refuse(Cast.lawyer, inReview, "request-info", ["--note-file", blank],
                         mentions: ["request-info", "note"])
        try await refuse(Cast.lawyer, inReview, "request-info", ["--note-file", "missing-note.txt"],
                         mentions: ["missing-note.txt"])
        // A coordinator closes only with withdrawn, duplicate or lost-contact.
        try await refuse(Cast.coordinator, inIntake, "close", ["--outcome", "advised"],
                         mentions: ["coordinator", "advised"])
        try await refuse(Cast.coordinator, awaiting, "close", ["--outcome", "withdrawn"],
                         mentions: ["coordinator", "close"])
        // close needs an outcome, and referral-completed only from referred.
        try await refuse(Cast.lawyer, inReview, "close", mentions: ["close", "outcome"])
        try await refuse(Cast.lawyer, inReview, "close", ["--outcome", "referral-completed"],
                         mentions: ["referral-completed"])
        // reassign is for admins, and only to a lawyer.
        try await refuse(Cast.lawyer, inReview, "reassign", ["--assignee", Cast.lawyer],
                         mentions: ["lawyer", "reassign"])
        try await refuse(Cast.admin, inReview, "reassign", ["--assignee", Cast.coordinator],
                         mentions: [Cast.coordinator])
        try await refuse(Cast.admin, inReview, "reassign", mentions: ["reassign", "assignee"])
        // An auditor fires no event at all, however valid it would be for another role.
        try await refuse(Cast.auditor, inIntake, "submit", mentions: [])
        try await refuse(Cast.auditor, awaiting, "begin-review", mentions: [])
        try await refuse(Cast.auditor, inReview, "request-info", ["--note-file", note], mentions: [])
        try await refuse(Cast.auditor, inIntake, "close", ["--outcome", "withdrawn"], mentions: [])

        // Usage errors (exit 2): a note as a plain option, an unknown event, an unknown outcome.
        let secret = "Plans to cross at Verkhny Lars on Friday"
        try await refuse(Cast.lawyer, inReview, "request-info", ["--note", secret], status: 2,
                         mentions: ["--note", "--note-file"], withholds: ["Verkhny Lars"])
        try await refuse(Cast.lawyer, inReview, "request-info", ["--note=\(secret)"], status: 2,
                         mentions: ["--note-file"], withholds: ["Verkhny Lars"])
        try await refuse(Cast.lawyer, inReview, "approve", status: 2, mentions: ["approve"])
        try await refuse(Cast.lawyer, inReview, "close", ["--outcome", "won"], status: 2, mentions: ["won"])
        try await refuse(Cast.lawyer, inReview, "refer", ["--partner", partner, "--consent", "--frobnicate"],
                         status: 2, mentions: ["--frobnicate"])

        // An unknown (well-formed) case id is a refusal, a malformed one a usage error.
        let unknown = "0ABCDEFGHJKMNPQRSTVWXYZ012"
        let missing = try await Casework.fire(workspace, as: Cast.lawyer, unknown, "begin-review")
        expectFailure(missing, status: 1, mentions: [unknown])
        let malformed = try await Casework.fire(workspace, as: Cast.lawyer, "not-a-case", "begin-review")
        expectFailure(malformed, status: 2, mentions: ["not-a-case"])

        // Nothing moved: every case is as it was, and the valid events still go through afterwards.
        for (id, text) in before {
            #expect(try await Casework.show(workspace, id).text == text)
        }
        try await Casework.step(workspace, as: Cast.lawyer, inReview, "request-info", ["--note-file", note],
                                to: "needs-info")
        try await Casework.step(workspace, as: Cast.coordinator, inIntake, "close", ["--outcome", "withdrawn"],
                                to: "closed")
    }

    @Test("case list --assignee and --overdue follow the workflow: closed cases are never overdue")
    func listingsAfterWorkflowMoves() async throws {
        let workspace = try await Workspace.withUsers()
        let partner = "exit-partner"
        try await Casework.addPartner(workspace, partner, services: "exit")
        func new(_ urgency: String, _ deadline: String?, received: String) async throws -> String {
            try await workspace.newCase(as: Cast.coordinator, requestOptions(received: received, urgency: urgency,
                                                                            deadline: deadline))
        }
        // Sorted: urgency, then deadline (none last), then received.
        let b = try await new("critical", "2020-01-15", received: "2023-03-02")  // closed by the coordinator
        let a = try await new("critical", "2020-02-01", received: "2023-03-01")  // in review by the lawyer
        let e = try await new("high", "2021-06-01", received: "2023-03-05")      // referred by the lawyer
        let c = try await new("high", "2099-12-31", received: "2023-03-03")      // admin's review, reassigned
        let f = try await new("normal", "2020-03-01", received: "2023-03-06")    // closed by the lawyer
        let d = try await new("normal", nil, received: "2023-03-04")             // still at intake

        for id in [a, c, e, f] {
            try await Casework.step(workspace, as: Cast.coordinator, id, "submit", to: "awaiting-review")
        }
        try await Casework.step(workspace, as: Cast.lawyer, a, "begin-review", to: "in-review")
        try await Casework.step(workspace, as: Cast.lawyer, e, "begin-review", to: "in-review")
        try await Casework.step(workspace, as: Cast.lawyer, f, "begin-review", to: "in-review")
        try await Casework.step(workspace, as: Cast.admin, c, "begin-review", ["--json"], to: "in-review")
        try await Casework.step(workspace, as: Cast.lawyer, e, "refer", ["--partner", partner, "--consent"],
                                to: "referred")
        try await Casework.step(workspace, as: Cast.lawyer, e, "referral-accepted", to: "referred")
        try await Casework.step(workspace, as: Cast.lawyer, f, "close", ["--outcome", "advised"], to: "closed")
        try await Casework.step(workspace, as: Cast.coordinator, b, "close", ["--outcome", "withdrawn"],
                                to: "closed")

        #expect(try await Casework.list(workspace, []) == [b, a, e, c, f, d])
        // begin-review assigns whoever fires it.
        #expect(try await Casework.list(workspace, ["--assignee", Cast.admin]) == [c])
        let summaries = try await workspace.run(as: Cast.lawyer, ["case", "list", "--json"])
        expectSuccess(summaries)
        let listed = try summaries.jsonArray()
        func assignee(_ id: String) -> Any? { listed.first { $0["id"] as? String == id }?["assignee"] }
        #expect(assignee(a) as? String == Cast.lawyer && assignee(e) as? String == Cast.lawyer)
        #expect(assignee(c) as? String == Cast.admin)
        #expect(assignee(d) is NSNull && assignee(b) is NSNull, "\(summaries.stdout)")

        try await Casework.step(workspace, as: Cast.admin, c, "reassign", ["--assignee", Cast.lawyer],
                                to: "in-review")
        #expect(try await Casework.list(workspace, ["--assignee", Cast.admin]).isEmpty)
        // --assignee lists exactly the cases whose record names the lawyer as assignee.
        var lawyers: [String] = []
        for id in [b, a, e, c, f, d] {
            let record = try await Casework.show(workspace, id).object
            if record["assignee"] as? String == Cast.lawyer { lawyers.append(id) }
        }
        #expect(Set([a, e, c]).isSubset(of: Set(lawyers)), "\(lawyers)")
        #expect(try await Casework.list(workspace, ["--assignee", Cast.lawyer]) == lawyers)
        #expect(try await Casework.list(workspace, ["--assignee", Cast.lawyer], as: Cast.coordinator) == lawyers)

        // Overdue: open with a deadline before today; the closed b and f had theirs long ago.
        #expect(try await Casework.list(workspace, ["--overdue"]) == [a, e])
        #expect(try await Casework.list(workspace, ["--overdue", "--assignee", Cast.lawyer]) == [a, e])
        #expect(try await Casework.list(workspace, ["--overdue", "--state", "closed"]).isEmpty)
        #expect(try await Casework.list(workspace, ["--state", "closed"]) == [b, f])
        #expect(try await Casework.list(workspace, ["--state", "referred"]) == [e])
        let text = try await workspace.run(as: Cast.lawyer, ["case", "list", "--overdue"])
        expectSuccess(text)
        #expect(text.stdoutLines.contains { $0.hasPrefix(a) } && text.stdoutLines.contains { $0.hasPrefix(e) })
        for id in [b, c, d, f] {
            #expect(!text.stdout.contains(id), "\(id) is not overdue: \(text.stdout)")
        }

        // Reopened (the note from standard input), b is open again and overdue again.
        try await Casework.step(workspace, as: Cast.lawyer, b, "reopen", ["--note-file", "-"], to: "awaiting-review",
                                stdin: Data("The person wrote again.\n".utf8))
        #expect(try await Casework.list(workspace, ["--overdue"]) == [b, a, e])
        let reopened = try await Casework.show(workspace, b).object
        #expect(reopened["outcome"] as? String == "open")
        #expect((reopened["history"] as? [[String: Any]])?.last?["note"] as? String == "The person wrote again.")

        let nobody = try await workspace.run(as: Cast.lawyer, ["case", "list", "--assignee", "nobody"])
        expectFailure(nobody, status: 1, mentions: ["nobody"])
    }

    @Test("a declined referral returns the case to review; the next referral is recorded as a second one")
    func declinedReferral() async throws {
        let workspace = try await Workspace.withUsers()
        try await Casework.addPartner(workspace, "first-ngo", services: "exit")
        try await Casework.addPartner(workspace, "second-ngo", services: "exit,legal")
        let id = try await Casework.caseInReview(workspace, requestOptions())
        try await Casework.step(workspace, as: Cast.lawyer, id, "refer", ["--partner", "first-ngo", "--consent"],
                                to: "referred")
        let before = try await Casework.show(workspace, id).text
        expectFailure(try await Casework.fire(workspace, as: Cast.lawyer, id, "referral-declined"), status: 1,
                      mentions: ["referral-declined", "note"])
        expectFailure(try await Casework.fire(workspace, as: Cast.coordinator, id, "referral-declined",
                                              ["--note-file", try workspace.write("why.txt", "No capacity.\n")]),
                      status: 1, mentions: ["coordinator", "referral-declined"])
        #expect(try await Casework.show(workspace, id).text == before)

        let reason = "The partner has no capacity this month."
        try await Casework.step(workspace, as: Cast.lawyer, id, "referral-declined", ["--note-file", "-"],
                                to: "in-review", stdin: Data((reason + "\n").utf8))
        try await Casework.step(workspace, as: Cast.lawyer, id, "refer", ["--partner", "second-ngo", "--consent"],
                                to: "referred")
        try await Casework.step(workspace, as: Cast.lawyer, id, "close", ["--outcome", "referral-completed"],
                                to: "closed")

        let record = try await Casework.show(workspace, id).object
        let history = try #require(record["history"] as? [[String: Any]])
        #expect(history.compactMap { $0["event"] as? String } == [
            "intake", "submit", "begin-review", "refer", "referral-declined", "refer", "close",
        ])
        #expect(history[4]["note"] as? String == reason)
        let referrals = try #require(record["referrals"] as? [[String: Any]])
        try #require(referrals.count == 2, "\(record)")
        #expect(referrals[0]["partner"] as? String == "first-ngo")
        #expect(referrals[0]["status"] as? String == "declined")
        #expect(referrals[0]["declined"] is String)
        #expect(referrals[0]["accepted"] is NSNull && referrals[0]["completed"] is NSNull)
        #expect(referrals[1]["partner"] as? String == "second-ngo")
        #expect(referrals[1]["status"] as? String == "completed")
        #expect(referrals[1]["consent"] as? Bool == true)
        #expect(referrals[1]["completed"] is String && referrals[1]["declined"] is NSNull)
    }

    @Test("an identifying note draws a warning on stderr; under the strict policy the event is refused")
    func identifyingNotes() async throws {
        let workspace = try await Workspace.withUsers()
        let id = try await Casework.caseInReview(workspace, requestOptions())
        let identifying = "Call him at +7 912 345-67-89 or write to ivan.petrov@example.com"
        let file = try workspace.write("identifying.txt", identifying + "\n")

        // §4: free text is checked and the writer warned, as `case note` does for the same text.
        let noted = try await workspace.run(as: Cast.lawyer, ["case", "note", id, "--text-file", file])
        #expect(noted.status == 0 && noted.stderr.contains("phone number"), "\(noted)")
        let asked = try await Casework.fire(workspace, as: Cast.lawyer, id, "request-info", ["--note-file", file])
        #expect(asked.status == 0, "\(asked)")
        #expect(asked.stdout.hasPrefix("Case \(id): request-info -> needs-info"), "\(asked)")
        #expect(asked.stderr.contains("warning") && asked.stderr.contains("phone number"),
                "a workflow note with a phone number and an e-mail address drew no warning: \(asked)")
        #expect(!asked.stderr.contains("912 345"), "the warning repeats the number: \(asked.stderr)")

        let strict = try await workspace.run(as: Cast.admin, ["settings", "--strict-text", "on"])
        expectSuccess(strict)
        let before = try await Casework.show(workspace, id).text
        let refused = try await Casework.fire(workspace, as: Cast.coordinator, id, "submit", ["--note-file", file])
        expectFailure(refused, status: 1, mentions: ["phone number", "strict"])
        #expect(!refused.stderr.contains("912 345"))
        #expect(try await Casework.show(workspace, id).text == before, "a refused event changed the case")
        try await Casework.step(workspace, as: Cast.coordinator, id, "submit", ["--note-file",
                                try workspace.write("clean.txt", "The papers are on their way.\n")],
                                to: "awaiting-review")
    }

    @Test("--overdue compares the deadline with today in the vault's time zone; keep-contact keeps the contact")
    func vaultSettingsInTheWorkflow() async throws {
        let workspace = try await Workspace.withUsers()
        // Pago Pago is UTC-11, Kiritimati UTC+14: Pago Pago's today is always before Kiritimati's today.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Pacific/Pago_Pago"))
        func pagoToday() -> String {
            let parts = calendar.dateComponents([.year, .month, .day], from: Date())
            return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        }
        let today = pagoToday()
        let id = try await workspace.newCase(as: Cast.coordinator, requestOptions(deadline: today) + [
            "--contact-file", try workspace.write("contact.txt", "@kept_contact_99\n"),
        ])
        expectSuccess(try await workspace.run(as: Cast.admin, ["settings", "--time-zone", "Pacific/Kiritimati"]),
                      quiet: false)
        #expect(try await Casework.list(workspace, ["--overdue"]) == [id], "due before today in Kiritimati")
        expectSuccess(try await workspace.run(as: Cast.admin, ["settings", "--time-zone", "Pacific/Pago_Pago"]),
                      quiet: false)
        let overdue = try await Casework.list(workspace, ["--overdue"])
        if pagoToday() == today {
            #expect(overdue.isEmpty, "due today in Pago Pago is not overdue yet")
        }

        // With keep-contact on, closing leaves the contact in place.
        expectSuccess(try await workspace.run(as: Cast.admin, ["settings", "--keep-contact", "on"]), quiet: false)
        try await Casework.step(workspace, as: Cast.coordinator, id, "close", ["--outcome", "duplicate"],
                                to: "closed")
        let record = try await Casework.show(workspace, as: Cast.coordinator, id).object
        #expect(record["outcome"] as? String == "duplicate")
        #expect(record["contact"] as? String == "@kept_contact_99")
        #expect(try await Casework.list(workspace, ["--overdue"]).isEmpty)
    }

    @Test("casevault workflow prints exactly the generated section of Docs/Workflow.md")
    func workflowMatchesDocs() async throws {
        let workspace = try Workspace()
        let result = try await workspace.run(["workflow"])
        expectSuccess(result)
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(lines.count > 2, "\(result)")
        #expect(lines[0] == "# CaseVault workflow")
        #expect(lines[1] == "")
        lines.removeFirst(2)
        let printed = lines.joined(separator: "\n")

        // Tests/CaseVaultCLITests/WorkflowCLITests.swift -> the package root (through any symlinked folder).
        let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let page = root.appendingPathComponent("Docs/Workflow.md")
        let docs = try String(contentsOf: page, encoding: .utf8)
        let begin = "<!-- generated from Workflow.rules: begin -->\n"
        let end = "<!-- generated from Workflow.rules: end -->"
        let start = try #require(docs.range(of: begin), "no begin marker in \(page.path)")
        let stop = try #require(docs.range(of: end, range: start.upperBound..<docs.endIndex),
                                "no end marker after the begin marker in \(page.path)")
        #expect(docs.components(separatedBy: begin).count == 2 && docs.components(separatedBy: end).count == 2,
                "each marker must appear once in \(page.path)")
        let generated = String(docs[start.upperBound..<stop.lowerBound])

        let printedLines = printed.components(separatedBy: "\n")
        let documentedLines = generated.components(separatedBy: "\n")
        var difference = "in length: \(printedLines.count) vs \(documentedLines.count) lines"
        if let first = zip(printedLines, documentedLines).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
            difference = "at line \(first.offset + 1): '\(first.element.0)' vs '\(first.element.1)'"
        }
        #expect(printed == generated, "'casevault workflow' and \(page.path) differ \(difference)")
        #expect(printed.contains("```mermaid\nstateDiagram-v2\n"))
        #expect(!FileManager.default.fileExists(atPath: workspace.vaultPath), "workflow needs no vault")
    }
}
