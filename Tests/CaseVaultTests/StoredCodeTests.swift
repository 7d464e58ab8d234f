import Testing

@testable import CaseVault

/// The stored codes are a promise to every vault already written: these tests fail when any code
/// changes, is reused, or is missing, whatever order the enums' cases are declared in.
@Suite struct StoredCodeTests {
    /// The codes as released, written out by spelling (0.4.0 stored these bytes).
    static let released: [String: [String: UInt8]] = [
        "channel": ["messenger": 0, "email": 1, "phone": 2, "in-person": 3, "partner": 4],
        "service": ["mobilized": 0, "contract": 1, "conscript": 2, "volunteer": 3, "unknown": 4],
        "situation": ["front": 0, "hospital": 1, "leave": 2, "awol": 3, "abroad": 4, "other": 5],
        "need": ["legal": 0, "exit": 1, "documents": 2, "medical": 3, "psychological": 4, "other": 5],
        "urgency": ["critical": 0, "high": 1, "normal": 2],
        "state": ["intake": 0, "awaiting-review": 1, "in-review": 2, "needs-info": 3, "referred": 4, "closed": 5],
        "outcome": ["open": 0, "advised": 1, "referral-completed": 2, "withdrawn": 3, "lost-contact": 4,
                    "duplicate": 5, "out-of-scope": 6],
        "role": ["coordinator": 0, "lawyer": 1, "auditor": 2, "admin": 3],
        "compartment": ["intake": 0, "legal": 1, "stats": 2, "audit": 3],
        "event": ["submit": 0, "begin-review": 1, "request-info": 2, "refer": 3, "referral-accepted": 4,
                  "referral-declined": 5, "reassign": 6, "close": 7, "reopen": 8],
        "packet-field": ["received": 0, "channel": 1, "region": 2, "district": 3, "service": 4, "situation": 5,
                         "needs": 6, "urgency": 7, "deadline": 8, "contact": 9, "narrative": 10],
        "district": ["central": 0, "northwestern": 1, "southern": 2, "north-caucasian": 3, "volga": 4, "ural": 5,
                     "siberian": 6, "far-eastern": 7, "other": 8, "unknown": 9],
    ]

    static func table<Value: StoredVocabulary>(_: Value.Type) -> [String: UInt8] {
        Dictionary(uniqueKeysWithValues: Value.allCases.map { ($0.rawValue, $0.code) })
    }

    @Test func everyVocabularyKeepsItsReleasedCodes() {
        #expect(Self.table(Channel.self) == Self.released["channel"])
        #expect(Self.table(ServiceCategory.self) == Self.released["service"])
        #expect(Self.table(Situation.self) == Self.released["situation"])
        #expect(Self.table(Need.self) == Self.released["need"])
        #expect(Self.table(Urgency.self) == Self.released["urgency"])
        #expect(Self.table(CaseState.self) == Self.released["state"])
        #expect(Self.table(Outcome.self) == Self.released["outcome"])
        #expect(Self.table(Role.self) == Self.released["role"])
        #expect(Self.table(Compartment.self) == Self.released["compartment"])
        #expect(Self.table(WorkflowEvent.self) == Self.released["event"])
        #expect(Self.table(PacketField.self) == Self.released["packet-field"])
        #expect(Self.table(FederalDistrict.self) == Self.released["district"])
    }

    static func roundTrips<Value: StoredVocabulary>(_: Value.Type) throws -> Bool {
        try Value.allCases.allSatisfy { try Value.decode($0.code) == $0 }
    }

    @Test func codesDecodeToTheirValuesAndUnknownCodesAreDamage() throws {
        #expect(try Self.roundTrips(Channel.self))
        #expect(try Self.roundTrips(Outcome.self))
        #expect(try Self.roundTrips(WorkflowEvent.self))
        #expect(try Self.roundTrips(PacketField.self))
        #expect(throws: RecordDecodingError.self) { try CaseState.decode(6) }
        #expect(throws: RecordDecodingError.self) { try Urgency.decode(255) }
        #expect(throws: RecordDecodingError.self) { try Role.decode(4) }
    }

    @Test func needMasksUseTheNeedsCodesAsBits() throws {
        #expect(Set<Need>([.legal, .exit]).mask == 0b11)
        #expect(Set<Need>([.psychological]).mask == 0b1_0000)
        #expect(try Set<Need>(mask: 0b10_0001) == [.legal, .other])
        #expect(throws: RecordDecodingError.self) { try Set<Need>(mask: 0b100_0000) }
    }

    @Test func everyRegionHasAFixedDistinctCode() {
        #expect(StoredCodes.region.count == Region.all.count)
        #expect(Set(StoredCodes.region.values).count == StoredCodes.region.count)
        for region in Region.all { #expect(StoredCodes.region[region.code] != nil, "\(region) has no stored code") }
        #expect(StoredCodes.region["unknown"] == 0)
        #expect(StoredCodes.region["RU-AD"] == 1)
        #expect(StoredCodes.region["RU-MOW"] == 43)
        #expect(StoredCodes.region["RU-SVE"] == 66)
        #expect(StoredCodes.region["RU-ZAB"] == 83)
        #expect(StoredCodes.region["UA-65"] == 89)
    }

    /// Ordering (listings, export categories) follows the vocabulary, not the stored codes.
    @Test func orderIsTheVocabularysNotTheCodes() {
        #expect(Urgency.critical < Urgency.high && Urgency.high < Urgency.normal)
        #expect(Need.allCases.sorted() == Need.allCases.map { $0 })
        #expect(CaseState.allCases.map(\.ordinal) == Array(0..<CaseState.allCases.count))
    }
}
