import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// Listings: order, filters, overdue, and ciphertext lengths that leak only buckets.
@Suite("Listing and padding")
struct ListingTests {
    /// Puts a case into `state` by re-sealing its summary at its current version, as the
    /// workflow's events will (they come in a later step); nothing else about the case changes.
    static func forceState(_ state: CaseState, outcome: Outcome, of id: CaseID, session: Session,
                           fixture: VaultFixture) throws {
        // The case's summary row and its projection slot both say the forced state (its signed
        // history does not, so `case(_:)` refuses it).
        try fixture.setCaseBlob(id, "summary", to: try session.database.read("read") { store in
            let row = try #require(try store.caseRow(id: id.bytes))
            var summary = try session.cipher.openSummary([UInt8](row.summary), id: id, version: UInt64(row.version),
                                                         keyVersion: UInt32(row.keyVersion))
            (summary.state, summary.outcome) = (state, outcome)
            return session.cipher.sealSummary(summary, id: id, version: UInt64(row.version),
                                              intake: try session.keys.compartment(.intake, for: "test"))
        })
        try session.database.write("force a state") { store in
            let row = try #require(try store.caseRow(id: id.bytes))
            let version = UInt64(row.version)
            let summary = try session.cipher.openSummary([UInt8](row.summary), id: id, version: version,
                                                         keyVersion: UInt32(row.keyVersion))
            var stats = try session.cipher.openStats([UInt8](row.stats), id: id, version: version,
                                                     keyVersion: UInt32(row.statsKeyVersion))
            (stats.state, stats.outcome) = (state, outcome)
            var projections = try ProjectionWriter(store, keys: session.keys)
            try projections.update(id, slot: row.slot, summary: summary, stats: stats)
            try projections.commit()
        }
    }

    /// Seven cases whose listing order is known: (label, urgency, deadline, received).
    static let scene: [(String, Urgency, String?, String)] = [
        ("A", .normal, nil, "2023-09-01"),
        ("B", .critical, "2023-10-10", "2023-09-05"),
        ("C", .high, "2023-09-20", "2023-09-10"),
        ("D", .critical, nil, "2023-09-02"),
        ("E", .critical, "2023-10-01", "2023-09-07"),
        ("F", .high, nil, "2023-09-03"),
        ("G", .high, "2023-09-20", "2023-09-08"),
        ("H", .normal, "2023-12-01", "2023-11-30"),
    ]

    static func logScene(_ session: Session) throws -> [String: CaseID] {
        var ids: [String: CaseID] = [:]
        // Logged in an order unrelated to the expected listing order.
        for (label, urgency, deadline, received) in scene.reversed() {
            ids[label] = try session.intake(Synthetic.request(received: received, urgency: urgency,
                                                              deadline: deadline)).id
        }
        return ids
    }

    @Test("cases list by urgency, then deadline with none last, then received date")
    func listingOrder() throws {
        try withVault { fixture in
            let coordinator = try fixture.addUser("coord-anna", .coordinator)
            let ids = try ListingTests.logScene(coordinator)
            let listed = try coordinator.cases()
            let expected = ["E", "B", "D", "G", "C", "F", "H", "A"]
            #expect(listed.map(\.id) == expected.compactMap { ids[$0] })
            #expect(listed.map(\.urgency) == [.critical, .critical, .critical, .high, .high, .high, .normal, .normal])
            let first = try #require(listed.first)
            #expect(first.deadline?.description == "2023-10-01")
            #expect(first.received.description == "2023-09-07")
            #expect(first.state == .intake)
            #expect(first.outcome == .open)
            #expect(first.region.code == "RU-SVE")
            #expect(first.needs == [.legal, .exit])
            #expect(first.assignee == nil)
        }
    }

