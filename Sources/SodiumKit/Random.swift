internal import CSodium

/// Randomness from libsodium's `randombytes` (the operating system's secure generator).
public enum Random {
    /// `count` random bytes, for public values such as nonces, salts and identifiers.
    public static func bytes(count: Int) -> [UInt8] {
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { randombytes_buf(base, buffer.count) }
        }
        return out
    }

    /// A uniformly distributed integer in `0..<upperBound`, without modulo bias.
    public static func uniform(_ upperBound: UInt32) -> UInt32 {
        precondition(upperBound > 0, "upper bound must be positive")
        Sodium.ensureInitialized()
        return randombytes_uniform(upperBound)
    }
}
