import Foundation
import Testing

/// The whole path of a request through the command line, as the organisation's staff would type it.
@Suite("casevault: from init to notes")
struct CaseFlowTests {
    static let contact = "@flow_requester_5521"
    static let narrativeMarker = "NARRATIVE-MARKER-Q7Z3"
    /// Two lines and a phone number: the trailing newline of the file is dropped, the inner one kept,
    /// and the number draws a warning on stderr, never on stdout.
    static let narrative = "On leave after a wound, \(narrativeMarker).\nCall +7 912 345-67-89 after six."

    @Test("init, users, case new, list, show and notes agree with the contract of §6")
    func fullFlow() async throws {
        let workspace = try Workspace()
        let created = try await workspace.initialize()
        let code = try #require(created.stdout.firstMatch(of: /\b[0-9A-Z]{4}(?:-[0-9A-Z]{4}){7}\b/),
                                "no recovery code in: \(created.stdout)")
        #expect(code.output.count == 39)
        #expect(created.stderr.isEmpty)

        for (name, role) in Cast.staff {
            let added = try await workspace.run(as: Cast.admin, [
                "user", "add", name, "--role", role, "--kdf", "interactive",
                "--new-passphrase-file", try workspace.passphraseFile(for: name),
            ])
            expectSuccess(added)
        }

