import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// Who holds which keys, and what each role may read and write.
@Suite("Roles and compartments")
struct RoleTests {
    @Test("each role holds exactly its compartments", arguments: [
        (Role.coordinator, [Compartment.intake, .stats]),
        (Role.lawyer, [Compartment.intake, .legal, .stats]),
        (Role.auditor, [Compartment.stats]),
        (Role.admin, [Compartment.intake, .legal, .stats, .audit]),
    ])
    func heldCompartments(_ role: Role, _ expected: [Compartment]) throws {
        try withVault { fixture in
            let session = try fixture.addUser("user-\(role.rawValue)", role)
            #expect(session.role == role)
            #expect(session.heldCompartments == expected)
        }
    }

    @Test("an auditor can neither list, read, log nor annotate cases")
    func auditorIsRefusedCases() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let auditor = try fixture.addUser("audit-vera", .auditor)
            let id = try coordinator.intake(Synthetic.request(contact: "@ivan_petrov")).id
            #expect(auditor.heldCompartments == [.stats])

            expectCaseVaultError(.permissionDenied) { try auditor.cases() }
            expectCaseVaultError(.permissionDenied) { try auditor.cases(CaseFilter(overdue: true)) }
            expectCaseVaultError(.permissionDenied) { try auditor.case(id) }
            expectCaseVaultError(.permissionDenied) { try auditor.intake(Synthetic.request()) }
            expectCaseVaultError(.permissionDenied) { try auditor.intake([try Synthetic.request()]) }
            expectCaseVaultError(.permissionDenied) {
                try auditor.importRequests(jsonLines: Synthetic.jsonLines([try Synthetic.jsonLine()]))
            }
            expectCaseVaultError(.permissionDenied) { try auditor.addNote(to: id, text: "An auditor's note.") }
            expectCaseVaultError(.permissionDenied) {
                try auditor.addNote(to: id, text: "An auditor's legal note.", compartment: .legal)
            }
            expectCaseVaultError(.permissionDenied) { try auditor.openCases(withContact: "@ivan_petrov") }

