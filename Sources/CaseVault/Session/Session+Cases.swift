import Foundation
import SodiumKit

extension Session {
    /// Lists cases, most urgent first, then by deadline (none last), then by received date.
    ///
    /// Reads the packed summary projection with the intake key (a few dozen blocks, not a row
    /// per case); signatures are not checked here (``case(_:)`` verifies).
    /// - Throws: ``CaseVaultError`` (`permissionDenied` for auditors or without the intake key,
    ///   `integrity` naming a case whose summary does not authenticate).
    public func cases(_ filter: CaseFilter = CaseFilter()) throws -> [CaseSummary] {
        try require(.listCases)
        _ = try keys.compartment(.intake, for: "list cases")
        let users = try verifiedUsers()
        var assigneeIDs: Set<UserID> = []
        for name in filter.assignees {
            guard let user = users.values.first(where: { $0.name == name }) else {
                throw CaseVaultError.unknownAssignee(name)
            }
            assigneeIDs.insert(user.id)
        }
        let today = CalendarDay.today(inTimeZone: settings.timeZone)
        let blocks = try database.read("list cases") { store in try Projections.summaryBlocks(store, keys: keys) }
        // A 256-entry table of the wanted state codes: the state column alone decides most filters.
        var wantedState = [Bool](repeating: filter.states.isEmpty, count: 256)
        for state in filter.states { wantedState[Int(state.code)] = true }
        var result: [CaseSummary] = []
        for block in blocks {
            for index in 0..<block.capacity {
                // The state column alone decides most filters: only matching slots are decoded.
                let state = block.states[index]
                guard state != SummaryBlock.emptyState, wantedState[Int(state)] else { continue }
                let entry: (id: CaseID, summary: SummaryRecord)?
                do { entry = try block.entry(at: index) } catch {
                    throw Projections.damaged(.summary, number: block.number)
                }
                guard let (id, summary) = entry else { continue }
                if !filter.urgencies.isEmpty, !filter.urgencies.contains(summary.urgency) { continue }
                if !assigneeIDs.isEmpty {
                    guard let assignee = summary.assignee, assigneeIDs.contains(assignee) else { continue }
                }
                if filter.overdue {
                    guard summary.state != .closed, let deadline = summary.deadline, deadline < today else { continue }
                }
                result.append(CaseSummary(id: id, summary, users: users))
            }
        }
        return Session.sortedForListing(result)
    }

    /// The cases whose contact handle is the same as `contact` after normalisation (a phone
    /// number in any spelling, a handle with or without `@`), open or closed, in listing order.
    ///
    /// The keyed blind index narrows the search to a few candidates, whose contacts are then
    /// decrypted and compared; a closed case whose contact was erased is not found.
    /// - Throws: ``CaseVaultError`` (`permissionDenied` for auditors, `invalidInput` for an empty
    ///   handle, `integrity` naming a case whose contact or summary does not authenticate).
    public func cases(sharingContact contact: String) throws -> [CaseSummary] {
        try require(.lookUpContacts)
        let normalized = ContactHandle.normalize(contact)
        guard !normalized.isEmpty else {
            throw CaseVaultError(.invalidInput, "the contact handle is empty", remedy: "give a handle or number",
                                 subject: nil)
        }
        let index = try cipher.blindIndex(normalized)
        let users = try verifiedUsers()
        let found = try database.read("look up a contact") { store in
            try casesSharing(store, contact: normalized, index: index.value).map { CaseSummary(id: $0.id, $0.summary,
                                                                                           users: users) }
        }
        return Session.sortedForListing(found)
    }

    /// One page of ``cases(_:)``: the matching cases from `offset` on, at most `limit` of them
    /// (all the rest when `limit` is nil), with the number of matches in all.
    ///
    /// - Throws: ``CaseVaultError`` as ``cases(_:)``, and `invalidInput` for a negative offset or a
    ///   limit below 1.
    public func cases(_ filter: CaseFilter, offset: Int, limit: Int?) throws -> CasePage {
        guard offset >= 0 else {
            throw CaseVaultError(.invalidInput, "the offset \(offset) is negative", remedy: "the first case is at 0",
                                 subject: .init(.offset, String(offset)))
        }
        if let limit, limit < 1 {
            throw CaseVaultError(.invalidInput, "a page of \(limit) cases shows nothing", remedy: "ask for 1 or more",
                                 subject: .init(.limit, String(limit)))
        }
        let all = try cases(filter)
        let start = min(offset, all.count)
        let end = limit.map { min(all.count, start + $0) } ?? all.count
        return CasePage(cases: Array(all[start..<end]), offset: offset, total: all.count)
    }

