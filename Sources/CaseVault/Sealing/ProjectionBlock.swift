/// Which packed projection a block belongs to.
enum ProjectionKind: Int, CaseIterable, Sendable {
    /// What listings read: id, state, outcome, urgency, dates, assignee, region, needs (intake key).
    case summary = 1
    /// What exports count: exactly the stats dimensions (stats key).
    case stats = 2

    var column: SealedColumn { self == .summary ? .summaryBlock : .statsBlock }
}

/// A packed projection block of one kind: empty, decoded from its plaintext, or encoded.
protocol PackedBlock {
    static var kind: ProjectionKind { get }
    init(number: Int64, capacity: Int)
    init(decoding bytes: [UInt8], number: Int64, capacity: Int) throws
    var encoded: [UInt8] { get }
}

extension SummaryBlock: PackedBlock {
    static var kind: ProjectionKind { .summary }
}

extension StatsBlock: PackedBlock {
    static var kind: ProjectionKind { .stats }
}

/// The summary projection of up to ``capacity`` cases, column by column (DESIGN.md §13).
///
/// Plaintext layout, every block the same size whatever it holds: layout version (u8), kind (u8),
/// block number (u64), capacity (u32); then per slot, column after column: case id (16 bytes),
/// state, outcome, urgency, needs mask, region code (u8 each), received and deadline (u32,
/// packed `YYYYMMDD`, deadline 0 for none), assignee (u16: 0 for none, else a position in the
/// block's assignee table); then the assignee table: a u16 count and 255 user ids of 16 bytes
/// (zeros where unused; a block with more distinct assignees grows by 256 ids at a time). An
/// empty slot has state 0xFF. Codes are ``StoredCodes``.
struct SummaryBlock: Equatable {
    static let layoutVersion: UInt8 = 1
    static let emptyState: UInt8 = 0xFF
    static let assigneeTableSize = 255

    let number: Int64
    let capacity: Int
    private(set) var ids: [UInt8]
    private(set) var states: [UInt8]
    private var outcomes: [UInt8]
    private var urgencies: [UInt8]
    private var needs: [UInt8]
    private var regions: [UInt8]
    private var received: [UInt32]
    private var deadlines: [UInt32]
    private var assignees: [UInt16]
    private var assigneeIDs: [[UInt8]]

    init(number: Int64, capacity: Int) {
        self.number = number
        self.capacity = capacity
        ids = [UInt8](repeating: 0, count: 16 * capacity)
        states = [UInt8](repeating: SummaryBlock.emptyState, count: capacity)
        outcomes = [UInt8](repeating: 0, count: capacity)
        urgencies = outcomes
        needs = outcomes
        regions = outcomes
        received = [UInt32](repeating: 0, count: capacity)
        deadlines = received
        assignees = [UInt16](repeating: 0, count: capacity)
        assigneeIDs = []
    }

    func isEmpty(at index: Int) -> Bool { states[index] == SummaryBlock.emptyState }

    /// The case id in slot `index` (meaningless for an empty slot).
    func id(at index: Int) throws -> CaseID { try CaseID(storedBytes: Array(ids[16 * index..<16 * index + 16])) }

    /// The case in slot `index`, or nil for an empty slot.
    func entry(at index: Int) throws -> (id: CaseID, summary: SummaryRecord)? {
        guard !isEmpty(at: index) else { return nil }
        let assignee: UserID? = try {
            let position = Int(assignees[index])
            guard position > 0 else { return nil }
            guard position <= assigneeIDs.count else { throw RecordDecodingError() }
            return UserID(bytes: assigneeIDs[position - 1])
        }()
        let summary = SummaryRecord(
            state: try CaseState.decode(states[index]), outcome: try Outcome.decode(outcomes[index]),
            urgency: try Urgency.decode(urgencies[index]), received: try CalendarDay(packed: received[index]),
            deadline: deadlines[index] == 0 ? nil : try CalendarDay(packed: deadlines[index]),
            assignee: assignee, region: try Region(storedCode: regions[index]),
            needs: try Set<Need>(mask: needs[index]))
        return (try id(at: index), summary)
    }

