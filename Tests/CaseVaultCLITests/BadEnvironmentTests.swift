import Foundation
import GRDB
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `casevault` on a vault whose surroundings went wrong: a read-only file, folder or disk, a
/// truncated file, a newer format, no file, a full disk, a file that is not a vault.
///
/// Every refusal must be one line saying what failed and what to do, and must leave the file as
/// it was: same bytes, and no -wal, -shm or journal file left beside it.
@Suite("casevault in a bad environment: read-only, truncated, newer, missing, full")
struct BadEnvironmentTests {
    // MARK: Read-only

    @Test("a vault the user may only read (mode 0400): reads work, writes refused in one line, bytes kept")
    func readOnlyFile() async throws {
        let (workspace, seed) = try await SeedVault.workspace()
        let runner = try await Unprivileged.runner(for: workspace)
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: workspace.vaultPath)
        let before = try vaultFiles(workspace.vaultPath)

        try await expectReadOnly(runner, vault: workspace.vaultPath, seed: seed, workspace: workspace)
        #expect(try vaultFiles(workspace.vaultPath) == before,
                "the read-only vault was changed, or a -wal/-shm file was left beside it")

        // Writable again, it takes writes: nothing left behind (a read-only -shm) keeps it read-only.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: workspace.vaultPath)
        let options = try asAdmin(workspace.vaultPath, workspace)
        expectSuccess(try await runner.run(["case", "new"] + requestOptions() + options))
    }

    @Test("a vault on a read-only mount: reads work, writes refused in one line, bytes kept")
    func readOnlyMount() async throws {
        let (workspace, seed) = try await SeedVault.workspace()
        let source = workspace.directory.appendingPathComponent("disk")
        let mountPoint = workspace.directory.appendingPathComponent("read-only")
        for folder in [source, mountPoint] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        }
        try FileManager.default.moveItem(at: URL(fileURLWithPath: workspace.vaultPath),
                                         to: source.appendingPathComponent("v.db"))
        try Mounts.bindReadOnly(source, at: mountPoint)
        defer { Mounts.unmount(mountPoint, keeping: workspace) }
        let vault = mountPoint.appendingPathComponent("v.db").path
        let before = try vaultFiles(vault)

        try await expectReadOnly(Runner.direct(workspace), vault: vault, seed: seed, workspace: workspace)
        #expect(try vaultFiles(vault) == before, "the vault on the read-only mount was changed")
    }

    @Test("a vault whose folder is read-only (no -wal or -shm can be made): reads work, writes refused in one line")
    func readOnlyFolder() async throws {
        let (workspace, seed) = try await SeedVault.workspace()
        let runner = try await Unprivileged.runner(for: workspace)
        let folder = workspace.directory.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        let vault = folder.appendingPathComponent("v.db").path
        try FileManager.default.moveItem(atPath: workspace.vaultPath, toPath: vault)
        try runner.hand(folder.path)
        try runner.hand(vault)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path) }
        let before = try vaultFiles(vault)

        try await expectReadOnly(runner, vault: vault, seed: seed, workspace: workspace)
        #expect(try vaultFiles(vault) == before, "the vault in the read-only folder was changed")

        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        expectSuccess(try await runner.run(["case", "new"] + requestOptions() + asAdmin(vault, workspace)))
    }

    /// Reads list, show and export the seeded cases; `case new` and `case import` are refused with
    /// one line saying the vault is read-only and what to do.
    private func expectReadOnly(_ runner: Runner, vault: String, seed: SeedVault, workspace: Workspace,
                                sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let options = try asAdmin(vault, workspace)
        let list = try await runner.run(["case", "list", "--json"] + options)
        expectSuccess(list, sourceLocation: sourceLocation)
        #expect(Set(try list.jsonArray().compactMap { $0["id"] as? String }) == Set(seed.ids),
                sourceLocation: sourceLocation)
        let show = try await runner.run(["case", "show", seed.ids[0], "--json"] + options)
        expectSuccess(show, sourceLocation: sourceLocation)
        #expect(try show.jsonObject()["id"] as? String == seed.ids[0], sourceLocation: sourceLocation)
        let export = try await runner.run(["export", "counts", "--by", "region", "--format", "csv"] + options)
        expectSuccess(export, sourceLocation: sourceLocation)
        #expect(export.stdoutLines.first == "region,count", "\(export)", sourceLocation: sourceLocation)

        let new = try await runner.run(["case", "new"] + requestOptions() + options)
        expectFailure(new, status: 1, mentions: ["read-only", "writable"], sourceLocation: sourceLocation)
        let jsonl = try workspace.write("more.jsonl", SeedVault.lines(count: 2))
        let imported = try await runner.run(["case", "import", "--jsonl", jsonl] + options)
        expectFailure(imported, status: 1, mentions: ["read-only", "nothing was written"],
                      sourceLocation: sourceLocation)
    }

    // MARK: Damaged files

    /// How much of the seed vault a truncated copy keeps.
    enum Truncation: String, CaseIterable, Sendable {
        case halfOnAPage = "half, on a page boundary"
        case halfMidPage = "half, in the middle of a page"
        case headerOnly = "50 bytes, less than the SQLite header"
        case empty = "0 bytes"

        func length(of size: Int) -> Int {
            switch self {
            case .halfOnAPage: size / 2 / 4096 * 4096
            case .halfMidPage: size / 2 / 4096 * 4096 + 1000
            case .headerOnly: 50
            case .empty: 0
            }
        }
    }

    @Test("a truncated vault: every command fails in one line pointing to a backup; the file is left as it is",
          arguments: Truncation.allCases)
    func truncated(_ truncation: Truncation) async throws {
        let (workspace, seed) = try await SeedVault.workspace()
        try Data(seed.bytes.prefix(truncation.length(of: seed.bytes.count)))
            .write(to: URL(fileURLWithPath: workspace.vaultPath))
        let before = try vaultFiles(workspace.vaultPath)

        for command in try commands(workspace, id: seed.ids[0]) {
            let result = try await workspace.run(as: Cast.admin, command)
            expectFailure(result, status: 1, mentions: ["restore", "backup"])
            #expect(!result.stderr.contains("database error"), "SQLite's code reached the user: \(result.stderr)")
        }
        // `init` must not replace the damaged file with a new, empty vault.
        let reinit = try await workspace.run(["init", "--admin", Cast.admin, "--kdf", "interactive", "--vault",
                                              workspace.vaultPath, "--passphrase-file",
                                              try workspace.passphraseFile(for: Cast.admin)])
        expectFailure(reinit, status: 1, mentions: ["already exists"])
        #expect(try vaultFiles(workspace.vaultPath) == before,
                "the truncated file was changed, or a file was made beside it")
    }

    @Test("random bytes and another SQLite database are not vaults: one line, and the file is not touched")
    func notAVault() async throws {
        let workspace = try Workspace()
        var noise = SystemRandomNumberGenerator()
        try Data((0..<8192).map { _ in UInt8.random(in: 0...255, using: &noise) })
            .write(to: URL(fileURLWithPath: workspace.vaultPath))
        let other = workspace.directory.appendingPathComponent("notes.sqlite").path
        let queue = try DatabaseQueue(path: other)
        try await queue.write { db in
            try db.execute(sql: "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')")
        }
        try queue.close()

        for path in [workspace.vaultPath, other] {
            let before = try vaultFiles(path)
            for command in [["case", "list"], ["case", "new"] + requestOptions(), ["user", "list"]] {
                let result = try await workspace.run(command + asAdmin(path, workspace))
                expectFailure(result, status: 1, mentions: [path, "not a CaseVault", "--vault"])
            }
            #expect(try vaultFiles(path) == before, "\(path) was changed or got a -wal/-shm file")
        }
        // Byte 18 of an SQLite header is 1 for a rollback journal, 2 for WAL: it was not switched.
        #expect(try Data(contentsOf: URL(fileURLWithPath: other))[18] == 1)
    }

    // MARK: Newer format

    @Test("a vault of format 3: refused in one line naming the format and saying to upgrade; not migrated")
    func newerFormat() async throws {
        let (workspace, seed) = try await SeedVault.workspace()
        let queue = try DatabaseQueue(path: workspace.vaultPath)
        try await queue.write { db in try db.execute(sql: "UPDATE vault SET format_version = 3 WHERE id = 1") }
        try queue.close()
        let before = try vaultFiles(workspace.vaultPath)
        #expect(before.count == 1, "the edit left a -wal or -shm file: \(before.keys)")

        for command in try commands(workspace, id: seed.ids[0]) {
            let result = try await workspace.run(as: Cast.admin, command)
            expectFailure(result, status: 1, mentions: ["format 3", "upgrade casevault"])
        }
        #expect(try vaultFiles(workspace.vaultPath) == before,
                "the format-3 vault was changed (migrated, switched, checkpointed)")
    }

    // MARK: Missing

    @Test("no vault at the path, or no folder: one line saying how to create one, and nothing is created")
    func missing() async throws {
        let workspace = try Workspace()
        let absentFile = workspace.directory.appendingPathComponent("none.db").path
        let absentFolder = workspace.directory.appendingPathComponent("gone/v.db").path
        for path in [absentFile, absentFolder] {
            for command in try commands(workspace, id: UsageCase.someID) {
                let result = try await workspace.run(command + asAdmin(path, workspace))
                expectFailure(result, status: 1, mentions: ["no vault at \(path)", "casevault init", "--vault"])
            }
        }
        let initInGone = try await workspace.run(["init", "--admin", Cast.admin, "--kdf", "interactive",
                                                  "--vault", absentFolder, "--passphrase-file",
                                                  try workspace.passphraseFile(for: Cast.admin)])
        expectFailure(initInGone, status: 1, mentions: [absentFolder, "folder exists"])
        let names = try FileManager.default.contentsOfDirectory(atPath: workspace.directory.path)
        #expect(!names.contains { $0.hasPrefix("none.db") || $0 == "gone" }, "a command created \(names)")

        let folder = try await workspace.run(["case", "list"] + asAdmin(workspace.directory.path, workspace))
        expectFailure(folder, status: 1, mentions: ["is a folder", "--vault"])
    }

    // MARK: Full disk

    @Test("a full disk (a small tmpfs): a large import fails in one line; then the vault is whole, the import absent")
    func fullDiskOnTmpfs() async throws {
        let (workspace, seed) = try await SeedVault.workspace()
        let disk = workspace.directory.appendingPathComponent("small-disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: false)
        try Mounts.tmpfs(at: disk, size: "1m")
        defer { Mounts.unmount(disk, keeping: workspace) }
        let vault = disk.appendingPathComponent("v.db").path
        try FileManager.default.copyItem(atPath: workspace.vaultPath, toPath: vault)
        let free = try #require(try FileManager.default.attributesOfFileSystem(forPath: disk.path)[.systemFreeSize]
                                    as? Int)
        // Room to open the vault and unlock (the -shm file, a few WAL frames), not for 600 requests.
        let filler = disk.appendingPathComponent("filler")
        try Data(count: max(0, free - 192 * 1024)).write(to: filler)
        let jsonl = try workspace.write("big.jsonl", SeedVault.lines(count: 600))

        let result = try await workspace.run(["case", "import", "--jsonl", jsonl] + asAdmin(vault, workspace))
        expectFailure(result, status: 1, mentions: ["disk", "full", "nothing was saved", "free some space"])

        try FileManager.default.removeItem(at: filler)
        try await expectIntact(vault, seed: seed, workspace: workspace)
    }

    @Test("a file-size limit (ulimit -f): a large import fails in one line; afterwards the vault is whole")
    func fullDiskByFileSizeLimit() async throws {
        let (workspace, seed) = try await SeedVault.workspace()
        let shell = "/bin/sh"
        guard FileManager.default.isExecutableFile(atPath: shell) else {
            try Test.cancel("no \(shell) to set a file-size limit with ulimit -f")
        }
        let jsonl = try workspace.write("big.jsonl", SeedVault.lines(count: 600))
        // SIGXFSZ would kill the process at the limit; ignored, the write fails with EFBIG instead.
        // 400 blocks (200 or 400 KiB) hold the vault and a few WAL frames, not 600 requests.
        let limited = Runner(prefix: [shell, "-c", "trap '' XFSZ; ulimit -f 400; exec \"$0\" \"$@\""],
                             binary: try CommandLineTool.binary().path, directory: workspace.directory)
        let result = try await limited.run(["case", "import", "--jsonl", jsonl]
                                           + asAdmin(workspace.vaultPath, workspace))
        expectFailure(result, status: 1, mentions: ["disk", "file-size limit", "free some space"])
        try await expectIntact(workspace.vaultPath, seed: seed, workspace: workspace)
    }

    /// The vault opens, passes SQLite's integrity check, and holds exactly the seeded cases.
    private func expectIntact(_ vault: String, seed: SeedVault, workspace: Workspace,
                              sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let list = try await workspace.run(["case", "list", "--json"] + asAdmin(vault, workspace))
        expectSuccess(list, sourceLocation: sourceLocation)
        #expect(Set(try list.jsonArray().compactMap { $0["id"] as? String }) == Set(seed.ids),
                "the earlier cases are not all there, or part of the import is", sourceLocation: sourceLocation)
        var readOnly = Configuration()
        readOnly.readonly = true
        let queue = try DatabaseQueue(path: vault, configuration: readOnly)
        let (check, cases) = try await queue.read { db in
            (try String.fetchAll(db, sql: "PRAGMA integrity_check"),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases"))
        }
        try queue.close()
        #expect(check == ["ok"], sourceLocation: sourceLocation)
        #expect(cases == seed.ids.count, sourceLocation: sourceLocation)
    }

    // MARK: Commands

    /// One command of each kind, reads first: list, show, export, users, a new case, an import.
    private func commands(_ workspace: Workspace, id: String) throws -> [[String]] {
        [
            ["case", "list"],
            ["case", "show", id],
            ["export", "counts", "--by", "region"],
            ["user", "list"],
            ["case", "new"] + requestOptions(),
            ["case", "import", "--jsonl", try workspace.write("one.jsonl", SeedVault.lines(count: 1))],
        ]
    }

    private func asAdmin(_ vault: String, _ workspace: Workspace) throws -> [String] {
        ["--vault", vault, "--user", Cast.admin, "--passphrase-file", try workspace.passphraseFile(for: Cast.admin)]
    }
}

