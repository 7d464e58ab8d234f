import Foundation
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
        try require(.writeNotes)
        guard compartment == .intake || compartment == .legal else {
            throw CaseVaultError(.invalidInput, "notes go in the intake or the legal compartment")
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CaseVaultError(.invalidInput, "the note is empty; write its text in the file you pass")
        }
        let finding = try TextPolicy.check(text, field: "note", strict: try refreshSettings().strictTextPolicy)
        let users = try verifiedUsers()
        try database.write("add a note to case \(id)") { store in
            let current = try verifiedCase(store, id, users: users)
            let entry = EntryRecord(note: text, compartment: compartment, author: keys.userID, at: Clock.nowSeconds())
            try appendEntry(store, entry, to: current, audit: "note-added", detail: compartment.rawValue) { _, _ in }
        }
        return [finding].compactMap { $0 }
    }

    /// Fires a workflow event on a case: the workflow decides (DESIGN.md §5), and the
    /// transition, signed by this user, is stored with the case and its audit entry in one
    /// transaction.
    ///
    /// `close` erases the contact handle and its blind index (crypto-shredding its key) unless the
    /// vault keeps contacts after close.
    /// - Returns: the case as it is after the event.
    /// - Throws: ``CaseVaultError`` with code `refused` and a ``WorkflowRefusal`` (wrong role,
    ///   wrong state, a missing note, partner, consent, outcome or assignee); `notFound` for an
    ///   unknown case, partner or assignee; `integrity`; `identifyingText` for the note under a
    ///   strict policy.
    @discardableResult
    public func perform(_ event: WorkflowEvent, on id: CaseID, with inputs: WorkflowInputs = WorkflowInputs()) throws
        -> CaseRecord {
        try require(.fireEvents)
        _ = try keys.compartment(.intake, for: "move cases through the workflow")
        let strict = try refreshSettings().strictTextPolicy
        _ = try TextPolicy.check(inputs.note, field: "note", strict: strict)
        let users = try verifiedUsers()
        let partners = inputs.partner == nil ? [] : try self.partners()
        let keepContact = settings.keepContactAfterClose
        let (record, closing) = try database.write("\(event) case \(id)") { store -> (CaseRecord, Bool) in
            let current = try verifiedCase(store, id, users: users)
            let to: CaseState
            switch Workflow.decide(event, from: current.record.state, by: role, with: inputs) {
            case .success(let state): to = state
            case .failure(let refusal): throw CaseVaultError(refusal, caseID: id)
            }
            var assignee: UserID?
            if event == .reassign, let name = inputs.assignee {
                guard let user = users.values.first(where: { $0.name == name }) else {
                    throw CaseVaultError.unknownAssignee(name)
                }
                guard user.role == .lawyer else {
                    throw CaseVaultError(.refused, "\(name) is \(English.withArticle(user.role.rawValue)), not a lawyer",
                                         remedy: "cases are assigned to lawyers", subject: .assignee(name))
                }
                assignee = user.id
            }
            var partner: String?
            if event == .refer, let name = inputs.partner {
                guard partners.contains(where: { $0.name == name }) else {
                    throw CaseVaultError.unknownPartner(name)
                }
                partner = name
            }
            let transition = TransitionRecord(
                event: event, from: current.record.state, to: to, outcome: event == .close ? inputs.outcome : nil,
                assignee: assignee, partner: partner, consent: event == .refer && inputs.consent)
            let entry = EntryRecord(transition: transition, note: inputs.note, author: keys.userID,
                                    at: Clock.nowSeconds())
            let erase = event == .close && !keepContact
            try appendEntry(store, entry, to: current, audit: "event-\(event)", detail: "\(current.record.state) -> \(to)",
                            eraseContact: erase) { summary, stats in
                HistoryReplay.apply(transition, by: keys.userID, to: &summary)
                stats.state = summary.state
                stats.outcome = summary.outcome
            }
            // Read back inside the transaction: the caller gets the case as verified after the event.
            return (try readCase(store, id, users: users), erase)
        }
        if closing {
            // Old WAL frames still hold the erased contact's pages until a checkpoint truncates them.
            database.requestCheckpoint()
        }
        return record
    }

    /// Appends a signed entry to a verified case inside the current transaction: bumps the
    /// record version (compare-and-swap), re-encrypts the summary and stats row and updates the
    /// case's projection slot as `update` changes them, optionally erases the contact, and writes
    /// the audit entry.
    func appendEntry(_ store: Store, _ entry: EntryRecord, to current: VerifiedCase, audit action: String,
                     detail: String, eraseContact: Bool = false,
                     update: (inout SummaryRecord, inout StatsRecord) -> Void) throws {
        let id = current.record.id
        let intakeKey = try keys.compartment(.intake, for: "write to cases")
        let statsKey = try keys.compartment(.stats, for: "write to cases")
        guard var stats = current.stats else { throw CaseVaultError.missingKey("stats", for: "write to cases") }
        let cipher = self.cipher
        let row = current.row
        let version = UInt64(current.record.version)
        let next = version + 1
        let payload = entry.payload
        let signature = keys.signing.sign(EntryRecord.signedMessage(
            vaultID: keys.vaultID, caseID: id, version: next, kind: entry.kind, compartment: entry.compartment,
            contentCiphertext: [UInt8](row.content), previousCiphertext: current.lastCiphertext, payload: payload))
        let sealed = try cipher.sealEntry(entry.body(signature: signature), legal: entry.compartment == .legal, id: id,
                                          version: next, wrappedDataKey: [UInt8](row.dataKey),
                                          keyVersion: UInt32(clamping: row.keyVersion))
        var summary = current.summary
        update(&summary, &stats)
        let newSummary = cipher.sealSummary(summary, id: id, version: next, intake: intakeKey)
        let newStats = cipher.sealStats(stats, id: id, version: next, key: statsKey)
        try store.insert(CaseEntryRow(caseID: Data(id.bytes), version: Int64(next),
                                      sealedKey: sealed.sealedKey.map { Data($0) }, body: Data(sealed.box)))
        guard try store.advanceCase(id: id.bytes, from: Int64(version), to: Int64(next), summary: newSummary,
                                    keyVersion: Int64(intakeKey.version), stats: newStats,
                                    statsKeyVersion: Int64(statsKey.version)) else {
            throw CaseVaultError(.conflict, "case \(id) changed while it was being written; try again")
        }
        if summary != current.summary || stats != current.stats {
            var projections = try ProjectionWriter(store, keys: keys)
            try projections.update(id, slot: row.slot, summary: summary, stats: stats)
            try projections.commit()
        }
        if eraseContact {
            // Crypto-shredding: the wrapped contact key goes with the ciphertext and the index.
            try store.eraseContact(caseID: id.bytes)
        }
        try AuditLog.append(store, keys: keys, action: action, caseIDs: [id], detail: detail,
                            ciphertexts: [sealed.box, newSummary, newStats] + (sealed.sealedKey.map { [$0] } ?? []))
    }
}
