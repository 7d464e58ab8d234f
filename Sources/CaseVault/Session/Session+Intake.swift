import Foundation
import SodiumKit

/// A request's normalised contact handle and its blind index, computed before the write.
struct ContactIndex {
    let normalized: String
    let version: UInt32
    let value: [UInt8]
}

/// What intake reports about one new case.
public struct IntakeReceipt: Hashable, Sendable {
    /// The new case's id.
    public let id: CaseID
    /// Open cases that already have the same contact handle (after normalisation).
    public let duplicatesOf: [CaseID]
    /// Identifying details the free-text check found (a warning; refused under a strict policy).
    public let warnings: [TextFinding]
}

extension Session {
    /// Logs one request as a new case in state `intake`.
    ///
    /// - Returns: the receipt with the new id, any open case with the same contact, and warnings.
    /// - Throws: ``CaseVaultError`` (`permissionDenied` for auditors, `invalidInput`,
    ///   `identifyingText` under a strict text policy).
    public func intake(_ request: Request) throws -> IntakeReceipt {
        try intake([request], label: nil)[0]  // one request in, one receipt out
    }

    /// Logs many requests in one transaction: all are stored or none.
    ///
    /// One audit entry, one sealed audit body and one signature cover the whole batch.
    /// - Throws: ``CaseVaultError``; the message names the request's position (from 1).
    public func intake(_ requests: [Request]) throws -> [IntakeReceipt] {
        try intake(requests) { "request \($0 + 1)" }
    }

    /// Bulk intake naming a failing request with `label(position)`, such as its import line.
    ///
    /// `progress` is called with (requests written, all requests): with 0 once the transaction has
    /// begun, then every few hundred requests and for the last one, before the batch commits. When
    /// it throws, the transaction rolls back, nothing is stored and its error comes out unchanged.
    func intake(_ requests: [Request], label: ((Int) -> String)?,
                progress: ((_ done: Int, _ total: Int) throws -> Void)? = nil) throws -> [IntakeReceipt] {
        try require(.logRequests)
        let intakeKey = try keys.compartment(.intake, for: "log requests")
        let statsKey = try keys.compartment(.stats, for: "log requests")
        let (warnings, indexes) = try prepare(requests, label: label)
        let cipher = self.cipher
        let now = Clock.nowSeconds()
        let progress = ProgressCallback(progress)
        return try database.write("log requests") { store -> [IntakeReceipt] in
            // The per-case key buffers are wiped however the batch ends, stopped by the caller included.
            defer {
                keys.dataKey.zero()
                keys.contactKey.zero()
            }
            try progress(0, requests.count)
            var projections = try ProjectionWriter(store, keys: keys)
            var written: [[UInt8]] = []
            written.reserveCapacity(requests.count * 4)
            var receipts: [IntakeReceipt] = []
            // This batch's own contacts, by blind index, compared in memory; the vault lookup reads only
            // rows stored before the batch (rowids below the first one this batch gets), so it never
            // reads back the rows this transaction has just written.
            var batchContacts: [[UInt8]: [(id: CaseID, normalized: String)]] = [:]
            let firstBatchRow = try store.nextCaseRowID()
            for (position, request) in requests.enumerated() {
                let id = CaseID.random()
                keys.dataKey.randomize()
                let wrappedData = cipher.wrap(keys.dataKey, .wrappedDataKey, id: id, intake: intakeKey)
                let content = cipher.seal(CaseContent(createdBy: keys.userID, createdAt: now, request: request).encoded,
                                          .content, id: id, dataKey: keys.dataKey)
                var wrappedContact: [UInt8]?
                var contact: [UInt8]?
                var duplicates: [CaseID] = []
                let index = indexes[position]
                if let handle = request.contact, let index {
                    // Earlier cases are looked up in the vault; this batch's earlier requests (open, in
                    // intake) are compared in memory, in the same order as rows are stored.
                    let fromBatch = batchContacts[index.value, default: []]
                    duplicates = try openCases(store, withContact: index.normalized, index: index.value,
                                               before: firstBatchRow, skipping: Set(fromBatch.map(\.id)))
                        + fromBatch.filter { $0.normalized == index.normalized }.map(\.id)
                    batchContacts[index.value, default: []].append((id, index.normalized))
                    keys.contactKey.randomize()
                    wrappedContact = cipher.wrap(keys.contactKey, .wrappedContactKey, id: id, intake: intakeKey)
                    contact = cipher.seal(Array(handle.utf8), .contact, id: id, dataKey: keys.contactKey)
                }
                let summaryRecord = SummaryRecord(state: .intake, outcome: .open, request: request, assignee: nil)
                let statsRecord = StatsRecord(request: request, state: .intake, outcome: .open)
                let summary = cipher.sealSummary(summaryRecord, id: id, version: CaseCipher.creationVersion,
                                                 intake: intakeKey)
                let stats = cipher.sealStats(statsRecord, id: id, version: CaseCipher.creationVersion, key: statsKey)
                let slot = try projections.place(id, summary: summaryRecord, stats: statsRecord)
                try store.insert(CaseRow(
                    id: Data(id.bytes), version: Int64(CaseCipher.creationVersion),
                    keyVersion: Int64(intakeKey.version),
                    dataKey: Data(wrappedData), content: Data(content), contactKey: wrappedContact.map { Data($0) },
                    contact: contact.map { Data($0) }, summary: Data(summary), statsKeyVersion: Int64(statsKey.version),
                    stats: Data(stats), indexVersion: index.map { Int64($0.version) },
                    blindIndex: index.map { Data($0.value) },
                    slot: slot))
                written.append(contentsOf: [wrappedData, content, summary, stats])
                if let wrappedContact, let contact { written.append(contentsOf: [wrappedContact, contact]) }
                receipts.append(IntakeReceipt(id: id, duplicatesOf: duplicates, warnings: warnings[position]))
                try progress.after(position, of: requests.count)
            }
            try projections.commit()
            try AuditLog.append(store, keys: keys, action: requests.count == 1 ? "case-created" : "cases-imported",
                                caseIDs: receipts.map(\.id), detail: "\(requests.count) request(s)",
                                ciphertexts: written)
            return receipts
        }
    }

