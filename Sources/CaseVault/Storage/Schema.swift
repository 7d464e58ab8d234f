import GRDB

/// The vault's SQL schema, one registered migration per schema version; a released migration
/// is never edited.
///
/// Only identifiers, ciphertexts, wrapped keys, signatures, public keys, user names and roles
/// are stored readable. See `Docs/Architecture.md` for what each column holds.
enum Schema {
    /// The vault format this code writes and reads.
    static let formatVersion = 1

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE vault (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    format_version INTEGER NOT NULL,
                    vault_id BLOB NOT NULL,
                    root_public_key BLOB NOT NULL,
                    settings BLOB NOT NULL,
                    settings_signature BLOB NOT NULL
                );
                CREATE TABLE users (
                    id BLOB PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL,
                    box_public_key BLOB NOT NULL,
                    sign_public_key BLOB NOT NULL,
                    certificate BLOB NOT NULL
                );
                CREATE TABLE keyslots (
                    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    slot INTEGER NOT NULL,
                    ops_limit INTEGER NOT NULL,
                    mem_limit INTEGER NOT NULL,
                    salt BLOB NOT NULL,
                    bundle BLOB NOT NULL,
                    PRIMARY KEY (user_id, slot)
                );
                CREATE TABLE compartment_keys (
                    name TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    box_public_key BLOB NOT NULL,
                    signature BLOB NOT NULL,
                    PRIMARY KEY (name, version)
                );
                CREATE TABLE grants (
                    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    key_name TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    sealed BLOB NOT NULL,
                    signature BLOB NOT NULL,
                    PRIMARY KEY (user_id, key_name, version)
                );
                CREATE TABLE cases (
                    id BLOB PRIMARY KEY,
                    version INTEGER NOT NULL,
                    key_version INTEGER NOT NULL,
                    data_key BLOB NOT NULL,
                    content BLOB NOT NULL,
                    contact_key BLOB,
                    contact BLOB,
                    summary BLOB NOT NULL,
                    stats_key_version INTEGER NOT NULL,
                    stats BLOB NOT NULL,
                    index_version INTEGER,
                    blind_index BLOB
                );
                CREATE INDEX cases_blind_index ON cases(blind_index);
                CREATE TABLE case_entries (
                    case_id BLOB NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
                    version INTEGER NOT NULL,
                    sealed_key BLOB,
                    body BLOB NOT NULL,
                    PRIMARY KEY (case_id, version)
                );
                CREATE TABLE audit_log (
                    seq INTEGER PRIMARY KEY,
                    previous_hash BLOB NOT NULL,
                    actor BLOB NOT NULL,
                    content_hash BLOB NOT NULL,
                    body BLOB NOT NULL,
                    signature BLOB NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2-partners") { db in
            try db.execute(sql: """
                CREATE TABLE partners (
                    name TEXT PRIMARY KEY,
                    services TEXT NOT NULL,
                    box_public_key BLOB,
                    signature BLOB NOT NULL
                );
                """)
        }
        return migrator
    }

    /// Opens the vault's connection pool for reading and writing.
    ///
    /// GRDB switches a pool to WAL with `synchronous = NORMAL` after the configuration has run;
    /// a committed case must survive a power cut, so the writer is set back to `FULL`.
    static func openPool(at path: String) throws -> DatabasePool {
        let pool = try DatabasePool(path: path, configuration: configuration())
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return pool
    }

    static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "CaseVault"
        configuration.prepareDatabase { db in
            // Deleted pages are overwritten, so erased contact handles leave no bytes behind.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return configuration
    }
}

extension DatabaseWriter {
    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: everything it writes commits together
    /// or not at all.
    func immediateTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!  // set by the closure whenever the transaction committed
        }
    }
}
