import Foundation
import SodiumKit
import Testing

/// draft-irtf-cfrg-xchacha-03, Appendix A.3.1 (AEAD_XChaCha20_Poly1305). The same vector is
/// Wycheproof tcId 1 and NSec's and other libraries' copies of the draft agree byte for byte.
private enum DraftVector {
    static let key = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
    static let nonce = "404142434445464748494a4b4c4d4e4f5051525354555657"
    static let associatedData = "50515253c0c1c2c3c4c5c6c7"
    static let plaintext = Array(
        ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
            + "sunscreen would be it.").utf8)
    static let ciphertext = """
        bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb
        731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452
        2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
        21f9664c97637da9768812f615c68b13b52e
        """
    static let tag = "c0875924c1c7987947deafd8780acf49"
}

@Suite("XChaCha20-Poly1305")
struct XChaCha20Poly1305Tests {
    private let associatedData = Array("v1|cases|narrative|case-42|3|intake|k7".utf8)
    private let plaintext = Array("The applicant asks for help with an eviction notice.".utf8)

    // MARK: Known answers

    @Test("The draft's A.3.1 vector encrypts to the published ciphertext and tag")
    func draftVectorEncrypts() throws {
        let sealed = try XChaCha20Poly1305.encrypt(
            DraftVector.plaintext, associatedData: try [UInt8](hex: DraftVector.associatedData),
            nonce: try [UInt8](hex: DraftVector.nonce), key: try SecureBytes(hex: DraftVector.key))
        #expect(sealed == (try [UInt8](hex: DraftVector.ciphertext + DraftVector.tag)))
    }

    @Test("The draft's A.3.1 vector decrypts, and the same bytes with one tag bit changed do not")
    func draftVectorDecrypts() throws {
        let key = try SecureBytes(hex: DraftVector.key)
        let nonce = try [UInt8](hex: DraftVector.nonce)
        let associatedData = try [UInt8](hex: DraftVector.associatedData)
        let sealed = try [UInt8](hex: DraftVector.ciphertext + DraftVector.tag)

        let opened = try XChaCha20Poly1305.decrypt(sealed, associatedData: associatedData, nonce: nonce, key: key)
        #expect(opened == DraftVector.plaintext)
        expectSodiumError(.authenticationFailed) {
            try XChaCha20Poly1305.decrypt(
                sealed.flipping(sealed.count - 1), associatedData: associatedData, nonce: nonce, key: key)
        }
    }

    @Test("The draft's vector laid out as a stored box (nonce first) opens")
    func draftVectorOpensAsBox() throws {
        let box = try [UInt8](hex: DraftVector.nonce + DraftVector.ciphertext + DraftVector.tag)
        let key = try SecureBytes(hex: DraftVector.key)
        let opened = try XChaCha20Poly1305.open(
            box, associatedData: try [UInt8](hex: DraftVector.associatedData), key: key)
        #expect(opened == DraftVector.plaintext)
        expectSodiumError(.authenticationFailed) {
            try XChaCha20Poly1305.open(box, associatedData: [], key: key)
        }
    }

    // MARK: Wycheproof

    @Test("Every valid Wycheproof vector encrypts to ct || tag and decrypts to msg",
          .enabled(if: Wycheproof.isAvailable, Wycheproof.absentReason))
    func wycheproofValid() throws {
        let file = try Wycheproof.load("xchacha20_poly1305_test", as: AEADGroup.self)
        let vectors = file.testGroups.flatMap(\.tests).filter { $0.result == .valid }
        #expect(vectors.count == 246, "the count in the vectors pinned at C2SP/wycheproof dac1dd4")
        for vector in vectors {
            let key = SecureBytes(copying: vector.key)
            let sealed = try XChaCha20Poly1305.encrypt(
                vector.msg, associatedData: vector.aad, nonce: vector.iv, key: key)
            #expect(sealed == vector.ct + vector.tag, vector.label)
            let opened = try XChaCha20Poly1305.decrypt(
                vector.ct + vector.tag, associatedData: vector.aad, nonce: vector.iv, key: key)
            #expect(opened == vector.msg, vector.label)
        }
    }

