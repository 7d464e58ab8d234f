import Foundation
import GRDB

/// The vault's queries, inside one transaction opened by ``VaultDatabase``: the only SQL in the
/// library. It speaks in typed records and bytes; it never sees a key or a plaintext.
///
/// A store handed to ``VaultDatabase/read(_:_:)`` reads a snapshot (its writes fail); one handed
/// to ``VaultDatabase/write(_:_:)`` reads and writes in one immediate transaction.
struct Store {
    private let db: Database

    init(_ db: Database) { self.db = db }

    // MARK: Vault

    func vault() throws -> VaultRow? { try VaultRow.fetchOne(db, key: 1) }

    func insert(_ row: VaultRow) throws { try row.insert(db) }

    func updateSettings(_ settings: Data, signature: Data) throws {
        try VaultRow.filter(key: 1).updateAll(db, VaultRow.Columns.settings.set(to: settings),
                                              VaultRow.Columns.settingsSignature.set(to: signature))
    }

    // MARK: Users, keyslots, grants, compartment keys

    func user(named name: String) throws -> UserRow? {
        try UserRow.filter(UserRow.Columns.name == name).fetchOne(db)
    }

    func users() throws -> [UserRow] {
        try UserRow.fetchAll(try db.cachedStatement(sql: "SELECT * FROM users ORDER BY name"))
    }

    func userNames() throws -> [String] {
        try String.fetchAll(db, UserRow.select(UserRow.Columns.name).order(UserRow.Columns.name))
    }

    func insert(_ row: UserRow) throws { try row.insert(db) }

    func keyslot(userID: Data, slot: Int) throws -> KeyslotRow? {
        try KeyslotRow.filter(KeyslotRow.Columns.userID == userID && KeyslotRow.Columns.slot == slot).fetchOne(db)
    }

    /// Writes a keyslot, replacing the user's slot of the same number.
    func save(_ row: KeyslotRow) throws { try row.insert(db, onConflict: .replace) }

    func grants(userID: Data) throws -> [GrantRow] {
        try GrantRow.filter(GrantRow.Columns.userID == userID).fetchAll(db)
    }

    func insert(_ row: GrantRow) throws { try row.insert(db) }

    func compartmentKeys() throws -> [CompartmentKeyRow] { try CompartmentKeyRow.fetchAll(db) }

    func insert(_ row: CompartmentKeyRow) throws { try row.insert(db) }

    // MARK: Partners

    func partners() throws -> [PartnerRow] { try PartnerRow.order(PartnerRow.Columns.name).fetchAll(db) }

    func partnerExists(named name: String) throws -> Bool {
        try PartnerRow.filter(PartnerRow.Columns.name == name).fetchCount(db) > 0
    }

    func insert(_ row: PartnerRow) throws { try row.insert(db) }

    // MARK: Cases

    /// One case's row. Showing and writing a case read it every time: the statement is cached.
    func caseRow(id: [UInt8]) throws -> CaseRow? {
        try CaseRow.fetchOne(try db.cachedStatement(sql: "SELECT * FROM cases WHERE id = ?"), arguments: [Data(id)])
    }

    func caseCount() throws -> Int { try CaseRow.fetchCount(db) }

    /// Inserts a new case through a cached statement: bulk intake inserts many in a row, and a
    /// prepared statement with its arguments in place costs a quarter of a record insert.
    func insert(_ row: CaseRow) throws {
        let statement = try db.cachedStatement(sql: CaseRow.insertSQL)
        try statement.execute(arguments: [
            row.id, row.version, row.keyVersion, row.dataKey, row.content, row.contactKey, row.contact, row.summary,
            row.statsKeyVersion, row.stats, row.indexVersion, row.blindIndex, row.slot,
        ])
    }