    /// `summaries` in ``listingOrder(_:_:)``, sorted by one packed integer key per case (urgency,
    /// deadline, received date) and the id, so the sort moves small keys, not whole summaries.
    static func sortedForListing(_ summaries: [CaseSummary]) -> [CaseSummary] {
        let noDeadline: UInt64 = (1 << 27) - 1  // after every packed YYYYMMDD date (at most 99,991,231)
        let keys = summaries.indices.map { index -> (UInt64, UInt64, UInt64, Int) in
            let summary = summaries[index]
            let key = UInt64(summary.urgency.ordinal) << 54
                | (summary.deadline.map { UInt64($0.packed) } ?? noDeadline) << 27 | UInt64(summary.received.packed)
            let id = summary.id.bytes
            let high = id[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
            let low = id[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
            return (key, high, low, index)
        }
        return keys.sorted { $0 < $1 }.map { summaries[$0.3] }
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
        try require(.readCases)
        _ = try keys.compartment(.intake, for: "read cases")
        let users = try verifiedUsers()
        return try database.read("read case \(id)") { store in try readCase(store, id, users: users) }
    }

    func readCase(_ store: Store, _ id: CaseID, users: [UserID: UserRecord]) throws -> CaseRecord {
        try verifiedCase(store, id, users: users).record
    }

    /// Reads and verifies one case, keeping what a write builds on: the stored row, the opened
    /// summary and stats, and the newest history ciphertext (the next entry's signature covers it).
    func verifiedCase(_ store: Store, _ id: CaseID, users: [UserID: UserRecord]) throws -> VerifiedCase {
        guard let row = try store.caseRow(id: id.bytes) else {
            throw CaseVaultError.unknownCase(id)
        }
        let cipher = self.cipher
        let version = UInt64(clamping: row.version)
        let keyVersion = UInt32(clamping: row.keyVersion)
        let contentBox = [UInt8](row.content)
        let entries = try store.entries(caseID: id.bytes)
        return try cipher.withDataKey([UInt8](row.dataKey), id: id, keyVersion: keyVersion) { dataKey in
            let content: CaseContent
            do {
                content = try CaseContent(decoding: try cipher.open(contentBox, .content, id: id, dataKey: dataKey))
            } catch is RecordDecodingError {
                throw CaseVaultError.integrity(id, "content does not decode")
            }
            var request = content.request
            if let wrapped = row.contactKey, let box = row.contact {
                request.contact = try cipher.openContact(wrappedKey: [UInt8](wrapped), box: [UInt8](box), id: id,
                                                         keyVersion: keyVersion)
            }
            let summary = try cipher.openSummary([UInt8](row.summary), id: id, version: version, keyVersion: keyVersion)
            func name(_ user: UserID) -> String { users[user]?.name ?? "unknown user" }

            var history = [HistoryEntry(event: "intake", from: nil, to: .intake, actor: name(content.createdBy),
                                        at: Clock.iso8601(content.createdAt), note: nil)]
            var replay = HistoryReplay()
            var notes: [CaseNote] = []
            var expectedVersion = CaseCipher.creationVersion + 1
            var previous = contentBox
            for entry in entries {
                let entryVersion = UInt64(clamping: entry.version)
                guard entryVersion == expectedVersion else { throw CaseVaultError.integrity(id, "history has a gap") }
                let box = [UInt8](entry.body)
                if let body = try cipher.openEntry(box, sealedKey: entry.sealedKey.map { [UInt8]($0) }, id: id,
                                                   version: entryVersion, dataKey: dataKey) {
                    let record: EntryRecord, payload: [UInt8], signature: [UInt8]
                    do { (record, payload, signature) = try EntryRecord.decode(body: body) } catch {
                        throw CaseVaultError.integrity(id, "entry \(entryVersion)")
                    }
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
                            throw CaseVaultError.integrity(id, "entry \(entryVersion) is a transition its signer's "
                                                           + "role may not make from that state")
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
            var stats: StatsRecord?
            if keys.compartments[.stats] != nil {
                let opened = try cipher.openStats([UInt8](row.stats), id: id, version: version,
                                                  keyVersion: UInt32(clamping: row.statsKeyVersion))
                guard opened == StatsRecord(request: request, state: replay.state, outcome: replay.outcome) else {
                    throw CaseVaultError.integrity(id, "its statistics row does not match its content and history")
                }
                stats = opened
            }
            let record = CaseRecord(id: id, request: request, state: replay.state, assignee: replay.assignee.map(name),
                                    outcome: replay.outcome, notes: notes, history: history,
                                    referrals: replay.referrals, version: Int(version))
            return VerifiedCase(record: record, row: row, summary: summary, stats: stats, lastCiphertext: previous)
        }
    }
}

/// A case as ``Session/verifiedCase(_:_:users:)`` read and verified it.
struct VerifiedCase {
    let record: CaseRecord
    let row: CaseRow
    let summary: SummaryRecord
    /// Nil when the session holds no stats key.
    let stats: StatsRecord?
    /// The newest history ciphertext (the content ciphertext for a case with no entries yet).
    let lastCiphertext: [UInt8]
}

extension CaseSummary {
    /// The listed view of a case's summary record, with the assignee's name.
    init(id: CaseID, _ summary: SummaryRecord, users: [UserID: UserRecord]) {
        self.init(id: id, received: summary.received, state: summary.state, outcome: summary.outcome,
                  urgency: summary.urgency, deadline: summary.deadline,
                  assignee: summary.assignee.flatMap { users[$0]?.name }, region: summary.region,
                  needs: summary.needs.sorted())
    }
}
