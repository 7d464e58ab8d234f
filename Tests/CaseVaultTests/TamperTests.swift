import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// Stored rows edited behind the library's back, as by someone holding the seized file: every
/// change to a ciphertext, and every blob moved to another row, column or version, is an
/// integrity error naming the case. An untouched neighbour keeps reading.
@Suite("Tampering with case rows")
struct TamperTests {
    /// A case with every column filled (contact, narrative, an intake and a legal note) and an
    /// untouched neighbour, logged by a coordinator and read by the admin.
    struct Scene {
        let fixture: VaultFixture
        let reader: Session
        let target: CaseID
        let targetRequest: Request
        let neighbour: CaseID

        init(_ fixture: VaultFixture, notes: Bool = true) throws {
            self.fixture = fixture
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            targetRequest = try Synthetic.request(
                deadline: "2023-09-30", contact: "@Ivan_Petrov",
                narrative: "Мобилизован в 2022, ранен под Бахмутом, отпуск до 30.09.")
            target = try coordinator.intake(targetRequest).id
            neighbour = try coordinator.intake(Synthetic.awolRequest(contact: "+7 912 345-67-89")).id
            if notes {
                try coordinator.addNote(to: target, text: "Перезвонить в пятницу вечером.")
                try coordinator.addNote(to: target, text: "Оснований для увольнения по ранению пока нет.",
                                        compartment: .legal)
                try coordinator.addNote(to: neighbour, text: "Asked for a call back on Monday.")
            }
            reader = fixture.admin
        }

        /// The neighbour still reads, so a failure is about the tampered case only.
        func expectNeighbourReads(sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(throws: Never.self, sourceLocation: sourceLocation) { _ = try reader.case(neighbour) }
        }

        func expectTargetReads(sourceLocation: SourceLocation = #_sourceLocation) throws {
            let record = try reader.case(target)
            #expect(record.request == targetRequest, sourceLocation: sourceLocation)
            #expect(try reader.cases().count == 2, sourceLocation: sourceLocation)
        }
    }

    enum CaseColumn: String, CaseIterable, CustomTestStringConvertible {
        case content, summary, contact
        case dataKey = "data_key"
        case contactKey = "contact_key"

        var testDescription: String { "cases." + rawValue }
    }

    @Test("flipping any one byte of a case blob is an integrity error naming the case",
          arguments: CaseColumn.allCases)
    func flipEveryByte(_ column: CaseColumn) throws {
        try withVault { fixture in
            let scene = try Scene(fixture)
            try scene.expectTargetReads()
            let original = try fixture.caseBlob(scene.target, column.rawValue)
            let queue = try DatabaseQueue(path: fixture.path)
            defer { try? queue.close() }
            for index in original.indices {
                try queue.write { db in
                    try db.execute(sql: "UPDATE cases SET \(column.rawValue) = ? WHERE id = ?",
                                   arguments: [Data(original.flipping(index)), Data(scene.target.bytes)])
                }
                expectCaseIntegrityError(scene.target, "byte \(index) of \(column.rawValue)") {
                    try scene.reader.case(scene.target)
                }
                if column == .summary {
                    // Listings read the projection blocks; the consistency check compares them with this row.
                    expectCaseIntegrityError(scene.target, "projection check, byte \(index)") {
                        try scene.reader.checkProjections()
                    }
                }
            }
            scene.expectNeighbourReads()
            try queue.write { db in
                try db.execute(sql: "UPDATE cases SET \(column.rawValue) = ? WHERE id = ?",
                               arguments: [Data(original), Data(scene.target.bytes)])
            }
            try scene.expectTargetReads()
        }
    }

