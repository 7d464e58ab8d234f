import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// What a seized file shows: the raw bytes of the database and its `-wal` and `-shm` files hold
/// nothing readable about a case, whether read while the vault is open or after it closed.
@Suite("Nothing readable at rest")
struct AtRestTests {
    static let narrativeMarker = "MARKER-NARRATIVE-5c1e"
    static let narrativeRussian = "Меня мобилизовали в сентябре, сейчас в госпитале"
    static let contactMarker = "marker_contact_8d2f"
    static let intakeNoteMarker = "MARKER-NOTE-INTAKE-3b7a"
    static let legalNoteMarker = "MARKER-NOTE-LEGAL-9e4d"
    static let importMarker = "MARKER-IMPORT-41aa"
    static let importContact = "import_contact_77c0"

    /// Everything that must never appear in the file: markers, the contact handle in both
    /// spellings, the region codes and the dates.
    static let secrets: [String] = [
        narrativeMarker, narrativeRussian, contactMarker, intakeNoteMarker, legalNoteMarker, importMarker,
        importContact, "RU-SVE", "RU-ORE", "2023-09-14", "2023-10-01", "2023-10-02", "2023-10-20",
    ]

    /// The vault file and its companions, as bytes; a missing companion is empty.
    static func fileBytes(_ path: String) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for suffix in ["", "-wal", "-shm"] {
            files["vault" + suffix] = FileManager.default.contents(atPath: path + suffix).map { [UInt8]($0) } ?? []
        }
        return files
    }

    static func expectNoSecrets(in files: [String: [UInt8]], _ moment: String,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        for (name, bytes) in files.sorted(by: { $0.key < $1.key }) {
            for secret in secrets {
                #expect(!bytes.containsBytes(Array(secret.utf8)), "\(name) contains '\(secret)' \(moment)",
                        sourceLocation: sourceLocation)
            }
        }
    }

    /// Logs a case with a narrative, a contact and notes, and imports two more, then lets go
    /// of every reference to the vault. Returns the ids and the file bytes read while open.
    static func logCases(at path: String) throws -> (direct: CaseID, imported: [CaseID], open: [String: [UInt8]]) {
        let created = try Vault.create(at: path, admin: "lead-admin",
                                       passphrase: VaultFixture.passphrase(for: "lead-admin"), kdf: .interactive)
        let admin = try created.vault.unlock(user: "lead-admin",
                                             passphrase: VaultFixture.passphrase(for: "lead-admin"))
        try admin.addUser(name: "coord-anna", role: .coordinator,
                          passphrase: VaultFixture.passphrase(for: "coord-anna"), kdf: .interactive)
        let coordinator = try created.vault.unlock(user: "coord-anna",
                                                   passphrase: VaultFixture.passphrase(for: "coord-anna"))
        let receipt = try coordinator.intake(Synthetic.request(
            received: "2023-09-14", region: "RU-SVE", deadline: "2023-10-01", contact: "@Marker_Contact_8d2f",
            narrative: "\(narrativeMarker): \(narrativeRussian) после ранения."))
        try coordinator.addNote(to: receipt.id, text: "\(intakeNoteMarker): called back, will write on Friday")
        try coordinator.addNote(to: receipt.id, text: "\(legalNoteMarker): grounds under art. 51 look weak",
                                compartment: .legal)
        let report = try coordinator.importRequests(jsonLines: Synthetic.jsonLines([
            try Synthetic.jsonLine(["received": "2023-10-02", "region": "RU-ORE", "contact": importContact,
                                    "narrative": "\(importMarker) first"]),
            try Synthetic.jsonLine(["received": "2023-10-20", "region": "RU-ORE", "narrative": "\(importMarker) 2"]),
        ]))
        let open = fileBytes(path)
        return (receipt.id, report.receipts.map(\.id), open)
    }

    @Test("the database, -wal and -shm files hold no marker, contact, region or date, open or closed")
    func noPlaintextInFiles() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("seized.casevault")
        let (id, imported, whileOpen) = try AtRestTests.logCases(at: path)

        // The scan itself works: user names are stored readable, and it finds them.
        let allOpen = whileOpen.values.reduce([], +)
        #expect(allOpen.containsBytes(Array("coord-anna".utf8)))
        #expect(!(whileOpen["vault-wal"] ?? []).isEmpty, "the vault runs in WAL mode while open")
        AtRestTests.expectNoSecrets(in: whileOpen, "while the vault is open")

        // Every reference is gone: the pool closed and checkpointed the WAL into the file.
        let closed = AtRestTests.fileBytes(path)
        #expect(closed["vault-wal", default: []].isEmpty, "closing the last connection removes the WAL")
        #expect(closed["vault", default: []].containsBytes(Array("coord-anna".utf8)))
        AtRestTests.expectNoSecrets(in: closed, "after the vault closed")

        // And yet everything is there for someone with the keys.
        let vault = try Vault.open(at: path)
        let reader = try vault.unlock(user: "lead-admin", passphrase: VaultFixture.passphrase(for: "lead-admin"))
        let record = try reader.case(id)
        #expect(record.request.narrative?.contains(AtRestTests.narrativeMarker) == true)
        #expect(record.request.narrative?.contains(AtRestTests.narrativeRussian) == true)
        #expect(record.request.contact == "@Marker_Contact_8d2f")
        #expect(record.request.region.code == "RU-SVE")
        #expect(record.request.received.description == "2023-09-14")
        #expect(record.request.deadline?.description == "2023-10-01")
        #expect(record.notes.map(\.text).contains { $0.hasPrefix(AtRestTests.intakeNoteMarker) })
        #expect(record.notes.map(\.text).contains { $0.hasPrefix(AtRestTests.legalNoteMarker) })
        #expect(try imported.map { try reader.case($0).request.narrative } == [
            "\(AtRestTests.importMarker) first", "\(AtRestTests.importMarker) 2",
        ])
    }

    @Test("the scan would catch plaintext: a plain SQLite file with the same values fails it")
    func scanCatchesPlaintext() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("plain.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "CREATE TABLE cases (region TEXT, received TEXT, narrative TEXT)")
            try db.execute(sql: "INSERT INTO cases VALUES (?, ?, ?)",
                           arguments: ["RU-SVE", "2023-09-14", AtRestTests.narrativeRussian])
        }
        let files = AtRestTests.fileBytes(path)
        try queue.close()
        let all = files.values.reduce([], +)
        #expect(all.containsBytes(Array("RU-SVE".utf8)))
        #expect(all.containsBytes(Array("2023-09-14".utf8)))
        #expect(all.containsBytes(Array(AtRestTests.narrativeRussian.utf8)))
    }

    @Test("byte search finds a run anywhere, and only a whole run")
    func byteSearch() {
        let haystack = Array("xxRU-SVxRU-SVE".utf8)
        #expect(haystack.containsBytes(Array("RU-SVE".utf8)))
        #expect(!haystack.containsBytes(Array("RU-ORE".utf8)))
        #expect(!Array("RU-SV".utf8).containsBytes(Array("RU-SVE".utf8)))
    }
}

