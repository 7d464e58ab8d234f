import Foundation
import Testing

@Suite("casevault partner and referral: the registry and sealed packets")
struct ReferralCLITests {
    static let partner = "safe-exit-ngo"
    static let contact = "@packet_contact_8812"
    static let narrativeMarker = "PACKET-NARRATIVE-MARKER-K4"

    /// A vault with the partner registered with a fresh key, and a case referred to it.
    struct Referred {
        let workspace: Workspace
        let id: String
        let partnerKey: (file: String, publicKey: String)
    }

    static func referred(sourceLocation: SourceLocation = #_sourceLocation) async throws -> Referred {
        let workspace = try await Workspace.withUsers(sourceLocation: sourceLocation)
        let key = try await Casework.keygen(workspace, "partner.key", sourceLocation: sourceLocation)
        try await Casework.addPartner(workspace, partner, services: "exit,legal", publicKey: key.publicKey,
                                      sourceLocation: sourceLocation)
        let id = try await Casework.referredCase(workspace, to: partner, requestOptions(region: "RU-SVE") + [
            "--contact-file", try workspace.write("contact.txt", contact + "\n"),
            "--narrative-file", try workspace.write("narrative.txt", "Needs to leave. \(narrativeMarker)\n"),
        ], sourceLocation: sourceLocation)
        return Referred(workspace: workspace, id: id, partnerKey: key)
    }

    /// `referral packet ID --fields FIELDS --out NAME` as `user`, which must succeed: the packet's path and
    /// the organisation key the command prints.
    static func packet(_ workspace: Workspace, as user: String = Cast.lawyer, _ id: String, fields: String,
                       out name: String, sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> (path: String, orgKey: String) {
        let path = workspace.directory.appendingPathComponent(name).path
        let result = try await workspace.run(as: user, ["referral", "packet", id, "--fields", fields, "--out", path])
        try #require(result.status == 0, "referral packet failed: \(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, "\(result)", sourceLocation: sourceLocation)
        let match = try #require(result.stdout.firstMatch(of: /organisation key ([A-Za-z0-9+\/]{43}=)/),
                                 "no organisation key in: \(result.stdout)", sourceLocation: sourceLocation)
        let orgKey = String(match.output.1)
        #expect(Data(base64Encoded: orgKey)?.count == 32, sourceLocation: sourceLocation)
        return (path, orgKey)
    }

    /// `referral open PACKET --partner-key FILE --org-key KEY [--json]`: the partner's side, without any vault.
    static func open(_ workspace: Workspace, _ packet: String, partnerKey: String, orgKey: String,
                     json: Bool = false) async throws -> CommandResult {
        try await workspace.run(["referral", "open", packet, "--partner-key", partnerKey, "--org-key", orgKey]
                                + (json ? ["--json"] : []))
    }