    /// Validates every request before anything is written: the free-text check (which throws
    /// under a strict policy) and the contact's blind index.
    private func prepare(_ requests: [Request], label: ((Int) -> String)?) throws
        -> (warnings: [[TextFinding]], indexes: [ContactIndex?]) {
        let settings = try refreshSettings()
        let strict = settings.strictTextPolicy
        let today = CalendarDay.today(inTimeZone: settings.timeZone)
        var warnings: [[TextFinding]] = []
        var indexes: [ContactIndex?] = []
        for (position, request) in requests.enumerated() {
            do {
                try request.validate()
                try request.checkReceived(today: today, timeZone: settings.timeZone)
                let finding = try TextPolicy.check(request.narrative, field: "narrative", strict: strict)
                warnings.append(finding.map { [$0] } ?? [])
                indexes.append(try request.contact.map { contact in
                    let normalized = ContactHandle.normalize(contact)
                    let index = try cipher.blindIndex(normalized)
                    return ContactIndex(normalized: normalized, version: index.version, value: index.value)
                })
            } catch {
                guard let label, let error = error as? CaseVaultError else { throw error }
                throw error.labelled(label(position))
            }
        }
        return (warnings, indexes)
    }

    /// Open cases whose contact handle equals `normalized`: the blind index narrows the search
    /// to a few candidates (it is truncated on purpose), then each candidate's contact is
    /// decrypted and compared, and only a case whose contact matches has its summary opened to
    /// see whether it is still open. Only rows before `rowLimit` are read, and cases in `known`
    /// are passed over (bulk intake compares its own batch in memory).
    func openCases(_ store: Store, withContact normalized: String, index: [UInt8], before rowLimit: Int64 = .max,
                   skipping known: Set<CaseID> = []) throws -> [CaseID] {
        try casesSharing(store, contact: normalized, index: index, before: rowLimit, skipping: known)
            .filter { $0.summary.state != .closed }.map(\.id)
    }

    /// Every case whose stored contact equals `normalized`, with its summary: the blind index
    /// narrows the search to a few candidates, whose contacts are decrypted and compared.
    func casesSharing(_ store: Store, contact normalized: String, index: [UInt8], before rowLimit: Int64 = .max,
                      skipping known: Set<CaseID> = []) throws -> [(id: CaseID, summary: SummaryRecord)] {
        let cipher = self.cipher
        var matches: [(id: CaseID, summary: SummaryRecord)] = []
        for candidate in try store.contactCandidates(blindIndex: index, before: rowLimit) {
            let id = try CaseID(storedBytes: candidate.id)
            guard !known.contains(id) else { continue }
            let keyVersion = UInt32(clamping: candidate.keyVersion)
            let stored = try cipher.openContact(wrappedKey: candidate.contactKey, box: candidate.contact, id: id,
                                                keyVersion: keyVersion)
            guard ContactHandle.normalize(stored) == normalized else { continue }
            let summary = try cipher.openSummary(candidate.summary, id: id,
                                                 version: UInt64(clamping: candidate.version), keyVersion: keyVersion)
            matches.append((id, summary))
        }
        return matches
    }

    /// Open cases with the same contact handle as `contact`, for a check before intake.
    ///
    /// - Throws: ``CaseVaultError`` (`permissionDenied` without the intake and index keys).
    public func openCases(withContact contact: String) throws -> [CaseID] {
        try require(.lookUpContacts)
        let normalized = ContactHandle.normalize(contact)
        let index = try cipher.blindIndex(normalized)
        return try database.readOneQuery("look up a contact") { store in
            try openCases(store, withContact: normalized, index: index.value)
        }
    }
}
