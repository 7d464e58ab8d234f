import Foundation
import GRDB
import SodiumKit

/// A partner organisation cases can be referred to: its name, the services it offers and,
/// optionally, its X25519 public key for sealed referral packets. Partner records are signed
/// by an admin with the vault's root key.
public struct Partner: Hashable, Sendable {
    /// The partner's name (as the organisation is known to the team).
    public let name: String
    /// The services it offers.
    public let services: [Need]
    /// Its X25519 public key, if it receives referral packets.
    public let publicKey: [UInt8]?

    /// Creates a partner record.
    public init(name: String, services: [Need], publicKey: [UInt8]? = nil) {
        self.name = name
        self.services = services
        self.publicKey = publicKey
    }

    static func message(vaultID: [UInt8], name: String, services: String, publicKey: [UInt8]?) -> [UInt8] {
        SignedMessage.make("partner", vaultID: vaultID, [Array(name.utf8), Array(services.utf8), publicKey ?? []])
    }
}

extension Session {
    /// Registers a partner organisation (admins only), signed with the root key.
    ///
    /// - Throws: ``CaseVaultError`` (`permissionDenied`, `alreadyExists`, `invalidInput` for an
    ///   empty name or service list, or a public key that is not 32 bytes).
    public func addPartner(_ partner: Partner) throws {
        try require([.admin], to: "add partners")
        let root = try keys.rootKey(for: "add partners")
        try UserRecord.validate(name: partner.name, what: "partner name")
        guard !partner.services.isEmpty else {
            throw CaseVaultError(.invalidInput, "a partner needs at least one service")
        }
        if let key = partner.publicKey, key.count != BoxKeyPair.publicKeyLength {
            throw CaseVaultError(.invalidInput, "a partner's public key is 32 bytes (44 characters of base64)")
        }
        let services = Array(Set(partner.services)).sorted().map(\.rawValue).joined(separator: ",")
        let signature = root.sign(Partner.message(vaultID: keys.vaultID, name: partner.name, services: services,
                                                  publicKey: partner.publicKey))
        try vault.write(action: "add partner \(partner.name)") { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM partners WHERE name = ?",
                                   arguments: [partner.name]) == 0 else {
                throw CaseVaultError(.alreadyExists, "a partner named \(partner.name) already exists")
            }
            try db.execute(
                sql: "INSERT INTO partners (name, services, box_public_key, signature) VALUES (?, ?, ?, ?)",
                arguments: [partner.name, services, partner.publicKey.map { Data($0) }, Data(signature)])
            try AuditLog.append(db, keys: keys, action: "partner-added", detail: partner.name,
                                ciphertexts: [signature])
        }
    }

    /// The registered partners, sorted by name; every record's signature is verified.
    ///
    /// - Throws: ``CaseVaultError`` (`integrity` when a partner record does not verify).
    public func partners() throws -> [Partner] {
        try vault.read("list partners") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM partners ORDER BY name").map { row in
                let name: String = row["name"]
                let services: String = row["services"]
                let key = (row["box_public_key"] as Data?).map { [UInt8]($0) }
                guard Ed25519.isValid(signature: [UInt8](row["signature"] as Data),
                                      message: Partner.message(vaultID: keys.vaultID, name: name, services: services,
                                                               publicKey: key),
                                      publicKey: keys.rootPublicKey) else {
                    throw CaseVaultError(.integrity, "the record of partner \(name) does not verify; "
                                         + "the file was tampered with")
                }
                let needs = services.split(separator: ",").compactMap { Need(rawValue: String($0)) }
                return Partner(name: name, services: needs, publicKey: key)
            }
        }
    }
}
