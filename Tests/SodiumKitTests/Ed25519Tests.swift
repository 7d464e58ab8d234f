import SodiumKit
import Testing

/// A known-answer vector from RFC 8032 §7.1 (Ed25519). The public keys were checked against an
/// independent implementation (OpenSSL through pyca/cryptography) and match Wycheproof's
/// copies (tcId 80 to 83).
struct RFC8032Vector: Sendable, CustomTestStringConvertible {
    let name: String
    let seed: String
    let publicKey: String
    let message: String
    let signature: String

    var testDescription: String { name }

    static let all: [RFC8032Vector] = [
        RFC8032Vector(
            name: "TEST 1",
            seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            message: "",
            signature: """
                e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b
                d25bf5f0595bbe24655141438e7a100b
                """),
        RFC8032Vector(
            name: "TEST 2",
            seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            message: "72",
            signature: """
                92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c
                387b2eaeb4302aeeb00d291612bb0c00
                """),
        RFC8032Vector(
            name: "TEST 3",
            seed: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            message: "af82",
            signature: """
                6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc659
                4a7c15e9716ed28dc027beceea1ec40a
                """),
        RFC8032Vector(
            name: "TEST 1024",
            seed: "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
            publicKey: "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
            message: """
                08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f77b1
                e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d
                658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a
                7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e
                06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10
                3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1
                85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d
                502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270
                88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089b
                eccf80cfe2df16a2cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba
                b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b
                e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7
                51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb038dda0847dd988d
                cda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df
                f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7
                984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4
                88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac09
                43bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f
                b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f161
                0e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d
                b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8ca
                c60c905c15fc910840b94c00a0b9d0
                """,
            signature: """
                0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b
                5e8fcd4f681e30a6ac00a9704a188a03
                """),
    ]
}

@Suite("Ed25519")
struct Ed25519Tests {
    private let message = Array("transition case-42 v3 assess->accept".utf8)

    // MARK: Known answers

    @Test("RFC 8032 §7.1: the seed gives the public key, and signing gives the published signature",
          arguments: RFC8032Vector.all)
    func rfc8032(vector: RFC8032Vector) throws {
        let keyPair = SigningKeyPair(seed: try SecureBytes(hex: vector.seed))
        let message = try [UInt8](hex: vector.message)
        let signature = try [UInt8](hex: vector.signature)
        #expect(keyPair.publicKey == (try [UInt8](hex: vector.publicKey)))
        #expect(keyPair.sign(message) == signature)
        #expect(Ed25519.isValid(signature: signature, message: message, publicKey: keyPair.publicKey))
    }

    @Test("RFC 8032 §7.1: each signature fails for a changed message or another vector's key",
          arguments: RFC8032Vector.all)
    func rfc8032Negative(vector: RFC8032Vector) throws {
        let publicKey = try [UInt8](hex: vector.publicKey)
        let message = try [UInt8](hex: vector.message)
        let signature = try [UInt8](hex: vector.signature)
        #expect(!Ed25519.isValid(signature: signature, message: message + [0], publicKey: publicKey))
        if !message.isEmpty {
            #expect(!Ed25519.isValid(signature: signature, message: message.flipping(0), publicKey: publicKey))
            #expect(!Ed25519.isValid(signature: signature, message: Array(message.dropLast()), publicKey: publicKey))
        }
        for other in RFC8032Vector.all where other.name != vector.name {
            let otherKey = try [UInt8](hex: other.publicKey)
            #expect(!Ed25519.isValid(signature: signature, message: message, publicKey: otherKey), "\(other.name)")
        }
    }

    // MARK: Wycheproof

