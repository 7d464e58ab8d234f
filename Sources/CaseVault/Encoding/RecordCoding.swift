/// Thrown while decoding a record that authenticated but does not parse: a bug or a
/// version mismatch, reported to users as an integrity error.
struct RecordDecodingError: Error {}

/// Builds the compact binary form of records kept inside ciphertext and of signed messages.
///
/// Fixed-width integers are big-endian; variable-length fields are a big-endian `u32` length
/// followed by the bytes. The same framing encodes associated data (see `Docs/Cryptography.md`).
struct RecordWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 128) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    /// Raw bytes, without a length.
    mutating func append(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }

    mutating func u16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xff))
    }

    mutating func u32(_ value: UInt32) {
        bytes.append(UInt8(value >> 24))
        bytes.append(UInt8(value >> 16 & 0xff))
        bytes.append(UInt8(value >> 8 & 0xff))
        bytes.append(UInt8(value & 0xff))
    }

    mutating func u64(_ value: UInt64) {
        u32(UInt32(value >> 32))
        u32(UInt32(value & 0xffff_ffff))
    }

    mutating func i64(_ value: Int64) { u64(UInt64(bitPattern: value)) }

    mutating func field(_ value: [UInt8]) {
        u32(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func field(_ value: String) {
        u32(UInt32(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    /// A present/absent flag, then the field when present.
    mutating func optionalField(_ value: [UInt8]?) {
        if let value {
            u8(1)
            field(value)
        } else {
            u8(0)
        }
    }
}

/// Reads what ``RecordWriter`` wrote; every read checks bounds and throws on short input.
struct RecordReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func u8() throws -> UInt8 {
        guard offset < bytes.count else { throw RecordDecodingError() }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u32() throws -> UInt32 {
        guard bytes.count - offset >= 4 else { throw RecordDecodingError() }
        defer { offset += 4 }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }

    mutating func u64() throws -> UInt64 { try UInt64(u32()) << 32 | UInt64(u32()) }

    mutating func i64() throws -> Int64 { Int64(bitPattern: try u64()) }

    mutating func field() throws -> [UInt8] {
        let length = Int(try u32())
        guard bytes.count - offset >= length else { throw RecordDecodingError() }
        defer { offset += length }
        return Array(bytes[offset..<offset + length])
    }

    mutating func string() throws -> String {
        let raw = try field()
        guard let text = String(validating: raw, as: UTF8.self) else { throw RecordDecodingError() }
        return text
    }

    mutating func optionalField() throws -> [UInt8]? {
        switch try u8() {
        case 0: return nil
        case 1: return try field()
        default: throw RecordDecodingError()
        }
    }

    func finish() throws { guard isAtEnd else { throw RecordDecodingError() } }
}