    @Test("a tampered contact also stops a duplicate lookup and an intake with that contact")
    func tamperedContactStopsLookups() throws {
        try withVault { fixture in
            let scene = try Scene(fixture, notes: false)
            #expect(try scene.reader.openCases(withContact: "ivan_petrov") == [scene.target])
            let contact = try fixture.caseBlob(scene.target, "contact")
            try fixture.setCaseBlob(scene.target, "contact", to: contact.flipping(contact.count - 1))
            expectCaseIntegrityError(scene.target) { try scene.reader.openCases(withContact: "ivan_petrov") }
            expectCaseIntegrityError(scene.target) {
                try scene.reader.intake(Synthetic.request(contact: "@IVAN_PETROV"))
            }
            #expect(try fixture.count("cases") == 2)
            // Another contact's lookup does not touch the tampered row.
            #expect(try scene.reader.openCases(withContact: "+79123456789") == [scene.neighbour])
        }
    }

    enum EntryKind: String, CaseIterable, CustomTestStringConvertible {
        case intakeNote = "intake note", legalNote = "legal note", legalSealedKey = "legal note's sealed key"

        var testDescription: String { rawValue }
        var version: Int { self == .intakeNote ? 2 : 3 }
        var column: String { self == .legalSealedKey ? "sealed_key" : "body" }
    }

    @Test("flipping any one byte of a history entry is an integrity error naming the case",
          arguments: EntryKind.allCases)
    func flipEntryBytes(_ kind: EntryKind) throws {
        try withVault { fixture in
            let scene = try Scene(fixture)
            let entry = "case_id = ? AND version = ?"
            let arguments: StatementArguments = [Data(scene.target.bytes), kind.version]
            let original = try fixture.blob("case_entries", kind.column, where: entry, arguments)
            #expect(try scene.reader.case(scene.target).notes.count == 2)
            let queue = try DatabaseQueue(path: fixture.path)
            defer { try? queue.close() }
            for index in original.indices {
                try queue.write { db in
                    try db.execute(sql: "UPDATE case_entries SET \(kind.column) = ? WHERE \(entry)",
                                   arguments: StatementArguments([Data(original.flipping(index))]) + arguments)
                }
                expectCaseIntegrityError(scene.target, "byte \(index) of the \(kind.rawValue)") {
                    try scene.reader.case(scene.target)
                }
            }
            scene.expectNeighbourReads()
            try queue.write { db in
                try db.execute(sql: "UPDATE case_entries SET \(kind.column) = ? WHERE \(entry)",
                               arguments: StatementArguments([Data(original)]) + arguments)
            }
            #expect(try scene.reader.case(scene.target).notes.count == 2)
        }
    }

    @Test("swapping a column's blobs between two cases fails for both", arguments: CaseColumn.allCases)
    func swapBetweenCases(_ column: CaseColumn) throws {
        try withVault { fixture in
            let scene = try Scene(fixture, notes: false)
            let first = try fixture.caseBlob(scene.target, column.rawValue)
            let second = try fixture.caseBlob(scene.neighbour, column.rawValue)
            #expect(first != second)
            try fixture.setCaseBlob(scene.target, column.rawValue, to: second)
            try fixture.setCaseBlob(scene.neighbour, column.rawValue, to: first)
            expectCaseIntegrityError(scene.target) { try scene.reader.case(scene.target) }
            expectCaseIntegrityError(scene.neighbour) { try scene.reader.case(scene.neighbour) }
            if column == .summary {
                let error = expectCaseVaultError(.integrity) { try scene.reader.checkProjections() }
                #expect(error?.caseID == scene.target || error?.caseID == scene.neighbour)
            }
            // Swapped back, both read again.
            try fixture.setCaseBlob(scene.target, column.rawValue, to: first)
            try fixture.setCaseBlob(scene.neighbour, column.rawValue, to: second)
            try scene.expectTargetReads()
            scene.expectNeighbourReads()
        }
    }