// MARK: - Support

/// A vault with an admin and three imported cases, made once; each test gets a copy.
private struct SeedVault: Sendable {
    let bytes: Data
    let ids: [String]

    private static let shared = Task { try await SeedVault.make() }

    /// `count` valid JSON Lines requests, each with a narrative of a few hundred bytes.
    static func lines(count: Int) -> String {
        let narrative = String(repeating: "Asks how to leave the unit and reach a lawyer safely. ", count: 8)
        return (0..<count).map { index in
            #"{"received":"2023-09-\#(String(format: "%02d", index % 28 + 1))","channel":"messenger","#
                + #""region":"RU-MOW","service":"mobilized","situation":"front","needs":["legal","exit"],"#
                + #""urgency":"normal","narrative":"\#(narrative)"}"#
        }.joined(separator: "\n") + "\n"
    }

    private static func make() async throws -> SeedVault {
        let workspace = try Workspace()
        try await workspace.initialize()
        let imported = try await workspace.run(as: Cast.admin, ["case", "import", "--jsonl",
                                                                try workspace.write("seed.jsonl", lines(count: 3))])
        try #require(imported.status == 0 && imported.stdoutLines.count == 3, "seeding failed: \(imported)")
        let names = try FileManager.default.contentsOfDirectory(atPath: workspace.directory.path)
        try #require(!names.contains("v.db-wal"), "the seed vault was left with a -wal file")
        return SeedVault(bytes: try Data(contentsOf: URL(fileURLWithPath: workspace.vaultPath)),
                         ids: imported.stdoutLines)
    }