    /// Puts a case in slot `index`.
    mutating func set(_ index: Int, id: CaseID, _ summary: SummaryRecord) {
        ids.replaceSubrange(16 * index..<16 * index + 16, with: id.bytes)
        states[index] = summary.state.code
        outcomes[index] = summary.outcome.code
        urgencies[index] = summary.urgency.code
        needs[index] = summary.needs.mask
        regions[index] = summary.region.storedCode
        received[index] = summary.received.packed
        deadlines[index] = summary.deadline?.packed ?? 0
        if let assignee = summary.assignee {
            if let position = assigneeIDs.firstIndex(of: assignee.bytes) {
                assignees[index] = UInt16(position + 1)
            } else {
                assigneeIDs.append(assignee.bytes)
                assignees[index] = UInt16(assigneeIDs.count)
            }
        } else {
            assignees[index] = 0
        }
    }

    /// The fixed-size plaintext.
    var encoded: [UInt8] {
        let tableSize = SummaryBlock.tableCapacity(for: assigneeIDs.count)
        var writer = RecordWriter(capacity: 14 + 31 * capacity + 2 + 16 * tableSize)
        writer.u8(SummaryBlock.layoutVersion)
        writer.u8(UInt8(ProjectionKind.summary.rawValue))
        writer.u64(UInt64(number))
        writer.u32(UInt32(capacity))
        writer.append(ids)
        for column in [states, outcomes, urgencies, needs, regions] { writer.append(column) }
        for value in received { writer.u32(value) }
        for value in deadlines { writer.u32(value) }
        for value in assignees { writer.u16(value) }
        writer.u16(UInt16(assigneeIDs.count))
        for id in assigneeIDs { writer.append(id) }
        writer.append([UInt8](repeating: 0, count: 16 * (tableSize - assigneeIDs.count)))
        return writer.bytes
    }

    /// Room in the assignee table: 255 ids, or more in steps of 256 (only a block with more
    /// distinct assignees than that grows, and then by a whole step).
    static func tableCapacity(for count: Int) -> Int {
        count <= assigneeTableSize
            ? assigneeTableSize : assigneeTableSize + (count - assigneeTableSize + 255) / 256 * 256
    }

    /// Parses a block's plaintext, checking it is the block it claims to be.
    init(decoding bytes: [UInt8], number: Int64, capacity: Int) throws {
        var reader = BlockReader(bytes)
        guard try reader.u8() == SummaryBlock.layoutVersion, try reader.u8() == UInt8(ProjectionKind.summary.rawValue),
              try reader.u64() == UInt64(number), try reader.u32() == UInt32(capacity) else {
            throw RecordDecodingError()
        }
        self.number = number
        self.capacity = capacity
        ids = try reader.bytes(16 * capacity)
        states = try reader.bytes(capacity)
        outcomes = try reader.bytes(capacity)
        urgencies = try reader.bytes(capacity)
        needs = try reader.bytes(capacity)
        regions = try reader.bytes(capacity)
        received = try reader.u32s(capacity)
        deadlines = try reader.u32s(capacity)
        assignees = try reader.u16s(capacity)
        let count = Int(try reader.u16())
        assigneeIDs = try (0..<count).map { _ in try reader.bytes(16) }
        guard try reader.bytes(16 * (SummaryBlock.tableCapacity(for: count) - count)).allSatisfy({ $0 == 0 }),
              reader.isAtEnd else { throw RecordDecodingError() }
    }
}

/// The stats projection of up to ``capacity`` cases: exactly the export dimensions.
///
/// Plaintext layout, fixed size: layout version (u8), kind (u8), block number (u64), capacity
/// (u32); then per slot, column after column: month (u32, `YYYYMM`; 0 for an empty slot),
/// region, service, situation, needs mask, state, outcome (u8 each, ``StoredCodes``).
struct StatsBlock: Equatable {
    static let layoutVersion: UInt8 = 1

    let number: Int64
    let capacity: Int
    private(set) var months: [UInt32]
    private(set) var regions: [UInt8]
    private(set) var services: [UInt8]
    private(set) var situations: [UInt8]
    private(set) var needs: [UInt8]
    private(set) var states: [UInt8]
    private(set) var outcomes: [UInt8]

