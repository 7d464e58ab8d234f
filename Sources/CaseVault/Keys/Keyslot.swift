import Foundation
import SodiumKit

/// A user's keyslot, as in LUKS: a passphrase (or the recovery code), stretched with Argon2id,
/// opens the user's bundle: their X25519 and Ed25519 seeds and the pinned vault root key.
///
/// The slot header (vault id, user id, slot number, Argon2id limits, salt) is the associated
/// data of the bundle, so a header edited to weaken the limits makes the slot fail to open.
struct Keyslot {
    enum Kind: Int { case passphrase = 0, recovery = 1 }

    /// The bundle's layout: version byte, X25519 seed, Ed25519 seed, root public key.
    static let bundleLength = 1 + 32 + 32 + 32
    static let bundleVersion: UInt8 = 1

    let userID: UserID
    let kind: Kind
    let profile: KDFProfile
    let salt: [UInt8]
    let bundle: [UInt8]

    static func header(vaultID: [UInt8], userID: UserID, kind: Kind, profile: KDFProfile, salt: [UInt8]) -> [UInt8] {
        var writer = RecordWriter()
        writer.field(AssociatedData.bigEndian32(AssociatedData.formatVersion))
        writer.field("keyslots")
        writer.field(vaultID)
        writer.field(userID.bytes)
        writer.field(AssociatedData.bigEndian32(UInt32(kind.rawValue)))
        writer.field(AssociatedData.bigEndian64(profile.opsLimit))
        writer.field(AssociatedData.bigEndian64(profile.memLimit))
        writer.field(salt)
        return writer.bytes
    }

    /// Seals `bundle` under a key derived from `passphrase`.
    static func seal(bundle: SecureBytes, vaultID: [UInt8], userID: UserID, kind: Kind, passphrase: SecureBytes,
                     profile: KDFProfile) throws -> Keyslot {
        let salt = Random.bytes(count: PasswordHash.saltLength)
        let kek = try PasswordHash.deriveKey(passphrase: passphrase, salt: salt, profile: profile)
        let ad = header(vaultID: vaultID, userID: userID, kind: kind, profile: profile, salt: salt)
        return Keyslot(userID: userID, kind: kind, profile: profile, salt: salt,
                       bundle: XChaCha20Poly1305.seal(secret: bundle, associatedData: ad, key: kek))
    }

    /// Opens the bundle; `nil` when the passphrase is wrong or the slot was changed.
    func open(vaultID: [UInt8], passphrase: SecureBytes) -> SecureBytes? {
        // Limits are read from the file: limits outside the three profiles' range mean a damaged
        // or tampered slot, and could otherwise make unlock run for hours.
        guard (KDFProfile.interactive.opsLimit...KDFProfile.sensitive.opsLimit).contains(profile.opsLimit),
              (KDFProfile.interactive.memLimit...KDFProfile.sensitive.memLimit).contains(profile.memLimit) else {
            return nil
        }
        guard let kek = try? PasswordHash.deriveKey(passphrase: passphrase, salt: salt, profile: profile) else {
            return nil
        }
        let ad = Keyslot.header(vaultID: vaultID, userID: userID, kind: kind, profile: profile, salt: salt)
        let output = SecureBytes(count: Keyslot.bundleLength)
        do {
            try XChaCha20Poly1305.open(bundle, associatedData: ad, key: kek, into: output)
            return output
        } catch {
            return nil
        }
    }

    /// The stored row.
    var row: KeyslotRow {
        KeyslotRow(userID: Data(userID.bytes), slot: kind.rawValue, opsLimit: Int64(profile.opsLimit),
                   memLimit: Int64(profile.memLimit), salt: Data(salt), bundle: Data(bundle))
    }

    /// The user's slot of `kind`, if the file has one.
    static func fetch(_ store: Store, userID: UserID, kind: Kind) throws -> Keyslot? {
        guard let row = try store.keyslot(userID: Data(userID.bytes), slot: kind.rawValue) else { return nil }
        return Keyslot(userID: userID, kind: kind,
                       profile: KDFProfile(opsLimit: UInt64(clamping: row.opsLimit),
                                           memLimit: UInt64(clamping: row.memLimit)),
                       salt: [UInt8](row.salt), bundle: [UInt8](row.bundle))
    }
}
