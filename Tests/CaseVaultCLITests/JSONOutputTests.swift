import CaseVault
import Foundation
import Testing

/// The `--json` outputs of case new, case note, user add, referral keygen and packet, and workflow:
/// what they hold, and that the text output without `--json` is unchanged.
@Suite("casevault --json on case new, case note, user add, referral keygen and packet, workflow")
struct JSONOutputTests {
    @Test("case new --json names the id, the same-contact open cases and the warnings; without it, only the id")
    func caseNew() async throws {
        let workspace = try await Workspace.withUsers()
        let contact = try workspace.write("contact.txt", "@json_new_contact_3317\n")
        let plain = try await workspace.run(as: Cast.coordinator, ["case", "new"] + requestOptions() + [
            "--contact-file", contact,
            "--narrative-file", try workspace.write("narrative.txt", "Call +7 912 345-67-89 after six.\n"),
        ])
        #expect(plain.status == 0, "\(plain)")
        #expect(plain.stdout.wholeMatch(of: /[0-9A-Z]{26}\n/) != nil, "stdout must be the id alone: \(plain.stdout)")
        #expect(plain.stderr.contains("phone number"), "the warning goes to stderr: \(plain)")
        let firstID = plain.stdout.trimmingCharacters(in: .newlines)

        let json = try await workspace.run(as: Cast.coordinator, ["case", "new"] + requestOptions() + [
            "--contact-file", contact,
            "--narrative-file", try workspace.write("narrative2.txt", "Write to someone@example.org.\n"),
            "--json",
        ])
        #expect(json.status == 0, "\(json)")
        let object = try json.jsonObject()
        #expect(keys(object) == ["id", "duplicatesOf", "warnings"], "\(json.stdout)")
        let id = try #require(object["id"] as? String)
        #expect(id.wholeMatch(of: /[0-9A-Z]{26}/) != nil && id != firstID, "\(json.stdout)")
        #expect(object["duplicatesOf"] as? [String] == [firstID], "the first case has the same contact")
        let warnings = try #require(object["warnings"] as? [String])
        #expect(warnings.count == 1 && warnings.allSatisfy { $0.contains("e-mail") }, "\(warnings)")

        let show = try await Casework.show(workspace, as: Cast.coordinator, id)
        #expect(show.object["id"] as? String == id, "the printed id is the stored case")
        let clean = try await workspace.run(as: Cast.coordinator, ["case", "new"] + requestOptions() + ["--json"])
        #expect(clean.status == 0, "\(clean)")
        let cleanObject = try clean.jsonObject()
        #expect((cleanObject["duplicatesOf"] as? [Any])?.isEmpty == true && (cleanObject["warnings"] as? [Any])?
            .isEmpty == true, "no contact, no narrative: nothing to report: \(clean.stdout)")
    }

    @Test("case note --json names the case, the compartment and the warnings; the text output is unchanged")
    func caseNote() async throws {
        let workspace = try await Workspace.withUsers()
        let id = try await workspace.newCase(as: Cast.coordinator, requestOptions())
        let note = try workspace.write("note.txt", "Call +7 912 345-67-89 tomorrow.\n")
        let legal = try await workspace.run(as: Cast.lawyer, ["case", "note", id, "--text-file", note, "--legal",
                                                              "--json"])
        #expect(legal.status == 0, "\(legal)")
        let object = try legal.jsonObject()
        #expect(keys(object) == ["case", "compartment", "warnings"])
        #expect(object["case"] as? String == id)
        #expect(object["compartment"] as? String == "legal")
        #expect((object["warnings"] as? [String])?.first?.contains("phone number") == true, "\(legal.stdout)")

        let intake = try await workspace.run(as: Cast.coordinator, ["case", "note", id, "--text-file",
                                                                    try workspace.write("plain.txt", "Fine.\n")])
        expectSuccess(intake)
        #expect(intake.stdout == "Added an intake note to case \(id).\n", "\(intake.stdout)")

        let refused = try await workspace.run(as: Cast.auditor, ["case", "note", id, "--text-file", note, "--json"])
        expectFailure(refused, status: 1)
    }

    @Test("user add --json names the user and the role")
    func userAdd() async throws {
        let workspace = try Workspace()
        try await workspace.initialize()
        let added = try await workspace.run(as: Cast.admin, [
            "user", "add", Cast.lawyer, "--role", "lawyer", "--kdf", "interactive",
            "--new-passphrase-file", try workspace.passphraseFile(for: Cast.lawyer), "--json",
        ])
        expectSuccess(added)
        let object = try added.jsonObject()
        #expect(keys(object) == ["name", "role"])
        #expect(object["name"] as? String == Cast.lawyer && object["role"] as? String == "lawyer")
        // The new user can unlock with the passphrase file given.
        expectSuccess(try await workspace.run(as: Cast.lawyer, ["case", "list"]), quiet: false)
    }

    @Test("referral keygen and packet --json: the key, the files, the partner and the organisation key work")
    func referral() async throws {
        let workspace = try await Workspace.withUsers()
        let keyFile = workspace.directory.appendingPathComponent("partner.key").path
        let keygen = try await workspace.run(["referral", "keygen", "--out", keyFile, "--json"])
        expectSuccess(keygen)
        let key = try keygen.jsonObject()
        #expect(keys(key) == ["publicKey", "file"])
        #expect(key["file"] as? String == keyFile && FileManager.default.fileExists(atPath: keyFile))
        let publicKey = try #require(key["publicKey"] as? String)
        #expect(Data(base64Encoded: publicKey)?.count == 32, "\(publicKey)")

        try await Casework.addPartner(workspace, "json-partner", services: "exit", publicKey: publicKey)
        let id = try await Casework.referredCase(workspace, to: "json-partner", requestOptions())
        let packetFile = workspace.directory.appendingPathComponent("p.pkt").path
        let packet = try await workspace.run(as: Cast.lawyer, ["referral", "packet", id, "--fields", "region",
                                                               "--out", packetFile, "--json"])
        expectSuccess(packet)
        let written = try packet.jsonObject()
        #expect(keys(written) == ["file", "case", "partner", "organisationKey"])
        #expect(written["file"] as? String == packetFile && written["case"] as? String == id)
        #expect(written["partner"] as? String == "json-partner")
        let orgKey = try #require(written["organisationKey"] as? String)
        let opened = try await workspace.run(["referral", "open", packetFile, "--partner-key", keyFile,
                                              "--org-key", orgKey, "--json"])
        expectSuccess(opened)
        #expect(try opened.jsonObject()["case"] as? String == id, "the printed organisation key opens the packet")

        let text = try await workspace.run(as: Cast.lawyer, ["referral", "packet", id, "--fields", "region",
                                                             "--out", packetFile + "2"])
        expectSuccess(text)
        #expect(text.stdout.hasPrefix("Wrote ") && text.stdout.hasSuffix(orgKey + "\n"), "\(text.stdout)")
    }

    @Test("workflow --json is the library's transition table, rule for rule")
    func workflow() async throws {
        let workspace = try Workspace()
        let result = try await workspace.run(["workflow", "--json"])
        expectSuccess(result)
        let object = try result.jsonObject()
        #expect(keys(object) == ["transitions", "states", "events", "outcomes"])
        #expect(object["states"] as? [String] == CaseState.allCases.map(\.rawValue))
        #expect(object["events"] as? [String] == WorkflowEvent.allCases.map(\.rawValue))
        #expect(object["outcomes"] as? [String] == Outcome.allCases.map(\.rawValue))
        let transitions = try #require(object["transitions"] as? [[String: Any]])
        try #require(transitions.count == Workflow.rules.count, "\(transitions.count) transitions")
        for (transition, rule) in zip(transitions, Workflow.rules) {
            #expect(transition["event"] as? String == rule.event.rawValue)
            #expect(transition["from"] as? [String] == rule.from.map(\.rawValue))
            #expect(transition["to"] as? String == rule.to?.rawValue)
            #expect(rule.to != nil || transition["to"] is NSNull, "an unchanged state is null, not absent")
            #expect(transition["roles"] as? [String] == rule.roles.map(\.rawValue))
            #expect(transition["requires"] as? [String] == rule.requires.map(\.rawValue))
            #expect(transition["outcomes"] as? [String] == rule.outcomes.map(\.rawValue))
        }
        let text = try await workspace.run(["workflow"])
        expectSuccess(text)
        #expect(text.stdout == "# CaseVault workflow\n\n" + Workflow.documentation + "\n")
    }
}
