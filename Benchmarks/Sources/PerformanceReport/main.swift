import Foundation

// Reads the Influx CSV export of a benchmark run (`--format influx`), pairs each "<scenario>: CaseVault"
// with its "<scenario>: plain" baseline and each "<scenario>: CLI" (the command) with the library's
// "<scenario>: CaseVault", and writes the results table (medians, ratios, targets) and the machine
// it ran on between the markers in Docs/Performance.md.
//
// usage: PerformanceReport RUN.influx.csv Docs/Performance.md

/// One side of a row: which benchmark of the scenario, which metric, and how to bring its raw
/// value into the row's unit.
struct Measure {
    /// The benchmark name's suffix: `CaseVault`, `plain` or `CLI`.
    let side: String
    let metric: String
    /// Divides the metric's raw value (after the scenario's scale) into the row's unit.
    let divisor: Double

    /// What the table calls this side when it is the one compared with.
    var label: String { side == "CaseVault" ? "library" : side }
}

/// One row of the table: which benchmarks, which metric, and the target it must meet.
struct Scenario {
    enum Target {
        /// The measured value at most `ratio` times the baseline.
        case ratio(Double)
        /// The measured value below `limit` (in the row's unit).
        case below(Double)
        case none
    }

    let title: String
    let benchmark: String
    let measured: Measure
    /// What the measured value is divided by for the ratio, if anything.
    let baseline: Measure?
    /// Inner iterations per measured iteration (the benchmark's scaling factor).
    let scale: Double
    let unit: String
    let target: Target
}

let wallClock = "Time(wallclock)"  // recorded in nanoseconds
let milliseconds = 1_000_000.0, microseconds = 1_000.0
/// Wall-clock time of the library and of the plain baseline, in the row's unit.
func library(_ divisor: Double) -> Measure { Measure(side: "CaseVault", metric: wallClock, divisor: divisor) }
func plain(_ divisor: Double) -> Measure { Measure(side: "plain", metric: wallClock, divisor: divisor) }
/// The command's time less one key derivation (the mean of one timed just before it and one just
/// after), recorded in microseconds, in milliseconds.
let command = Measure(side: "CLI", metric: "Commandexcludingkeyderivation(μs)", divisor: 1_000)

let scenarios = [
    Scenario(title: "Bulk intake, 100,000 requests", benchmark: "Bulk intake 100k",
             measured: library(milliseconds), baseline: plain(milliseconds), scale: 1, unit: "ms",
             target: .ratio(2)),
    Scenario(title: "List 100,000 cases, state filter", benchmark: "List 100k by state",
             measured: library(milliseconds), baseline: plain(milliseconds), scale: 1, unit: "ms",
             target: .ratio(1.5)),
    Scenario(title: "`casevault case list --state awaiting-review`, 100,000 cases, key derivation excluded",
             benchmark: "List 100k by state", measured: command, baseline: library(milliseconds), scale: 1,
             unit: "ms", target: .ratio(2)),
    Scenario(title: "Show one case (with history)", benchmark: "Show one case",
             measured: library(microseconds), baseline: plain(microseconds), scale: 1, unit: "µs",
             target: .ratio(5)),
    Scenario(title: "Duplicate-contact lookup", benchmark: "Duplicate-contact lookup",
             measured: library(microseconds), baseline: plain(microseconds), scale: 1_000, unit: "µs",
             target: .ratio(2)),
    Scenario(title: "Export month × region, 100,000 cases", benchmark: "Export month x region 100k",
             measured: library(milliseconds), baseline: plain(milliseconds), scale: 1, unit: "ms",
             target: .none),
    Scenario(title: "Export month × region, 1,000,000 cases", benchmark: "Export month x region 1M",
             measured: library(milliseconds), baseline: plain(milliseconds), scale: 1, unit: "ms",
             target: .ratio(1)),
    Scenario(title: "`casevault export counts --by month,region`, 1,000,000 cases, key derivation excluded",
             benchmark: "Export month x region 1M", measured: command, baseline: library(milliseconds),
             scale: 1, unit: "ms", target: .ratio(2)),
    Scenario(title: "Export 1,000,000 cases, peak resident memory", benchmark: "Export month x region 1M",
             measured: Measure(side: "CaseVault", metric: "Memory(residentpeak)", divisor: 1_000_000),
             baseline: Measure(side: "plain", metric: "Memory(residentpeak)", divisor: 1_000_000), scale: 1,
             unit: "MB", target: .below(200)),
    Scenario(title: "`casevault export counts`, 1,000,000 cases, the command's peak resident memory "
                 + "(with Argon2id's 64 MiB)",
             benchmark: "Export month x region 1M",
             measured: Measure(side: "CLI", metric: "Commandpeakresidentmemory(kB)", divisor: 1_000),
             baseline: nil, scale: 1, unit: "MB", target: .none),
    Scenario(title: "Unlock, key derivation excluded", benchmark: "Unlock",
             measured: Measure(side: "CaseVault", metric: "Unlockexcludingkeyderivation(μs)", divisor: 1_000),
             baseline: nil, scale: 1, unit: "ms", target: .below(5)),
    Scenario(title: "Unlock with an `interactive` keyslot (whole)", benchmark: "Unlock",
             measured: library(milliseconds), baseline: nil, scale: 1, unit: "ms", target: .none),
    Scenario(title: "File size, 100,000 cases", benchmark: "File size 100k",
             measured: Measure(side: "CaseVault", metric: "Filesize(kB)", divisor: 1_000),
             baseline: Measure(side: "plain", metric: "Filesize(kB)", divisor: 1_000), scale: 1, unit: "MB",
             target: .ratio(1.8)),
]

struct ReportError: Error, CustomStringConvertible {
    let description: String
}

