import SodiumKit

/// Encrypts and decrypts the blobs of one case, each bound to its place by associated data.
///
/// | column | key | AD record version | padding |
/// |---|---|---|---|
/// | `data_key`, `contact_key` | intake compartment key | 1 (written once) | — |
/// | `content` | the case's content data key | 1 | 256 |
/// | `contact` | the case's contact data key | 1 | 64 |
/// | `summary` | intake compartment key | the row's version | 64 |
/// | `stats` | stats compartment key | the row's version | 64 |
/// | `case_entries.body` | data key (intake) or a note key sealed to legal | the entry's version | 256 |
struct CaseCipher {
    static let dataKeyVersion: UInt32 = 1
    static let creationVersion: UInt64 = 1
    static let longBlock = 256
    static let shortBlock = 64

    let keys: KeyRing

    static func ad(table: String = "cases", _ column: String, _ id: CaseID, version: UInt64,
                   _ compartment: Compartment, keyID: String, keyVersion: UInt32) -> [UInt8] {
        AssociatedData.make(table: table, column: column, caseID: id, recordVersion: version,
                            compartment: compartment.rawValue, keyID: keyID, keyVersion: keyVersion)
    }

    // MARK: Wrapped data keys

    func wrap(_ dataKey: SecureBytes, column: String, id: CaseID, intake: CompartmentKey) -> [UInt8] {
        XChaCha20Poly1305.seal(secret: dataKey,
                               associatedData: CaseCipher.ad(column, id, version: CaseCipher.creationVersion, .intake,
                                                             keyID: "intake", keyVersion: intake.version),
                               key: intake.symmetric)
    }

    func unwrap(_ wrapped: [UInt8], column: String, id: CaseID, keyVersion: UInt32, into output: SecureBytes) throws {
        let intake = try keys.compartment(.intake, for: "read cases")
        guard intake.version == keyVersion else {
            throw CaseVaultError.integrity(id, "wrapped under intake key version \(keyVersion)")
        }
        do {
            try XChaCha20Poly1305.open(wrapped, associatedData: CaseCipher.ad(
                column, id, version: CaseCipher.creationVersion, .intake, keyID: "intake", keyVersion: keyVersion),
                key: intake.symmetric, into: output)
        } catch {
            throw CaseVaultError.integrity(id, "wrapped \(column.replacingOccurrences(of: "_", with: " "))")
        }
    }

    // MARK: Content under a data key

    func seal(_ plaintext: [UInt8], column: String, id: CaseID, block: Int, dataKey: SecureBytes,
              keyID: String) -> [UInt8] {
        XChaCha20Poly1305.seal(Padding.pad(plaintext, blockSize: block),
                               associatedData: CaseCipher.ad(column, id, version: CaseCipher.creationVersion, .intake,
                                                             keyID: keyID, keyVersion: CaseCipher.dataKeyVersion),
                               key: dataKey)
    }

    func open(_ box: [UInt8], column: String, id: CaseID, block: Int, dataKey: SecureBytes,
              keyID: String) throws -> [UInt8] {
        do {
            let padded = try XChaCha20Poly1305.open(
                box, associatedData: CaseCipher.ad(column, id, version: CaseCipher.creationVersion, .intake,
                                                   keyID: keyID, keyVersion: CaseCipher.dataKeyVersion),
                key: dataKey)
            return try Padding.unpad(padded, blockSize: block)
        } catch {
            throw CaseVaultError.integrity(id, column)
        }
    }

    // MARK: Summary and stats under compartment keys

    /// Seals a row-level record (summary or stats) under a compartment key, bound to the row's
    /// current version.
    func sealRecord(_ plaintext: [UInt8], column: String, id: CaseID, version: UInt64, _ compartment: Compartment,
                    key: CompartmentKey) -> [UInt8] {
        XChaCha20Poly1305.seal(Padding.pad(plaintext, blockSize: CaseCipher.shortBlock),
                               associatedData: CaseCipher.ad(column, id, version: version, compartment,
                                                             keyID: compartment.rawValue, keyVersion: key.version),
                               key: key.symmetric)
    }