    @Test("a blob copied into another column of the same case fails", arguments: [
        ("contact", "content"), ("content", "contact"), ("contact_key", "data_key"), ("data_key", "contact_key"),
    ])
    func copyBetweenColumns(_ source: String, _ destination: String) throws {
        try withVault { fixture in
            let scene = try Scene(fixture, notes: false)
            let moved = try fixture.caseBlob(scene.target, source)
            let kept = try fixture.caseBlob(scene.target, destination)
            try fixture.setCaseBlob(scene.target, destination, to: moved)
            expectCaseIntegrityError(scene.target, "\(source) copied into \(destination)") {
                try scene.reader.case(scene.target)
            }
            scene.expectNeighbourReads()
            try fixture.setCaseBlob(scene.target, destination, to: kept)
            try scene.expectTargetReads()
        }
    }

    @Test("the data keys of a case swapped with each other fail")
    func swapKeysWithinCase() throws {
        try withVault { fixture in
            let scene = try Scene(fixture, notes: false)
            let dataKey = try fixture.caseBlob(scene.target, "data_key")
            let contactKey = try fixture.caseBlob(scene.target, "contact_key")
            try fixture.setCaseBlob(scene.target, "data_key", to: contactKey)
            try fixture.setCaseBlob(scene.target, "contact_key", to: dataKey)
            expectCaseIntegrityError(scene.target) { try scene.reader.case(scene.target) }
        }
    }

    @Test("an old summary replayed after a note bumped the version fails")
    func replayedSummary() throws {
        try withVault { fixture in
            let scene = try Scene(fixture, notes: false)
            let old = try fixture.caseBlob(scene.target, "summary")
            try scene.reader.addNote(to: scene.target, text: "First call done; waiting for documents.")
            let current = try fixture.caseBlob(scene.target, "summary")
            #expect(old != current)
            #expect(try scene.reader.case(scene.target).version == 2)

            try fixture.setCaseBlob(scene.target, "summary", to: old)
            expectCaseIntegrityError(scene.target) { try scene.reader.checkProjections() }
            expectCaseIntegrityError(scene.target) { try scene.reader.case(scene.target) }
            expectCaseIntegrityError(scene.target) {
                try scene.reader.addNote(to: scene.target, text: "Written on top of a replayed summary.")
            }
            try fixture.setCaseBlob(scene.target, "summary", to: current)
            #expect(try scene.reader.cases().count == 2)
            #expect(try scene.reader.case(scene.target).version == 2)
        }
    }

    @Test("an old statistics row replayed after a note is refused by reads and the next write")
    func replayedStats() throws {
        try withVault { fixture in
            let scene = try Scene(fixture, notes: false)
            let old = try fixture.caseBlob(scene.target, "stats")
            try scene.reader.addNote(to: scene.target, text: "Documents received.")
            let current = try fixture.caseBlob(scene.target, "stats")
            try fixture.setCaseBlob(scene.target, "stats", to: old)
            expectCaseIntegrityError(scene.target) { try scene.reader.case(scene.target) }
            expectCaseIntegrityError(scene.target) {
                try scene.reader.addNote(to: scene.target, text: "A second note.")
            }
            try fixture.setCaseBlob(scene.target, "stats", to: current)
            #expect(try scene.reader.case(scene.target).notes.count == 1)
        }
    }

    @Test("rolling the row's version back, or claiming another key version, fails", arguments: [
        "version = version - 1", "version = version + 1", "key_version = key_version + 1",
    ])
    func versionColumns(_ change: String) throws {
        try withVault { fixture in
            let scene = try Scene(fixture)
            try fixture.tamper { db in
                try db.execute(sql: "UPDATE cases SET \(change) WHERE id = ?", arguments: [Data(scene.target.bytes)])
            }
            expectCaseIntegrityError(scene.target, "\(change)") { try scene.reader.case(scene.target) }
            scene.expectNeighbourReads()
        }
    }

