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
