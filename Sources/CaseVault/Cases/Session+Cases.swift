import Foundation
import GRDB
import SodiumKit

extension Session {
    /// Lists cases, most urgent first, then by deadline (none last), then by received date.
    ///
    /// Reads each case's encrypted summary with the intake key; signatures are not checked
    /// here (``case(_:)`` verifies).
    /// - Throws: ``CaseVaultError`` (`permissionDenied` for auditors or without the intake key,
    ///   `integrity` naming a case whose summary does not authenticate).
    public func cases(_ filter: CaseFilter = CaseFilter()) throws -> [CaseSummary] {
        try require([.coordinator, .lawyer, .admin], to: "list cases (auditors export counts instead)")
        _ = try keys.compartment(.intake, for: "list cases")
        let users = try verifiedUsers()
        var assigneeID: UserID?
        if let name = filter.assignee {
            guard let user = users.values.first(where: { $0.name == name }) else {
                throw CaseVaultError(.notFound, "no user named \(name) in this vault; check --assignee")
            }
            assigneeID = user.id
        }
        let today = CalendarDay.today(inTimeZone: settings.timeZone)
        var scanner = try CaseCipher.RecordScanner(column: "summary", .intake, keys: keys, for: "list cases")
        var result: [CaseSummary] = []
        try vault.read("list cases") { db in
            let cursor = try Row.fetchCursor(db, sql: "SELECT id, version, key_version, summary FROM cases")
            while let row = try cursor.next() {
                let id = try CaseID(storedBytes: [UInt8](row[0] as Data))
                // Every summary is authenticated; only those in the asked-for state are unpadded and decoded.
                let padded = try row.withUnsafeData(atIndex: 3) { box in
                    try scanner.open(box ?? Data(), id: id, version: UInt64(row[1] as Int64),
                                     keyVersion: UInt32(row[2] as Int64))
                }
                if let state = filter.state, try SummaryRecord.state(in: padded, of: id) != state { continue }
                let summary = try scanner.decode(padded, id: id, SummaryRecord.init(decoding:))
                if let urgency = filter.urgency, summary.urgency != urgency { continue }
                if let assigneeID, summary.assignee != assigneeID { continue }
                if filter.overdue {
                    guard summary.state != .closed, let deadline = summary.deadline, deadline < today else { continue }
                }
                result.append(CaseSummary(id: id, received: summary.received, state: summary.state,
                                          outcome: summary.outcome, urgency: summary.urgency,
                                          deadline: summary.deadline, assignee: summary.assignee.flatMap { users[$0]?.name },
                                          region: summary.region, needs: summary.needs.sorted()))
            }
        }
        return result.sorted(by: Session.listingOrder)
    }

    static func listingOrder(_ a: CaseSummary, _ b: CaseSummary) -> Bool {
        if a.urgency != b.urgency { return a.urgency < b.urgency }
        switch (a.deadline, b.deadline) {
        case let (x?, y?) where x != y: return x < y
        case (_?, nil): return true
        case (nil, _?): return false
        default: break
        }
        if a.received != b.received { return a.received < b.received }
        return a.id < b.id
    }

    /// Reads and verifies one case: every ciphertext authenticates in its place, every entry's
    /// signature verifies against its author's certified key, versions run without gaps.
    ///
    /// - Throws: ``CaseVaultError`` (`notFound`, `permissionDenied` for auditors, `integrity`
    ///   naming the case).
    public func `case`(_ id: CaseID) throws -> CaseRecord {
        try require([.coordinator, .lawyer, .admin], to: "read cases (auditors export counts instead)")
        _ = try keys.compartment(.intake, for: "read cases")
        let users = try verifiedUsers()
        return try vault.read("read case \(id)") { db in try readCase(db, id, users: users) }
    }

