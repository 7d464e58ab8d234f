import CaseVault
import Foundation
import GRDB
import Testing

@Suite("Listing pages, contact search, status, early role checks, received dates, partner names")
struct DayWorkLibraryTests {
    @Test("filters of several values match any of them; pages slice the listing and count the whole")
    func filtersAndPages() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            var ids: [CaseID] = []
            for (day, urgency) in [("2023-09-01", Urgency.high), ("2023-09-02", .normal), ("2023-09-03", .critical)] {
                ids.append(try coordinator.intake(Synthetic.request(received: day, urgency: urgency)).id)
            }
            _ = try coordinator.perform(.submit, on: ids[1])
            let all = try coordinator.cases()
            #expect(try coordinator.cases(CaseFilter(states: [.intake, .awaitingReview])) == all)
            #expect(try coordinator.cases(CaseFilter(states: [.awaitingReview])).map(\.id) == [ids[1]])
            #expect(try coordinator.cases(CaseFilter(states: [], urgencies: [.high, .critical])).map(\.id)
                    == [ids[2], ids[0]])
            let page = try coordinator.cases(CaseFilter(), offset: 1, limit: 1)
            #expect(page.cases == [all[1]] && page.total == 3 && page.offset == 1)
            #expect(try coordinator.cases(CaseFilter(), offset: 5, limit: 2).cases.isEmpty)
            expectCaseVaultError(.invalidInput) { try coordinator.cases(CaseFilter(), offset: -1, limit: nil) }
            expectCaseVaultError(.invalidInput) { try coordinator.cases(CaseFilter(), offset: 0, limit: 0) }
        }
    }

    @Test("cases sharing a contact: any spelling, open or with a kept contact; an auditor is refused")
    func sharingContact() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let auditor = try fixture.addUser("auditor-vera", .auditor)
            let first = try coordinator.intake(Synthetic.request(contact: "@Soldier_Ivan")).id
            let second = try coordinator.intake(Synthetic.request(contact: "soldier_ivan")).id
            _ = try coordinator.intake(Synthetic.request(contact: "@someone_else"))
            let closedAndErased = try coordinator.intake(Synthetic.request(contact: "@soldier_ivan")).id
            _ = try coordinator.perform(.close, on: closedAndErased, with: WorkflowInputs(outcome: .duplicate))
            #expect(Set(try coordinator.cases(sharingContact: " @SOLDIER_IVAN ").map(\.id)) == [first, second])
            #expect(try coordinator.cases(sharingContact: "@nobody").isEmpty)
            expectCaseVaultError(.invalidInput) { try coordinator.cases(sharingContact: " @ ") }
            expectCaseVaultError(.permissionDenied) { try auditor.cases(sharingContact: "@soldier_ivan") }

            // With keep-contact on, a closed case keeps its contact and is found, in state closed.
            var settings = fixture.admin.settings
            settings.keepContactAfterClose = true
            try fixture.admin.updateSettings(settings)
            let kept = try coordinator.intake(Synthetic.request(contact: "@soldier_ivan")).id
            _ = try coordinator.perform(.close, on: kept, with: WorkflowInputs(outcome: .withdrawn))
            let found = try coordinator.cases(sharingContact: "soldier_ivan")
            #expect(Set(found.map(\.id)) == [first, second, kept])
            #expect(found.first { $0.id == kept }?.state == .closed)
        }
    }

    @Test("a contact ciphertext moved to another case stops the search naming the case")
    func sharingContactTamper() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let victim = try coordinator.intake(Synthetic.request(contact: "@soldier_ivan")).id
            let other = try coordinator.intake(Synthetic.request(contact: "@soldier_petr")).id
            // Someone holding the file moves another case's sealed contact onto the victim's row.
            try fixture.setCaseBlob(victim, "contact", to: try fixture.caseBlob(other, "contact"))
            let error = expectCaseVaultError(.integrity) { try coordinator.cases(sharingContact: "@soldier_ivan") }
            #expect(error?.message.contains(victim.description) == true)
        }
    }

    @Test("status counts users by role and cases by state for every role; only key holders see overdue cases")
    func status() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let auditor = try fixture.addUser("auditor-vera", .auditor)
            _ = try fixture.addUser("lawyer-boris", .lawyer)
            let late = try coordinator.intake(Synthetic.request(deadline: "2023-09-20")).id
            _ = try coordinator.intake(Synthetic.request())
            _ = try coordinator.perform(.submit, on: late)
            let status = try coordinator.status()
            #expect(status.formatVersion == 2 && status.softwareVersion == Vault.softwareVersion)
            #expect(status.usersByRole.map(\.count) == [1, 1, 1, 1])
            #expect(status.casesByState.first { $0.state == .intake }?.count == 1)
            #expect(status.casesByState.first { $0.state == .awaitingReview }?.count == 1)
            #expect(status.caseCount == 2 && status.overdue == 1 && status.auditEntries >= 7)
            #expect(status.lastCheckpoint == nil && status.fileBytes > 0)
            let seen = try auditor.status()
            #expect(seen.overdue == nil)
            #expect(seen.casesByState.map(\.count) == status.casesByState.map(\.count))
        }
    }

    @Test("a role without the permission is refused before unlock, with the session's own words")
    func earlyRoleCheck() throws {
        try withVault { fixture in
            _ = try fixture.addUser("auditor-vera", .auditor)
            _ = try fixture.addUser("coord-anna", .coordinator)
            let early = expectCaseVaultError(.permissionDenied) {
                try fixture.vault.check(.listCases, user: "auditor-vera")
            }
            let late = expectCaseVaultError(.permissionDenied) { try fixture.unlock("auditor-vera").cases() }
            #expect(early?.message == late?.message)
            try fixture.vault.check(.logRequests, user: "coord-anna")
            try fixture.vault.check(.submit, user: "coord-anna")
            expectCaseVaultError(.permissionDenied) { try fixture.vault.check(.beginReview, user: "coord-anna") }
            expectCaseVaultError(.permissionDenied) { try fixture.vault.check(.submit, user: "auditor-vera") }
            // An unknown user passes here: unlock reports it.
            try fixture.vault.check(.addUsers, user: "nobody")
            for permission in Permission.allCases {
                #expect(permission.roles.contains(.admin) && !permission.roles.contains(.auditor))
            }

            // A role changed in the file is not believed: the record no longer verifies, so the early
            // check lets unlock find the damage.
            try fixture.tamper { db in
                try db.execute(sql: "UPDATE users SET role = 'admin' WHERE name = 'auditor-vera'")
            }
            try fixture.vault.check(.addUsers, user: "auditor-vera")
            expectCaseVaultError(.integrity) { try fixture.unlock("auditor-vera") }
        }
    }

    @Test("a request received after today is refused, in one intake and in a batch")
    func futureReceived() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let today = CalendarDay.today(inTimeZone: fixture.admin.settings.timeZone)
            let tomorrow = try CalendarDay(parsing: DayWorkLibraryTests.shift(today, days: 1))
            var request = try Synthetic.request()
            request.received = tomorrow
            let error = expectCaseVaultError(.invalidInput) { try coordinator.intake(request) }
            #expect(error?.message.contains("after today") == true)
            #expect(error?.subject == .init(.receivedDate, tomorrow.description))
            request.received = today
            _ = try coordinator.intake(request)
            let lines = Synthetic.jsonLines([
                try Synthetic.jsonLine(), try Synthetic.jsonLine(["received": tomorrow.description]),
            ])
            let refused = expectCaseVaultError(.invalidInput) { try coordinator.importRequests(jsonLines: lines) }
            #expect(refused?.message.contains("line 2") == true)
            let report = try coordinator.importRequests(jsonLines: lines, skipBadLines: true)
            #expect(report.receipts.count == 1 && report.skipped.map(\.line) == [2])
        }
    }

    static func shift(_ day: CalendarDay, days: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = day.description.split(separator: "-").compactMap { Int($0) }
        let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) ?? Date()
        let moved = calendar.date(byAdding: .day, value: days, to: date) ?? date
        let out = calendar.dateComponents([.year, .month, .day], from: moved)
        return String(format: "%04d-%02d-%02d", out.year ?? 0, out.month ?? 0, out.day ?? 0)
    }

    @Test("a partner's display name is signed: changed, added or removed in the file, the registry refuses")
    func partnerDisplayNameSigned() throws {
        try withVault { fixture in
            try fixture.admin.addPartner(Partner(name: "safe-exit", displayName: "Safe Exit Foundation",
                                                 services: [.exit]))
            try fixture.admin.addPartner(Partner(name: "docs-ngo", services: [.documents]))
            #expect(try fixture.admin.partners().map(\.title) == ["docs-ngo", "Safe Exit Foundation"])
            expectCaseVaultError(.invalidInput) {
                try fixture.admin.addPartner(Partner(name: "x", displayName: " padded ", services: [.legal]))
            }
            expectCaseVaultError(.invalidInput) {
                try fixture.admin.addPartner(Partner(name: "two words", services: [.legal]))
            }
            for (change, name) in [("display_name = 'Another Name'", "safe-exit"), ("display_name = NULL", "safe-exit"),
                                   ("display_name = 'Docs NGO'", "docs-ngo")] {
                try fixture.tamper { db in
                    try db.execute(sql: "UPDATE partners SET \(change) WHERE name = ?", arguments: [name])
                }
                let error = expectCaseVaultError(.integrity) { try fixture.admin.partners() }
                #expect(error?.message.contains(name) == true, "\(change)")
                try fixture.tamper { db in
                    try db.execute(sql: """
                        UPDATE partners SET display_name = CASE name WHEN 'safe-exit' THEN 'Safe Exit Foundation'
                        ELSE NULL END
                        """)
                }
                #expect(try fixture.admin.partners().count == 2)
            }
        }
    }
}
