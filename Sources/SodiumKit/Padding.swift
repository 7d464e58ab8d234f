internal import CSodium

/// ISO/IEC 7816-4 padding (`sodium_pad`), so ciphertext lengths reveal only a bucket.
public enum Padding {
    /// Pads `bytes` up to the next multiple of `blockSize` (always adding at least one byte).
    public static func pad(_ bytes: [UInt8], blockSize: Int) -> [UInt8] {
        precondition(blockSize > 0, "block size must be positive")
        Sodium.ensureInitialized()
        var buffer = [UInt8]()
        buffer.reserveCapacity(bytes.count + blockSize)
        buffer.append(contentsOf: bytes)
        buffer.append(contentsOf: repeatElement(0, count: blockSize))
        var paddedLength = 0
        let status = buffer.withUnsafeMutableBufferPointer { pointer in
            sodium_pad(&paddedLength, pointer.baseAddress!, bytes.count, blockSize, pointer.count)
        }
        precondition(status == 0, "sodium_pad cannot fail with a buffer one block larger")
        buffer.removeSubrange(paddedLength...)
        return buffer
    }

    /// Removes padding added by ``pad(_:blockSize:)``.
    ///
    /// - Throws: ``SodiumError/Code/invalidInput`` if the padding is malformed.
    public static func unpad(_ bytes: [UInt8], blockSize: Int) throws -> [UInt8] {
        var unpadded = bytes
        try removePadding(from: &unpadded, blockSize: blockSize)
        return unpadded
    }

    /// Removes padding in place, without a copy (for plaintext just decrypted into a fresh array).
    ///
    /// - Throws: ``SodiumError/Code/invalidInput`` if the padding is malformed; `bytes` is then unchanged.
    public static func removePadding(from bytes: inout [UInt8], blockSize: Int) throws {
        precondition(blockSize > 0, "block size must be positive")
        Sodium.ensureInitialized()
        guard !bytes.isEmpty else { throw SodiumError(.invalidInput, "malformed padding") }
        var unpaddedLength = 0
        let status = bytes.withUnsafeBufferPointer { pointer in
            sodium_unpad(&unpaddedLength, pointer.baseAddress!, pointer.count, blockSize)
        }
        guard status == 0 else { throw SodiumError(.invalidInput, "malformed padding") }
        bytes.removeSubrange(unpaddedLength...)
    }
}
