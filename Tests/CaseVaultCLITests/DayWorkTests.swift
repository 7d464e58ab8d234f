import Foundation
import Testing

/// Today in UTC (the test vaults' time zone), as YYYY-MM-DD, moved by `days`.
func utcDay(_ days: Int = 0) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
    let date = calendar.date(byAdding: .day, value: days, to: Date()) ?? Date()
    let parts = calendar.dateComponents([.year, .month, .day], from: date)
    return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
}

@Suite("casevault for a day's work: find, pages, bulk events, status")
struct DayWorkTests {
    @Test("case find lists the cases sharing a contact in any spelling, open or closed; never from an option")
    func findByContact() async throws {
        let workspace = try await Workspace.withUsers()
        func logged(_ contact: String?) async throws -> String {
            try await workspace.newCase(as: Cast.coordinator, requestOptions()
                                        + (contact.map { ["--contact-file", try workspace.write("c.txt", $0)] } ?? []))
        }
        let first = try await logged("+7 912 345-67-89")
        let second = try await logged("8 (912) 345 67 89")
        let other = try await logged("+7 912 000-00-00")
        _ = try await logged(nil)
        let closed = try await logged("79123456789")
        expectSuccess(try await Casework.fire(workspace, as: Cast.coordinator, closed, "close",
                                              ["--outcome", "duplicate"]))

        let found = try await workspace.run(as: Cast.coordinator, ["case", "find", "--json", "--contact-file", "-"],
                                            stdin: Data("8-912-345-67-89\n".utf8))
        expectSuccess(found)
        let ids = Set(try found.jsonArray().compactMap { $0["id"] as? String })
        // The closed case's contact was erased at close (keep-contact is off), so it cannot be found.
        #expect(ids == [first, second])
        #expect(!ids.contains(other))
        for item in try found.jsonArray() {
            #expect(keys(item) == ["id", "received", "state", "urgency", "deadline", "assignee", "region", "needs"])
        }
        let text = try await workspace.run(as: Cast.lawyer, ["case", "find", "--contact-file",
                                                             try workspace.write("q.txt", "+79123456789")])
        expectSuccess(text)
        #expect(text.stdoutLines.count == 3 && text.stdout.contains(first) && text.stdout.contains(second))

        let none = try await workspace.run(as: Cast.lawyer, ["case", "find", "--json", "--contact-file",
                                                             try workspace.write("n.txt", "@nobody_here")])
        expectSuccess(none)
        #expect(try none.jsonArray().isEmpty)

        expectFailure(try await workspace.run(as: Cast.lawyer, ["case", "find", "--contact", "+79123456789"]),
                      status: 2, mentions: ["shell history", "--contact-file"])
        expectFailure(try await workspace.run(as: Cast.auditor, ["case", "find", "--contact-file", "n.txt"]),
                      status: 1, mentions: ["auditor", "look up contacts"])
    }

    @Test("case list --limit and --offset page through the listing in its order")
    func paging() async throws {
        let workspace = try await Workspace.withUsers()
        let lines = (1...7).map { CaseImportTests.line(received: String(format: "2023-05-%02d", $0)) }
        expectSuccess(try await workspace.run(as: Cast.coordinator, ["case", "import", "--jsonl", "-"],
                                              stdin: Data(lines.joined(separator: "\n").utf8)), quiet: false)
        let all = try await Casework.list(workspace, [])
        try #require(all.count == 7)
        #expect(try await Casework.list(workspace, ["--limit", "3"]) == Array(all[0..<3]))
        #expect(try await Casework.list(workspace, ["--limit", "3", "--offset", "3"]) == Array(all[3..<6]))
        #expect(try await Casework.list(workspace, ["--limit", "3", "--offset", "6"]) == [all[6]])
        #expect(try await Casework.list(workspace, ["--offset", "5"]) == Array(all[5...]))
        #expect(try await Casework.list(workspace, ["--offset", "9"]).isEmpty)
        let text = try await workspace.run(as: Cast.lawyer, ["case", "list", "--limit", "2", "--offset", "1"])
        expectSuccess(text)
        #expect(text.stdoutLines.count == 3 && text.stdoutLines[1].hasPrefix(all[1]))

        expectFailure(try await workspace.run(as: Cast.lawyer, ["case", "list", "--limit", "0"]), status: 2,
                      mentions: ["--limit 0", "1 or more"])
        expectFailure(try await workspace.run(as: Cast.lawyer, ["case", "list", "--offset", "-1"]), status: 2,
                      mentions: ["--offset"])
        expectFailure(try await workspace.run(as: Cast.lawyer, ["case", "list", "--limit", "many"]), status: 2,
                      mentions: ["--limit", "many"])
    }

