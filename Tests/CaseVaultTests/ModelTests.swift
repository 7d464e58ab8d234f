import Foundation
import SodiumKit
import Testing

@testable import CaseVault

@Suite("Case ids")
struct CaseIDTests {
    @Test("a random id round-trips through its 26-character text, in either letter case")
    func roundTrip() throws {
        for _ in 0..<200 {
            let id = CaseID.random()
            let text = id.description
            #expect(text.count == 26)
            #expect(text.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) })
            #expect(try CaseID(parsing: text) == id)
            #expect(try CaseID(parsing: text.lowercased()) == id)
        }
    }

    @Test("known ids encode as expected", arguments: [
        ([UInt8](repeating: 0, count: 16), "00000000000000000000000000"),
        ([UInt8](repeating: 0xFF, count: 16), "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"),
        ([UInt8](repeating: 0, count: 15) + [1], "00000000000000000000000001"),
        ([0x80] + [UInt8](repeating: 0, count: 15), "40000000000000000000000000"),
    ])
    func knownAnswers(_ bytes: [UInt8], _ text: String) throws {
        let id = CaseID(checked: bytes)
        #expect(id.description == text)
        #expect(try CaseID(parsing: text).bytes == bytes)
    }

    @Test("Crockford aliases are accepted: O for 0, I and L for 1")
    func aliases() throws {
        let one = try CaseID(parsing: "00000000000000000000000001")
        #expect(try CaseID(parsing: "OOOOOOOOOOOOOOOOOOOOOOOOOI") == one)
        #expect(try CaseID(parsing: "0000000000000000000000000l") == one)
    }

    @Test("anything else is invalid input", arguments: [
        "", "0000000000000000000000000", "000000000000000000000000000", "8ZZZZZZZZZZZZZZZZZZZZZZZZZ",
        "0000000000000000000000000U", "000000000000000000000000-1", "00000000000000000000000 01",
        "0000000000000000000000000Ж",
    ])
    func invalid(_ text: String) {
        let error = expectCaseVaultError(.invalidInput) { try CaseID(parsing: text) }
        #expect(error?.message.contains("case id") == true)
    }

    @Test("ids order by their bytes")
    func ordering() throws {
        let low = try CaseID(parsing: "00000000000000000000000001")
        let high = try CaseID(parsing: "7ZZZZZZZZZZZZZZZZZZZZZZZZZ")
        #expect(low < high)
        #expect(!(high < low))
    }
}

@Suite("Regions")
struct RegionTests {
    @Test("codes are accepted in any letter case and canonicalised", arguments: [
        ("ru-sve", "RU-SVE", FederalDistrict.ural),
        ("RU-ORE", "RU-ORE", .volga),
        ("Ru-Mow", "RU-MOW", .central),
        ("RU-SPE", "RU-SPE", .northwestern),
        ("RU-KDA", "RU-KDA", .southern),
        ("RU-CE", "RU-CE", .northCaucasian),
        ("RU-NVS", "RU-NVS", .siberian),
        ("RU-BU", "RU-BU", .farEastern),
        ("RU-ZAB", "RU-ZAB", .farEastern),
        ("UA-43", "UA-43", .other),
        ("ua-14", "UA-14", .other),
        ("unknown", "unknown", .unknown),
        ("UNKNOWN", "unknown", .unknown),
    ])
    func accepted(_ input: String, _ canonical: String, _ district: FederalDistrict) throws {
        let region = try Region(code: input)
        #expect(region.code == canonical)
        #expect(region.description == canonical)
        #expect(region.district == district)
    }

    @Test("unknown codes are refused", arguments: [
        "", "RU", "RU-", "RU-XXX", "RU-SVEX", "SVE", "US-CA", "UA-30", "UA-99", "RU_SVE", " RU-SVE", "RU-CR",
    ])
    func refused(_ code: String) {
        let error = expectCaseVaultError(.invalidInput) { try Region(code: code) }
        #expect(error?.message.contains("region") == true)
    }

    @Test("the table has 83 Russian subjects, 6 occupied Ukrainian regions and unknown")
    func table() {
        let all = Region.all
        #expect(all.count == 90)
        #expect(all.filter { $0.code.hasPrefix("RU-") }.count == 83)
        #expect(all.filter { $0.code.hasPrefix("UA-") }.count == 6)
        #expect(all.last == .unknown)
        #expect(Set(all).count == 90)
        var perDistrict: [FederalDistrict: Int] = [:]
        for region in all { perDistrict[region.district, default: 0] += 1 }
        #expect(perDistrict == [.central: 18, .northwestern: 11, .southern: 6, .northCaucasian: 7, .volga: 14,
                                .ural: 6, .siberian: 10, .farEastern: 11, .other: 6, .unknown: 1])
        #expect(Region.districtTableVersion.isEmpty == false)
    }
}

@Suite("Calendar days")
struct CalendarDayTests {
    @Test("valid dates parse and print back", arguments: [
        "2023-09-14", "2024-02-29", "2000-02-29", "1900-01-01", "9999-12-31", "2023-04-30",
    ])
    func valid(_ text: String) throws {
        let day = try CalendarDay(parsing: text)
        #expect(day.description == text)
    }

    @Test("invalid dates and other spellings are refused", arguments: [
        "2023-02-30", "2023-9-1", "2023-09-1", "2023-9-01", "2023-02-29", "1900-02-29", "2023-13-01", "2023-00-10",
        "2023-04-31", "2023-09-00", "14.09.2023", "2023/09/14", "20230914", "", "2023-09-14 ", "1899-12-31",
        "2023-09-14T00:00",
    ])
    func invalid(_ text: String) {
        let error = expectCaseVaultError(.invalidInput) { try CalendarDay(parsing: text) }
        #expect(error?.message.contains("YYYY-MM-DD") == true)
    }

