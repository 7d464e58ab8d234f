import SodiumKit
import Testing

/// Only the `interactive` profile is run: `moderate` and `sensitive` take seconds and up to a
/// gibibyte each, which belongs in `Benchmarks/`, not in unit tests.
@Suite("Argon2id passphrase hashing")
struct PasswordHashTests {
    private let salt: [UInt8] = Array(0..<16)

    private func derive(_ passphrase: String, salt: [UInt8], length: Int = 32) throws -> SecureBytes {
        try PasswordHash.deriveKey(
            length: length, passphrase: SecureBytes(utf8: passphrase), salt: salt, profile: .interactive)
    }

    // MARK: Derivation

    @Test("Known answer: Argon2id v1.3, t = 2, m = 64 MiB, one lane, as OpenSSL computes it")
    func knownAnswer() throws {
        // Computed independently with OpenSSL's Argon2id (pyca/cryptography 48): iterations 2,
        // memory_cost 65536 KiB, lanes 1, the salt 00 01 ... 0f, a 32-byte output.
        let expected = try [UInt8](hex: "c05ce4c4dd7e0e45ee6011cc59d068ade47df1b01fc0cf9cd4678bdf68a5b7b0")
        let key = try derive("correct horse battery staple", salt: salt)
        #expect(key.count == 32)
        #expect(key.revealBytes() == expected)
    }

    @Test("The same passphrase and salt give the same key; another salt or passphrase does not")
    func determinism() throws {
        let first = try derive("correct horse battery staple", salt: salt)
        let second = try derive("correct horse battery staple", salt: salt)
        #expect(first.constantTimeEquals(second))

        let otherSalt = try derive("correct horse battery staple", salt: salt.flipping(15))
        #expect(!otherSalt.constantTimeEquals(first))
        let otherPassphrase = try derive("correct horse battery stapler", salt: salt)
        #expect(!otherPassphrase.constantTimeEquals(first))
        #expect(!otherPassphrase.constantTimeEquals(otherSalt))
    }

    @Test("An empty passphrase is hashed, not treated as missing, and differs from a one-byte one")
    func emptyPassphrase() throws {
        let empty = try derive("", salt: salt)
        let oneByte = try derive("\0", salt: salt)
        #expect(empty.count == 32)
        #expect(!empty.revealBytes().allSatisfy { $0 == 0 })
        #expect(!empty.constantTimeEquals(oneByte))
    }

    @Test("The requested key length is honoured")
    func outputLength() throws {
        let key = try derive("correct horse battery staple", salt: salt, length: 64)
        #expect(key.count == 64)
        #expect(!key.revealBytes().allSatisfy { $0 == 0 })
    }

    @Test("Salts that are not 16 bytes are invalid input", arguments: [0, 8, 15, 17, 32])
    func wrongSaltLength(length: Int) {
        #expect(PasswordHash.saltLength == 16)
        expectSodiumError(.invalidInput) {
            try derive("correct horse battery staple", salt: [UInt8](repeating: 7, count: length))
        }
    }

    @Test("Limits libsodium cannot honour are a key-derivation error",
          arguments: [KDFProfile(opsLimit: 2, memLimit: 1024), KDFProfile(opsLimit: 0, memLimit: 8192)])
    func impossibleLimits(profile: KDFProfile) {
        expectSodiumError(.keyDerivationFailed) {
            try PasswordHash.deriveKey(passphrase: SecureBytes(utf8: "x"), salt: salt, profile: profile)
        }
    }

    @Test("A custom profile with small valid limits derives a key different from interactive's")
    func customLimits() throws {
        let custom = KDFProfile(opsLimit: 1, memLimit: 8192)
        let key = try PasswordHash.deriveKey(passphrase: SecureBytes(utf8: "x"), salt: salt, profile: custom)
        let again = try PasswordHash.deriveKey(passphrase: SecureBytes(utf8: "x"), salt: salt, profile: custom)
        let stronger = try PasswordHash.deriveKey(
            passphrase: SecureBytes(utf8: "x"), salt: salt, profile: KDFProfile(opsLimit: 2, memLimit: 8192))
        #expect(key.constantTimeEquals(again))
        #expect(!key.constantTimeEquals(stronger))
    }

    @Test("Limits read back from a tampered keyslot that overflow Int are refused, not a crash")
    func oversizedMemoryLimit() {
        let profile = KDFProfile(opsLimit: 2, memLimit: .max)
        expectSodiumError(.keyDerivationFailed) {
            try PasswordHash.deriveKey(passphrase: SecureBytes(utf8: "x"), salt: [UInt8](repeating: 0, count: 16),
                                       profile: profile)
        }
    }

    // MARK: Profiles

    @Test("The named profiles carry libsodium's limits and are found by name",
          arguments: [
              ("interactive", UInt64(2), UInt64(64 << 20)),
              ("moderate", 3, 256 << 20),
              ("sensitive", 4, 1 << 30),
          ])
    func namedProfiles(name: String, opsLimit: UInt64, memLimit: UInt64) throws {
        let profile = try #require(KDFProfile(named: name))
        #expect(profile.name == name)
        #expect(profile.description == name)
        #expect(profile.opsLimit == opsLimit)
        #expect(profile.memLimit == memLimit)
        #expect(KDFProfile.all.contains(profile))
        // Limits read back from a keyslot are recognised as the profile they came from.
        #expect(KDFProfile(opsLimit: opsLimit, memLimit: memLimit) == profile)
    }

    @Test("Unknown names find no profile", arguments: ["", "Interactive", "MODERATE", "custom", "fast", "sensitive "])
    func unknownProfileNames(name: String) {
        #expect(KDFProfile(named: name) == nil)
    }

    @Test("Limits that match no named profile are called custom")
    func customProfileName() {
        let custom = KDFProfile(opsLimit: 3, memLimit: 64 << 20)
        #expect(custom.name == "custom")
        #expect(custom.description == "custom")
        #expect(custom != .interactive && custom != .moderate)
        #expect(KDFProfile.all == [.interactive, .moderate, .sensitive])
        #expect(Set(KDFProfile.all.map(\.name)).count == 3)
    }
}
