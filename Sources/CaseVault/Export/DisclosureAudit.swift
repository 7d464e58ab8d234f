/// Checks a suppression pattern the way an attacker would attack it.
///
/// The attacker sees every published value and knows the table's equations (each total is
/// the sum of what it covers). We grant them more: they know which hidden values were hidden
/// for being small, so those lie in `1...K-1`; every other hidden value is only known to be
/// `>= 0`. For each small hidden value, linear programming finds the smallest and largest
/// value consistent with all of that. Counts are whole numbers, so a value is *pinned* when
/// its range holds one whole number only.
struct DisclosureAudit {
    let equations: [CountCube.Equation]
    /// The true values, cells and totals alike.
    let values: [Int]
    let minimumCellSize: Int

    /// Whether a value is small enough to be hidden on its own (primary suppression).
    func isSmall(_ value: Int) -> Bool { value >= 1 && value < minimumCellSize }

    /// The small hidden values an attacker can pin to one whole number, in index order.
    ///
    /// Only `candidates` are examined (every small hidden value when nil). Hiding more values
    /// only widens the attacker's ranges, since the true table stays a solution, so a value
    /// found safe once need not be examined again after further suppression.
    func pinnedValues(hidden: [Bool], candidates: Set<Int>? = nil) -> [Int] {
        var pinned: [Int] = []
        for component in components(hidden: hidden) {
            let checked = component.variables.filter { isSmall(values[$0]) && candidates?.contains($0) ?? true }
            guard !checked.isEmpty else { continue }
            pinned += pinnedValues(checking: Set(checked), in: component, hidden: hidden)
        }
        return pinned.sorted()
    }

    /// A set of hidden values linked through shared equations, with those equations.
    struct Component {
        var variables: [Int] = []
        var equations: [Int] = []
    }

    /// Splits the hidden values into independent systems; only those with a small value need solving.
    func components(hidden: [Bool]) -> [Component] {
        var parent = Array(values.indices)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        var involved: [Int] = []
        for (e, equation) in equations.enumerated() {
            let hiddenTerms = equation.terms.filter { hidden[$0] }
            guard let first = hiddenTerms.first else { continue }
            involved.append(e)
            for other in hiddenTerms.dropFirst() {
                let a = find(first), b = find(other)
                if a != b { parent[a] = b }
            }
        }
        var byRoot: [Int: Component] = [:]
        for index in values.indices where hidden[index] {
            byRoot[find(index), default: Component()].variables.append(index)
        }
        for e in involved {
            let root = find(equations[e].terms.first { hidden[$0] }!)  // involved equations have a hidden term
            byRoot[root]?.equations.append(e)
        }
        return byRoot.values.filter { $0.variables.contains { isSmall(values[$0]) } }
            .sorted { $0.variables[0] < $1.variables[0] }
    }

    private func pinnedValues(checking checked: Set<Int>, in component: Component, hidden: [Bool]) -> [Int] {
        var column: [Int: Int] = [:]
        for (j, index) in component.variables.enumerated() { column[index] = j }
        var rows: [[(column: Int, coefficient: Double)]] = []
        var rhs: [Double] = []
        for e in component.equations {
            let equation = equations[e]
            var row: [(column: Int, coefficient: Double)] = []
            var constant = 0.0
            for (position, index) in equation.terms.enumerated() {
                let coefficient: Double = position == 0 ? 1 : -1
                if let j = column[index] { row.append((j, coefficient)) } else { constant += coefficient * Double(values[index]) }
            }
            rows.append(row)
            rhs.append(-constant)
        }
        let small = component.variables.map { isSmall(values[$0]) }
        let lower = small.map { $0 ? 1.0 : 0.0 }
        let upper = small.map { $0 ? Double(minimumCellSize - 1) : Double.infinity }
        var simplex = BoundedSimplex(rows: rows, rhs: rhs, lower: lower, upper: upper)
        // The true table is a solution, so this only fails on numerical trouble: count every
        // small value as pinned, which makes the caller hide more.
        guard simplex.findFeasibleBasis() else { return checked.sorted() }

        let truth = component.variables.map { Double(values[$0]) }
        // A small value is safe once two solutions are seen that differ by at least one for it:
        // the range is convex, so it then holds two whole numbers.
        var safe = component.variables.map { !checked.contains($0) }
        func observe() {
            for j in safe.indices where !safe[j] && abs(simplex.value(j) - truth[j]) >= 1 - 1e-6 { safe[j] = true }
        }
        observe()
        var pinned: [Int] = []
        for j in safe.indices where !safe[j] {
            for maximize in [true, false] where !safe[j] {
                guard simplex.optimize(j, maximize: maximize) != nil else { safe[j] = true; break }
                observe()
            }
            if !safe[j] { pinned.append(component.variables[j]) }
        }
        return pinned
    }
}
