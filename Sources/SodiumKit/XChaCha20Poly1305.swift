internal import CSodium

/// XChaCha20-Poly1305-IETF authenticated encryption with associated data.
///
/// The sealing functions pick a random 24-byte nonce and prepend it, so a stored box is
/// `nonce || ciphertext || tag`. Associated data is authenticated but not stored: the reader
/// must rebuild exactly the same bytes, which is how a ciphertext is bound to its place.
///
/// ```swift
/// let key = SecureBytes.random(count: XChaCha20Poly1305.keyLength)
/// let box = XChaCha20Poly1305.seal(Array("text".utf8), associatedData: ad, key: key)
/// let text = try XChaCha20Poly1305.open(box, associatedData: ad, key: key)
/// ```
public enum XChaCha20Poly1305 {
    /// Key length in bytes (32).
    public static let keyLength = Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    /// Nonce length in bytes (24).
    public static let nonceLength = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    /// Authentication tag length in bytes (16).
    public static let tagLength = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)
    /// Bytes a sealed box adds to its plaintext (nonce and tag).
    public static let overhead = nonceLength + tagLength

    /// Encrypts under a fresh random nonce; returns `nonce || ciphertext || tag`.
    public static func seal(_ plaintext: [UInt8], associatedData: [UInt8], key: SecureBytes) -> [UInt8] {
        precondition(key.count == keyLength, "XChaCha20-Poly1305 keys are 32 bytes")
        let nonce = Random.bytes(count: nonceLength)
        // The key and nonce lengths were just checked, the only ways `encrypt` can fail.
        do { return nonce + (try encrypt(plaintext, associatedData: associatedData, nonce: nonce, key: key)) } catch {
            preconditionFailure("XChaCha20-Poly1305 refused a checked key and nonce")
        }
    }

    /// Encrypts secret bytes (a data key) under a fresh random nonce.
    public static func seal(secret: SecureBytes, associatedData: [UInt8], key: SecureBytes) -> [UInt8] {
        precondition(key.count == keyLength, "XChaCha20-Poly1305 keys are 32 bytes")
        Sodium.ensureInitialized()
        let nonce = Random.bytes(count: nonceLength)
        var out = [UInt8](repeating: 0, count: secret.count + tagLength)
        var outLength: UInt64 = 0
        out.withUnsafeMutableBufferPointer { output in
            secret.withBytes { message in
                key.withBytes { keyBytes in
                    _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                        output.baseAddress!, &outLength, message, UInt64(secret.count),
                        associatedData, UInt64(associatedData.count), nil, nonce, keyBytes)
                }
            }
        }
        return nonce + out
    }

    /// Decrypts and authenticates a box made by ``seal(_:associatedData:key:)``.
    ///
    /// - Throws: ``SodiumError/Code/authenticationFailed`` for a wrong key, wrong associated
    ///   data or any changed byte; ``SodiumError/Code/invalidInput`` for a box too short.
    public static func open(_ box: [UInt8], associatedData: [UInt8], key: SecureBytes) throws -> [UInt8] {
        try box.withUnsafeBytes { try open(buffer: $0, associatedData: associatedData, key: key) }
    }

    /// Decrypts and authenticates a box held in any contiguous collection of bytes (such as a
    /// database blob read in place), without copying it first.
    ///
    /// - Throws: as ``open(_:associatedData:key:)``.
    public static func open<Box: Collection<UInt8>>(contentsOf box: Box, associatedData: [UInt8],
                                                    key: SecureBytes) throws -> [UInt8] {
        if let opened = try box.withContiguousStorageIfAvailable({ bytes in
            try open(buffer: UnsafeRawBufferPointer(bytes), associatedData: associatedData, key: key)
        }) {
            return opened
        }
        return try open(Array(box), associatedData: associatedData, key: key)
    }

    private static func open(buffer box: UnsafeRawBufferPointer, associatedData: [UInt8],
                             key: SecureBytes) throws -> [UInt8] {
        guard key.count == keyLength else { throw SodiumError(.invalidInput, "key must be 32 bytes") }
        guard box.count >= overhead, let base = box.baseAddress else {
            throw SodiumError(.invalidInput, "ciphertext too short")
        }
        Sodium.ensureInitialized()
        let nonce = base.assumingMemoryBound(to: UInt8.self)
        let ciphertext = nonce + nonceLength
        // At least one byte, so the buffer has an address even for an empty plaintext.
        var plaintext = [UInt8](repeating: 0, count: max(box.count - overhead, 1))
        var outLength: UInt64 = 0
        let status = plaintext.withUnsafeMutableBufferPointer { output in
            key.withBytes { keyBytes in
                crypto_aead_xchacha20poly1305_ietf_decrypt(
                    output.baseAddress!, &outLength, nil, ciphertext, UInt64(box.count - nonceLength),
                    associatedData, UInt64(associatedData.count), nonce, keyBytes)
            }
        }
        guard status == 0 else { throw SodiumError(.authenticationFailed, "ciphertext did not authenticate") }
        if box.count == overhead { plaintext.removeAll() }
        return plaintext
    }

    /// Decrypts a box made by ``seal(secret:associatedData:key:)`` straight into secure memory.
    ///
    /// - Parameter output: receives the plaintext; its length must be the plaintext length.
    /// - Throws: ``SodiumError/Code/authenticationFailed`` or ``SodiumError/Code/invalidInput``.
    public static func open(_ box: [UInt8], associatedData: [UInt8], key: SecureBytes,
                            into output: SecureBytes) throws {
        guard key.count == keyLength else { throw SodiumError(.invalidInput, "key must be 32 bytes") }
        guard box.count == output.count + overhead else {
            throw SodiumError(.invalidInput, "ciphertext has the wrong length for this secret")
        }
        Sodium.ensureInitialized()
        var outLength: UInt64 = 0
        let status = output.withMutableBytes { plain in
            key.withBytes { keyBytes in
                box.withUnsafeBufferPointer { boxBytes in
                    let base = boxBytes.baseAddress!  // non-empty: at least `overhead` bytes
                    return crypto_aead_xchacha20poly1305_ietf_decrypt(
                        plain, &outLength, nil, base + nonceLength, UInt64(box.count - nonceLength),
                        associatedData, UInt64(associatedData.count), base, keyBytes)
                }
            }
        }
        guard status == 0 else {
            output.zero()
            throw SodiumError(.authenticationFailed, "ciphertext did not authenticate")
        }
    }

    /// Encrypts with a caller-chosen nonce; returns `ciphertext || tag`.
    ///
    /// Only for known-answer tests and formats that manage nonces themselves: never reuse a
    /// nonce with the same key.
    /// - Throws: ``SodiumError/Code/invalidInput`` for a key or nonce of the wrong length.
    public static func encrypt(_ plaintext: [UInt8], associatedData: [UInt8], nonce: [UInt8],
                               key: SecureBytes) throws -> [UInt8] {
        guard key.count == keyLength else { throw SodiumError(.invalidInput, "key must be 32 bytes") }
        guard nonce.count == nonceLength else { throw SodiumError(.invalidInput, "nonce must be 24 bytes") }
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: plaintext.count + tagLength)
        var outLength: UInt64 = 0
        out.withUnsafeMutableBufferPointer { output in
            key.withBytes { keyBytes in
                _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                    output.baseAddress!, &outLength, plaintext, UInt64(plaintext.count),
                    associatedData, UInt64(associatedData.count), nil, nonce, keyBytes)
            }
        }
        return out
    }

    /// Decrypts `ciphertext || tag` with a caller-supplied nonce.
    ///
    /// - Throws: ``SodiumError/Code/authenticationFailed`` or ``SodiumError/Code/invalidInput``.
    public static func decrypt(_ ciphertext: [UInt8], associatedData: [UInt8], nonce: [UInt8],
                               key: SecureBytes) throws -> [UInt8] {
        guard key.count == keyLength else { throw SodiumError(.invalidInput, "key must be 32 bytes") }
        guard nonce.count == nonceLength else { throw SodiumError(.invalidInput, "nonce must be 24 bytes") }
        guard ciphertext.count >= tagLength else { throw SodiumError(.invalidInput, "ciphertext too short") }
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: ciphertext.count - tagLength)
        var outLength: UInt64 = 0
        let status = out.withUnsafeMutableBufferPointer { output in
            key.withBytes { keyBytes in
                crypto_aead_xchacha20poly1305_ietf_decrypt(
                    output.baseAddress!, &outLength, nil, ciphertext, UInt64(ciphertext.count),
                    associatedData, UInt64(associatedData.count), nonce, keyBytes)
            }
        }
        guard status == 0 else { throw SodiumError(.authenticationFailed, "ciphertext did not authenticate") }
        return out
    }
}