    @Test("Every invalid Wycheproof vector is refused: modified tags and wrong nonce sizes",
          .enabled(if: Wycheproof.isAvailable, Wycheproof.absentReason))
    func wycheproofInvalid() throws {
        let file = try Wycheproof.load("xchacha20_poly1305_test", as: AEADGroup.self)
        var count = 0
        for group in file.testGroups {
            for vector in group.tests where vector.result != .valid {
                count += 1
                #expect(vector.result == .invalid, vector.label)
                let key = SecureBytes(copying: vector.key)
                if group.ivSize == XChaCha20Poly1305.nonceLength * 8 {
                    expectSodiumError(.authenticationFailed, vector.label) {
                        try XChaCha20Poly1305.decrypt(
                            vector.ct + vector.tag, associatedData: vector.aad, nonce: vector.iv, key: key)
                    }
                } else {
                    expectSodiumError(.invalidInput, vector.label) {
                        try XChaCha20Poly1305.decrypt(
                            vector.ct + vector.tag, associatedData: vector.aad, nonce: vector.iv, key: key)
                    }
                    expectSodiumError(.invalidInput, vector.label) {
                        try XChaCha20Poly1305.encrypt(
                            vector.msg, associatedData: vector.aad, nonce: vector.iv, key: key)
                    }
                }
            }
        }
        #expect(count == 69, "the count in the vectors pinned at C2SP/wycheproof dac1dd4")
    }

    // MARK: Sealed boxes

