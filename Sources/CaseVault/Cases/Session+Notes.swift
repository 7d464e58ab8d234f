import Foundation
import GRDB
import SodiumKit

extension Session {
    /// Adds a signed note to a case.
    ///
    /// An `intake` note is readable by everyone who reads the case. A `legal` note is
    /// encrypted under its own random key sealed to the legal compartment's public key, so
    /// anyone with the case can write one but only lawyers and admins can read it, never the
    /// coordinator who wrote it.
    /// - Returns: identifying details found in the text (a warning).
    /// - Throws: ``CaseVaultError`` (`permissionDenied` for auditors, `notFound`, `integrity`,
    ///   `identifyingText` under a strict policy, `conflict` after a concurrent change).
    @discardableResult
    public func addNote(to id: CaseID, text: String, compartment: Compartment = .intake) throws -> [TextFinding] {
        try require([.coordinator, .lawyer, .admin], to: "write notes")
        guard compartment == .intake || compartment == .legal else {
            throw CaseVaultError(.invalidInput, "notes go in the intake or the legal compartment")
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CaseVaultError(.invalidInput, "the note is empty; write its text in the file you pass")
        }
        let finding = try TextPolicy.check(text, field: "note", strict: try refreshSettings().strictTextPolicy)
        let intakeKey = try keys.compartment(.intake, for: "write notes")
        let statsKey = try keys.compartment(.stats, for: "write notes")
        let legalPublic = try keys.publicKey(.legal)
        let users = try verifiedUsers()
        let cipher = self.cipher
        try vault.write(action: "add a note to case \(id)") { (db: Database) throws -> Void in
            // Reading inside the write transaction verifies the case and pins its version.
            let current = try readCase(db, id, users: users)
            let row = try Row.fetchOne(db, sql: "SELECT * FROM cases WHERE id = ?", arguments: [Data(id.bytes)])!
            let version = UInt64(current.version)
            let next = version + 1
            let contentBox = [UInt8](row["content"] as Data)
            let previous = try Data.fetchOne(
                db, sql: "SELECT body FROM case_entries WHERE case_id = ? ORDER BY version DESC LIMIT 1",
                arguments: [Data(id.bytes)]).map { [UInt8]($0) } ?? contentBox
            let entry = EntryRecord(kind: .note, compartment: compartment, author: keys.userID, at: Clock.nowSeconds(),
                                    text: text)
            let payload = entry.payload
            let signature = keys.signing.sign(EntryRecord.signedMessage(
                vaultID: keys.vaultID, caseID: id, version: next, kind: .note, compartment: compartment,
                contentCiphertext: contentBox, previousCiphertext: previous, payload: payload))
            let padded = Padding.pad(entry.body(signature: signature), blockSize: CaseCipher.longBlock)
            let box: [UInt8]
            var sealedKey: [UInt8]?
            if compartment == .legal {
                keys.noteKey.randomize()
                defer { keys.noteKey.zero() }
                box = XChaCha20Poly1305.seal(padded, associatedData: CaseCipher.ad(
                    table: "case_entries", "body", id, version: next, .legal, keyID: "note",
                    keyVersion: legalPublic.version), key: keys.noteKey)
                sealedKey = AssociatedData.bigEndian32(legalPublic.version)
                    + (try SealedBox.seal(secret: keys.noteKey, to: legalPublic.key))
            } else {
                try cipher.unwrap([UInt8](row["data_key"] as Data), column: "data_key", id: id,
                                  keyVersion: UInt32(row["key_version"] as Int64), into: keys.dataKey)
                defer { keys.dataKey.zero() }
                box = XChaCha20Poly1305.seal(padded, associatedData: CaseCipher.ad(
                    table: "case_entries", "body", id, version: next, .intake, keyID: "data",
                    keyVersion: CaseCipher.dataKeyVersion), key: keys.dataKey)
            }
            let stats = try cipher.openStats([UInt8](row["stats"] as Data), id: id, version: version,
                                             keyVersion: UInt32(row["stats_key_version"] as Int64))
            let summary = try cipher.openSummary([UInt8](row["summary"] as Data), id: id, version: version,
                                                 keyVersion: UInt32(row["key_version"] as Int64))
            let newSummary = cipher.sealSummary(summary, id: id, version: next, intake: intakeKey)
            let newStats = cipher.sealStats(stats, id: id, version: next, key: statsKey)
            try db.execute(sql: "INSERT INTO case_entries (case_id, version, sealed_key, body) VALUES (?, ?, ?, ?)",
                           arguments: [Data(id.bytes), Int64(next), sealedKey.map { Data($0) }, Data(box)])
            try db.execute(
                sql: """
                    UPDATE cases SET version = ?, summary = ?, stats = ?, key_version = ?, stats_key_version = ?
                    WHERE id = ? AND version = ?
                    """,
                arguments: [Int64(next), Data(newSummary), Data(newStats), Int64(intakeKey.version),
                            Int64(statsKey.version), Data(id.bytes), Int64(version)])
            guard db.changesCount == 1 else {
                throw CaseVaultError(.conflict, "case \(id) changed while the note was written; try again")
            }
            try AuditLog.append(db, keys: keys, action: "note-added", caseIDs: [id], detail: compartment.rawValue,
                                ciphertexts: [box, newSummary, newStats] + (sealedKey.map { [$0] } ?? []))
        }
        return [finding].compactMap { $0 }
    }
}