    /// A fresh workspace whose `v.db` is a copy of the seed vault (mode 0600).
    static func workspace() async throws -> (Workspace, SeedVault) {
        let seed = try await shared.value
        let workspace = try Workspace()
        guard FileManager.default.createFile(atPath: workspace.vaultPath, contents: seed.bytes,
                                             attributes: [.posixPermissions: 0o600]) else {
            throw HarnessError(description: "cannot copy the seed vault to \(workspace.vaultPath)")
        }
        return (workspace, seed)
    }
}

/// The vault file and the files SQLite may keep beside it (-wal, -shm, -journal), by name, with their bytes.
private func vaultFiles(_ path: String) throws -> [String: Data] {
    let url = URL(fileURLWithPath: path)
    let name = url.lastPathComponent
    var files: [String: Data] = [:]
    for entry in try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
    where entry == name || entry.hasPrefix(name + "-") {
        files[entry] = try Data(contentsOf: url.deletingLastPathComponent().appendingPathComponent(entry))
    }
    return files
}

/// Runs `casevault` behind a prefix command (`setpriv ...`, `sh -c 'ulimit ...'`), or directly.
private struct Runner: Sendable {
    let prefix: [String]
    let binary: String
    let directory: URL

    static func direct(_ workspace: Workspace) throws -> Runner {
        Runner(prefix: [], binary: try CommandLineTool.binary().path, directory: workspace.directory)
    }

