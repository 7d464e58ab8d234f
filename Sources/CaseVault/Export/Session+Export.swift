import Foundation
import GRDB

extension Session {
    /// Counts cases into an anonymised table (DESIGN §7).
    ///
    /// Reads only the `stats` compartment (one small ciphertext per case, streamed, so memory
    /// does not grow with the number of cases), so it works for an auditor, who holds no other
    /// key. Every month of the period and every category of each dimension is a row, zeros
    /// included, followed by the marginal totals; counts from 1 to K-1 and enough further
    /// values to protect them are suppressed (see ``CountTable``).
    ///
    /// - Parameter progress: called now and then with (cases read, cases in the vault).
    /// - Throws: ``CaseVaultError`` (`invalidInput` for a bad query, `permissionDenied` without
    ///   the stats key, `integrity` naming a case whose statistics row does not authenticate,
    ///   `refused` when no suppression can protect the table's small counts).
    public func export(_ query: CountQuery, progress: ((_ read: Int, _ total: Int) -> Void)? = nil) throws
        -> CountTable {
        try query.validate()
        _ = try keys.compartment(.stats, for: "export counts")
        let months = try query.months(today: CalendarDay.today(inTimeZone: settings.timeZone))
        let categories = query.dimensions.map { $0.categories(months: months) }
        let sizes = categories.map(\.count)
        let rowCount = CountCube.valueCount(sizes: sizes)
        guard rowCount <= CountQuery.maximumTableValues else {
            throw CaseVaultError(.invalidInput, "a table by \(query.dimensions.map(\.rawValue).joined(separator: ", ")) "
                                 + "over \(months.count) months would have \(rowCount) rows, "
                                 + "more than \(CountQuery.maximumTableValues); use fewer dimensions or a shorter period")
        }
        var cube = CountCube(sizes: sizes)
        let cells = ExportCells(dimensions: query.dimensions, months: months, cube: cube)
        var scanner = try CaseCipher.RecordScanner(column: "stats", .stats, keys: keys, for: "export counts")
        let cutoff = Clock.nowSeconds()
        try vault.read("export counts") { db in
            let total = progress == nil ? 0 : try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases") ?? 0
            let cursor = try Row.fetchCursor(db, sql: "SELECT id, version, stats_key_version, stats FROM cases")
            var read = 0
            while let row = try cursor.next() {
                let id = try CaseID(storedBytes: [UInt8](row[0] as Data))
                let padded = try row.withUnsafeData(atIndex: 3) { box in
                    try scanner.open(box ?? Data(), id: id, version: UInt64(row[1] as Int64),
                                     keyVersion: UInt32(row[2] as Int64))
                }
                let stats = try scanner.decode(padded, id: id, StatsRecord.init(decoding:))
                cells.forEachCell(of: stats) { cube.increment(cell: $0) }
                read += 1
                if read % 1024 == 0 { progress?(read, total) }
            }
            progress?(read, total)
        }
        cube.computeTotals()
        guard let hidden = Suppression.hiddenValues(in: cube, minimumCellSize: query.minimumCellSize) else {
            throw CaseVaultError(.refused, "this table cannot be published safely: some small counts would stay "
                                 + "exactly determined whatever is suppressed around them; count by fewer dimensions, "
                                 + "over another period or with a larger --min-cell")
        }
        return CountTable(dimensions: query.dimensions, months: months, minimumCellSize: query.minimumCellSize,
                          dataCutoff: Clock.iso8601(cutoff), cube: cube, categories: categories, hidden: hidden)
    }
}

/// Where a case's statistics row falls in a count table.
private struct ExportCells {
    private let dimensions: [ExportDimension]
    private let strides: [Int]
    private let firstMonth: YearMonth
    private let monthCount: Int
    private let regionIndex: [String: Int]

    init(dimensions: [ExportDimension], months: [YearMonth], cube: CountCube) {
        self.dimensions = dimensions
        strides = dimensions.indices.map(cube.stride(of:))
        firstMonth = months[0]
        monthCount = months.count
        regionIndex = Dictionary(uniqueKeysWithValues: Region.all.enumerated().map { ($1.code, $0) })
    }

    /// Calls `body` with each cell the case counts in: none when it was received outside the
    /// period, one per need it names when counting by need, else one.
    func forEachCell(of stats: StatsRecord, _ body: (Int) -> Void) {
        let monthOffset = (stats.month.year - firstMonth.year) * 12 + stats.month.month - firstMonth.month
        guard (0..<monthCount).contains(monthOffset) else { return }
        var base = 0
        var needStride: Int?
        for (dimension, stride) in zip(dimensions, strides) {
            let coordinate: Int
            switch dimension {
            case .month: coordinate = monthOffset
            case .region: coordinate = regionIndex[stats.region.code] ?? regionIndex[Region.unknown.code]!
            case .district: coordinate = stats.region.district.ordinal
            case .service: coordinate = stats.service.ordinal
            case .situation: coordinate = stats.situation.ordinal
            case .state: coordinate = stats.state.ordinal
            case .outcome: coordinate = stats.outcome.ordinal
            case .need:
                needStride = stride
                continue
            }
            base += coordinate * stride
        }
        if let needStride {
            for need in stats.needs { body(base + need.ordinal * needStride) }
        } else {
            body(base)
        }
    }
}
