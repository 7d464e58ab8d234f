import CaseVault

/// How `casevault` words a library error: the library says what failed in its own words and
/// names the value (``CaseVaultError/subject``); where that value came from one of this
/// command's options, or another command shows what to choose, the hint names them instead of
/// the library's remedy.
enum ErrorLine {
    /// The one line for `error`, without the `casevault: ` prefix.
    static func line(for error: CaseVaultError) -> String {
        hint(for: error).map { "\(error.summary); \($0)" } ?? error.message
    }

    /// The hint that replaces the library's remedy, or nil when the remedy needs no option or command.
    static func hint(for error: CaseVaultError) -> String? {
        if case .wrongState? = error.refusal { return "'casevault workflow' shows which events apply where" }
        guard let subject = error.subject else { return nil }
        switch (subject.kind, error.code) {
        case (.user, .notFound): return "check --user"
        case (.assignee, .notFound): return "check --assignee"
        case (.partner, .notFound): return "'casevault partner list' shows them"
        case (.case, .notFound): return "'casevault case list' shows the cases"
        case (.vault, .notFound): return "pass --vault with the vault file, or create one with 'casevault init'"
        case (.vault, .integrity), (.vault, .unsupportedFormat):
            return "check --vault, or restore the vault from a backup"
        case (.format, .unsupportedFormat): return "upgrade casevault"
        case (.period, .invalidInput): return "--from must not be after --to"
        case (.dimensions, .invalidInput):
            return "use --by month (or " + ExportDimension.allCases.map(\.rawValue).joined(separator: ", ") + ")"
        case (.dimension, .invalidInput): return "name each once in --by"
        case (.minimumCellSize, .invalidInput):
            return "use --min-cell \(CountQuery.smallestMinimumCellSize) or more (default "
                + "\(CountQuery.defaultMinimumCellSize))"
        case (.minimumCellSize, .refused):
            return "count by fewer dimensions, over another period or with a larger --min-cell"
        case (.organisationKey, .integrity): return "check --org-key"
        case (.exportFolder, .alreadyExists): return "choose another folder for --out"
        default: return nil
        }
    }
}
