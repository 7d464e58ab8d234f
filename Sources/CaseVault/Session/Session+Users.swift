import Foundation
import SodiumKit

extension Session {
    /// The vault's users with their certified roles; every certificate is verified.
    ///
    /// - Throws: ``CaseVaultError`` (`integrity` when a user record does not verify).
    public func users() throws -> [UserInfo] {
        try verifiedUsers().values.sorted { $0.name < $1.name }.map { UserInfo(name: $0.name, role: $0.role) }
    }

    func verifiedUsers() throws -> [UserID: UserRecord] {
        try database.read("list users") { store in try verifiedUsers(store) }
    }

    func verifiedUsers(_ store: Store) throws -> [UserID: UserRecord] {
        var byID: [UserID: UserRecord] = [:]
        for record in try UserRecord.fetchAll(store) {
            if certifiedUsers[record.id] != record {
                guard record.isCertified(vaultID: keys.vaultID, rootPublicKey: keys.rootPublicKey) else {
                    throw CaseVaultError(.integrity, "the user record of \(record.name) does not verify; "
                                         + "the file was tampered with")
                }
                certifiedUsers[record.id] = record
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
        try require(.addUsers)
        let root = try keys.rootKey(for: "add users")
        var grants: [(KeyName, UInt32, SecureBytes)] = []
        for name in newRole.grantedKeys {
            guard let held = keys.secrets[name] else {
                throw CaseVaultError.missingKey(name.rawValue, for: "grant it to a new \(newRole)")
            }
            grants.append((name, held.version, held.secret))
        }
        try UserRecord.validate(name: name)
        try database.write("add user \(name)") { store in
            let record = try UserProvisioning(vaultID: keys.vaultID, root: root)
                .create(store, name: name, role: newRole, passphrase: passphrase, profile: kdf, grants: grants).record
            try AuditLog.append(store, keys: keys, action: "user-added", detail: "\(name) as \(newRole)",
                                ciphertexts: [record.certificate])
        }
    }
}
