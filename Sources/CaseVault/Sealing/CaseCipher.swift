import SodiumKit

/// Seals and opens every ciphertext of a case, each bound to its place (``SealedColumn``) by
/// associated data: the one place that pairs a case's bytes with keys.
///
/// Per-case keys pass through the ``KeyRing``'s reusable secure scratch buffers and are wiped
/// after use; nothing here allocates secure memory per case.
struct CaseCipher {
    /// Content and contact are sealed once under their own data key.
    static let dataKeyVersion: UInt32 = 1
    /// The record version of a new case.
    static let creationVersion: UInt64 = 1

    let keys: KeyRing

    // MARK: Wrapped data keys

    /// Seals a fresh per-case data key under the intake compartment key.
    func wrap(_ dataKey: SecureBytes, _ column: SealedColumn, id: CaseID, intake: CompartmentKey) -> [UInt8] {
        XChaCha20Poly1305.seal(secret: dataKey,
                               associatedData: column.associatedData(
                                   rowID: id.bytes, version: CaseCipher.creationVersion, keyVersion: intake.version),
                               key: intake.symmetric)
    }

    /// Opens a wrapped data key into `output`.
    func unwrap(_ wrapped: [UInt8], _ column: SealedColumn, id: CaseID, keyVersion: UInt32,
                into output: SecureBytes) throws {
        let intake = try keys.compartment(.intake, for: "read cases")
        guard intake.version == keyVersion else {
            throw CaseVaultError.integrity(id, "wrapped under intake key version \(keyVersion)")
        }
        do {
            try XChaCha20Poly1305.open(wrapped, associatedData: column.associatedData(
                rowID: id.bytes, version: CaseCipher.creationVersion, keyVersion: keyVersion),
                key: intake.symmetric, into: output)
        } catch {
            throw CaseVaultError.integrity(id, column.what)
        }
    }

    /// Runs `body` with the case's content data key, unwrapped into scratch memory and wiped after.
    func withDataKey<T>(_ wrapped: [UInt8], id: CaseID, keyVersion: UInt32,
                        _ body: (SecureBytes) throws -> T) throws -> T {
        try unwrap(wrapped, .wrappedDataKey, id: id, keyVersion: keyVersion, into: keys.dataKey)
        defer { keys.dataKey.zero() }
        return try body(keys.dataKey)
    }

    // MARK: Content and contact under a data key

    func seal(_ plaintext: [UInt8], _ column: SealedColumn, id: CaseID, dataKey: SecureBytes) -> [UInt8] {
        XChaCha20Poly1305.seal(Padding.pad(plaintext, blockSize: column.paddingBlock),
                               associatedData: column.associatedData(
                                   rowID: id.bytes, version: CaseCipher.creationVersion,
                                   keyVersion: CaseCipher.dataKeyVersion),
                               key: dataKey)
    }

    func open(_ box: [UInt8], _ column: SealedColumn, id: CaseID, dataKey: SecureBytes) throws -> [UInt8] {
        do {
            let padded = try XChaCha20Poly1305.open(
                box, associatedData: column.associatedData(rowID: id.bytes, version: CaseCipher.creationVersion,
                                                           keyVersion: CaseCipher.dataKeyVersion),
                key: dataKey)
            return try Padding.unpad(padded, blockSize: column.paddingBlock)
        } catch {
            throw CaseVaultError.integrity(id, column.what)
        }
    }

    /// Opens a case's contact handle: unwraps its key into scratch memory, decrypts, wipes the key.
    func openContact(wrappedKey: [UInt8], box: [UInt8], id: CaseID, keyVersion: UInt32) throws -> String {
        try unwrap(wrappedKey, .wrappedContactKey, id: id, keyVersion: keyVersion, into: keys.contactKey)
        defer { keys.contactKey.zero() }
        return String(decoding: try open(box, .contact, id: id, dataKey: keys.contactKey), as: UTF8.self)
    }

    // MARK: Summary and stats rows under compartment keys

    /// Seals a row-level record (summary or stats) under a compartment key, bound to the row's
    /// current version.
    func sealRecord(_ plaintext: [UInt8], _ column: SealedColumn, id: CaseID, version: UInt64,
                    key: CompartmentKey) -> [UInt8] {
        XChaCha20Poly1305.seal(Padding.pad(plaintext, blockSize: column.paddingBlock),
                               associatedData: column.associatedData(rowID: id.bytes, version: version,
                                                                     keyVersion: key.version),
                               key: key.symmetric)
    }