    func readCase(_ db: Database, _ id: CaseID, users: [UserID: UserRecord]) throws -> CaseRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM cases WHERE id = ?", arguments: [Data(id.bytes)]) else {
            throw CaseVaultError(.notFound, "no case \(id) in this vault; 'casevault case list' shows the cases",
                                 caseID: id)
        }
        let cipher = self.cipher
        let version = UInt64(row["version"] as Int64)
        let keyVersion = UInt32(row["key_version"] as Int64)
        let contentBox = [UInt8](row["content"] as Data)
        try cipher.unwrap([UInt8](row["data_key"] as Data), column: "data_key", id: id, keyVersion: keyVersion,
                          into: keys.dataKey)
        defer { keys.dataKey.zero() }
        let content: CaseContent
        do {
            content = try CaseContent(decoding: try cipher.open(contentBox, column: "content", id: id,
                                                                block: CaseCipher.longBlock, dataKey: keys.dataKey,
                                                                keyID: "data"))
        } catch is RecordDecodingError {
            throw CaseVaultError.integrity(id, "content does not decode")
        }
        var request = content.request
        if let wrapped = row["contact_key"] as Data?, let box = row["contact"] as Data? {
            try cipher.unwrap([UInt8](wrapped), column: "contact_key", id: id, keyVersion: keyVersion,
                              into: keys.contactKey)
            defer { keys.contactKey.zero() }
            let contact = try cipher.open([UInt8](box), column: "contact", id: id, block: CaseCipher.shortBlock,
                                          dataKey: keys.contactKey, keyID: "contact")
            request.contact = String(decoding: contact, as: UTF8.self)
        }
        let summary = try cipher.openSummary([UInt8](row["summary"] as Data), id: id, version: version,
                                             keyVersion: keyVersion)
        func name(_ user: UserID) -> String { users[user]?.name ?? "unknown user" }

        var history = [HistoryEntry(event: "intake", from: nil, to: .intake, actor: name(content.createdBy),
                                    at: Clock.iso8601(content.createdAt), note: nil)]
        var replay = HistoryReplay()
        var notes: [CaseNote] = []
        var expectedVersion = CaseCipher.creationVersion + 1
        var previous = contentBox
        for entry in try Row.fetchAll(db, sql: "SELECT * FROM case_entries WHERE case_id = ? ORDER BY version",
                                      arguments: [Data(id.bytes)]) {
            let entryVersion = UInt64(entry["version"] as Int64)
            guard entryVersion == expectedVersion else { throw CaseVaultError.integrity(id, "history has a gap") }
            let box = [UInt8](entry["body"] as Data)
            let sealedKey = (entry["sealed_key"] as Data?).map { [UInt8]($0) }
            if let opened = try openEntry(box, sealedKey: sealedKey, id: id, version: entryVersion) {
                let (record, payload, signature) = opened
                guard let author = users[record.author],
                      Ed25519.isValid(signature: signature,
                                      message: EntryRecord.signedMessage(
                                        vaultID: keys.vaultID, caseID: id, version: entryVersion, kind: record.kind,
                                        compartment: record.compartment, contentCiphertext: contentBox,
                                        previousCiphertext: previous, payload: payload),
                                      publicKey: author.signPublicKey) else {
                    throw CaseVaultError.integrity(id, "entry \(entryVersion) has no valid signature")
                }
                let at = Clock.iso8601(record.at)
                if let transition = record.transition {
                    let note = record.text.isEmpty ? nil : record.text
                    guard replay.apply(transition, by: author.id, role: author.role, note: note, at: at) else {
                        throw CaseVaultError.integrity(id, "entry \(entryVersion) is a transition its signer's role "
                                                       + "may not make from that state")
                    }
                    history.append(HistoryEntry(event: transition.event.rawValue, from: transition.from,
                                                to: transition.to, actor: author.name, at: at, note: note))
                } else {
                    notes.append(CaseNote(text: record.text, author: author.name, at: at,
                                          compartment: record.compartment))
                }
            }
            previous = box
            expectedVersion += 1
        }
        guard expectedVersion == version + 1 else { throw CaseVaultError.integrity(id, "history is incomplete") }
        guard summary.state == replay.state, summary.outcome == replay.outcome, summary.assignee == replay.assignee,
              summary.urgency == request.urgency, summary.deadline == request.deadline,
              summary.received == request.received, summary.region == request.region,
              summary.needs == request.needs else {
            throw CaseVaultError.integrity(id, "its summary does not match its signed history and content")
        }
        // The stats row is what exports count: it must say what the content and history say.
        if keys.compartments[.stats] != nil {
            let stats = try cipher.openStats([UInt8](row["stats"] as Data), id: id, version: version,
                                             keyVersion: UInt32(row["stats_key_version"] as Int64))
            guard stats == StatsRecord(request: request, state: replay.state, outcome: replay.outcome) else {
                throw CaseVaultError.integrity(id, "its statistics row does not match its content and history")
            }
        }
        return CaseRecord(id: id, request: request, state: replay.state, assignee: replay.assignee.map(name),
                          outcome: replay.outcome, notes: notes, history: history, referrals: replay.referrals,
                          version: Int(version))
    }

    /// Decrypts one history entry; `nil` when it is a legal note and the session holds no legal
    /// key (a coordinator never sees legal notes, not even their own).
    func openEntry(_ box: [UInt8], sealedKey: [UInt8]?, id: CaseID,
                   version: UInt64) throws -> (EntryRecord, [UInt8], [UInt8])? {
        let plaintext: [UInt8]
        do {
            if let sealedKey {
                guard let legal = keys.compartments[.legal] else { return nil }
                var header = RecordReader(Array(sealedKey.prefix(4)))
                let legalVersion = try header.u32()
                guard legalVersion == legal.version else { throw RecordDecodingError() }
                try SealedBox.open(Array(sealedKey.dropFirst(4)), with: legal.box, into: keys.noteKey)
                defer { keys.noteKey.zero() }
                plaintext = try XChaCha20Poly1305.open(
                    box, associatedData: CaseCipher.ad(table: "case_entries", "body", id, version: version, .legal,
                                                       keyID: "note", keyVersion: legal.version),
                    key: keys.noteKey)
            } else {
                plaintext = try XChaCha20Poly1305.open(
                    box, associatedData: CaseCipher.ad(table: "case_entries", "body", id, version: version, .intake,
                                                       keyID: "data", keyVersion: CaseCipher.dataKeyVersion),
                    key: keys.dataKey)
            }
            return try EntryRecord.decode(body: try Padding.unpad(plaintext, blockSize: CaseCipher.longBlock))
        } catch {
            throw CaseVaultError.integrity(id, "entry \(version)")
        }
    }
}
