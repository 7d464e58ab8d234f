/// The one error type SodiumKit throws.
///
/// It never carries key material, plaintext or ciphertext: only what kind of operation failed.
public struct SodiumError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let rawValue: String
        /// A ciphertext, sealed box or stream chunk failed authentication: wrong key, wrong
        /// associated data, or tampered bytes.
        public static let authenticationFailed = Code(rawValue: "authentication failed")
        /// An input had the wrong length or form (a key, nonce, header or padded buffer).
        public static let invalidInput = Code(rawValue: "invalid input")
        /// Key derivation could not run with the requested limits (usually memory).
        public static let keyDerivationFailed = Code(rawValue: "key derivation failed")
        /// An X25519 computation produced the all-zero shared secret (a low-order point).
        public static let weakPublicKey = Code(rawValue: "weak public key")
        /// Reading secret input (a passphrase) failed.
        public static let inputUnavailable = Code(rawValue: "input unavailable")
        public var description: String { rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// A short explanation without secrets.
    public let detail: String

    /// Creates an error with a code and a detail that must contain no secret.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}
