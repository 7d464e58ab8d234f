import Foundation
import GRDB
import SodiumKit

/// An unlocked vault: one user's keys in secure memory, and the operations their role allows.
///
/// What a session can read is decided by the keys it holds (an auditor holds only the stats
/// key); what it may write is also checked against the role certified in the user's record.
/// Release the session to wipe its keys.
public final class Session {
    /// The vault this session belongs to.
    public let vault: Vault
    /// The unlocked user's name.
    public let user: String
    /// The unlocked user's certified role.
    public let role: Role
    /// The vault's settings as verified at unlock.
    public private(set) var settings: VaultSettings
    let keys: KeyRing

    init(vault: Vault, user: UserRecord, keys: KeyRing, settings: VaultSettings) {
        self.vault = vault
        self.user = user.name
        self.role = user.role
        self.keys = keys
        self.settings = settings
    }

    var cipher: CaseCipher { CaseCipher(keys: keys) }

    /// Drops a compartment key from this session, for least privilege (for example before
    /// handing the machine to someone else while a session is open). Data under that key
    /// becomes unreadable to the session: operations that need it fail rather than come back
    /// empty, and legal notes are left out of cases exactly as for a coordinator.
    public func relinquish(_ compartment: Compartment) {
        keys.remove(KeyName(rawValue: compartment.rawValue)!)  // compartments are key names
    }

    /// The compartments whose keys this session holds.
    public var heldCompartments: [Compartment] {
        Compartment.allCases.filter { keys.compartments[$0] != nil }
    }

    func require(_ roles: Set<Role>, to action: String) throws {
        guard roles.contains(role) else { throw CaseVaultError.role(role, cannot: action) }
    }

    // MARK: - Users

    /// The vault's users with their certified roles; every certificate is verified.
    ///
    /// - Throws: ``CaseVaultError`` (`integrity` when a user record does not verify).
    public func users() throws -> [UserInfo] {
        try verifiedUsers().values.sorted { $0.name < $1.name }.map { UserInfo(name: $0.name, role: $0.role) }
    }

    func verifiedUsers() throws -> [UserID: UserRecord] {
        let records = try vault.read("list users") { db in try UserRecord.fetchAll(db) }
        var byID: [UserID: UserRecord] = [:]
        for record in records {
            guard record.isCertified(vaultID: keys.vaultID, rootPublicKey: keys.rootPublicKey) else {
                throw CaseVaultError(.integrity, "the user record of \(record.name) does not verify; "
                                     + "the file was tampered with")
            }
            byID[record.id] = record
        }
        return byID
    }

    /// Adds a user with a role; they receive exactly the keys of that role (admins only).
    ///
    /// - Parameter kdf: Argon2id cost for the new keyslot.
    /// - Throws: ``CaseVaultError`` (`permissionDenied` for non-admins, `alreadyExists`,
    ///   `invalidInput` for a bad name).
    public func addUser(name: String, role newRole: Role, passphrase: SecureBytes, kdf: KDFProfile = .moderate) throws {
        try require([.admin], to: "add users")
        let root = try keys.rootKey(for: "add users")
        var grants: [(KeyName, UInt32, SecureBytes)] = []
        for name in newRole.grantedKeys {
            guard let held = keys.secrets[name] else {
                throw CaseVaultError.missingKey(name.rawValue, for: "grant it to a new \(newRole)")
            }
            grants.append((name, held.version, held.secret))
        }
        try UserRecord.validate(name: name)
        try vault.write(action: "add user \(name)") { db in
            let record = try UserProvisioning(vaultID: keys.vaultID, root: root)
                .create(db, name: name, role: newRole, passphrase: passphrase, profile: kdf, grants: grants).record
            try AuditLog.append(db, keys: keys, action: "user-added", detail: "\(name) as \(newRole)",
                                ciphertexts: [record.certificate])
        }
    }

    /// The identifying details the free-text check finds in `text` (phone numbers, e-mail
    /// addresses, passport, military-ID and unit numbers), for warning a writer before a write.
    public func identifyingDetails(in text: String, field: String) -> TextFinding? {
        TextPolicy.findings(in: text, field: field)
    }

    // MARK: - Settings

    /// Re-reads and verifies the settings, so a session open for a while follows an admin's change
    /// (a strict text policy switched on applies at once).
    func refreshSettings() throws -> VaultSettings {
        let row = try vault.read("read the vault settings") { db in
            try Row.fetchOne(db, sql: "SELECT settings, settings_signature FROM vault WHERE id = 1")
        }
        guard let row else { throw CaseVaultError(.integrity, "the vault settings are missing; the file is damaged") }
        let current = try VaultSettings(verifying: row, vaultID: keys.vaultID, rootPublicKey: keys.rootPublicKey)
        settings = current
        return current
    }

    /// Changes the vault's settings, signed with the root key (admins only).
    ///
    /// - Throws: ``CaseVaultError`` (`permissionDenied`, `invalidInput` for an unknown time zone).
    public func updateSettings(_ newSettings: VaultSettings) throws {
        try require([.admin], to: "change vault settings")
        let root = try keys.rootKey(for: "change vault settings")
        guard TimeZone(identifier: newSettings.timeZone) != nil else {
            throw CaseVaultError(.invalidInput, "unknown time zone '\(newSettings.timeZone)'; use an IANA name such as Europe/Moscow")
        }
        let encoded = newSettings.encoded
        let signature = root.sign(VaultSettings.message(vaultID: keys.vaultID, encoded: encoded))
        try vault.write(action: "change settings") { db in
            try db.execute(sql: "UPDATE vault SET settings = ?, settings_signature = ? WHERE id = 1",
                           arguments: [Data(encoded), Data(signature)])
            try AuditLog.append(db, keys: keys, action: "settings-changed", ciphertexts: [encoded])
        }
        settings = newSettings
    }

    /// Checks the audit chain and every entry's signature with public keys; returns how many
    /// entries there are.
    ///
    /// - Throws: ``CaseVaultError`` (`integrity`) naming the first entry that does not verify.
    public func verifyAuditLog() throws -> Int {
        let signers = try verifiedUsers().mapValues(\.signPublicKey)
        return try vault.read("verify the audit log") { db in
            try AuditLog.verify(db, vaultID: keys.vaultID, signers: signers)
        }
    }
}
