/// A calendar date without a time (`YYYY-MM-DD`), as received dates and deadlines are kept.
public struct CalendarDay: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The year (1900...9999).
    public let year: Int
    /// The month (1...12).
    public let month: Int
    /// The day of the month.
    public let day: Int

    /// The first and last days a date may be.
    static let earliest = CalendarDay(unchecked: 1900, 1, 1)
    static let latest = CalendarDay(unchecked: 9999, 12, 31)

    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Creates a validated date.
    ///
    /// - Throws: ``CaseVaultError`` (`invalidInput`) for a date that does not exist.
    public init(year: Int, month: Int, day: Int) throws {
        guard (1900...9999).contains(year), (1...12).contains(month),
              (1...CalendarDay.daysIn(month: month, year: year)).contains(day) else {
            throw CaseVaultError(.invalidInput, "invalid date \(year)-\(month)-\(day); use YYYY-MM-DD")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    ///
    /// - Throws: ``CaseVaultError`` (`invalidInput`) naming the bad text.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy(\.isASCIIDigits),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else {
            throw CaseVaultError(.invalidInput, "invalid date '\(text)'; use YYYY-MM-DD")
        }
        do { try self.init(year: year, month: month, day: day) } catch {
            throw CaseVaultError(.invalidInput, "invalid date '\(text)'; use YYYY-MM-DD")
        }
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        "\(CalendarDay.digits(year, 4))-\(CalendarDay.digits(month, 2))-\(CalendarDay.digits(day, 2))"
    }

    /// The month the date falls in (`YYYY-MM`), the finest date an export shows.
    public var yearMonth: YearMonth { YearMonth(uncheckedYear: year, month: month) }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Today's date in the given time zone (an IANA identifier such as `Europe/Moscow`).
    public static func today(inTimeZone identifier: String) -> CalendarDay {
        CalendarDay.from(unixSeconds: Int64(Clock.now()), timeZone: identifier)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: Swift.max(0, width - text.count)) + text
    }

    /// Packs the date into 32 bits for storage inside ciphertext.
    var packed: UInt32 { UInt32(year * 10_000 + month * 100 + day) }

    init(packed: UInt32) throws {
        let value = Int(packed)
        do { try self.init(year: value / 10_000, month: value / 100 % 100, day: value % 100) } catch {
            throw RecordDecodingError()
        }
    }
}

/// A calendar month (`YYYY-MM`).
public struct YearMonth: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The year.
    public let year: Int
    /// The month (1...12).
    public let month: Int

    init(uncheckedYear year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`.
    ///
    /// - Throws: ``CaseVaultError`` (`invalidInput`).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, parts.allSatisfy(\.isASCIIDigits),
              let year = Int(parts[0]), let month = Int(parts[1]), (1900...9999).contains(year),
              (1...12).contains(month) else {
            throw CaseVaultError(.invalidInput, "invalid month '\(text)'; use YYYY-MM")
        }
        self.init(uncheckedYear: year, month: month)
    }

    /// The following month.
    public var next: YearMonth { advanced(by: 1) }

    /// The month before.
    public var previous: YearMonth { advanced(by: -1) }

    /// The month `months` later (earlier when negative).
    public func advanced(by months: Int) -> YearMonth {
        let index = year * 12 + (month - 1) + months
        return YearMonth(uncheckedYear: index / 12, month: index % 12 + 1)
    }

    /// `YYYY-MM`.
    public var description: String { "\(CalendarDay.digits(year, 4))-\(CalendarDay.digits(month, 2))" }

    public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
}

extension Substring {
    /// Only the digits 0-9 (`Int("+9")` would also accept a sign).
    var isASCIIDigits: Bool { utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }
}
