/// A dimension an export can count by (DESIGN §6: `--by DIM[,DIM...]`).
public enum ExportDimension: String, VocabularyValue {
    /// The month the request was received (`YYYY-MM`).
    case month
    /// The requester's home region code.
    case region
    /// The federal district derived from the region.
    case district
    /// The service category.
    case service
    /// Where the requester is.
    case situation
    /// What the requester needs; a request counts once per need it names.
    case need
    /// The workflow state.
    case state
    /// The outcome (`open` while not closed).
    case outcome

    /// The fixed categories of this dimension: every month of the period, or every value of
    /// the vocabulary, whatever the data holds.
    func categories(months: [YearMonth]) -> [String] {
        switch self {
        case .month: months.map(\.description)
        case .region: Region.all.map(\.code)
        case .district: FederalDistrict.allCases.map(\.rawValue)
        case .service: ServiceCategory.allCases.map(\.rawValue)
        case .situation: Situation.allCases.map(\.rawValue)
        case .need: Need.allCases.map(\.rawValue)
        case .state: CaseState.allCases.map(\.rawValue)
        case .outcome: Outcome.allCases.map(\.rawValue)
        }
    }
}

/// The format of an export table.
public enum ExportFormat: String, VocabularyValue {
    /// Comma-separated values: one column per dimension, then `count`.
    case csv
    /// One JSON object with the dimensions and the rows.
    case json

    /// The table's file name inside an export folder.
    public var fileName: String { "counts.\(rawValue)" }
}
