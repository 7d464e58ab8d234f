import Foundation
import SodiumKit

/// An opened referral packet, as the partner reads it.
public struct OpenedReferralPacket: Hashable, Sendable {
    /// The case the packet is about (the organisation's reference).
    public let caseID: CaseID
    /// The partner it was addressed to.
    public let partner: String
    /// The lawyer who signed it.
    public let lawyer: String
    /// When it was made (ISO 8601, UTC).
    public let createdAt: String
    /// The fields the lawyer chose to share, in the order chosen; `nil` values were not set.
    public let fields: [PacketFieldValue]
}

/// One field of a referral packet.
public struct PacketFieldValue: Hashable, Sendable {
    /// Which field.
    public let field: PacketField
    /// Its value, or `nil` when the case has none.
    public let value: String?
}

/// Referral packets: only the fields a lawyer selects, signed by the lawyer (whose certificate,
/// signed by the organisation's root key, travels with it) and sealed to the partner's X25519
/// key with `crypto_box_seal`.
///
/// The file is `CASEVAULT-REFERRAL-1\n` followed by the sealed box. Inside: the vault id, the
/// recipient's public key and name, the case id, the lawyer's certificate, the time, the fields
/// and the lawyer's Ed25519 signature over all of it.
public enum ReferralPacket {
    static let magic = Array("CASEVAULT-REFERRAL-1\n".utf8)

    /// Generates a partner's key pair (the partner's side: `casevault referral keygen`).
    public static func generatePartnerKeyPair() -> BoxKeyPair { BoxKeyPair.generate() }

    /// Writes a partner's secret key to a new file at `path`, readable by its owner only: the
    /// key in base64 and a newline, as ``readPartnerKeyFile(at:)`` reads it back.
    ///
    /// The file is created with mode 0600 and never replaces an existing file, so a partner's
    /// earlier key — and every packet sealed to it — is not lost to a repeated command.
    /// - Throws: ``CaseVaultError`` about `.file(path)` (`alreadyExists`, `storage`).
    public static func writePartnerKeyFile(_ keyPair: BoxKeyPair, to path: String) throws {
        var secret = keyPair.exportSecretKey().revealBytes()
        var text = [UInt8](Data(secret).base64EncodedData()) + [UInt8(ascii: "\n")]
        defer {
            SecureBytes.wipe(&secret)
            SecureBytes.wipe(&text)
        }
        try OwnerOnlyFile.create(at: path, contents: text)
    }

    /// Reads a partner's secret key from a file written by ``writePartnerKeyFile(_:to:)``.
    ///
    /// - Throws: ``CaseVaultError`` (`notFound` when the file cannot be read, `invalidInput`
    ///   when it does not hold a 32-byte key in base64), about `.file(path)`.
    public static func readPartnerKeyFile(at path: String) throws -> SecureBytes {
        var contents = try OwnerOnlyFile.read(at: path, what: "partner key")
        defer { SecureBytes.wipe(&contents) }
        do { return try partnerSecretKey(keyFile: contents) } catch let error as CaseVaultError {
            throw error.about(.file(path))
        }
    }

    /// The partner's secret key held in the contents of a key file (base64, surrounding white
    /// space ignored), for callers that read the file themselves.
    ///
    /// - Throws: ``CaseVaultError`` (`invalidInput`) when it does not hold a 32-byte key in base64.
    public static func partnerSecretKey(keyFile contents: [UInt8]) throws -> SecureBytes {
        let start = contents.firstIndex { !isSpace($0) } ?? contents.endIndex
        let end = contents.lastIndex { !isSpace($0) }.map { $0 + 1 } ?? start
        guard var secret = Data(base64Encoded: Data(contents[start..<max(start, end)])).map({ [UInt8]($0) }) else {
            throw CaseVaultError(.invalidInput, "the partner key file does not hold a base64 key")
        }
        let key = SecureBytes(copying: secret)
        SecureBytes.wipe(&secret)
        guard (try? BoxKeyPair(secretKey: key)) != nil else {
            throw CaseVaultError(.invalidInput, "the partner key file does not hold a 32-byte secret key")
        }
        return key
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }

