import Testing

/// A hex string that is not an even number of hex digits.
struct MalformedHex: Error, CustomStringConvertible {
    let text: String
    var description: String { "not an even number of hex digits: \(text.prefix(40))" }
}

extension Array where Element == UInt8 {
    /// Decodes hex digits; whitespace and newlines are ignored so long vectors can span lines.
    init(hex text: String) throws {
        let digits = text.unicodeScalars.filter { !$0.properties.isWhitespace }
        guard digits.count % 2 == 0 else { throw MalformedHex(text: text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var high: UInt8?
        for scalar in digits {
            guard scalar.isASCII, let nibble = UInt8(String(scalar), radix: 16) else {
                throw MalformedHex(text: text)
            }
            if let pending = high {
                bytes.append(pending << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        self = bytes
    }

    /// Lower-case hex, for readable failure messages.
    var hexString: String {
        map { byte in
            let digits = String(byte, radix: 16)
            return byte < 0x10 ? "0" + digits : digits
        }.joined()
    }
}

@Suite("Hex decoding used by the vectors")
struct HexEncodingTests {
    @Test("Decodes upper and lower case, ignoring whitespace")
    func decodes() throws {
        #expect(try [UInt8](hex: "00ff7F80") == [0x00, 0xff, 0x7f, 0x80])
        #expect(try [UInt8](hex: "de ad\n be ef") == [0xde, 0xad, 0xbe, 0xef])
        #expect(try [UInt8](hex: "") == [])
        #expect([0x00, 0x0a, 0xff].hexString == "000aff")
    }

    @Test("Refuses odd lengths and non-hex digits", arguments: ["0", "abc", "zz", "0x00", "+1", "٣٣"])
    func refuses(_ text: String) {
        #expect(throws: MalformedHex.self) { try [UInt8](hex: text) }
    }
}
