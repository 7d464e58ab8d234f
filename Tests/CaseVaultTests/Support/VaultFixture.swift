import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// A directory of its own for one test, deleted when released.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("casevault-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A fresh vault in a temporary directory, created with `KDFProfile.interactive`, with an
/// admin session and helpers to add users of each role and to edit the file behind the
/// library's back.
///
/// Use it through ``withVault(_:)`` so the directory outlives every session of the test.
final class VaultFixture {
    static let adminName = "lead-admin"

    let path: String
    let vault: Vault
    let recoveryCode: RecoveryCode
    let admin: Session
    /// Declared last so it is released last, after the sessions and the vault closed the file.
    let directory: TemporaryDirectory

    init() throws {
        let directory = try TemporaryDirectory()
        self.directory = directory
        path = directory.path("vault.casevault")
        let created = try Vault.create(at: path, admin: VaultFixture.adminName,
                                       passphrase: VaultFixture.passphrase(for: VaultFixture.adminName),
                                       kdf: .interactive)
        vault = created.vault
        recoveryCode = created.recoveryCode
        admin = try vault.unlock(user: VaultFixture.adminName,
                                 passphrase: VaultFixture.passphrase(for: VaultFixture.adminName))
    }

    /// Every user's passphrase is derived from their name, so a test can unlock anyone again.
    static func passphrase(for name: String) -> SecureBytes {
        SecureBytes(utf8: "pass phrase of \(name): пароль 7!")
    }

    /// Adds a user with `role` (by the admin) and returns their unlocked session.
    @discardableResult
    func addUser(_ name: String, _ role: Role) throws -> Session {
        try admin.addUser(name: name, role: role, passphrase: VaultFixture.passphrase(for: name), kdf: .interactive)
        return try unlock(name)
    }

    /// Adds a user with `role` (by the admin) without unlocking them.
    func register(_ name: String, _ role: Role) throws {
        try admin.addUser(name: name, role: role, passphrase: VaultFixture.passphrase(for: name), kdf: .interactive)
    }

    /// A new session for an existing user, with their own passphrase.
    func unlock(_ name: String) throws -> Session {
        try vault.unlock(user: name, passphrase: VaultFixture.passphrase(for: name))
    }

    // MARK: Raw access to the file

    /// Runs `body` in a write transaction on a separate connection to the vault file, as an
    /// adversary with the seized file would, then closes that connection.
    func tamper(_ body: (Database) throws -> Void) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write(body)
        try queue.close()
    }

    /// Reads the file through a separate connection.
    func inspect<T>(_ body: (Database) throws -> T) throws -> T {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read(body)
    }

    func count(_ table: String) throws -> Int {
        try inspect { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
    }

    /// A blob column of one row, addressed by a `WHERE` clause.
    func blob(_ table: String, _ column: String, where clause: String, _ arguments: StatementArguments) throws
        -> [UInt8] {
        let data = try inspect { db in
            try Data.fetchOne(db, sql: "SELECT \(column) FROM \(table) WHERE \(clause)", arguments: arguments)
        }
        return try #require(data.map { [UInt8]($0) }, "no \(table).\(column) where \(clause)")
    }

    func setBlob(_ table: String, _ column: String, to value: [UInt8], where clause: String,
                 _ arguments: StatementArguments) throws {
        try tamper { db in
            try db.execute(sql: "UPDATE \(table) SET \(column) = ? WHERE \(clause)",
                           arguments: StatementArguments([Data(value)]) + arguments)
            #expect(db.changesCount == 1, "expected to change exactly one \(table) row")
        }
    }

    func caseBlob(_ id: CaseID, _ column: String) throws -> [UInt8] {
        try blob("cases", column, where: "id = ?", [Data(id.bytes)])
    }

    func setCaseBlob(_ id: CaseID, _ column: String, to value: [UInt8]) throws {
        try setBlob("cases", column, to: value, where: "id = ?", [Data(id.bytes)])
    }

    func userID(_ name: String) throws -> Data {
        let id = try inspect { db in
            try Data.fetchOne(db, sql: "SELECT id FROM users WHERE name = ?", arguments: [name])
        }
        return try #require(id, "no user \(name)")
    }
}

/// Runs `body` with a fresh vault whose directory is removed afterwards.
func withVault<R>(_ body: (VaultFixture) throws -> R) throws -> R {
    let fixture = try VaultFixture()
    return try withExtendedLifetime(fixture) { try body(fixture) }
}

/// Expects `body` to throw a ``CaseVaultError`` with exactly `code`, and returns it for more checks.
///
/// Checking the code, not only that something was thrown, catches an operation that fails for
/// the wrong reason (a storage error where a permission check was expected).
@discardableResult
func expectCaseVaultError<R>(
    _ code: CaseVaultError.Code,
    _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> R
) -> CaseVaultError? {
    let error = #expect(throws: CaseVaultError.self, comment, sourceLocation: sourceLocation) {
        _ = try body()
    }
    if let error {
        #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
    }
    return error
}

/// Expects an integrity error that names `id`, in its `caseID` and in its message.
func expectCaseIntegrityError<R>(
    _ id: CaseID,
    _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> R
) {
    let error = expectCaseVaultError(.integrity, comment, sourceLocation: sourceLocation, body)
    if let error {
        #expect(error.caseID == id, comment, sourceLocation: sourceLocation)
        #expect(error.message.contains(id.description), "\(error.message)", sourceLocation: sourceLocation)
    }
}

extension Array where Element == UInt8 {
    /// A copy with `mask` XORed into the byte at `index`.
    func flipping(_ index: Int, mask: UInt8 = 0x01) -> [UInt8] {
        var copy = self
        copy[index] ^= mask
        return copy
    }

    /// Whether `needle` occurs as a contiguous run of bytes.
    func containsBytes(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        let first = needle[0]
        var start = 0
        while start <= count - needle.count {
            guard let found = self[start...(count - needle.count)].firstIndex(of: first) else { return false }
            if self[found..<found + needle.count].elementsEqual(needle) { return true }
            start = found + 1
        }
        return false
    }
}