    /// The rowid the next inserted case will get at the earliest: cases stored before it were
    /// committed before the current batch.
    func nextCaseRowID() throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT IFNULL(MAX(rowid), 0) + 1 FROM cases") ?? 1
    }

    /// What a duplicate-contact lookup needs of a case whose blind index matches.
    struct ContactCandidate {
        let id: [UInt8]
        let version: Int64
        let keyVersion: Int64
        let contactKey: [UInt8]
        let contact: [UInt8]
        let summary: [UInt8]
    }

    /// Cases whose blind index is `index` and whose contact is still stored, oldest first, among
    /// rows stored before `rowLimit`.
    func contactCandidates(blindIndex index: [UInt8], before rowLimit: Int64) throws -> [ContactCandidate] {
        let statement = try db.cachedStatement(sql: """
            SELECT id, version, key_version, contact_key, contact, summary FROM cases
            WHERE blind_index = ? AND rowid < ? AND contact IS NOT NULL
            ORDER BY rowid
            """)
        var candidates: [ContactCandidate] = []
        let rows = try Row.fetchCursor(statement, arguments: [Data(index), rowLimit])
        // Blobs are copied once, straight out of SQLite's buffers.
        func bytes(_ row: Row, _ index: Int) throws -> [UInt8]? {
            try row.withUnsafeData(atIndex: index) { data in data.map { [UInt8]($0) } }
        }
        while let row = try rows.next() {
            guard let id = try bytes(row, 0), let contactKey = try bytes(row, 3), let contact = try bytes(row, 4),
                  let summary = try bytes(row, 5) else { continue }
            candidates.append(ContactCandidate(id: id, version: row[1], keyVersion: row[2], contactKey: contactKey,
                                               contact: contact, summary: summary))
        }
        return candidates
    }

    /// Moves a case to its next record version if it is still at `expected`; false when another
    /// writer moved it first (nothing is written then).
    func advanceCase(id: [UInt8], from expected: Int64, to next: Int64, summary: [UInt8], keyVersion: Int64,
                     stats: [UInt8], statsKeyVersion: Int64) throws -> Bool {
        try CaseRow.filter(key: Data(id)).filter(CaseRow.Columns.version == expected).updateAll(
            db, CaseRow.Columns.version.set(to: next), CaseRow.Columns.summary.set(to: Data(summary)),
            CaseRow.Columns.keyVersion.set(to: keyVersion), CaseRow.Columns.stats.set(to: Data(stats)),
            CaseRow.Columns.statsKeyVersion.set(to: statsKeyVersion)) == 1
    }

    /// Deletes a case's wrapped contact key, contact ciphertext and blind index (with
    /// `secure_delete` on, their bytes are overwritten).
    func eraseContact(caseID: [UInt8]) throws {
        try CaseRow.filter(key: Data(caseID)).updateAll(
            db, CaseRow.Columns.contactKey.set(to: nil), CaseRow.Columns.contact.set(to: nil),
            CaseRow.Columns.blindIndex.set(to: nil), CaseRow.Columns.indexVersion.set(to: nil))
    }

    func setSlot(_ slot: Int64, caseID: [UInt8]) throws {
        try CaseRow.filter(key: Data(caseID)).updateAll(db, CaseRow.Columns.slot.set(to: slot))
    }

    /// What the projections are built from: one case's slot, version and projected ciphertexts.
    struct ProjectionSource {
        let id: [UInt8]
        let slot: Int64?
        let version: Int64
        let keyVersion: Int64
        let summary: [UInt8]
        let statsKeyVersion: Int64
        let stats: [UInt8]
    }

    /// Every case in the order it was stored, for building or checking the projections.
    func forEachProjectionSource(_ body: (ProjectionSource) throws -> Void) throws {
        let slot = try db.columns(in: CaseRow.databaseTableName).contains { $0.name == CaseRow.Columns.slot.name }
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT id, \(slot ? "slot" : "NULL"), version, key_version, summary, stats_key_version, stats
            FROM cases ORDER BY rowid
            """)
        while let row = try cursor.next() {
            try body(ProjectionSource(id: [UInt8](row[0] as Data), slot: row[1], version: row[2], keyVersion: row[3],
                                      summary: [UInt8](row[4] as Data), statsKeyVersion: row[5],
                                      stats: [UInt8](row[6] as Data)))
        }
    }

    // MARK: Case entries

    func entries(caseID: [UInt8]) throws -> [CaseEntryRow] {
        let sql = "SELECT * FROM case_entries WHERE case_id = ? ORDER BY version"
        return try CaseEntryRow.fetchAll(try db.cachedStatement(sql: sql), arguments: [Data(caseID)])
    }

    func lastEntryBody(caseID: [UInt8]) throws -> [UInt8]? {
        try Data.fetchOne(db, CaseEntryRow.select(CaseEntryRow.Columns.body)
            .filter(CaseEntryRow.Columns.caseID == Data(caseID))
            .order(CaseEntryRow.Columns.version.desc).limit(1)).map { [UInt8]($0) }
    }

    func insert(_ row: CaseEntryRow) throws { try row.insert(db) }

    // MARK: Audit log

    func lastAuditEntry() throws -> AuditEntryRow? {
        try AuditEntryRow.order(AuditEntryRow.Columns.seq.desc).fetchOne(db)
    }

    func auditEntryCount() throws -> Int { try AuditEntryRow.fetchCount(db) }

    func auditEntries() throws -> [AuditEntryRow] { try AuditEntryRow.order(AuditEntryRow.Columns.seq).fetchAll(db) }

    func insert(_ row: AuditEntryRow) throws { try row.insert(db) }

    // MARK: Projections

    /// Whether the file has the projection tables (a vault written by 0.4.0 and opened read-only has not).
    func hasProjectionTables() throws -> Bool { try db.tableExists(ProjectionBlockRow.databaseTableName) }

    /// The projections' state; nil while they have not been built.
    func projectionState() throws -> ProjectionStateRow? { try ProjectionStateRow.fetchOne(db, key: 1) }

    func save(_ row: ProjectionStateRow) throws { try row.insert(db, onConflict: .replace) }

    /// Every block of one kind, by number.
    func projectionBlocks(kind: Int) throws -> [ProjectionBlockRow] {
        try ProjectionBlockRow.filter(ProjectionBlockRow.Columns.kind == kind)
            .order(ProjectionBlockRow.Columns.number).fetchAll(db)
    }

    func projectionBlock(kind: Int, number: Int64) throws -> ProjectionBlockRow? {
        try ProjectionBlockRow.filter(ProjectionBlockRow.Columns.kind == kind
                                      && ProjectionBlockRow.Columns.number == number).fetchOne(db)
    }

    func save(_ row: ProjectionBlockRow) throws { try row.insert(db, onConflict: .replace) }
}
