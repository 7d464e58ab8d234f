internal import CSodium
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Secret bytes held in `sodium_malloc` memory: guarded pages, locked against swapping where
/// the system allows, wiped and freed when the object is released.
///
/// Use it for every key, seed and passphrase. Its `description` never shows the bytes, and
/// two values compare in constant time. Do not allocate one per record in a hot loop
/// (`sodium_malloc` costs tens of microseconds and the number of live buffers is limited):
/// keep one as a reusable scratch buffer instead.
public final class SecureBytes: CustomStringConvertible, CustomDebugStringConvertible {
    let pointer: UnsafeMutableRawPointer
    /// The number of secret bytes.
    public let count: Int

    /// Allocates `count` zeroed secret bytes.
    public init(count: Int) {
        precondition(count >= 0, "negative size")
        Sodium.ensureInitialized()
        // sodium_malloc only fails when the process cannot map more pages; nothing secret can
        // be handled safely after that, so stopping is the only honest answer.
        guard let raw = sodium_malloc(Swift.max(count, 1)) else {
            fatalError("sodium_malloc failed: out of secure memory")
        }
        pointer = raw
        self.count = count
        sodium_memzero(pointer, Swift.max(count, 1))
    }

    /// Allocates `count` bytes from the system's secure random source.
    public static func random(count: Int) -> SecureBytes {
        let bytes = SecureBytes(count: count)
        bytes.randomize()
        return bytes
    }

    /// Copies `bytes` into secure memory. The caller should wipe its own copy with
    /// ``wipe(_:)`` where it can.
    public convenience init(copying bytes: [UInt8]) {
        self.init(count: bytes.count)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { pointer.copyMemory(from: base, byteCount: source.count) }
        }
    }

    /// Copies the UTF-8 bytes of a string (for tests and hosts that already hold one).
    public convenience init(utf8 string: String) {
        var bytes = Array(string.utf8)
        self.init(copying: bytes)
        SecureBytes.wipe(&bytes)
    }

    /// Copies `count` bytes starting at `offset` of another secret into a new one.
    public convenience init(slicing other: SecureBytes, offset: Int, count: Int) {
        precondition(offset >= 0 && count >= 0 && offset + count <= other.count, "slice out of range")
        self.init(count: count)
        pointer.copyMemory(from: other.pointer + offset, byteCount: count)
    }

    /// Joins several secrets into one, in order.
    public convenience init(concatenating parts: [SecureBytes]) {
        self.init(count: parts.reduce(0) { $0 + $1.count })
        var offset = 0
        for part in parts {
            (pointer + offset).copyMemory(from: part.pointer, byteCount: part.count)
            offset += part.count
        }
    }

    deinit {
        sodium_free(pointer)
    }

    /// Fills the bytes with fresh randomness.
    public func randomize() {
        randombytes_buf(pointer, count)
    }

    /// Overwrites the bytes with zeros.
    public func zero() {
        sodium_memzero(pointer, count)
    }

    /// Copies another secret of the same length into this one (for reusable scratch buffers).
    public func assign(from other: SecureBytes) {
        precondition(other.count == count, "length mismatch")
        pointer.copyMemory(from: other.pointer, byteCount: count)
    }

    /// Compares with another secret in constant time.
    public func constantTimeEquals(_ other: SecureBytes) -> Bool {
        guard other.count == count else { return false }
        return sodium_memcmp(pointer, other.pointer, count) == 0
    }

    /// Returns the bytes as an ordinary array.
    ///
    /// Only for values that must leave secure memory by design, such as a recovery code
    /// that is shown once; wipe the result with ``wipe(_:)`` when done.
    public func revealBytes() -> [UInt8] {
        [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Wipes an ordinary byte array in place (best effort: Swift may have made copies).
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { sodium_memzero(base, buffer.count) }
        }
    }

    public var description: String { "SecureBytes(\(count) bytes, redacted)" }
    public var debugDescription: String { description }

    func withBytes<R>(_ body: (UnsafePointer<UInt8>) throws -> R) rethrows -> R {
        try body(pointer.assumingMemoryBound(to: UInt8.self))
    }

    func withMutableBytes<R>(_ body: (UnsafeMutablePointer<UInt8>) throws -> R) rethrows -> R {
        try body(pointer.assumingMemoryBound(to: UInt8.self))
    }
}
