/// A vault user's identifier: 16 random bytes, distinct from case identifiers by type.
public struct UserID: Hashable, Sendable, CustomStringConvertible {
    /// The 16 bytes.
    public let bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }

    public var description: String { bytes.hexString }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: Swift.max(0, width - count)) + self }
}

extension Array where Element == UInt8 {
    /// Lower-case hexadecimal, two digits a byte.
    var hexString: String { map { String($0, radix: 16).leftPadded(2) }.joined() }
}