@Suite("File permissions")
struct FilePermissionTests {
    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int) & 0o777
    }

    static func modes(_ path: String) throws -> [String: Int] {
        var modes: [String: Int] = [:]
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            modes["vault" + suffix] = try mode(path + suffix)
        }
        return modes
    }

    @Test("a reopened vault and its companions are readable by their owner only")
    func reopenedOwnerOnly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("vault.casevault")
        do {
            let created = try Vault.create(at: path, admin: "lead-admin", passphrase: SecureBytes(utf8: "p"),
                                           kdf: .interactive)
            #expect(try FilePermissionTests.mode(created.vault.path) == 0o600)
        }
        let vault = try Vault.open(at: path)
        _ = try vault.unlock(user: "lead-admin", passphrase: SecureBytes(utf8: "p")).intake(Synthetic.request())
        let modes = try FilePermissionTests.modes(path)
        #expect(modes == ["vault": 0o600, "vault-wal": 0o600, "vault-shm": 0o600])
    }

    // SQLite gives -wal and -shm the mode of the main file, so the file is created owner-only first.
    @Test("while the creating process has the vault open, its -wal and -shm are owner-only too")
    func createdOwnerOnly() throws {
        try withVault { fixture in
            _ = try fixture.admin.intake(Synthetic.request())
            let modes = try FilePermissionTests.modes(fixture.path)
            #expect(modes["vault"] == 0o600)
            #expect(modes.count == 3)
            #expect(modes["vault-wal"] == 0o600)
            #expect(modes["vault-shm"] == 0o600)
        }
    }
}
