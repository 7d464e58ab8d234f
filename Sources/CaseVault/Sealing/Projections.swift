import SodiumKit

/// The packed projections of a vault (DESIGN.md §13): every case's summary and stats dimensions
/// in blocks of ``blockCapacity`` slots, one AEAD per block, so a listing or an export opens a
/// few dozen blocks instead of one ciphertext per case.
///
/// A case keeps its slot for life (`cases.slot`); slot `s` is index `s % capacity` of block
/// `s / capacity`. Blocks are rewritten in the transaction that changes the case, and every block
/// has the same size whatever it holds. A block is bound by its associated data to its kind,
/// number, version and key version, so a damaged or swapped block fails to open: an integrity
/// error, never a wrong count.
enum Projections {
    /// Slots per block: a block of summaries is about 68 KB, of stats about 20 KB.
    static let blockCapacity = 2048

    // MARK: Sealing blocks

    static func seal(_ plaintext: [UInt8], _ kind: ProjectionKind, number: Int64, version: Int64,
                     key: CompartmentKey) -> [UInt8] {
        XChaCha20Poly1305.seal(plaintext, associatedData: kind.column.associatedData(
            rowID: AssociatedData.bigEndian64(UInt64(number)), version: UInt64(version), keyVersion: key.version),
            key: key.symmetric)
    }

    static func open(_ row: ProjectionBlockRow, _ kind: ProjectionKind, keys: KeyRing) throws -> [UInt8] {
        let key = try keys.compartment(kind.column.compartment, for: "read the \(kind) projection")
        do {
            guard row.keyVersion == Int64(key.version), row.number >= 0, row.version >= 1 else {
                throw RecordDecodingError()
            }
            return try XChaCha20Poly1305.open([UInt8](row.body), associatedData: kind.column.associatedData(
                rowID: AssociatedData.bigEndian64(UInt64(row.number)), version: UInt64(row.version),
                keyVersion: key.version), key: key.symmetric)
        } catch {
            throw damaged(kind, number: row.number)
        }
    }

    static func damaged(_ kind: ProjectionKind, number: Int64) -> CaseVaultError {
        CaseVaultError(.integrity, "\(kind.column.what) \(number) failed its integrity check; the vault file may "
                       + "have been tampered with (an admin can rebuild projections from the cases)")
    }

    // MARK: Reading

    /// The summary blocks, in slot order: read from the file once the projections are built, or
    /// computed in memory from the cases' summary rows while they are not (a vault written by
    /// 0.4.0 that this user cannot migrate: read-only, or no stats key).
    static func summaryBlocks(_ store: Store, keys: KeyRing) throws -> [SummaryBlock] {
        guard let state = try builtState(store) else {
            return try computed(store, keys: keys, stats: false).summaries
        }
        return try storedBlocks(store, state: state, keys: keys)
    }

    /// The stats blocks, in slot order (as ``summaryBlocks(_:keys:)``).
    static func statsBlocks(_ store: Store, keys: KeyRing) throws -> [StatsBlock] {
        guard let state = try builtState(store) else {
            return try computed(store, keys: keys, summaries: false).stats
        }
        return try storedBlocks(store, state: state, keys: keys)
    }

    /// The projections' state when they are built; nil when they are not (or the file predates them).
    static func builtState(_ store: Store) throws -> ProjectionStateRow? {
        guard try store.hasProjectionTables() else { return nil }
        guard let state = try store.projectionState() else { return nil }
        guard state.blockCapacity == blockCapacity, state.nextSlot >= 0 else {
            throw CaseVaultError(.unsupportedFormat, "the vault's projections use blocks of \(state.blockCapacity) "
                                 + "cases, and this version of CaseVault reads blocks of \(blockCapacity)",
                                 remedy: "upgrade CaseVault",
                                 subject: .init(.format, "projection blocks of \(state.blockCapacity)"))
        }
        return state
    }

    private static func storedBlocks<Block: PackedBlock>(_ store: Store, state: ProjectionStateRow,
                                                         keys: KeyRing) throws -> [Block] {
        let rows = try store.projectionBlocks(kind: Block.kind.rawValue)
        let expected = (state.nextSlot + Int64(blockCapacity) - 1) / Int64(blockCapacity)
        var blocks: [Block] = []
        blocks.reserveCapacity(rows.count)
        for (position, row) in rows.enumerated() {
            // Blocks are numbered from 0 without gaps: a missing block is damage, not an empty one.
            guard row.number == Int64(position) else { throw damaged(Block.kind, number: Int64(position)) }
            blocks.append(try decode(row, keys: keys, capacity: state.blockCapacity))
        }
        guard Int64(rows.count) == expected else { throw damaged(Block.kind, number: Int64(rows.count)) }
        return blocks
    }

    /// Opens and parses one stored block; any failure is an integrity error naming the block.
    static func decode<Block: PackedBlock>(_ row: ProjectionBlockRow, keys: KeyRing, capacity: Int) throws -> Block {
        let plaintext = try open(row, Block.kind, keys: keys)
        do { return try Block(decoding: plaintext, number: row.number, capacity: capacity) } catch {
            throw damaged(Block.kind, number: row.number)
        }
    }

