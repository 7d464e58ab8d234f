import CaseVault
import Foundation
import GRDB
import SodiumKit

/// The baseline every CaseVault figure is compared with: the same requests in plaintext columns
/// of one SQLite file through GRDB — prepared statements, one transaction per operation, WAL
/// and `synchronous = FULL` like the vault — with an index on the contact column for lookups and
/// none on the columns that listings and exports filter or group by.
public final class PlainStore: Sendable {
    /// The plain file's path.
    public let path: String
    let database: DatabasePool

    /// One row of a plain listing, the same fields as `CaseSummary`.
    public struct Summary: Sendable {
        /// The case id.
        public let id: Data
        /// `YYYY-MM-DD`.
        public let received: String
        /// The workflow state.
        public let state: String
        /// 0 critical, 1 high, 2 normal.
        public let urgency: Int
        /// `YYYY-MM-DD`, if any.
        public let deadline: String?
        /// The assigned lawyer, if any.
        public let assignee: String?
        /// The region code.
        public let region: String
        /// The needs, comma-separated.
        public let needs: String
    }

    /// One plain case with its history.
    public struct Record: Sendable {
        /// The case's columns.
        public let row: [String: String?]
        /// Its history rows, oldest first.
        public let history: [[String: String?]]
    }

    /// Opens (creating if needed) a plain file with the baseline schema.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        self.path = path
        database = try DatabasePool(path: path, configuration: configuration)
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS requests (
                    id BLOB PRIMARY KEY,
                    received TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    region TEXT NOT NULL,
                    service TEXT NOT NULL,
                    situation TEXT NOT NULL,
                    needs TEXT NOT NULL,
                    urgency INTEGER NOT NULL,
                    deadline TEXT,
                    state TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    assignee TEXT,
                    contact TEXT,
                    narrative TEXT
                );
                CREATE INDEX IF NOT EXISTS requests_contact ON requests(contact);
                CREATE TABLE IF NOT EXISTS history (
                    case_id BLOB NOT NULL REFERENCES requests(id),
                    version INTEGER NOT NULL,
                    event TEXT NOT NULL,
                    from_state TEXT,
                    to_state TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    note TEXT,
                    PRIMARY KEY (case_id, version)
                );
                """)
        }
    }

    /// Inserts the requests in one transaction; `ids` gives each its id, else random ids are drawn.
    @discardableResult
    public func insert(_ requests: [Request], ids: [[UInt8]]? = nil) throws -> [Data] {
        try database.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO requests (id, received, channel, region, service, situation, needs, urgency, deadline,
                                      state, outcome, assignee, contact, narrative)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'intake', 'open', NULL, ?, ?)
                """)
            var written: [Data] = []
            written.reserveCapacity(requests.count)
            for (position, request) in requests.enumerated() {
                let id = Data(ids?[position] ?? Random.bytes(count: 16))
                try statement.execute(arguments: [
                    id, request.received.description, request.channel.rawValue, request.region.code,
                    request.service.rawValue, request.situation.rawValue,
                    request.needs.sorted().map(\.rawValue).joined(separator: ","),
                    PlainStore.rank(request.urgency), request.deadline?.description, request.contact,
                    request.narrative,
                ])
                written.append(id)
            }
            return written
        }
    }

    /// Moves cases to a state and records the move in their history, one transaction per case.
    public func move(_ ids: [Data], event: String, to state: String, actor: String) throws {
        for id in ids {
            try database.write { db in
                let from = try String.fetchOne(db, sql: "SELECT state FROM requests WHERE id = ?", arguments: [id])
                let version = try Int.fetchOne(db, sql: "SELECT COUNT(*) + 1 FROM history WHERE case_id = ?",
                                               arguments: [id]) ?? 1
                try db.execute(sql: "UPDATE requests SET state = ? WHERE id = ?", arguments: [state, id])
                try db.execute(sql: """
                    INSERT INTO history (case_id, version, event, from_state, to_state, actor, at, note)
                    VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
                    """, arguments: [id, version, event, from, state, actor, Int(Date().timeIntervalSince1970)])
            }
        }
    }

    /// The listing: a full scan with the state filter, sorted like CaseVault's listing.
    public func cases(state: String) throws -> [Summary] {
        try database.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT id, received, state, urgency, deadline, assignee, region, needs FROM requests
                WHERE state = ?
                ORDER BY urgency, deadline IS NULL, deadline, received, id
                """)
            return try Row.fetchAll(statement, arguments: [state]).map { row in
                Summary(id: row[0], received: row[1], state: row[2], urgency: row[3], deadline: row[4],
                        assignee: row[5], region: row[6], needs: row[7])
            }
        }
    }

    /// One case and its history.
    public func record(_ id: Data) throws -> Record? {
        try database.read { db in
            let caseStatement = try db.cachedStatement(sql: "SELECT * FROM requests WHERE id = ?")
            guard let row = try Row.fetchOne(caseStatement, arguments: [id]) else { return nil }
            let historyStatement = try db.cachedStatement(
                sql: "SELECT * FROM history WHERE case_id = ? ORDER BY version")
            let history = try Row.fetchAll(historyStatement, arguments: [id]).map(PlainStore.strings)
            return Record(row: PlainStore.strings(row), history: history)
        }
    }

    /// Open cases with exactly this contact, through the contact index.
    public func openCases(withContact contact: String) throws -> [Data] {
        try database.read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT id FROM requests WHERE contact = ? AND state <> 'closed'")
            return try Data.fetchAll(statement, arguments: [contact])
        }
    }

    /// Counts by month and region over a period, a `GROUP BY` with no index to help it.
    public func countsByMonthAndRegion(from: String, through: String) throws -> [String: Int] {
        try database.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT substr(received, 1, 7) AS month, region, COUNT(*) FROM requests
                WHERE received >= ? AND received < ?
                GROUP BY month, region
                """)
            var counts: [String: Int] = [:]
            let rows = try Row.fetchCursor(statement, arguments: [from, through])
            while let row = try rows.next() {
                counts["\(row[0] as String) \(row[1] as String)"] = row[2]
            }
            return counts
        }
    }

    /// Flushes the WAL into the file so its size can be compared.
    public func checkpoint() throws {
        try database.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    static func rank(_ urgency: Urgency) -> Int {
        switch urgency {
        case .critical: 0
        case .high: 1
        case .normal: 2
        }
    }

    static func strings(_ row: Row) -> [String: String?] {
        var values: [String: String?] = [:]
        for (column, value) in row {
            values[column] = value.isNull ? nil : String(describing: value)
        }
        return values
    }
}
