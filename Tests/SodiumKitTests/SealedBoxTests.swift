import SodiumKit
import Testing

@Suite("Sealed boxes")
struct SealedBoxTests {
    private let note = Array("Legal note: the lease clause 7 is void.".utf8)

    @Test("A box sealed to a public key opens with its key pair and adds 48 bytes")
    func roundTrip() throws {
        let recipient = BoxKeyPair.generate()
        let box = try SealedBox.seal(note, to: recipient.publicKey)
        #expect(SealedBox.overhead == 48)
        #expect(box.count == note.count + SealedBox.overhead)
        #expect(try SealedBox.open(box, with: recipient) == note)
    }

    @Test("Only the recipient opens the box: another key pair fails authentication")
    func wrongRecipient() throws {
        let recipient = BoxKeyPair.generate()
        let box = try SealedBox.seal(note, to: recipient.publicKey)
        #expect(try SealedBox.open(box, with: recipient) == note)
        expectSodiumError(.authenticationFailed) { try SealedBox.open(box, with: BoxKeyPair.generate()) }
    }

    @Test("Sealing is randomised: the same message gives different boxes that both open")
    func freshEphemeralKeys() throws {
        let recipient = BoxKeyPair.generate()
        let first = try SealedBox.seal(note, to: recipient.publicKey)
        let second = try SealedBox.seal(note, to: recipient.publicKey)
        #expect(first != second)
        // The ephemeral public key leads the box, so it must differ too.
        #expect(first.prefix(32) != second.prefix(32))
        #expect(try SealedBox.open(first, with: recipient) == note)
        #expect(try SealedBox.open(second, with: recipient) == note)
    }

    @Test("Changing any single byte of a box (ephemeral key, ciphertext or tag) fails authentication")
    func everyByteIsAuthenticated() throws {
        let recipient = BoxKeyPair.generate()
        let box = try SealedBox.seal(note, to: recipient.publicKey)
        #expect(try SealedBox.open(box, with: recipient) == note)
        for index in box.indices {
            for mask: UInt8 in [0x01, 0x40] {
                expectSodiumError(.authenticationFailed, "byte \(index) ^ \(mask)") {
                    try SealedBox.open(box.flipping(index, mask: mask), with: recipient)
                }
            }
        }
    }

    @Test("A box shorter than the overhead is invalid input; a truncated longer one fails authentication")
    func shortBoxes() throws {
        let recipient = BoxKeyPair.generate()
        let box = try SealedBox.seal(note, to: recipient.publicKey)
        for length in [0, 1, 32, SealedBox.overhead - 1] {
            expectSodiumError(.invalidInput, "box of \(length) bytes") {
                try SealedBox.open(Array(box.prefix(length)), with: recipient)
            }
        }
        for length in [SealedBox.overhead, box.count - 1] {
            expectSodiumError(.authenticationFailed, "box cut to \(length) bytes") {
                try SealedBox.open(Array(box.prefix(length)), with: recipient)
            }
        }
        expectSodiumError(.authenticationFailed) { try SealedBox.open(box + [0], with: recipient) }
    }

    @Test("An empty message round-trips and is still authenticated")
    func emptyMessage() throws {
        let recipient = BoxKeyPair.generate()
        let box = try SealedBox.seal([], to: recipient.publicKey)
        #expect(box.count == SealedBox.overhead)
        #expect(try SealedBox.open(box, with: recipient) == [])
        expectSodiumError(.authenticationFailed) { try SealedBox.open(box.flipping(40), with: recipient) }
    }

    @Test("Public keys of the wrong length are invalid input", arguments: [0, 31, 33, 64])
    func wrongPublicKeyLength(length: Int) throws {
        let recipient = BoxKeyPair.generate()
        #expect(try SealedBox.seal(note, to: recipient.publicKey).count == note.count + SealedBox.overhead)
        let resized = Array((recipient.publicKey + recipient.publicKey).prefix(length))
        expectSodiumError(.invalidInput) { try SealedBox.seal(note, to: resized) }
        expectSodiumError(.invalidInput) { try SealedBox.seal(secret: SecureBytes.random(count: 32), to: resized) }
    }

