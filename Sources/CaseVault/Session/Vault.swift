import Foundation
import SodiumKit

/// A CaseVault file: one SQLite database holding pseudonymous, encrypted help requests.
///
/// ```swift
/// let created = try Vault.create(at: "org.casevault", admin: "lead", passphrase: pass)
/// print(created.recoveryCode.reveal())          // shown once
/// let session = try created.vault.unlock(user: "lead", passphrase: pass)
/// ```
public final class Vault: Sendable {
    /// The version of the CaseVault software, as export manifests and `casevault --version` state it.
    public static let softwareVersion = "0.5.0-dev"

    /// The vault file's path.
    public var path: String { database.path }
    let database: VaultDatabase
    var vaultID: [UInt8] { database.header.vaultID }

    private init(database: VaultDatabase) {
        self.database = database
    }

    /// Creates a new vault with its first admin and a one-time recovery code.
    ///
    /// Generates the root signing key and the four compartments, certifies the admin, seals
    /// their keyslots (passphrase and recovery code) and writes the first audit entry.
    /// - Parameter kdf: Argon2id cost for the admin's keyslots; `interactive` only for tests.
    /// - Throws: ``CaseVaultError`` (`alreadyExists` when the file exists, `invalidInput` for a
    ///   bad name, `storage` when the file cannot be written).
    public static func create(at path: String, admin: String, passphrase: SecureBytes,
                              kdf: KDFProfile = .moderate) throws -> VaultCreation {
        try UserRecord.validate(name: admin)
        let vaultID = Random.bytes(count: 16)
        let rootSeed = SecureBytes.random(count: SigningKeyPair.seedLength)
        let root = SigningKeyPair(seed: rootSeed)
        let recoveryCode = RecoveryCode.generate()
        let database = try VaultDatabase.create(at: path) { store in
            let settings = VaultSettings()
            try store.insert(VaultRow(formatVersion: Schema.formatVersion, vaultID: Data(vaultID),
                                      rootPublicKey: Data(root.publicKey), settings: Data(settings.encoded),
                                      settingsSignature: Data(root.sign(VaultSettings.message(
                                        vaultID: vaultID, encoded: settings.encoded)))))
            var grants: [(KeyName, UInt32, SecureBytes)] = [(.root, 1, rootSeed)]
            var auditPublicKey: [UInt8] = []
            for compartment in Compartment.allCases {
                let secret = SecureBytes.random(count: 32)
                let key = CompartmentKey(version: 1, secret: secret)
                try store.insert(CompartmentKeyRow(
                    name: compartment.rawValue, version: 1, boxPublicKey: Data(key.box.publicKey),
                    signature: Data(root.sign(CompartmentPublicKey.message(
                        vaultID: vaultID, compartment: compartment, version: 1, key: key.box.publicKey)))))
                grants.append((KeyName(compartment), 1, secret))
                if compartment == .audit { auditPublicKey = key.box.publicKey }
            }
            grants.append((.index, 1, SecureBytes.random(count: 32)))
            try store.save(ProjectionStateRow(blockCapacity: Projections.blockCapacity, nextSlot: 0))
            let provisioning = UserProvisioning(vaultID: vaultID, root: root)
            let first = try provisioning.create(store, name: admin, role: .admin, passphrase: passphrase,
                                                profile: kdf, grants: grants, recoveryCode: recoveryCode)
            // The first audit entry commits with everything it records.
            let keys = KeyRing(vaultID: vaultID, userID: first.record.id, box: first.box, signing: first.signing,
                               rootPublicKey: root.publicKey)
            keys.installPublicKey(.audit, version: 1, key: auditPublicKey)
            try AuditLog.append(store, keys: keys, action: "vault-created", detail: "admin \(admin)",
                                ciphertexts: [first.record.certificate])
            return VaultDatabase.Header(formatVersion: Schema.formatVersion, vaultID: vaultID)
        }
        return VaultCreation(vault: Vault(database: database), recoveryCode: recoveryCode)
    }