    @Test("a lawyer's packet holds exactly the chosen fields, and the partner opens it with its key")
    func packetRoundTrip() async throws {
        let referred = try await Self.referred()
        let (workspace, id) = (referred.workspace, referred.id)
        let packet = try await Self.packet(workspace, id, fields: "region,needs,contact", out: "referral.pkt")

        let bytes = try Data(contentsOf: URL(fileURLWithPath: packet.path))
        #expect(bytes.starts(with: Data("CASEVAULT-REFERRAL-1\n".utf8)))
        for plain in [Self.contact, String(Self.contact.dropFirst()), "RU-SVE", Cast.lawyer, Self.narrativeMarker] {
            #expect(bytes.range(of: Data(plain.utf8)) == nil, "'\(plain)' is readable in the sealed packet")
        }
        let mode = try FileManager.default.attributesOfItem(atPath: packet.path)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the packet should be owner-only, not \(String(mode ?? 0, radix: 8))")

        // The partner's side: no vault, only its key file and the organisation key.
        let text = try await Self.open(workspace, packet.path, partnerKey: referred.partnerKey.file,
                                       orgKey: packet.orgKey)
        expectSuccess(text)
        #expect(text.stdout.contains(id) && text.stdout.contains(Self.partner) && text.stdout.contains(Cast.lawyer),
                "\(text.stdout)")
        let fieldLines = text.stdoutLines.filter { $0.hasPrefix("  ") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(fieldLines == ["region: RU-SVE", "needs: legal,exit", "contact: \(Self.contact)"],
                "the fields, in the order chosen: \(text.stdout)")
        #expect(!text.stdout.contains(Self.narrativeMarker), "a field that was not chosen was shared")

        let json = try await Self.open(workspace, packet.path, partnerKey: referred.partnerKey.file,
                                       orgKey: packet.orgKey, json: true)
        expectSuccess(json)
        let opened = try json.jsonObject()
        #expect(keys(opened) == ["case", "partner", "lawyer", "created", "fields"], "\(json.stdout)")
        #expect(opened["case"] as? String == id)
        #expect(opened["partner"] as? String == Self.partner)
        #expect(opened["lawyer"] as? String == Cast.lawyer)
        let created = try #require(opened["created"] as? String)
        #expect(created.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil, "created: \(created)")
        let fields = try #require(opened["fields"] as? [String: Any], "\(json.stdout)")
        #expect(keys(fields) == ["region", "needs", "contact"])
        #expect(fields["region"] as? String == "RU-SVE")
        #expect(fields["needs"] as? String == "legal,exit")
        #expect(fields["contact"] as? String == Self.contact)

        // A field the case does not have is shared as not set (null), and repeated fields once.
        let second = try await Self.packet(workspace, id, fields: "deadline,urgency,deadline", out: "second.pkt")
        #expect(second.orgKey == packet.orgKey, "the organisation key is the vault's, the same every time")
        let secondJSON = try await Self.open(workspace, second.path, partnerKey: referred.partnerKey.file,
                                             orgKey: second.orgKey, json: true)
        expectSuccess(secondJSON)
        let secondFields = try #require(try secondJSON.jsonObject()["fields"] as? [String: Any])
        #expect(keys(secondFields) == ["deadline", "urgency"])
        #expect(secondFields["deadline"] is NSNull)
        #expect(secondFields["urgency"] as? String == "high")

        // An admin may write one too (an admin may do what a lawyer may); the signer is then the admin.
        let byAdmin = try await Self.packet(workspace, as: Cast.admin, id, fields: "region", out: "admin.pkt")
        let adminOpened = try await Self.open(workspace, byAdmin.path, partnerKey: referred.partnerKey.file,
                                              orgKey: byAdmin.orgKey, json: true)
        expectSuccess(adminOpened)
        #expect(try adminOpened.jsonObject()["lawyer"] as? String == Cast.admin)
    }

    @Test("a packet opens only with its partner's key, unchanged, and the organisation key that certified its signer")
    func openRefusals() async throws {
        let referred = try await Self.referred()
        let (workspace, id) = (referred.workspace, referred.id)
        let packet = try await Self.packet(workspace, id, fields: "region,needs,contact", out: "referral.pkt")
        let good = try await Self.open(workspace, packet.path, partnerKey: referred.partnerKey.file,
                                       orgKey: packet.orgKey)
        expectSuccess(good)

        /// A refusal as the contract has it, and nothing from the packet on stdout or stderr.
        func refused(_ result: CommandResult, status: Int32 = 1, mentions: [String] = [], _ why: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
            expectFailure(result, status: status, mentions: mentions, sourceLocation: sourceLocation)
            #expect(!result.stderr.contains(Self.contact), "\(why): the error shows the contact",
                    sourceLocation: sourceLocation)
        }

        // Another partner's key, from a second keygen.
        let other = try await Casework.keygen(workspace, "other.key")
        #expect(other.publicKey != referred.partnerKey.publicKey)
        refused(try await Self.open(workspace, packet.path, partnerKey: other.file, orgKey: packet.orgKey),
                "another partner's key")
        refused(try await Self.open(workspace, packet.path, partnerKey: other.file, orgKey: packet.orgKey,
                                    json: true), "another partner's key, --json")

