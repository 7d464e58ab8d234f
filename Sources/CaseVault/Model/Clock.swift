import Foundation

/// Wall-clock time for records, in one place so the format of timestamps is consistent.
enum Clock {
    /// Seconds since the Unix epoch.
    static func now() -> Double { Date().timeIntervalSince1970 }

    /// Seconds since the Unix epoch, whole.
    static func nowSeconds() -> Int64 { Int64(now()) }

    /// An ISO 8601 UTC timestamp (`2026-11-22T10:15:00Z`).
    static func iso8601(_ seconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}

extension CalendarDay {
    /// The calendar date of an instant in a time zone (UTC when the identifier is unknown).
    static func from(unixSeconds: Int64, timeZone identifier: String) -> CalendarDay {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC")!  // UTC always exists
        let parts = calendar.dateComponents([.year, .month, .day],
                                            from: Date(timeIntervalSince1970: TimeInterval(unixSeconds)))
        // The calendar always yields a valid date for a real instant.
        return try! CalendarDay(year: parts.year!, month: parts.month!, day: parts.day!)
    }
}
