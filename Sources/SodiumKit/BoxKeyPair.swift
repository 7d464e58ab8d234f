internal import CSodium

/// An X25519 key pair for sealed boxes; the secret half lives in secure memory.
public final class BoxKeyPair {
    /// Public key length in bytes (32).
    public static let publicKeyLength = Int(crypto_box_PUBLICKEYBYTES)
    /// Seed length in bytes (32).
    public static let seedLength = Int(crypto_box_SEEDBYTES)

    /// The public key, safe to store and share.
    public let publicKey: [UInt8]
    let secretKey: SecureBytes

    /// Derives the key pair deterministically from a 32-byte secret seed.
    public init(seed: SecureBytes) {
        precondition(seed.count == BoxKeyPair.seedLength, "X25519 seeds are 32 bytes")
        Sodium.ensureInitialized()
        let secret = SecureBytes(count: Int(crypto_box_SECRETKEYBYTES))
        var publicKey = [UInt8](repeating: 0, count: BoxKeyPair.publicKeyLength)
        publicKey.withUnsafeMutableBufferPointer { pk in
            secret.withMutableBytes { sk in
                seed.withBytes { s in _ = crypto_box_seed_keypair(pk.baseAddress!, sk, s) }
            }
        }
        self.publicKey = publicKey
        self.secretKey = secret
    }

    /// Generates a fresh random key pair.
    public static func generate() -> BoxKeyPair {
        BoxKeyPair(seed: SecureBytes.random(count: seedLength))
    }

    /// Restores a key pair from a raw X25519 secret key (32 bytes), computing its public key.
    ///
    /// - Throws: ``SodiumError/Code/invalidInput`` for a wrong length.
    public init(secretKey: SecureBytes) throws {
        guard secretKey.count == Int(crypto_box_SECRETKEYBYTES) else {
            throw SodiumError(.invalidInput, "X25519 secret keys are 32 bytes")
        }
        Sodium.ensureInitialized()
        var publicKey = [UInt8](repeating: 0, count: BoxKeyPair.publicKeyLength)
        publicKey.withUnsafeMutableBufferPointer { pk in
            secretKey.withBytes { sk in _ = crypto_scalarmult_base(pk.baseAddress!, sk) }
        }
        self.publicKey = publicKey
        self.secretKey = SecureBytes(slicing: secretKey, offset: 0, count: secretKey.count)
    }

    /// A copy of the raw secret key, for writing a partner's key file.
    public func exportSecretKey() -> SecureBytes {
        SecureBytes(slicing: secretKey, offset: 0, count: secretKey.count)
    }
}

/// Anonymous public-key encryption (`crypto_box_seal`): anyone with the public key can
/// seal, only the holder of the secret key can open.
public enum SealedBox {
    /// Bytes a sealed box adds to its message (48).
    public static let overhead = crypto_box_sealbytes()

    /// Seals `message` to `publicKey`.
    ///
    /// - Throws: ``SodiumError/Code/invalidInput`` for a public key of the wrong length or one
    ///   libsodium refuses.
    public static func seal(_ message: [UInt8], to publicKey: [UInt8]) throws -> [UInt8] {
        guard publicKey.count == BoxKeyPair.publicKeyLength else {
            throw SodiumError(.invalidInput, "X25519 public keys are 32 bytes")
        }
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: message.count + overhead)
        let status = out.withUnsafeMutableBufferPointer { output in
            crypto_box_seal(output.baseAddress!, message, UInt64(message.count), publicKey)
        }
        guard status == 0 else { throw SodiumError(.invalidInput, "public key refused") }
        return out
    }

    /// Seals secret bytes (a key) to `publicKey` without copying them out of secure memory.
    public static func seal(secret: SecureBytes, to publicKey: [UInt8]) throws -> [UInt8] {
        guard publicKey.count == BoxKeyPair.publicKeyLength else {
            throw SodiumError(.invalidInput, "X25519 public keys are 32 bytes")
        }
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: secret.count + overhead)
        let status = out.withUnsafeMutableBufferPointer { output in
            secret.withBytes { message in
                crypto_box_seal(output.baseAddress!, message, UInt64(secret.count), publicKey)
            }
        }
        guard status == 0 else { throw SodiumError(.invalidInput, "public key refused") }
        return out
    }

    /// Opens a sealed box with the recipient's key pair.
    ///
    /// - Throws: ``SodiumError/Code/authenticationFailed`` when the box was not sealed to this
    ///   key pair or was changed.
    public static func open(_ box: [UInt8], with keyPair: BoxKeyPair) throws -> [UInt8] {
        guard box.count >= overhead else { throw SodiumError(.invalidInput, "sealed box too short") }
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: box.count - overhead)
        let status = out.withUnsafeMutableBufferPointer { output in
            keyPair.secretKey.withBytes { sk in
                crypto_box_seal_open(output.baseAddress!, box, UInt64(box.count), keyPair.publicKey, sk)
            }
        }
        guard status == 0 else { throw SodiumError(.authenticationFailed, "sealed box did not open") }
        return out
    }

    /// Opens a sealed box holding a secret straight into secure memory of the right length.
    ///
    /// - Throws: ``SodiumError/Code/authenticationFailed`` or ``SodiumError/Code/invalidInput``.
    public static func open(_ box: [UInt8], with keyPair: BoxKeyPair, into output: SecureBytes) throws {
        guard box.count == output.count + overhead else {
            throw SodiumError(.invalidInput, "sealed box has the wrong length for this secret")
        }
        Sodium.ensureInitialized()
        let status = output.withMutableBytes { plain in
            keyPair.secretKey.withBytes { sk in
                crypto_box_seal_open(plain, box, UInt64(box.count), keyPair.publicKey, sk)
            }
        }
        guard status == 0 else {
            output.zero()
            throw SodiumError(.authenticationFailed, "sealed box did not open")
        }
    }
}

/// Raw X25519 scalar multiplication (`crypto_scalarmult`), for known-answer tests and key
/// agreement.
public enum X25519 {
    /// Computes the shared point of a secret scalar and a public point.
    ///
    /// - Throws: ``SodiumError/Code/invalidInput`` for wrong lengths,
    ///   ``SodiumError/Code/weakPublicKey`` when the result is all zeros (a low-order point).
    public static func sharedSecret(secretKey: SecureBytes, publicKey: [UInt8]) throws -> SecureBytes {
        guard secretKey.count == Int(crypto_scalarmult_SCALARBYTES),
              publicKey.count == Int(crypto_scalarmult_BYTES) else {
            throw SodiumError(.invalidInput, "X25519 keys are 32 bytes")
        }
        Sodium.ensureInitialized()
        let shared = SecureBytes(count: Int(crypto_scalarmult_BYTES))
        let status = shared.withMutableBytes { out in
            secretKey.withBytes { sk in crypto_scalarmult(out, sk, publicKey) }
        }
        guard status == 0 else { throw SodiumError(.weakPublicKey, "public key is a low-order point") }
        return shared
    }
}
