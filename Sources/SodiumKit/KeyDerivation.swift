internal import CSodium

/// Subkey derivation from a master key (`crypto_kdf`, BLAKE2b-based).
public enum KeyDerivation {
    /// Master key length in bytes (32).
    public static let masterKeyLength = Int(crypto_kdf_KEYBYTES)

    /// Derives subkey number `id` for an 8-character `context` from a 32-byte master key.
    ///
    /// - Precondition: `context` is exactly 8 ASCII bytes and `length` is 16...64.
    public static func deriveSubkey(from master: SecureBytes, id: UInt64, context: String,
                                    length: Int = 32) -> SecureBytes {
        let contextBytes = Array(context.utf8)
        precondition(contextBytes.count == Int(crypto_kdf_CONTEXTBYTES), "crypto_kdf context must be 8 bytes")
        precondition(length >= Int(crypto_kdf_BYTES_MIN) && length <= Int(crypto_kdf_BYTES_MAX), "subkey length")
        precondition(master.count == masterKeyLength, "crypto_kdf master keys are 32 bytes")
        Sodium.ensureInitialized()
        let subkey = SecureBytes(count: length)
        subkey.withMutableBytes { out in
            master.withBytes { key in
                contextBytes.withUnsafeBufferPointer { ctx in
                    ctx.baseAddress!.withMemoryRebound(to: CChar.self, capacity: ctx.count) { chars in
                        _ = crypto_kdf_derive_from_key(out, length, id, chars, key)
                    }
                }
            }
        }
        return subkey
    }
}
