import SodiumKit
import Testing

/// Expects `body` to throw a ``SodiumError`` with exactly `code`.
///
/// Checking the code, not just that something was thrown, catches a wrapper that reports a
/// tampered ciphertext as malformed input or the other way round.
func expectSodiumError<R>(
    _ code: SodiumError.Code,
    _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> R
) {
    let error = #expect(throws: SodiumError.self, comment, sourceLocation: sourceLocation) {
        _ = try body()
    }
    if let error {
        #expect(error.code == code, comment, sourceLocation: sourceLocation)
    }
}

extension Array where Element == UInt8 {
    /// A copy with `mask` XORed into the byte at `index`.
    func flipping(_ index: Int, mask: UInt8 = 0x01) -> [UInt8] {
        var copy = self
        copy[index] ^= mask
        return copy
    }
}

extension SecureBytes {
    /// Secret bytes from hex, for known-answer keys.
    convenience init(hex text: String) throws {
        self.init(copying: try [UInt8](hex: text))
    }
}
