import Foundation
import SodiumKit
import Testing

@testable import CaseVault

/// A partner's secret key file and packet files: created owner-only, never over an existing
/// file, and read back to the same key.
@Suite("Partner key files and packet files")
struct PartnerKeyFileTests {
    static func publicKey(_ secret: SecureBytes) throws -> [UInt8] { try BoxKeyPair(secretKey: secret).publicKey }

    @Test("a key file holds the secret key in base64 and a newline, owner-only, and reads back to the same pair")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("partner.key")
        let pair = ReferralPacket.generatePartnerKeyPair()
        try ReferralPacket.writePartnerKeyFile(pair, to: path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix("\n") && text.count == 45, "\(text.count) characters")
        #expect(try Self.publicKey(ReferralPacket.readPartnerKeyFile(at: path)) == pair.publicKey)
        // Surrounding white space, as an editor or a copy may add, is not part of the key.
        let padded = Array("  \(text.dropLast())\r\n\n".utf8)
        #expect(try Self.publicKey(ReferralPacket.partnerSecretKey(keyFile: padded)) == pair.publicKey)
    }

    @Test("an existing file is never replaced: the earlier key stays")
    func refusesOverwrite() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("partner.key")
        let first = ReferralPacket.generatePartnerKeyPair()
        try ReferralPacket.writePartnerKeyFile(first, to: path)
        let error = expectCaseVaultError(.alreadyExists) {
            try ReferralPacket.writePartnerKeyFile(ReferralPacket.generatePartnerKeyPair(), to: path)
        }
        #expect(error?.subject == .file(path))
        #expect(error?.message == "\(path) already exists; choose another file")
        #expect(try Self.publicKey(ReferralPacket.readPartnerKeyFile(at: path)) == first.publicKey)
        // Written under a temporary name and then named: no temporary file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["partner.key"])
    }

    @Test("a symbolic link planted at the path is refused and left alone; its target is not written")
    func refusesSymbolicLink() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("partner.key")
        let target = directory.path("elsewhere")
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
        expectCaseVaultError(.alreadyExists) {
            try ReferralPacket.writePartnerKeyFile(ReferralPacket.generatePartnerKeyPair(), to: path)
        }
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: path) == target)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["partner.key"])
    }

    @Test("a missing file, text that is not base64 and a key of the wrong length are refused, naming the file")
    func refusesBadFiles() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.path("missing.key")
        let notFound = expectCaseVaultError(.notFound) { try ReferralPacket.readPartnerKeyFile(at: missing) }
        #expect(notFound?.subject == .file(missing))
        for (name, text, says) in [("text.key", "not a key at all!\n", "base64"),
                                   ("short.key", Data(repeating: 7, count: 16).base64EncodedString(), "32-byte")] {
            let path = directory.path(name)
            #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
            let error = expectCaseVaultError(.invalidInput) { try ReferralPacket.readPartnerKeyFile(at: path) }
            #expect(error?.subject == .file(path))
            #expect(error?.message.contains(says) == true, "\(error?.message ?? "")")
        }
    }

    @Test("a packet written to a file opens with the key read back from the partner's key file")
    func packetFile() throws {
        try withVault { fixture in
            let scene = try ReferralTests.Scene(fixture)
            let keyPath = fixture.directory.path("partner.key")
            let packetPath = fixture.directory.path("case.cvr")
            try ReferralPacket.writePartnerKeyFile(scene.partner, to: keyPath)
            let packet = try scene.team.lawyer.referralPacket(for: scene.id, fields: [.region, .needs])
            try ReferralPacket.write(packet, toFile: packetPath)
            #expect(try FileManager.default.attributesOfItem(atPath: packetPath)[.posixPermissions] as? Int == 0o600)
            let opened = try ReferralPacket.open([UInt8](try Data(contentsOf: URL(fileURLWithPath: packetPath))),
                                                 partnerSecretKey: ReferralPacket.readPartnerKeyFile(at: keyPath),
                                                 organisationKey: scene.team.lawyer.organisationKey)
            #expect(opened.caseID == scene.id && opened.fields.map(\.field) == [.region, .needs])
            expectCaseVaultError(.alreadyExists) { try ReferralPacket.write(packet, toFile: packetPath) }
        }
    }
}
