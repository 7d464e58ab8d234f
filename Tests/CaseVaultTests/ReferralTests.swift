import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// Referral packets (Docs/Workflow.md, "Referrals"): only the fields a lawyer chooses, signed by
/// the lawyer, whose certificate travels with them, and sealed to the partner's X25519 key. The
/// partner's side refuses a packet for another key, changed in any byte, or not certified by
/// the organisation key.
@Suite("Referral packets")
struct ReferralTests {
    typealias Team = CaseworkTeam

    static let contact = "@packet_contact_a41c"
    static let narrative = "PACKET-NARRATIVE-77e2: ранен под Бахмутом, отпуск до конца месяца."

    /// A team whose partner has a key pair, and a case referred to it.
    struct Scene {
        let team: Team
        let partner: BoxKeyPair
        let id: CaseID

        init(_ fixture: VaultFixture, state: CaseState = .referred) throws {
            partner = ReferralPacket.generatePartnerKeyPair()
            team = try Team(fixture, partnerKey: partner.publicKey)
            id = try team.newCase(in: state, Synthetic.request(
                deadline: "2023-10-05", contact: ReferralTests.contact, narrative: ReferralTests.narrative))
        }

        func open(_ packet: [UInt8]) throws -> OpenedReferralPacket {
            try ReferralPacket.open(packet, partnerSecretKey: partner.exportSecretKey(),
                                    organisationKey: team.lawyer.organisationKey)
        }
    }

