/// A small dense simplex solver for `A x = b, lower <= x <= upper`, used to find how far one
/// variable can move while the others stay feasible.
///
/// Variables sit at a bound unless basic (the bounded-variable method), so bounds need no
/// extra rows. Phase one drives artificial variables, one per row, to zero; afterwards they
/// are fixed at zero and never re-enter. Successive objectives start from the previous
/// optimal basis, which is what makes auditing many cells of one table cheap. Pricing is
/// Dantzig's rule until a run of degenerate pivots, then Bland's rule for the rest of that
/// solve, which cannot cycle.
struct BoundedSimplex {
    static let epsilon = 1e-9
    private static let degenerateRunBeforeBland = 30

    let rowCount: Int
    let columnCount: Int
    /// `B⁻¹A`, row-major, structural columns only.
    private var tableau: [Double]
    /// The variable basic in each row: a structural column, or `columnCount + row` for an artificial.
    private var basis: [Int]
    private var basicValues: [Double]
    /// For each structural column: its row when basic, else -1.
    private var basicRow: [Int]
    private var atUpper: [Bool]
    private let lower: [Double]
    private let upper: [Double]
    private var artificialUpper = Double.infinity
    /// Phase one's reduced costs, kept up to date by every pivot while phase one runs.
    private var phaseOneCosts: [Double]?

    /// - Parameters:
    ///   - rows: each row's nonzero coefficients as (column, coefficient).
    ///   - rhs: each row's right-hand side.
    ///   - lower: each column's lower bound (finite).
    ///   - upper: each column's upper bound (may be infinite).
    init(rows: [[(column: Int, coefficient: Double)]], rhs: [Double], lower: [Double], upper: [Double]) {
        precondition(rows.count == rhs.count && lower.count == upper.count)
        let (m, n) = (rows.count, lower.count)
        rowCount = m
        columnCount = n
        self.lower = lower
        self.upper = upper
        tableau = Array(repeating: 0, count: m * n)
        basis = (0..<m).map { n + $0 }
        basicValues = Array(repeating: 0, count: m)
        basicRow = Array(repeating: -1, count: n)
        atUpper = Array(repeating: false, count: n)
        for (i, row) in rows.enumerated() {
            var residual = rhs[i]
            for (j, a) in row { residual -= a * lower[j] }
            // Each artificial starts at |residual| >= 0: flip the row's sign where needed.
            let sign: Double = residual < 0 ? -1 : 1
            for (j, a) in row { tableau[i * columnCount + j] += sign * a }
            basicValues[i] = sign * residual
        }
    }

    /// The current value of a structural variable.
    func value(_ column: Int) -> Double {
        let row = basicRow[column]
        if row >= 0 { return basicValues[row] }
        return atUpper[column] ? upper[column] : lower[column]
    }

    /// Phase one: finds a feasible basis. Returns false if the system has no solution.
    mutating func findFeasibleBasis() -> Bool {
        var costs = Array(repeating: 0.0, count: columnCount)
        for i in 0..<rowCount {
            for j in 0..<columnCount { costs[j] -= tableau[i * columnCount + j] }
        }
        phaseOneCosts = costs
        defer { phaseOneCosts = nil }
        guard run(.artificialSum) else { return false }
        let infeasibility = (0..<rowCount).filter { basis[$0] >= columnCount }.reduce(0.0) { $0 + basicValues[$1] }
        artificialUpper = 0
        return infeasibility < 1e-7
    }

    /// Maximises (or minimises) one variable from the current basis; returns its optimum, or
    /// nil when it is unbounded. Call ``findFeasibleBasis()`` first.
    mutating func optimize(_ column: Int, maximize: Bool) -> Double? {
        run(.variable(column, sign: maximize ? -1 : 1)) ? value(column) : nil
    }

    /// What ``run(_:)`` minimises.
    private enum Objective {
        /// The sum of the artificial variables (phase one).
        case artificialSum
        /// `sign * x[column]`.
        case variable(Int, sign: Double)
    }

