import SodiumKit

/// A one-time recovery code: 160 random bits shown once at `init` as eight groups of four
/// Crockford base32 characters. It opens an offline keyslot of the first admin.
public final class RecoveryCode: CustomStringConvertible {
    /// The normalised code (32 characters, no dashes) in secure memory.
    let secret: SecureBytes

    init(secret: SecureBytes) { self.secret = secret }

    static func generate() -> RecoveryCode {
        var random = Random.bytes(count: 20)
        var characters = CaseID.base32(random, leadingZeroBits: 0)
        SecureBytes.wipe(&random)
        defer { SecureBytes.wipe(&characters) }
        return RecoveryCode(secret: SecureBytes(copying: characters))
    }

    /// Normalises a typed code: case-insensitive, dashes and spaces ignored, Crockford aliases.
    ///
    /// - Throws: ``CaseVaultError`` (`invalidInput`) when it cannot be a recovery code.
    public convenience init(typed: SecureBytes) throws {
        var normalized: [UInt8] = []
        var raw = typed.revealBytes()
        defer {
            SecureBytes.wipe(&raw)
            SecureBytes.wipe(&normalized)
        }
        for byte in raw where byte != UInt8(ascii: "-") && byte != UInt8(ascii: " ") {
            var upper = byte
            if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(upper) { upper -= 32 }
            guard let digit = CaseID.decodeTable[upper] else {
                throw CaseVaultError(.invalidInput, "that is not a recovery code (8 groups of 4 letters and digits)")
            }
            normalized.append(CaseID.alphabet[Int(digit)])
        }
        guard normalized.count == 32 else {
            throw CaseVaultError(.invalidInput, "that is not a recovery code (8 groups of 4 letters and digits)")
        }
        self.init(secret: SecureBytes(copying: normalized))
    }

    /// The code for showing once, as `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`.
    public func reveal() -> String {
        var raw = secret.revealBytes()
        defer { SecureBytes.wipe(&raw) }
        var groups: [String] = []
        for start in stride(from: 0, to: raw.count, by: 4) {
            groups.append(String(decoding: raw[start..<start + 4], as: UTF8.self))
        }
        return groups.joined(separator: "-")
    }

    public var description: String { "RecoveryCode(redacted)" }
}