    /// Blocks computed from the cases' own summary and stats rows, in the order the cases were
    /// stored: what the stored blocks must equal (``check(_:keys:)``), and what readers use before
    /// the projections are built.
    static func computed(_ store: Store, keys: KeyRing, summaries: Bool = true, stats: Bool = true,
                         useStoredSlots: Bool = false) throws
        -> (summaries: [SummaryBlock], stats: [StatsBlock], slots: [CaseID: Int64]) {
        let cipher = CaseCipher(keys: keys)
        var summaryBlocks: [SummaryBlock] = []
        var statsBlocks: [StatsBlock] = []
        var slots: [CaseID: Int64] = [:]
        var next: Int64 = 0
        try store.forEachProjectionSource { source in
            let id = try CaseID(storedBytes: source.id)
            let slot: Int64
            if useStoredSlots {
                guard let stored = source.slot, stored >= 0 else {
                    throw CaseVaultError.integrity(id, "it has no place in the projections")
                }
                slot = stored
            } else {
                slot = next
                next += 1
            }
            slots[id] = slot
            let number = Int(slot / Int64(blockCapacity))
            let index = Int(slot % Int64(blockCapacity))
            let version = UInt64(source.version)
            if summaries {
                while summaryBlocks.count <= number {
                    summaryBlocks.append(SummaryBlock(number: Int64(summaryBlocks.count), capacity: blockCapacity))
                }
                guard summaryBlocks[number].isEmpty(at: index) else {
                    throw CaseVaultError.integrity(id, "its projection slot \(slot) is claimed by another case")
                }
                summaryBlocks[number].set(index, id: id, try cipher.openSummary(
                    source.summary, id: id, version: version, keyVersion: UInt32(clamping: source.keyVersion)))
            }
            if stats {
                while statsBlocks.count <= number {
                    statsBlocks.append(StatsBlock(number: Int64(statsBlocks.count), capacity: blockCapacity))
                }
                guard statsBlocks[number].isEmpty(at: index) else {
                    throw CaseVaultError.integrity(id, "its projection slot \(slot) is claimed by another case")
                }
                statsBlocks[number].set(index, try cipher.openStats(
                    source.stats, id: id, version: version, keyVersion: UInt32(clamping: source.statsKeyVersion)))
            }
        }
        return (summaryBlocks, statsBlocks, slots)
    }

    // MARK: Checking

    /// Recomputes the projections from the cases and compares them with the stored blocks: each
    /// case's slot holds exactly its summary and stats, and no slot holds a case that is not
    /// there. Checks the summaries only with the intake key, the stats only with the stats key.
    ///
    /// - Returns: the number of cases checked.
    /// - Throws: ``CaseVaultError`` (`integrity` naming the case or block that differs).
    static func check(_ store: Store, keys: KeyRing) throws -> Int {
        guard let state = try builtState(store) else { return 0 }
        let withSummaries = keys.compartments[.intake] != nil
        let withStats = keys.compartments[.stats] != nil
        let expected = try computed(store, keys: keys, summaries: withSummaries, stats: withStats,
                                    useStoredSlots: true)
        if let slot = expected.slots.values.max(), slot >= state.nextSlot {
            throw CaseVaultError(.integrity, "a case sits past the projections' last slot; the vault file may have "
                                 + "been tampered with")
        }
        let byNumber = Dictionary(expected.slots.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        func caseAt(_ number: Int64, _ index: Int) -> CaseID? { byNumber[number * Int64(blockCapacity) + Int64(index)] }
        if withSummaries {
            let stored = try summaryBlocks(store, keys: keys)
            for (number, block) in stored.enumerated() {
                let recomputed = number < expected.summaries.count
                    ? expected.summaries[number] : SummaryBlock(number: Int64(number), capacity: blockCapacity)
                for index in 0..<blockCapacity {
                    let want = try recomputed.entry(at: index)
                    let have: (id: CaseID, summary: SummaryRecord)?
                    do { have = try block.entry(at: index) } catch { throw damaged(.summary, number: Int64(number)) }
                    guard want?.id == have?.id, want?.summary == have?.summary else {
                        throw mismatch(want?.id ?? have?.id, kind: .summary, number: Int64(number))
                    }
                }
            }
        }
        if withStats {
            let stored = try statsBlocks(store, keys: keys)
            for (number, block) in stored.enumerated() {
                let recomputed = number < expected.stats.count
                    ? expected.stats[number] : StatsBlock(number: Int64(number), capacity: blockCapacity)
                for index in 0..<blockCapacity {
                    let have: StatsRecord?
                    do { have = try block.entry(at: index) } catch { throw damaged(.stats, number: Int64(number)) }
                    guard try recomputed.entry(at: index) == have else {
                        throw mismatch(caseAt(Int64(number), index), kind: .stats, number: Int64(number))
                    }
                }
            }
        }
        return expected.slots.count
    }

    private static func mismatch(_ id: CaseID?, kind: ProjectionKind, number: Int64) -> CaseVaultError {
        guard let id else {
            return CaseVaultError(.integrity, "\(kind.column.what) \(number) holds a case the vault does not have; "
                                  + "the vault file may have been tampered with")
        }
        return CaseVaultError.integrity(id, "its \(kind.column.what) entry does not match the case")
    }
}
