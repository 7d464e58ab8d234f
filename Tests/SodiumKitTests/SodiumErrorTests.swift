import SodiumKit
import Testing

@Suite("SodiumError and library state")
struct SodiumErrorTests {
    @Test("An error describes its code and detail")
    func description() {
        let error = SodiumError(.authenticationFailed, "ciphertext did not authenticate")
        #expect(error.description == "authentication failed: ciphertext did not authenticate")
        #expect(error.code == .authenticationFailed)
        #expect(error.code != .invalidInput)
    }

    @Test("Codes are distinct and compare by value")
    func codes() {
        let codes: [SodiumError.Code] = [
            .authenticationFailed, .invalidInput, .keyDerivationFailed, .weakPublicKey, .inputUnavailable,
        ]
        #expect(Set(codes).count == codes.count)
        #expect(Set(codes.map(\.description)).count == codes.count)
        #expect(SodiumError(.invalidInput, "a") == SodiumError(.invalidInput, "a"))
        #expect(SodiumError(.invalidInput, "a") != SodiumError(.weakPublicKey, "a"))
    }

    @Test("Errors thrown for secret inputs say what failed without the secret")
    func thrownErrorsCarryNoSecret() throws {
        let key = SecureBytes(utf8: "hunter2-hunter2-hunter2-hunter2!")
        let plaintext = Array("hunter2-plaintext".utf8)
        let box = XChaCha20Poly1305.seal(plaintext, associatedData: [], key: key)
        let error = #expect(throws: SodiumError.self) {
            try XChaCha20Poly1305.open(box.flipping(30), associatedData: Array("hunter2".utf8), key: key)
        }
        let text = try #require(error).description
        #expect(!text.contains("hunter2"))
        #expect(!text.contains(box.hexString))
        #expect(text.contains("authentication failed"))
    }

    @Test("libsodium initialises and reports a 1.0.x version")
    func libraryVersion() {
        Sodium.ensureInitialized()
        #expect(Sodium.libraryVersion.hasPrefix("1.0."))
        #expect(!Sodium.libraryVersion.isEmpty)
    }
}
