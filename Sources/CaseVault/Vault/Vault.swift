import Foundation
import GRDB
import SodiumKit
import Synchronization

/// A CaseVault file: one SQLite database holding pseudonymous, encrypted help requests.
///
/// ```swift
/// let created = try Vault.create(at: "org.casevault", admin: "lead", passphrase: pass)
/// print(created.recoveryCode.reveal())          // shown once
/// let session = try created.vault.unlock(user: "lead", passphrase: pass)
/// ```
public final class Vault: Sendable {
    /// The version of the CaseVault software, as export manifests and `casevault --version` state it.
    public static let softwareVersion = "0.4.0"

    /// The vault file's path.
    public let path: String
    let database: DatabasePool
    let vaultID: [UInt8]
    /// Set when erased data may still sit in old WAL frames; cleared by a successful truncating checkpoint.
    private let checkpointPending = Mutex(false)

    private init(path: String, database: DatabasePool, vaultID: [UInt8]) {
        self.path = path
        self.database = database
        self.vaultID = vaultID
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
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CaseVaultError(.alreadyExists, "a file already exists at \(path); choose another path")
        }
        // Only the owner may read the file; SQLite gives the WAL and shm files the same mode, so
        // the file is made before SQLite opens it.
        guard FileManager.default.createFile(atPath: path, contents: nil,
                                             attributes: [.posixPermissions: 0o600]) else {
            throw CaseVaultError(.storage, "cannot create \(path); check that its folder exists and is writable")
        }
        let database: DatabasePool
        do {
            database = try Schema.openPool(at: path)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw translate(error, doing: "create the vault at \(path)")
        }
        let vaultID = Random.bytes(count: 16)
        let rootSeed = SecureBytes.random(count: SigningKeyPair.seedLength)
        let root = SigningKeyPair(seed: rootSeed)
        let recoveryCode = RecoveryCode.generate()
        do {
            try Schema.migrator.migrate(database)
            try database.immediateTransaction { db in
                let settings = VaultSettings()
                try db.execute(
                    sql: """
                        INSERT INTO vault (id, format_version, vault_id, root_public_key, settings, settings_signature)
                        VALUES (1, ?, ?, ?, ?, ?)
                        """,
                    arguments: [Schema.formatVersion, Data(vaultID), Data(root.publicKey), Data(settings.encoded),
                                Data(root.sign(VaultSettings.message(vaultID: vaultID, encoded: settings.encoded)))])
                var grants: [(KeyName, UInt32, SecureBytes)] = [(.root, 1, rootSeed)]
                var auditPublicKey: [UInt8] = []
                for compartment in Compartment.allCases {
                    let secret = SecureBytes.random(count: 32)
                    let key = CompartmentKey(version: 1, secret: secret)
                    try db.execute(
                        sql: "INSERT INTO compartment_keys (name, version, box_public_key, signature) VALUES (?, 1, ?, ?)",
                        arguments: [compartment.rawValue, Data(key.box.publicKey),
                                    Data(root.sign(CompartmentPublicKey.message(
                                        vaultID: vaultID, compartment: compartment, version: 1,
                                        key: key.box.publicKey)))])
                    grants.append((KeyName(rawValue: compartment.rawValue)!, 1, secret))  // same spellings
                    if compartment == .audit { auditPublicKey = key.box.publicKey }
                }
                grants.append((.index, 1, SecureBytes.random(count: 32)))
                let provisioning = UserProvisioning(vaultID: vaultID, root: root)
                let first = try provisioning.create(db, name: admin, role: .admin, passphrase: passphrase,
                                                    profile: kdf, grants: grants, recoveryCode: recoveryCode)
                // The first audit entry commits with everything it records.
                let keys = KeyRing(vaultID: vaultID, userID: first.record.id, box: first.box, signing: first.signing,
                                   rootPublicKey: root.publicKey)
                keys.installPublicKey(.audit, version: 1, key: auditPublicKey)
                try AuditLog.append(db, keys: keys, action: "vault-created", detail: "admin \(admin)",
                                    ciphertexts: [first.record.certificate])
            }
            return VaultCreation(vault: Vault(path: path, database: database, vaultID: vaultID),
                                 recoveryCode: recoveryCode)
        } catch {
            try? database.close()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            throw translate(error, doing: "create the vault at \(path)")
        }
    }

    /// Opens an existing vault file and checks its format version. No key is needed yet.
    ///
    /// A vault this user cannot write (a read-only file, folder or disk) opens read-only: reading
    /// works, and every write fails with a `storage` error saying the vault is read-only.
    /// - Throws: ``CaseVaultError`` (`notFound` when there is no file, `unsupportedFormat` for
    ///   a file this version cannot read, `integrity` for a damaged file, `storage` when the file
    ///   cannot be opened).
    public static func open(at path: String) throws -> Vault {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CaseVaultError(.notFound, "no vault at \(path); create one with 'casevault init' or pass --vault")
        }
        guard !isFolder.boolValue else {
            throw CaseVaultError(.notFound, "\(path) is a folder, not a vault file; pass --vault with the vault file")
        }
        if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size == 0 {
            throw CaseVaultError(.integrity, "\(path) is empty (0 bytes), so it holds no vault; check --vault, "
                                 + "or restore the vault from a backup")
        }
        let folder = (path as NSString).deletingLastPathComponent
        let writable = FileManager.default.isWritableFile(atPath: path)
            && FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder)
        // Without a -wal file no connection has the vault open and the main file holds every commit,
        // so it can be read as immutable: SQLite then creates no -wal or -shm file beside it. A
        // read-only connection would leave them behind, with the vault's mode (0400 for a read-only
        // vault), and a -shm file nobody can write keeps the vault read-only once it is writable again.
        // "file://" + an absolute path leaves the URI's authority empty; a relative path cannot start with "/".
        let immutable = (path.hasPrefix("/") ? "file://" : "file:")
            + (path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path) + "?immutable=1"
        let reference = FileManager.default.fileExists(atPath: path + "-wal") ? path : immutable
        do {
            // Look read-only first: opening a pool switches the file to WAL mode, which must not
            // happen to a file that is not a vault.
            var probe = Configuration()
            probe.readonly = true
            probe.busyMode = .timeout(10)  // another process may be opening or closing the vault
            let row = try DatabaseQueue(path: reference, configuration: probe).read { db -> Row? in
                guard try db.tableExists("vault") else { return nil }
                return try Row.fetchOne(db, sql: "SELECT format_version, vault_id FROM vault WHERE id = 1")
            }
            guard let row else {
                throw CaseVaultError(.unsupportedFormat, "\(path) is not a CaseVault file; check --vault")
            }
            let format: Int = row["format_version"]
            guard format == Schema.formatVersion else {
                throw CaseVaultError(.unsupportedFormat,
                                     "\(path) has vault format \(format); this casevault reads format "
                                     + "\(Schema.formatVersion): upgrade casevault")
            }
            let database: DatabasePool
            if writable {
                database = try Schema.openPool(at: path)
                try Schema.migrator.migrate(database)
            } else {
                var configuration = Schema.configuration()
                configuration.readonly = true
                database = try DatabasePool(path: reference, configuration: configuration)
                guard try database.read(Schema.migrator.hasCompletedMigrations) else {
                    throw CaseVaultError(.storage, "\(path) needs a schema upgrade, but the vault is read-only "
                                         + "here; make the file and its folder writable for this user, then retry")
                }
            }
            return Vault(path: path, database: database, vaultID: [UInt8](row["vault_id"] as Data))
        } catch {
            throw translate(error, doing: "open \(path)")
        }
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
        let (user, slot, vaultRow) = try read("unlock") { db -> (UserRecord, Keyslot?, Row) in
            guard let user = try UserRecord.fetch(db, name: name) else {
                throw CaseVaultError(.notFound, "no user named \(name) in this vault; check --user")
            }
            let vaultRow = try Row.fetchOne(db, sql: "SELECT * FROM vault WHERE id = 1")!  // checked by open
            return (user, try Keyslot.fetch(db, userID: user.id, kind: kind), vaultRow)
        }
        guard let slot, let bundle = slot.open(vaultID: vaultID, passphrase: secret) else {
            throw kind == .recovery
                ? CaseVaultError(.wrongPassphrase, "wrong recovery code for \(name) (or its keyslot is damaged)")
                : CaseVaultError.wrongPassphrase(name)
        }
        let boxSeed = SecureBytes(slicing: bundle, offset: 1, count: 32)
        let signSeed = SecureBytes(slicing: bundle, offset: 33, count: 32)
        let pinnedRoot = SecureBytes(slicing: bundle, offset: 65, count: 32).revealBytes()
        let fileRoot = [UInt8](vaultRow["root_public_key"] as Data)
        guard pinnedRoot == fileRoot else {
            throw CaseVaultError(.integrity, "the vault's root key is not the one pinned in \(name)'s keyslot; "
                                 + "the file was tampered with: do not use it")
        }
        let keys = KeyRing(vaultID: vaultID, userID: user.id, box: BoxKeyPair(seed: boxSeed),
                           signing: SigningKeyPair(seed: signSeed), rootPublicKey: pinnedRoot)
        guard user.isCertified(vaultID: vaultID, rootPublicKey: pinnedRoot),
              user.boxPublicKey == keys.box.publicKey, user.signPublicKey == keys.signing.publicKey else {
            throw CaseVaultError(.integrity, "the user record of \(name) does not verify; the file was tampered with")
        }
        let settings = try VaultSettings(verifying: vaultRow, vaultID: vaultID, rootPublicKey: pinnedRoot)
        try read("unlock") { db in
            for row in try Row.fetchAll(db, sql: "SELECT * FROM grants WHERE user_id = ?",
                                        arguments: [Data(user.id.bytes)]) {
                let sealed = [UInt8](row["sealed"] as Data)
                let version = UInt32(row["version"] as Int64)
                guard let name = KeyName(rawValue: row["key_name"]),
                      Ed25519.isValid(signature: [UInt8](row["signature"] as Data),
                                      message: Grant.message(vaultID: vaultID, userID: user.id, name: name,
                                                             version: version, sealed: sealed),
                                      publicKey: pinnedRoot) else {
                    throw CaseVaultError(.integrity, "a key grant of \(name) does not verify; the file was tampered with")
                }
                let secret = SecureBytes(count: 32)
                do { try SealedBox.open(sealed, with: keys.box, into: secret) } catch {
                    throw CaseVaultError(.integrity, "a key grant of \(name) does not open; the file was tampered with")
                }
                keys.install(name, version: version, secret: secret)
            }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM compartment_keys") {
                let key = [UInt8](row["box_public_key"] as Data)
                let version = UInt32(row["version"] as Int64)
                guard let compartment = Compartment(rawValue: row["name"]),
                      Ed25519.isValid(signature: [UInt8](row["signature"] as Data),
                                      message: CompartmentPublicKey.message(vaultID: vaultID, compartment: compartment,
                                                                            version: version, key: key),
                                      publicKey: pinnedRoot) else {
                    throw CaseVaultError(.integrity, "a compartment public key does not verify; the file was tampered with")
                }
                keys.installPublicKey(compartment, version: version, key: key)
            }
        }
        return Session(vault: self, user: user, keys: keys, settings: settings)
    }

    /// The names and roles of the vault's users, as stored (readable before unlock, not verified).
    ///
    /// - Throws: ``CaseVaultError`` (`storage`).
    public func userNames() throws -> [String] {
        try read("list users") { db in try String.fetchAll(db, sql: "SELECT name FROM users ORDER BY name") }
    }

    // MARK: - Transactions

    func read<T>(_ action: String, _ body: (Database) throws -> T) throws -> T {
        do { return try database.read(body) } catch { throw Vault.translate(error, doing: action) }
    }

    /// Runs one write operation in one immediate transaction.
    func write<T>(action: String, _ body: (Database) throws -> T) throws -> T {
        let result: T
        do { result = try database.immediateTransaction(body) } catch { throw Vault.translate(error, doing: action) }
        checkpointIfPending()
        return result
    }

    /// Asks for the WAL to be checkpointed and truncated, so erased bytes leave the files; it is
    /// retried after every later write until no reader holds old frames.
    func requestCheckpoint() {
        checkpointPending.withLock { $0 = true }
        checkpointIfPending()
    }

    private func checkpointIfPending() {
        guard checkpointPending.withLock({ $0 }) else { return }
        let done = (try? database.writeWithoutTransaction { db -> Bool in
            // Do not make the writer wait for readers: try briefly, and again after the next write.
            try db.execute(sql: "PRAGMA busy_timeout = 200")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = 10000") }
            _ = try db.checkpoint(.truncate)
            return true
        }) ?? false
        if done { checkpointPending.withLock { $0 = false } }
    }

    /// Turns any error into a ``CaseVaultError`` without leaking SQL arguments.
    static func translate(_ error: Error, doing action: String) -> CaseVaultError {
        switch error {
        case let error as CaseVaultError: return error
        case let error as DatabaseError: return StorageFailure.error(error, doing: action)
        case is RecordDecodingError:
            return CaseVaultError(.integrity, "could not \(action): a record did not decode; the file is damaged")
        case let error as SodiumError:
            return CaseVaultError(.integrity, "could not \(action): \(error.detail)")
        default:
            return CaseVaultError(.storage, "could not \(action): \(type(of: error))")
        }
    }
}

/// A newly created vault and its one-time recovery code.
public struct VaultCreation {
    /// The vault, ready to unlock.
    public let vault: Vault
    /// The recovery code: show it once and keep it offline.
    public let recoveryCode: RecoveryCode
}
