import Foundation

/// Wall-clock time for records, in one place so the format of timestamps is consistent.
enum Clock {
    /// Seconds since the Unix epoch.
    static func now() -> Double { Date().timeIntervalSince1970 }

    /// Seconds since the Unix epoch, whole.
    static func nowSeconds() -> Int64 { Int64(now()) }

    /// An ISO 8601 UTC timestamp (`2026-11-22T10:15:00Z`), as `ISO8601DateFormatter` writes it.
    ///
    /// Computed by hand (proleptic Gregorian; Foundation agrees from the 1582 reform on): a formatter
    /// costs about as much as verifying a signature, and showing a case formats one timestamp per
    /// history entry. Any stored value formats; none traps.
    static func iso8601(_ seconds: Int64) -> String {
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, second) = secondOfDay < 0 ? (days - 1, secondOfDay + 86_400) : (days, secondOfDay)
        let date = civilDate(daysSinceEpoch: day)
        let year = (0...9999).contains(date.year) ? CalendarDay.digits(date.year, 4) : String(date.year)
        return year + "-" + CalendarDay.digits(date.month, 2) + "-" + CalendarDay.digits(date.day, 2) + "T"
            + CalendarDay.digits(Int(second / 3600), 2) + ":" + CalendarDay.digits(Int(second / 60 % 60), 2) + ":"
            + CalendarDay.digits(Int(second % 60), 2) + "Z"
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}

extension CalendarDay {
    /// The calendar date of an instant in a time zone (UTC when the identifier is unknown).
    static func from(unixSeconds: Int64, timeZone identifier: String) -> CalendarDay {
        let offset = TimeZone(identifier: identifier)?.secondsFromGMT(for: Date(timeIntervalSince1970:
            TimeInterval(unixSeconds))) ?? 0
        let (days, remainder) = (unixSeconds + Int64(offset)).quotientAndRemainder(dividingBy: 86_400)
        let date = Clock.civilDate(daysSinceEpoch: remainder < 0 ? days - 1 : days)
        // A date outside 1900...9999 only comes from a clock set far wrong; keep the nearest valid day.
        return (try? CalendarDay(year: date.year, month: date.month, day: date.day))
            ?? (date.year < 1900 ? CalendarDay.earliest : CalendarDay.latest)
    }
}
