import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// The audit log: one signed, chained entry per write transaction.
@Suite("Audit log")
struct AuditLogTests {
    /// A vault with one entry of each kind: creation, two users, an intake, a batch intake, an
    /// import, an intake note, a legal note and a settings change.
    static func logEverything(_ fixture: VaultFixture) throws -> (coordinator: Session, expected: [String]) {
        try fixture.register("coord-anna", .coordinator)
        try fixture.register("audit-vera", .auditor)
        let coordinator = try fixture.unlock("coord-anna")
        let id = try coordinator.intake(Synthetic.request()).id
        _ = try coordinator.intake([try Synthetic.awolRequest(), try Synthetic.conscriptRequest()])
        _ = try coordinator.importRequests(jsonLines: Synthetic.jsonLines([try Synthetic.jsonLine(),
                                                                           try Synthetic.jsonLine()]))
        try coordinator.addNote(to: id, text: "Called back.")
        try coordinator.addNote(to: id, text: "Grounds look weak.", compartment: .legal)
        try fixture.admin.updateSettings(VaultSettings(strictTextPolicy: true))
        let expected = ["vault-created", "user-added", "user-added", "case-created", "cases-imported",
                        "cases-imported", "note-added", "note-added", "settings-changed"]
        return (coordinator, expected)
    }

    @Test("verification counts one entry per transaction")
    func countsEntries() throws {
        try withVault { fixture in
            #expect(try fixture.admin.verifyAuditLog() == 1, "the vault's creation")
            try fixture.register("coord-anna", .coordinator)
            #expect(try fixture.admin.verifyAuditLog() == 2)
            let coordinator = try fixture.unlock("coord-anna")
            let id = try coordinator.intake(Synthetic.request()).id
            #expect(try coordinator.verifyAuditLog() == 3)
            _ = try coordinator.intake((0..<5).map { _ in try Synthetic.request() })
            #expect(try coordinator.verifyAuditLog() == 4, "a batch is one transaction")
            _ = try coordinator.importRequests(jsonLines: Synthetic.jsonLines([try Synthetic.jsonLine(),
                                                                               try Synthetic.jsonLine()]))
            #expect(try coordinator.verifyAuditLog() == 5)
            try coordinator.addNote(to: id, text: "Called back.")
            #expect(try coordinator.verifyAuditLog() == 6)
            // Reads write nothing.
            _ = try coordinator.cases()
            _ = try coordinator.case(id)
            _ = try coordinator.openCases(withContact: "@someone")
            _ = try fixture.unlock("coord-anna")
            #expect(try coordinator.verifyAuditLog() == 6)
            #expect(try fixture.count("audit_log") == 6)
        }
    }

    @Test("every role can verify the chain with public keys only")
    func everyRoleVerifies() throws {
        try withVault { fixture in
            let (coordinator, expected) = try AuditLogTests.logEverything(fixture)
            let auditor = try fixture.unlock("audit-vera")
            #expect(auditor.heldCompartments == [.stats])
            #expect(try auditor.verifyAuditLog() == expected.count)
            #expect(try coordinator.verifyAuditLog() == expected.count)
            #expect(try fixture.admin.verifyAuditLog() == expected.count)
        }
    }

    @Test("admins read what each entry says; others cannot open the bodies")
    func bodiesAreSealedToAdmins() throws {
        try withVault { fixture in
            let (coordinator, expected) = try AuditLogTests.logEverything(fixture)
            let bodies = try fixture.inspect { db in
                try Data.fetchAll(db, sql: "SELECT body FROM audit_log ORDER BY seq").map { [UInt8]($0) }
            }
            let opened = try bodies.map { try AuditLog.openBody($0, keys: fixture.admin.keys) }
            #expect(opened.map(\.action) == expected)
            #expect(opened[1].detail == "coord-anna as coordinator")
            #expect(opened[4].caseIDs.count == 2)
            #expect(opened[5].caseIDs.count == 2)
            #expect(opened[6].caseIDs == opened[3].caseIDs)
            #expect(opened[7].detail == "legal")
            expectCaseVaultError(.permissionDenied) { try AuditLog.openBody(bodies[3], keys: coordinator.keys) }
        }
    }

    enum Column: String, CaseIterable, CustomTestStringConvertible {
        case body, signature, actor
        case previousHash = "previous_hash"
        case contentHash = "content_hash"

        var testDescription: String { rawValue }
    }

