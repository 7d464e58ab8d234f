import SodiumKit
import Testing

@Suite("BLAKE2b and SHA-256")
struct HashingTests {
    private let abc = Array("abc".utf8)

    // MARK: BLAKE2b

    @Test("RFC 7693 Appendix A: unkeyed BLAKE2b-512 of \"abc\"")
    func blake2b512OfAbc() throws {
        let expected = try [UInt8](hex: """
            ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1
            7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923
            """)
        #expect(GenericHash.hash(abc, length: 64) == expected)
        #expect(GenericHash.hash(Array("abd".utf8), length: 64) != expected)
        #expect(GenericHash.hash(abc + [0], length: 64) != expected)
    }

    @Test("BLAKE2b's keyed known answer: key 00..3f, empty input, 64-byte output (blake2b-kat.txt)")
    func keyedKnownAnswer() throws {
        // The first keyed vector of the BLAKE2 reference KATs; Python's hashlib.blake2b agrees.
        let expected = try [UInt8](hex: """
            10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786
            b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568
            """)
        let key = SecureBytes(copying: Array(0..<64))
        #expect(GenericHash.hash([], key: key, length: 64) == expected)
        #expect(GenericHash.hash([], length: 64) != expected)
    }

    @Test("The output length is part of the hash: BLAKE2b-256 is not a prefix of BLAKE2b-512")
    func lengthIsParameter() throws {
        // BLAKE2b-256 of "abc", from Python's hashlib.blake2b(digest_size=32).
        let expected = try [UInt8](hex: "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319")
        let short = GenericHash.hash(abc)
        #expect(short == expected)
        #expect(short != Array(GenericHash.hash(abc, length: 64).prefix(32)))
        #expect(GenericHash.hash(abc, length: 16).count == 16)
        #expect(GenericHash.hash(abc, length: 64).count == 64)
    }

    @Test("A keyed hash depends on the key and differs from the unkeyed one")
    func keyedHash() {
        let key = SecureBytes.random(count: 32)
        let keyed = GenericHash.hash(abc, key: key)
        #expect(keyed == GenericHash.hash(abc, key: SecureBytes(slicing: key, offset: 0, count: 32)))
        #expect(keyed != GenericHash.hash(abc))
        #expect(keyed != GenericHash.hash(abc, key: SecureBytes.random(count: 32)))
        #expect(keyed != GenericHash.hash(Array("abd".utf8), key: key))
    }

    // MARK: SHA-256

    @Test("FIPS 180-2 known answers: SHA-256 of \"abc\" and of the empty string")
    func sha256KnownAnswers() throws {
        #expect(SHA256.hash(abc)
                == (try [UInt8](hex: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")))
        #expect(SHA256.hash([])
                == (try [UInt8](hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")))
    }

    @Test("FIPS 180-2 two-block message, and a one-byte change gives another digest")
    func sha256TwoBlocks() throws {
        let message = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        let expected = try [UInt8](hex: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hash(message) == expected)
        #expect(SHA256.hash(message.flipping(0)) != expected)
        #expect(SHA256.hash(Array(message.dropLast())) != expected)
    }
}
