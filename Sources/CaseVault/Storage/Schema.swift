import GRDB

/// The vault's SQL schema, one registered migration per schema version; a released migration
/// is never edited.
///
/// Only identifiers, ciphertexts, wrapped keys, signatures, public keys, user names and roles
/// are stored readable. See `Docs/Architecture.md` for what each column holds.
enum Schema {
    /// The vault format this code writes. Format 2 adds the packed projections; a format-1 vault
    /// (0.4.0) is migrated to 2 when it is opened writable, and read as it is when it is not.
    /// Raising the number keeps an older release from writing cases the projections would miss.
    static let formatVersion = 2
    /// The formats this code reads.
    static let readableFormats = 1...2

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
        migrator.registerMigration("v3-projections") { db in
            // Packed projections (DESIGN.md §13): listing and export read these blocks, not a row per
            // case. A case's slot is its position in them; NULL until the projections are built.
            try db.execute(sql: """
                CREATE TABLE projection_blocks (
                    kind INTEGER NOT NULL,
                    number INTEGER NOT NULL,
                    version INTEGER NOT NULL,
                    key_version INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    PRIMARY KEY (kind, number)
                );
                CREATE TABLE projections (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    block_capacity INTEGER NOT NULL,
                    next_slot INTEGER NOT NULL
                );
                ALTER TABLE cases ADD COLUMN slot INTEGER;
                UPDATE vault SET format_version = 2;
                """)
        }
        migrator.registerMigration("v4-partner-names") { db in
            // A partner's full name, which may hold spaces, beside its short handle (`name`).
            try db.execute(sql: "ALTER TABLE partners ADD COLUMN display_name TEXT;")
        }
        return migrator
    }

    /// The migrations a vault written by an earlier release may lack and still be read from a
    /// read-only file: reads then work on the older tables, and projections are computed in memory.
    static let readableWithout: Set<String> = ["v3-projections", "v4-partner-names"]
}
