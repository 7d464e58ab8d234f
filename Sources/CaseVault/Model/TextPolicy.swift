import Foundation

/// A kind of identifying detail found in free text.
public enum IdentifyingDetail: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case phoneNumber = "phone number"
    case emailAddress = "e-mail address"
    case passportNumber = "passport number"
    case militaryID = "military-ID number"
    case unitNumber = "military unit number"

    public var description: String { rawValue }
}

/// What the free-text check found in one field.
public struct TextFinding: Hashable, Sendable, CustomStringConvertible {
    /// The field checked (`narrative`, `note`).
    public let field: String
    /// The kinds of identifying detail found.
    public let details: [IdentifyingDetail]

    public var description: String {
        "\(field) seems to contain a \(details.map(\.rawValue).joined(separator: ", ")); "
            + "cases are pseudonymous, so consider removing it"
    }
}

/// Looks for details that identify a person in free text: phone numbers, e-mail addresses,
/// passport and military-ID numbers, military unit numbers.
///
/// It is a safety net for writers, not a guarantee: it cannot recognise a name or a story.
enum TextPolicy {
    private static let sources: [(IdentifyingDetail, String)] = [
        (.emailAddress, #"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"#),
        (.militaryID, #"(?i)\b[А-ЯA-Z]{2}\s?(?:№\s?)?\d{7}\b"#),
        (.unitNumber, #"(?i)(?:в/ч|в\.ч\.|войсков\w* част\w*|military unit|unit no\.?|unit)\s*№?\s*\d{4,5}\b"#),
        (.passportNumber, #"(?<!\d)\d{2}\s?\d{2}\s?№?\s?\d{6}(?!\d)"#),
        (.phoneNumber, #"(?<![\w\d])\+?\d[\d\s\-().]{8,}\d(?!\d)"#),
    ]
    // Constant patterns, compiled once; a test exercises each of them.
    private static let patterns: [(IdentifyingDetail, NSRegularExpression)] = sources.map {
        ($0.0, try! NSRegularExpression(pattern: $0.1))
    }

    static func findings(in text: String, field: String) -> TextFinding? {
        let range = NSRange(text.startIndex..., in: text)
        var found: [IdentifyingDetail] = []
        var claimed: [NSRange] = []
        for (detail, regex) in patterns {
            let matches = regex.matches(in: text, range: range).filter { match in
                !claimed.contains { NSIntersectionRange($0, match.range).length > 0 }
            }
            if !matches.isEmpty {
                found.append(detail)
                claimed.append(contentsOf: matches.map(\.range))
            }
        }
        return found.isEmpty ? nil : TextFinding(field: field, details: found)
    }

    /// Returns the warning for `text`, or throws when the vault's policy is strict.
    static func check(_ text: String?, field: String, strict: Bool) throws -> TextFinding? {
        guard let text, let finding = findings(in: text, field: field) else { return nil }
        if strict {
            throw CaseVaultError(.identifyingText,
                                 "the \(field) contains a \(finding.details.map(\.rawValue).joined(separator: ", ")) "
                                 + "and this vault's text policy is strict; remove it and try again")
        }
        return finding
    }
}