    /// Writes a packet from ``Session/referralPacket(for:fields:)`` to a new owner-only file at
    /// `path`; it never replaces an existing file.
    ///
    /// - Throws: ``CaseVaultError`` about `.file(path)` (`alreadyExists`, `storage`).
    public static func write(_ packet: [UInt8], toFile path: String) throws {
        try OwnerOnlyFile.create(at: path, contents: packet)
    }

    /// Opens and verifies a packet with the partner's secret key and the organisation's public
    /// (root) key.
    ///
    /// - Throws: ``CaseVaultError`` (`integrity`) for a packet addressed to another key, changed
    ///   in any byte, or whose signature or signer's certificate does not verify.
    public static func open(_ file: [UInt8], partnerSecretKey: SecureBytes,
                            organisationKey: [UInt8]) throws -> OpenedReferralPacket {
        guard file.starts(with: magic) else {
            throw CaseVaultError(.invalidInput, "this is not a CaseVault referral packet")
        }
        let keyPair: BoxKeyPair
        do { keyPair = try BoxKeyPair(secretKey: partnerSecretKey) } catch {
            throw CaseVaultError(.invalidInput, "the partner key file does not hold a 32-byte secret key")
        }
        guard let plaintext = try? SealedBox.open(Array(file.dropFirst(magic.count)), with: keyPair) else {
            throw CaseVaultError(.integrity, "the packet does not open with this key: it is addressed to another "
                                 + "partner, or it was changed")
        }
        do {
            var reader = RecordReader(plaintext)
            let signed = try reader.field()
            let signature = try reader.field()
            try reader.finish()
            var body = RecordReader(signed)
            guard try body.u8() == 1 else { throw RecordDecodingError() }
            let vaultID = try body.field()
            let recipient = try body.field()
            let partner = try body.string()
            let caseID = try CaseID(storedBytes: try body.field())
            let lawyer = UserRecord(id: UserID(bytes: try body.field()), name: try body.string(),
                                    role: try Role.decode(try body.u8()), boxPublicKey: try body.field(),
                                    signPublicKey: try body.field(), certificate: try body.field())
            let createdAt = try body.i64()
            var fields: [PacketFieldValue] = []
            for _ in 0..<(try body.u32()) {
                let field = try PacketField.decode(try body.u8())
                let value = try body.optionalField().map { String(decoding: $0, as: UTF8.self) }
                fields.append(PacketFieldValue(field: field, value: value))
            }
            try body.finish()
            guard recipient == keyPair.publicKey else {
                throw CaseVaultError(.integrity, "the packet names another recipient; it was re-addressed")
            }
            guard lawyer.isCertified(vaultID: vaultID, rootPublicKey: organisationKey),
                  lawyer.role == .lawyer || lawyer.role == .admin else {
                throw CaseVaultError(.integrity, "the signer is not certified by this organisation key",
                                     remedy: "check the organisation key",
                                     subject: .init(.organisationKey, Data(organisationKey).base64EncodedString()))
            }
            guard Ed25519.isValid(signature: signature, message: signedMessage(vaultID: vaultID, body: signed),
                                  publicKey: lawyer.signPublicKey) else {
                throw CaseVaultError(.integrity, "the packet's signature does not verify; it was changed")
            }
            return OpenedReferralPacket(caseID: caseID, partner: partner, lawyer: lawyer.name,
                                        createdAt: Clock.iso8601(createdAt), fields: fields)
        } catch is RecordDecodingError {
            throw CaseVaultError(.integrity, "the packet does not decode; it was changed")
        }
    }

    static func signedMessage(vaultID: [UInt8], body: [UInt8]) -> [UInt8] {
        SignedMessage.make("referral-packet", vaultID: vaultID, [body])
    }
}

extension PacketFieldValue {
    static func value(of field: PacketField, in record: CaseRecord) -> String? {
        let request = record.request
        switch field {
        case .received: return request.received.description
        case .channel: return request.channel.rawValue
        case .region: return request.region.code
        case .district: return request.region.district.rawValue
        case .service: return request.service.rawValue
        case .situation: return request.situation.rawValue
        case .needs: return request.needs.sorted().map(\.rawValue).joined(separator: ",")
        case .urgency: return request.urgency.rawValue
        case .deadline: return request.deadline?.description
        case .contact: return request.contact
        case .narrative: return request.narrative
        }
    }
}
