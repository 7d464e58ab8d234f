import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// Every write is one transaction: a failing operation leaves the vault as it was, and
/// concurrent writers never lose each other's work.
@Suite("Transactions and concurrency")
struct TransactionTests {
    /// What a failed operation must leave unchanged.
    struct Snapshot: Equatable {
        let cases: Int
        let entries: Int
        let audit: Int
        let users: Int

        init(_ fixture: VaultFixture) throws {
            cases = try fixture.count("cases")
            entries = try fixture.count("case_entries")
            audit = try fixture.count("audit_log")
            users = try fixture.count("users")
        }
    }

    @Test("a strict-policy refusal inside a batch stores none of the batch")
    func strictBatch() throws {
        try withVault { fixture in
            _ = try fixture.admin.intake(Synthetic.request())
            try fixture.admin.updateSettings(VaultSettings(strictTextPolicy: true))
            let before = try Snapshot(fixture)
            let error = expectCaseVaultError(.identifyingText) {
                try fixture.admin.intake([try Synthetic.request(), try Synthetic.request(),
                                          try Synthetic.request(narrative: "e-mail: ivan@example.org")])
            }
            #expect(error?.message.hasPrefix("request 3: ") == true, "\(error?.message ?? "")")
            #expect(try Snapshot(fixture) == before)
        }
    }

    @Test("an invalid request inside a batch stores none of the batch and names it")
    func invalidBatch() throws {
        try withVault { fixture in
            let before = try Snapshot(fixture)
            let error = expectCaseVaultError(.invalidInput) {
                try fixture.admin.intake([try Synthetic.request(), try Synthetic.request(needs: [])])
            }
            #expect(error?.message.hasPrefix("request 2: ") == true, "\(error?.message ?? "")")
            expectCaseVaultError(.invalidInput) { try fixture.admin.intake(Synthetic.request(contact: "  ")) }
            expectCaseVaultError(.invalidInput) {
                try fixture.admin.intake(Synthetic.request(contact: String(repeating: "a", count: 513)))
            }
            #expect(try Snapshot(fixture) == before)
            // The valid one alone is stored.
            #expect(try fixture.admin.intake([try Synthetic.request()]).count == 1)
            #expect(try fixture.count("cases") == before.cases + 1)
        }
    }

    @Test("a failure in the middle of the write transaction rolls back the rows already inserted")
    func rollbackMidTransaction() throws {
        try withVault { fixture in
            let session = fixture.admin
            let existing = try session.intake(Synthetic.request(contact: "@ivan_petrov")).id
            // Damage the existing case so the duplicate lookup of the batch's second request,
            // which runs after the first request's row is inserted, fails.
            let summary = try fixture.caseBlob(existing, "summary")
            try fixture.setCaseBlob(existing, "summary", to: summary.flipping(30))
            let before = try Snapshot(fixture)
            expectCaseIntegrityError(existing) {
                try session.intake([try Synthetic.request(contact: "@someone_new"),
                                    try Synthetic.request(contact: "Ivan_Petrov")])
            }
            #expect(try Snapshot(fixture) == before)
            // Repaired, the same batch goes through whole.
            try fixture.setCaseBlob(existing, "summary", to: summary)
            let receipts = try session.intake([try Synthetic.request(contact: "@someone_new"),
                                               try Synthetic.request(contact: "Ivan_Petrov")])
            #expect(receipts[1].duplicatesOf == [existing])
            #expect(try fixture.count("cases") == before.cases + 2)
        }
    }

    @Test("a note on a damaged case writes nothing")
    func failedNote() throws {
        try withVault { fixture in
            let id = try fixture.admin.intake(Synthetic.request()).id
            try fixture.admin.addNote(to: id, text: "First note.")
            let content = try fixture.caseBlob(id, "content")
            try fixture.setCaseBlob(id, "content", to: content.flipping(100))
            let before = try Snapshot(fixture)
            expectCaseIntegrityError(id) { try fixture.admin.addNote(to: id, text: "Second note.") }
            #expect(try Snapshot(fixture) == before)
        }
    }

    @Test("concurrent intakes by two users are all stored and the audit chain stays whole")
    func concurrentIntakes() async throws {
        let fixture = try VaultFixture()
        try fixture.register("coord-anna", .coordinator)
        try fixture.register("lawyer-boris", .lawyer)
        let vault = fixture.vault
        let perUser = 15
        let ids = try await withThrowingTaskGroup(of: [CaseID].self) { group in
            for name in ["coord-anna", "lawyer-boris"] {
                group.addTask {
                    let session = try vault.unlock(user: name, passphrase: VaultFixture.passphrase(for: name))
                    var ids: [CaseID] = []
                    for index in 0..<perUser {
                        ids.append(try session.intake(Synthetic.request(contact: "@\(name)_\(index)")).id)
                    }
                    return ids
                }
            }
            var all: [CaseID] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(Set(ids).count == 2 * perUser)
        #expect(try fixture.count("cases") == 2 * perUser)
        #expect(Set(try fixture.admin.cases().map(\.id)) == Set(ids))
        #expect(try fixture.admin.verifyAuditLog() == 3 + 2 * perUser)
        withExtendedLifetime(fixture) {}
    }

    @Test("concurrent notes on one case are serialised, none is lost")
    func concurrentNotes() async throws {
        let fixture = try VaultFixture()
        try fixture.register("coord-anna", .coordinator)
        try fixture.register("lawyer-boris", .lawyer)
        let id = try fixture.admin.intake(Synthetic.request()).id
        let vault = fixture.vault
        let perUser = 8
        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in ["coord-anna", "lawyer-boris"] {
                group.addTask {
                    let session = try vault.unlock(user: name, passphrase: VaultFixture.passphrase(for: name))
                    for index in 0..<perUser {
                        try session.addNote(to: id, text: "\(name) note \(index)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let record = try fixture.admin.case(id)
        #expect(record.version == 1 + 2 * perUser)
        #expect(record.notes.count == 2 * perUser)
        for name in ["coord-anna", "lawyer-boris"] {
            #expect(record.notes.filter { $0.author == name }.map(\.text)
                    == (0..<perUser).map { "\(name) note \($0)" })
        }
        #expect(try fixture.admin.verifyAuditLog() == 4 + 2 * perUser)
        withExtendedLifetime(fixture) {}
    }

    @Test("two vault handles on one file see each other's writes")
    func twoHandles() throws {
        try withVault { fixture in
            let other = try Vault.open(at: fixture.path)
            let session = try other.unlock(user: VaultFixture.adminName,
                                           passphrase: VaultFixture.passphrase(for: VaultFixture.adminName))
            let id = try session.intake(Synthetic.request()).id
            #expect(try fixture.admin.cases().map(\.id) == [id])
            try fixture.admin.addNote(to: id, text: "Seen from the first handle.")
            #expect(try session.case(id).notes.map(\.text) == ["Seen from the first handle."])
            #expect(try session.verifyAuditLog() == 3)
        }
    }
}
