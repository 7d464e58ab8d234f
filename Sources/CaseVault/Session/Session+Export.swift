import Foundation

extension Session {
    /// Counts cases into an anonymised table (DESIGN §7).
    ///
    /// Reads only the `stats` compartment — the packed stats projection, a few hundred blocks for a
    /// million cases — so it works for an auditor, who holds no other key. Every month of the
    /// period and every category of each dimension is a row, zeros included, followed by the
    /// marginal totals; counts from 1 to K-1 and enough further
    /// values to protect them are suppressed (see ``CountTable``).
    ///
    /// - Parameter progress: called after each block with (slots read, slots in all blocks), and
    ///   once with (0, 0) when there is no block. Throw from it to stop the export: nothing is
    ///   returned and the error it threw comes out of this method unchanged.
    /// - Throws: ``CaseVaultError`` (`invalidInput` for a bad query, `permissionDenied` without
    ///   the stats key, `integrity` naming a case whose statistics row does not authenticate,
    ///   `refused` when no suppression can protect the table's small counts), or what `progress`
    ///   threw.
    public func export(_ query: CountQuery, progress: ((_ read: Int, _ total: Int) throws -> Void)? = nil) throws
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
                                 + "more than \(CountQuery.maximumTableValues)",
                                 remedy: "use fewer dimensions or a shorter period",
                                 subject: .init(.tableSize, String(rowCount)))
        }
        var cube = CountCube(sizes: sizes)
        let cells = ExportCells(dimensions: query.dimensions, months: months, cube: cube)
        let cutoff = Clock.nowSeconds()
        let blocks = try database.read("export counts") { store in try Projections.statsBlocks(store, keys: keys) }
        let total = blocks.reduce(0) { $0 + $1.capacity }
        for (position, block) in blocks.enumerated() {
            do { try cells.count(block) { cube.increment(cell: $0) } } catch {
                throw Projections.damaged(.stats, number: block.number)
            }
            try progress?((position + 1) * block.capacity, total)
        }
        if blocks.isEmpty { try progress?(0, 0) }
        cube.computeTotals()
        guard let hidden = Suppression.hiddenValues(in: cube, minimumCellSize: query.minimumCellSize) else {
            throw CaseVaultError(.refused, "this table cannot be published safely: some small counts would stay "
                                 + "exactly determined whatever is suppressed around them",
                                 remedy: "count by fewer dimensions, over another period or with a larger minimum "
                                 + "cell size", subject: .minimumCellSize(query.minimumCellSize))
        }
        return CountTable(dimensions: query.dimensions, months: months, minimumCellSize: query.minimumCellSize,
                          dataCutoff: Clock.iso8601(cutoff), cube: cube, categories: categories, hidden: hidden)
    }
}