    /// The user the commands run as, when it is not the test runner's.
    var owner: (uid: uid_t, gid: gid_t)? = nil

    /// Gives `path` to the user the commands run as, so they (not root) own it.
    func hand(_ path: String) throws {
        guard let owner else { return }
        try FileManager.default.setAttributes([.ownerAccountID: Int(owner.uid), .groupOwnerAccountID: Int(owner.gid)],
                                              ofItemAtPath: path)
    }

    func run(_ arguments: [String], timeout: TimeInterval = 60) async throws -> CommandResult {
        // Output files go to the temporary folder, so the vault's folder gains nothing.
        try await CommandLineTool.run(arguments, in: directory, timeout: timeout, launcher: prefix,
                                      tool: URL(fileURLWithPath: binary),
                                      outputFolder: FileManager.default.temporaryDirectory)
    }
}

/// Running `casevault` as a user that file permissions apply to. Root ignores permission bits,
/// so as root the commands run as `nobody` (65534) through `setpriv`, from a copy of the binary
/// inside a workspace that user owns.
private enum Unprivileged {
    static let nobody: (uid: uid_t, gid: gid_t) = (65534, 65534)
    static let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A runner whose commands are subject to file permissions, owning `workspace`; cancels the
    /// test, saying why, when there is no such user to run as.
    static func runner(for workspace: Workspace) async throws -> Runner {
        guard geteuid() == 0 else { return try Runner.direct(workspace) }
        guard let setpriv else {
            try Test.cancel("running as root and no setpriv to drop to an unprivileged user: root ignores permissions")
        }
        let binary = workspace.directory.appendingPathComponent("casevault")
        try FileManager.default.copyItem(at: try CommandLineTool.binary(), to: binary)
        var runner = Runner(prefix: [setpriv, "--reuid=\(nobody.uid)", "--regid=\(nobody.gid)", "--clear-groups"],
                            binary: binary.path, directory: workspace.directory)
        runner.owner = nobody
        for entry in try FileManager.default.contentsOfDirectory(atPath: workspace.directory.path) {
            try runner.hand(workspace.directory.appendingPathComponent(entry).path)
        }
        try runner.hand(workspace.directory.path)
        let probe = try await runner.run(["--version"])
        guard probe.status == 0 else {
            let reason = "cannot run casevault as uid \(nobody.uid) from \(binary.path) (is a parent folder closed "
                + "to other users?): \(probe.stderr.prefix(200))"
            try Test.cancel(Comment(rawValue: reason))
        }
        return runner
    }
}