    @Test("deleting a history entry in the middle leaves a gap that fails")
    func deletedMiddleEntry() throws {
        try withVault { fixture in
            let scene = try Scene(fixture)
            #expect(try scene.reader.case(scene.target).version == 3)
            try fixture.tamper { db in
                try db.execute(sql: "DELETE FROM case_entries WHERE case_id = ? AND version = 2",
                               arguments: [Data(scene.target.bytes)])
                #expect(db.changesCount == 1)
            }
            expectCaseIntegrityError(scene.target) { try scene.reader.case(scene.target) }
            scene.expectNeighbourReads()
        }
    }

    @Test("deleting the newest history entry leaves the history incomplete and fails")
    func deletedLastEntry() throws {
        try withVault { fixture in
            let scene = try Scene(fixture)
            try fixture.tamper { db in
                try db.execute(sql: "DELETE FROM case_entries WHERE case_id = ? AND version = 3",
                               arguments: [Data(scene.target.bytes)])
                #expect(db.changesCount == 1)
            }
            expectCaseIntegrityError(scene.target) { try scene.reader.case(scene.target) }
            // A coordinator, who cannot read the legal note that was deleted, is stopped too.
            let coordinator = try fixture.unlock("coord-anna")
            expectCaseIntegrityError(scene.target) { try coordinator.case(scene.target) }
        }
    }

    @Test("history entries swapped between two cases fail for both")
    func swappedEntries() throws {
        try withVault { fixture in
            let scene = try Scene(fixture)
            let entry = "case_id = ? AND version = 2"
            let first = try fixture.blob("case_entries", "body", where: entry, [Data(scene.target.bytes)])
            let second = try fixture.blob("case_entries", "body", where: entry, [Data(scene.neighbour.bytes)])
            try fixture.setBlob("case_entries", "body", to: second, where: entry, [Data(scene.target.bytes)])
            try fixture.setBlob("case_entries", "body", to: first, where: entry, [Data(scene.neighbour.bytes)])
            expectCaseIntegrityError(scene.target) { try scene.reader.case(scene.target) }
            expectCaseIntegrityError(scene.neighbour) { try scene.reader.case(scene.neighbour) }
        }
    }

    @Test("history entries reordered within a case fail")
    func reorderedEntries() throws {
        try withVault { fixture in
            let scene = try Scene(fixture)
            let id = Data(scene.target.bytes)
            try fixture.tamper { db in
                try db.execute(sql: "UPDATE case_entries SET version = -1 WHERE case_id = ? AND version = 2",
                               arguments: [id])
                try db.execute(sql: "UPDATE case_entries SET version = 2 WHERE case_id = ? AND version = 3",
                               arguments: [id])
                try db.execute(sql: "UPDATE case_entries SET version = 3 WHERE case_id = ? AND version = -1",
                               arguments: [id])
            }
            expectCaseIntegrityError(scene.target) { try scene.reader.case(scene.target) }
        }
    }

    @Test("a whole row moved to another id fails under its new id")
    func rowMovedToAnotherID() throws {
        try withVault { fixture in
            let scene = try Scene(fixture, notes: false)
            let moved = CaseID.random()
            try fixture.tamper { db in
                try db.execute(sql: "UPDATE cases SET id = ? WHERE id = ?",
                               arguments: [Data(moved.bytes), Data(scene.target.bytes)])
                #expect(db.changesCount == 1)
            }
            expectCaseIntegrityError(moved) { try scene.reader.case(moved) }
            expectCaseIntegrityError(moved) { try scene.reader.checkProjections() }
            expectCaseVaultError(.notFound) { try scene.reader.case(scene.target) }
        }
    }

    @Test("an unknown case id is not found, naming the id")
    func unknownCase() throws {
        try withVault { fixture in
            let scene = try Scene(fixture, notes: false)
            let missing = CaseID.random()
            let error = expectCaseVaultError(.notFound) { try scene.reader.case(missing) }
            #expect(error?.caseID == missing)
            #expect(error?.message.contains(missing.description) == true)
            expectCaseVaultError(.notFound) { try scene.reader.addNote(to: missing, text: "Nobody here.") }
            try scene.expectTargetReads()
        }
    }
}
