import SodiumKit

/// The plaintext layouts kept inside a case's ciphertexts, each with a leading version byte.

/// The intake content: the request's facts and narrative, with who logged it and when.
struct CaseContent {
    let createdBy: UserID
    let createdAt: Int64
    let request: Request

    var encoded: [UInt8] {
        var writer = RecordWriter(capacity: 96 + (request.narrative?.utf8.count ?? 0))
        writer.u8(1)
        writer.field(createdBy.bytes)
        writer.i64(createdAt)
        writer.u32(request.received.packed)
        writer.u8(request.channel.code)
        writer.field(request.region.code)
        writer.u8(request.service.code)
        writer.u8(request.situation.code)
        writer.u8(request.needs.mask)
        writer.u8(request.urgency.code)
        writer.optionalField(request.deadline.map { AssociatedData.bigEndian32($0.packed) })
        writer.optionalField(request.narrative.map { Array($0.utf8) })
        return writer.bytes
    }

    init(createdBy: UserID, createdAt: Int64, request: Request) {
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.request = request
    }

    init(decoding bytes: [UInt8]) throws {
        var reader = RecordReader(bytes)
        guard try reader.u8() == 1 else { throw RecordDecodingError() }
        createdBy = UserID(bytes: try reader.field())
        createdAt = try reader.i64()
        let received = try CalendarDay(packed: try reader.u32())
        let channel = try Channel.decode(try reader.u8())
        guard let region = try? Region(code: try reader.string()) else { throw RecordDecodingError() }
        let service = try ServiceCategory.decode(try reader.u8())
        let situation = try Situation.decode(try reader.u8())
        let needs = try Set<Need>(mask: try reader.u8())
        let urgency = try Urgency.decode(try reader.u8())
        let deadline = try reader.optionalField().map { bytes -> CalendarDay in
            var inner = RecordReader(bytes)
            return try CalendarDay(packed: try inner.u32())
        }
        let narrative = try reader.optionalField().map { bytes -> String in
            guard let text = String(validating: bytes, as: UTF8.self) else { throw RecordDecodingError() }
            return text
        }
        try reader.finish()
        request = Request(received: received, channel: channel, region: region, service: service,
                          situation: situation, needs: needs, urgency: urgency, deadline: deadline,
                          narrative: narrative)
    }
}

/// The per-case summary used for listings: readable with the intake key alone, one
/// decryption per case.
struct SummaryRecord: Equatable {
    var state: CaseState
    var outcome: Outcome
    var urgency: Urgency
    var received: CalendarDay
    var deadline: CalendarDay?
    var assignee: UserID?
    var region: Region
    var needs: Set<Need>

    var encoded: [UInt8] {
        var writer = RecordWriter(capacity: 64)
        writer.u8(1)
        writer.u8(state.code)
        writer.u8(outcome.code)
        writer.u8(urgency.code)
        writer.u32(received.packed)
        writer.optionalField(deadline.map { AssociatedData.bigEndian32($0.packed) })
        writer.optionalField(assignee?.bytes)
        writer.field(region.code)
        writer.u8(needs.mask)
        return writer.bytes
    }

    init(state: CaseState, outcome: Outcome, urgency: Urgency, received: CalendarDay, deadline: CalendarDay?,
         assignee: UserID?, region: Region, needs: Set<Need>) {
        self.state = state
        self.outcome = outcome
        self.urgency = urgency
        self.received = received
        self.deadline = deadline
        self.assignee = assignee
        self.region = region
        self.needs = needs
    }

    init(state: CaseState, outcome: Outcome, request: Request, assignee: UserID?) {
        self.state = state
        self.outcome = outcome
        urgency = request.urgency
        received = request.received
        deadline = request.deadline
        self.assignee = assignee
        region = request.region
        needs = request.needs
    }

    init(decoding bytes: [UInt8]) throws {
        var reader = RecordReader(bytes)
        guard try reader.u8() == 1 else { throw RecordDecodingError() }
        state = try CaseState.decode(try reader.u8())
        outcome = try Outcome.decode(try reader.u8())
        urgency = try Urgency.decode(try reader.u8())
        received = try CalendarDay(packed: try reader.u32())
        deadline = try reader.optionalField().map { bytes -> CalendarDay in
            var inner = RecordReader(bytes)
            return try CalendarDay(packed: try inner.u32())
        }
        assignee = try reader.optionalField().map(UserID.init(bytes:))
        guard let region = try? Region(code: try reader.string()) else { throw RecordDecodingError() }
        self.region = region
        needs = try Set<Need>(mask: try reader.u8())
        try reader.finish()
    }
}

/// Exactly the export dimensions of a case, under the stats key: month, region, service,
/// situation, needs, state, outcome (the district follows from the region).
struct StatsRecord: Equatable {
    var month: YearMonth
    var region: Region
    var service: ServiceCategory
    var situation: Situation
    var needs: Set<Need>
    var state: CaseState
    var outcome: Outcome

    var encoded: [UInt8] {
        var writer = RecordWriter(capacity: 32)
        writer.u8(1)
        writer.u32(UInt32(month.year * 100 + month.month))
        writer.field(region.code)
        writer.u8(service.code)
        writer.u8(situation.code)
        writer.u8(needs.mask)
        writer.u8(state.code)
        writer.u8(outcome.code)
        return writer.bytes
    }

    init(month: YearMonth, region: Region, service: ServiceCategory, situation: Situation, needs: Set<Need>,
         state: CaseState, outcome: Outcome) {
        self.month = month
        self.region = region
        self.service = service
        self.situation = situation
        self.needs = needs
        self.state = state
        self.outcome = outcome
    }

