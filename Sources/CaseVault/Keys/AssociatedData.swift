/// The associated data that binds every ciphertext to its place.
///
/// Fields, in this fixed order, each as a big-endian `u32` length then its bytes: format
/// version (u32), table, column, case id (16 bytes, or empty), record version (u64),
/// compartment, key id, key version (u32). A blob moved to another row, column or case, or
/// an old version replayed into a newer slot, fails to authenticate.
struct AssociatedData {
    /// Bumped when the layout of stored records changes.
    static let formatVersion: UInt32 = 1

    static func make(table: String, column: String, caseID: CaseID?, recordVersion: UInt64,
                     compartment: String, keyID: String, keyVersion: UInt32) -> [UInt8] {
        var writer = RecordWriter(capacity: 80 + table.utf8.count + column.utf8.count + compartment.utf8.count
                                  + keyID.utf8.count)
        writer.u32(4)
        writer.u32(formatVersion)
        writer.field(table)
        writer.field(column)
        writer.field(caseID?.bytes ?? [])
        writer.u32(8)
        writer.u64(recordVersion)
        writer.field(compartment)
        writer.field(keyID)
        writer.u32(4)
        writer.u32(keyVersion)
        return writer.bytes
    }

    /// The associated data of one column, laid out once for a scan over many rows: only the
    /// case id, record version and key version change from row to row, and they are written
    /// in place. The bytes are exactly those of
    /// ``make(table:column:caseID:recordVersion:compartment:keyID:keyVersion:)``.
    struct Template {
        private var bytes: [UInt8]
        private let idOffset: Int
        private let versionOffset: Int
        private let keyVersionOffset: Int

        init(table: String, column: String, compartment: String, keyID: String) {
            bytes = AssociatedData.make(table: table, column: column,
                                        caseID: CaseID(checked: [UInt8](repeating: 0, count: 16)), recordVersion: 0,
                                        compartment: compartment, keyID: keyID, keyVersion: 0)
            idOffset = 8 + 4 + table.utf8.count + 4 + column.utf8.count + 4
            versionOffset = idOffset + 16 + 4
            keyVersionOffset = bytes.count - 4
        }

        /// Calls `body` with the associated data of one row; `caseID` must be 16 bytes.
        mutating func with<Result>(caseID: some Collection<UInt8>, version: UInt64, keyVersion: UInt32,
                                   _ body: ([UInt8]) throws -> Result) throws -> Result {
            guard caseID.count == 16 else { throw RecordDecodingError() }
            var index = idOffset
            for byte in caseID {
                bytes[index] = byte
                index += 1
            }
            for shift in 0..<8 { bytes[versionOffset + shift] = UInt8(truncatingIfNeeded: version >> (56 - 8 * shift)) }
            for shift in 0..<4 {
                bytes[keyVersionOffset + shift] = UInt8(truncatingIfNeeded: keyVersion >> (24 - 8 * shift))
            }
            return try body(bytes)
        }
    }

    static func bigEndian32(_ value: UInt32) -> [UInt8] {
        var writer = RecordWriter(capacity: 4)
        writer.u32(value)
        return writer.bytes
    }

    static func bigEndian64(_ value: UInt64) -> [UInt8] {
        var writer = RecordWriter(capacity: 8)
        writer.u64(value)
        return writer.bytes
    }
}

/// Messages that are signed, with a domain label first so a signature made for one purpose
/// can never be replayed as another.
enum SignedMessage {
    static func make(_ domain: String, vaultID: [UInt8], _ fields: [[UInt8]]) -> [UInt8] {
        var writer = RecordWriter(capacity: 128)
        writer.field("casevault/" + domain)
        writer.field(vaultID)
        for field in fields { writer.field(field) }
        return writer.bytes
    }
}
