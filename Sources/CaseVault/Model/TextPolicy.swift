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
        "\(field) seems to contain \(English.list(details.map { English.withArticle($0.rawValue) })); "
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
    // Constant patterns, compiled once; a test exercises each of them. A pattern that does not
    // compile is a programming error in this file, never something read from a vault.
    private static let patterns: [(IdentifyingDetail, NSRegularExpression)] = sources.map { detail, pattern in
        do { return (detail, try NSRegularExpression(pattern: pattern)) } catch {
            preconditionFailure("the \(detail) pattern does not compile")
        }
    }

    /// - Parameter prefilter: skip patterns that cannot match (always, but for the test that
    ///   checks skipping changes nothing).
    static func findings(in text: String, field: String, prefilter: Bool = true) -> TextFinding? {
        let shape = DigitShape(text)
        let range = NSRange(text.startIndex..., in: text)
        var found: [IdentifyingDetail] = []
        var claimed: [NSRange] = []
        for (detail, regex) in patterns where !prefilter || shape.allows(detail) {
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

    /// What each pattern needs at the least, counted in one pass, so that patterns which cannot
    /// match are not run: most narratives hold no `@` and few digits, and the regular
    /// expressions cost far more than this scan. `\d` in the patterns is any Unicode decimal
    /// digit, and so is a digit here.
    struct DigitShape {
        var hasAt = false
        var digits = 0
        var longestRun = 0

        init(_ text: String) {
            var run = 0
            for scalar in text.unicodeScalars {
                // Looking up Unicode properties is slow. Below U+0660 (ASCII, Latin, Greek,
                // Cyrillic: most of any narrative) the only decimal digits are 0-9.
                let isDigit = scalar.value < 0x660 ? (0x30...0x39).contains(scalar.value)
                    : scalar.properties.numericType == .decimal
                if isDigit {
                    digits += 1
                    run += 1
                    longestRun = max(longestRun, run)
                } else {
                    run = 0
                    if scalar == "@" { hasAt = true }
                }
            }
        }

        func allows(_ detail: IdentifyingDetail) -> Bool {
            switch detail {
            case .emailAddress: hasAt
            case .militaryID: longestRun >= 7
            case .unitNumber: longestRun >= 4
            case .passportNumber: longestRun >= 6 && digits >= 10
            case .phoneNumber: digits >= 2
            }
        }
    }

    /// Returns the warning for `text`, or throws when the vault's policy is strict.
    static func check(_ text: String?, field: String, strict: Bool) throws -> TextFinding? {
        guard let text, let finding = findings(in: text, field: field) else { return nil }
        if strict {
            throw CaseVaultError(.identifyingText,
                                 "the \(field) contains \(English.list(finding.details.map { English.withArticle($0.rawValue) })) "
                                 + "and this vault's text policy is strict; remove it and try again")
        }
        return finding
    }
}
