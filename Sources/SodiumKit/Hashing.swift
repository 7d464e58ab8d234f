internal import CSodium

/// BLAKE2b hashing (`crypto_generichash`), keyed or not.
public enum GenericHash {
    /// Hashes `input` to `length` bytes (16...64), keyed when `key` is given (16...64 bytes).
    public static func hash(_ input: [UInt8], key: SecureBytes? = nil, length: Int = 32) -> [UInt8] {
        precondition(length >= Int(crypto_generichash_BYTES_MIN) && length <= Int(crypto_generichash_BYTES_MAX),
                     "BLAKE2b output length")
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: length)
        out.withUnsafeMutableBufferPointer { output in
            if let key {
                precondition(key.count >= Int(crypto_generichash_KEYBYTES_MIN)
                             && key.count <= Int(crypto_generichash_KEYBYTES_MAX), "BLAKE2b key length")
                key.withBytes { keyBytes in
                    _ = crypto_generichash(output.baseAddress!, length, input, UInt64(input.count), keyBytes, key.count)
                }
            } else {
                _ = crypto_generichash(output.baseAddress!, length, input, UInt64(input.count), nil, 0)
            }
        }
        return out
    }
}

/// SHA-256 (`crypto_hash_sha256`), for export manifests and interoperable digests.
public enum SHA256 {
    /// The 32-byte SHA-256 digest of `input`.
    public static func hash(_ input: [UInt8]) -> [UInt8] {
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        out.withUnsafeMutableBufferPointer { output in
            _ = crypto_hash_sha256(output.baseAddress!, input, UInt64(input.count))
        }
        return out
    }
}
