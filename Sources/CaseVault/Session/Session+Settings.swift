import Foundation
import SodiumKit

extension Session {
    /// Re-reads and verifies the settings, so a session open for a while follows an admin's change
    /// (a strict text policy switched on applies at once).
    func refreshSettings() throws -> VaultSettings {
        let row = try database.read("read the vault settings") { store in try store.vault() }
        guard let row else { throw CaseVaultError(.integrity, "the vault settings are missing; the file is damaged") }
        let current = try VaultSettings(verifying: row, vaultID: keys.vaultID, rootPublicKey: keys.rootPublicKey)
        settings = current
        return current
    }

    /// Changes the vault's settings, signed with the root key (admins only).
    ///
    /// - Throws: ``CaseVaultError`` (`permissionDenied`, `invalidInput` for an unknown time zone).
    public func updateSettings(_ newSettings: VaultSettings) throws {
        try require(.changeSettings)
        let root = try keys.rootKey(for: "change vault settings")
        guard TimeZone(identifier: newSettings.timeZone) != nil else {
            throw CaseVaultError(.invalidInput, "unknown time zone '\(newSettings.timeZone)'; use an IANA name such as Europe/Moscow")
        }
        let encoded = newSettings.encoded
        let signature = root.sign(VaultSettings.message(vaultID: keys.vaultID, encoded: encoded))
        try database.write("change settings") { store in
            try store.updateSettings(Data(encoded), signature: Data(signature))
            try AuditLog.append(store, keys: keys, action: "settings-changed", ciphertexts: [encoded])
        }
        settings = newSettings
    }

    /// Checks the audit chain and every entry's signature with public keys; returns how many
    /// entries there are.
    ///
    /// - Throws: ``CaseVaultError`` (`integrity`) naming the first entry that does not verify.
    public func verifyAuditLog() throws -> Int {
        let signers = try verifiedUsers().mapValues(\.signPublicKey)
        return try database.read("verify the audit log") { store in
            try AuditLog.verify(store, vaultID: keys.vaultID, signers: signers)
        }
    }
}
