import SodiumKit

/// An anonymised count table: every combination of fixed categories, then the marginal totals,
/// with small counts and their complements suppressed.
///
/// It holds only what may be published: a suppressed value is `nil` here, and nothing in the
/// table says whether it was hidden for being small or to protect another value.
public struct CountTable: Sendable {
    /// The label of a dimension that a row sums over.
    public static let totalLabel = "total"

    /// One row: a label per dimension (a category or ``CountTable/totalLabel``) and its count.
    public struct Row: Sendable, Equatable {
        /// One label per dimension, in the table's dimension order.
        public let labels: [String]
        /// The count, or nil when suppressed.
        public let count: Int?

        /// Whether the row is a marginal total.
        public var isTotal: Bool { labels.contains(CountTable.totalLabel) }
    }

    /// The dimensions, in column order.
    public let dimensions: [ExportDimension]
    /// The first month counted.
    public let firstMonth: YearMonth
    /// The last month counted.
    public let lastMonth: YearMonth
    /// K: counts from 1 to K-1 were suppressed.
    public let minimumCellSize: Int
    /// When the counted data was read (ISO 8601, UTC).
    public let dataCutoff: String
    /// The cells, in category order with the last dimension varying fastest, then the totals.
    public let rows: [Row]

    /// How many rows are suppressed.
    public var suppressedCount: Int { rows.lazy.filter { $0.count == nil }.count }

    /// The row with exactly these labels.
    public func row(_ labels: [String]) -> Row? { rows.first { $0.labels == labels } }

    init(dimensions: [ExportDimension], months: [YearMonth], minimumCellSize: Int, dataCutoff: String,
         cube: CountCube, categories: [[String]], hidden: [Bool]) {
        self.dimensions = dimensions
        firstMonth = months[0]
        lastMonth = months[months.count - 1]
        self.minimumCellSize = minimumCellSize
        self.dataCutoff = dataCutoff
        // Cells first, then totals over fewer dimensions before more; among those, sums over
        // later dimensions first (month by month before region by region).
        let order = cube.values.indices.sorted { a, b in
            let (ta, tb) = (cube.totalDimensions(a), cube.totalDimensions(b))
            if ta.count != tb.count { return ta.count < tb.count }
            if ta != tb { return ta.lexicographicallyPrecedes(tb, by: >) }
            return a < b
        }
        rows = order.map { index in
            let labels = zip(cube.coordinates(of: index), categories).map { coordinate, names in
                coordinate < names.count ? names[coordinate] : CountTable.totalLabel
            }
            return Row(labels: labels, count: hidden[index] ? nil : cube.values[index])
        }
    }

    // MARK: Rendering

    /// The table as bytes in `format`: CSV (one column per dimension then `count`, `x` for a
    /// suppressed value, LF line ends) or JSON (`null` with `"suppressed": true`).
    public func rendered(as format: ExportFormat) -> [UInt8] {
        switch format {
        case .csv:
            var text = (dimensions.map(\.rawValue) + ["count"]).joined(separator: ",") + "\n"
            for row in rows {
                text += row.labels.joined(separator: ",") + "," + (row.count.map(String.init) ?? "x") + "\n"
            }
            return Array(text.utf8)
        case .json:
            let rows = rows.map { row -> JSONValue in
                .object(zip(dimensions, row.labels).map { ($0.rawValue, JSONValue.string($1)) } + [
                    ("count", row.count.map(JSONValue.number) ?? .null),
                    ("suppressed", .bool(row.count == nil)),
                ])
            }
            let document = JSONValue.object([
                ("dimensions", .array(dimensions.map { .string($0.rawValue) })),
                ("rows", .array(rows)),
            ])
            return Array((document.rendered() + "\n").utf8)
        }
    }

    /// The table in `format` with its manifest, ready to be written to an export folder.
    public func document(_ format: ExportFormat) -> ExportDocument {
        let table = rendered(as: format)
        return ExportDocument(format: format, table: table,
                              manifest: Array((manifest(format: format, table: table).rendered() + "\n").utf8))
    }

    /// The rules the table was made by, in words, for the manifest.
    var rules: [String] {
        var rules = [
            "categories are fixed in advance: every month of the period and every value of each dimension's "
                + "vocabulary is a row, zeros included",
            "months are months of receipt; no date finer than a month is published",
            "marginal totals: a row labelled total in a dimension sums the rows over that dimension",
            "primary suppression: cells and totals from 1 to \(minimumCellSize - 1) are written x; zero is shown as 0",
            "complementary suppression: further cells and totals, zeros included, are written x until no value "
                + "hidden for being small can be solved to a single number from the published cells and totals",
            "audit: for each small hidden value, linear programming over the table's equations (small hidden values "
                + "bounded to 1..\(minimumCellSize - 1), other hidden values >= 0) gives a range of at least two "
                + "whole numbers",
            "primary and complementary suppressions are written alike",
        ]
        rules.append(dimensions.contains(.need)
            ? "need: a request counts once per need it names, so totals over need sum cells, not requests"
            : "each request counts once")
        return rules
    }

    func manifest(format: ExportFormat, table: [UInt8]) -> JSONValue {
        .object([
            ("manifest", .string("casevault-export/1")),
            ("software", .string("CaseVault \(Vault.softwareVersion)")),
            ("mode", .string("exact counts with small-cell and complementary suppression")),
            ("period", .object([("from", .string(firstMonth.description)), ("to", .string(lastMonth.description))])),
            ("dimensions", .array(dimensions.map { .string($0.rawValue) })),
            ("minimumCellSize", .number(minimumCellSize)),
            ("rules", .array(rules.map(JSONValue.string))),
            ("regionTable", .string(Region.districtTableVersion)),
            ("dataCutoff", .string(dataCutoff)),
            ("table", .object([
                ("file", .string(format.fileName)),
                ("format", .string(format.rawValue)),
                ("rows", .number(rows.count)),
                ("suppressed", .number(suppressedCount)),
                ("sha256", .string(SHA256.hash(table).hexString)),
            ])),
        ])
    }
}
