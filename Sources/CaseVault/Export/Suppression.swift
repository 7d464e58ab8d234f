/// Decides which values of a count table are hidden.
///
/// 1. **Primary**: every cell or total from 1 to K-1 is hidden; zeros are shown.
/// 2. **Complementary** (the hypercube method): for each small value, the cheapest box of
///    hidden values is chosen along which it can move while every equation of the table still
///    holds (see ``BoxSearch``), and the box's other corners are hidden too. Each box is a witness:
///    a second table, whole numbers within the attacker's bounds, that agrees with everything
///    published and differs in that value.
/// 3. **Audit**: ``DisclosureAudit`` then solves the table as an attacker would. Should it pin
///    a small value anyway (no usable box existed), one more value of each of its equations is
///    hidden and the audit repeats, until nothing is pinned or every equation around the
///    pinned value is hidden. In that last case no suppression can protect it (for example
///    nine cells of 1 whose total of 9 is itself known to be at most K-1 = 9), and the table is
///    refused rather than published.
enum Suppression {
    /// Which values of `cube` are hidden (`true`), primary and complementary alike; nil when
    /// some small value would stay exactly determined whatever is hidden.
    static func hiddenValues(in cube: CountCube, minimumCellSize: Int) -> [Bool]? {
        let values = cube.values
        let equations = cube.equations
        let audit = DisclosureAudit(equations: equations, values: values, minimumCellSize: minimumCellSize)
        var hidden = values.map(audit.isSmall)
        var equationsOf = Array(repeating: [Int](), count: values.count)
        for (e, equation) in equations.enumerated() {
            for index in equation.terms { equationsOf[index].append(e) }
        }
        let boxes = BoxSearch(cube: cube, minimumCellSize: minimumCellSize)
        for index in values.indices where audit.isSmall(values[index]) {
            if let corners = boxes.cheapestBox(through: index, hidden: hidden) {
                for corner in corners { hidden[corner] = true }
            } else {
                for e in equationsOf[index] {
                    for term in equations[e].terms { hidden[term] = true }
                }
            }
        }

        func complement(among terms: [Int]) -> Int? {
            let published = terms.filter { !hidden[$0] }
            // The smallest positive value gives room both ways at the least cost to readers.
            return published.filter { values[$0] > 0 }.min { (values[$0], $0) < (values[$1], $1) }
                ?? published.first
        }
        var candidates: Set<Int>? = nil  // every small value, in the first audit
        while true {
            let pinned = audit.pinnedValues(hidden: hidden, candidates: candidates)
            guard !pinned.isEmpty else { return hidden }
            var added = false
            for index in pinned {
                for e in equationsOf[index] {
                    guard let extra = complement(among: equations[e].terms) else { continue }
                    hidden[extra] = true
                    added = true
                }
            }
            if !added {
                // Widen to every equation touching the pinned values' systems.
                let touching = audit.components(hidden: hidden).filter { !Set($0.variables).isDisjoint(with: pinned) }
                for component in touching {
                    for e in component.equations {
                        for term in equations[e].terms where !hidden[term] {
                            hidden[term] = true
                            added = true
                        }
                    }
                }
            }
            guard added else { return nil }
            // Hiding more only widens ranges, so values found safe stay safe.
            candidates = Set(pinned)
        }
    }
}

/// Finds, for a small value, the cheapest box of values along which it can move.
///
/// A box pairs the value's coordinate in each dimension with one other coordinate, giving 2^n
/// corners. Moving the value by one and each other corner by plus or minus one (a category
/// paired with a category moves opposite to it; anything paired with the total moves with
/// it) keeps every total equal to the sum it covers. The box is usable when every corner has
/// room for its move: a small value stays within `1...K-1`, any other value stays `>= 0`.
/// Its cost is what readers lose: the sum of the corners not hidden yet.
struct BoxSearch {
    let cube: CountCube
    let minimumCellSize: Int

    /// The corners of the cheapest usable box through `index`, or nil when there is none.
    func cheapestBox(through index: Int, hidden: [Bool]) -> [Int]? {
        let values = cube.values
        let k = minimumCellSize
        let n = cube.dimensionCount
        let origin = cube.coordinates(of: index)
        let strides = (0..<n).map(cube.stride(of:))
        func room(_ corner: Int, up: Bool) -> Bool {
            let value = values[corner]
            let small = value >= 1 && value < k
            return up ? (!small || value < k - 1) : value > (small ? 1 : 0)
        }
        var best: (cost: Int, added: Int, corners: [Int])?
        var corners = Array(repeating: 0, count: 1 << n)
        for up in [true, false] where room(index, up: up) {
            // Every opposite corner: a value differing from `origin` in every coordinate.
            var opposite = origin.map { $0 == 0 ? 1 : 0 }
            search: while true {
                var cost = 0, added = 0
                var usable = true
                for mask in 0..<(1 << n) {
                    var corner = index
                    var moveUp = up
                    for d in 0..<n where mask & (1 << d) != 0 {
                        corner += (opposite[d] - origin[d]) * strides[d]
                        let withTotal = origin[d] == cube.sizes[d] || opposite[d] == cube.sizes[d]
                        if !withTotal { moveUp.toggle() }
                    }
                    guard room(corner, up: moveUp) else { usable = false; break }
                    if !hidden[corner] {
                        cost += values[corner]
                        added += 1
                    }
                    corners[mask] = corner
                }
                if usable, best.map({ (cost, added) < ($0.cost, $0.added) }) ?? true {
                    best = (cost, added, corners)
                }
                // Next opposite corner, skipping the origin's coordinate in each dimension.
                var d = n - 1
                while d >= 0 {
                    opposite[d] += 1
                    if opposite[d] == origin[d] { opposite[d] += 1 }
                    if opposite[d] <= cube.sizes[d] { continue search }
                    opposite[d] = origin[d] == 0 ? 1 : 0
                    d -= 1
                }
                break
            }
        }
        return best?.corners
    }
}
