/// What an export counts: the dimensions, the months, and the minimum cell size.
///
/// ```swift
/// let query = try CountQuery(by: [.month, .region], from: YearMonth(parsing: "2023-06"),
///                            to: YearMonth(parsing: "2023-11"))
/// let table = try auditor.export(query)
/// ```
public struct CountQuery: Sendable, Equatable {
    /// The default minimum cell size K: counts from 1 to K-1 are hidden.
    public static let defaultMinimumCellSize = 10
    /// The smallest K accepted.
    public static let smallestMinimumCellSize = 5
    /// The most rows (cells and totals) one table may have: the disclosure audit's work grows
    /// with the square of the table, and a larger table is mostly suppressed anyway.
    public static let maximumTableValues = 5_000

    /// The dimensions, in column order; each at most once.
    public var dimensions: [ExportDimension]
    /// The first month counted; nil for the default period.
    public var from: YearMonth?
    /// The last month counted; nil for the default period.
    public var to: YearMonth?
    /// K: counts from 1 to K-1 are hidden.
    public var minimumCellSize: Int

    /// Creates a query. Without `from` and `to` the period is the twelve calendar months ending
    /// with the last complete one; with only `from` it runs to the last complete month, with
    /// only `to` it is the twelve months ending there.
    public init(by dimensions: [ExportDimension], from: YearMonth? = nil, to: YearMonth? = nil,
                minimumCellSize: Int = CountQuery.defaultMinimumCellSize) {
        self.dimensions = dimensions
        self.from = from
        self.to = to
        self.minimumCellSize = minimumCellSize
    }

    /// The months counted, given today's date in the vault's time zone.
    ///
    /// - Throws: ``CaseVaultError`` (`invalidInput`) for an empty or reversed period.
    public func months(today: CalendarDay) throws -> [YearMonth] {
        let lastComplete = today.yearMonth.previous
        let last = to ?? (from.map { max($0, lastComplete) } ?? lastComplete)
        let first = from ?? last.advanced(by: -11)
        guard first <= last else { throw CountQuery.emptyPeriod(first, last) }
        var months = [first]
        while let month = months.last, month < last { months.append(month.next) }
        return months
    }

    /// Checks the dimensions, K and, when both ends are given, the period (the default period is
    /// checked by ``months(today:)``), so a caller can refuse a bad query before unlocking anything.
    ///
    /// - Throws: ``CaseVaultError`` (`invalidInput`) about the dimensions, the dimension named
    ///   twice, the minimum cell size or the period.
    public func validate() throws {
        guard !dimensions.isEmpty else {
            throw CaseVaultError(.invalidInput, "an export needs at least one dimension",
                                 remedy: "count by month (or " + ExportDimension.allCases.map(\.rawValue)
                                    .joined(separator: ", ") + ")",
                                 subject: .init(.dimensions, ""))
        }
        var named = Set<ExportDimension>()
        for dimension in dimensions where !named.insert(dimension).inserted {
            throw CaseVaultError(.invalidInput, "the dimension \(dimension) is named twice", remedy: "name each once",
                                 subject: .init(.dimension, dimension.rawValue))
        }
        guard minimumCellSize >= CountQuery.smallestMinimumCellSize else {
            throw CaseVaultError(.invalidInput, "a minimum cell size of \(minimumCellSize) would publish counts "
                                 + "small enough to identify people",
                                 remedy: "use \(CountQuery.smallestMinimumCellSize) or more (default "
                                 + "\(CountQuery.defaultMinimumCellSize))",
                                 subject: .minimumCellSize(minimumCellSize))
        }
        if let from, let to, from > to { throw CountQuery.emptyPeriod(from, to) }
    }

    private static func emptyPeriod(_ first: YearMonth, _ last: YearMonth) -> CaseVaultError {
        CaseVaultError(.invalidInput, "the period \(first) to \(last) is empty",
                       remedy: "choose a last month no earlier than the first", subject: .period(first, last))
    }
}
