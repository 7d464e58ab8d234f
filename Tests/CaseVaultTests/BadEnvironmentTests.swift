import Foundation
import GRDB
import Testing

@testable import CaseVault

/// `Vault.open` and the translation of SQLite failures, when the file or the disk is not what it should be.
@Suite("Vault in a bad environment: SQLite failures, files that are not vaults, durability")
struct BadEnvironmentTests {
    /// An SQLite failure and what its one line must say.
    struct Failure: Sendable, CustomTestStringConvertible {
        let code: ResultCode
        let expected: CaseVaultError.Code
        let says: [String]

        var testDescription: String { "\(code)" }

        static let all: [Failure] = [
            Failure(code: .SQLITE_READONLY, expected: .storage, says: ["read-only", "nothing was written", "writable"]),
            Failure(code: .SQLITE_READONLY_CANTINIT, expected: .storage, says: ["read-only", "-shm"]),
            Failure(code: .SQLITE_FULL, expected: .storage, says: ["full", "nothing was saved", "free some space"]),
            Failure(code: .SQLITE_IOERR_WRITE, expected: .storage, says: ["disk", "last saved state", "free some space"]),
            Failure(code: .SQLITE_IOERR_SHORT_READ, expected: .integrity, says: ["damaged", "restore", "backup"]),
            Failure(code: .SQLITE_CORRUPT, expected: .integrity, says: ["damaged", "restore", "backup"]),
            Failure(code: .SQLITE_NOTADB, expected: .unsupportedFormat,
                    says: ["not a CaseVault vault", "vault's path", "backup"]),
            Failure(code: .SQLITE_CANTOPEN, expected: .storage, says: ["cannot be opened", "folder exist"]),
            Failure(code: .SQLITE_BUSY, expected: .conflict, says: ["busy", "try again"]),
        ]
    }

    @Test("an SQLite failure becomes one line saying what to do, without the SQL or its arguments",
          arguments: Failure.all)
    func translation(_ failure: Failure) {
        let error = DatabaseError(resultCode: failure.code, message: "near INSERT: secret_handle_42",
                                  sql: "INSERT INTO cases (contact) VALUES (?)", arguments: ["@secret_handle_42"])
        let translated = VaultDatabase.translate(error, doing: "log requests")
        #expect(translated.code == failure.expected, "\(translated.message)")
        #expect(translated.message.hasPrefix("could not log requests: "), "\(translated.message)")
        #expect(!translated.message.contains("\n"))
        for leak in ["INSERT", "secret_handle", "database error"] {
            #expect(!translated.message.contains(leak), "\(translated.message)")
        }
        for phrase in failure.says {
            #expect(translated.message.contains(phrase), "\(translated.message)")
        }
    }

    @Test("an unknown SQLite failure still names its code, and nothing of the statement")
    func unknownFailure() {
        let error = DatabaseError(resultCode: .SQLITE_MISMATCH, message: "secret_handle_42",
                                  sql: "UPDATE cases SET contact = ?", arguments: ["@secret_handle_42"])
        let translated = VaultDatabase.translate(error, doing: "add a note to case X")
        #expect(translated.code == .storage)
        #expect(translated.message.hasPrefix("could not add a note to case X: database error 20"), "\(translated)")
        #expect(!translated.message.contains("secret_handle") && !translated.message.contains("UPDATE"))
    }

    @Test("a vault of a newer format is refused, naming both formats")
    func newerFormat() throws {
        try withVault { fixture in
            try fixture.tamper { db in try db.execute(sql: "UPDATE vault SET format_version = 3") }
            let error = expectCaseVaultError(.unsupportedFormat) { try Vault.open(at: fixture.path) }
            #expect(error?.message == "\(fixture.path) has vault format 3, and this version of CaseVault reads "
                    + "formats up to 2; upgrade CaseVault")
            #expect(error?.subject == CaseVaultError.Subject(.format, "3"))
        }
    }

    @Test("a folder, an empty file, random bytes and another SQLite database are refused, each left as it was")
    func notVaults() throws {
        let directory = try TemporaryDirectory()
        let folder = directory.path("folder.db")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        expectCaseVaultError(.notFound) { try Vault.open(at: folder) }

        let empty = directory.path("empty.db")
        try #require(FileManager.default.createFile(atPath: empty, contents: nil))
        let emptyError = expectCaseVaultError(.integrity) { try Vault.open(at: empty) }
        #expect(emptyError?.message.contains("restore the vault from a backup") == true)

        let noise = directory.path("noise.db")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }).write(to: URL(fileURLWithPath: noise))
        expectCaseVaultError(.unsupportedFormat) { try Vault.open(at: noise) }

        let other = directory.path("other.sqlite")
        let queue = try DatabaseQueue(path: other)
        try queue.write { db in try db.execute(sql: "CREATE TABLE t (x); INSERT INTO t VALUES (1)") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: other))
        expectCaseVaultError(.unsupportedFormat) { try Vault.open(at: other) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted()
                == ["empty.db", "folder.db", "noise.db", "other.sqlite"], "a refused open left a file behind")
    }

    /// `PRAGMA synchronous` of the vault's writer connection: 2 is FULL, 1 is NORMAL.
    private func writerSynchronous(_ vault: Vault) throws -> Int? {
        try vault.database.writerSynchronousMode()
    }

    @Test("an opened vault commits with synchronous=FULL, so a commit survives a power cut")
    func openedVaultIsDurable() throws {
        try withVault { fixture in
            let vault = try Vault.open(at: fixture.path)
            #expect(try writerSynchronous(vault) == 2)
        }
    }

    @Test("a newly created vault commits with synchronous=FULL")
    func createdVaultIsDurable() throws {
        try withVault { fixture in
            let synchronous = try writerSynchronous(fixture.vault)
            #expect(synchronous == 2)
        }
    }
}