    /// Opens an existing vault file and checks its format version. No key is needed yet.
    ///
    /// A vault this user cannot write (a read-only file, folder or disk) opens read-only: reading
    /// works, and every write fails with a `storage` error saying the vault is read-only. A vault
    /// written by an earlier release is migrated when it can be written (its cases are projected
    /// at the first unlock by a user holding the intake and stats keys) and read as it is when not.
    /// - Throws: ``CaseVaultError`` (`notFound` when there is no file, `unsupportedFormat` for
    ///   a file this version cannot read, `integrity` for a damaged file, `storage` when the file
    ///   cannot be opened).
    public static func open(at path: String) throws -> Vault {
        Vault(database: try VaultDatabase.open(at: path))
    }

    /// Unlocks the vault as `user` with their passphrase.
    ///
    /// - Throws: ``CaseVaultError`` (`wrongPassphrase`, which a damaged keyslot also gives;
    ///   `notFound` for an unknown user; `integrity` when signed records do not verify).
    public func unlock(user: String, passphrase: SecureBytes) throws -> Session {
        try unlock(user: user, slot: .passphrase, secret: passphrase)
    }

    /// Unlocks the vault with the one-time recovery code printed by `init`.
    ///
    /// - Throws: as ``unlock(user:passphrase:)``.
    public func unlock(user: String, recoveryCode: RecoveryCode) throws -> Session {
        try unlock(user: user, slot: .recovery, secret: recoveryCode.secret)
    }

    private func unlock(user name: String, slot kind: Keyslot.Kind, secret: SecureBytes) throws -> Session {
        let unlocked = try KeyRing.unlock(database, user: name, slot: kind, secret: secret)
        let session = Session(vault: self, user: unlocked.user, keys: unlocked.keys, settings: unlocked.settings)
        try session.buildProjectionsIfNeeded()
        return session
    }

    /// The names of the vault's users, as stored (readable before unlock, not verified).
    ///
    /// - Throws: ``CaseVaultError`` (`storage`).
    public func userNames() throws -> [String] {
        try database.read("list users") { store in try store.userNames() }
    }

    /// Refuses, before any passphrase is asked for, a user whose certified role may not do
    /// `permission`: the same refusal the session would give after unlocking.
    ///
    /// Only a user record that verifies against the vault's root key is believed; an unknown user
    /// or a record that does not verify passes here and is reported by ``unlock(user:passphrase:)``.
    /// The session checks again after unlocking, and the keys enforce the roles in any case.
    /// - Throws: ``CaseVaultError`` (`permissionDenied`).
    public func check(_ permission: Permission, user name: String) throws {
        try check(roles: permission.roles, action: permission.action, user: name)
    }

    /// Refuses, before any passphrase is asked for, a user whose certified role may fire `event`
    /// from no state at all (a coordinator and `begin-review`), as ``check(_:user:)`` does.
    ///
    /// - Throws: ``CaseVaultError`` (`permissionDenied`).
    public func check(_ event: WorkflowEvent, user name: String) throws {
        try check(.fireEvents, user: name)
        try check(roles: Workflow.roles(for: event), action: "fire \(event.rawValue) on any case", user: name)
    }

    private func check(roles: Set<Role>, action: String, user name: String) throws {
        let (vaultRow, userRow) = try database.read("read the user's role") { store in
            (try store.vault(), try store.user(named: name))
        }
        guard let vaultRow, let userRow, let user = try? UserRecord(row: userRow),
              user.isCertified(vaultID: [UInt8](vaultRow.vaultID), rootPublicKey: [UInt8](vaultRow.rootPublicKey))
        else { return }
        guard roles.contains(user.role) else { throw CaseVaultError.role(user.role, cannot: action) }
    }

    /// Whether this process can write the vault file (a read-only file, folder or disk cannot).
    public var isWritable: Bool { database.isWritable }
}

/// A newly created vault and its one-time recovery code.
public struct VaultCreation {
    /// The vault, ready to unlock.
    public let vault: Vault
    /// The recovery code: show it once and keep it offline.
    public let recoveryCode: RecoveryCode
}