    /// The reduced cost of nonbasic column `j`: how the objective changes per unit increase.
    private func reducedCost(_ j: Int, _ objective: Objective) -> Double {
        let n = columnCount
        switch objective {
        case .artificialSum:
            return phaseOneCosts![j]  // set for the whole of phase one
        case let .variable(column, sign):
            if j == column { return sign }
            let row = basicRow[column]
            return row >= 0 ? -sign * tableau[row * n + j] : 0
        }
    }

    /// Pivots until no nonbasic column improves `objective`. Returns false when it is unbounded.
    private mutating func run(_ objective: Objective) -> Bool {
        let n = columnCount, eps = BoundedSimplex.epsilon
        var bland = false
        var degenerateRun = 0
        while true {
            var entering = -1
            var enteringCost = 0.0
            for j in 0..<n where basicRow[j] < 0 && upper[j] - lower[j] > eps {
                let d = reducedCost(j, objective)
                guard atUpper[j] ? d > eps : d < -eps else { continue }
                if bland { entering = j; break }
                if abs(d) > abs(enteringCost) { entering = j; enteringCost = d }
            }
            guard entering >= 0 else { return true }
            let q = entering
            let direction: Double = atUpper[q] ? -1 : 1

            // Ratio test: the first basic variable to reach a bound, unless q reaches its own
            // other bound first (a bound flip). Ties go to the larger pivot, or under Bland's
            // rule to the lowest variable index.
            var step = upper[q] - lower[q]
            var leavingRow = -1
            var leavingToUpper = false
            for i in 0..<rowCount {
                let alpha = tableau[i * n + q]
                guard abs(alpha) > eps else { continue }
                let rate = -direction * alpha  // change of the basic variable per unit step
                let variable = basis[i]
                let (lo, hi) = variable < n ? (lower[variable], upper[variable]) : (0, artificialUpper)
                let limit: Double
                if rate < 0 {
                    limit = max(0, (basicValues[i] - lo) / -rate)
                } else if hi.isFinite {
                    limit = max(0, (hi - basicValues[i]) / rate)
                } else {
                    continue
                }
                var chosen = limit < step - eps
                if !chosen && leavingRow >= 0 && limit <= step + eps {
                    chosen = bland ? variable < basis[leavingRow] : abs(alpha) > abs(tableau[leavingRow * n + q])
                }
                if chosen {
                    step = min(step, limit)
                    leavingRow = i
                    leavingToUpper = rate > 0
                }
            }
            guard step.isFinite else { return false }

            if step < eps {
                degenerateRun += 1
                if degenerateRun > BoundedSimplex.degenerateRunBeforeBland { bland = true }
            } else {
                degenerateRun = 0
            }
            for i in 0..<rowCount {
                let alpha = tableau[i * n + q]
                if alpha != 0 { basicValues[i] -= direction * alpha * step }
            }
            guard leavingRow >= 0 else {
                atUpper[q].toggle()  // a bound flip: no basis change
                continue
            }
            let r = leavingRow
            let leaving = basis[r]
            if leaving < n {
                basicRow[leaving] = -1
                atUpper[leaving] = leavingToUpper
            }
            basicValues[r] = (atUpper[q] ? upper[q] : lower[q]) + direction * step
            basis[r] = q
            basicRow[q] = r
            pivot(row: r, column: q)
        }
    }

    private mutating func pivot(row r: Int, column q: Int) {
        let n = columnCount
        let pivot = tableau[r * n + q]
        for j in 0..<n { tableau[r * n + j] /= pivot }
        tableau[r * n + q] = 1
        if var costs = phaseOneCosts {
            phaseOneCosts = nil  // so the update below does not copy the array
            let factor = costs[q]
            for j in 0..<n { costs[j] -= factor * tableau[r * n + j] }
            costs[q] = 0
            phaseOneCosts = costs
        }
        for i in 0..<rowCount where i != r {
            let factor = tableau[i * n + q]
            guard factor != 0 else { continue }
            for j in 0..<n { tableau[i * n + j] -= factor * tableau[r * n + j] }
            tableau[i * n + q] = 0
        }
    }
}
