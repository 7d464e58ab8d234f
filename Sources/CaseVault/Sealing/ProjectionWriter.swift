/// Changes to the projections inside one write transaction: new cases take the next free slots,
/// changed cases are updated in place, and ``commit()`` re-seals each touched block once.
///
/// Opening a writer on a vault whose projections are not built yet builds them first, from the
/// cases' own rows, in the same transaction.
struct ProjectionWriter {
    private let store: Store
    private let keys: KeyRing
    private let intake: CompartmentKey
    private let stats: CompartmentKey
    private var state: ProjectionStateRow
    private var summaries: [Int64: SummaryBlock] = [:]
    private var statsBlocks: [Int64: StatsBlock] = [:]
    private var versions: [ProjectionKind: [Int64: Int64]] = [:]
    /// True when this writer built the projections (a migration the caller records in the log).
    private(set) var built = false

    init(_ store: Store, keys: KeyRing) throws {
        self.store = store
        self.keys = keys
        intake = try keys.compartment(.intake, for: "update the case projections")
        stats = try keys.compartment(.stats, for: "update the case projections")
        if let state = try Projections.builtState(store) {
            self.state = state
            return
        }
        guard try store.hasProjectionTables() else {
            throw CaseVaultError(.storage, "this vault needs a schema upgrade before it can be written; open it "
                                 + "where the file and its folder are writable")
        }
        // Build from the cases as stored, in storage order; their slots are written as they go.
        let computed = try Projections.computed(store, keys: keys)
        for (id, slot) in computed.slots { try store.setSlot(slot, caseID: id.bytes) }
        state = ProjectionStateRow(blockCapacity: Projections.blockCapacity, nextSlot: Int64(computed.slots.count))
        for block in computed.summaries { summaries[block.number] = block }
        for block in computed.stats { statsBlocks[block.number] = block }
        built = true
    }

    /// Takes the next free slot for a new case and records its projections.
    mutating func place(_ id: CaseID, summary: SummaryRecord, stats record: StatsRecord) throws -> Int64 {
        let slot = state.nextSlot
        state.nextSlot += 1
        let (number, index) = Self.position(slot)
        try load(number)
        // A slot past the last one ever given out is empty, unless the file was rolled back.
        guard summaries[number]?.isEmpty(at: index) == true, statsBlocks[number]?.isEmpty(at: index) == true else {
            throw CaseVaultError(.integrity, "projection slot \(slot) is already taken; the vault file may have been "
                                 + "rolled back or tampered with")
        }
        // Changed in place: a block copied out of the dictionary would be copied whole on write.
        summaries[number]?.set(index, id: id, summary)
        statsBlocks[number]?.set(index, record)
        return slot
    }

    /// Records a case's new summary and stats in the slot it holds.
    mutating func update(_ id: CaseID, slot: Int64?, summary: SummaryRecord, stats record: StatsRecord) throws {
        guard let slot, slot >= 0, slot < state.nextSlot else {
            throw CaseVaultError.integrity(id, "it has no place in the projections")
        }
        let (number, index) = Self.position(slot)
        try load(number)
        guard let summaryBlock = summaries[number], !summaryBlock.isEmpty(at: index),
              try summaryBlock.id(at: index) == id, statsBlocks[number]?.isEmpty(at: index) == false else {
            throw CaseVaultError.integrity(id, "its projection slot \(slot) holds another case")
        }
        summaries[number]?.set(index, id: id, summary)
        statsBlocks[number]?.set(index, record)
    }

    /// Seals and stores every block this writer touched, and the next free slot.
    func commit() throws {
        for (number, block) in summaries {
            try save(block.encoded, .summary, number: number, key: intake)
        }
        for (number, block) in statsBlocks {
            try save(block.encoded, .stats, number: number, key: stats)
        }
        try store.save(state)
    }

    private func save(_ plaintext: [UInt8], _ kind: ProjectionKind, number: Int64, key: CompartmentKey) throws {
        let version = (versions[kind]?[number] ?? 0) + 1
        try store.save(ProjectionBlockRow(kind: kind.rawValue, number: number, version: version,
                                          keyVersion: Int64(key.version),
                                          body: .init(Projections.seal(plaintext, kind, number: number,
                                                                       version: version, key: key))))
    }

    private static func position(_ slot: Int64) -> (number: Int64, index: Int) {
        (slot / Int64(Projections.blockCapacity), Int(slot % Int64(Projections.blockCapacity)))
    }

    /// Makes sure both blocks `number` are in hand: changed here already, read from the file, or new and empty.
    private mutating func load(_ number: Int64) throws {
        if summaries[number] == nil { summaries[number] = try storedBlock(number) }
        if statsBlocks[number] == nil { statsBlocks[number] = try storedBlock(number) }
    }

    /// Block `number` of `Block`'s kind as the file holds it (remembering its version), or a new empty one.
    private mutating func storedBlock<Block: PackedBlock>(_ number: Int64) throws -> Block {
        guard let row = try store.projectionBlock(kind: Block.kind.rawValue, number: number) else {
            return Block(number: number, capacity: Projections.blockCapacity)
        }
        versions[Block.kind, default: [:]][number] = row.version
        return try Projections.decode(row, keys: keys, capacity: Projections.blockCapacity)
    }
}
