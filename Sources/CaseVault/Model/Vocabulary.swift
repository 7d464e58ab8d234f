import Foundation

/// A vocabulary value: a closed set of spellings shared by the CLI, JSON and exports.
public protocol VocabularyValue: CaseIterable, Hashable, Sendable, Codable, CustomStringConvertible,
    RawRepresentable where RawValue == String {}

extension VocabularyValue {
    /// The CLI and JSON spelling.
    public var description: String { rawValue }

    /// Parses a spelling, throwing a usage-level error that lists the accepted values.
    ///
    /// - Throws: ``CaseVaultError`` with code `invalidInput`.
    public static func parse(_ text: String, field: String) throws -> Self {
        let lowered = text.lowercased()
        guard let value = Self(rawValue: lowered) else {
            let accepted = allCases.map(\.rawValue).joined(separator: ", ")
            throw CaseVaultError(.invalidInput, "unknown \(field) '\(text)'; use one of: \(accepted)")
        }
        return value
    }

    /// Parses a comma-separated list of spellings (`legal,exit`), in the order given.
    ///
    /// - Throws: ``CaseVaultError`` with code `invalidInput` for an empty list or an unknown value.
    public static func parseList(_ text: String, field: String) throws -> [Self] {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !parts.isEmpty else {
            let accepted = allCases.map(\.rawValue).joined(separator: ", ")
            throw CaseVaultError(.invalidInput, "give at least one \(field); use one or more of: \(accepted)")
        }
        return try parts.map { try parse($0, field: field) }
    }

    /// The value's position in the vocabulary's order (how lists and export categories are ordered).
    /// It is never stored: stored codes are fixed in ``StoredCodes``.
    var ordinal: Int { Array(Self.allCases).firstIndex(of: self)! }  // every value is in allCases
}

/// A vocabulary value stored as one byte, with its code fixed in ``StoredCodes``.
protocol StoredVocabulary: VocabularyValue {
    static var storedCodes: CodeTable<Self> { get }
}

extension StoredVocabulary {
    /// The byte stored for this value.
    var code: UInt8 { Self.storedCodes.code(of: self) }

    /// The value's position in the vocabulary's order, from a table (not a search of `allCases`).
    var ordinal: Int { Self.storedCodes.ordinal(of: self) }

    /// The value stored as `code`; a code no value has is damage (`RecordDecodingError`).
    static func decode(_ code: UInt8) throws -> Self { try storedCodes.value(of: code) }
}

/// How a request reached the organisation.
public enum Channel: String, StoredVocabulary {
    case messenger, email, phone
    case inPerson = "in-person"
    case partner
}

/// The requester's service category.
public enum ServiceCategory: String, StoredVocabulary {
    case mobilized, contract, conscript, volunteer, unknown
}

/// Where the requester is now.
public enum Situation: String, StoredVocabulary {
    case front, hospital, leave, awol, abroad, other
}

/// What the requester needs; a request names one or more.
public enum Need: String, StoredVocabulary, Comparable {
    case legal, exit, documents, medical, psychological, other

    public static func < (lhs: Need, rhs: Need) -> Bool { lhs.ordinal < rhs.ordinal }
}

/// How urgent a request is; listings put the most urgent first.
public enum Urgency: String, StoredVocabulary, Comparable {
    case critical, high, normal

    public static func < (lhs: Urgency, rhs: Urgency) -> Bool { lhs.ordinal < rhs.ordinal }
}

/// Where a case stands in the workflow.
public enum CaseState: String, StoredVocabulary {
    case intake
    case awaitingReview = "awaiting-review"
    case inReview = "in-review"
    case needsInfo = "needs-info"
    case referred, closed
}

/// How a case ended; `open` while it has not.
public enum Outcome: String, StoredVocabulary {
    case open, advised
    case referralCompleted = "referral-completed"
    case withdrawn
    case lostContact = "lost-contact"
    case duplicate
    case outOfScope = "out-of-scope"
}

/// A user's role, certified by an admin's signature; it decides which keys the user holds.
public enum Role: String, StoredVocabulary {
    case coordinator, lawyer, auditor, admin
}

/// A set of needs stored as a bit mask.
extension Set where Element == Need {
    /// The bits of every need in the table.
    static let validMask: UInt8 = Need.allCases.reduce(0) { $0 | (1 << $1.code) }

    var mask: UInt8 { reduce(0) { $0 | (1 << $1.code) } }

    init(mask: UInt8) throws {
        guard mask & ~Set<Need>.validMask == 0 else { throw RecordDecodingError() }
        self.init(minimumCapacity: Need.allCases.count)
        for need in Need.allCases where mask & (1 << need.code) != 0 { insert(need) }
    }
}

/// A compartment: one versioned symmetric key and one X25519 key pair, deciding who reads what.
///
/// | compartment | read | write |
/// |---|---|---|
/// | intake | coordinator, lawyer, admin | same |
/// | legal | lawyer, admin | anyone with the case (sealed to the legal public key) |
/// | stats | every role | coordinator, lawyer, admin |
/// | audit | admin | everyone (sealed to the audit public key) |
public enum Compartment: String, StoredVocabulary {
    case intake, legal, stats, audit
}

/// An event that moves a case through the workflow.
public enum WorkflowEvent: String, StoredVocabulary {
    case submit
    case beginReview = "begin-review"
    case requestInfo = "request-info"
    case refer
    case referralAccepted = "referral-accepted"
    case referralDeclined = "referral-declined"
    case reassign, close, reopen
}

/// A field of a case that a lawyer may put in a referral packet.
public enum PacketField: String, StoredVocabulary {
    case received, channel, region, district, service, situation, needs, urgency, deadline, contact, narrative
}