    @Test("the partner opens exactly the chosen fields, in the chosen order, with the case's values")
    func chosenFieldsOnly() throws {
        try withVault { fixture in
            let scene = try Scene(fixture)
            let audit = try fixture.admin.verifyAuditLog()
            let chosen: [PacketField] = [.region, .contact, .needs, .deadline, .urgency, .region]
            let packet = try scene.team.lawyer.referralPacket(for: scene.id, fields: chosen)
            #expect(try fixture.admin.verifyAuditLog() == audit + 1, "writing a packet is audited")

            let opened = try scene.open(packet)
            #expect(opened.caseID == scene.id)
            #expect(opened.partner == Team.partnerName)
            #expect(opened.lawyer == Team.lawyerName)
            #expect(ISO8601DateFormatter().date(from: opened.createdAt) != nil)
            #expect(opened.fields == [
                PacketFieldValue(field: .region, value: "RU-SVE"),
                PacketFieldValue(field: .contact, value: ReferralTests.contact),
                PacketFieldValue(field: .needs, value: "legal,exit"),
                PacketFieldValue(field: .deadline, value: "2023-10-05"),
                PacketFieldValue(field: .urgency, value: "high"),
            ])
            for unchosen in [PacketField.narrative, .received, .channel, .district, .service, .situation] {
                #expect(!opened.fields.map(\.field).contains(unchosen))
            }
        }
    }

    @Test("every field carries the case's value; a field the case lacks is nil")
    func everyField() throws {
        try withVault { fixture in
            let partner = ReferralPacket.generatePartnerKeyPair()
            let team = try Team(fixture, partnerKey: partner.publicKey)
            let id = try team.newCase(in: .referred,
                                      Synthetic.request(contact: nil, narrative: ReferralTests.narrative))
            let packet = try team.lawyer.referralPacket(for: id, fields: PacketField.allCases)
            let opened = try ReferralPacket.open(packet, partnerSecretKey: partner.exportSecretKey(),
                                                 organisationKey: fixture.admin.organisationKey)
            let values = Dictionary(uniqueKeysWithValues: opened.fields.map { ($0.field, $0.value) })
            #expect(opened.fields.map(\.field) == PacketField.allCases)
            let expected: [PacketField: String?] = [
                .received: "2023-09-14", .channel: "messenger", .region: "RU-SVE", .district: "ural",
                .service: "mobilized", .situation: "leave", .needs: "legal,exit", .urgency: "high",
                .deadline: nil, .contact: nil, .narrative: ReferralTests.narrative,
            ]
            #expect(values == expected)
            #expect(values.count == PacketField.allCases.count)
        }
    }

    @Test("the packet's bytes hold no plaintext contact, narrative or region")
    func packetIsSealed() throws {
        try withVault { fixture in
            let scene = try Scene(fixture)
            let packet = try scene.team.lawyer.referralPacket(for: scene.id, fields: [.contact, .narrative, .region])
            #expect(packet.starts(with: Array("CASEVAULT-REFERRAL-1\n".utf8)))
            for secret in [ReferralTests.contact, "packet_contact_a41c", "PACKET-NARRATIVE-77e2", "Бахмутом",
                           "RU-SVE", Team.lawyerName, Team.partnerName] {
                #expect(!packet.containsBytes(Array(secret.utf8)), "the packet shows '\(secret)'")
            }
            // Yet the sealed fields are there for the partner.
            let opened = try scene.open(packet)
            #expect(opened.fields.map(\.value) == [ReferralTests.contact, ReferralTests.narrative, "RU-SVE"])
        }
    }

    @Test("another partner's key does not open the packet")
    func anotherPartnersKey() throws {
        try withVault { fixture in
            let scene = try Scene(fixture)
            let packet = try scene.team.lawyer.referralPacket(for: scene.id, fields: [.contact])
            let stranger = ReferralPacket.generatePartnerKeyPair()
            expectCaseVaultError(.integrity) {
                try ReferralPacket.open(packet, partnerSecretKey: stranger.exportSecretKey(),
                                        organisationKey: scene.team.lawyer.organisationKey)
            }
            #expect(try scene.open(packet).fields.count == 1)
        }
    }

    @Test("flipping any one byte after the magic header makes the packet fail; in the header it is not a packet")
    func flippedBytes() throws {
        try withVault { fixture in
            let scene = try Scene(fixture)
            let packet = try scene.team.lawyer.referralPacket(for: scene.id, fields: [.contact, .urgency])
            let header = ReferralPacket.magic.count
            for index in header..<packet.count {
                expectCaseVaultError(.integrity, "byte \(index)") { try scene.open(packet.flipping(index)) }
            }
            // X25519 ignores the top bit of a public key; the sealed box still binds it through its nonce.
            expectCaseVaultError(.integrity) { try scene.open(packet.flipping(header + 31, mask: 0x80)) }
            expectCaseVaultError(.integrity, "truncated") { try scene.open(Array(packet.dropLast())) }
            expectCaseVaultError(.integrity, "extended") { try scene.open(packet + [0]) }
            for index in 0..<header {
                expectCaseVaultError(.invalidInput, "header byte \(index)") { try scene.open(packet.flipping(index)) }
            }
            #expect(try scene.open(packet).fields.count == 2)
        }
    }

    @Test("a wrong organisation key refuses the packet", arguments: ["fresh key", "another vault", "flipped"])
    func wrongOrganisationKey(_ which: String) throws {
        try withVault { fixture in
            let scene = try Scene(fixture)
            let packet = try scene.team.lawyer.referralPacket(for: scene.id, fields: [.region])
            let key: [UInt8]
            switch which {
            case "fresh key": key = SigningKeyPair.generate().publicKey
            case "another vault": key = try withVault { other in other.admin.organisationKey }
            default: key = scene.team.lawyer.organisationKey.flipping(7)
            }
            #expect(key != scene.team.lawyer.organisationKey)
            let error = expectCaseVaultError(.integrity) {
                try ReferralPacket.open(packet, partnerSecretKey: scene.partner.exportSecretKey(),
                                        organisationKey: key)
            }
            #expect(error?.subject == CaseVaultError.Subject(.organisationKey, Data(key).base64EncodedString()))
            #expect(error?.remedy == "check the organisation key")
        }
    }

    @Test("an admin may write a packet; a coordinator or auditor may not", arguments: [Role.coordinator, .auditor])
    func whoWritesPackets(_ role: Role) throws {
        try withVault { fixture in
            let scene = try Scene(fixture)
            let session = role == .coordinator ? scene.team.coordinator : scene.team.auditor
            let audit = try fixture.admin.verifyAuditLog()
            expectCaseVaultError(.permissionDenied) { try session.referralPacket(for: scene.id, fields: [.contact]) }
            #expect(try fixture.admin.verifyAuditLog() == audit)
            let opened = try scene.open(try fixture.admin.referralPacket(for: scene.id, fields: [.region]))
            #expect(opened.lawyer == VaultFixture.adminName)
        }
    }

    @Test("a packet needs an open referral: refused before refer, after a decline and after the case closed")
    func needsOpenReferral() throws {
        try withVault { fixture in
            let scene = try Scene(fixture, state: .inReview)
            let lawyer = scene.team.lawyer
            let audit = try fixture.admin.verifyAuditLog()
            expectCaseVaultError(.refused) { try lawyer.referralPacket(for: scene.id, fields: [.contact]) }
            expectCaseVaultError(.refused, "a fresh case") {
                try lawyer.referralPacket(for: try scene.team.intake(), fields: [.contact])
            }
            #expect(try fixture.admin.verifyAuditLog() == audit + 1, "only the fresh intake was written")

            try lawyer.perform(.refer, on: scene.id, with: Team.referInputs)
            try lawyer.perform(.referralDeclined, on: scene.id, with: WorkflowInputs(note: "No capacity."))
            expectCaseVaultError(.refused, "declined") { try lawyer.referralPacket(for: scene.id, fields: [.region]) }

            try lawyer.perform(.refer, on: scene.id, with: Team.referInputs)
            try lawyer.perform(.referralAccepted, on: scene.id)
            #expect(try scene.open(try lawyer.referralPacket(for: scene.id, fields: [.region])).caseID == scene.id,
                    "an accepted referral is still open")
            try lawyer.perform(.close, on: scene.id, with: WorkflowInputs(outcome: .referralCompleted))
            expectCaseVaultError(.refused, "closed") { try lawyer.referralPacket(for: scene.id, fields: [.region]) }

            // Closed from referred with another outcome, the referral is never completed, but the
            // case is closed: no packet either, nor after it is reopened.
            let withdrawn = try scene.team.newCase(in: .referred)
            try lawyer.perform(.referralAccepted, on: withdrawn)
            try lawyer.perform(.close, on: withdrawn, with: WorkflowInputs(outcome: .withdrawn))
            #expect(try lawyer.case(withdrawn).referrals.map(\.status) == [.accepted])
            expectCaseVaultError(.refused, "withdrawn") {
                try lawyer.referralPacket(for: withdrawn, fields: [.region])
            }
            try lawyer.perform(.reopen, on: withdrawn, with: WorkflowInputs(note: "Wrote again."))
            expectCaseVaultError(.refused, "reopened") {
                try lawyer.referralPacket(for: withdrawn, fields: [.region])
            }
            expectCaseVaultError(.notFound) { try lawyer.referralPacket(for: CaseID.random(), fields: [.region]) }
        }
    }

    @Test("a packet opened by its partner and sealed again to another partner is refused as re-addressed")
    func readdressed() throws {
        try withVault { fixture in
            let scene = try Scene(fixture)
            let packet = try scene.team.lawyer.referralPacket(for: scene.id, fields: [.contact])
            let inside = try SealedBox.open(Array(packet.dropFirst(ReferralPacket.magic.count)), with: scene.partner)
            let other = ReferralPacket.generatePartnerKeyPair()
            let forwarded = ReferralPacket.magic + (try SealedBox.seal(inside, to: other.publicKey))
            let error = expectCaseVaultError(.integrity) {
                try ReferralPacket.open(forwarded, partnerSecretKey: other.exportSecretKey(),
                                        organisationKey: scene.team.lawyer.organisationKey)
            }
            #expect(error?.message.contains("re-addressed") == true)
            // Sealed again to the same partner, it is the same packet and opens.
            let resealed = ReferralPacket.magic + (try SealedBox.seal(inside, to: scene.partner.publicKey))
            #expect(try scene.open(resealed).fields
                    == [PacketFieldValue(field: .contact, value: ReferralTests.contact)])
        }
    }

    /// A packet built with the library's own layout, signed by `session`, claiming `role`.
    static func craftPacket(by session: Session, claiming role: Role? = nil, for id: CaseID,
                            to recipient: [UInt8]) throws -> [UInt8] {
        let me = try #require(try session.verifiedUsers()[session.keys.userID])
        var body = RecordWriter(capacity: 512)
        body.u8(1)
        body.field(session.keys.vaultID)
        body.field(recipient)
        body.field(Team.partnerName)
        body.field(id.bytes)
        body.field(me.id.bytes)
        body.field(me.name)
        body.u8((role ?? me.role).code)
        body.field(me.boxPublicKey)
        body.field(me.signPublicKey)
        body.field(me.certificate)
        body.i64(Clock.nowSeconds())
        body.u32(1)
        body.u8(PacketField.contact.code)
        body.optionalField(Array(ReferralTests.contact.utf8))
        let signature = session.keys.signing.sign(ReferralPacket.signedMessage(vaultID: session.keys.vaultID,
                                                                               body: body.bytes))
        var plaintext = RecordWriter(capacity: body.bytes.count + 80)
        plaintext.field(body.bytes)
        plaintext.field(signature)
        return ReferralPacket.magic + (try SealedBox.seal(plaintext.bytes, to: recipient))
    }

    @Test("a packet a coordinator crafts and signs is refused, whether it shows its role or claims a lawyer's")
    func coordinatorCraftedPacket() throws {
        try withVault { fixture in
            let scene = try Scene(fixture)
            let recipient = scene.partner.publicKey
            // The crafting is faithful: the lawyer's crafted packet opens.
            let byLawyer = try ReferralTests.craftPacket(by: scene.team.lawyer, for: scene.id, to: recipient)
            #expect(try scene.open(byLawyer).lawyer == Team.lawyerName)

            let asItself = try ReferralTests.craftPacket(by: scene.team.coordinator, for: scene.id, to: recipient)
            expectCaseVaultError(.integrity, "a coordinator's packet") { try scene.open(asItself) }
            let asLawyer = try ReferralTests.craftPacket(by: scene.team.coordinator, claiming: .lawyer,
                                                         for: scene.id, to: recipient)
            expectCaseVaultError(.integrity, "a coordinator claiming to be a lawyer") { try scene.open(asLawyer) }
        }
    }

    @Test("a partner without a public key gets no packet; no field chosen is invalid")
    func partnerWithoutKey() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .referred)
            let audit = try fixture.admin.verifyAuditLog()
            let error = expectCaseVaultError(.invalidInput) {
                try team.lawyer.referralPacket(for: id, fields: [.region])
            }
            #expect(error?.message.contains(Team.partnerName) == true)
            expectCaseVaultError(.invalidInput) { try team.lawyer.referralPacket(for: id, fields: []) }
            #expect(try fixture.admin.verifyAuditLog() == audit)
        }
    }

    @Test("a packet goes to the partner the case is referred to, not to another registered one")
    func sealedToTheReferredPartner() throws {
        try withVault { fixture in
            let scene = try Scene(fixture)
            let other = ReferralPacket.generatePartnerKeyPair()
            try fixture.admin.addPartner(Partner(name: "idite-lesom", services: [.exit], publicKey: other.publicKey))
            let packet = try scene.team.lawyer.referralPacket(for: scene.id, fields: [.urgency])
            expectCaseVaultError(.integrity) {
                try ReferralPacket.open(packet, partnerSecretKey: other.exportSecretKey(),
                                        organisationKey: scene.team.lawyer.organisationKey)
            }
            #expect(try scene.open(packet).partner == Team.partnerName)
        }
    }
}