    /// Opens a record sealed by ``sealRecord``; any failure is an integrity error naming the case.
    func openRecord<Record>(_ box: some Collection<UInt8>, column: String, id: CaseID, version: UInt64,
                            _ compartment: Compartment, keyVersion: UInt32,
                            decode: ([UInt8]) throws -> Record) throws -> Record {
        var scanner = try RecordScanner(column: column, compartment, keys: keys, for: "read cases")
        return try scanner.decode(try scanner.open(box, id: id, version: version, keyVersion: keyVersion), id: id,
                                  decode)
    }

    /// Opens one column's records (summaries or statistics) row after row, for listings and
    /// exports: the key is looked up and the associated data laid out once, not per row.
    struct RecordScanner {
        private let key: CompartmentKey
        private let column: String
        private var template: AssociatedData.Template

        init(column: String, _ compartment: Compartment, keys: KeyRing, for action: String) throws {
            key = try keys.compartment(compartment, for: action)
            self.column = column
            template = AssociatedData.Template(table: "cases", column: column, compartment: compartment.rawValue,
                                               keyID: compartment.rawValue)
        }

        /// The authenticated plaintext of one row's record, still padded.
        mutating func open(_ box: some Collection<UInt8>, id: CaseID, version: UInt64,
                           keyVersion: UInt32) throws -> [UInt8] {
            do {
                guard key.version == keyVersion else { throw RecordDecodingError() }
                let key = self.key
                return try template.with(caseID: id.bytes, version: version, keyVersion: keyVersion) { ad in
                    try XChaCha20Poly1305.open(contentsOf: box, associatedData: ad, key: key.symmetric)
                }
            } catch {
                throw CaseVaultError.integrity(id, column == "stats" ? "statistics row" : column)
            }
        }

        /// Removes the padding from an opened record and decodes it.
        func decode<Record>(_ padded: [UInt8], id: CaseID, _ decode: ([UInt8]) throws -> Record) throws -> Record {
            do {
                var plaintext = padded
                try Padding.removePadding(from: &plaintext, blockSize: CaseCipher.shortBlock)
                return try decode(plaintext)
            } catch {
                throw CaseVaultError.integrity(id, column == "stats" ? "statistics row" : column)
            }
        }
    }

    func sealSummary(_ summary: SummaryRecord, id: CaseID, version: UInt64, intake: CompartmentKey) -> [UInt8] {
        sealRecord(summary.encoded, column: "summary", id: id, version: version, .intake, key: intake)
    }

    func openSummary(_ box: some Collection<UInt8>, id: CaseID, version: UInt64,
                     keyVersion: UInt32) throws -> SummaryRecord {
        try openRecord(box, column: "summary", id: id, version: version, .intake, keyVersion: keyVersion,
                       decode: SummaryRecord.init(decoding:))
    }

    func sealStats(_ stats: StatsRecord, id: CaseID, version: UInt64, key: CompartmentKey) -> [UInt8] {
        sealRecord(stats.encoded, column: "stats", id: id, version: version, .stats, key: key)
    }

    func openStats(_ box: some Collection<UInt8>, id: CaseID, version: UInt64,
                   keyVersion: UInt32) throws -> StatsRecord {
        try openRecord(box, column: "stats", id: id, version: version, .stats, keyVersion: keyVersion,
                       decode: StatsRecord.init(decoding:))
    }

    // MARK: Blind index

    /// Bits kept of the keyed BLAKE2b hash of a normalised contact handle (see
    /// `Docs/Cryptography.md` for the numbers behind 15).
    static let blindIndexBits = 15

    func blindIndex(_ normalizedContact: String) throws -> (version: UInt32, value: [UInt8]) {
        guard let index = keys.indexKey else { throw CaseVaultError.missingKey("blind-index", for: "log contacts") }
        let hash = GenericHash.hash(Array(normalizedContact.utf8), key: index.key, length: 16)
        return (index.version, [hash[0], hash[1] & 0xFE])
    }
}
