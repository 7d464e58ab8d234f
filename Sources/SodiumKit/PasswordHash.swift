internal import CSodium

/// Argon2id cost settings for turning a passphrase into a key.
///
/// `interactive` is for tests and demos only; `moderate` is the default; `sensitive` is for
/// high-risk deployments. The limits are stored beside each keyslot so a slot keeps opening
/// after defaults change.
public struct KDFProfile: Hashable, Sendable, CustomStringConvertible {
    /// Number of passes (`opslimit`).
    public let opsLimit: UInt64
    /// Memory in bytes (`memlimit`).
    public let memLimit: UInt64
    /// The profile's name, or `custom` for limits read from a keyslot that match no profile.
    public let name: String

    /// Creates a profile from explicit limits (as read back from a keyslot).
    public init(opsLimit: UInt64, memLimit: UInt64) {
        self.opsLimit = opsLimit
        self.memLimit = memLimit
        self.name = KDFProfile.all.first { $0.opsLimit == opsLimit && $0.memLimit == memLimit }?.name ?? "custom"
    }

    private init(name: String, opsLimit: Int, memLimit: Int) {
        self.name = name
        self.opsLimit = UInt64(opsLimit)
        self.memLimit = UInt64(memLimit)
    }

    /// Fast (64 MiB, 2 passes): tests and demos only.
    public static let interactive = KDFProfile(
        name: "interactive", opsLimit: Int(crypto_pwhash_OPSLIMIT_INTERACTIVE),
        memLimit: Int(crypto_pwhash_MEMLIMIT_INTERACTIVE))
    /// The default (256 MiB, 3 passes).
    public static let moderate = KDFProfile(
        name: "moderate", opsLimit: Int(crypto_pwhash_OPSLIMIT_MODERATE),
        memLimit: Int(crypto_pwhash_MEMLIMIT_MODERATE))
    /// For high-risk deployments (1 GiB, 4 passes).
    public static let sensitive = KDFProfile(
        name: "sensitive", opsLimit: Int(crypto_pwhash_OPSLIMIT_SENSITIVE),
        memLimit: Int(crypto_pwhash_MEMLIMIT_SENSITIVE))

    /// The three named profiles.
    public static let all: [KDFProfile] = [.interactive, .moderate, .sensitive]

    /// Looks a profile up by name (`interactive`, `moderate`, `sensitive`).
    public init?(named name: String) {
        guard let match = KDFProfile.all.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    public var description: String { name }
}

/// Argon2id passphrase-based key derivation (`crypto_pwhash`).
public enum PasswordHash {
    /// Salt length in bytes (16).
    public static let saltLength = Int(crypto_pwhash_SALTBYTES)

    /// Derives a key of `length` bytes from a passphrase and a random salt.
    ///
    /// - Throws: ``SodiumError/Code/invalidInput`` for a wrong salt length,
    ///   ``SodiumError/Code/keyDerivationFailed`` when the limits cannot be met (memory).
    public static func deriveKey(length: Int = 32, passphrase: SecureBytes, salt: [UInt8],
                                 profile: KDFProfile) throws -> SecureBytes {
        guard salt.count == saltLength else { throw SodiumError(.invalidInput, "salt must be 16 bytes") }
        guard length >= Int(crypto_pwhash_BYTES_MIN) else { throw SodiumError(.invalidInput, "key length below 16 bytes") }
        // Limits may come from stored (untrusted) keyslots: refuse what does not fit rather than trap.
        guard let memLimit = Int(exactly: profile.memLimit) else {
            throw SodiumError(.keyDerivationFailed, "Argon2id memory limit out of range")
        }
        Sodium.ensureInitialized()
        let key = SecureBytes(count: length)
        let status = key.withMutableBytes { out in
            passphrase.withBytes { pass in
                passphrase.count == 0
                    ? crypto_pwhash(out, UInt64(length), "", 0, salt, profile.opsLimit,
                                    memLimit, crypto_pwhash_ALG_ARGON2ID13)
                    : pass.withMemoryRebound(to: CChar.self, capacity: passphrase.count) { chars in
                        crypto_pwhash(out, UInt64(length), chars, UInt64(passphrase.count), salt,
                                      profile.opsLimit, memLimit, crypto_pwhash_ALG_ARGON2ID13)
                    }
            }
        }
        guard status == 0 else {
            throw SodiumError(.keyDerivationFailed, "Argon2id could not run with these limits (memory)")
        }
        return key
    }
}
