/// The names of keys an admin grants to users: the four compartments, the blind-index key and
/// the vault root signing key.
enum KeyName: String, CaseIterable, Sendable {
    case intake, legal, stats, audit, index, root

    var compartment: Compartment? { Compartment(rawValue: rawValue) }

    /// The key of a compartment.
    init(_ compartment: Compartment) {
        switch compartment {
        case .intake: self = .intake
        case .legal: self = .legal
        case .stats: self = .stats
        case .audit: self = .audit
        }
    }
}

extension Role {
    /// The keys a user of this role is granted.
    var grantedKeys: [KeyName] {
        switch self {
        case .coordinator: [.intake, .stats, .index]
        case .lawyer: [.intake, .legal, .stats, .index]
        case .auditor: [.stats]
        case .admin: [.intake, .legal, .stats, .audit, .index, .root]
        }
    }
}
