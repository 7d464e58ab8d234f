internal import CSodium

/// Encrypts a sequence of chunks (`crypto_secretstream_xchacha20poly1305`), for backups.
///
/// Chunks cannot be reordered, dropped or changed without the reader noticing, and the last
/// chunk carries a final tag: a reader must check ``SecretStreamReader/isFinished`` at the end
/// of its input, since a truncated stream is otherwise indistinguishable from one still going.
public final class SecretStreamWriter {
    /// Key length in bytes (32).
    public static let keyLength = Int(crypto_secretstream_xchacha20poly1305_KEYBYTES)
    /// Header length in bytes (24); store it before the first chunk.
    public static let headerLength = Int(crypto_secretstream_xchacha20poly1305_HEADERBYTES)
    /// Bytes each chunk adds (17).
    public static let overhead = Int(crypto_secretstream_xchacha20poly1305_ABYTES)

    private let state = SecureBytes(count: MemoryLayout<crypto_secretstream_xchacha20poly1305_state>.size)
    /// The stream header the reader needs.
    public let header: [UInt8]
    private var finished = false

    /// Starts a stream under a 32-byte key.
    public init(key: SecureBytes) {
        precondition(key.count == SecretStreamWriter.keyLength, "secretstream keys are 32 bytes")
        Sodium.ensureInitialized()
        var header = [UInt8](repeating: 0, count: SecretStreamWriter.headerLength)
        let state = self.state
        header.withUnsafeMutableBufferPointer { h in
            state.withMutableBytes { raw in
                raw.withMemoryRebound(to: crypto_secretstream_xchacha20poly1305_state.self, capacity: 1) { st in
                    key.withBytes { k in _ = crypto_secretstream_xchacha20poly1305_init_push(st, h.baseAddress!, k) }
                }
            }
        }
        self.header = header
    }

    /// Encrypts the next chunk; mark the last one `isFinal`.
    public func push(_ chunk: [UInt8], associatedData: [UInt8] = [], isFinal: Bool = false) -> [UInt8] {
        precondition(!finished, "the stream is already finished")
        finished = isFinal
        var out = [UInt8](repeating: 0, count: chunk.count + SecretStreamWriter.overhead)
        let tag = UInt8(isFinal ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)
        out.withUnsafeMutableBufferPointer { o in
            state.withMutableBytes { raw in
                raw.withMemoryRebound(to: crypto_secretstream_xchacha20poly1305_state.self, capacity: 1) { st in
                    _ = crypto_secretstream_xchacha20poly1305_push(
                        st, o.baseAddress!, nil, chunk, UInt64(chunk.count),
                        associatedData, UInt64(associatedData.count), tag)
                }
            }
        }
        return out
    }
}

/// Decrypts a stream written by ``SecretStreamWriter``.
public final class SecretStreamReader {
    private let state = SecureBytes(count: MemoryLayout<crypto_secretstream_xchacha20poly1305_state>.size)
    /// Whether the final chunk has been read; a stream that ends before this is truncated.
    public private(set) var isFinished = false

    /// Starts reading with the key and the stream's header.
    ///
    /// - Throws: ``SodiumError/Code/invalidInput`` for a malformed header or key.
    public init(key: SecureBytes, header: [UInt8]) throws {
        guard key.count == SecretStreamWriter.keyLength, header.count == SecretStreamWriter.headerLength else {
            throw SodiumError(.invalidInput, "secretstream key or header has the wrong length")
        }
        Sodium.ensureInitialized()
        let status = state.withMutableBytes { raw in
            raw.withMemoryRebound(to: crypto_secretstream_xchacha20poly1305_state.self, capacity: 1) { st in
                key.withBytes { k in crypto_secretstream_xchacha20poly1305_init_pull(st, header, k) }
            }
        }
        guard status == 0 else { throw SodiumError(.invalidInput, "invalid stream header") }
    }

    /// Decrypts the next chunk.
    ///
    /// - Throws: ``SodiumError/Code/authenticationFailed`` for a changed, reordered or foreign
    ///   chunk, or any chunk after the final one.
    public func pull(_ chunk: [UInt8], associatedData: [UInt8] = []) throws -> [UInt8] {
        guard !isFinished else { throw SodiumError(.authenticationFailed, "data after the final chunk") }
        guard chunk.count >= SecretStreamWriter.overhead else { throw SodiumError(.invalidInput, "chunk too short") }
        var out = [UInt8](repeating: 0, count: chunk.count - SecretStreamWriter.overhead)
        var tag: UInt8 = 0
        let status = out.withUnsafeMutableBufferPointer { o in
            state.withMutableBytes { raw in
                raw.withMemoryRebound(to: crypto_secretstream_xchacha20poly1305_state.self, capacity: 1) { st in
                    crypto_secretstream_xchacha20poly1305_pull(
                        st, o.baseAddress!, nil, &tag, chunk, UInt64(chunk.count),
                        associatedData, UInt64(associatedData.count))
                }
            }
        }
        guard status == 0 else { throw SodiumError(.authenticationFailed, "stream chunk did not authenticate") }
        if tag == UInt8(crypto_secretstream_xchacha20poly1305_TAG_FINAL) { isFinished = true }
        return out
    }
}
