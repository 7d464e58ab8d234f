import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on standard error for a long operation (import, export, a bulk event).
///
/// On a terminal it draws `label`, a bar, `done/total unit`, the rate and the time left, redrawn
/// in place with `\r` at most ten times a second:
///
/// ```
/// importing  [#########-----------]  41,200/100,000 cases  23,000/s  0:03 left
/// ```
///
/// When standard error is not a terminal it prints nothing at all, so scripts and log files see
/// only the command's own lines. The filled part of the bar is green, unless `NO_COLOR` is set
/// (to any value) or `TERM` is `dumb`: then the line holds no escape code at all.
///
/// ```swift
/// let bar = ProgressBar(label: "importing", total: lines)
/// defer { bar.finish() }
/// for (done, item) in items.enumerated() { ...; bar.update(done + 1) }
/// ```
final class ProgressBar {
    /// Whether a bar is drawn: standard error is a terminal.
    let isEnabled: Bool
    /// Whether the bar may use colour (and an erase-line escape).
    let usesColor: Bool
    private let label: String
    private let unit: String
    private var total: Int
    private let started = DispatchTime.now()
    /// The first update, from which the rate is measured: the time before it (reading, parsing,
    /// checking) is not work the bar counts.
    private var baseline: (done: Int, at: DispatchTime)?
    private var lastDrawn: DispatchTime?
    private var drawnLength = 0

    /// The shortest time between two drawings, in seconds.
    static let redrawInterval = 0.1

    /// A bar for `total` items of `unit` (plural, as printed after the count), drawn only on a terminal.
    init(label: String, total: Int, unit: String = "cases") {
        self.label = label
        self.total = total
        self.unit = unit
        isEnabled = isatty(STDERR_FILENO) == 1
        usesColor = ProgressBar.colorAllowed(ProcessInfo.processInfo.environment)
    }

    /// Records that `done` items are finished, redrawing the line when the last drawing is old enough.
    ///
    /// The first update and the one that reaches the total are always drawn.
    func update(_ done: Int) {
        guard isEnabled else { return }
        let now = DispatchTime.now()
        if baseline == nil { baseline = (done, now) }
        if let lastDrawn, done < total, ProgressBar.seconds(from: lastDrawn, to: now) < ProgressBar.redrawInterval {
            return
        }
        lastDrawn = now
        draw(done, at: now)
    }

    /// Records that `done` of `total` items are finished, for operations that learn the total as they go.
    func update(_ done: Int, of total: Int) {
        self.total = total
        update(done)
    }

    /// Clears the line, leaving the cursor at its start; nothing happens when nothing was drawn.
    func finish() {
        guard isEnabled, lastDrawn != nil else { return }
        // The terminal may have echoed ^C after the bar: clear the whole width, not only the bar.
        let blank = String(repeating: " ", count: ProgressBar.terminalWidth() - 1)
        ProgressBar.writeStandardError(usesColor ? "\r\u{1B}[K" : "\r\(blank)\r")
        lastDrawn = nil
        drawnLength = 0
    }

    private func draw(_ done: Int, at now: DispatchTime) {
        let width = ProgressBar.terminalWidth()
        let line = ProgressBar.render(label: label, done: done, total: total, elapsed: elapsed(done, at: now),
                                      width: width, unit: unit, color: usesColor)
        let length = ProgressBar.visibleLength(line)
        // Spaces cover the end of a longer earlier line, so no escape code is needed to erase it.
        let padding = String(repeating: " ", count: max(0, min(drawnLength, width - 1) - length))
        ProgressBar.writeStandardError("\r" + line + padding)
        drawnLength = length
    }

    /// The time the `done` items took at the rate measured since the first update (the whole time
    /// since the bar was made until a second update has come).
    private func elapsed(_ done: Int, at now: DispatchTime) -> Double {
        if let baseline, done > baseline.done {
            return ProgressBar.seconds(from: baseline.at, to: now) * Double(done) / Double(done - baseline.done)
        }
        return ProgressBar.seconds(from: started, to: now)
    }

    // MARK: Rendering

