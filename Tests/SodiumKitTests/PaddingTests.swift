import SodiumKit
import Testing

@Suite("Padding (ISO/IEC 7816-4)")
struct PaddingTests {
    @Test("Every length from 0 to 300 pads to a whole number of blocks and unpads to itself",
          arguments: [64, 256])
    func roundTrip(blockSize: Int) throws {
        for length in 0...300 {
            let original = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let padded = Padding.pad(original, blockSize: blockSize)
            #expect(padded.count % blockSize == 0, "length \(length)")
            // At least one byte is always added, and never more than a block.
            #expect(padded.count > length && padded.count <= length + blockSize, "length \(length)")
            #expect(Array(padded.prefix(length)) == original, "length \(length)")
            #expect(padded[length] == 0x80, "length \(length)")
            #expect(padded[(length + 1)...].allSatisfy { $0 == 0 }, "length \(length)")
            #expect(try Padding.unpad(padded, blockSize: blockSize) == original, "length \(length)")
        }
    }

    @Test("Lengths fall into buckets: every length in a block pads to the same size")
    func buckets() {
        let sizes = Set((0..<64).map { Padding.pad([UInt8](repeating: 1, count: $0), blockSize: 64).count })
        #expect(sizes == [64])
        #expect(Padding.pad([UInt8](repeating: 1, count: 64), blockSize: 64).count == 128)
        #expect(Padding.pad([UInt8](repeating: 1, count: 255), blockSize: 256).count == 256)
        #expect(Padding.pad([UInt8](repeating: 1, count: 256), blockSize: 256).count == 512)
    }

    @Test("Content ending in bytes that look like padding survives the round trip")
    func paddingLikeContent() throws {
        for original: [UInt8] in [[0x80], [0x80, 0x00], [0x01, 0x80, 0x00, 0x00], [UInt8](repeating: 0, count: 63)] {
            let padded = Padding.pad(original, blockSize: 64)
            #expect(try Padding.unpad(padded, blockSize: 64) == original, "\(original.hexString)")
        }
    }

    @Test("Malformed padding is invalid input")
    func malformed() throws {
        let valid = Padding.pad(Array("note".utf8), blockSize: 64)
        #expect(try Padding.unpad(valid, blockSize: 64) == Array("note".utf8))

        var markerAfterZeros = [UInt8](repeating: 0, count: 64)
        markerAfterZeros[10] = 0x80
        markerAfterZeros[63] = 0x01
        let cases: [(String, [UInt8])] = [
            ("empty", []),
            ("all zeros, no marker", [UInt8](repeating: 0, count: 64)),
            ("no zeros and no marker", [UInt8](repeating: 0x01, count: 64)),
            ("marker changed to 0x81", valid.flipping(4)),
            ("a non-zero byte after the marker", valid.flipping(63)),
            ("a non-zero last byte after an earlier marker", markerAfterZeros),
            ("shorter than one block", [0x61, 0x80]),
            ("marker more than a block from the end", [0x80] + [UInt8](repeating: 0, count: 64)),
        ]
        for (name, bytes) in cases {
            expectSodiumError(.invalidInput, "\(name)") { try Padding.unpad(bytes, blockSize: 64) }
        }
    }

    @Test("Unpadding with a larger block size than was used fails; the right size works")
    func wrongBlockSize() throws {
        let padded = Padding.pad(Array("note".utf8), blockSize: 64)
        #expect(try Padding.unpad(padded, blockSize: 64) == Array("note".utf8))
        expectSodiumError(.invalidInput) { try Padding.unpad(padded, blockSize: 256) }
    }

    @Test("A block size of one always adds exactly the marker byte")
    func blockSizeOne() throws {
        for length in [0, 1, 17] {
            let original = [UInt8](repeating: 0x42, count: length)
            let padded = Padding.pad(original, blockSize: 1)
            #expect(padded == original + [0x80])
            #expect(try Padding.unpad(padded, blockSize: 1) == original)
        }
        expectSodiumError(.invalidInput) { try Padding.unpad([0x42], blockSize: 1) }
    }

    @Test("Padding removed in place gives what unpad gives, and malformed padding leaves the bytes as they were")
    func removesPaddingInPlace() throws {
        for length in [0, 1, 63, 64, 65, 200] {
            let original = (0..<length).map { UInt8(truncatingIfNeeded: $0 | 1) }
            var padded = Padding.pad(original, blockSize: 64)
            try Padding.removePadding(from: &padded, blockSize: 64)
            #expect(padded == original)
        }
        var malformed: [UInt8] = [1, 2, 3, 0, 0]
        expectSodiumError(.invalidInput) { try Padding.removePadding(from: &malformed, blockSize: 5) }
        #expect(malformed == [1, 2, 3, 0, 0])
        var empty: [UInt8] = []
        expectSodiumError(.invalidInput) { try Padding.removePadding(from: &empty, blockSize: 4) }
    }
}
