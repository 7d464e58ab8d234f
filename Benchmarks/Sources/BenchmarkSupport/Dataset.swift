import CaseVault
import Foundation
import SodiumKit

/// A vault and a plain baseline file holding the same synthetic requests, kept between runs in
/// `$CASEVAULT_BENCHMARK_DATA` (else a folder in the temporary directory).
///
/// Datasets are built by the `PrepareDatasets` tool, never by a benchmark: each benchmark runs in
/// its own process, and a build inside it would be measured with it (building the 1,000,000-case
/// dataset once showed up as the export's 950 MB peak memory). A benchmark asks for an
/// ``existing(_:)`` dataset and fails with a message naming the tool when there is none.
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
    /// Every benchmark user, each with an `interactive` Argon2id keyslot.
    public static let users = [admin, coordinator, lawyer, auditor]
    /// Cases submitted for review (state `awaiting-review` unless also taken into review).
    public static let submitted = 2_000
    /// Of those, cases a lawyer has taken into review (state `in-review`).
    public static let inReview = 500

    /// What a dataset holds; its name is the name of its files.
    public struct Recipe: Sendable, Hashable, CustomStringConvertible {
        /// How many requests.
        public let count: Int
        /// Whether some cases were submitted and taken into review.
        public let transitions: Bool

        /// `100000-moved`, `1000000`.
        public var name: String { "\(count)\(transitions ? "-moved" : "")" }

        public var description: String {
            "\(count)-case\(transitions ? " (with transitions)" : "")"
        }
    }

    /// Listing, show, lookup, the 100,000-case export, unlock and file size.
    public static let hundredThousand = Recipe(count: 100_000, transitions: true)
    /// The export over a million cases.
    public static let million = Recipe(count: 1_000_000, transitions: false)
    /// Every dataset a benchmark or `ProfileScenario` reads.
    public static let all = [hundredThousand, million]

    /// Bumped whenever what a dataset holds changes in a way the sources fingerprint cannot see.
    /// 2: ready marker records the recipe and the sources; in-review ids and passphrase files kept
    /// beside the files.
    static let recipeVersion = 2

    /// What wrote a dataset: a hash of the library's sources and of this support module (the
    /// workload and the plain store), or nil when they are not where this binary was built from.
    ///
    /// Anything there can change the files (padding, page size, projections, the requests), and a
    /// dataset written by other code would give wrong figures without any error: a file size from
    /// the old padding, an export over the old blocks. So a dataset records it when built, and a
    /// benchmark refuses one built from other sources.
    static let sourcesFingerprint: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let manager = FileManager.default
        let folders = ["Sources/CaseVault", "Sources/SodiumKit", "Sources/CSodium",
                       "Benchmarks/Sources/BenchmarkSupport"]
        var files: [String] = ["Package.swift"]
        for folder in folders {
            guard let walker = manager.enumerator(atPath: root.appendingPathComponent(folder).path) else { return nil }
            while let file = walker.nextObject() as? String {
                var isDirectory: ObjCBool = false
                let relative = "\(folder)/\(file)"
                if manager.fileExists(atPath: root.appendingPathComponent(relative).path, isDirectory: &isDirectory),
                   !isDirectory.boolValue {
                    files.append(relative)
                }
            }
        }
        // FNV-1a over each file's path and contents, in a fixed order: enough to notice a change.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            hash = (hash ^ 0xff) &* 0x100_0000_01b3
        }
        for file in files.sorted() {
            guard let contents = manager.contents(atPath: root.appendingPathComponent(file).path) else { return nil }
            mix(file.utf8)
            mix(contents)
        }
        return String(hash, radix: 16)
    }()

    /// The recipe.
    public let recipe: Recipe
    /// The vault file.
    public let vaultPath: String
    /// The plain baseline file.
    public let plainPath: String

    /// How many requests both files hold.
    public var count: Int { recipe.count }

    /// Every benchmark user's passphrase.
    public static func passphrase(_ user: String) -> SecureBytes {
        SecureBytes(utf8: passphraseText(user))
    }

    static func passphraseText(_ user: String) -> String { "benchmark passphrase of \(user)" }

    /// A file holding `user`'s passphrase (owner-only), for `casevault --passphrase-file`.
    public static func passphraseFile(_ user: String) -> String {
        folder.appendingPathComponent("passphrase-\(user)").path
    }

    /// The folder where datasets are kept (one per library version).
    public static var folder: URL {
        let base = ProcessInfo.processInfo.environment["CASEVAULT_BENCHMARK_DATA"].map(URL.init(fileURLWithPath:))
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("casevault-benchmarks")
        return base.appendingPathComponent("v\(Vault.softwareVersion)")
    }

    init(_ recipe: Recipe) {
        let folder = Dataset.folder
        self.recipe = recipe
        vaultPath = folder.appendingPathComponent("vault-\(recipe.name).db").path
        plainPath = folder.appendingPathComponent("plain-\(recipe.name).db").path
    }

    var readyMarker: URL { Dataset.folder.appendingPathComponent("\(recipe.name).ready") }
    var inReviewFile: URL { Dataset.folder.appendingPathComponent("in-review-\(recipe.name).txt") }

    /// The ready marker's first lines: which library version and recipe built the dataset.
    var recipeLines: String { "CaseVault \(Vault.softwareVersion)\ndataset recipe \(Dataset.recipeVersion)\n" }

    /// What the ready marker holds once a dataset is complete and written by these sources.
    var readyText: String { recipeLines + "sources \(Dataset.sourcesFingerprint ?? "unknown")\n" }

    /// Whether a dataset is there and what wrote it.
    public enum State: Sendable {
        /// Not there, incomplete, or of another recipe.
        case missing
        /// Complete, but written by other sources than these.
        case stale
        /// Complete and written by these sources.
        case current
    }

    var state: State {
        let manager = FileManager.default
        let files = [vaultPath, plainPath] + Dataset.users.map(Dataset.passphraseFile)
            + (recipe.transitions ? [inReviewFile.path] : [])
        guard files.allSatisfy(manager.fileExists), let marker = manager.contents(atPath: readyMarker.path) else {
            return .missing
        }
        let text = String(decoding: marker, as: UTF8.self)
        if text == readyText && Dataset.sourcesFingerprint != nil { return .current }
        return text.hasPrefix(recipeLines) ? .stale : .missing
    }

    /// The dataset `PrepareDatasets` built, for a benchmark or a profile.
    ///
    /// - Throws: ``DatasetMissing`` when it was not built, was built by an earlier recipe or from
    ///   other sources: building it here would put minutes of work and a gigabyte of memory into
    ///   the measurement, and reading a stale one would measure other code's files.
    public static func existing(_ recipe: Recipe) throws -> Dataset {
        let dataset = Dataset(recipe)
        let state = dataset.state
        guard state == .current else {
            throw DatasetMissing(recipe: recipe, folder: folder.path, stale: state == .stale)
        }
        return dataset
    }

    /// What `prepare` does with a dataset that is already there.
    public enum Policy: Sendable {
        /// Keep it if these sources wrote it, else build it again.
        case keepCurrent
        /// Build it again in any case.
        case rebuild
        /// Keep a complete one of this recipe even if other sources wrote it, and record these
        /// sources in its marker: for a change to code that only reads, checked by a person.
        case acceptExisting
    }

    /// What `prepare` did.
    public enum Preparation: Sendable {
        case kept
        case accepted
        case built(because: String)
    }

    /// Builds the dataset unless the policy keeps the one there. Only `PrepareDatasets` calls this.
    public static func prepare(_ recipe: Recipe, policy: Policy = .keepCurrent) throws
        -> (dataset: Dataset, preparation: Preparation) {
        let dataset = Dataset(recipe)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try writePassphraseFiles()
        let state = dataset.state
        let reason: String
        switch (state, policy) {
        case (.current, .keepCurrent), (.current, .acceptExisting):
            return (dataset, .kept)
        case (.stale, .acceptExisting):
            try Data(dataset.readyText.utf8).write(to: dataset.readyMarker)
            return (dataset, .accepted)
        case (_, .rebuild):
            reason = "asked to rebuild"
        case (.stale, _):
            reason = Dataset.sourcesFingerprint == nil
                ? "the library's sources are not beside this binary" : "the library's sources changed since"
        case (.missing, _):
            reason = "none complete of this recipe"
        }
        try? FileManager.default.removeItem(at: dataset.readyMarker)
        for path in [dataset.vaultPath, dataset.plainPath] {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        try dataset.build()
        try Data(dataset.readyText.utf8).write(to: dataset.readyMarker)
        return (dataset, .built(because: reason))
    }

    /// The passphrase files `casevault --passphrase-file` reads, owner-only like a real one.
    static func writePassphraseFiles() throws {
        for user in users {
            let path = passphraseFile(user)
            try? FileManager.default.removeItem(atPath: path)
            guard FileManager.default.createFile(atPath: path, contents: Data(passphraseText(user).utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw DatasetMissing(recipe: nil, folder: folder.path, detail: "cannot write \(path)")
            }
        }
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

    private func build() throws {
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
        if recipe.transitions {
            let lawyer = try vault.unlock(user: Dataset.lawyer, passphrase: Dataset.passphrase(Dataset.lawyer))
            for id in ids.prefix(Dataset.submitted) { try coordinator.perform(.submit, on: id) }
            for id in ids.prefix(Dataset.inReview) { try lawyer.perform(.beginReview, on: id) }
            let plainIDs = ids.map { Data($0.bytes) }
            try plain.move(Array(plainIDs.prefix(Dataset.submitted)), event: "submit", to: "awaiting-review",
                           actor: Dataset.coordinator)
            try plain.move(Array(plainIDs.prefix(Dataset.inReview)), event: "begin-review", to: "in-review",
                           actor: Dataset.lawyer)
            let listed = ids.prefix(Dataset.inReview).map(\.description).joined(separator: "\n")
            try Data((listed + "\n").utf8).write(to: inReviewFile)
        }
        try plain.checkpoint()
    }

    /// The cases a lawyer took into review, in intake order (the ones "show one case" shows),
    /// read from the file written with the dataset so that a profile need not list them first.
    public func inReviewIDs() throws -> [CaseID] {
        guard recipe.transitions else { return [] }
        let text = try String(contentsOf: inReviewFile, encoding: .utf8)
        return try text.split(separator: "\n").map { try CaseID(parsing: String($0)) }
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

/// A dataset a benchmark needs was not built (or was built by an earlier recipe or other sources).
public struct DatasetMissing: Error, CustomStringConvertible {
    /// The dataset, when one is concerned.
    public let recipe: Dataset.Recipe?
    /// Where datasets are kept.
    public let folder: String
    /// Whether it is there but was written by other sources than these.
    public var stale = false
    /// What went wrong, when it is not simply a missing dataset.
    public var detail: String?

    public var description: String {
        if let detail { return "\(detail) (dataset folder \(folder))" }
        let what = recipe.map { "the \($0) dataset" } ?? "a dataset"
        let problem = stale
            ? "\(what) in \(folder) was written by other library sources than these; rebuild it"
            : "\(what) is missing from \(folder) or was built by an earlier recipe; build it"
        return problem + " outside the benchmark first: `cd Benchmarks && swift run -c release PrepareDatasets` "
            + "(`make benchmarks` does), with the same CASEVAULT_BENCHMARK_DATA"
            + (stale ? " (`PrepareDatasets --accept-existing` keeps it if only reading code changed)" : "")
    }
}