    @Test("A low-order public key is refused rather than sealed to a known secret")
    func lowOrderPublicKey() throws {
        let zero = [UInt8](repeating: 0, count: BoxKeyPair.publicKeyLength)
        expectSodiumError(.invalidInput) { try SealedBox.seal(note, to: zero) }
        expectSodiumError(.invalidInput) { try SealedBox.seal(secret: SecureBytes.random(count: 32), to: zero) }
    }

    // MARK: Secrets

    @Test("A sealed secret opens straight into secure memory, and through the ordinary path too")
    func secretRoundTrip() throws {
        let recipient = BoxKeyPair.generate()
        let compartmentKey = SecureBytes.random(count: 32)
        let box = try SealedBox.seal(secret: compartmentKey, to: recipient.publicKey)
        #expect(box.count == compartmentKey.count + SealedBox.overhead)

        let output = SecureBytes(count: compartmentKey.count)
        try SealedBox.open(box, with: recipient, into: output)
        #expect(output.constantTimeEquals(compartmentKey))
        #expect(try SealedBox.open(box, with: recipient) == compartmentKey.revealBytes())
    }

    @Test("Opening a secret into memory of the wrong length is invalid input", arguments: [-1, 1, 48])
    func secretWrongOutputLength(delta: Int) throws {
        let recipient = BoxKeyPair.generate()
        let box = try SealedBox.seal(secret: SecureBytes.random(count: 32), to: recipient.publicKey)
        expectSodiumError(.invalidInput) {
            try SealedBox.open(box, with: recipient, into: SecureBytes(count: 32 + delta))
        }
    }

    @Test("A secret box for someone else, or tampered, fails and leaves the output wiped")
    func secretWrongRecipientIsWiped() throws {
        let recipient = BoxKeyPair.generate()
        let box = try SealedBox.seal(secret: SecureBytes.random(count: 32), to: recipient.publicKey)
        let attempts: [(box: [UInt8], keyPair: BoxKeyPair)] = [
            (box, BoxKeyPair.generate()),
            (box.flipping(0), recipient),
            (box.flipping(box.count - 1), recipient),
        ]
        for (index, attempt) in attempts.enumerated() {
            let output = SecureBytes.random(count: 32)
            expectSodiumError(.authenticationFailed, "attempt \(index)") {
                try SealedBox.open(attempt.box, with: attempt.keyPair, into: output)
            }
            #expect(output.revealBytes().allSatisfy { $0 == 0 }, "attempt \(index)")
        }
    }

    // MARK: Key pairs

    @Test("A seed always gives the same key pair; another seed gives another")
    func seededKeyPairs() throws {
        let seed = SecureBytes.random(count: BoxKeyPair.seedLength)
        let first = BoxKeyPair(seed: seed)
        let second = BoxKeyPair(seed: SecureBytes(slicing: seed, offset: 0, count: seed.count))
        #expect(first.publicKey == second.publicKey)
        #expect(first.publicKey.count == BoxKeyPair.publicKeyLength)
        let box = try SealedBox.seal(note, to: first.publicKey)
        #expect(try SealedBox.open(box, with: second) == note)

        let other = BoxKeyPair(seed: SecureBytes.random(count: BoxKeyPair.seedLength))
        #expect(other.publicKey != first.publicKey)
        expectSodiumError(.authenticationFailed) { try SealedBox.open(box, with: other) }
    }

    @Test("A key pair restored from its exported secret opens boxes sealed to the original")
    func restoredKeyPairOpens() throws {
        let original = BoxKeyPair.generate()
        let restored = try BoxKeyPair(secretKey: original.exportSecretKey())
        let box = try SealedBox.seal(note, to: original.publicKey)
        #expect(try SealedBox.open(box, with: restored) == note)
        #expect(!original.exportSecretKey().constantTimeEquals(BoxKeyPair.generate().exportSecretKey()))
    }
}
