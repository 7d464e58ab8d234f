import Foundation
import SodiumKit

/// Vault-wide settings, stored in the vault and signed by an admin with the root key.
public struct VaultSettings: Hashable, Sendable {
    /// Refuse free text that contains identifying details instead of warning.
    public var strictTextPolicy: Bool
    /// Keep the contact handle when a case closes (by default it is destroyed).
    public var keepContactAfterClose: Bool
    /// The IANA time zone used for dates and overdue checks (`Europe/Moscow`, `UTC`).
    public var timeZone: String

    /// Creates settings; the defaults warn on identifying text, erase contacts on close, use UTC.
    public init(strictTextPolicy: Bool = false, keepContactAfterClose: Bool = false, timeZone: String = "UTC") {
        self.strictTextPolicy = strictTextPolicy
        self.keepContactAfterClose = keepContactAfterClose
        self.timeZone = timeZone
    }

    var encoded: [UInt8] {
        var writer = RecordWriter()
        writer.u8(1)
        writer.u8(strictTextPolicy ? 1 : 0)
        writer.u8(keepContactAfterClose ? 1 : 0)
        writer.field(timeZone)
        return writer.bytes
    }

    init(encoded: [UInt8]) throws {
        var reader = RecordReader(encoded)
        guard try reader.u8() == 1 else { throw RecordDecodingError() }
        strictTextPolicy = try reader.u8() == 1
        keepContactAfterClose = try reader.u8() == 1
        timeZone = try reader.string()
        try reader.finish()
    }

    /// Reads the settings from the `vault` row, checking the root signature.
    init(verifying row: VaultRow, vaultID: [UInt8], rootPublicKey: [UInt8]) throws {
        let encoded = [UInt8](row.settings)
        guard Ed25519.isValid(signature: [UInt8](row.settingsSignature),
                              message: VaultSettings.message(vaultID: vaultID, encoded: encoded),
                              publicKey: rootPublicKey),
              let settings = try? VaultSettings(encoded: encoded) else {
            throw CaseVaultError(.integrity, "the vault settings do not verify; the file was tampered with")
        }
        self = settings
    }

    static func message(vaultID: [UInt8], encoded: [UInt8]) -> [UInt8] {
        SignedMessage.make("settings", vaultID: vaultID, [encoded])
    }
}
