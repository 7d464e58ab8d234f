import SodiumKit
import Testing

@Suite("Secure bytes")
struct SecureBytesTests {
    private let secretText = "hunter2-secret"

    // MARK: Redaction

    @Test("No description shows the bytes, as text or as hex")
    func descriptionsAreRedacted() {
        let secret = SecureBytes(utf8: secretText)
        #expect(secret.revealBytes() == Array(secretText.utf8))
        let hex = Array(secretText.utf8).hexString
        let renderings = [
            String(describing: secret),
            secret.description,
            secret.debugDescription,
            String(reflecting: secret),
            "\(secret)",
            "\([secret])",
            "\(Optional(secret) as Any)",
        ]
        for rendering in renderings {
            #expect(!rendering.contains(secretText), "\(rendering)")
            #expect(!rendering.contains("hunter2"), "\(rendering)")
            #expect(!rendering.lowercased().contains(hex), "\(rendering)")
            #expect(rendering.contains("redacted"), "\(rendering)")
        }
        #expect(secret.description.contains("\(secretText.utf8.count) bytes"))
    }

    @Test("dump() shows the length and an address, not the bytes")
    func dumpIsRedacted() {
        let secret = SecureBytes(utf8: secretText)
        var output = ""
        dump(secret, to: &output)
        #expect(!output.contains(secretText))
        #expect(!output.contains("hunter2"))
        #expect(!output.contains(Array(secretText.utf8).hexString))
    }

    // MARK: Comparison

    @Test("Equal bytes compare equal; a single changed byte or a different length does not")
    func constantTimeEquals() {
        let bytes = Random.bytes(count: 32)
        let secret = SecureBytes(copying: bytes)
        #expect(secret.constantTimeEquals(SecureBytes(copying: bytes)))
        #expect(secret.constantTimeEquals(secret))
        for index in [0, 15, 31] {
            let changed = SecureBytes(copying: bytes.flipping(index, mask: 0x80))
            #expect(!secret.constantTimeEquals(changed), "byte \(index)")
        }
        #expect(!secret.constantTimeEquals(SecureBytes(copying: Array(bytes.dropLast()))))
        #expect(!secret.constantTimeEquals(SecureBytes(copying: bytes + [0])))
        #expect(!SecureBytes(count: 0).constantTimeEquals(SecureBytes(count: 1)))
        #expect(SecureBytes(count: 0).constantTimeEquals(SecureBytes(count: 0)))
    }

    // MARK: Construction

    @Test("A new buffer is zeroed; a random one is full length and fresh each time")
    func initialContents() {
        let zeroed = SecureBytes(count: 64)
        #expect(zeroed.count == 64)
        #expect(zeroed.revealBytes() == [UInt8](repeating: 0, count: 64))

        let first = SecureBytes.random(count: 32)
        let second = SecureBytes.random(count: 32)
        #expect(first.count == 32)
        // Each of these fails by chance with probability 2^-256.
        #expect(!first.revealBytes().allSatisfy { $0 == 0 })
        #expect(!first.constantTimeEquals(second))
        #expect(SecureBytes(count: 0).revealBytes() == [])
    }

    @Test("Copying and UTF-8 construction keep the exact bytes")
    func copying() {
        let bytes: [UInt8] = [0, 1, 0x80, 0xff, 0]
        #expect(SecureBytes(copying: bytes).revealBytes() == bytes)
        #expect(SecureBytes(copying: bytes).count == 5)
        #expect(SecureBytes(utf8: "é€").revealBytes() == [0xc3, 0xa9, 0xe2, 0x82, 0xac])
        #expect(SecureBytes(utf8: "").count == 0)
    }

    @Test("A slice copies exactly the requested range, and is independent of its source",
          arguments: [(0, 0), (0, 32), (0, 8), (5, 10), (31, 1), (32, 0)])
    func slicing(offset: Int, count: Int) {
        let bytes = (0..<32).map { UInt8($0) }
        let source = SecureBytes(copying: bytes)
        let slice = SecureBytes(slicing: source, offset: offset, count: count)
        #expect(slice.count == count)
        #expect(slice.revealBytes() == Array(bytes[offset..<(offset + count)]))

        source.zero()
        #expect(slice.revealBytes() == Array(bytes[offset..<(offset + count)]))
    }

    @Test("Concatenation joins the parts in order into a copy of their total length")
    func concatenating() {
        let first = SecureBytes(copying: [1, 2, 3])
        let second = SecureBytes(count: 0)
        let third = SecureBytes(copying: [4, 5])
        let joined = SecureBytes(concatenating: [first, second, third])
        #expect(joined.count == 5)
        #expect(joined.revealBytes() == [1, 2, 3, 4, 5])
        #expect(SecureBytes(concatenating: [third, first]).revealBytes() == [4, 5, 1, 2, 3])
        #expect(SecureBytes(concatenating: []).count == 0)

        first.zero()
        #expect(joined.revealBytes() == [1, 2, 3, 4, 5])
    }

    // MARK: Mutation

    @Test("zero() wipes every byte, randomize() refills, assign(from:) copies")
    func mutation() {
        let secret = SecureBytes.random(count: 48)
        #expect(!secret.revealBytes().allSatisfy { $0 == 0 })
        secret.zero()
        #expect(secret.revealBytes() == [UInt8](repeating: 0, count: 48))
        secret.randomize()
        #expect(!secret.revealBytes().allSatisfy { $0 == 0 })

        let other = SecureBytes.random(count: 48)
        #expect(!secret.constantTimeEquals(other))
        secret.assign(from: other)
        #expect(secret.constantTimeEquals(other))
        other.zero()
        #expect(!secret.constantTimeEquals(other))
    }

    @Test("revealBytes() returns a copy that does not write through")
    func revealIsCopy() {
        let secret = SecureBytes(copying: [1, 2, 3])
        var revealed = secret.revealBytes()
        revealed[0] = 9
        #expect(secret.revealBytes() == [1, 2, 3])
        SecureBytes.wipe(&revealed)
        #expect(secret.revealBytes() == [1, 2, 3])
    }

    @Test("wipe(_:) zeroes an ordinary array in place and keeps its length")
    func wipeArray() {
        var bytes: [UInt8] = Array(secretText.utf8)
        SecureBytes.wipe(&bytes)
        #expect(bytes == [UInt8](repeating: 0, count: secretText.utf8.count))
        var empty: [UInt8] = []
        SecureBytes.wipe(&empty)
        #expect(empty.isEmpty)
    }
}