/// The partner registry: admin-signed records; anything edited in the file fails verification.
@Suite("Partner registry")
struct PartnerRegistryTests {
    typealias Team = CaseworkTeam

    @Test("an admin registers partners; every user reads them back, sorted, with services and key")
    func registerAndList() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let pair = ReferralPacket.generatePartnerKeyPair()
            try fixture.admin.addPartner(Partner(name: "idite-lesom", services: [.exit, .legal, .exit],
                                                 publicKey: pair.publicKey))
            for session in [fixture.admin, team.coordinator, team.lawyer] {
                let partners = try session.partners()
                #expect(partners.map(\.name) == ["idite-lesom", Team.partnerName])
                #expect(partners[0].services == [.legal, .exit])
                #expect(partners[0].publicKey == pair.publicKey)
                #expect(partners[1].publicKey == nil)
            }
        }
    }

    @Test("only an admin adds partners", arguments: [Role.coordinator, .lawyer, .auditor])
    func nonAdminRefused(_ role: Role) throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let session = [team.coordinator, team.lawyer, team.auditor].first { $0.role == role }!
            let audit = try fixture.admin.verifyAuditLog()
            expectCaseVaultError(.permissionDenied) {
                try session.addPartner(Partner(name: "memorial", services: [.legal]))
            }
            #expect(try fixture.admin.partners().map(\.name) == [Team.partnerName])
            #expect(try fixture.admin.verifyAuditLog() == audit)
        }
    }

    @Test("a duplicate name, a key of the wrong length, no services or a bad name are refused")
    func invalidPartners() throws {
        try withVault { fixture in
            let admin = fixture.admin
            try admin.addPartner(Partner(name: "kovcheg", services: [.exit]))
            let audit = try admin.verifyAuditLog()
            expectCaseVaultError(.alreadyExists) { try admin.addPartner(Partner(name: "kovcheg", services: [.legal])) }
            for length in [0, 31, 33, 64] {
                expectCaseVaultError(.invalidInput, "a \(length)-byte key") {
                    try admin.addPartner(Partner(name: "memorial", services: [.legal],
                                                 publicKey: [UInt8](repeating: 9, count: length)))
                }
            }
            expectCaseVaultError(.invalidInput) { try admin.addPartner(Partner(name: "memorial", services: [])) }
            expectCaseVaultError(.invalidInput) { try admin.addPartner(Partner(name: "", services: [.legal])) }
            expectCaseVaultError(.invalidInput) {
                try admin.addPartner(Partner(name: "memorial; DROP", services: [.legal]))
            }
            #expect(try admin.partners().map(\.name) == ["kovcheg"])
            #expect(try admin.verifyAuditLog() == audit)
        }
    }

    /// Columns of a partner row, and how to spoil each.
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case services, name, keySwapped = "key swapped", keyRemoved = "key removed", signature

        var testDescription: String { rawValue }
    }

    @Test("a partner record edited in the file fails verification", arguments: Damage.allCases)
    func tamperedPartner(_ damage: Damage) throws {
        try withVault { fixture in
            let pair = ReferralPacket.generatePartnerKeyPair()
            let team = try Team(fixture, partnerKey: pair.publicKey)
            let id = try team.newCase(in: .inReview)
            let partner = "name = '\(Team.partnerName)'"
            try fixture.tamper { db in
                switch damage {
                case .services:
                    try db.execute(sql: "UPDATE partners SET services = 'legal,exit,documents' WHERE \(partner)")
                case .name:
                    try db.execute(sql: "UPDATE partners SET name = 'kovcheg-2' WHERE \(partner)")
                case .keySwapped:
                    // The seizer's own key, so sealed packets would go to them.
                    try db.execute(sql: "UPDATE partners SET box_public_key = ? WHERE \(partner)",
                                   arguments: [Data(BoxKeyPair.generate().publicKey)])
                case .keyRemoved:
                    try db.execute(sql: "UPDATE partners SET box_public_key = NULL WHERE \(partner)")
                case .signature:
                    let signature = try #require(try Data.fetchOne(db, sql: "SELECT signature FROM partners"))
                    try db.execute(sql: "UPDATE partners SET signature = ?",
                                   arguments: [Data([UInt8](signature).flipping(3))])
                }
                #expect(db.changesCount == 1)
            }
            for session in [fixture.admin, team.lawyer, team.coordinator] {
                expectCaseVaultError(.integrity, "\(session.role)") { try session.partners() }
            }
            // Nothing that relies on the registry proceeds on a forged record.
            let name = damage == .name ? "kovcheg-2" : Team.partnerName
            expectCaseVaultError(.integrity) {
                try team.lawyer.perform(.refer, on: id, with: WorkflowInputs(partner: name, consent: true))
            }
            #expect(try team.lawyer.case(id).state == .inReview)
        }
    }

    @Test("a forged partner key also stops packets for a case already referred")
    func tamperedKeyStopsPackets() throws {
        try withVault { fixture in
            let pair = ReferralPacket.generatePartnerKeyPair()
            let team = try Team(fixture, partnerKey: pair.publicKey)
            let id = try team.newCase(in: .referred)
            let seizer = BoxKeyPair.generate()
            try fixture.tamper { db in
                try db.execute(sql: "UPDATE partners SET box_public_key = ?", arguments: [Data(seizer.publicKey)])
            }
            let audit = try fixture.admin.verifyAuditLog()
            expectCaseVaultError(.integrity) { try team.lawyer.referralPacket(for: id, fields: [.contact]) }
            #expect(try fixture.admin.verifyAuditLog() == audit)
        }
    }
}