    /// The line for `done` of `total` items after `elapsed` seconds, at most `width - 1` characters
    /// wide (the last column is left free so the terminal never wraps it).
    ///
    /// The rate is `done / elapsed` and the time left is what the remaining items take at that rate;
    /// both read `--` until something is done. Narrow terminals lose the bar first, then the rate
    /// and the time left, and the rest is cut. With `color`, the filled part of the bar is green;
    /// without, the line holds no escape code.
    static func render(label: String, done: Int, total: Int, elapsed: Double, width: Int,
                       unit: String = "cases", color: Bool = false) -> String {
        let total = max(total, 0)
        let done = min(max(done, 0), total)
        let count = "\(grouped(done))/\(grouped(total))" + (unit.isEmpty ? "" : " \(unit)")
        let rate = elapsed > 0 && done > 0 ? Double(done) / elapsed : nil
        let rateText = rate.map { "\(formatRate($0))/s" } ?? "--/s"
        let leftText: String
        if done == total {
            leftText = "0:00 left"
        } else if let rate {
            leftText = "\(formatDuration((Double(total - done) / rate).rounded(.up))) left"
        } else {
            leftText = "--:-- left"
        }
        let room = max(width - 1, 0)
        let tail = [count, rateText, leftText].joined(separator: "  ")
        // "label  [" + bar + "]  " + tail
        let barRoom = room - label.count - tail.count - 6
        if barRoom >= 10 {
            let barWidth = min(barRoom, 30)
            let filled = total == 0 ? barWidth : Int(Double(barWidth) * Double(done) / Double(total))
            let full = String(repeating: "#", count: filled)
            let empty = String(repeating: "-", count: barWidth - filled)
            let bar = color && filled > 0 ? "\u{1B}[32m\(full)\u{1B}[0m\(empty)" : full + empty
            return "\(label)  [\(bar)]  \(tail)"
        }
        for candidate in ["\(label)  \(tail)", "\(label)  \(count)  \(leftText)", "\(label)  \(count)"]
        where candidate.count <= room {
            return candidate
        }
        return String("\(label)  \(count)".prefix(room))
    }

    /// `number` with commas between groups of three digits (`41,200`), whatever the locale.
    static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var result = ""
        for (position, digit) in digits.enumerated() {
            if position > 0 && (digits.count - position) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return number < 0 ? "-" + result : result
    }

    /// A rate per second: whole and grouped from 10 up, one decimal below.
    static func formatRate(_ rate: Double) -> String {
        rate >= 10 ? grouped(Int(rate.rounded())) : String(format: "%.1f", rate)
    }

    /// Seconds as `m:ss`, or `h:mm:ss` from an hour up.
    static func formatDuration(_ seconds: Double) -> String {
        let whole = seconds.isFinite ? Int(min(max(seconds, 0), 359_999)) : 359_999
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        let paddedSeconds = rest < 10 ? "0\(rest)" : "\(rest)"
        guard hours > 0 else { return "\(minutes):\(paddedSeconds)" }
        return "\(hours):\(minutes < 10 ? "0" : "")\(minutes):\(paddedSeconds)"
    }

    /// Whether colour is allowed: `NO_COLOR` unset (any value, even empty, turns it off) and `TERM` not `dumb`.
    static func colorAllowed(_ environment: [String: String]) -> Bool {
        environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    /// The number of characters a terminal shows for `line`: escape sequences take no room.
    static func visibleLength(_ line: String) -> Int {
        var length = 0
        var inEscape = false
        for character in line.unicodeScalars {
            if inEscape {
                if character.properties.isAlphabetic { inEscape = false }
            } else if character == "\u{1B}" {
                inEscape = true
            } else {
                length += 1
            }
        }
        return length
    }

    // MARK: The terminal

    /// The width of the terminal on standard error, else `COLUMNS`, else 80.
    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
            return columns
        }
        return 80
    }

    private static func seconds(from start: DispatchTime, to end: DispatchTime) -> Double {
        Double(end.uptimeNanoseconds &- start.uptimeNanoseconds) / 1_000_000_000
    }

    /// One `write(2)` for the whole text, so a line is never drawn in pieces.
    private static func writeStandardError(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if count > 0 {
                offset += count
            } else if !(count < 0 && errno == EINTR) {
                return  // a closed terminal: progress is not worth an error
            }
        }
    }
}