    @Test("case event EVENT --ids-file fires on each case in its own transaction and sums up")
    func bulkEvent() async throws {
        let workspace = try await Workspace.withUsers()
        var ids: [String] = []
        for _ in 0..<4 { ids.append(try await workspace.newCase(as: Cast.coordinator, requestOptions())) }
        // One case is already submitted: the workflow refuses it, the others go ahead.
        expectSuccess(try await Casework.fire(workspace, as: Cast.coordinator, ids[1], "submit"))
        let file = try workspace.write("ids.txt", "# today's cases\n\(ids[0])\n\n\(ids[1].lowercased())\n"
                                       + "\(ids[2])  intake  extra columns are passed over\n\(ids[0])\n")
        let result = try await workspace.run(as: Cast.coordinator, ["case", "event", "submit", "--ids-file", file])
        #expect(result.status == 1, "\(result)")
        #expect(result.stdoutLines == ["Case \(ids[0]): submit -> awaiting-review",
                                       "Case \(ids[2]): submit -> awaiting-review"])
        #expect(result.stderrLines.count == 2, "\(result)")
        #expect(result.stderrLines.first?.contains("case \(ids[1]): submit does not apply") == true)
        #expect(result.stderrLines.last == "casevault: submit: 2 cases done, 1 refused; the refused cases were not "
                + "changed (they are listed above)")
        let states = try await workspace.run(as: Cast.coordinator, ["case", "list", "--json"])
        let byID = Dictionary(uniqueKeysWithValues: try states.jsonArray().map {
            ($0["id"] as? String ?? "", $0["state"] as? String ?? "") })
        #expect(byID[ids[0]] == "awaiting-review" && byID[ids[2]] == "awaiting-review")
        #expect(byID[ids[3]] == "intake", "a case not listed is left alone")

        // From standard input, with a note for every case, as JSON; all done: exit 0.
        let note = try workspace.write("why.txt", "Lost contact after the first call.")
        let closed = try await workspace.run(as: Cast.coordinator, [
            "case", "event", "close", "--ids-file", "-", "--outcome", "lost-contact", "--note-file", note, "--json",
        ], stdin: Data("\(ids[3])\n".utf8))
        expectSuccess(closed)
        let json = try closed.jsonObject()
        #expect(json["event"] as? String == "close")
        #expect((json["done"] as? [[String: Any]])?.map { $0["id"] as? String } == [ids[3]])
        #expect((json["refused"] as? [Any])?.isEmpty == true)
        let shown = try await Casework.show(workspace, as: Cast.coordinator, ids[3]).object
        let history = try #require(shown["history"] as? [[String: Any]])
        #expect(history.last?["note"] as? String == "Lost contact after the first call.")

        // A line that is no case id stops everything before anything is done (a usage error).
        let before = try await Casework.list(workspace, ["--state", "intake"])
        let bad = try await workspace.run(as: Cast.lawyer, [
            "case", "event", "close", "--outcome", "advised", "--ids-file",
            try workspace.write("bad.txt", "\(ids[0])\nnot-a-case\n"),
        ])
        expectFailure(bad, status: 2, mentions: ["line 2", "not-a-case", "not a case id"])
        #expect(try await Casework.list(workspace, ["--state", "intake"]) == before)

        expectFailure(try await workspace.run(as: Cast.lawyer, ["case", "event", ids[0], "submit",
                                                                "--ids-file", file]),
                      status: 2, mentions: ["only the event"])
        expectFailure(try await workspace.run(as: Cast.lawyer, ["case", "event", "submit", ids[0]]),
                      status: 2, mentions: ["case id first", "case event \(ids[0]) submit"])
        expectFailure(try await workspace.run(as: Cast.lawyer, ["case", "event", "submit"]),
                      status: 2, mentions: ["--ids-file"])
        // A coordinator cannot begin a review anywhere: refused before any prompt or case is touched.
        expectFailure(try await workspace.run(as: Cast.coordinator, ["case", "event", "begin-review",
                                                                     "--ids-file", file]),
                      status: 1, mentions: ["coordinator", "begin-review"])
    }

    @Test("status reports format, users by role, cases by state, overdue cases and the audit log; --json")
    func status() async throws {
        let workspace = try await Workspace.withUsers()
        _ = try await workspace.newCase(as: Cast.coordinator, requestOptions(deadline: "2023-11-25"))
        let second = try await workspace.newCase(as: Cast.coordinator, requestOptions())
        expectSuccess(try await Casework.fire(workspace, as: Cast.coordinator, second, "submit"))

        let result = try await workspace.run(as: Cast.lawyer, ["status", "--json"])
        expectSuccess(result)
        let json = try result.jsonObject()
        #expect(json["formatVersion"] as? Int == 2)
        #expect(json["users"] as? [String: Int] == ["admin": 1, "coordinator": 1, "lawyer": 1, "auditor": 1])
        #expect(json["cases"] as? Int == 2)
        let states = try #require(json["casesByState"] as? [String: Int])
        #expect(states == ["intake": 1, "awaiting-review": 1, "in-review": 0, "needs-info": 0, "referred": 0,
                           "closed": 0])
        #expect(json["overdue"] as? Int == 1)
        #expect((json["auditEntries"] as? Int ?? 0) >= 7, "init, 3 users, 2 cases, 1 event")
        #expect((json["fileBytes"] as? Int ?? 0) > 0)
        #expect(json["lastCheckpoint"] is NSNull)

        // The auditor sees the counts but no deadlines, so no overdue count: the key is absent.
        let auditor = try await workspace.run(as: Cast.auditor, ["status", "--json"])
        expectSuccess(auditor)
        let seen = try auditor.jsonObject()
        #expect(seen["overdue"] == nil && seen["cases"] as? Int == 2)
        #expect(seen["casesByState"] as? [String: Int] == states)

        let text = try await workspace.run(as: Cast.coordinator, ["status"])
        expectSuccess(text)
        #expect(text.stdout.contains("format 2") && text.stdout.contains("1 coordinator"))
        #expect(text.stdoutLines.contains { $0.hasPrefix("  awaiting-review") && $0.hasSuffix(" 1") })
        #expect(text.stdoutLines.contains("overdue            1"))
    }

    @Test("a role that may not run a command is refused before any passphrase prompt")
    func roleBeforePrompt() async throws {
        let workspace = try await Workspace.withUsers()
        // Detached: no terminal and no passphrase file, so a prompt would fail with its own message.
        let attempts: [(String, [String], String)] = [
            (Cast.auditor, ["case", "list"], "list cases"),
            (Cast.auditor, ["case", "new"] + requestOptions(), "log requests"),
            (Cast.auditor, ["case", "show", "0123456789ABCDEFGHJKMNPQRS"], "read cases"),
            (Cast.coordinator, ["partner", "add", "x", "--services", "legal"], "add partners"),
            (Cast.lawyer, ["user", "add", "x", "--role", "lawyer"], "add users"),
            (Cast.coordinator, ["settings", "--strict-text", "on"], "change vault settings"),
            (Cast.coordinator, ["case", "event", "0123456789ABCDEFGHJKMNPQRS", "refer", "--partner", "p",
                                "--consent"], "refer"),
            (Cast.coordinator, ["referral", "packet", "0123456789ABCDEFGHJKMNPQRS", "--fields", "region",
                                "--out", "p.cvr"], "referral packets"),
        ]
        for (user, arguments, action) in attempts {
            let result = try await workspace.run(arguments + ["--vault", workspace.vaultPath, "--user", user],
                                                 detached: true)
            expectFailure(result, status: 1, mentions: [action])
            #expect(!result.stderr.contains("terminal") && !result.stderr.contains("passphrase"), "\(result)")
        }
    }

    @Test("a received date after today is refused, from case new and from an import line")
    func futureReceivedDate() async throws {
        let workspace = try await Workspace.withUsers()
        let tomorrow = utcDay(1)
        expectFailure(try await workspace.run(as: Cast.coordinator, ["case", "new"]
                                              + requestOptions(received: tomorrow)),
                      status: 1, mentions: ["received date \(tomorrow) is after today", utcDay(), "UTC"])
        _ = try await workspace.newCase(as: Cast.coordinator, requestOptions(received: utcDay()))
        let lines = [CaseImportTests.line(received: "2023-05-01"), CaseImportTests.line(received: tomorrow)]
        let imported = try await workspace.run(as: Cast.coordinator, ["case", "import", "--jsonl", "-"],
                                               stdin: Data(lines.joined(separator: "\n").utf8))
        expectFailure(imported, status: 1, mentions: ["line 2", "after today", "nothing was imported"])
        #expect(try await Casework.list(workspace, []).count == 1)
    }

    @Test("text piped to a command that no option tells to read it is refused, not dropped")
    func unreadStandardInput() async throws {
        let workspace = try await Workspace.withUsers()
        let piped = Data("Мобилизован, нужна консультация.\n".utf8)
        expectFailure(try await workspace.run(as: Cast.coordinator, ["case", "new"] + requestOptions(), stdin: piped),
                      status: 2, mentions: ["standard input holds text", "--narrative-file -", "/dev/null"])
        #expect(try await Casework.list(workspace, []).isEmpty, "nothing was logged")
        // Named, it is read; blank input is no text.
        let logged = try await workspace.run(as: Cast.coordinator, ["case", "new"] + requestOptions()
                                             + ["--narrative-file", "-"], stdin: piped)
        expectSuccess(logged)
        let shown = try await Casework.show(workspace, as: Cast.coordinator, logged.stdoutLines[0]).object
        #expect(shown["narrative"] as? String == "Мобилизован, нужна консультация.")
        expectSuccess(try await workspace.run(as: Cast.coordinator, ["case", "new"] + requestOptions(),
                                              stdin: Data("\n \n".utf8)))
        expectFailure(try await workspace.run(as: Cast.coordinator, ["case", "event", logged.stdoutLines[0],
                                                                     "submit"], stdin: piped),
                      status: 2, mentions: ["--note-file -"])
    }

    @Test("messages name the value and read as English")
    func proofRead() async throws {
        let workspace = try await Workspace.withUsers()
        let narrative = try workspace.write("n.txt", "Write to ivan.petrov@example.org or call +7 912 345 67 89.")
        let logged = try await workspace.run(as: Cast.coordinator, ["case", "new"] + requestOptions()
                                             + ["--narrative-file", narrative])
        #expect(logged.status == 0)
        #expect(logged.stderr.contains("an e-mail address and a phone number"), "\(logged)")
        #expect(!logged.stderr.contains(" a e-mail"))

        expectFailure(try await workspace.run(as: Cast.admin, ["partner", "add", "p", "--services", "legal,fax"]),
                      status: 2, mentions: ["unknown partner service 'fax'", "legal, exit"])
        expectFailure(try await workspace.run(as: Cast.lawyer, ["case", "show", "ABC"]), status: 2,
                      mentions: ["invalid case id 'ABC'", "3 characters, not 26"])
        expectFailure(try await workspace.run(as: Cast.lawyer, ["case", "show", "0123456789ABCDEFGHJKMNPQRU"]),
                      status: 2, mentions: ["'U' (character 26) is not a case-id character"])
        expectFailure(try await workspace.run(as: Cast.lawyer, ["case", "show", "8123456789ABCDEFGHJKMNPQRS"]),
                      status: 2, mentions: ["starts with 8", "0-7"])
        expectFailure(try await workspace.run(as: Cast.lawyer, ["case", "list", "--state", "open"]), status: 2,
                      mentions: ["unknown --state value 'open'", "awaiting-review"])
        expectFailure(try await workspace.run(as: Cast.admin, ["case", "event", "0123456789ABCDEFGHJKMNPQRS",
                                                               "reassign", "--assignee", Cast.auditor]),
                      status: 1)
    }

    @Test("partners have a short handle and a display name with spaces")
    func partnerDisplayNames() async throws {
        let workspace = try await Workspace.withUsers()
        let added = try await workspace.run(as: Cast.admin, ["partner", "add", "safe-exit", "--display-name",
                                                             "Safe Exit Foundation", "--services", "exit"])
        expectSuccess(added)
        #expect(added.stdout == "Added partner safe-exit (Safe Exit Foundation).\n")
        try await Casework.addPartner(workspace, "docs-ngo", services: "documents")
        let listed = try await workspace.run(as: Cast.lawyer, ["partner", "list"])
        expectSuccess(listed)
        #expect(listed.stdoutLines == ["docs-ngo  services: documents  key: (none)",
                                       "safe-exit (Safe Exit Foundation)  services: exit  key: (none)"])
        let json = try await workspace.run(as: Cast.lawyer, ["partner", "list", "--json"])
        let partners = try json.jsonArray()
        #expect(partners.map { $0["displayName"] as? String } == [nil, "Safe Exit Foundation"])
        #expect(partners[0]["displayName"] == nil, "no display name: the key is left out, as 0.4.0 printed it")

        expectFailure(try await workspace.run(as: Cast.admin, ["partner", "add", "Safe Exit", "--services", "exit"]),
                      status: 2, mentions: ["has spaces", "--display-name"])
        expectFailure(try await workspace.run(as: Cast.admin, ["partner", "add", "exit2", "--display-name",
                                                               "safe exit foundation", "--services", "exit"]),
                      status: 1, mentions: ["safe-exit already has the name"])
        // Cases are referred by handle.
        let id = try await Casework.caseInReview(workspace, requestOptions())
        _ = try await Casework.step(workspace, as: Cast.lawyer, id, "refer", ["--partner", "safe-exit", "--consent"],
                                to: "referred")
    }
}