        // One byte flipped anywhere: in the header, the ephemeral key, the middle, the end.
        let original = try Data(contentsOf: URL(fileURLWithPath: packet.path))
        let header = "CASEVAULT-REFERRAL-1\n".utf8.count
        for position in [0, header, header + 40, original.count / 2, original.count - 1] {
            var changed = original
            changed[position] ^= 0x01
            let path = try workspace.write("flipped-\(position).pkt", "")
            try changed.write(to: URL(fileURLWithPath: path))
            refused(try await Self.open(workspace, path, partnerKey: referred.partnerKey.file, orgKey: packet.orgKey),
                    "byte \(position) flipped")
        }
        // Cut short, or with a byte appended.
        let truncated = try workspace.write("truncated.pkt", "")
        try original.dropLast(1).write(to: URL(fileURLWithPath: truncated))
        refused(try await Self.open(workspace, truncated, partnerKey: referred.partnerKey.file,
                                    orgKey: packet.orgKey), "truncated")
        let extended = try workspace.write("extended.pkt", "")
        try (original + Data([0])).write(to: URL(fileURLWithPath: extended))
        refused(try await Self.open(workspace, extended, partnerKey: referred.partnerKey.file,
                                    orgKey: packet.orgKey), "a byte appended")

        // Random 32 bytes as the organisation key: the signer's certificate does not verify.
        let random = Data((0..<32).map { _ in UInt8.random(in: .min ... .max) }).base64EncodedString()
        refused(try await Self.open(workspace, packet.path, partnerKey: referred.partnerKey.file, orgKey: random),
                mentions: ["--org-key"], "a random organisation key")

        // Another vault's organisation key: a second organisation (its admin does everything) with a packet
        // sealed to the same partner key.
        let otherVault = try Workspace()
        try await otherVault.initialize()
        try await Casework.addPartner(otherVault, Self.partner, services: "exit",
                                      publicKey: referred.partnerKey.publicKey)
        let otherID = try await otherVault.newCase(as: Cast.admin, requestOptions(region: "RU-MOW"))
        for (event, options, state) in [("submit", [String](), "awaiting-review"), ("begin-review", [], "in-review"),
                                        ("refer", ["--partner", Self.partner, "--consent"], "referred")] {
            try await Casework.step(otherVault, as: Cast.admin, otherID, event, options, to: state)
        }
        let otherPacket = try await Self.packet(otherVault, as: Cast.admin, otherID, fields: "region", out: "o.pkt")
        #expect(otherPacket.orgKey != packet.orgKey)
        let otherGood = try await Self.open(workspace, otherPacket.path, partnerKey: referred.partnerKey.file,
                                           orgKey: otherPacket.orgKey)
        expectSuccess(otherGood)
        #expect(otherGood.stdout.contains("region: RU-MOW"), "\(otherGood.stdout)")
        refused(try await Self.open(workspace, packet.path, partnerKey: referred.partnerKey.file,
                                    orgKey: otherPacket.orgKey), mentions: ["--org-key"], "the other vault's key")
        refused(try await Self.open(workspace, otherPacket.path, partnerKey: referred.partnerKey.file,
                                    orgKey: packet.orgKey), mentions: ["--org-key"], "this vault's key, other packet")

        // Malformed organisation keys are usage errors.
        let short = Data(repeating: 7, count: 16).base64EncodedString()
        for malformed in ["not base64!", short, packet.orgKey + "AAAA", ""] {
            refused(try await Self.open(workspace, packet.path, partnerKey: referred.partnerKey.file,
                                        orgKey: malformed), status: 2, "malformed --org-key '\(malformed)'")
        }
        // A missing packet or key file, and a key file without a key.
        refused(try await Self.open(workspace, "missing.pkt", partnerKey: referred.partnerKey.file,
                                    orgKey: packet.orgKey), mentions: ["missing.pkt"], "missing packet")
        refused(try await Self.open(workspace, packet.path, partnerKey: "missing.key", orgKey: packet.orgKey),
                mentions: ["missing.key"], "missing key file")
        let notAKey = try workspace.write("not-a-key.txt", "this is not a key\n")
        refused(try await Self.open(workspace, packet.path, partnerKey: notAKey, orgKey: packet.orgKey),
                "a key file without a key")

