import GRDB

/// What an SQLite failure means for the person at the keyboard: one line saying what went wrong
/// with the file or the disk, and what to do.
///
/// Only the result code is read. SQLite's own message and GRDB's description of a
/// `DatabaseError` can quote the statement, so neither is shown.
enum StorageFailure {
    /// The ``CaseVaultError`` for `error`, raised while trying to `action` ("log requests").
    static func error(_ error: DatabaseError, doing action: String) -> CaseVaultError {
        let failed = "could not \(action)"
        // SQLite keeps every transaction atomic: a write that fails leaves the last committed state.
        switch error.extendedResultCode {
        case .SQLITE_READONLY:
            return CaseVaultError(.storage, "\(failed): the vault is read-only here (the file, its folder, or "
                                  + "its -wal or -shm file), so nothing was written; make them writable for this "
                                  + "user, or work on a writable copy")
        case .SQLITE_FULL:
            return CaseVaultError(.storage, "\(failed): the disk holding the vault is full, so nothing was saved; "
                                  + "free some space and try again")
        case .SQLITE_IOERR_SHORT_READ, .SQLITE_CORRUPT:
            return CaseVaultError(.integrity, "\(failed): the vault file is damaged (truncated or overwritten); "
                                  + "do not write to it: restore the vault from a backup")
        case .SQLITE_IOERR:
            return CaseVaultError(.storage, "\(failed): reading or writing the disk failed (it may be full, over "
                                  + "a file-size limit, or failing), so the vault keeps its last saved state; "
                                  + "free some space or check the disk, then try again")
        case .SQLITE_NOTADB:
            return CaseVaultError(.unsupportedFormat, "\(failed): the file is not a CaseVault vault, or its header "
                                  + "is damaged", remedy: "check the vault's path, or restore the vault from a backup",
                                  subject: nil)
        case .SQLITE_CANTOPEN:
            return CaseVaultError(.storage, "\(failed): the vault file, or the -wal or -shm file SQLite keeps "
                                  + "beside it, cannot be opened; check that the file and its folder exist and "
                                  + "that this user may read and write them")
        case .SQLITE_PERM, .SQLITE_AUTH:
            return CaseVaultError(.storage, "\(failed): the system denied access to the vault file; check its "
                                  + "permissions for this user")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return CaseVaultError(.conflict, "\(failed): the vault is busy with another writer; try again")
        case .SQLITE_NOMEM:
            return CaseVaultError(.storage, "\(failed): out of memory; close other programs and try again")
        default:
            return CaseVaultError(.storage, "\(failed): database error \(error.resultCode)")
        }
    }
}
