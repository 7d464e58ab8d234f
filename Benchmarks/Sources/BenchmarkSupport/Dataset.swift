import CaseVault
import Foundation
import SodiumKit

/// A vault and a plain baseline file holding the same synthetic requests, built once and kept
/// between runs (in `$CASEVAULT_BENCHMARK_DATA`, else a folder in the temporary directory),
/// because each benchmark runs in its own process.
///
/// In the vault with transitions, the first 2,000 cases were submitted for review by the
/// coordinator and the first 500 of those taken into review by the lawyer; the plain file
/// holds the same states and history rows.
public struct Dataset: Sendable {
    /// The vault's admin.
    public static let admin = "bench-admin"
    /// The coordinator who logged every request.
    public static let coordinator = "bench-coordinator"
    /// The lawyer who took cases into review.
    public static let lawyer = "bench-lawyer"
    /// The auditor who exports.
    public static let auditor = "bench-auditor"
    /// Cases submitted for review (state `awaiting-review` unless also taken into review).
    public static let submitted = 2_000
    /// Of those, cases a lawyer has taken into review (state `in-review`).
    public static let inReview = 500

    /// How many requests both files hold.
    public let count: Int
    /// The vault file.
    public let vaultPath: String
    /// The plain baseline file.
    public let plainPath: String

    /// Every benchmark user's passphrase.
    public static func passphrase(_ user: String) -> SecureBytes {
        SecureBytes(utf8: "benchmark passphrase of \(user)")
    }

    /// The folder where datasets are kept.
    public static var folder: URL {
        let base = ProcessInfo.processInfo.environment["CASEVAULT_BENCHMARK_DATA"].map(URL.init(fileURLWithPath:))
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("casevault-benchmarks")
        return base.appendingPathComponent("v\(Vault.softwareVersion)")
    }

    /// The dataset of `count` requests, built on first use.
    public static func prepare(count: Int, transitions: Bool) throws -> Dataset {
        let name = "\(count)\(transitions ? "-moved" : "")"
        let folder = Dataset.folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let dataset = Dataset(count: count, vaultPath: folder.appendingPathComponent("vault-\(name).db").path,
                              plainPath: folder.appendingPathComponent("plain-\(name).db").path)
        let ready = folder.appendingPathComponent("\(name).ready")
        if FileManager.default.fileExists(atPath: ready.path) { return dataset }
        for path in [dataset.vaultPath, dataset.plainPath] {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        try dataset.build(transitions: transitions)
        try Data("built by CaseVault \(Vault.softwareVersion)\n".utf8).write(to: ready)
        return dataset
    }

    /// A fresh vault with the four benchmark users (Argon2id `interactive`, for quick setup only).
    public static func createVault(at path: String) throws -> Vault {
        let vault = try Vault.create(at: path, admin: admin, passphrase: passphrase(admin), kdf: .interactive).vault
        let session = try vault.unlock(user: admin, passphrase: passphrase(admin))
        try session.addUser(name: coordinator, role: .coordinator, passphrase: passphrase(coordinator),
                            kdf: .interactive)
        try session.addUser(name: lawyer, role: .lawyer, passphrase: passphrase(lawyer), kdf: .interactive)
        try session.addUser(name: auditor, role: .auditor, passphrase: passphrase(auditor), kdf: .interactive)
        return vault
    }

    private func build(transitions: Bool) throws {
        let workload = Workload(count: count)
        let plain = try PlainStore(path: plainPath)
        let vault = try Dataset.createVault(at: vaultPath)
        let coordinator = try vault.unlock(user: Dataset.coordinator,
                                           passphrase: Dataset.passphrase(Dataset.coordinator))
        var ids: [CaseID] = []
        ids.reserveCapacity(count)
        let batch = 10_000
        for start in stride(from: 0, to: count, by: batch) {
            let requests = Array(workload.requests[start..<min(start + batch, count)])
            let receipts = try coordinator.intake(requests)
            try plain.insert(requests, ids: receipts.map(\.id.bytes))
            ids += receipts.map(\.id)
        }
        guard transitions else { return }
        let lawyer = try vault.unlock(user: Dataset.lawyer, passphrase: Dataset.passphrase(Dataset.lawyer))
        for id in ids.prefix(Dataset.submitted) { try coordinator.perform(.submit, on: id) }
        for id in ids.prefix(Dataset.inReview) { try lawyer.perform(.beginReview, on: id) }
        let plainIDs = ids.map { Data($0.bytes) }
        try plain.move(Array(plainIDs.prefix(Dataset.submitted)), event: "submit", to: "awaiting-review",
                       actor: Dataset.coordinator)
        try plain.move(Array(plainIDs.prefix(Dataset.inReview)), event: "begin-review", to: "in-review",
                       actor: Dataset.lawyer)
    }

    /// Opens the dataset's vault.
    public func openVault() throws -> Vault { try Vault.open(at: vaultPath) }

    /// Opens the dataset's vault and unlocks it as one of the benchmark users.
    public func unlock(_ user: String) throws -> Session {
        try openVault().unlock(user: user, passphrase: Dataset.passphrase(user))
    }

    /// Opens the dataset's plain baseline file.
    public func openPlain() throws -> PlainStore { try PlainStore(path: plainPath) }

    /// The dataset's requests again (the same seed gives the same requests).
    public var workload: Workload { Workload(count: count) }
}
