internal import CSodium

/// An Ed25519 signing key pair; the secret half lives in secure memory.
public final class SigningKeyPair {
    /// Public key length in bytes (32).
    public static let publicKeyLength = Int(crypto_sign_PUBLICKEYBYTES)
    /// Seed length in bytes (32).
    public static let seedLength = Int(crypto_sign_SEEDBYTES)
    /// Signature length in bytes (64).
    public static let signatureLength = Int(crypto_sign_BYTES)

    /// The public (verification) key.
    public let publicKey: [UInt8]
    private let secretKey: SecureBytes

    /// Derives the key pair from a 32-byte seed (RFC 8032's "secret key").
    public init(seed: SecureBytes) {
        precondition(seed.count == SigningKeyPair.seedLength, "Ed25519 seeds are 32 bytes")
        Sodium.ensureInitialized()
        let secret = SecureBytes(count: Int(crypto_sign_SECRETKEYBYTES))
        var publicKey = [UInt8](repeating: 0, count: SigningKeyPair.publicKeyLength)
        publicKey.withUnsafeMutableBufferPointer { pk in
            secret.withMutableBytes { sk in
                seed.withBytes { s in _ = crypto_sign_seed_keypair(pk.baseAddress!, sk, s) }
            }
        }
        self.publicKey = publicKey
        self.secretKey = secret
    }

    /// Generates a fresh random key pair.
    public static func generate() -> SigningKeyPair {
        SigningKeyPair(seed: SecureBytes.random(count: seedLength))
    }

    /// Signs `message`, returning a detached 64-byte signature.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: SigningKeyPair.signatureLength)
        signature.withUnsafeMutableBufferPointer { sig in
            secretKey.withBytes { sk in
                _ = crypto_sign_detached(sig.baseAddress!, nil, message, UInt64(message.count), sk)
            }
        }
        return signature
    }
}

/// Ed25519 signature verification (`crypto_sign_verify_detached`).
public enum Ed25519 {
    /// Whether `signature` is a valid signature of `message` by `publicKey`.
    ///
    /// Malformed lengths, non-canonical encodings and small-order keys are all `false`.
    public static func isValid(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == SigningKeyPair.signatureLength,
              publicKey.count == SigningKeyPair.publicKeyLength else { return false }
        Sodium.ensureInitialized()
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }
}