    init(number: Int64, capacity: Int) {
        self.number = number
        self.capacity = capacity
        months = [UInt32](repeating: 0, count: capacity)
        regions = [UInt8](repeating: 0, count: capacity)
        services = regions
        situations = regions
        needs = regions
        states = regions
        outcomes = regions
    }

    func isEmpty(at index: Int) -> Bool { months[index] == 0 }

    /// The case counted in slot `index`, or nil for an empty slot.
    func entry(at index: Int) throws -> StatsRecord? {
        guard !isEmpty(at: index) else { return nil }
        let packed = Int(months[index])
        guard (1...12).contains(packed % 100), (1900...9999).contains(packed / 100) else { throw RecordDecodingError() }
        return StatsRecord(month: YearMonth(uncheckedYear: packed / 100, month: packed % 100),
                           region: try Region(storedCode: regions[index]),
                           service: try ServiceCategory.decode(services[index]),
                           situation: try Situation.decode(situations[index]), needs: try Set<Need>(mask: needs[index]),
                           state: try CaseState.decode(states[index]), outcome: try Outcome.decode(outcomes[index]))
    }

    mutating func set(_ index: Int, _ stats: StatsRecord) {
        months[index] = UInt32(stats.month.year * 100 + stats.month.month)
        regions[index] = stats.region.storedCode
        services[index] = stats.service.code
        situations[index] = stats.situation.code
        needs[index] = stats.needs.mask
        states[index] = stats.state.code
        outcomes[index] = stats.outcome.code
    }

    var encoded: [UInt8] {
        var writer = RecordWriter(capacity: 14 + 10 * capacity)
        writer.u8(StatsBlock.layoutVersion)
        writer.u8(UInt8(ProjectionKind.stats.rawValue))
        writer.u64(UInt64(number))
        writer.u32(UInt32(capacity))
        for value in months { writer.u32(value) }
        for column in [regions, services, situations, needs, states, outcomes] { writer.append(column) }
        return writer.bytes
    }

    init(decoding bytes: [UInt8], number: Int64, capacity: Int) throws {
        var reader = BlockReader(bytes)
        guard try reader.u8() == StatsBlock.layoutVersion, try reader.u8() == UInt8(ProjectionKind.stats.rawValue),
              try reader.u64() == UInt64(number), try reader.u32() == UInt32(capacity) else {
            throw RecordDecodingError()
        }
        self.number = number
        self.capacity = capacity
        months = try reader.u32s(capacity)
        regions = try reader.bytes(capacity)
        services = try reader.bytes(capacity)
        situations = try reader.bytes(capacity)
        needs = try reader.bytes(capacity)
        states = try reader.bytes(capacity)
        outcomes = try reader.bytes(capacity)
        guard reader.isAtEnd else { throw RecordDecodingError() }
    }
}

/// Reads whole columns out of a block's plaintext, with bounds checks.
private struct BlockReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func bytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else { throw RecordDecodingError() }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func u8() throws -> UInt8 { try bytes(1)[0] }

    mutating func u16() throws -> UInt16 { try u16s(1)[0] }

    mutating func u64() throws -> UInt64 {
        try bytes(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func u32() throws -> UInt32 { try u32s(1)[0] }

    mutating func u16s(_ count: Int) throws -> [UInt16] {
        guard bytes.count - offset >= 2 * count else { throw RecordDecodingError() }
        defer { offset += 2 * count }
        return bytes.withUnsafeBufferPointer { buffer in
            (0..<count).map { index in
                let at = offset + 2 * index
                return UInt16(buffer[at]) << 8 | UInt16(buffer[at + 1])
            }
        }
    }

    mutating func u32s(_ count: Int) throws -> [UInt32] {
        guard bytes.count - offset >= 4 * count else { throw RecordDecodingError() }
        defer { offset += 4 * count }
        return bytes.withUnsafeBufferPointer { buffer in
            (0..<count).map { index in
                let at = offset + 4 * index
                return UInt32(buffer[at]) << 24 | UInt32(buffer[at + 1]) << 16 | UInt32(buffer[at + 2]) << 8
                    | UInt32(buffer[at + 3])
            }
        }
    }
}