            // Nothing the auditor tried was written.
            #expect(try fixture.count("cases") == 1)
            #expect(try coordinator.case(id).version == 1)
        }
    }

    @Test("the same operations succeed for a coordinator")
    func coordinatorMayWorkCases() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let id = try coordinator.intake(Synthetic.request(contact: "@ivan_petrov")).id
            #expect(try coordinator.cases().map(\.id) == [id])
            try coordinator.addNote(to: id, text: "Called back; documents by Friday.")
            #expect(try coordinator.case(id).notes.map(\.text) == ["Called back; documents by Friday."])
            #expect(try coordinator.openCases(withContact: "@Ivan_Petrov") == [id])
            #expect(try coordinator.importRequests(jsonLines: Synthetic.jsonLines([try Synthetic.jsonLine()]))
                .receipts.count == 1)
            #expect(try coordinator.cases().count == 2)
        }
    }

    @Test("a coordinator's legal note is hidden from them and readable by lawyers and admins")
    func legalNoteIsWriteOnlyForCoordinators() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let lawyer = try fixture.addUser("lawyer-boris", .lawyer)
            let id = try coordinator.intake(Synthetic.request()).id
            let legalText = "Служил по контракту до мобилизации; уточнить дату окончания контракта."
            try coordinator.addNote(to: id, text: legalText, compartment: .legal)

            let ownView = try coordinator.case(id)
            #expect(ownView.notes.isEmpty, "a coordinator sees no legal notes, not even their own")
            #expect(ownView.version == 2, "the note was written")

            for reader in [lawyer, fixture.admin] {
                let notes = try reader.case(id).notes
                #expect(notes.count == 1)
                #expect(notes.first?.text == legalText)
                #expect(notes.first?.compartment == .legal)
                #expect(notes.first?.author == "coord-anna")
            }
        }
    }

    @Test("a coordinator's intake note is visible to the lawyer, and a lawyer's to the coordinator")
    func intakeNotesAreShared() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let lawyer = try fixture.addUser("lawyer-boris", .lawyer)
            let id = try coordinator.intake(Synthetic.request()).id
            try coordinator.addNote(to: id, text: "Prefers to be contacted after 20:00 Moscow time.")
            try lawyer.addNote(to: id, text: "Please ask whether the wound was documented in hospital.")
            try lawyer.addNote(to: id, text: "Likely grounds under the wound commission rules.", compartment: .legal)

            let lawyerNotes = try lawyer.case(id).notes
            #expect(lawyerNotes.map(\.author) == ["coord-anna", "lawyer-boris", "lawyer-boris"])
            #expect(lawyerNotes.map(\.compartment) == [.intake, .intake, .legal])
            #expect(lawyerNotes.first?.text == "Prefers to be contacted after 20:00 Moscow time.")

            let coordinatorNotes = try coordinator.case(id).notes
            #expect(coordinatorNotes.map(\.compartment) == [.intake, .intake])
            #expect(coordinatorNotes.last?.text == "Please ask whether the wound was documented in hospital.")
        }
    }

    @Test("notes go only in the intake or legal compartment, and are not empty", arguments: [
        Compartment.stats, .audit,
    ])
    func noteCompartments(_ compartment: Compartment) throws {
        try withVault { fixture in
            let id = try fixture.admin.intake(Synthetic.request()).id
            expectCaseVaultError(.invalidInput) {
                try fixture.admin.addNote(to: id, text: "Wrong compartment.", compartment: compartment)
            }
            expectCaseVaultError(.invalidInput) { try fixture.admin.addNote(to: id, text: "  \n ") }
            #expect(try fixture.admin.case(id).version == 1)
        }
    }

    @Test("after relinquishing intake, listing and reading fail instead of coming back empty")
    func relinquishedIntake() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let id = try coordinator.intake(Synthetic.request()).id
            #expect(try coordinator.cases().map(\.id) == [id])

            coordinator.relinquish(.intake)
            #expect(coordinator.heldCompartments == [.stats])
            expectCaseVaultError(.permissionDenied) { try coordinator.cases() }
            expectCaseVaultError(.permissionDenied) { try coordinator.case(id) }
            expectCaseVaultError(.permissionDenied) { try coordinator.intake(Synthetic.request()) }
            expectCaseVaultError(.permissionDenied) { try coordinator.addNote(to: id, text: "Too late.") }
            #expect(try fixture.count("cases") == 1)

            // Only this session lost the key: a new one holds it again.
            #expect(try fixture.unlock("coord-anna").cases().map(\.id) == [id])
        }
    }

    @Test("a lawyer who relinquishes legal can still read intake data")
    func relinquishedLegal() throws {
        try withVault { fixture in
            let lawyer = try fixture.addUser("lawyer-boris", .lawyer)
            let id = try lawyer.intake(Synthetic.request()).id
            lawyer.relinquish(.legal)
            #expect(lawyer.heldCompartments == [.intake, .stats])
            #expect(try lawyer.case(id).request.region.code == "RU-SVE")
        }
    }

    @Test("a coordinator whose intake grant was deleted from the file cannot list cases")
    func deletedGrant() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let id = try coordinator.intake(Synthetic.request()).id
            #expect(try fixture.unlock("coord-anna").cases().map(\.id) == [id])

            let user = try fixture.userID("coord-anna")
            try fixture.tamper { db in
                try db.execute(sql: "DELETE FROM grants WHERE user_id = ? AND key_name = 'intake'", arguments: [user])
                #expect(db.changesCount == 1)
            }
            let stripped = try fixture.unlock("coord-anna")
            #expect(stripped.heldCompartments == [.stats])
            expectCaseVaultError(.permissionDenied) { try stripped.cases() }
            expectCaseVaultError(.permissionDenied) { try stripped.case(id) }
        }
    }

    @Test("only admins add users", arguments: [Role.coordinator, .lawyer, .auditor])
    func nonAdminsCannotAddUsers(_ role: Role) throws {
        try withVault { fixture in
            let session = try fixture.addUser("user-\(role.rawValue)", role)
            for newRole in Role.allCases {
                expectCaseVaultError(.permissionDenied) {
                    try session.addUser(name: "new-\(newRole.rawValue)", role: newRole,
                                        passphrase: SecureBytes(utf8: "x"), kdf: .interactive)
                }
            }
            #expect(try fixture.vault.userNames() == [VaultFixture.adminName, "user-\(role.rawValue)"].sorted())
        }
    }

    @Test("an admin adds users of every role, and a second admin can add users too")
    func adminsAddUsers() throws {
        try withVault { fixture in
            for role in Role.allCases { try fixture.register("user-\(role.rawValue)", role) }
            let listed = try fixture.admin.users()
            #expect(listed.map(\.name) == ["lead-admin", "user-admin", "user-auditor", "user-coordinator",
                                           "user-lawyer"])
            #expect(listed.map(\.role) == [.admin, .admin, .auditor, .coordinator, .lawyer])
            let second = try fixture.unlock("user-admin")
            try second.addUser(name: "coord-2", role: .coordinator,
                               passphrase: VaultFixture.passphrase(for: "coord-2"), kdf: .interactive)
            #expect(try fixture.unlock("coord-2").heldCompartments == [.intake, .stats])
        }
    }

    @Test("a duplicate user name is refused and changes nothing")
    func duplicateUserName() throws {
        try withVault { fixture in
            try fixture.register("coord-anna", .coordinator)
            let entries = try fixture.admin.verifyAuditLog()
            let error = expectCaseVaultError(.alreadyExists) {
                try fixture.admin.addUser(name: "coord-anna", role: .admin, passphrase: SecureBytes(utf8: "other"),
                                          kdf: .interactive)
            }
            #expect(error?.message.contains("coord-anna") == true)
            expectCaseVaultError(.alreadyExists) {
                try fixture.admin.addUser(name: VaultFixture.adminName, role: .auditor,
                                          passphrase: SecureBytes(utf8: "other"), kdf: .interactive)
            }
            #expect(try fixture.count("users") == 2)
            #expect(try fixture.admin.verifyAuditLog() == entries)
            // The original keeps its role and passphrase.
            #expect(try fixture.unlock("coord-anna").role == .coordinator)
        }
    }

    @Test("user names must be short pseudonyms without spaces or slashes", arguments: [
        "", "anna petrova", "anna/petrova", String(repeating: "a", count: 65), "anna;drop",
    ])
    func invalidUserNames(_ name: String) throws {
        try withVault { fixture throws in
            expectCaseVaultError(.invalidInput) {
                try fixture.admin.addUser(name: name, role: .coordinator, passphrase: SecureBytes(utf8: "p"),
                                          kdf: .interactive)
            }
            #expect(try fixture.count("users") == 1)
        }
    }
}
