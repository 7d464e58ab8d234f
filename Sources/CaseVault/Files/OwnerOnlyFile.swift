import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files the library writes for its caller — an export's table and manifest, a partner's secret
/// key, a referral packet — created readable by their owner only, never over an existing file,
/// and whole or not at all.
///
/// The bytes go to a hidden temporary file beside `path`, created with mode 0600 by `open` with
/// `O_CREAT | O_EXCL | O_NOFOLLOW` (so they are never readable by others, not even between
/// creation and a `chmod`), written, flushed to the disk, and only then given their name. An
/// interrupted command (Ctrl-C, a kill, a power cut) therefore never leaves half a file under
/// the name asked for; at worst a `.NAME.RANDOM.partial` file stays beside it.
enum OwnerOnlyFile {
    /// Creates `path` with mode 0600 holding exactly `bytes`: the file appears whole, or not at all.
    ///
    /// - Throws: ``CaseVaultError`` (`alreadyExists` when something is at `path`, a symbolic link
    ///   included; `storage` when the file cannot be created or written), about `.file(path)`.
    static func create(at path: String, contents bytes: [UInt8]) throws {
        var status = stat()
        if lstat(path, &status) == 0 { throw alreadyExists(path) }
        let temporary = temporaryPath(beside: path)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CaseVaultError(.storage, "cannot create \(path)", remedy: "check the folder", subject: .file(path))
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
        // The bytes reach the disk before the name does, so even a power cut never leaves the name on an
        // empty file; close() reports a failed deferred write on some file systems.
        failed = failed || fsync(descriptor) != 0
        let closed = close(descriptor) == 0
        guard !failed && closed else {
            unlink(temporary)  // a partial key or table is worse than none
            throw CaseVaultError(.storage, "could not write all of \(path)", remedy: "check the disk",
                                 subject: .file(path))
        }
        try name(temporary, path)
    }

    /// Gives the written file at `temporary` the name `path`, never replacing what is there.
    ///
    /// `link` is atomic and fails on an existing name (a symbolic link planted meanwhile included).
    /// File systems without hard links (FAT on a USB stick) fall back to `rename` after a fresh
    /// check that the name is free; only a file created in that instant could be replaced.
    private static func name(_ temporary: String, _ path: String) throws {
        defer { unlink(temporary) }
        if link(temporary, path) == 0 { return }
        let linkError = errno
        var status = stat()
        if linkError == EEXIST || lstat(path, &status) == 0 { throw alreadyExists(path) }
        guard [EPERM, ENOTSUP, EOPNOTSUPP, ENOSYS].contains(linkError), rename(temporary, path) == 0 else {
            throw CaseVaultError(.storage, "cannot create \(path)", remedy: "check the folder", subject: .file(path))
        }
    }

    /// A hidden name beside `path` that no one else picks: `.NAME.RANDOM.partial`.
    private static func temporaryPath(beside path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let random = String(UInt64.random(in: .min ... .max), radix: 16)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(random).partial")
            .path
    }

    private static func alreadyExists(_ path: String) -> CaseVaultError {
        CaseVaultError(.alreadyExists, "\(path) already exists", remedy: "choose another file", subject: .file(path))
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