    @Test("the listing order compares urgency before deadline and deadline before received date")
    func listingOrderPairs() throws {
        func summary(_ urgency: Urgency, _ deadline: String?, _ received: String) throws -> CaseSummary {
            CaseSummary(id: CaseID.random(), received: try Synthetic.day(received), state: .intake, outcome: .open,
                        urgency: urgency, deadline: try deadline.map(Synthetic.day), assignee: nil,
                        region: .unknown, needs: [.legal])
        }
        let critical = try summary(.critical, nil, "2023-01-01")
        let high = try summary(.high, "2020-01-01", "2020-01-01")
        #expect(Session.listingOrder(critical, high))
        #expect(!Session.listingOrder(high, critical))
        let early = try summary(.high, "2023-05-01", "2023-04-30")
        let none = try summary(.high, nil, "2020-01-01")
        #expect(Session.listingOrder(early, none))
        #expect(!Session.listingOrder(none, early))
        let older = try summary(.high, "2023-05-01", "2023-04-01")
        #expect(Session.listingOrder(older, early))
        #expect(!Session.listingOrder(early, older))
    }

    @Test("filters by urgency and state")
    func filters() throws {
        try withVault { fixture in
            let lawyer = try fixture.addUser("lawyer-boris", .lawyer)
            let ids = try ListingTests.logScene(lawyer)
            #expect(try lawyer.cases(CaseFilter(urgency: .critical)).map(\.id)
                    == ["E", "B", "D"].compactMap { ids[$0] })
            #expect(try lawyer.cases(CaseFilter(urgency: .normal)).map(\.id) == ["H", "A"].compactMap { ids[$0] })
            #expect(try lawyer.cases(CaseFilter(state: .intake)).count == 8)
            #expect(try lawyer.cases(CaseFilter(state: .inReview)).isEmpty)

            let closed = try #require(ids["B"])
            try ListingTests.forceState(.closed, outcome: .advised, of: closed, session: lawyer, fixture: fixture)
            #expect(try lawyer.cases(CaseFilter(state: .closed)).map(\.id) == [closed])
            #expect(try lawyer.cases(CaseFilter(state: .intake)).count == 7)
            #expect(try lawyer.cases(CaseFilter(state: .closed, urgency: .critical)).map(\.id) == [closed])
            #expect(try lawyer.cases(CaseFilter(state: .closed, urgency: .high)).isEmpty)
            #expect(try lawyer.cases().count == 8)
        }
    }

    @Test("an unknown assignee is not found; a known one with no cases lists nothing")
    func assigneeFilter() throws {
        try withVault { fixture in
            try fixture.register("lawyer-boris", .lawyer)
            _ = try ListingTests.logScene(fixture.admin)
            expectCaseVaultError(.notFound) { try fixture.admin.cases(CaseFilter(assignee: "lawyer-nobody")) }
            #expect(try fixture.admin.cases(CaseFilter(assignee: "lawyer-boris")).isEmpty)
        }
    }

    static func day(offset: Int) throws -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let date = try #require(calendar.date(byAdding: .day, value: offset, to: Date()))
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return try CalendarDay(year: try #require(parts.year), month: try #require(parts.month),
                               day: try #require(parts.day)).description
    }

    @Test("overdue lists only open cases whose deadline is before today")
    func overdue() throws {
        try withVault { fixture in
            let session = fixture.admin
            let yesterday = try session.intake(Synthetic.request(received: "2023-09-01",
                                                                 deadline: try ListingTests.day(offset: -1))).id
            let longAgo = try session.intake(Synthetic.request(received: "2023-09-01", urgency: .normal,
                                                               deadline: "2023-09-20")).id
            for offset in [0, 1] {
                _ = try session.intake(Synthetic.request(received: "2023-09-01",
                                                         deadline: try ListingTests.day(offset: offset)))
            }
            _ = try session.intake(Synthetic.request(received: "2023-09-01", deadline: nil))
            let closedLate = try session.intake(Synthetic.request(received: "2023-09-01", deadline: "2023-09-10")).id
            try ListingTests.forceState(.closed, outcome: .withdrawn, of: closedLate, session: session,
                                        fixture: fixture)

            #expect(try session.cases(CaseFilter(overdue: true)).map(\.id) == [yesterday, longAgo])
            #expect(try session.cases(CaseFilter(urgency: .normal, overdue: true)).map(\.id) == [longAgo])
            #expect(try session.cases().count == 6)
        }
    }

    @Test("overdue follows the vault's time zone")
    func overdueTimeZone() throws {
        try withVault { fixture in
            let session = fixture.admin
            // Somewhere on Earth it is already tomorrow, and somewhere it is still yesterday.
            let ahead = CalendarDay.today(inTimeZone: "Pacific/Kiritimati")
            let behind = CalendarDay.today(inTimeZone: "Pacific/Pago_Pago")
            #expect(behind < ahead)
            let id = try session.intake(Synthetic.request(deadline: behind.description)).id
            try session.updateSettings(VaultSettings(timeZone: "Pacific/Kiritimati"))
            #expect(try session.cases(CaseFilter(overdue: true)).map(\.id) == [id])
            try session.updateSettings(VaultSettings(timeZone: "Pacific/Pago_Pago"))
            #expect(try session.cases(CaseFilter(overdue: true)).isEmpty)
        }
    }

    @Test("narratives of very different lengths under 200 bytes have ciphertexts of equal length")
    func contentPadding() throws {
        try withVault { fixture in
            let session = fixture.admin
            let short = try session.intake(Synthetic.request(narrative: "Ранен.")).id
            let long = try session.intake(Synthetic.request(
                region: "RU-BU", narrative: String(repeating: "Мобилизован, ", count: 7) + "нужна помощь.")).id
            let none = try session.intake(Synthetic.request(narrative: nil)).id
            let longNarrative = try #require(try session.case(long).request.narrative)
            #expect(longNarrative.utf8.count > 150 && longNarrative.utf8.count < 200)

            let lengths = try [short, long, none].map { try fixture.caseBlob($0, "content").count }
            #expect(Set(lengths).count == 1, "content lengths \(lengths)")
            let overhead = XChaCha20Poly1305.overhead
            #expect(lengths.allSatisfy { ($0 - overhead) % 256 == 0 }, "\(lengths)")

            // A longer narrative lands in a bigger bucket: the length leaks only the bucket.
            let bigger = try session.intake(Synthetic.request(narrative: String(repeating: "x", count: 600))).id
            let biggerLength = try fixture.caseBlob(bigger, "content").count
            #expect(biggerLength > lengths[0])
            #expect((biggerLength - overhead) % 256 == 0)
        }
    }

    @Test("contacts, summaries and notes are padded to their blocks")
    func shortFieldPadding() throws {
        try withVault { fixture in
            let session = fixture.admin
            let first = try session.intake(Synthetic.request(received: "2023-09-01", region: "RU-BU", urgency: .normal,
                                                             contact: "@a")).id
            let second = try session.intake(Synthetic.request(received: "2023-12-31", region: "UA-43",
                                                              deadline: "2024-01-15", needs: Set(Need.allCases),
                                                              contact: "+7 (912) 345-67-89 ext")).id
            let overhead = XChaCha20Poly1305.overhead
            for column in ["contact", "summary", "stats"] {
                let lengths = try [first, second].map { try fixture.caseBlob($0, column).count }
                #expect(lengths[0] == lengths[1], "\(column) lengths \(lengths)")
                #expect((lengths[0] - overhead) % 64 == 0, "\(column) lengths \(lengths)")
            }
            try session.addNote(to: first, text: "Ок.")
            try session.addNote(to: second, text: String(repeating: "Перезвонить позже. ", count: 3))
            let notes = try [first, second].map {
                try fixture.blob("case_entries", "body", where: "case_id = ?", [Data($0.bytes)]).count
            }
            #expect(notes[0] == notes[1], "note lengths \(notes)")
            #expect((notes[0] - overhead) % 256 == 0)
        }
    }
}

@Suite struct ListingOrderTests {
    @Test("the packed-key sort of a listing gives exactly the order listingOrder defines")
    func packedSortMatchesDefinition() throws {
        var random = SplitMix64(seed: 42)
        let days = try ["2023-01-05", "2023-01-06", "2023-12-31", "2024-02-29", "2025-07-01"].map(CalendarDay.init(parsing:))
        let summaries = (0..<600).map { _ in
            CaseSummary(id: CaseID(checked: (0..<16).map { _ in UInt8(truncatingIfNeeded: random.next() % 3) }),
                        received: days[Int(random.next() % 5)], state: .intake, outcome: .open,
                        urgency: Urgency.allCases[Int(random.next() % 3)],
                        deadline: random.next() % 3 == 0 ? nil : days[Int(random.next() % 5)],
                        assignee: nil, region: .unknown, needs: [.legal])
        }
        #expect(Session.sortedForListing(summaries) == summaries.sorted(by: Session.listingOrder))
    }
}