    @Test("A box opens to its plaintext, is nonce || ciphertext || tag, and never repeats")
    func sealOpenRoundTrip() throws {
        let key = SecureBytes.random(count: XChaCha20Poly1305.keyLength)
        let box = XChaCha20Poly1305.seal(plaintext, associatedData: associatedData, key: key)
        #expect(box.count == plaintext.count + XChaCha20Poly1305.overhead)
        #expect(try XChaCha20Poly1305.open(box, associatedData: associatedData, key: key) == plaintext)

        // The stored layout is what `decrypt` sees after the nonce is split off.
        let nonce = Array(box.prefix(XChaCha20Poly1305.nonceLength))
        let body = Array(box.dropFirst(XChaCha20Poly1305.nonceLength))
        #expect(try XChaCha20Poly1305.decrypt(body, associatedData: associatedData, nonce: nonce, key: key)
                == plaintext)
        #expect(try XChaCha20Poly1305.encrypt(plaintext, associatedData: associatedData, nonce: nonce, key: key)
                == body)

        let again = XChaCha20Poly1305.seal(plaintext, associatedData: associatedData, key: key)
        #expect(again.prefix(XChaCha20Poly1305.nonceLength) != box.prefix(XChaCha20Poly1305.nonceLength))
        #expect(again != box)
    }

    @Test("Empty plaintext and empty associated data round-trip, and are still authenticated")
    func emptyInputs() throws {
        let key = SecureBytes.random(count: XChaCha20Poly1305.keyLength)
        let box = XChaCha20Poly1305.seal([], associatedData: [], key: key)
        #expect(box.count == XChaCha20Poly1305.overhead)
        #expect(try XChaCha20Poly1305.open(box, associatedData: [], key: key) == [])
        expectSodiumError(.authenticationFailed) { try XChaCha20Poly1305.open(box, associatedData: [0], key: key) }
        expectSodiumError(.authenticationFailed) {
            try XChaCha20Poly1305.open(box.flipping(XChaCha20Poly1305.nonceLength), associatedData: [], key: key)
        }
    }

    @Test("Changing any single byte of a box (nonce, ciphertext or tag) fails authentication",
          arguments: [UInt8(0x01), 0x80, 0xff])
    func everyByteIsAuthenticated(mask: UInt8) throws {
        let key = SecureBytes.random(count: XChaCha20Poly1305.keyLength)
        let box = XChaCha20Poly1305.seal(plaintext, associatedData: associatedData, key: key)
        #expect(try XChaCha20Poly1305.open(box, associatedData: associatedData, key: key) == plaintext)
        for index in box.indices {
            expectSodiumError(.authenticationFailed, "byte \(index) of \(box.count) flipped with \(mask)") {
                try XChaCha20Poly1305.open(box.flipping(index, mask: mask), associatedData: associatedData, key: key)
            }
        }
    }

    @Test("Associated data that differs at all fails authentication")
    func wrongAssociatedData() throws {
        let key = SecureBytes.random(count: XChaCha20Poly1305.keyLength)
        let box = XChaCha20Poly1305.seal(plaintext, associatedData: associatedData, key: key)
        #expect(try XChaCha20Poly1305.open(box, associatedData: associatedData, key: key) == plaintext)
        let others: [[UInt8]] = [
            [],
            associatedData.flipping(0),
            associatedData.flipping(associatedData.count - 1),
            associatedData + [0],
            Array(associatedData.dropLast()),
            Array("v1|cases|narrative|case-43|3|intake|k7".utf8),
        ]
        for other in others {
            expectSodiumError(.authenticationFailed, "associated data \(other.hexString)") {
                try XChaCha20Poly1305.open(box, associatedData: other, key: key)
            }
        }
    }

    @Test("Another key, even one differing in a single bit, fails authentication")
    func wrongKey() throws {
        let keyBytes = Random.bytes(count: XChaCha20Poly1305.keyLength)
        let key = SecureBytes(copying: keyBytes)
        let box = XChaCha20Poly1305.seal(plaintext, associatedData: associatedData, key: key)
        #expect(try XChaCha20Poly1305.open(box, associatedData: associatedData, key: SecureBytes(copying: keyBytes))
                == plaintext)
        expectSodiumError(.authenticationFailed) {
            try XChaCha20Poly1305.open(
                box, associatedData: associatedData, key: SecureBytes.random(count: XChaCha20Poly1305.keyLength))
        }
        expectSodiumError(.authenticationFailed) {
            try XChaCha20Poly1305.open(
                box, associatedData: associatedData, key: SecureBytes(copying: keyBytes.flipping(31, mask: 0x80)))
        }
    }

    @Test("A box shorter than nonce and tag is invalid input; a truncated longer one fails authentication")
    func shortBoxes() throws {
        let key = SecureBytes.random(count: XChaCha20Poly1305.keyLength)
        let box = XChaCha20Poly1305.seal(plaintext, associatedData: associatedData, key: key)
        for length in 0..<XChaCha20Poly1305.overhead {
            expectSodiumError(.invalidInput, "box of \(length) bytes") {
                try XChaCha20Poly1305.open(Array(box.prefix(length)), associatedData: associatedData, key: key)
            }
        }
        for length in [XChaCha20Poly1305.overhead, box.count - 1] {
            expectSodiumError(.authenticationFailed, "box cut to \(length) bytes") {
                try XChaCha20Poly1305.open(Array(box.prefix(length)), associatedData: associatedData, key: key)
            }
        }
        expectSodiumError(.authenticationFailed, "box with a byte appended") {
            try XChaCha20Poly1305.open(box + [0], associatedData: associatedData, key: key)
        }
        expectSodiumError(.invalidInput, "ciphertext shorter than a tag") {
            try XChaCha20Poly1305.decrypt(
                [UInt8](repeating: 0, count: XChaCha20Poly1305.tagLength - 1), associatedData: [],
                nonce: [UInt8](repeating: 0, count: XChaCha20Poly1305.nonceLength), key: key)
        }
    }

    @Test("Keys and nonces of the wrong length are refused with an error, not a crash",
          arguments: [0, 16, 31, 33, 64])
    func wrongLengths(length: Int) throws {
        let goodKey = SecureBytes.random(count: XChaCha20Poly1305.keyLength)
        let goodNonce = Random.bytes(count: XChaCha20Poly1305.nonceLength)
        let sealed = try XChaCha20Poly1305.encrypt(plaintext, associatedData: [], nonce: goodNonce, key: goodKey)
        #expect(try XChaCha20Poly1305.decrypt(sealed, associatedData: [], nonce: goodNonce, key: goodKey) == plaintext)

        let badKey = SecureBytes.random(count: length)
        let badNonce = Random.bytes(count: length)
        expectSodiumError(.invalidInput) {
            try XChaCha20Poly1305.encrypt(plaintext, associatedData: [], nonce: goodNonce, key: badKey)
        }
        expectSodiumError(.invalidInput) {
            try XChaCha20Poly1305.decrypt(sealed, associatedData: [], nonce: goodNonce, key: badKey)
        }
        expectSodiumError(.invalidInput) {
            try XChaCha20Poly1305.open(goodNonce + sealed, associatedData: [], key: badKey)
        }
        expectSodiumError(.invalidInput) {
            try XChaCha20Poly1305.open(goodNonce + sealed, associatedData: [], key: badKey,
                                       into: SecureBytes(count: plaintext.count))
        }
        expectSodiumError(.invalidInput) {
            try XChaCha20Poly1305.encrypt(plaintext, associatedData: [], nonce: badNonce, key: goodKey)
        }
        expectSodiumError(.invalidInput) {
            try XChaCha20Poly1305.decrypt(sealed, associatedData: [], nonce: badNonce, key: goodKey)
        }
    }

    // MARK: Secrets in secure memory

    @Test("A sealed secret opens into secure memory and matches the original")
    func secretRoundTrip() throws {
        let key = SecureBytes.random(count: XChaCha20Poly1305.keyLength)
        let dataKey = SecureBytes.random(count: 32)
        let box = XChaCha20Poly1305.seal(secret: dataKey, associatedData: associatedData, key: key)
        #expect(box.count == dataKey.count + XChaCha20Poly1305.overhead)

        let output = SecureBytes(count: dataKey.count)
        try XChaCha20Poly1305.open(box, associatedData: associatedData, key: key, into: output)
        #expect(output.constantTimeEquals(dataKey))
        // Both opening paths read the same format.
        #expect(try XChaCha20Poly1305.open(box, associatedData: associatedData, key: key) == dataKey.revealBytes())

        let other = SecureBytes.random(count: 32)
        #expect(!output.constantTimeEquals(other))
    }

    @Test("An ordinary box can be opened into secure memory too")
    func plainBoxIntoSecureMemory() throws {
        let key = SecureBytes.random(count: XChaCha20Poly1305.keyLength)
        let box = XChaCha20Poly1305.seal(plaintext, associatedData: associatedData, key: key)
        let output = SecureBytes(count: plaintext.count)
        try XChaCha20Poly1305.open(box, associatedData: associatedData, key: key, into: output)
        #expect(output.revealBytes() == plaintext)
    }

    @Test("Opening into secure memory of the wrong length is refused before decrypting",
          arguments: [-1, 1, 16])
    func secretWrongOutputLength(delta: Int) throws {
        let key = SecureBytes.random(count: XChaCha20Poly1305.keyLength)
        let dataKey = SecureBytes.random(count: 32)
        let box = XChaCha20Poly1305.seal(secret: dataKey, associatedData: associatedData, key: key)
        let output = SecureBytes(count: dataKey.count + delta)
        expectSodiumError(.invalidInput) {
            try XChaCha20Poly1305.open(box, associatedData: associatedData, key: key, into: output)
        }
        #expect(output.revealBytes().allSatisfy { $0 == 0 })
    }

    @Test("A tampered secret box or wrong associated data fails and leaves the output wiped")
    func secretTamperedIsWiped() throws {
        let key = SecureBytes.random(count: XChaCha20Poly1305.keyLength)
        let dataKey = SecureBytes.random(count: 32)
        let box = XChaCha20Poly1305.seal(secret: dataKey, associatedData: associatedData, key: key)

        let attempts: [(box: [UInt8], associatedData: [UInt8], key: SecureBytes)] = [
            (box.flipping(0), associatedData, key),
            (box.flipping(XChaCha20Poly1305.nonceLength + 5), associatedData, key),
            (box.flipping(box.count - 1), associatedData, key),
            (box, associatedData + [1], key),
            (box, associatedData, SecureBytes.random(count: XChaCha20Poly1305.keyLength)),
        ]
        for (index, attempt) in attempts.enumerated() {
            // Pre-filled so that "wiped" is observable: a failed open must not leave old or
            // partial bytes behind.
            let output = SecureBytes.random(count: dataKey.count)
            expectSodiumError(.authenticationFailed, "attempt \(index)") {
                try XChaCha20Poly1305.open(
                    attempt.box, associatedData: attempt.associatedData, key: attempt.key, into: output)
            }
            #expect(output.revealBytes().allSatisfy { $0 == 0 }, "attempt \(index)")
        }
    }

    @Test("A box read in place (Data, an array slice) opens like an array; a changed byte does not")
    func opensContiguousCollections() throws {
        let key = SecureBytes.random(count: XChaCha20Poly1305.keyLength)
        let ad = Array("cases/summary".utf8)
        for length in [0, 1, 63, 64, 300] {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let box = XChaCha20Poly1305.seal(message, associatedData: ad, key: key)
            #expect(try XChaCha20Poly1305.open(contentsOf: Data(box), associatedData: ad, key: key) == message)
            #expect(try XChaCha20Poly1305.open(contentsOf: ([9] + box)[1...], associatedData: ad, key: key) == message)
            var changed = Data(box)
            changed[changed.count - 1] ^= 1
            expectSodiumError(.authenticationFailed) {
                try XChaCha20Poly1305.open(contentsOf: changed, associatedData: ad, key: key)
            }
            expectSodiumError(.authenticationFailed) {
                try XChaCha20Poly1305.open(contentsOf: Data(box), associatedData: ad + [0], key: key)
            }
        }
        expectSodiumError(.invalidInput) {
            try XChaCha20Poly1305.open(contentsOf: Data(count: XChaCha20Poly1305.overhead - 1), associatedData: ad,
                                       key: key)
        }
    }
}
