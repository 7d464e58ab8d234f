/// The associated data that binds every ciphertext to its place.
///
/// Fields, in this fixed order, each as a big-endian `u32` length then its bytes: format
/// version (u32), table, column, row id (a case's 16 bytes; a projection block's number as a
/// u64; empty where the table has one row per key), record version (u64), compartment, key id,
/// key version (u32). A blob moved to another row, column or case, or an old version replayed
/// into a newer slot, fails to authenticate. `Sealing/SealedColumn` names every place.
enum AssociatedData {
    /// Bumped when the layout of stored records changes.
    static let formatVersion: UInt32 = 1

    static func make(table: String, column: String, rowID: [UInt8], recordVersion: UInt64,
                     compartment: String, keyID: String, keyVersion: UInt32) -> [UInt8] {
        var writer = RecordWriter(capacity: 80 + table.utf8.count + column.utf8.count + compartment.utf8.count
                                  + keyID.utf8.count)
        writer.u32(4)
        writer.u32(formatVersion)
        writer.field(table)
        writer.field(column)
        writer.field(rowID)
        writer.u32(8)
        writer.u64(recordVersion)
        writer.field(compartment)
        writer.field(keyID)
        writer.u32(4)
        writer.u32(keyVersion)
        return writer.bytes
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
