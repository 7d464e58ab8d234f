import Benchmark
import BenchmarkSupport
import CaseVault
import Foundation
import SodiumKit

// Every scenario is measured twice in the same run: "<scenario>: CaseVault" and
// "<scenario>: plain" (the same requests in plaintext columns through GRDB). The listing and
// the 1,000,000-case export are also run as commands, "<scenario>: CLI" (the release `casevault`
// in a child process), to compare with the library figure of the same job. The
// PerformanceReport tool pairs them by name and writes the ratios to Docs/Performance.md.
//
// The datasets are built beforehand by PrepareDatasets (`make benchmarks` runs it): a benchmark
// that finds none fails saying so rather than building one inside a measured process.

/// State a benchmark's setup prepares for its measured closure (each benchmark runs in its own process).
final class Prepared<Value>: @unchecked Sendable {
    var value: Value?
}

let casesForIntake = Dataset.hundredThousand.count
let exportQuery = CountQuery(by: [.month, .region], from: try! YearMonth(parsing: "2025-01"),
                             to: try! YearMonth(parsing: "2025-12"))

func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("casevault-bench-\(UUID().uuidString)-\(name)").path
}

func remove(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// The bytes a database takes on disk: the file and its write-ahead log, if one is left.
func fileSize(_ path: String) throws -> Int {
    let manager = FileManager.default
    let wal = manager.fileExists(atPath: path + "-wal")
        ? try manager.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0 : 0
    return try (manager.attributesOfItem(atPath: path)[.size] as? Int ?? 0) + wal
}

/// `CASEVAULT_BENCHMARK_MAX_ITERATIONS=N` caps every benchmark's iterations: a quick check that every
/// scenario runs end to end while others use the machine. Such a run's figures are not for the table.
let iterationCap = ProcessInfo.processInfo.environment["CASEVAULT_BENCHMARK_MAX_ITERATIONS"].flatMap { Int($0) }

func capped(_ configuration: Benchmark.Configuration) -> Benchmark.Configuration {
    guard let iterationCap else { return configuration }
    var configuration = configuration
    configuration.maxIterations = min(configuration.maxIterations, max(iterationCap, 1))
    return configuration
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = capped(.init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 30))
    let slow = capped(.init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        timeUnits: .milliseconds, warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 5))

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
        intakeWorkload.value = Workload(count: casesForIntake)
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
        intakeWorkload.value = Workload(count: casesForIntake)
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
        listingSession.value = try Dataset.existing(Dataset.hundredThousand).unlock(Dataset.lawyer)
    }
    Benchmark("List 100k by state: plain") { benchmark in
        let plain = listingPlain.value!
        for _ in benchmark.scaledIterations {
            blackHole(try plain.cases(state: "awaiting-review"))
        }
    } setup: {
        listingPlain.value = try Dataset.existing(Dataset.hundredThousand).openPlain()
    }

    // MARK: The same jobs as commands: `casevault` run as a child process, key derivation excluded.

    // The command unlocks with an `interactive` keyslot. Each iteration times one `interactive`
    // Argon2id derivation in this process just before the command and one just after, and
    // subtracts their mean from the command's time: what is left is process start, opening the
    // vault, the rest of the unlock, the job and writing its output. The wall clock is the whole
    // command; the CPU figure (the child's user and system time less the derivations' CPU time)
    // is the same difference without the time spent waiting for a core on a shared machine.
    let commandLine = Prepared<CommandLineTool>()
    let commandExcludingKDF = BenchmarkMetric.custom("Command excluding key derivation (μs)")
    let commandCPUExcludingKDF = BenchmarkMetric.custom("Command CPU excluding key derivation (μs)")
    let commandPeakMemory = BenchmarkMetric.custom("Command peak resident memory (kB)")
    let commandConfiguration = capped(.init(
        metrics: [.wallClock, .throughput, commandExcludingKDF, commandCPUExcludingKDF, commandPeakMemory],
        timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(60), maxIterations: 20))

    /// Runs the command once as the benchmark's measured part and records its metrics.
    func measureCommand(_ benchmark: Benchmark, user: String, _ arguments: [String]) throws {
        let before = try KeyDerivation.timeInteractive(user)
        benchmark.startMeasurement()
        let run = try commandLine.value!.run(arguments)
        benchmark.stopMeasurement()
        let derivation = Timing.mean(before, try KeyDerivation.timeInteractive(user))
        blackHole(run.outputBytes)
        benchmark.measurement(commandExcludingKDF, (run.elapsed - derivation.wall).wholeMicroseconds)
        benchmark.measurement(commandCPUExcludingKDF, (run.cpu - derivation.cpu).wholeMicroseconds)
        benchmark.measurement(commandPeakMemory, run.peakResidentBytes / 1_000)
    }

    func vaultArguments(_ dataset: Dataset, user: String) -> [String] {
        ["--vault", dataset.vaultPath, "--user", user, "--passphrase-file", Dataset.passphraseFile(user)]
    }

    let listCommand = Prepared<[String]>()
    Benchmark("List 100k by state: CLI", configuration: commandConfiguration) { benchmark in
        for _ in benchmark.scaledIterations {
            try measureCommand(benchmark, user: Dataset.lawyer, listCommand.value!)
        }
    } setup: {
        let dataset = try Dataset.existing(Dataset.hundredThousand)
        commandLine.value = try CommandLineTool.fromEnvironment()
        listCommand.value = ["case", "list", "--state", "awaiting-review"]
            + vaultArguments(dataset, user: Dataset.lawyer)
        // A header line and one line per case awaiting review: the command did the whole job.
        let lines = try commandLine.value!.run(listCommand.value!).outputLines
        guard lines == 1 + Dataset.submitted - Dataset.inReview else {
            throw CommandLineToolError(description: "casevault case list printed \(lines) lines, expected "
                                       + "\(1 + Dataset.submitted - Dataset.inReview)")
        }
    }

    // MARK: Showing one case with its history (CaseVault verifies every signature).

    let shownIDs = Prepared<[CaseID]>()
    let shownPlainIDs = Prepared<[Data]>()
    let manyShort = capped(.init(maxDuration: .seconds(5), maxIterations: 2_000))
    Benchmark("Show one case: CaseVault", configuration: manyShort) { benchmark in
        let session = listingSession.value!
        let ids = shownIDs.value!
        for iteration in benchmark.scaledIterations {
            blackHole(try session.case(ids[iteration % ids.count]))
        }
    } setup: {
        let dataset = try Dataset.existing(Dataset.hundredThousand)
        listingSession.value = try dataset.unlock(Dataset.lawyer)
        shownIDs.value = try dataset.inReviewIDs()
    }
    Benchmark("Show one case: plain", configuration: manyShort) { benchmark in
        let plain = listingPlain.value!
        let ids = shownPlainIDs.value!
        for iteration in benchmark.scaledIterations {
            blackHole(try plain.record(ids[iteration % ids.count]))
        }
    } setup: {
        // The same cases in the same order as CaseVault shows them.
        let dataset = try Dataset.existing(Dataset.hundredThousand)
        listingPlain.value = try dataset.openPlain()
        shownPlainIDs.value = try dataset.inReviewIDs().map { Data($0.bytes) }
    }

    // MARK: Duplicate-contact lookups: half find an earlier request, half find none.

    let lookups = Prepared<[String]>()
    let lookupConfiguration = capped(.init(scalingFactor: .kilo))
    func lookupContacts(_ dataset: Dataset) -> [String] {
        let known = dataset.workload.knownContacts
        var random = SplitMix64(seed: 42)
        return (0..<1_000).map { index in
            index % 2 == 0 ? known[random.next(below: known.count)] : "@nobody_\(random.next(below: 1_000_000))"
        }
    }
    Benchmark("Duplicate-contact lookup: CaseVault", configuration: lookupConfiguration) { benchmark in
        let session = listingSession.value!
        let contacts = lookups.value!
        for iteration in benchmark.scaledIterations {
            blackHole(try session.openCases(withContact: contacts[iteration % contacts.count]))
        }
    } setup: {
        let dataset = try Dataset.existing(Dataset.hundredThousand)
        listingSession.value = try dataset.unlock(Dataset.coordinator)
        lookups.value = lookupContacts(dataset)
    }
    Benchmark("Duplicate-contact lookup: plain", configuration: lookupConfiguration) { benchmark in
        let plain = listingPlain.value!
        let contacts = lookups.value!
        for iteration in benchmark.scaledIterations {
            blackHole(try plain.openCases(withContact: contacts[iteration % contacts.count]))
        }
    } setup: {
        let dataset = try Dataset.existing(Dataset.hundredThousand)
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
        listingSession.value = try Dataset.existing(Dataset.hundredThousand).unlock(Dataset.auditor)
    }
    Benchmark("Export month x region 100k: plain") { benchmark in
        let plain = listingPlain.value!
        for _ in benchmark.scaledIterations {
            blackHole(try plain.countsByMonthAndRegion(from: "2025-01-01", through: "2026-01-01"))
        }
    } setup: {
        listingPlain.value = try Dataset.existing(Dataset.hundredThousand).openPlain()
    }
    Benchmark("Export month x region 1M: CaseVault", configuration: slow) { benchmark in
        let session = listingSession.value!
        for _ in benchmark.scaledIterations {
            blackHole(try session.export(exportQuery))
        }
    } setup: {
        listingSession.value = try Dataset.existing(Dataset.million)
            .unlock(Dataset.auditor)
    }
    Benchmark("Export month x region 1M: plain", configuration: slow) { benchmark in
        let plain = listingPlain.value!
        for _ in benchmark.scaledIterations {
            blackHole(try plain.countsByMonthAndRegion(from: "2025-01-01", through: "2026-01-01"))
        }
    } setup: {
        listingPlain.value = try Dataset.existing(Dataset.million).openPlain()
    }

    let exportCommand = Prepared<[String]>()
    Benchmark("Export month x region 1M: CLI", configuration: commandConfiguration) { benchmark in
        for _ in benchmark.scaledIterations {
            try measureCommand(benchmark, user: Dataset.auditor, exportCommand.value!)
        }
    } setup: {
        let dataset = try Dataset.existing(Dataset.million)
        commandLine.value = try CommandLineTool.fromEnvironment()
        exportCommand.value = ["export", "counts", "--by", "month,region", "--from", "\(exportQuery.from!)",
                               "--to", "\(exportQuery.to!)"] + vaultArguments(dataset, user: Dataset.auditor)
        // The command printed the whole table: as many lines as the library's own CSV of it.
        let csv = try dataset.unlock(Dataset.auditor).export(exportQuery).rendered(as: .csv)
        let expected = csv.lazy.filter { $0 == UInt8(ascii: "\n") }.count
        let lines = try commandLine.value!.run(exportCommand.value!).outputLines
        guard lines == expected else {
            throw CommandLineToolError(description: "casevault export counts printed \(lines) lines, "
                                       + "the library's CSV has \(expected)")
        }
    }

    // MARK: Unlock. Key derivation is measured on its own and taken out of the unlock time.

    // As for the commands: a derivation timed just before and one just after, their mean
    // subtracted; both outside the measured part, so the wall clock is one whole unlock.
    let unlockVault = Prepared<Vault>()
    let excludingKDF = BenchmarkMetric.custom("Unlock excluding key derivation (μs)")
    let cpuExcludingKDF = BenchmarkMetric.custom("Unlock CPU excluding key derivation (μs)")
    Benchmark("Unlock: CaseVault", configuration: capped(.init(
        metrics: [.wallClock, .throughput, excludingKDF, cpuExcludingKDF], timeUnits: .milliseconds,
        maxIterations: 20))) { benchmark in
        let vault = unlockVault.value!
        for _ in benchmark.scaledIterations {
            let before = try KeyDerivation.timeInteractive(Dataset.lawyer)
            let passphrase = Dataset.passphrase(Dataset.lawyer)
            benchmark.startMeasurement()
            let (session, unlock) = try Timing.of { try vault.unlock(user: Dataset.lawyer, passphrase: passphrase) }
            benchmark.stopMeasurement()
            blackHole(session)
            let derivation = Timing.mean(before, try KeyDerivation.timeInteractive(Dataset.lawyer))
            benchmark.measurement(excludingKDF, (unlock.wall - derivation.wall).wholeMicroseconds)
            benchmark.measurement(cpuExcludingKDF, (unlock.cpu - derivation.cpu).wholeMicroseconds)
        }
    } setup: {
        unlockVault.value = try Dataset.existing(Dataset.hundredThousand).openVault()
    }

    // MARK: File size of 100,000 cases (no timing: the size in kB of 1,000 bytes is the measurement).

    let fileKB = BenchmarkMetric.custom("File size (kB)")
    Benchmark("File size 100k: CaseVault", configuration: .init(
        metrics: [.throughput, fileKB], warmupIterations: 0, maxIterations: 1)) { benchmark in
        let dataset = try Dataset.existing(Dataset.hundredThousand)
        benchmark.measurement(fileKB, try fileSize(dataset.vaultPath) / 1_000)
    }
    Benchmark("File size 100k: plain", configuration: .init(
        metrics: [.throughput, fileKB], warmupIterations: 0, maxIterations: 1)) { benchmark in
        let dataset = try Dataset.existing(Dataset.hundredThousand)
        benchmark.measurement(fileKB, try fileSize(dataset.plainPath) / 1_000)
    }
}
