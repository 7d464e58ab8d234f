/// Every place a ciphertext is stored, as the associated data names it: the table and column
/// (spelled here and nowhere else), the compartment it belongs to, the key that seals it, and the
/// padding block its plaintext is rounded up to.
///
/// | place | key (AD key id) | AD record version | padding |
/// |---|---|---|---|
/// | `cases.data_key`, `cases.contact_key` | intake compartment key (`intake`) | 1 (written once) | — |
/// | `cases.content` | the case's content data key (`data`) | 1 | 256 |
/// | `cases.contact` | the case's contact data key (`contact`) | 1 | 64 |
/// | `cases.summary` | intake compartment key (`intake`) | the row's version | 64 |
/// | `cases.stats` | stats compartment key (`stats`) | the row's version | 64 |
/// | `case_entries.body` | data key (`data`), or a note key sealed to legal (`note`) | the entry's version | 256 |
/// | `projection_blocks.summary` | intake compartment key (`intake`) | the block's version | fixed size |
/// | `projection_blocks.stats` | stats compartment key (`stats`) | the block's version | fixed size |
enum SealedColumn: Int, CaseIterable {
    case wrappedDataKey, wrappedContactKey, content, contact, summary, stats
    case entry, legalEntry
    case summaryBlock, statsBlock

    var table: String {
        switch self {
        case .wrappedDataKey, .wrappedContactKey, .content, .contact, .summary, .stats: "cases"
        case .entry, .legalEntry: "case_entries"
        case .summaryBlock, .statsBlock: "projection_blocks"
        }
    }

    var column: String {
        switch self {
        case .wrappedDataKey: "data_key"
        case .wrappedContactKey: "contact_key"
        case .content: "content"
        case .contact: "contact"
        case .summary, .summaryBlock: "summary"
        case .stats, .statsBlock: "stats"
        case .entry, .legalEntry: "body"
        }
    }

    var compartment: Compartment {
        switch self {
        case .stats, .statsBlock: .stats
        case .legalEntry: .legal
        default: .intake
        }
    }

    /// The AD's key id: which key seals this place.
    var keyID: String {
        switch self {
        case .wrappedDataKey, .wrappedContactKey, .summary, .summaryBlock: "intake"
        case .stats, .statsBlock: "stats"
        case .content, .entry: "data"
        case .contact: "contact"
        case .legalEntry: "note"
        }
    }

    /// The padding block size of the plaintext (`sodium_pad`), 0 where nothing is padded.
    var paddingBlock: Int {
        switch self {
        case .content, .entry, .legalEntry: 256
        case .contact, .summary, .stats: 64
        case .wrappedDataKey, .wrappedContactKey, .summaryBlock, .statsBlock: 0
        }
    }

    /// How an integrity error names this place.
    var what: String {
        switch self {
        case .wrappedDataKey: "wrapped data key"
        case .wrappedContactKey: "wrapped contact key"
        case .content: "content"
        case .contact: "contact"
        case .summary: "summary"
        case .stats: "statistics row"
        case .entry, .legalEntry: "entry"
        case .summaryBlock: "summary projection block"
        case .statsBlock: "statistics projection block"
        }
    }

    /// The associated data of this place in one row: exactly the bytes of
    /// ``AssociatedData/make(table:column:rowID:recordVersion:compartment:keyID:keyVersion:)``,
    /// laid out from this place's fixed fields, encoded once (every intake seals six places).
    func associatedData(rowID: [UInt8], version: UInt64, keyVersion: UInt32) -> [UInt8] {
        let fixed = SealedColumn.fixedFields[rawValue]
        var writer = RecordWriter(capacity: fixed.head.count + fixed.tail.count + rowID.count + 24)
        writer.append(fixed.head)
        writer.field(rowID)
        writer.u32(8)
        writer.u64(version)
        writer.append(fixed.tail)
        writer.u32(4)
        writer.u32(keyVersion)
        return writer.bytes
    }

    /// Each place's encoded fields before the row id (format version, table, column) and between
    /// the record version and the key version (compartment, key id), by raw value.
    private static let fixedFields: [(head: [UInt8], tail: [UInt8])] = allCases.map { place in
        var head = RecordWriter()
        head.u32(4)
        head.u32(AssociatedData.formatVersion)
        head.field(place.table)
        head.field(place.column)
        var tail = RecordWriter()
        tail.field(place.compartment.rawValue)
        tail.field(place.keyID)
        return (head.bytes, tail.bytes)
    }
}