/// The median of each metric for each benchmark name, from the Influx CSV export: columns
/// measurement, host, processor type, processors, memory, kernel, metric (spaces removed),
/// unit, test, percentile, value, ...
func medians(from url: URL) throws -> [String: [String: Double]] {
    let text = try String(contentsOf: url, encoding: .utf8)
    var result: [String: [String: Double]] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        let columns = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard columns.count >= 11, columns[9] == "50.0", let value = Double(columns[10]) else { continue }
        result[columns[8], default: [:]][columns[6]] = value
    }
    guard !result.isEmpty else { throw ReportError(description: "\(url.path) holds no benchmark medians") }
    return result
}

func format(_ value: Double) -> String {
    if value >= 100 { return String(format: "%.0f", value) }
    if value >= 10 { return String(format: "%.1f", value) }
    return String(format: "%.2f", value)
}

/// A target's limit without trailing zeros: 1.5, 2, 200.
func limit(_ value: Double) -> String { String(format: "%g", value) }

func table(_ results: [String: [String: Double]]) throws -> String {
    var lines = [
        "| Scenario | CaseVault | Compared with | Ratio | Target | Met |",
        "|---|---:|---:|---:|---|:---:|",
    ]
    func value(_ scenario: Scenario, _ measure: Measure) throws -> Double {
        let name = "\(scenario.benchmark): \(measure.side)"
        guard let raw = results[name]?[measure.metric] else {
            throw ReportError(description: "no '\(measure.metric)' for '\(name)' in the run")
        }
        return raw / scenario.scale / measure.divisor
    }
    for scenario in scenarios {
        let measured = try value(scenario, scenario.measured)
        let baseline = try scenario.baseline.map { try value(scenario, $0) }
        let ratio = baseline.map { measured / $0 }
        let against = scenario.baseline?.label ?? ""
        let (target, met): (String, String) = switch scenario.target {
        case .ratio(let bound):
            ("≤ \(limit(bound))× \(against)", ratio.map { $0 <= bound ? "yes" : "**no**" } ?? "")
        case .below(let bound): ("< \(limit(bound)) \(scenario.unit)", measured < bound ? "yes" : "**no**")
        case .none: ("—", "")
        }
        let compared = baseline.map { "\(format($0)) \(scenario.unit) \(against)" } ?? "—"
        lines.append("| \(scenario.title) | \(format(measured)) \(scenario.unit) | \(compared) | "
                     + "\(ratio.map { "\(format($0))×" } ?? "—") | \(target) | \(met) |")
    }
    return lines.joined(separator: "\n")
}

/// The key-derivation-excluded figures again in CPU time: differences of two timings of about
/// 0.1 s each, which on a shared machine the wait for a core can blur or push below zero.
func cpuFigures(_ results: [String: [String: Double]]) throws -> String {
    let figures = [
        ("unlock", "Unlock: CaseVault", "UnlockCPUexcludingkeyderivation(μs)"),
        ("`case list` command", "List 100k by state: CLI", "CommandCPUexcludingkeyderivation(μs)"),
        ("`export counts` command", "Export month x region 1M: CLI", "CommandCPUexcludingkeyderivation(μs)"),
    ]
    let parts = try figures.map { title, benchmark, metric in
        guard let value = results[benchmark]?[metric] else {
            throw ReportError(description: "no '\(metric)' for '\(benchmark)' in the run")
        }
        return "\(title) \(format(value / 1_000)) ms"
    }
    return "Key derivation excluded, in CPU time instead (user and system; less sensitive to other work on the "
        + "machine): " + parts.joined(separator: "; ") + "."
}

func shell(_ command: String) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return "unknown" }
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

func machine() -> String {
    let cpu = shell("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'")
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let memory = ProcessInfo.processInfo.physicalMemory / (1 << 30)
    let swift = shell("swift --version 2>&1 | head -1")
    let sqlite = shell("pkg-config --modversion sqlite3")
    let sodium = shell("pkg-config --modversion libsodium")
    let system = shell("uname -sr")
    // Where the datasets are (as BenchmarkSupport's Dataset.folder), not where this tool runs.
    let data = ProcessInfo.processInfo.environment["CASEVAULT_BENCHMARK_DATA"]
        ?? FileManager.default.temporaryDirectory.path
    let disk = shell("df -h --output=source,fstype '\(data.replacingOccurrences(of: "'", with: "'\\''"))' | tail -1")
    return """
        - CPU: \(cpu.isEmpty ? "unknown" : cpu), \(cores) cores; memory \(memory) GiB
        - System: \(system); file system under the data folder: \(disk)
        - \(swift); SQLite \(sqlite); libsodium \(sodium); release build
        - Run on \(ISO8601DateFormatter().string(from: Date()))
        """
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: PerformanceReport RUN.influx.csv Docs/Performance.md\n".utf8))
    exit(2)
}
do {
    let results = try medians(from: URL(fileURLWithPath: arguments[1]))
    let document = URL(fileURLWithPath: arguments[2])
    let text = try String(contentsOf: document, encoding: .utf8)
    let generated = "\(try table(results))\n\n\(try cpuFigures(results))\n\nMachine:\n\n\(machine())"
    guard let begin = text.range(of: "<!-- results:begin -->\n"), let end = text.range(of: "<!-- results:end -->"),
          begin.upperBound <= end.lowerBound else {
        throw ReportError(description: "\(document.path) has no results:begin and results:end markers")
    }
    let updated = text.replacingCharacters(in: begin.upperBound..<end.lowerBound, with: generated + "\n")
    try Data(updated.utf8).write(to: document)
    print(generated)
} catch {
    FileHandle.standardError.write(Data("PerformanceReport: \(error)\n".utf8))
    exit(1)
}
