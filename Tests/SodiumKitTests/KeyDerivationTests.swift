import SodiumKit
import Testing

@Suite("Subkey derivation (crypto_kdf)")
struct KeyDerivationTests {
    /// The master key 00 01 ... 1f.
    private let master = SecureBytes(copying: Array(0..<32))

    @Test("Known answers: BLAKE2b keyed by the master, salted with the id, personalised with the context",
          arguments: [
              (UInt64(0), "9bd9f3053efa20efc1dbf738aa560f217ceca0fc6056630915df892937d3e823"),
              (1, "3b773c548c032707d950805badd1148b69a18b512ad1e4c4f44f73249804b871"),
              (7, "2efdb2e92eb0b94b9a67e522b5d6bcc4f6bb1e418e2bdc709f72ae0a75f2d2a6"),
          ])
    func knownAnswers(id: UInt64, expected: String) throws {
        // Computed with Python's hashlib.blake2b(key=master, digest_size=32,
        // salt=id as 8 little-endian bytes + 8 zeros, person=context + 8 zeros), the construction
        // libsodium documents for crypto_kdf_blake2b.
        let subkey = KeyDerivation.deriveSubkey(from: master, id: id, context: "CaseVlt1")
        #expect(subkey.revealBytes() == (try [UInt8](hex: expected)))
    }

    @Test("The same master, id and context always give the same subkey")
    func deterministic() {
        let master = SecureBytes.random(count: KeyDerivation.masterKeyLength)
        let first = KeyDerivation.deriveSubkey(from: master, id: 3, context: "blindidx")
        let second = KeyDerivation.deriveSubkey(from: master, id: 3, context: "blindidx")
        #expect(first.count == 32)
        #expect(first.constantTimeEquals(second))
        #expect(!first.revealBytes().allSatisfy { $0 == 0 })
    }

    @Test("Different ids give unrelated subkeys")
    func differentIds() {
        let ids: [UInt64] = [0, 1, 2, 255, 256, 1 << 32, .max]
        let subkeys = ids.map { KeyDerivation.deriveSubkey(from: master, id: $0, context: "blindidx").revealBytes() }
        #expect(Set(subkeys).count == ids.count)
    }

    @Test("Different contexts give unrelated subkeys, even one differing in a single letter")
    func differentContexts() {
        let contexts = ["blindidx", "blindidy", "Blindidx", "intake\0\0", "audit-v1"]
        let subkeys = contexts.map { KeyDerivation.deriveSubkey(from: master, id: 1, context: $0).revealBytes() }
        #expect(Set(subkeys).count == contexts.count)
    }

    @Test("Different master keys give different subkeys for the same id and context")
    func differentMasters() {
        let other = SecureBytes(copying: Array(0..<31) + [0x20])
        let first = KeyDerivation.deriveSubkey(from: master, id: 1, context: "blindidx")
        let second = KeyDerivation.deriveSubkey(from: other, id: 1, context: "blindidx")
        #expect(!first.constantTimeEquals(second))
    }

    @Test("Subkey lengths from 16 to 64 are honoured, and the length is part of the derivation",
          arguments: [16, 24, 32, 48, 64])
    func lengths(length: Int) {
        let subkey = KeyDerivation.deriveSubkey(from: master, id: 1, context: "blindidx", length: length)
        #expect(subkey.count == length)
        // BLAKE2b mixes the output length in, so a shorter subkey is not a prefix of a longer one.
        let full = KeyDerivation.deriveSubkey(from: master, id: 1, context: "blindidx", length: 64)
        if length < 64 {
            #expect(Array(full.revealBytes().prefix(length)) != subkey.revealBytes())
        } else {
            #expect(full.constantTimeEquals(subkey))
        }
    }

    @Test("The master key length is crypto_kdf's")
    func masterKeyLength() {
        #expect(KeyDerivation.masterKeyLength == 32)
    }
}