    init(request: Request, state: CaseState, outcome: Outcome) {
        month = request.received.yearMonth
        region = request.region
        service = request.service
        situation = request.situation
        needs = request.needs
        self.state = state
        self.outcome = outcome
    }

    init(decoding bytes: [UInt8]) throws {
        var reader = RecordReader(bytes)
        guard try reader.u8() == 1 else { throw RecordDecodingError() }
        let packed = Int(try reader.u32())
        guard (1...12).contains(packed % 100) else { throw RecordDecodingError() }
        month = YearMonth(uncheckedYear: packed / 100, month: packed % 100)
        guard let region = try? Region(code: try reader.string()) else { throw RecordDecodingError() }
        self.region = region
        service = try ServiceCategory.decode(try reader.u8())
        situation = try Situation.decode(try reader.u8())
        needs = try Set<Need>(mask: try reader.u8())
        state = try CaseState.decode(try reader.u8())
        outcome = try Outcome.decode(try reader.u8())
        try reader.finish()
    }
}

/// The facts of a workflow transition, kept inside its history entry.
struct TransitionRecord: Equatable {
    let event: WorkflowEvent
    let from: CaseState
    let to: CaseState
    let outcome: Outcome?
    let assignee: UserID?
    let partner: String?
    let consent: Bool
}

/// One entry of a case's history after creation: a note or a workflow transition.
/// Every entry is signed by its author (see ``EntryRecord/signedMessage``).
struct EntryRecord {
    enum Kind: UInt8 { case note = 1, transition = 2 }

    let kind: Kind
    let compartment: Compartment
    let author: UserID
    let at: Int64
    /// The note's text, or the transition's note (empty when none was given).
    let text: String
    let transition: TransitionRecord?

    init(note text: String, compartment: Compartment, author: UserID, at: Int64) {
        kind = .note
        self.compartment = compartment
        self.author = author
        self.at = at
        self.text = text
        transition = nil
    }

    init(transition: TransitionRecord, note: String?, author: UserID, at: Int64) {
        kind = .transition
        compartment = .intake
        self.author = author
        self.at = at
        text = note ?? ""
        self.transition = transition
    }

    var payload: [UInt8] {
        var writer = RecordWriter(capacity: 96 + text.utf8.count)
        writer.u8(1)
        writer.u8(kind.rawValue)
        writer.u8(compartment.code)
        writer.field(author.bytes)
        writer.i64(at)
        writer.field(text)
        if let transition {
            writer.u8(transition.event.code)
            writer.u8(transition.from.code)
            writer.u8(transition.to.code)
            writer.optionalField(transition.outcome.map { [$0.code] })
            writer.optionalField(transition.assignee?.bytes)
            writer.optionalField(transition.partner.map { Array($0.utf8) })
            writer.u8(transition.consent ? 1 : 0)
        }
        return writer.bytes
    }

    /// `payload || field(signature)`, the plaintext that is padded and encrypted.
    func body(signature: [UInt8]) -> [UInt8] {
        var writer = RecordWriter(capacity: payload.count + 70)
        writer.field(payload)
        writer.field(signature)
        return writer.bytes
    }

    static func decode(body: [UInt8]) throws -> (EntryRecord, payload: [UInt8], signature: [UInt8]) {
        var outer = RecordReader(body)
        let payload = try outer.field()
        let signature = try outer.field()
        try outer.finish()
        var reader = RecordReader(payload)
        guard try reader.u8() == 1, let kind = Kind(rawValue: try reader.u8()) else { throw RecordDecodingError() }
        let compartment = try Compartment.decode(try reader.u8())
        let author = UserID(bytes: try reader.field())
        let at = try reader.i64()
        let text = try reader.string()
        let record: EntryRecord
        switch kind {
        case .note:
            record = EntryRecord(note: text, compartment: compartment, author: author, at: at)
        case .transition:
            let event = try WorkflowEvent.decode(try reader.u8())
            let from = try CaseState.decode(try reader.u8())
            let to = try CaseState.decode(try reader.u8())
            let outcome = try reader.optionalField().map { bytes -> Outcome in
                guard bytes.count == 1 else { throw RecordDecodingError() }
                return try Outcome.decode(bytes[0])
            }
            let assignee = try reader.optionalField().map(UserID.init(bytes:))
            let partner = try reader.optionalField().map { bytes -> String in
                guard let name = String(validating: bytes, as: UTF8.self) else { throw RecordDecodingError() }
                return name
            }
            let consent = try reader.u8() == 1
            guard compartment == .intake else { throw RecordDecodingError() }
            record = EntryRecord(transition: TransitionRecord(event: event, from: from, to: to, outcome: outcome,
                                                              assignee: assignee, partner: partner, consent: consent),
                                 note: text.isEmpty ? nil : text, author: author, at: at)
        }
        try reader.finish()
        return (record, payload, signature)
    }

    /// What the author signs: the case, the entry's version, kind and compartment, the hash of
    /// the case's intake content ciphertext, the hash of the previous entry's ciphertext (so
    /// entries cannot be reordered or dropped) and the hash of the entry's own plaintext.
    static func signedMessage(vaultID: [UInt8], caseID: CaseID, version: UInt64, kind: Kind, compartment: Compartment,
                              contentCiphertext: [UInt8], previousCiphertext: [UInt8], payload: [UInt8]) -> [UInt8] {
        SignedMessage.make("case-entry", vaultID: vaultID,
                           [caseID.bytes, AssociatedData.bigEndian64(version), [kind.rawValue], [compartment.code],
                            GenericHash.hash(contentCiphertext), GenericHash.hash(previousCiphertext),
                            GenericHash.hash(payload)])
    }
}