/// Mounts for the tests that need a read-only or a small file system (root with CAP_SYS_ADMIN).
private enum Mounts {
    static let mount = ["/usr/bin/mount", "/bin/mount"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let umount = ["/usr/bin/umount", "/bin/umount"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Mounts `source` again at `point`, read-only; cancels the test, saying why, when mounting is not possible.
    static func bindReadOnly(_ source: URL, at point: URL) throws {
        try mountOrCancel(["--bind", source.path, point.path], what: "a bind mount")
        let remount = run(try tool(), ["-o", "remount,bind,ro", point.path])
        guard remount.status == 0 else {
            unmountQuietly(point)
            try Test.cancel("cannot make the bind mount read-only: \(remount.output)")
        }
    }

    /// Mounts a tmpfs of `size` at `point`; cancels the test, saying why, when mounting is not possible.
    static func tmpfs(at point: URL, size: String) throws {
        try mountOrCancel(["-t", "tmpfs", "-o", "size=\(size),mode=0755", "tmpfs", point.path], what: "a tmpfs")
    }

    /// Unmounts `point`; `workspace` is named so it is not released (and its folder removed) before.
    static func unmount(_ point: URL, keeping workspace: Workspace) {
        withExtendedLifetime(workspace) { unmountQuietly(point) }
    }

    private static func unmountQuietly(_ point: URL) {
        guard let umount else { return }
        let result = run(umount, [point.path])
        if result.status != 0 { Issue.record("could not unmount \(point.path): \(result.output)") }
    }

    private static func tool() throws -> String {
        guard geteuid() == 0 else { try Test.cancel("mounting needs root (CAP_SYS_ADMIN); this runner is not root") }
        guard let mount, umount != nil else { try Test.cancel("no mount/umount program on this machine") }
        return mount
    }

    private static func mountOrCancel(_ arguments: [String], what: String) throws {
        let result = run(try tool(), arguments)
        guard result.status == 0 else { try Test.cancel("cannot mount \(what) here: \(result.output)") }
    }

    private static func run(_ tool: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus,
                String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
