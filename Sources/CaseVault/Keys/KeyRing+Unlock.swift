import Foundation
import SodiumKit

extension KeyRing {
    /// Unlocks `name`'s keys: opens their keyslot with the passphrase (or recovery code), checks
    /// the root key pinned in the bundle against the file, the user's certificate, every grant
    /// and every compartment public key, and installs what verifies.
    ///
    /// The key derivation runs outside any transaction, so a slow unlock holds no lock.
    /// - Throws: ``CaseVaultError`` (`wrongPassphrase`, which a damaged keyslot also gives;
    ///   `notFound` for an unknown user; `integrity` when a signed record does not verify).
    static func unlock(_ database: VaultDatabase, user name: String, slot kind: Keyslot.Kind,
                       secret: SecureBytes) throws -> (keys: KeyRing, user: UserRecord, settings: VaultSettings) {
        let vaultID = database.header.vaultID
        let (user, slot, vaultRow) = try database.read("unlock") { store -> (UserRecord, Keyslot?, VaultRow) in
            guard let user = try UserRecord.fetch(store, name: name) else {
                throw CaseVaultError.unknownUser(name)
            }
            guard let vaultRow = try store.vault() else {
                throw CaseVaultError(.integrity, "the vault row is missing; the file is damaged")
            }
            return (user, try Keyslot.fetch(store, userID: user.id, kind: kind), vaultRow)
        }
        guard let slot, let bundle = slot.open(vaultID: vaultID, passphrase: secret) else {
            throw kind == .recovery
                ? CaseVaultError(.wrongPassphrase, "wrong recovery code for \(name) (or its keyslot is damaged)")
                : CaseVaultError.wrongPassphrase(name)
        }
        let boxSeed = SecureBytes(slicing: bundle, offset: 1, count: 32)
        let signSeed = SecureBytes(slicing: bundle, offset: 33, count: 32)
        let pinnedRoot = SecureBytes(slicing: bundle, offset: 65, count: 32).revealBytes()
        guard pinnedRoot == [UInt8](vaultRow.rootPublicKey) else {
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
        try database.read("unlock") { store in
            for grant in try store.grants(userID: Data(user.id.bytes)) {
                try keys.installGrant(grant, userID: user.id, userName: name)
            }
            for row in try store.compartmentKeys() { try keys.installPublicKey(row) }
        }
        return (keys, user, settings)
    }

    /// Verifies a grant's root signature, opens the sealed secret with the user's key, installs it.
    private func installGrant(_ grant: GrantRow, userID: UserID, userName: String) throws {
        let sealed = [UInt8](grant.sealed)
        guard let version = UInt32(exactly: grant.version), let name = KeyName(rawValue: grant.keyName),
              Ed25519.isValid(signature: [UInt8](grant.signature),
                              message: Grant.message(vaultID: vaultID, userID: userID, name: name, version: version,
                                                     sealed: sealed),
                              publicKey: rootPublicKey) else {
            throw CaseVaultError(.integrity, "a key grant of \(userName) does not verify; the file was tampered with")
        }
        let secret = SecureBytes(count: 32)
        do { try SealedBox.open(sealed, with: box, into: secret) } catch {
            throw CaseVaultError(.integrity, "a key grant of \(userName) does not open; the file was tampered with")
        }
        install(name, version: version, secret: secret)
    }

    /// Verifies a compartment public key's root signature and installs it.
    private func installPublicKey(_ row: CompartmentKeyRow) throws {
        let key = [UInt8](row.boxPublicKey)
        guard let version = UInt32(exactly: row.version), let compartment = Compartment(rawValue: row.name),
              Ed25519.isValid(signature: [UInt8](row.signature),
                              message: CompartmentPublicKey.message(vaultID: vaultID, compartment: compartment,
                                                                    version: version, key: key),
                              publicKey: rootPublicKey) else {
            throw CaseVaultError(.integrity, "a compartment public key does not verify; the file was tampered with")
        }
        installPublicKey(compartment, version: version, key: key)
    }
}
