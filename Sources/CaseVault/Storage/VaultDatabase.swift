import Foundation
import GRDB
import SodiumKit
import Synchronization

/// The vault's SQLite file: connection setup, migrations and transactions. Everything above it
/// reads and writes through a ``Store`` handed to ``read(_:_:)`` or ``write(_:_:)``.
///
/// Writers run with `synchronous = FULL`, WAL, `secure_delete` and a busy timeout; every write
/// is one `BEGIN IMMEDIATE` transaction, so an operation commits whole or not at all.
final class VaultDatabase: Sendable {
    /// The file's path.
    let path: String
    /// False when the file, its folder or its disk cannot be written: reads work, writes fail.
    let isWritable: Bool
    /// The size in bytes of the file and its write-ahead log.
    var fileBytes: Int64 {
        [path, path + "-wal"].reduce(0) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value
            return total + (size ?? 0)
        }
    }

    /// What the file held when it was opened.
    let header: Header
    private let pool: DatabasePool
    /// Set when erased data may still sit in old WAL frames; cleared by a successful truncating checkpoint.
    private let checkpointPending = Mutex(false)

    /// The vault id and format version, readable before unlock.
    struct Header: Sendable {
        let formatVersion: Int
        let vaultID: [UInt8]
    }

    private init(path: String, pool: DatabasePool, isWritable: Bool, header: Header) {
        self.path = path
        self.pool = pool
        self.isWritable = isWritable
        self.header = header
    }

    // MARK: Creating and opening

    /// Creates the file (owner-only) with the current schema, and runs `body` in the first
    /// transaction; on any failure the file and its WAL are removed again.
    static func create(at path: String, _ body: (Store) throws -> Header) throws -> VaultDatabase {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CaseVaultError(.alreadyExists, "a file already exists at \(path)", remedy: "choose another path",
                                 subject: .vault(path))
        }
        // Only the owner may read the file; SQLite gives the WAL and shm files the same mode, so
        // the file is made before SQLite opens it.
        guard FileManager.default.createFile(atPath: path, contents: nil,
                                             attributes: [.posixPermissions: 0o600]) else {
            throw CaseVaultError(.storage, "cannot create \(path)",
                                 remedy: "check that its folder exists and is writable", subject: .vault(path))
        }
        var pool: DatabasePool?
        do {
            try setPageSize(at: path)
            let opened = try openPool(at: path)
            pool = opened
            try Schema.migrator.migrate(opened)
            let header = try opened.immediateTransaction { db in try body(Store(db)) }
            return VaultDatabase(path: path, pool: opened, isWritable: true, header: header)
        } catch {
            try? pool?.close()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            throw translate(error, doing: "create the vault at \(path)")
        }
    }

    /// Opens an existing vault file, checks its format, and migrates it when it can be written.
    static func open(at path: String) throws -> VaultDatabase {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CaseVaultError(.notFound, "no vault at \(path)",
                                 remedy: "create a vault there, or open another path", subject: .vault(path))
        }
        guard !isFolder.boolValue else {
            throw CaseVaultError(.notFound, "\(path) is a folder, not a vault file",
                                 remedy: "open the vault file inside it", subject: .vault(path))
        }
        if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size == 0 {
            throw CaseVaultError(.integrity, "\(path) is empty (0 bytes), so it holds no vault",
                                 remedy: "check the vault's path, or restore the vault from a backup",
                                 subject: .vault(path))
        }
        let folder = (path as NSString).deletingLastPathComponent
        let writable = FileManager.default.isWritableFile(atPath: path)
            && FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder)
        // Without a -wal file no connection has the vault open and the main file holds every commit,
        // so it can be read as immutable: SQLite then creates no -wal or -shm file beside it. A
        // read-only connection would leave them behind, with the vault's mode (0400 for a read-only
        // vault), and a -shm file nobody can write keeps the vault read-only once it is writable again.
        // "file://" + an absolute path leaves the URI's authority empty; a relative path cannot start with "/".
        let immutable = (path.hasPrefix("/") ? "file://" : "file:")
            + (path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path) + "?immutable=1"
        let reference = FileManager.default.fileExists(atPath: path + "-wal") ? path : immutable
        do {
            // Look read-only first: opening a pool switches the file to WAL mode, which must not
            // happen to a file that is not a vault.
            var probe = Configuration()
            probe.readonly = true
            probe.busyMode = .timeout(10)  // another process may be opening or closing the vault
            let row = try DatabaseQueue(path: reference, configuration: probe).read { db -> VaultRow? in
                guard try db.tableExists(VaultRow.databaseTableName) else { return nil }
                return try VaultRow.fetchOne(db, key: 1)
            }
            guard let row else {
                throw CaseVaultError(.unsupportedFormat, "\(path) is not a CaseVault file",
                                     remedy: "check the vault's path", subject: .vault(path))
            }
            guard Schema.readableFormats.contains(row.formatVersion) else {
                throw CaseVaultError(.unsupportedFormat,
                                     "\(path) has vault format \(row.formatVersion), and this version of CaseVault "
                                     + "reads formats up to \(Schema.formatVersion)",
                                     remedy: "upgrade CaseVault", subject: .init(.format, String(row.formatVersion)))
            }
            let header = Header(formatVersion: row.formatVersion, vaultID: [UInt8](row.vaultID))
            if writable {
                let pool = try openPool(at: path)
                // Migrate only when a migration is due, so opening an up-to-date vault writes nothing.
                if try !pool.read(Schema.migrator.hasCompletedMigrations) { try Schema.migrator.migrate(pool) }
                return VaultDatabase(path: path, pool: pool, isWritable: true, header: header)
            }
            var configuration = configuration()
            configuration.readonly = true
            let pool = try DatabasePool(path: reference, configuration: configuration)
            let missing = try pool.read { db in
                Set(Schema.migrator.migrations).subtracting(try Schema.migrator.appliedIdentifiers(db))
            }
            guard missing.isSubset(of: Schema.readableWithout) else {
                throw CaseVaultError(.storage, "\(path) needs a schema upgrade, but the vault is read-only "
                                     + "here; make the file and its folder writable for this user, then retry")
            }
            return VaultDatabase(path: path, pool: pool, isWritable: false, header: header)
        } catch {
            // A file SQLite cannot read as a vault is about the path given, whatever the step that found it.
            let translated = translate(error, doing: "open \(path)")
            throw translated.code == .unsupportedFormat ? translated.about(.vault(path)) : translated
        }
    }

    /// The page size of vaults created from format 2 on. A case row (its wrapped keys and
    /// ciphertexts, about 1,100 bytes) fills 4 KiB pages only three at a time, leaving an eighth of
    /// the file unused; 8 KiB pages hold seven (measured: a 100,000-case vault is 6 % smaller) and
    /// need half as many overflow pages for a projection block.
    static let pageSize = 8192

    /// Fixes the page size of a new, empty file: it takes effect only when the first page is written,
    /// before the file switches to WAL, so a table is created and dropped again to write it.
    private static func setPageSize(at path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: """
                PRAGMA page_size = \(pageSize);
                CREATE TABLE page_size_marker (x);
                DROP TABLE page_size_marker;
                """)
        }
        try queue.close()
    }

    /// Opens the vault's connection pool for reading and writing.
    ///
    /// GRDB switches a pool to WAL with `synchronous = NORMAL` after the configuration has run;
    /// a committed case must survive a power cut, so the writer is set back to `FULL`.
    private static func openPool(at path: String) throws -> DatabasePool {
        let pool = try DatabasePool(path: path, configuration: configuration())
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return pool
    }

    private static func configuration() -> Configuration {
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

    // MARK: Transactions

    /// Runs `body` on a consistent snapshot of the file.
    func read<T>(_ action: String, _ body: (Store) throws -> T) throws -> T {
        do { return try pool.read { db in try body(Store(db)) } } catch {
            throw VaultDatabase.translate(error, doing: action)
        }
    }

    /// Runs `body`, which must run exactly one query, without opening a transaction around it: one
    /// statement reads a consistent snapshot by itself, and a transaction's begin and end cost as much
    /// as a duplicate-contact lookup's own work.
    func readOneQuery<T>(_ action: String, _ body: (Store) throws -> T) throws -> T {
        do { return try pool.unsafeRead { db in try body(Store(db)) } } catch {
            throw VaultDatabase.translate(error, doing: action)
        }
    }

    /// Runs one write operation in one immediate transaction: all of it commits, or none.
    ///
    /// A ``CallerError`` from `body` rolls the transaction back and comes out as the caller's own error.
    func write<T>(_ action: String, _ body: (Store) throws -> T) throws -> T {
        let result: T
        do { result = try pool.immediateTransaction { db in try body(Store(db)) } } catch let stop as CallerError {
            throw stop.error
        } catch {
            throw VaultDatabase.translate(error, doing: action)
        }
        checkpointIfPending()
        return result
    }

    /// Asks for the WAL to be checkpointed and truncated, so erased bytes leave the files; it is
    /// retried after every later write until no reader holds old frames.
    func requestCheckpoint() {
        checkpointPending.withLock { $0 = true }
        checkpointIfPending()
    }

    private func checkpointIfPending() {
        guard checkpointPending.withLock({ $0 }) else { return }
        let done = (try? pool.writeWithoutTransaction { db -> Bool in
            // Do not make the writer wait for readers: try briefly, and again after the next write.
            try db.execute(sql: "PRAGMA busy_timeout = 200")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = 10000") }
            _ = try db.checkpoint(.truncate)
            return true
        }) ?? false
        if done { checkpointPending.withLock { $0 = false } }
    }

    /// The writer connection's `synchronous` setting (2 is FULL), for tests of the setup.
    func writerSynchronousMode() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Turns any error into a ``CaseVaultError`` without leaking SQL arguments.
    static func translate(_ error: Error, doing action: String) -> CaseVaultError {
        switch error {
        case let error as CaseVaultError: return error
        case let error as DatabaseError: return StorageFailure.error(error, doing: action)
        case is RecordDecodingError, is RowDecodingError:
            return CaseVaultError(.integrity, "could not \(action): a record did not decode; the file is damaged")
        case let error as SodiumError:
            return CaseVaultError(.integrity, "could not \(action): \(error.detail)")
        default:
            return CaseVaultError(.storage, "could not \(action): \(type(of: error))")
        }
    }
}

/// An error thrown by a caller's callback (a progress report that stops the operation) inside a
/// transaction: the transaction rolls back and ``VaultDatabase/write(_:_:)`` throws `error`
/// itself, untranslated, so the caller recognises its own error.
struct CallerError: Error {
    /// What the caller's callback threw.
    let error: any Error
}

extension DatabaseWriter {
    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: everything it writes commits together
    /// or not at all.
    fileprivate func immediateTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            guard let result else { throw CaseVaultError(.storage, "a transaction ended without a result") }
            return result
        }
    }
}
