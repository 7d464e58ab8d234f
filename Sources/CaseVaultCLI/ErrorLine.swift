import CaseVault
import Foundation

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

    /// One line for a usage error as ArgumentParser words it, without the `casevault: ` prefix.
    ///
    /// ArgumentParser lists allowed values on further lines; they are folded into the one line.
    /// "The value 'X' is invalid for '--opt <v>'" followed by a library message (from `parsed`,
    /// which names the value already) keeps the library's message alone; followed by its own list
    /// of allowed values it becomes "unknown --opt value 'X'; use one of: ...", as the library says it.
    static func usageLine(_ message: String) -> String {
        let parts = message.split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .map { $0.hasPrefix("- ") ? String($0.dropFirst(2)) : $0 }
            .filter { !$0.isEmpty }
        var head = parts.first ?? "invalid arguments"
        var list = parts.dropFirst().joined(separator: ", ")
        if head.hasPrefix("The value '"), let forRange = head.range(of: "' is invalid for '"),
           let end = head.range(of: "'", range: forRange.upperBound..<head.endIndex) {
            let value = head[head.index(head.startIndex, offsetBy: 11)..<forRange.lowerBound]
            let target = head[forRange.upperBound..<end.lowerBound].split(separator: " ").first ?? ""
            let rest = head[end.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: ":. "))
            if rest.hasPrefix("Please provide one of") {
                // "... one of the following:" + lines, or "... one of 'a', 'b' or 'c'" inline.
                var inline = String(rest.dropFirst("Please provide one of".count))
                if inline.hasPrefix(" the following") { inline = String(inline.dropFirst(" the following".count)) }
                inline = inline.replacingOccurrences(of: "'", with: "").replacingOccurrences(of: " or ", with: ", ")
                    .trimmingCharacters(in: CharacterSet(charactersIn: ": "))
                list = [inline, list].filter { !$0.isEmpty }.joined(separator: ", ")
                head = "unknown \(target) value '\(value)'; use one of:"
            } else if !rest.isEmpty {
                head = rest
            }
        }
        let line = list.isEmpty ? head : "\(head) \(list)"
        return line.prefix(1).lowercased() + line.dropFirst() + " (see --help)"
    }
}
