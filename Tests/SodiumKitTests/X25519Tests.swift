import SodiumKit
import Testing

/// RFC 7748 §6.1 (Curve25519 Diffie-Hellman). The public keys were checked against an
/// independent implementation (OpenSSL through pyca/cryptography); Alice's secret with Bob's
/// public key is also Wycheproof tcId 102.
private enum RFC7748 {
    static let alicePrivate = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"
    static let alicePublic = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
    static let bobPrivate = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"
    static let bobPublic = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
    static let shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"
}

@Suite("X25519")
struct X25519Tests {
    // MARK: Known answers

    @Test("RFC 7748 §6.1: each side's public key and the shared secret they agree on")
    func rfc7748AliceAndBob() throws {
        let alice = try BoxKeyPair(secretKey: try SecureBytes(hex: RFC7748.alicePrivate))
        let bob = try BoxKeyPair(secretKey: try SecureBytes(hex: RFC7748.bobPrivate))
        #expect(alice.publicKey == (try [UInt8](hex: RFC7748.alicePublic)))
        #expect(bob.publicKey == (try [UInt8](hex: RFC7748.bobPublic)))

        let aliceView = try X25519.sharedSecret(
            secretKey: try SecureBytes(hex: RFC7748.alicePrivate), publicKey: bob.publicKey)
        let bobView = try X25519.sharedSecret(
            secretKey: try SecureBytes(hex: RFC7748.bobPrivate), publicKey: alice.publicKey)
        #expect(aliceView.revealBytes() == (try [UInt8](hex: RFC7748.shared)))
        #expect(aliceView.constantTimeEquals(bobView))
    }

    @Test("RFC 7748 §6.1: a third party's key gives a different secret")
    func rfc7748Stranger() throws {
        let stranger = BoxKeyPair.generate()
        let withStranger = try X25519.sharedSecret(
            secretKey: try SecureBytes(hex: RFC7748.alicePrivate), publicKey: stranger.publicKey)
        #expect(withStranger.revealBytes() != (try [UInt8](hex: RFC7748.shared)))
        let flippedBob = try [UInt8](hex: RFC7748.bobPublic).flipping(0)
        let withFlipped = try X25519.sharedSecret(
            secretKey: try SecureBytes(hex: RFC7748.alicePrivate), publicKey: flippedBob)
        #expect(withFlipped.revealBytes() != (try [UInt8](hex: RFC7748.shared)))
    }

    @Test("The base point (u = 9) times a secret is that secret's public key")
    func basePointGivesPublicKey() throws {
        var basePoint = [UInt8](repeating: 0, count: 32)
        basePoint[0] = 9
        let alice = try X25519.sharedSecret(
            secretKey: try SecureBytes(hex: RFC7748.alicePrivate), publicKey: basePoint)
        #expect(alice.revealBytes() == (try [UInt8](hex: RFC7748.alicePublic)))
        #expect(alice.revealBytes() != (try [UInt8](hex: RFC7748.bobPublic)))
    }

    // MARK: Wycheproof

    @Test("Every valid Wycheproof vector gives the expected shared secret",
          .enabled(if: Wycheproof.isAvailable, Wycheproof.absentReason))
    func wycheproofValid() throws {
        let file = try Wycheproof.load("x25519_test", as: XDHGroup.self)
        let vectors = file.testGroups.flatMap(\.tests).filter { $0.result == .valid }
        #expect(vectors.count == 264, "the count in the vectors pinned at C2SP/wycheproof dac1dd4")
        for vector in vectors {
            let shared = try X25519.sharedSecret(
                secretKey: SecureBytes(copying: vector.privateKey), publicKey: vector.publicKey)
            #expect(shared.revealBytes() == vector.shared, vector.label)
        }
    }

