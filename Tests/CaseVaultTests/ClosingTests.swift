import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// Closing a case erases its contact handle (DESIGN.md §4, crypto-shredding in §3): the wrapped
/// contact key, the ciphertext and the blind index are deleted, and with `secure_delete` and a
/// WAL checkpoint their bytes leave the database, `-wal` and `-shm` files. A vault set to keep
/// contacts after close keeps them; a reopened case does not get an erased contact back.
@Suite("Closing erases the contact")
struct ClosingTests {
    typealias Team = CaseworkTeam

    static let handle = "@Closing_Contact_51f3"
    static let neighbourHandle = "+7 912 555-01-23"

    /// The vault file and its companions, concatenated; a missing companion adds nothing.
    static func fileBytes(_ path: String) -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for suffix in ["", "-wal", "-shm"] {
            files["vault" + suffix] = FileManager.default.contents(atPath: path + suffix).map { [UInt8]($0) } ?? []
        }
        return files
    }

    /// Which of the files hold `needle`.
    static func holders(of needle: [UInt8], in path: String) -> [String] {
        fileBytes(path).filter { $0.value.containsBytes(needle) }.map(\.key).sorted()
    }

    /// Which of the files hold any 32-byte run of `ciphertext` (starting every 8 bytes), so a
    /// partly overwritten copy is found too; random runs that long never match by chance.
    static func holders(ofAnyPartOf ciphertext: [UInt8], in path: String) -> [String] {
        let width = min(32, ciphertext.count)
        let runs = stride(from: 0, through: ciphertext.count - width, by: 8).map {
            Array(ciphertext[$0..<$0 + width])
        }
        return fileBytes(path).filter { file in runs.contains { file.value.containsBytes($0) } }.map(\.key).sorted()
    }

    /// The contact columns of a case row, `nil` where the column is NULL.
    struct ContactColumns: Equatable {
        let contact: [UInt8]?
        let contactKey: [UInt8]?
        let blindIndex: [UInt8]?
        let indexVersion: Int?

        static func read(_ fixture: VaultFixture, _ id: CaseID) throws -> ContactColumns {
            let row = try fixture.inspect { db in
                try Row.fetchOne(
                    db, sql: "SELECT contact, contact_key, blind_index, index_version FROM cases WHERE id = ?",
                    arguments: [Data(id.bytes)])
            }
            let found = try #require(row)
            return ContactColumns(contact: (found["contact"] as Data?).map { [UInt8]($0) },
                                  contactKey: (found["contact_key"] as Data?).map { [UInt8]($0) },
                                  blindIndex: (found["blind_index"] as Data?).map { [UInt8]($0) },
                                  indexVersion: found["index_version"])
        }

        var isErased: Bool { contact == nil && contactKey == nil && blindIndex == nil && indexVersion == nil }
    }

    /// A short handle, and one near the 512-byte limit whose ciphertext is longer than the
    /// smaller row written in its place.
    static let handles = [handle, "@closing_contact_51f3_" + String(repeating: "x7", count: 240)]

    @Test("closing erases the contact: columns NULL, its bytes gone from every file, lookups miss it",
          arguments: handles)
    func closingErasesContact(_ handle: String) throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .inReview, Synthetic.request(contact: handle))
            let neighbour = try team.newCase(in: .inReview, Synthetic.request(contact: ClosingTests.neighbourHandle))
            #expect(try team.lawyer.case(id).request.contact == handle)
            #expect(try team.lawyer.openCases(withContact: handle) == [id])

            let stored = try ContactColumns.read(fixture, id)
            let ciphertext = try #require(stored.contact)
            let wrappedKey = try #require(stored.contactKey)
            #expect(stored.blindIndex?.count == 2)
            #expect(stored.indexVersion != nil)
            // The scan works: before the close the ciphertexts are in the files.
            #expect(!ClosingTests.holders(of: ciphertext, in: fixture.path).isEmpty)
            #expect(!ClosingTests.holders(of: wrappedKey, in: fixture.path).isEmpty)

            let closed = try team.lawyer.perform(.close, on: id, with: WorkflowInputs(outcome: .advised))
            #expect(closed.request.contact == nil)
            #expect(try team.coordinator.case(id).request.contact == nil)
            #expect(try ContactColumns.read(fixture, id).isErased)
            for (name, ciphertext) in [("contact ciphertext", ciphertext), ("wrapped contact key", wrappedKey)] {
                #expect(ClosingTests.holders(ofAnyPartOf: ciphertext, in: fixture.path).isEmpty,
                        "part of the \(name) is still in the files")
            }
            for text in [handle, ContactHandle.normalize(handle), "closing_contact_51f3"] {
                #expect(ClosingTests.holders(of: Array(text.utf8), in: fixture.path).isEmpty,
                        "the handle is in the files")
            }
            #expect(try team.lawyer.openCases(withContact: handle).isEmpty)
            #expect(try team.coordinator.openCases(withContact: handle.uppercased()).isEmpty)

            // Everything else about the case, and the neighbour's contact, is untouched.
            #expect(closed.request.narrative == (try Synthetic.request()).narrative)
            #expect(closed.request.region.code == "RU-SVE")
            #expect(try team.lawyer.case(neighbour).request.contact == ClosingTests.neighbourHandle)
            #expect(try team.lawyer.openCases(withContact: "89125550123") == [neighbour])
            #expect(try fixture.admin.verifyAuditLog() > 0)
        }
    }

    /// Another connection reading while the case closes (another process, or a read on another
    /// thread) keeps the WAL from being truncated then. The erased contact's frames must still
    /// leave the files once that reader is done, at the latest when the vault next writes.
    @Test("a contact erased while another connection reads leaves the files once the reader is done")
    func erasedWhileAnotherReaderIsOpen() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .inReview, Synthetic.request(contact: ClosingTests.handle))
            let other = try team.newCase(in: .inReview)
            let ciphertext = try #require(try ContactColumns.read(fixture, id).contact)
            let reader = try DatabaseQueue(path: fixture.path)
            try reader.read { db in
                #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases") == 2)
                let closed = try team.lawyer.perform(.close, on: id, with: WorkflowInputs(outcome: .advised))
                #expect(closed.request.contact == nil)
            }
            try reader.close()
            #expect(try ContactColumns.read(fixture, id).isErased)
            try team.lawyer.addNote(to: other, text: "Called back, will write on Friday.")
            #expect(ClosingTests.holders(of: ciphertext, in: fixture.path).isEmpty,
                    "the erased contact's ciphertext is still in the files")
        }
    }

    @Test("a new request with an erased contact is no longer reported as a duplicate")
    func erasedContactIsNoDuplicate() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let first = try team.intake(Synthetic.request(contact: ClosingTests.handle))
            let second = try team.coordinator.intake(Synthetic.request(contact: "closing_contact_51F3"))
            #expect(second.duplicatesOf == [first])
            try team.coordinator.perform(.close, on: first, with: WorkflowInputs(outcome: .duplicate))
            #expect(try ContactColumns.read(fixture, first).isErased, "a coordinator's close erases too")
            let third = try team.coordinator.intake(Synthetic.request(contact: ClosingTests.handle))
            #expect(third.duplicatesOf == [second.id])
        }
    }

    @Test("reopening keeps an erased contact erased")
    func reopenKeepsErased() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .closed, Synthetic.request(contact: ClosingTests.handle))
            #expect(try ContactColumns.read(fixture, id).isErased)
            let reopened = try team.lawyer.perform(.reopen, on: id, with: WorkflowInputs(note: "Wrote again."))
            #expect(reopened.state == .awaitingReview && reopened.outcome == .open)
            #expect(reopened.request.contact == nil)
            #expect(try ContactColumns.read(fixture, id).isErased)
            #expect(try team.lawyer.openCases(withContact: ClosingTests.handle).isEmpty)
            // Worked on again, the case still verifies without its contact.
            try team.lawyer.perform(.beginReview, on: id)
            #expect(try team.lawyer.case(id).request.contact == nil)
        }
    }

    @Test("with keep-contact-after-close set by the admin, the contact survives close and reopen")
    func keepContactAfterClose() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .inReview, Synthetic.request(contact: ClosingTests.handle))
            // Set after the lawyer unlocked: the lawyer's open session follows the change.
            try fixture.admin.updateSettings(VaultSettings(keepContactAfterClose: true))
            let before = try ContactColumns.read(fixture, id)

            let closed = try team.lawyer.perform(.close, on: id, with: WorkflowInputs(outcome: .advised))
            #expect(closed.request.contact == ClosingTests.handle)
            #expect(try ContactColumns.read(fixture, id) == before, "the contact columns are untouched")
            #expect(try !ClosingTests.holders(of: #require(before.contact), in: fixture.path).isEmpty)
            // Closed cases are never duplicates, kept contact or not.
            #expect(try team.lawyer.openCases(withContact: ClosingTests.handle).isEmpty)

            let reopened = try team.lawyer.perform(.reopen, on: id, with: WorkflowInputs(note: "Wrote again."))
            #expect(reopened.request.contact == ClosingTests.handle)
            #expect(try team.lawyer.openCases(withContact: ClosingTests.handle) == [id])

            // Switched off again, the next close erases.
            try fixture.admin.updateSettings(VaultSettings(keepContactAfterClose: false))
            try team.lawyer.perform(.beginReview, on: id)
            #expect(try team.lawyer.perform(.close, on: id, with: WorkflowInputs(outcome: .advised))
                .request.contact == nil)
            #expect(try ContactColumns.read(fixture, id).isErased)
        }
    }

    @Test("only the admin changes the retention setting")
    func onlyAdminKeepsContacts() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            for session in [team.coordinator, team.lawyer, team.auditor] {
                expectCaseVaultError(.permissionDenied, "\(session.role)") {
                    try session.updateSettings(VaultSettings(keepContactAfterClose: true))
                }
            }
            let id = try team.newCase(in: .closed, Synthetic.request(contact: ClosingTests.handle))
            #expect(try ContactColumns.read(fixture, id).isErased)
        }
    }

    @Test("a refused close erases nothing")
    func refusedCloseKeepsContact() throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: .inReview, Synthetic.request(contact: ClosingTests.handle))
            let before = try ContactColumns.read(fixture, id)
            try team.expectRefusal(.wrongRole(.coordinator, .close, .inReview), team.coordinator, .close, on: id,
                                   with: WorkflowInputs(outcome: .withdrawn))
            try team.expectRefusal(.outcomeNotAllowed(.referralCompleted, .lawyer, .inReview), team.lawyer, .close,
                                   on: id, with: WorkflowInputs(outcome: .referralCompleted))
            try team.expectRefusal(.missing(.outcome, .close), team.lawyer, .close, on: id)
            #expect(try ContactColumns.read(fixture, id) == before)
            #expect(try team.lawyer.case(id).request.contact == ClosingTests.handle)
            #expect(try team.lawyer.openCases(withContact: ClosingTests.handle) == [id])
        }
    }

    @Test("events other than close leave the contact in place", arguments: [
        CaseState.awaitingReview, .inReview, .needsInfo, .referred,
    ])
    func otherEventsKeepContact(_ state: CaseState) throws {
        try withVault { fixture in
            let team = try Team(fixture)
            let id = try team.newCase(in: state, Synthetic.request(contact: ClosingTests.handle))
            #expect(try team.lawyer.case(id).request.contact == ClosingTests.handle)
            #expect(try !ContactColumns.read(fixture, id).isErased)
            #expect(try team.lawyer.openCases(withContact: ClosingTests.handle) == [id])
        }
    }
}