        // The packet itself is unchanged, and still opens.
        #expect(try Data(contentsOf: URL(fileURLWithPath: packet.path)) == original)
        expectSuccess(try await Self.open(workspace, packet.path, partnerKey: referred.partnerKey.file,
                                          orgKey: packet.orgKey))
    }

    @Test("referral packet: only lawyers and admins, only for a referred case, with known fields")
    func packetRefusals() async throws {
        let referred = try await Self.referred()
        let (workspace, id) = (referred.workspace, referred.id)
        func attempt(_ user: String, _ id: String, _ fields: String, out name: String) async throws -> CommandResult {
            let path = workspace.directory.appendingPathComponent(name).path
            let result = try await workspace.run(as: user, ["referral", "packet", id, "--fields", fields,
                                                            "--out", path])
            #expect(!FileManager.default.fileExists(atPath: path), "a refused packet was written: \(result)")
            return result
        }
        expectFailure(try await attempt(Cast.coordinator, id, "region", out: "c.pkt"), status: 1,
                      mentions: ["coordinator"])
        expectFailure(try await attempt(Cast.auditor, id, "region", out: "a.pkt"), status: 1, mentions: ["auditor"])
        expectFailure(try await attempt(Cast.lawyer, id, "region,password", out: "f.pkt"), status: 2,
                      mentions: ["password"])
        let inReview = try await Casework.caseInReview(workspace, requestOptions())
        expectFailure(try await attempt(Cast.lawyer, inReview, "region", out: "r.pkt"), status: 1,
                      mentions: ["refer"])

        // A partner registered without a key receives no sealed packets.
        try await Casework.addPartner(workspace, "keyless-ngo", services: "legal")
        try await Casework.step(workspace, as: Cast.lawyer, inReview, "refer", ["--partner", "keyless-ngo",
                                                                                "--consent"], to: "referred")
        expectFailure(try await attempt(Cast.lawyer, inReview, "region", out: "k.pkt"), status: 1,
                      mentions: ["keyless-ngo"])

        // Once the referral is completed and the case closed, there is no open referral to write for.
        try await Casework.step(workspace, as: Cast.lawyer, id, "close", ["--outcome", "referral-completed"],
                                to: "closed")
        expectFailure(try await attempt(Cast.lawyer, id, "region", out: "closed.pkt"), status: 1, mentions: [id])
    }

    @Test("referral keygen writes an owner-only key file and never overwrites one")
    func keygen() async throws {
        let workspace = try Workspace()
        let key = try await Casework.keygen(workspace, "partner.key")
        let mode = try FileManager.default.attributesOfItem(atPath: key.file)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the secret key file should be 0600, not \(String(mode ?? 0, radix: 8))")
        let written = try String(contentsOfFile: key.file, encoding: .utf8)
        #expect(written.hasSuffix("\n"))
        let secret = written.trimmingCharacters(in: .newlines)
        #expect(Data(base64Encoded: secret)?.count == 32, "the key file holds a 32-byte base64 key")
        #expect(secret != key.publicKey, "the file holds the secret key, stdout the public key")

        let again = try await workspace.run(["referral", "keygen", "--out", key.file])
        expectFailure(again, status: 1, mentions: [key.file])
        #expect(try String(contentsOfFile: key.file, encoding: .utf8) == written, "the key file was overwritten")

        // Nor any other existing file.
        let notes = try workspace.write("notes.txt", "keep me\n")
        expectFailure(try await workspace.run(["referral", "keygen", "--out", notes]), status: 1, mentions: [notes])
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "keep me\n")

        let second = try await Casework.keygen(workspace, "second.key")
        #expect(second.publicKey != key.publicKey)
        expectFailure(try await workspace.run(["referral", "keygen"]), status: 2, mentions: ["--out"])
    }

    /// `strace`, to see with which mode a command creates its files.
    static let strace = URL(fileURLWithPath: "/usr/bin/strace")

    @Test("referral keygen creates the secret key file owner-only, instead of chmod-ing it once written",
          .enabled(if: FileManager.default.isExecutableFile(atPath: strace.path), "needs strace"))
    func keyFileOwnerOnlyFromCreation() async throws {
        let workspace = try Workspace()
        let out = workspace.directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let keyFile = out.appendingPathComponent("partner.key").path
        let trace = workspace.directory.appendingPathComponent("keygen.trace").path
        // A usual umask, so that a file created with mode 0666 is readable by everyone until it is chmod-ed.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "umask 022; exec \"$@\"", "sh", Self.strace.path, "-f", "-qq",
                             "-e", "trace=open,openat,creat", "-o", trace, try CommandLineTool.binary().path,
                             "referral", "keygen", "--out", keyFile]
        process.environment = CommandLineTool.environment()
        process.currentDirectoryURL = workspace.directory
        process.standardInput = FileHandle.nullDevice
        let errURL = workspace.directory.appendingPathComponent("keygen.stderr")
        try Data().write(to: errURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errHandle
        try process.run()
        process.waitUntilExit()
        try errHandle.close()
        let stderr = try String(contentsOf: errURL, encoding: .utf8)
        if stderr.contains("ptrace") || stderr.contains("Operation not permitted") {
            return  // strace cannot trace in this environment: nothing to observe
        }
        try #require(process.terminationStatus == 0, "\(stderr)")
        #expect(try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int == 0o600)

        // Every file keygen created in the key's folder, with the mode it asked for.
        let calls = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
            .filter { $0.contains("\"\(out.path)/") && $0.contains("O_CREAT") }
        try #require(!calls.isEmpty, "no file creation under \(out.path) in the trace")
        for call in calls {
            let mode = call.firstMatch(of: /O_CREAT[^)]*, (0[0-7]+)\)/).flatMap { Int($0.output.1, radix: 8) }
            let why = "the secret key is written to a file created group/world-readable (umask 022), and "
                + "chmod-ed to 0600 only after it is complete and renamed into place: \(call)"
            #expect(mode.map { $0 & 0o077 == 0 } == true, Comment(rawValue: why))
        }
    }

    @Test("partner add is for admins; partner list --json shows name, services and public key")
    func partnerRegistry() async throws {
        let workspace = try await Workspace.withUsers()
        let key = try await Casework.keygen(workspace, "partner.key")
        try await Casework.addPartner(workspace, Self.partner, services: "exit,legal", publicKey: key.publicKey)
        try await Casework.addPartner(workspace, "alpha-legal", services: "legal")

        func listed(as user: String = Cast.lawyer, sourceLocation: SourceLocation = #_sourceLocation) async throws
            -> [[String: Any]] {
            let result = try await workspace.run(as: user, ["partner", "list", "--json"])
            expectSuccess(result, sourceLocation: sourceLocation)
            return try result.jsonArray()
        }
        let partners = try await listed()
        try #require(partners.count == 2, "\(partners)")
        #expect(partners.allSatisfy { keys($0) == ["name", "services", "publicKey"] })
        #expect(partners.compactMap { $0["name"] as? String } == ["alpha-legal", Self.partner], "sorted by name")
        #expect(Set(partners[0]["services"] as? [String] ?? []) == ["legal"])
        #expect(partners[0]["publicKey"] is NSNull)
        #expect(Set(partners[1]["services"] as? [String] ?? []) == ["exit", "legal"])
        #expect(partners[1]["publicKey"] as? String == key.publicKey)

        let text = try await workspace.run(as: Cast.coordinator, ["partner", "list"])
        expectSuccess(text)
        #expect(text.stdoutLines.count == 2 && text.stdout.contains(key.publicKey), "\(text.stdout)")

        // Only admins register partners.
        for user in [Cast.coordinator, Cast.lawyer, Cast.auditor] {
            let refused = try await workspace.run(as: user, ["partner", "add", "rogue-\(user)", "--services", "exit",
                                                             "--public-key", key.publicKey])
            expectFailure(refused, status: 1, mentions: [user.components(separatedBy: "-")[0]])
        }
        expectFailure(try await workspace.run(as: Cast.admin, ["partner", "add", Self.partner, "--services", "legal"]),
                      status: 1, mentions: [Self.partner])
        // Malformed values are usage errors.
        expectFailure(try await workspace.run(as: Cast.admin, ["partner", "add", "x-ngo", "--services", "flying"]),
                      status: 2, mentions: ["flying"])
        expectFailure(try await workspace.run(as: Cast.admin, ["partner", "add", "x-ngo", "--services", "legal",
                                                               "--public-key", "c2hvcnQ="]),
                      status: 2, mentions: ["c2hvcnQ="])
        #expect(try await listed().count == 2, "a refused partner was registered")
        #expect(try await listed(as: Cast.admin).compactMap { $0["name"] as? String } == ["alpha-legal", Self.partner])
    }
}
