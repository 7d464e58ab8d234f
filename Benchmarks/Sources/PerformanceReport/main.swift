import Foundation

// Reads the Influx CSV export of a benchmark run (`--format influx`), pairs each "<scenario>: CaseVault" with its
// "<scenario>: plain" baseline, and writes the results table (medians, ratios, targets) and
// the machine it ran on between the markers in Docs/Performance.md.
//
// usage: PerformanceReport RUN.influx.csv Docs/Performance.md

/// One row of the table: which benchmarks, which metric, and the target it must meet.
struct Scenario {
    enum Target {
        /// CaseVault at most `ratio` times the plain baseline.
        case ratio(Double)
        /// CaseVault's value below `limit` (in the row's unit).
        case below(Double)
        case none
    }

    let title: String
    let benchmark: String
    let metric: String
    /// Inner iterations per measured iteration (the benchmark's scaling factor).
    let scale: Double
    /// Divides the metric's raw value into the row's unit.
    let divisor: Double
    let unit: String
    let target: Target
    var hasBaseline = true
}

let wallClock = "Time(wallclock)"  // recorded in nanoseconds
let scenarios = [
    Scenario(title: "Bulk intake, 100,000 requests", benchmark: "Bulk intake 100k", metric: wallClock,
             scale: 1, divisor: 1_000_000, unit: "ms", target: .ratio(2.5)),
    Scenario(title: "List 100,000 cases, state filter", benchmark: "List 100k by state", metric: wallClock,
             scale: 1, divisor: 1_000_000, unit: "ms", target: .ratio(4)),
    Scenario(title: "Show one case (with history)", benchmark: "Show one case", metric: wallClock,
             scale: 1, divisor: 1_000, unit: "µs", target: .none),
    Scenario(title: "Duplicate-contact lookup", benchmark: "Duplicate-contact lookup", metric: wallClock,
             scale: 1_000, divisor: 1_000, unit: "µs", target: .ratio(1.5)),
    Scenario(title: "Export month × region, 100,000 cases", benchmark: "Export month x region 100k",
             metric: wallClock, scale: 1, divisor: 1_000_000, unit: "ms", target: .ratio(3)),
    Scenario(title: "Export month × region, 1,000,000 cases", benchmark: "Export month x region 1M",
             metric: wallClock, scale: 1, divisor: 1_000_000, unit: "ms", target: .none),
    Scenario(title: "Export 1,000,000 cases, peak resident memory", benchmark: "Export month x region 1M",
             metric: "Memory(residentpeak)", scale: 1, divisor: 1_000_000, unit: "MB", target: .below(300)),
    Scenario(title: "Unlock, key derivation excluded", benchmark: "Unlock",
             metric: "Unlockexcludingkeyderivation(μs)", scale: 1, divisor: 1_000, unit: "ms",
             target: .below(50), hasBaseline: false),
    Scenario(title: "Unlock with an `interactive` keyslot (whole)", benchmark: "Unlock", metric: wallClock,
             scale: 1, divisor: 1_000_000, unit: "ms", target: .none, hasBaseline: false),
    Scenario(title: "File size, 100,000 cases", benchmark: "File size 100k", metric: "Filesize(kB)",
             scale: 1, divisor: 1_000, unit: "MB", target: .ratio(2)),
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

func table(_ results: [String: [String: Double]]) throws -> String {
    var lines = [
        "| Scenario | CaseVault | Plain SQLite | Ratio | Target | Met |",
        "|---|---:|---:|---:|---|:---:|",
    ]
    for scenario in scenarios {
        guard let ours = results["\(scenario.benchmark): CaseVault"]?[scenario.metric] else {
            throw ReportError(description: "no '\(scenario.metric)' for '\(scenario.benchmark): CaseVault' in the run")
        }
        let value = ours / scenario.scale / scenario.divisor
        var baseline: Double?
        if scenario.hasBaseline {
            guard let plain = results["\(scenario.benchmark): plain"]?[scenario.metric] else {
                throw ReportError(description: "no '\(scenario.metric)' for '\(scenario.benchmark): plain' in the run")
            }
            baseline = plain / scenario.scale / scenario.divisor
        }
        let ratio = baseline.map { value / $0 }
        let (target, met): (String, String) = switch scenario.target {
        case .ratio(let limit): ("≤ \(format(limit))× plain", ratio.map { $0 <= limit ? "yes" : "**no**" } ?? "")
        case .below(let limit): ("< \(format(limit)) \(scenario.unit)", value < limit ? "yes" : "**no**")
        case .none: ("—", "")
        }
        lines.append("| \(scenario.title) | \(format(value)) \(scenario.unit) | "
                     + "\(baseline.map { "\(format($0)) \(scenario.unit)" } ?? "—") | "
                     + "\(ratio.map { "\(format($0))×" } ?? "—") | \(target) | \(met) |")
    }
    return lines.joined(separator: "\n")
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
    let disk = shell("df -h --output=source,fstype . | tail -1")
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
    let generated = "\(try table(results))\n\nMachine:\n\n\(machine())"
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
