import Benchmark
import BenchmarkSupport
import CaseVault
import Foundation
import SodiumKit

// Every scenario is measured twice in the same run: "<scenario>: CaseVault" and
// "<scenario>: plain" (the same requests in plaintext columns through GRDB). The
// PerformanceReport tool pairs them by name and writes the ratios to Docs/Performance.md.

/// State a benchmark's setup prepares for its measured closure (each benchmark runs in its own process).
final class Prepared<Value>: @unchecked Sendable {
    var value: Value?
}

let casesForListing = 100_000
let casesForLargeExport = 1_000_000
let exportQuery = CountQuery(by: [.month, .region], from: try! YearMonth(parsing: "2025-01"),
                             to: try! YearMonth(parsing: "2025-12"))

func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("casevault-bench-\(UUID().uuidString)-\(name)").path
}

func remove(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

func fileSize(_ path: String) throws -> Int {
    try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 30)
    let slow = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        timeUnits: .milliseconds, warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 5)

    // MARK: Bulk intake of 100,000 requests into an empty store, one transaction.

    let intakeWorkload = Prepared<Workload>()
    Benchmark("Bulk intake 100k: CaseVault", configuration: slow) { benchmark in
        let requests = intakeWorkload.value!.requests
        for _ in benchmark.scaledIterations {
            let path = temporaryPath("intake.db")
            defer { remove(path) }
            let vault = try Dataset.createVault(at: path)
            let session = try vault.unlock(user: Dataset.coordinator,
                                           passphrase: Dataset.passphrase(Dataset.coordinator))
            benchmark.startMeasurement()
            blackHole(try session.intake(requests))
            benchmark.stopMeasurement()
        }
    } setup: {
        intakeWorkload.value = Workload(count: casesForListing)
    }
    Benchmark("Bulk intake 100k: plain", configuration: slow) { benchmark in
        let requests = intakeWorkload.value!.requests
        for _ in benchmark.scaledIterations {
            let path = temporaryPath("plain-intake.db")
            defer { remove(path) }
            let plain = try PlainStore(path: path)
            benchmark.startMeasurement()
            blackHole(try plain.insert(requests))
            benchmark.stopMeasurement()
        }
    } setup: {
        intakeWorkload.value = Workload(count: casesForListing)
    }

    // MARK: Listing 100,000 cases with a state filter (the lawyers' queue).

    let listingSession = Prepared<Session>()
    let listingPlain = Prepared<PlainStore>()
    Benchmark("List 100k by state: CaseVault") { benchmark in
        let session = listingSession.value!
        for _ in benchmark.scaledIterations {
            blackHole(try session.cases(CaseFilter(state: .awaitingReview)))
        }
    } setup: {
        listingSession.value = try Dataset.prepare(count: casesForListing, transitions: true).unlock(Dataset.lawyer)
    }
    Benchmark("List 100k by state: plain") { benchmark in
        let plain = listingPlain.value!
        for _ in benchmark.scaledIterations {
            blackHole(try plain.cases(state: "awaiting-review"))
        }
    } setup: {
        listingPlain.value = try Dataset.prepare(count: casesForListing, transitions: true).openPlain()
    }

    // MARK: Showing one case with its history (CaseVault verifies every signature).

    let shownIDs = Prepared<[CaseID]>()
    let shownPlainIDs = Prepared<[Data]>()
    let manyShort = Benchmark.Configuration(maxDuration: .seconds(5), maxIterations: 2_000)
    Benchmark("Show one case: CaseVault", configuration: manyShort) { benchmark in
        let session = listingSession.value!
        let ids = shownIDs.value!
        for iteration in benchmark.scaledIterations {
            blackHole(try session.case(ids[iteration % ids.count]))
        }
    } setup: {
        let session = try Dataset.prepare(count: casesForListing, transitions: true).unlock(Dataset.lawyer)
        listingSession.value = session
        shownIDs.value = try session.cases(CaseFilter(state: .inReview)).map(\.id)
    }
    Benchmark("Show one case: plain", configuration: manyShort) { benchmark in
        let plain = listingPlain.value!
        let ids = shownPlainIDs.value!
        for iteration in benchmark.scaledIterations {
            blackHole(try plain.record(ids[iteration % ids.count]))
        }
    } setup: {
        let plain = try Dataset.prepare(count: casesForListing, transitions: true).openPlain()
        listingPlain.value = plain
        shownPlainIDs.value = try plain.cases(state: "in-review").map(\.id)
    }

    // MARK: Duplicate-contact lookups: half find an earlier request, half find none.

    let lookups = Prepared<[String]>()
    func lookupContacts(_ dataset: Dataset) -> [String] {
        let known = dataset.workload.knownContacts
        var random = SplitMix64(seed: 42)
        return (0..<1_000).map { index in
            index % 2 == 0 ? known[random.next(below: known.count)] : "@nobody_\(random.next(below: 1_000_000))"
        }
    }
    Benchmark("Duplicate-contact lookup: CaseVault", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let session = listingSession.value!
        let contacts = lookups.value!
        for iteration in benchmark.scaledIterations {
            blackHole(try session.openCases(withContact: contacts[iteration % contacts.count]))
        }
    } setup: {
        let dataset = try Dataset.prepare(count: casesForListing, transitions: true)
        listingSession.value = try dataset.unlock(Dataset.coordinator)
        lookups.value = lookupContacts(dataset)
    }
    Benchmark("Duplicate-contact lookup: plain", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let plain = listingPlain.value!
        let contacts = lookups.value!
        for iteration in benchmark.scaledIterations {
            blackHole(try plain.openCases(withContact: contacts[iteration % contacts.count]))
        }
    } setup: {
        let dataset = try Dataset.prepare(count: casesForListing, transitions: true)
        listingPlain.value = try dataset.openPlain()
        lookups.value = lookupContacts(dataset)
    }

    // MARK: Export by month x region over 100,000 and 1,000,000 cases (the auditor's only job).

    Benchmark("Export month x region 100k: CaseVault") { benchmark in
        let session = listingSession.value!
        for _ in benchmark.scaledIterations {
            blackHole(try session.export(exportQuery))
        }
    } setup: {
        listingSession.value = try Dataset.prepare(count: casesForListing, transitions: true).unlock(Dataset.auditor)
    }
    Benchmark("Export month x region 100k: plain") { benchmark in
        let plain = listingPlain.value!
        for _ in benchmark.scaledIterations {
            blackHole(try plain.countsByMonthAndRegion(from: "2025-01-01", through: "2026-01-01"))
        }
    } setup: {
        listingPlain.value = try Dataset.prepare(count: casesForListing, transitions: true).openPlain()
    }
    Benchmark("Export month x region 1M: CaseVault", configuration: slow) { benchmark in
        let session = listingSession.value!
        for _ in benchmark.scaledIterations {
            blackHole(try session.export(exportQuery))
        }
    } setup: {
        listingSession.value = try Dataset.prepare(count: casesForLargeExport, transitions: false)
            .unlock(Dataset.auditor)
    }
    Benchmark("Export month x region 1M: plain", configuration: slow) { benchmark in
        let plain = listingPlain.value!
        for _ in benchmark.scaledIterations {
            blackHole(try plain.countsByMonthAndRegion(from: "2025-01-01", through: "2026-01-01"))
        }
    } setup: {
        listingPlain.value = try Dataset.prepare(count: casesForLargeExport, transitions: false).openPlain()
    }

    // MARK: Unlock. Key derivation is measured on its own and taken out of the unlock time.

    let unlockVault = Prepared<Vault>()
    let excludingKDF = BenchmarkMetric.custom("Unlock excluding key derivation (μs)")
    Benchmark("Unlock: CaseVault", configuration: .init(
        metrics: [.wallClock, .throughput, excludingKDF], timeUnits: .milliseconds, maxIterations: 20)) { benchmark in
        let vault = unlockVault.value!
        let clock = ContinuousClock()
        for _ in benchmark.scaledIterations {
            let passphrase = Dataset.passphrase(Dataset.lawyer)
            let started = clock.now
            blackHole(try PasswordHash.deriveKey(passphrase: passphrase, salt: Random.bytes(count: 16),
                                                 profile: .interactive))
            let derived = clock.now
            blackHole(try vault.unlock(user: Dataset.lawyer, passphrase: passphrase))
            let unlocked = clock.now
            let rest = (unlocked - derived) - (derived - started)
            benchmark.measurement(excludingKDF, Int(max(rest, .zero) / .microseconds(1)))
        }
    } setup: {
        unlockVault.value = try Dataset.prepare(count: casesForListing, transitions: true).openVault()
    }

    // MARK: File size of 100,000 cases (no timing: the size in kB is the measurement).

    let fileKB = BenchmarkMetric.custom("File size (kB)")
    Benchmark("File size 100k: CaseVault", configuration: .init(
        metrics: [.throughput, fileKB], warmupIterations: 0, maxIterations: 1)) { benchmark in
        let dataset = try Dataset.prepare(count: casesForListing, transitions: true)
        benchmark.measurement(fileKB, try fileSize(dataset.vaultPath) / 1024)
    }
    Benchmark("File size 100k: plain", configuration: .init(
        metrics: [.throughput, fileKB], warmupIterations: 0, maxIterations: 1)) { benchmark in
        let dataset = try Dataset.prepare(count: casesForListing, transitions: true)
        benchmark.measurement(fileKB, try fileSize(dataset.plainPath) / 1024)
    }
}
