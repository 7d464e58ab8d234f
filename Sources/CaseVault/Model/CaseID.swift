import SodiumKit

/// A case's identifier: 16 random bytes, written as 26 Crockford base32 characters.
///
/// It is the only thing about a case stored readable in the vault file. Parsing accepts any
/// letter case and Crockford's aliases (`O` for 0, `I` and `L` for 1).
public struct CaseID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 16 bytes.
    public let bytes: [UInt8]

    /// A fresh random identifier.
    public static func random() -> CaseID { CaseID(checked: Random.bytes(count: 16)) }

    init(checked bytes: [UInt8]) {
        precondition(bytes.count == 16, "case ids are 16 bytes")
        self.bytes = bytes
    }

    init(storedBytes bytes: [UInt8]) throws {
        guard bytes.count == 16 else { throw CaseVaultError(.integrity, "a stored case id has the wrong length") }
        self.bytes = bytes
    }

    /// Parses the 26-character form.
    ///
    /// - Throws: ``CaseVaultError`` (`invalidInput`) for anything else.
    public init(parsing text: String) throws {
        func invalid(_ why: String) -> CaseVaultError {
            CaseVaultError(.invalidInput, "invalid case id '\(text)': \(why)",
                           remedy: "a case id is the 26 characters (0-9, A-Z but U; the first 0-7) printed when the "
                               + "case was logged",
                           subject: .init(.case, text))
        }
        let chars = Array(text.uppercased().utf8)
        guard chars.count == 26 else { throw invalid("it has \(text.count) characters, not 26") }
        var value: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        for (index, char) in chars.enumerated() {
            guard let digit = CaseID.decodeTable[char] else {
                let shown = String(decoding: [chars[index]], as: UTF8.self)
                throw invalid("'\(shown)' (character \(index + 1)) is not a case-id character")
            }
            // 26 x 5 = 130 bits for 128: the first character carries only 3 bits.
            if index == 0 {
                guard digit < 8 else { throw invalid("it starts with \(text.prefix(1)), and a case id starts with 0-7") }
                accumulator = UInt32(digit)
                bits = 3
                continue
            }
            accumulator = (accumulator << 5) | UInt32(digit)
            bits += 5
            if bits >= 8 {
                bits -= 8
                value.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        self.bytes = value
    }

    /// The 26-character Crockford base32 form.
    public var description: String {
        // 130 bits of output: two zero bits, then the 128 bits of the id.
        String(decoding: CaseID.base32(bytes, leadingZeroBits: 2), as: UTF8.self)
    }

    /// Crockford base32 digits of `bytes`, most significant first, after `leadingZeroBits` zero bits.
    static func base32(_ bytes: [UInt8], leadingZeroBits: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 8 + leadingZeroBits) / 5)
        var accumulator: UInt32 = 0
        var bits = leadingZeroBits
        for byte in bytes {
            accumulator = (accumulator << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((accumulator >> UInt32(bits)) & 31)])
            }
            accumulator &= (1 << UInt32(bits)) - 1
        }
        return out
    }

    public static func < (lhs: CaseID, rhs: CaseID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    static let decodeTable: [UInt8: UInt8] = {
        var table: [UInt8: UInt8] = [:]
        for (index, char) in alphabet.enumerated() { table[char] = UInt8(index) }
        table[UInt8(ascii: "O")] = 0
        table[UInt8(ascii: "I")] = 1
        table[UInt8(ascii: "L")] = 1
        return table
    }()
}
