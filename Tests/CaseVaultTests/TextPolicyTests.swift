import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// Free text is checked for identifying details: a warning by default, a refusal under the
/// vault's strict policy.
@Suite("Free-text policy")
struct TextPolicyTests {
    static let identifying: [(String, IdentifyingDetail)] = [
        ("Звонить по номеру +7 912 345-67-89 после восьми вечера.", .phoneNumber),
        ("Call him on 8 (912) 345 67 89 after work.", .phoneNumber),
        ("Пишет с почты ivan.petrov1990@mail.ru, другой связи нет.", .emailAddress),
        ("Паспорт 45 12 345678 остался в части.", .passportNumber),
        ("Passport 4512 345678 was taken by the commander.", .passportNumber),
        ("Служит в в/ч 12345 под Белгородом.", .unitNumber),
        ("Его войсковая часть 54321 стоит в Курской области.", .unitNumber),
        ("He serves in military unit 31135 near the border.", .unitNumber),
        ("Военный билет АВ 1234567 у него на руках.", .militaryID),
    ]

    static let clean = [
        "Мобилизован осенью 2022 года, сейчас в госпитале после ранения, хочет уволиться.",
        "Contract soldier, on leave until the end of the month, asks about safe exit options.",
        "Ранен 12 марта, в отпуске 30 дней; часть не выходит на связь.",
        "Served 2 years; 3 months at the front; needs help with documents.",
    ]

    @Test("identifying text gives a warning by default and the case is stored", arguments: identifying)
    func warningByDefault(_ narrative: String, _ detail: IdentifyingDetail) throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let receipt = try coordinator.intake(Synthetic.request(narrative: narrative))
            #expect(receipt.warnings == [TextFinding(field: "narrative", details: [detail])])
            #expect(receipt.warnings.first?.description.contains(detail.rawValue) == true)
            #expect(try coordinator.case(receipt.id).request.narrative == narrative)
            // The same check applies to notes.
            let findings = try coordinator.addNote(to: receipt.id, text: narrative)
            #expect(findings == [TextFinding(field: "note", details: [detail])])
        }
    }

    @Test("clean text gives no warning, also under the strict policy", arguments: clean)
    func cleanText(_ narrative: String) throws {
        try withVault { fixture in
            #expect(try fixture.admin.intake(Synthetic.request(narrative: narrative)).warnings.isEmpty)
            try fixture.admin.updateSettings(VaultSettings(strictTextPolicy: true))
            let receipt = try fixture.admin.intake(Synthetic.request(narrative: narrative))
            #expect(receipt.warnings.isEmpty)
            #expect(try fixture.admin.addNote(to: receipt.id, text: narrative).isEmpty)
            #expect(try fixture.count("cases") == 2)
        }
    }

    @Test("under the strict policy identifying text is refused and nothing is stored", arguments: identifying)
    func strictPolicyRefuses(_ narrative: String, _ detail: IdentifyingDetail) throws {
        try withVault { fixture in
            let existing = try fixture.admin.intake(Synthetic.request()).id
            try fixture.admin.updateSettings(VaultSettings(strictTextPolicy: true))
            #expect(fixture.admin.settings.strictTextPolicy)
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            #expect(coordinator.settings.strictTextPolicy)
            let entries = try fixture.admin.verifyAuditLog()

            let error = expectCaseVaultError(.identifyingText) {
                try coordinator.intake(Synthetic.request(narrative: narrative))
            }
            #expect(error?.message.contains(detail.rawValue) == true)
            #expect(error?.message.contains(narrative) == false, "the refused text is not echoed")
            expectCaseVaultError(.identifyingText) {
                try coordinator.intake([try Synthetic.request(), try Synthetic.request(narrative: narrative)])
            }
            expectCaseVaultError(.identifyingText) { try coordinator.addNote(to: existing, text: narrative) }
            expectCaseVaultError(.identifyingText) {
                try coordinator.addNote(to: existing, text: narrative, compartment: .legal)
            }
            #expect(try fixture.count("cases") == 1)
            #expect(try fixture.count("case_entries") == 0)
            #expect(try coordinator.case(existing).version == 1)
            #expect(try fixture.admin.verifyAuditLog() == entries)
        }
    }

    @Test("the strict policy is stored in the vault and survives reopening")
    func strictPolicyPersists() throws {
        try withVault { fixture in
            #expect(!fixture.admin.settings.strictTextPolicy)
            try fixture.admin.updateSettings(VaultSettings(strictTextPolicy: true, keepContactAfterClose: true,
                                                           timeZone: "Europe/Moscow"))
            let reopened = try Vault.open(at: fixture.path)
            let session = try reopened.unlock(user: VaultFixture.adminName,
                                              passphrase: VaultFixture.passphrase(for: VaultFixture.adminName))
            #expect(session.settings == VaultSettings(strictTextPolicy: true, keepContactAfterClose: true,
                                                      timeZone: "Europe/Moscow"))
            // Turned off again, identifying text is only a warning.
            try session.updateSettings(VaultSettings())
            let receipt = try fixture.unlock(VaultFixture.adminName)
                .intake(Synthetic.request(narrative: "в/ч 12345"))
            #expect(receipt.warnings.count == 1)
        }
    }

    @Test("a session opened before the policy turned strict follows it at once")
    func openSessionFollowsNewPolicy() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-early", .coordinator)
            let id = try coordinator.intake(Synthetic.request()).id
            try fixture.admin.updateSettings(VaultSettings(strictTextPolicy: true))
            expectCaseVaultError(.identifyingText) {
                try coordinator.intake(Synthetic.request(narrative: "звонить +7 912 345-67-89"))
            }
            expectCaseVaultError(.identifyingText) { try coordinator.addNote(to: id, text: "e-mail a.b@example.org") }
            #expect(coordinator.settings.strictTextPolicy)
            #expect(try coordinator.cases().count == 1)
        }
    }

    @Test("only admins change settings", arguments: [Role.coordinator, .lawyer, .auditor])
    func nonAdminsCannotChangeSettings(_ role: Role) throws {
        try withVault { fixture in
            let session = try fixture.addUser("user-\(role.rawValue)", role)
            let entries = try fixture.admin.verifyAuditLog()
            expectCaseVaultError(.permissionDenied) {
                try session.updateSettings(VaultSettings(strictTextPolicy: true))
            }
            #expect(!session.settings.strictTextPolicy)
            #expect(!(try fixture.unlock(VaultFixture.adminName).settings.strictTextPolicy))
            #expect(try fixture.admin.verifyAuditLog() == entries)
        }
    }

    @Test("an unknown time zone is refused", arguments: ["Mars/Olympus", "", "Moscow"])
    func unknownTimeZone(_ zone: String) throws {
        try withVault { fixture in
            expectCaseVaultError(.invalidInput) { try fixture.admin.updateSettings(VaultSettings(timeZone: zone)) }
            #expect(fixture.admin.settings.timeZone == "UTC")
        }
    }

    @Test("the finder reports each kind of detail it sees, and nothing in clean text")
    func findings() {
        let mixed = TextPolicy.findings(in: "Почта a.b@example.com, тел. +7 912 345-67-89, в/ч 12345",
                                        field: "narrative")
        #expect(Set(mixed?.details ?? []) == [.emailAddress, .phoneNumber, .unitNumber])
        for text in TextPolicyTests.clean {
            #expect(TextPolicy.findings(in: text, field: "narrative") == nil, "\(text)")
        }
        #expect(TextPolicy.findings(in: "", field: "narrative") == nil)
    }
}
