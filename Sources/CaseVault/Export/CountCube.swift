/// A table of counts with all its marginal totals, kept as one flat array.
///
/// Each dimension `d` has `sizes[d]` categories; coordinate `sizes[d]` stands for the total over
/// that dimension. A value is addressed by one coordinate per dimension, row-major with the
/// last dimension varying fastest, so a 2 x 3 table is stored as
/// `(0,0) (0,1) (0,2) (0,T) (1,0) ... (T,T)`. Totals are sums of the cells they cover (for the
/// `need` dimension a request counts once per need it names, so its totals sum cells, not
/// requests).
struct CountCube {
    /// One equation of the table: `values[total] == sum of values[parts]`.
    struct Equation: Equatable {
        let total: Int
        let parts: [Int]

        /// The total first, then the parts.
        var terms: [Int] { [total] + parts }
    }

    /// Categories per dimension.
    let sizes: [Int]
    /// Every cell and marginal total, indexed as described above.
    private(set) var values: [Int]
    private let strides: [Int]

    init(sizes: [Int]) {
        precondition(!sizes.isEmpty && sizes.allSatisfy { $0 > 0 }, "a table needs categories in every dimension")
        self.sizes = sizes
        var strides = Array(repeating: 1, count: sizes.count)
        for d in Swift.stride(from: sizes.count - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * (sizes[d + 1] + 1) }
        self.strides = strides
        values = Array(repeating: 0, count: CountCube.valueCount(sizes: sizes))
    }

    /// A cube holding the given cell counts (row-major over `sizes`, no totals), with its
    /// totals computed.
    init(sizes: [Int], cells: [Int]) {
        self.init(sizes: sizes)
        precondition(cells.count == sizes.reduce(1, *), "one count per cell")
        var cellIndex = 0
        for index in values.indices where !isTotal(index) {
            values[index] = cells[cellIndex]
            cellIndex += 1
        }
        computeTotals()
    }

    /// How many values (cells and totals) the table has for these dimension sizes.
    static func valueCount(sizes: [Int]) -> Int { sizes.reduce(1) { $0 * ($1 + 1) } }

    var dimensionCount: Int { sizes.count }

    /// The stride of dimension `d`: how far apart neighbouring categories are in ``values``.
    func stride(of d: Int) -> Int { strides[d] }

    func coordinates(of index: Int) -> [Int] {
        zip(sizes, strides).map { size, stride in index / stride % (size + 1) }
    }

    /// Whether the value at `index` is a total over at least one dimension.
    func isTotal(_ index: Int) -> Bool {
        zip(sizes, strides).contains { size, stride in index / stride % (size + 1) == size }
    }

    /// The dimensions the value at `index` sums over (none for a cell).
    func totalDimensions(_ index: Int) -> [Int] {
        sizes.indices.filter { d in index / strides[d] % (sizes[d] + 1) == sizes[d] }
    }

    /// Adds one to the cell at `index` (totals are filled in by ``computeTotals()``).
    mutating func increment(cell index: Int) {
        values[index] += 1
    }

    /// Fills in every marginal total from the cells, one dimension at a time. A total over
    /// several dimensions is written in each of their passes; the last one, that of its latest
    /// dimension, sums values whose totals lie only in earlier dimensions and are already final.
    mutating func computeTotals() {
        for d in sizes.indices {
            let stride = strides[d], size = sizes[d]
            for index in values.indices where index / stride % (size + 1) == size {
                var sum = 0
                for k in 0..<size { sum += values[index - size * stride + k * stride] }
                values[index] = sum
            }
        }
    }

    /// Every equation the published table satisfies: for each total and each dimension it sums
    /// over, the total equals the sum of the values along that dimension.
    var equations: [Equation] {
        var result: [Equation] = []
        for index in values.indices {
            for d in totalDimensions(index) {
                let stride = strides[d], size = sizes[d]
                let first = index - size * stride
                result.append(Equation(total: index, parts: (0..<size).map { first + $0 * stride }))
            }
        }
        return result
    }
}
