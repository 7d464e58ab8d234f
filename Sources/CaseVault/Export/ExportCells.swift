/// Where the cases of a stats projection block fall in a count table: the block's columns hold
/// stored codes, and each dimension maps a code to its category's position through a table
/// built once per export.
struct ExportCells {
    private let dimensions: [ExportDimension]
    private let strides: [Int]
    private let firstMonth: YearMonth
    private let monthCount: Int
    /// Category position by stored code, for each coded dimension (-1: no such code).
    private let regionPositions: [Int]
    private let districtByRegion: [Int]
    private let servicePositions: [Int]
    private let situationPositions: [Int]
    private let statePositions: [Int]
    private let outcomePositions: [Int]
    /// For each needs mask, the positions of the needs it names (nil: a bit no need has).
    private let needPositions: [[Int]?]

    init(dimensions: [ExportDimension], months: [YearMonth], cube: CountCube) {
        self.dimensions = dimensions
        strides = dimensions.indices.map(cube.stride(of:))
        firstMonth = months[0]
        monthCount = months.count
        var regions = [Int](repeating: -1, count: 256)
        var districts = [Int](repeating: -1, count: 256)
        for (position, region) in Region.all.enumerated() {
            regions[Int(region.storedCode)] = position
            districts[Int(region.storedCode)] = region.district.ordinal
        }
        regionPositions = regions
        districtByRegion = districts
        servicePositions = ExportCells.positions(ServiceCategory.self)
        situationPositions = ExportCells.positions(Situation.self)
        statePositions = ExportCells.positions(CaseState.self)
        outcomePositions = ExportCells.positions(Outcome.self)
        needPositions = (0..<256).map { mask in
            guard let needs = try? Set<Need>(mask: UInt8(mask)) else { return nil }
            return needs.sorted().map(\.ordinal)
        }
    }

    private static func positions<Value: StoredVocabulary>(_: Value.Type) -> [Int] {
        var table = [Int](repeating: -1, count: 256)
        for value in Value.allCases { table[Int(value.code)] = value.ordinal }
        return table
    }

    /// Calls `body` with each cell each case of `block` counts in: none for an empty slot or a
    /// case received outside the period, one per need it names when counting by need, else one.
    ///
    /// - Throws: `RecordDecodingError` for a code no category has (a damaged block).
    func count(_ block: StatsBlock, _ body: (Int) -> Void) throws {
        for index in 0..<block.capacity {
            let packed = Int(block.months[index])
            guard packed != 0 else { continue }
            let year = packed / 100
            let month = packed % 100
            guard (1...12).contains(month) else { throw RecordDecodingError() }
            let monthOffset = (year - firstMonth.year) * 12 + month - firstMonth.month
            // Every code is checked, whether or not the case falls in the period.
            let region = regionPositions[Int(block.regions[index])]
            let service = servicePositions[Int(block.services[index])]
            let situation = situationPositions[Int(block.situations[index])]
            let state = statePositions[Int(block.states[index])]
            let outcome = outcomePositions[Int(block.outcomes[index])]
            guard region >= 0, service >= 0, situation >= 0, state >= 0, outcome >= 0,
                  let needs = needPositions[Int(block.needs[index])] else { throw RecordDecodingError() }
            guard (0..<monthCount).contains(monthOffset) else { continue }
            var base = 0
            var needStride: Int?
            for (dimension, stride) in zip(dimensions, strides) {
                let coordinate: Int
                switch dimension {
                case .month: coordinate = monthOffset
                case .region: coordinate = region
                case .district: coordinate = districtByRegion[Int(block.regions[index])]
                case .service: coordinate = service
                case .situation: coordinate = situation
                case .state: coordinate = state
                case .outcome: coordinate = outcome
                case .need:
                    needStride = stride
                    continue
                }
                base += coordinate * stride
            }
            if let needStride {
                for need in needs { body(base + need * needStride) }
            } else {
                body(base)
            }
        }
    }
}