        let users = try await workspace.run(as: Cast.admin, ["user", "list"])
        expectSuccess(users)
        for (name, role) in Cast.staff + [(Cast.admin, "admin")] {
            #expect(users.stdoutLines.contains { $0.contains(name) && $0.contains(role) }, "\(users.stdout)")
        }
        let usersJSON = try await workspace.run(as: Cast.lawyer, ["user", "list", "--json"])
        expectSuccess(usersJSON)
        let listed = try usersJSON.jsonArray()
        #expect(listed.allSatisfy { keys($0) == ["name", "role"] })
        let roles = Dictionary(uniqueKeysWithValues: listed.compactMap { item -> (String, String)? in
            guard let name = item["name"] as? String, let role = item["role"] as? String else { return nil }
            return (name, role)
        })
        #expect(roles == [Cast.admin: "admin", Cast.coordinator: "coordinator", Cast.lawyer: "lawyer",
                          Cast.auditor: "auditor"])

        let contactFile = try workspace.write("contact.txt", Self.contact + "\n")
        let narrativeFile = try workspace.write("narrative.txt", Self.narrative + "\n")
        let new = try await workspace.run(as: Cast.coordinator, ["case", "new"] + requestOptions(
            received: "2023-11-20", channel: "in-person", region: "ru-sve", service: "contract",
            situation: "hospital", need: "psychological,legal", urgency: "critical", deadline: "2023-11-24"
        ) + ["--contact-file", contactFile, "--narrative-file", narrativeFile])
        #expect(new.status == 0, "\(new)")
        #expect(new.stdout.wholeMatch(of: /[0-9A-Z]{26}\n/) != nil, "stdout must be the id alone: \(new.stdout)")
        #expect(new.stderr.contains("phone number"), "the narrative's phone number should draw a warning")
        let id = new.stdout.trimmingCharacters(in: .newlines)

        let list = try await workspace.run(as: Cast.coordinator, ["case", "list"])
        expectSuccess(list)
        #expect(list.stdoutLines.contains { $0.hasPrefix(id) }, "\(list.stdout)")
        let listJSON = try await workspace.run(as: Cast.coordinator, ["case", "list", "--json"])
        expectSuccess(listJSON)
        let summaries = try listJSON.jsonArray()
        try #require(summaries.count == 1)
        let summary = summaries[0]
        #expect(keys(summary) == ["id", "received", "state", "urgency", "deadline", "assignee", "region", "needs"])
        #expect(summary["id"] as? String == id)
        #expect(summary["received"] as? String == "2023-11-20")
        #expect(summary["state"] as? String == "intake")
        #expect(summary["urgency"] as? String == "critical")
        #expect(summary["deadline"] as? String == "2023-11-24")
        #expect(summary["assignee"] is NSNull)
        #expect(summary["region"] as? String == "RU-SVE")
        #expect(Set(summary["needs"] as? [String] ?? []) == ["legal", "psychological"])

        let shown = try await workspace.run(as: Cast.coordinator, ["case", "show", id])
        expectSuccess(shown)
        for text in [id, "RU-SVE", "2023-11-24", Self.contact, Self.narrativeMarker] {
            #expect(shown.stdout.contains(text), "case show should print \(text): \(shown.stdout)")
        }
        // Case ids are accepted in any letter case.
        let record = try await workspace.run(as: Cast.coordinator, ["case", "show", id.lowercased(), "--json"])
        expectSuccess(record)
        let object = try record.jsonObject()
        #expect(keys(object) == ["id", "received", "channel", "region", "district", "service", "situation", "needs",
                                 "urgency", "deadline", "state", "assignee", "outcome", "contact", "narrative",
                                 "notes", "history", "referrals"])
        #expect(object["id"] as? String == id)
        #expect(object["received"] as? String == "2023-11-20")
        #expect(object["channel"] as? String == "in-person")
        #expect(object["region"] as? String == "RU-SVE")
        #expect(object["district"] as? String == "ural")
        #expect(object["service"] as? String == "contract")
        #expect(object["situation"] as? String == "hospital")
        #expect(object["needs"] as? [String] == ["legal", "psychological"])
        #expect(object["urgency"] as? String == "critical")
        #expect(object["deadline"] as? String == "2023-11-24")
        #expect(object["state"] as? String == "intake")
        #expect(object["assignee"] is NSNull)
        #expect(object["outcome"] as? String == "open")
        #expect(object["contact"] as? String == Self.contact)
        #expect(object["narrative"] as? String == Self.narrative)
        #expect((object["notes"] as? [Any])?.isEmpty == true)
        #expect((object["referrals"] as? [Any])?.isEmpty == true)
        let history = try #require(object["history"] as? [[String: Any]])
        let first = try #require(history.first)
        #expect(keys(first) == ["event", "from", "to", "actor", "at", "note"])
        #expect(first["event"] as? String == "intake")
        #expect(first["from"] is NSNull)
        #expect(first["to"] as? String == "intake")
        #expect(first["actor"] as? String == Cast.coordinator)

        let intakeNote = "Called back on the agreed channel; the deadline is confirmed."
        let legalNote = "Mentions an earlier refusal of a discharge request."
        let noted = try await workspace.run(as: Cast.coordinator, [
            "case", "note", id, "--text-file", try workspace.write("note.txt", intakeNote + "\n"),
        ])
        expectSuccess(noted)
        // A coordinator may write a legal note (from standard input here) but never read it back.
        let legal = try await workspace.run(as: Cast.coordinator, ["case", "note", id, "--legal", "--text-file", "-"],
                                            stdin: Data((legalNote + "\n").utf8))
        expectSuccess(legal)

        let coordinatorView = try await workspace.run(as: Cast.coordinator, ["case", "show", id, "--json"])
        expectSuccess(coordinatorView)
        let coordinatorNotes = try #require(try coordinatorView.jsonObject()["notes"] as? [[String: Any]])
        #expect(coordinatorNotes.count == 1)
        #expect(coordinatorNotes.allSatisfy { $0["compartment"] as? String == "intake" })
        #expect(coordinatorNotes.first?["text"] as? String == intakeNote)
        #expect(coordinatorNotes.first?["author"] as? String == Cast.coordinator)
        #expect(!coordinatorView.stdout.contains(legalNote))

        let lawyerView = try await workspace.run(as: Cast.lawyer, ["case", "show", id, "--json"])
        expectSuccess(lawyerView)
        let lawyerNotes = try #require(try lawyerView.jsonObject()["notes"] as? [[String: Any]])
        #expect(lawyerNotes.count == 2)
        #expect(lawyerNotes.allSatisfy { keys($0) == ["text", "author", "at", "compartment"] })
        let legalEntry = try #require(lawyerNotes.first { $0["compartment"] as? String == "legal" },
                                      "the lawyer should read the legal note: \(lawyerView.stdout)")
        #expect(legalEntry["text"] as? String == legalNote)
        #expect(legalEntry["author"] as? String == Cast.coordinator)
        #expect(lawyerNotes.contains {
            $0["compartment"] as? String == "intake" && $0["text"] as? String == intakeNote
        })
    }

    @Test("the vault file and its WAL never hold the narrative, the contact handle or the region code")
    func vaultBytesHoldNoPlaintext() async throws {
        let workspace = try await Workspace.withUsers()
        // The contact comes from standard input this time.
        let new = try await workspace.run(as: Cast.coordinator, ["case", "new"] + requestOptions(region: "RU-SVE") + [
            "--contact-file", "-", "--narrative-file", try workspace.write("narrative.txt", Self.narrative + "\n"),
        ], stdin: Data((Self.contact + "\n").utf8))
        #expect(new.status == 0, "\(new)")
        let id = new.stdout.trimmingCharacters(in: .newlines)
        // The markers must be readable through the vault, or their absence from the file would prove nothing.
        let shown = try await workspace.run(as: Cast.coordinator, ["case", "show", id])
        for marker in [Self.narrativeMarker, Self.contact, "RU-SVE"] {
            #expect(shown.stdout.contains(marker))
        }

        var bytes = Data()
        var files: [String] = []
        for suffix in ["", "-wal", "-shm"] {
            if let data = FileManager.default.contents(atPath: workspace.vaultPath + suffix) {
                bytes.append(data)
                files.append(workspace.vaultPath + suffix)
            }
        }
        // The case id's 16 bytes are stored as they are: finding them shows the search looks at the records.
        let idBytes = try #require(caseIDBytes(id))
        #expect(bytes.range(of: Data(idBytes)) != nil, "the case id should be in \(files)")
        let handle = String(Self.contact.dropFirst())
        for marker in [Self.narrativeMarker, Self.contact, handle, "RU-SVE", "ru-sve", "+7 912", "wound"] {
            #expect(bytes.range(of: Data(marker.utf8)) == nil, "'\(marker)' is readable in \(files)")
        }
    }
}

/// The 16 bytes behind a 26-character Crockford base32 case id (two leading zero bits, then 128 bits).
func caseIDBytes(_ id: String) -> [UInt8]? {
    let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    var bits: [Bool] = []
    for character in id.uppercased() {
        guard let value = alphabet.firstIndex(of: character) else { return nil }
        bits += (0..<5).map { value >> (4 - $0) & 1 == 1 }
    }
    guard bits.count == 130, !bits[0], !bits[1] else { return nil }
    return stride(from: 2, to: 130, by: 8).map { start in
        bits[start..<start + 8].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }
    }
}
