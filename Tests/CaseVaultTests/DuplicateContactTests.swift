import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// Repeat requesters are linked through a blind index of the normalised contact handle.
@Suite("Duplicate contacts")
struct DuplicateContactTests {
    @Test("the same contact in another spelling reports the first case", arguments: [
        ("@Ivan_Petrov", "ivan_petrov"),
        ("@Ivan_Petrov", "  @IVAN_PETROV "),
        ("+7 912 345-67-89", "89123456789"),
        ("+7 (912) 345-67-89", "+79123456789"),
        ("8 912 345 67 89", "7-912-345-67-89"),
    ])
    func sameContactOtherSpelling(_ first: String, _ second: String) throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let original = try coordinator.intake(Synthetic.request(contact: first))
            #expect(original.duplicatesOf.isEmpty)
            let repeated = try coordinator.intake(Synthetic.awolRequest(contact: second))
            #expect(repeated.duplicatesOf == [original.id])
            // A third request links to both earlier ones.
            let third = try coordinator.intake(Synthetic.conscriptRequest(contact: first))
            #expect(Set(third.duplicatesOf) == [original.id, repeated.id])
            #expect(third.duplicatesOf.count == 2)
            // The contact itself is stored as typed, not normalised.
            #expect(try coordinator.case(repeated.id).request.contact == second)
        }
    }

    @Test("a different contact reports no duplicate", arguments: [
        ("@Ivan_Petrov", "@Ivan_Petrov2"),
        ("@Ivan_Petrov", "ivan.petrov"),
        ("+7 912 345-67-89", "+7 912 345-67-80"),
        ("+7 912 345-67-89", "+380 912 345 67 89"),
        ("89123456789", "@89123456789x"),
    ])
    func differentContact(_ first: String, _ second: String) throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            _ = try coordinator.intake(Synthetic.request(contact: first))
            let other = try coordinator.intake(Synthetic.request(contact: second))
            #expect(other.duplicatesOf.isEmpty)
            #expect(try coordinator.intake(Synthetic.request(contact: nil)).duplicatesOf.isEmpty)
        }
    }

    @Test("different contacts whose truncated blind index collides are told apart")
    func blindIndexCollision() throws {
        try withVault { fixture in
            let session = fixture.admin
            // The index keeps 15 bits on purpose; find two handles that share it (a birthday
            // search needs a few hundred tries).
            var seen: [[UInt8]: String] = [:]
            var pair: (String, String)?
            for number in 0..<20_000 {
                let handle = "@requester_\(number)"
                let index = try session.cipher.blindIndex(ContactHandle.normalize(handle)).value
                if let earlier = seen[index] {
                    pair = (earlier, handle)
                    break
                }
                seen[index] = handle
            }
            let (first, second) = try #require(pair)
            let original = try session.intake(Synthetic.request(contact: first))
            let other = try session.intake(Synthetic.request(contact: second))
            #expect(try fixture.caseBlob(original.id, "blind_index") == fixture.caseBlob(other.id, "blind_index"))
            #expect(other.duplicatesOf.isEmpty)
            #expect(try session.openCases(withContact: second) == [other.id])
            let again = try session.intake(Synthetic.request(contact: first.uppercased()))
            #expect(again.duplicatesOf == [original.id])
        }
    }

    @Test("the stored blind index is 15 bits in two bytes, and equal for equal contacts")
    func blindIndexShape() throws {
        try withVault { fixture in
            let first = try fixture.admin.intake(Synthetic.request(contact: "+7 912 345-67-89")).id
            let second = try fixture.admin.intake(Synthetic.request(contact: "89123456789")).id
            let none = try fixture.admin.intake(Synthetic.request(contact: nil)).id
            let index = try fixture.caseBlob(first, "blind_index")
            #expect(index.count == 2)
            #expect(index[1] & 0x01 == 0)
            #expect(try fixture.caseBlob(second, "blind_index") == index)
            let missing = try fixture.inspect { db in
                try Row.fetchOne(db, sql: "SELECT blind_index, contact, contact_key FROM cases WHERE id = ?",
                                 arguments: [Data(none.bytes)])
            }
            #expect(missing?.hasNull(atIndex: 0) == true)
            #expect(missing?.hasNull(atIndex: 1) == true)
            #expect(missing?.hasNull(atIndex: 2) == true)
        }
    }

    static let batch = ["@Ivan_Petrov", "+7 912 345-67-89", "ivan_petrov", "89123456789", "@someone_else"]

    @Test("duplicates within one batch are reported, in intake and in import")
    func duplicatesWithinBatch() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let receipts = try coordinator.intake(DuplicateContactTests.batch.map {
                try Synthetic.request(contact: $0)
            })
            #expect(receipts.map { Set($0.duplicatesOf) } == [[], [], [receipts[0].id], [receipts[1].id], []])

            let report = try coordinator.importRequests(jsonLines: Synthetic.jsonLines([
                try Synthetic.jsonLine(["contact": "@new_person"]),
                try Synthetic.jsonLine(["contact": "NEW_PERSON"]),
                try Synthetic.jsonLine(["contact": "@ivan_petrov"]),
                try Synthetic.jsonLine([:]),
            ]))
            let imported = report.receipts
            #expect(imported[0].duplicatesOf.isEmpty)
            #expect(Set(imported[1].duplicatesOf) == [imported[0].id])
            #expect(Set(imported[2].duplicatesOf) == [receipts[0].id, receipts[2].id])
            #expect(imported[3].duplicatesOf.isEmpty)
        }
    }

    @Test("a duplicate within one batch is listed once, as across batches")
    func batchDuplicateListedOnce() throws {
        try withVault { fixture in
            let receipts = try fixture.admin.intake(DuplicateContactTests.batch.map {
                try Synthetic.request(contact: $0)
            })
            #expect(receipts[2].duplicatesOf == [receipts[0].id])
            #expect(receipts[3].duplicatesOf == [receipts[1].id])
            // Across two separate intakes the same contact is listed once.
            let later = try fixture.admin.intake(Synthetic.request(contact: "IVAN_PETROV"))
            #expect(later.duplicatesOf.count == 2)
            #expect(Set(later.duplicatesOf) == [receipts[0].id, receipts[2].id])
        }
    }

    @Test("openCases(withContact:) finds every open case with the contact, in any spelling")
    func openCasesWithContact() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let first = try coordinator.intake(Synthetic.request(contact: "+7 912 345-67-89")).id
            let second = try coordinator.intake(Synthetic.awolRequest(contact: "8 (912) 345-67-89")).id
            let unrelated = try coordinator.intake(Synthetic.request(contact: "@ivan_petrov")).id
            #expect(Set(try coordinator.openCases(withContact: "89123456789")) == [first, second])
            #expect(try coordinator.openCases(withContact: "IVAN_PETROV") == [unrelated])
            #expect(try coordinator.openCases(withContact: "@nobody_here").isEmpty)
            #expect(try coordinator.openCases(withContact: "+7 912 345-67-88").isEmpty)
            // A lawyer looks up the same way; an auditor may not.
            let lawyer = try fixture.addUser("lawyer-boris", .lawyer)
            #expect(Set(try lawyer.openCases(withContact: "+79123456789")) == [first, second])
            let auditor = try fixture.addUser("audit-vera", .auditor)
            expectCaseVaultError(.permissionDenied) { try auditor.openCases(withContact: "+79123456789") }
        }
    }

    @Test("closed cases are not reported as duplicates")
    func closedCasesAreNotDuplicates() throws {
        try withVault { fixture in
            let session = fixture.admin
            let closed = try session.intake(Synthetic.request(contact: "@ivan_petrov")).id
            let open = try session.intake(Synthetic.request(contact: "@ivan_petrov")).id
            try ListingTests.forceState(.closed, outcome: .withdrawn, of: closed, session: session, fixture: fixture)
            #expect(try session.openCases(withContact: "ivan_petrov") == [open])
            #expect(try session.intake(Synthetic.request(contact: "Ivan_Petrov")).duplicatesOf == [open])
        }
    }

    @Test("contact handles normalise as documented", arguments: [
        ("@Ivan_Petrov", "id:ivan_petrov"),
        ("  ivan_petrov\n", "id:ivan_petrov"),
        ("@@Ivan Petrov", "id:ivanpetrov"),
        ("+7 912 345-67-89", "tel:79123456789"),
        ("89123456789", "tel:79123456789"),
        ("8 (912) 345-67-89", "tel:79123456789"),
        ("+380 50 123 45 67", "tel:380501234567"),
        ("Ivan.P@Example.org", "id:ivan.p@example.org"),
        ("12345", "id:12345"),
        ("", ""),
        ("@", ""),
        ("   ", ""),
    ])
    func normalize(_ raw: String, _ expected: String) {
        #expect(ContactHandle.normalize(raw) == expected)
    }

    @Test("distinct handles stay distinct after normalisation", arguments: [
        ("@Ivan_Petrov", "@Ivan_Petrov2"),
        ("+7 912 345-67-89", "+7 912 345-67-80"),
        ("79123456789", "@79123456789a"),
        ("89123456789", "8912345678"),
    ])
    func normalizeKeepsDistinct(_ first: String, _ second: String) {
        #expect(ContactHandle.normalize(first) != ContactHandle.normalize(second))
    }
}