    /// Opens a record sealed by ``sealRecord``; any failure is an integrity error naming the case.
    func openRecord<Record>(_ box: [UInt8], _ column: SealedColumn, id: CaseID, version: UInt64, keyVersion: UInt32,
                            decode: ([UInt8]) throws -> Record) throws -> Record {
        do {
            let key = try keys.compartment(column.compartment, for: "read cases")
            guard key.version == keyVersion else { throw RecordDecodingError() }
            let padded = try XChaCha20Poly1305.open(
                box, associatedData: column.associatedData(rowID: id.bytes, version: version, keyVersion: keyVersion),
                key: key.symmetric)
            return try decode(try Padding.unpad(padded, blockSize: column.paddingBlock))
        } catch let error as CaseVaultError where error.code == .permissionDenied {
            throw error
        } catch {
            throw CaseVaultError.integrity(id, column.what)
        }
    }

    func sealSummary(_ summary: SummaryRecord, id: CaseID, version: UInt64, intake: CompartmentKey) -> [UInt8] {
        sealRecord(summary.encoded, .summary, id: id, version: version, key: intake)
    }

    func openSummary(_ box: [UInt8], id: CaseID, version: UInt64, keyVersion: UInt32) throws -> SummaryRecord {
        try openRecord(box, .summary, id: id, version: version, keyVersion: keyVersion,
                       decode: SummaryRecord.init(decoding:))
    }

    func sealStats(_ stats: StatsRecord, id: CaseID, version: UInt64, key: CompartmentKey) -> [UInt8] {
        sealRecord(stats.encoded, .stats, id: id, version: version, key: key)
    }

    func openStats(_ box: [UInt8], id: CaseID, version: UInt64, keyVersion: UInt32) throws -> StatsRecord {
        try openRecord(box, .stats, id: id, version: version, keyVersion: keyVersion,
                       decode: StatsRecord.init(decoding:))
    }

    // MARK: History entries

    /// A sealed history entry: the ciphertext, and for a legal entry its note key sealed to the
    /// legal compartment's public key (prefixed with that key's version).
    struct SealedEntry {
        let box: [UInt8]
        let sealedKey: [UInt8]?
    }

    /// Seals an entry body at `version`: an intake entry under the case's data key (unwrapped from
    /// `wrappedDataKey`), a legal entry under a fresh note key sealed to the legal public key, so
    /// its writer cannot read it back.
    func sealEntry(_ body: [UInt8], legal: Bool, id: CaseID, version: UInt64, wrappedDataKey: [UInt8],
                   keyVersion: UInt32) throws -> SealedEntry {
        let padded = Padding.pad(body, blockSize: SealedColumn.entry.paddingBlock)
        if legal {
            let legalKey = try keys.publicKey(.legal)
            keys.noteKey.randomize()
            defer { keys.noteKey.zero() }
            let box = XChaCha20Poly1305.seal(padded, associatedData: SealedColumn.legalEntry.associatedData(
                rowID: id.bytes, version: version, keyVersion: legalKey.version), key: keys.noteKey)
            let sealedKey = AssociatedData.bigEndian32(legalKey.version)
                + (try SealedBox.seal(secret: keys.noteKey, to: legalKey.key))
            return SealedEntry(box: box, sealedKey: sealedKey)
        }
        return try withDataKey(wrappedDataKey, id: id, keyVersion: keyVersion) { dataKey in
            SealedEntry(box: XChaCha20Poly1305.seal(padded, associatedData: SealedColumn.entry.associatedData(
                rowID: id.bytes, version: version, keyVersion: CaseCipher.dataKeyVersion), key: dataKey),
                sealedKey: nil)
        }
    }

    /// Opens one history entry; `nil` when it is a legal entry and the session holds no legal
    /// key (a coordinator never sees legal notes, not even their own). An intake entry is opened
    /// with `dataKey`, the case's unwrapped content key.
    func openEntry(_ box: [UInt8], sealedKey: [UInt8]?, id: CaseID, version: UInt64,
                   dataKey: SecureBytes) throws -> [UInt8]? {
        do {
            let padded: [UInt8]
            if let sealedKey {
                guard let legal = keys.compartments[.legal] else { return nil }
                var header = RecordReader(Array(sealedKey.prefix(4)))
                guard try header.u32() == legal.version else { throw RecordDecodingError() }
                try SealedBox.open(Array(sealedKey.dropFirst(4)), with: legal.box, into: keys.noteKey)
                defer { keys.noteKey.zero() }
                padded = try XChaCha20Poly1305.open(box, associatedData: SealedColumn.legalEntry.associatedData(
                    rowID: id.bytes, version: version, keyVersion: legal.version), key: keys.noteKey)
            } else {
                padded = try XChaCha20Poly1305.open(box, associatedData: SealedColumn.entry.associatedData(
                    rowID: id.bytes, version: version, keyVersion: CaseCipher.dataKeyVersion), key: dataKey)
            }
            return try Padding.unpad(padded, blockSize: SealedColumn.entry.paddingBlock)
        } catch {
            throw CaseVaultError.integrity(id, "entry \(version)")
        }
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