    // `Int("+9")` is 9: a sign inside a field must not pass as a digit.
    @Test("a sign inside a date field is not a date", arguments: ["2023-+9-01", "2023-09-+1", "+023-09-01"])
    func signedDayFields(_ text: String) {
        expectCaseVaultError(.invalidInput) { try CalendarDay(parsing: text) }
    }

    @Test("a sign inside a month field is not a month")
    func signedMonthField() throws {
        expectCaseVaultError(.invalidInput) { try YearMonth(parsing: "2023-+9") }
        #expect(try YearMonth(parsing: "2023-09").description == "2023-09")
    }

    @Test("days compare chronologically")
    func ordering() throws {
        #expect(try CalendarDay(parsing: "2023-09-14") < CalendarDay(parsing: "2023-10-01"))
        #expect(try CalendarDay(parsing: "2022-12-31") < CalendarDay(parsing: "2023-01-01"))
        #expect(!(try CalendarDay(parsing: "2023-09-14") < CalendarDay(parsing: "2023-09-14")))
        #expect(try CalendarDay(parsing: "2023-09-14").yearMonth.description == "2023-09")
    }

    @Test("months parse as YYYY-MM only", arguments: [("2023-09", true), ("2023-9", false), ("2023-13", false),
                                                       ("2023-00", false), ("23-09", false), ("2023-09-01", false)])
    func months(_ text: String, _ valid: Bool) throws {
        if valid {
            #expect(try YearMonth(parsing: text).description == text)
        } else {
            expectCaseVaultError(.invalidInput) { try YearMonth(parsing: text) }
        }
    }
}

@Suite("Vocabulary")
struct VocabularyTests {
    @Test("spellings parse case-insensitively and unknown ones list the accepted values")
    func parse() throws {
        #expect(try Urgency.parse("CRITICAL", field: "urgency") == .critical)
        #expect(try Channel.parse("in-person", field: "channel") == .inPerson)
        #expect(try CaseState.parse("awaiting-review", field: "state") == .awaitingReview)
        let error = expectCaseVaultError(.invalidInput) { try Urgency.parse("urgent", field: "urgency") }
        #expect(error?.message.contains("critical, high, normal") == true)
        expectCaseVaultError(.invalidInput) { try Need.parse("name", field: "need") }
    }

    @Test("needs survive their bit mask, and a mask with unknown bits is refused")
    func needMask() throws {
        for need in Need.allCases {
            #expect(try Set<Need>(mask: Set([need]).mask) == [need])
        }
        let all = Set(Need.allCases)
        #expect(try Set<Need>(mask: all.mask) == all)
        #expect(throws: RecordDecodingError.self) { try Set<Need>(mask: 0x80) }
    }

    @Test("urgency orders critical before high before normal")
    func urgencyOrder() {
        #expect(Urgency.allCases.sorted() == [.critical, .high, .normal])
        #expect(Urgency.critical < .normal)
        #expect(!(Urgency.normal < .high))
    }

    @Test("errors describe themselves with their message and no more")
    func errorDescription() {
        let error = CaseVaultError(.notFound, "no case X")
        #expect(error.description == "no case X")
        #expect(error.code.description == "not-found")
        #expect(CaseVaultError.wrongPassphrase("anna").message
                == "wrong passphrase for anna (or its keyslot is damaged)")
    }
}

/// Timestamps and today's date are computed by hand; they must say what Foundation says.
@Suite struct ClockTests {
    @Test("ISO 8601 timestamps equal ISO8601DateFormatter's, across eras, leap days and negative times")
    func timestampsMatchFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var random = SplitMix64(seed: 8601)
        let samples: [Int64] = [0, -1, 86_399, 86_400, 951_782_400, 951_868_799, 1_700_000_000, 1_795_000_000,
                                -2_208_988_800, 253_402_300_799]
            + (0..<2_000).map { _ in Int64(random.next() % 253_402_300_799) - 2_208_988_800 }
        for seconds in samples {
            #expect(Clock.iso8601(seconds) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))),
                    "\(seconds)")
        }
        #expect(Clock.iso8601(1_700_000_000) == "2023-11-14T22:13:20Z")
    }

    @Test("today's date in a time zone equals Foundation's calendar")
    func calendarDayMatchesFoundation() throws {
        var random = SplitMix64(seed: 1900)
        for zone in ["UTC", "Europe/Moscow", "Asia/Vladivostok", "America/Los_Angeles", "Not/AZone"] {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!
            for _ in 0..<500 {
                let seconds = Int64(random.next() % 4_000_000_000) - 500_000_000
                let parts = calendar.dateComponents([.year, .month, .day],
                                                    from: Date(timeIntervalSince1970: TimeInterval(seconds)))
                let day = CalendarDay.from(unixSeconds: seconds, timeZone: zone)
                #expect([day.year, day.month, day.day] == [parts.year, parts.month, parts.day], "\(zone) \(seconds)")
            }
        }
        #expect(CalendarDay.from(unixSeconds: -5_000_000_000, timeZone: "UTC") == CalendarDay.earliest)
        #expect(CalendarDay.from(unixSeconds: .max / 2, timeZone: "UTC") == CalendarDay.latest)
    }
}