    @Test("Every valid Wycheproof signature verifies", .enabled(if: Wycheproof.isAvailable, Wycheproof.absentReason))
    func wycheproofValid() throws {
        let file = try Wycheproof.load("ed25519_test", as: EdDSAGroup.self)
        var count = 0
        for group in file.testGroups {
            for vector in group.tests where vector.result == .valid {
                count += 1
                #expect(Ed25519.isValid(signature: vector.sig, message: vector.msg, publicKey: group.publicKey.pk),
                        vector.label)
            }
        }
        #expect(count == 88, "the count in the vectors pinned at C2SP/wycheproof dac1dd4")
    }

    @Test("Every invalid Wycheproof signature is refused (malleable, truncated, badly encoded)",
          .enabled(if: Wycheproof.isAvailable, Wycheproof.absentReason))
    func wycheproofInvalid() throws {
        let file = try Wycheproof.load("ed25519_test", as: EdDSAGroup.self)
        var count = 0
        for group in file.testGroups {
            for vector in group.tests where vector.result != .valid {
                count += 1
                #expect(vector.result == .invalid, vector.label)
                #expect(!Ed25519.isValid(signature: vector.sig, message: vector.msg, publicKey: group.publicKey.pk),
                        vector.label)
            }
        }
        #expect(count == 63, "the count in the vectors pinned at C2SP/wycheproof dac1dd4")
    }

    // MARK: Tampering

    @Test("A signature from a generated key verifies; changing any byte of the signature does not")
    func tamperedSignature() {
        let keyPair = SigningKeyPair.generate()
        let signature = keyPair.sign(message)
        #expect(signature.count == SigningKeyPair.signatureLength)
        #expect(Ed25519.isValid(signature: signature, message: message, publicKey: keyPair.publicKey))
        for index in signature.indices {
            for mask: UInt8 in [0x01, 0x80] {
                #expect(!Ed25519.isValid(signature: signature.flipping(index, mask: mask), message: message,
                                         publicKey: keyPair.publicKey), "signature byte \(index) ^ \(mask)")
            }
        }
    }

    @Test("Changing any byte of the message, or adding or removing one, breaks the signature")
    func tamperedMessage() {
        let keyPair = SigningKeyPair.generate()
        let signature = keyPair.sign(message)
        #expect(Ed25519.isValid(signature: signature, message: message, publicKey: keyPair.publicKey))
        for index in message.indices {
            #expect(!Ed25519.isValid(signature: signature, message: message.flipping(index),
                                     publicKey: keyPair.publicKey), "message byte \(index)")
        }
        #expect(!Ed25519.isValid(signature: signature, message: message + [0], publicKey: keyPair.publicKey))
        #expect(!Ed25519.isValid(signature: signature, message: Array(message.dropLast()),
                                 publicKey: keyPair.publicKey))
        #expect(!Ed25519.isValid(signature: signature, message: [], publicKey: keyPair.publicKey))
    }

    @Test("Changing any byte of the public key, or using another key pair, breaks the signature")
    func tamperedPublicKey() {
        let keyPair = SigningKeyPair.generate()
        let signature = keyPair.sign(message)
        #expect(Ed25519.isValid(signature: signature, message: message, publicKey: keyPair.publicKey))
        for index in keyPair.publicKey.indices {
            #expect(!Ed25519.isValid(signature: signature, message: message,
                                     publicKey: keyPair.publicKey.flipping(index)), "public key byte \(index)")
        }
        let stranger = SigningKeyPair.generate()
        #expect(stranger.publicKey != keyPair.publicKey)
        #expect(!Ed25519.isValid(signature: signature, message: message, publicKey: stranger.publicKey))
        #expect(!Ed25519.isValid(signature: stranger.sign(message), message: message, publicKey: keyPair.publicKey))
    }

    @Test("Small-order and all-zero public keys never verify")
    func weakPublicKeys() throws {
        let keyPair = SigningKeyPair.generate()
        let signature = keyPair.sign(message)
        // The identity point (y = 1) and the all-zero encoding (a point of order 4).
        let weakKeys: [[UInt8]] = [
            try [UInt8](hex: "0100000000000000000000000000000000000000000000000000000000000000"),
            [UInt8](repeating: 0, count: SigningKeyPair.publicKeyLength),
        ]
        for key in weakKeys {
            #expect(!Ed25519.isValid(signature: signature, message: message, publicKey: key), "key \(key.hexString)")
        }
        #expect(!Ed25519.isValid(signature: [UInt8](repeating: 0, count: SigningKeyPair.signatureLength),
                                 message: message, publicKey: keyPair.publicKey))
    }

    @Test("Signatures and public keys of the wrong length are false, not a crash",
          arguments: [0, 1, 31, 33, 63, 65, 128])
    func wrongLengths(length: Int) {
        let keyPair = SigningKeyPair.generate()
        let signature = keyPair.sign(message)
        #expect(Ed25519.isValid(signature: signature, message: message, publicKey: keyPair.publicKey))

        let resizedSignature = Array((signature + signature + signature).prefix(length))
        let resizedKey = Array((keyPair.publicKey + keyPair.publicKey + keyPair.publicKey).prefix(length))
        #expect(!Ed25519.isValid(signature: resizedSignature, message: message, publicKey: keyPair.publicKey))
        #expect(!Ed25519.isValid(signature: signature, message: message, publicKey: resizedKey))
    }

    // MARK: Keys

    @Test("The same seed always gives the same key pair and signatures; another seed does not")
    func deterministicKeys() {
        let seed = SecureBytes.random(count: SigningKeyPair.seedLength)
        let first = SigningKeyPair(seed: seed)
        let second = SigningKeyPair(seed: SecureBytes(slicing: seed, offset: 0, count: seed.count))
        #expect(first.publicKey == second.publicKey)
        #expect(first.sign(message) == second.sign(message))

        let other = SigningKeyPair(seed: SecureBytes.random(count: SigningKeyPair.seedLength))
        #expect(other.publicKey != first.publicKey)
        #expect(other.sign(message) != first.sign(message))
        #expect(SigningKeyPair.generate().publicKey != SigningKeyPair.generate().publicKey)
    }

    @Test("Published lengths are Ed25519's")
    func lengths() {
        #expect(SigningKeyPair.publicKeyLength == 32)
        #expect(SigningKeyPair.seedLength == 32)
        #expect(SigningKeyPair.signatureLength == 64)
        #expect(SigningKeyPair.generate().publicKey.count == 32)
    }
}