    @Test("a flipped byte in any column of a middle entry fails verification at that entry",
          arguments: Column.allCases)
    func flippedMiddleEntry(_ column: Column) throws {
        try withVault { fixture in
            let (coordinator, _) = try AuditLogTests.logEverything(fixture)
            let original = try fixture.blob("audit_log", column.rawValue, where: "seq = 4", [])
            for index in [0, original.count / 2, original.count - 1] {
                try fixture.setBlob("audit_log", column.rawValue, to: original.flipping(index), where: "seq = 4", [])
                let error = expectCaseVaultError(.integrity, "byte \(index)") { try coordinator.verifyAuditLog() }
                #expect(error?.message.contains("entry 4") == true, "\(error?.message ?? "")")
            }
            try fixture.setBlob("audit_log", column.rawValue, to: original, where: "seq = 4", [])
            #expect(try coordinator.verifyAuditLog() == 9)
        }
    }

    @Test("the newest entry is covered too")
    func flippedLastEntry() throws {
        try withVault { fixture in
            let (coordinator, expected) = try AuditLogTests.logEverything(fixture)
            let last = expected.count
            let body = try fixture.blob("audit_log", "body", where: "seq = ?", [last])
            try fixture.setBlob("audit_log", "body", to: body.flipping(body.count - 1), where: "seq = ?", [last])
            let error = expectCaseVaultError(.integrity) { try coordinator.verifyAuditLog() }
            #expect(error?.message.contains("entry \(last)") == true)
        }
    }

    @Test("a deleted middle entry fails verification")
    func deletedMiddleEntry() throws {
        try withVault { fixture in
            let (coordinator, _) = try AuditLogTests.logEverything(fixture)
            try fixture.tamper { db in
                try db.execute(sql: "DELETE FROM audit_log WHERE seq = 5")
                #expect(db.changesCount == 1)
            }
            let error = expectCaseVaultError(.integrity) { try coordinator.verifyAuditLog() }
            #expect(error?.message.contains("entry 5") == true)
        }
    }

    @Test("a deleted entry renumbered to close the gap still fails", arguments: [2, 5])
    func renumberedEntries(_ deleted: Int) throws {
        try withVault { fixture in
            let (coordinator, _) = try AuditLogTests.logEverything(fixture)
            try fixture.tamper { db in
                try db.execute(sql: "DELETE FROM audit_log WHERE seq = ?", arguments: [deleted])
                try db.execute(sql: "UPDATE audit_log SET seq = seq - 1 WHERE seq > ?", arguments: [deleted])
            }
            let error = expectCaseVaultError(.integrity) { try coordinator.verifyAuditLog() }
            #expect(error?.message.contains("entry \(deleted)") == true)
        }
    }

    @Test("two entries swapped fail verification")
    func swappedEntries() throws {
        try withVault { fixture in
            let (coordinator, _) = try AuditLogTests.logEverything(fixture)
            try fixture.tamper { db in
                try db.execute(sql: "UPDATE audit_log SET seq = -1 WHERE seq = 6")
                try db.execute(sql: "UPDATE audit_log SET seq = 6 WHERE seq = 7")
                try db.execute(sql: "UPDATE audit_log SET seq = 7 WHERE seq = -1")
            }
            expectCaseVaultError(.integrity) { try coordinator.verifyAuditLog() }
        }
    }

    @Test("an entry re-signed by another user's key does not pass as theirs")
    func actorSwapped() throws {
        try withVault { fixture in
            let (coordinator, _) = try AuditLogTests.logEverything(fixture)
            // Entry 4 was written by the coordinator; claim the admin wrote it.
            let admin = try fixture.userID(VaultFixture.adminName)
            try fixture.setBlob("audit_log", "actor", to: [UInt8](admin), where: "seq = 4", [])
            let error = expectCaseVaultError(.integrity) { try coordinator.verifyAuditLog() }
            #expect(error?.message.contains("entry 4") == true)
        }
    }

    @Test("the audit tree's root, built level by level, equals RFC 6962's recursive definition")
    func merkleRootMatchesDefinition() {
        var random = SplitMix64(seed: 6962)
        for count in 0...70 {
            let leaves = (0..<count).map { _ in
                (0..<Int(random.next() % 300)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
            #expect(MerkleTree.root(leaves) == MerkleTree.referenceRoot(leaves), "\(count) leaves")
        }
        let one = [UInt8]("a".utf8)
        #expect(MerkleTree.root([one]) == GenericHash.hash([0] + one))
        #expect(MerkleTree.root([one, one]) == GenericHash.hash([1] + GenericHash.hash([0] + one)
                                                                 + GenericHash.hash([0] + one)))
    }
}
