import Foundation
import SodiumKit

extension Session {
    /// Registers a partner organisation (admins only), signed with the root key.
    ///
    /// - Throws: ``CaseVaultError`` (`permissionDenied`, `alreadyExists`, `invalidInput` for an
    ///   empty name or service list, or a public key that is not 32 bytes).
    public func addPartner(_ partner: Partner) throws {
        try require(.addPartners)
        let root = try keys.rootKey(for: "add partners")
        try UserRecord.validate(name: partner.name, what: "partner handle")
        if let displayName = partner.displayName { try Partner.validate(displayName: displayName) }
        guard !partner.services.isEmpty else {
            throw CaseVaultError(.invalidInput, "a partner needs at least one service")
        }
        if let key = partner.publicKey, key.count != BoxKeyPair.publicKeyLength {
            throw CaseVaultError(.invalidInput, "a partner's public key is 32 bytes (44 characters of base64)")
        }
        let services = partner.storedServices
        let signature = root.sign(Partner.message(vaultID: keys.vaultID, name: partner.name,
                                                  displayName: partner.displayName, services: services,
                                                  publicKey: partner.publicKey))
        try database.write("add partner \(partner.name)") { store in
            guard try !store.partnerExists(named: partner.name) else {
                throw CaseVaultError(.alreadyExists, "a partner named \(partner.name) already exists")
            }
            if let displayName = partner.displayName,
               let other = try store.partners().first(where: {
                   $0.displayName?.lowercased() == displayName.lowercased() }) {
                throw CaseVaultError(.alreadyExists, "partner \(other.name) already has the name '\(displayName)'",
                                     remedy: "give each partner its own name", subject: .partner(other.name))
            }
            try store.insert(PartnerRow(name: partner.name, services: services,
                                        boxPublicKey: partner.publicKey.map { Data($0) },
                                        signature: Data(signature), displayName: partner.displayName))
            try AuditLog.append(store, keys: keys, action: "partner-added", detail: partner.name,
                                ciphertexts: [signature])
        }
    }

    /// The registered partners, sorted by name; every record's signature is verified.
    ///
    /// - Throws: ``CaseVaultError`` (`integrity` when a partner record does not verify).
    public func partners() throws -> [Partner] {
        try database.read("list partners") { store in
            try store.partners().map { row in
                let key = row.boxPublicKey.map { [UInt8]($0) }
                guard Ed25519.isValid(signature: [UInt8](row.signature),
                                      message: Partner.message(vaultID: keys.vaultID, name: row.name,
                                                               displayName: row.displayName, services: row.services,
                                                               publicKey: key),
                                      publicKey: keys.rootPublicKey),
                      let needs = Partner.services(stored: row.services) else {
                    throw CaseVaultError(.integrity, "the record of partner \(row.name) does not verify; "
                                         + "the file was tampered with")
                }
                return Partner(name: row.name, displayName: row.displayName, services: needs, publicKey: key)
            }
        }
    }
}

extension Session {
    /// The vault's organisation key (its root public key, base64 in the CLI): partners use it to
    /// check referral packets.
    public var organisationKey: [UInt8] { keys.rootPublicKey }

    /// Writes a referral packet for a referred case: only `fields`, signed by this lawyer, sealed
    /// to the public key of the partner the case is referred to. The disclosure is audited.
    ///
    /// - Throws: ``CaseVaultError`` (`permissionDenied` for roles other than lawyer and admin,
    ///   `refused` when the case has no open referral, `invalidInput` when the partner has no
    ///   public key or no field is chosen).
    public func referralPacket(for id: CaseID, fields: [PacketField]) throws -> [UInt8] {
        try require(.writeReferralPackets)
        guard !fields.isEmpty else { throw CaseVaultError(.invalidInput, "choose at least one field for the packet") }
        let users = try verifiedUsers()
        let partners = try self.partners()
        return try database.write("write a referral packet for case \(id)") { store -> [UInt8] in
            let record = try readCase(store, id, users: users)
            guard record.state == .referred, let referral = record.referrals.last,
                  referral.status == .sent || referral.status == .accepted else {
                throw CaseVaultError(.refused, "case \(id) has no open referral; refer it to a partner first")
            }
            guard let partner = partners.first(where: { $0.name == referral.partner }),
                  let recipient = partner.publicKey else {
                throw CaseVaultError(.invalidInput, "partner \(referral.partner) has no public key; "
                                     + "add one to send sealed packets")
            }
            guard let me = users[keys.userID] else {
                throw CaseVaultError(.integrity, "this session's user record is missing")
            }
            var chosen: [PacketField] = []
            for field in fields where !chosen.contains(field) { chosen.append(field) }
            var body = RecordWriter(capacity: 512)
            body.u8(1)
            body.field(keys.vaultID)
            body.field(recipient)
            body.field(partner.name)
            body.field(id.bytes)
            body.field(me.id.bytes)
            body.field(me.name)
            body.u8(me.role.code)
            body.field(me.boxPublicKey)
            body.field(me.signPublicKey)
            body.field(me.certificate)
            body.i64(Clock.nowSeconds())
            body.u32(UInt32(chosen.count))
            for field in chosen {
                body.u8(field.code)
                body.optionalField(PacketFieldValue.value(of: field, in: record).map { Array($0.utf8) })
            }
            let signature = keys.signing.sign(ReferralPacket.signedMessage(vaultID: keys.vaultID, body: body.bytes))
            var plaintext = RecordWriter(capacity: body.bytes.count + 80)
            plaintext.field(body.bytes)
            plaintext.field(signature)
            let sealed = try SealedBox.seal(plaintext.bytes, to: recipient)
            try AuditLog.append(store, keys: keys, action: "referral-packet", caseIDs: [id],
                                detail: "to \(partner.name): " + chosen.map(\.rawValue).joined(separator: ","),
                                ciphertexts: [sealed])
            return ReferralPacket.magic + sealed
        }
    }
}