    @Test("Acceptable and invalid Wycheproof vectors: a zero secret is refused, any other result is right",
          .enabled(if: Wycheproof.isAvailable, Wycheproof.absentReason))
    func wycheproofOthers() throws {
        let file = try Wycheproof.load("x25519_test", as: XDHGroup.self)
        let vectors = file.testGroups.flatMap(\.tests).filter { $0.result != .valid }
        #expect(vectors.count == 254, "the count in the vectors pinned at C2SP/wycheproof dac1dd4")
        for vector in vectors {
            let secretKey = SecureBytes(copying: vector.privateKey)
            if vector.shared.allSatisfy({ $0 == 0 }) {
                // A low-order point: computing on it would hand an attacker a known "secret".
                expectSodiumError(.weakPublicKey, vector.label) {
                    try X25519.sharedSecret(secretKey: secretKey, publicKey: vector.publicKey)
                }
                continue
            }
            do {
                let shared = try X25519.sharedSecret(secretKey: secretKey, publicKey: vector.publicKey)
                #expect(vector.result == .acceptable, vector.label)
                #expect(shared.revealBytes() == vector.shared, vector.label)
            } catch let error as SodiumError {
                // Refusing an unusual but legal point is allowed; refusing it for the wrong reason
                // (say, as malformed input) would hide a length bug.
                #expect(error.code == .weakPublicKey, vector.label)
            }
        }
    }

    @Test("Every Wycheproof vector flagged ZeroSharedSecret is refused as a weak public key",
          .enabled(if: Wycheproof.isAvailable, Wycheproof.absentReason))
    func wycheproofZeroSharedSecrets() throws {
        let file = try Wycheproof.load("x25519_test", as: XDHGroup.self)
        let vectors = file.testGroups.flatMap(\.tests).filter { $0.flags.contains("ZeroSharedSecret") }
        #expect(vectors.count == 31, "the count in the vectors pinned at C2SP/wycheproof dac1dd4")
        for vector in vectors {
            expectSodiumError(.weakPublicKey, vector.label) {
                try X25519.sharedSecret(
                    secretKey: SecureBytes(copying: vector.privateKey), publicKey: vector.publicKey)
            }
        }
    }

    // MARK: Weak and malformed inputs

    @Test("Low-order points (u = 0, u = 1, and one of order 8) are refused as weak public keys",
          arguments: [
              "0000000000000000000000000000000000000000000000000000000000000000",
              "0100000000000000000000000000000000000000000000000000000000000000",
              "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
          ])
    func lowOrderPoints(point: String) throws {
        let secret = SecureBytes.random(count: 32)
        expectSodiumError(.weakPublicKey) {
            try X25519.sharedSecret(secretKey: secret, publicKey: try [UInt8](hex: point))
        }
        // The same secret with an honest peer works, so the refusal is about the point.
        let peer = BoxKeyPair.generate()
        let shared = try X25519.sharedSecret(secretKey: secret, publicKey: peer.publicKey)
        #expect(!shared.revealBytes().allSatisfy { $0 == 0 })
    }

    @Test("Keys of the wrong length are invalid input, not a crash", arguments: [0, 31, 33, 64])
    func wrongLengths(length: Int) throws {
        let peer = BoxKeyPair.generate()
        let secret = SecureBytes.random(count: 32)
        #expect(try X25519.sharedSecret(secretKey: secret, publicKey: peer.publicKey).count == 32)
        expectSodiumError(.invalidInput) {
            try X25519.sharedSecret(secretKey: SecureBytes.random(count: length), publicKey: peer.publicKey)
        }
        expectSodiumError(.invalidInput) {
            try X25519.sharedSecret(secretKey: secret, publicKey: Random.bytes(count: length))
        }
        expectSodiumError(.invalidInput) { try BoxKeyPair(secretKey: SecureBytes.random(count: length)) }
    }

    // MARK: Key pairs

    @Test("Two generated key pairs agree on one secret, and a third pair gets another")
    func keyAgreement() throws {
        let alice = BoxKeyPair.generate()
        let bob = BoxKeyPair.generate()
        let aliceView = try X25519.sharedSecret(secretKey: alice.exportSecretKey(), publicKey: bob.publicKey)
        let bobView = try X25519.sharedSecret(secretKey: bob.exportSecretKey(), publicKey: alice.publicKey)
        #expect(aliceView.constantTimeEquals(bobView))

        let eve = BoxKeyPair.generate()
        let eveView = try X25519.sharedSecret(secretKey: eve.exportSecretKey(), publicKey: alice.publicKey)
        #expect(!eveView.constantTimeEquals(aliceView))
    }

    @Test("An exported secret key restores the same key pair; another secret does not")
    func exportAndRestore() throws {
        let original = BoxKeyPair.generate()
        let exported = original.exportSecretKey()
        #expect(exported.count == 32)
        let restored = try BoxKeyPair(secretKey: exported)
        #expect(restored.publicKey == original.publicKey)

        let other = try BoxKeyPair(secretKey: SecureBytes.random(count: 32))
        #expect(other.publicKey != original.publicKey)
    }
}
