import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files the library writes for its caller — an export's table and manifest, a partner's secret
/// key, a referral packet — created readable by their owner only and never over an existing file.
///
/// The mode is given to `open` with `O_CREAT | O_EXCL`, so the contents are never readable by
/// others, not even between creation and a `chmod`; `O_NOFOLLOW` refuses a symbolic link planted
/// at the path.
enum OwnerOnlyFile {
    /// Creates `path` with mode 0600 and writes `bytes`; a file that cannot be written whole is removed.
    ///
    /// - Throws: ``CaseVaultError`` (`alreadyExists` when something is at `path`, `storage` when
    ///   the file cannot be created or written), about `.file(path)`.
    static func create(at path: String, contents bytes: [UInt8]) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw errno == EEXIST
                ? CaseVaultError(.alreadyExists, "\(path) already exists", remedy: "choose another file",
                                 subject: .file(path))
                : CaseVaultError(.storage, "cannot create \(path)", remedy: "check the folder", subject: .file(path))
        }
        var written = 0
        var failed = false
        while written < bytes.count && !failed {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                written += count
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                failed = true
            }
        }
        // close() reports a failed deferred write on some file systems: the file is then not whole either.
        let closed = close(descriptor) == 0
        guard !failed && closed else {
            unlink(path)  // a partial key or table is worse than none
            throw CaseVaultError(.storage, "could not write all of \(path)", remedy: "check the disk",
                                 subject: .file(path))
        }
    }

    /// Reads the whole file at `path`.
    ///
    /// - Throws: ``CaseVaultError`` (`notFound`) naming `what` ("partner key") and the path.
    static func read(at path: String, what: String) throws -> [UInt8] {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw CaseVaultError(.notFound, "cannot read the \(what) file \(path)", remedy: "check the path",
                                 subject: .file(path))
        }
        return [UInt8](contents)
    }
}
