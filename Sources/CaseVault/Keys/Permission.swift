/// What a session may be asked to do, and which roles may do it: the one table both the
/// library's checks and a front end's early refusals (before any passphrase prompt) read.
///
/// Roles are enforced by keys (an auditor holds no intake key); this table adds a clear refusal
/// in front of the missing key.
public enum Permission: String, Sendable, CaseIterable {
    case logRequests, importRequests, listCases, readCases, lookUpContacts, writeNotes, fireEvents
    case addPartners, writeReferralPackets, changeSettings, addUsers

    /// The roles that may do it.
    public var roles: Set<Role> {
        switch self {
        case .logRequests, .importRequests, .listCases, .readCases, .lookUpContacts, .writeNotes, .fireEvents:
            [.coordinator, .lawyer, .admin]
        case .writeReferralPackets: [.lawyer, .admin]
        case .addPartners, .changeSettings, .addUsers: [.admin]
        }
    }

    /// What it is, as a verb phrase for messages ("list cases").
    public var action: String {
        switch self {
        case .logRequests: "log requests"
        case .importRequests: "import requests"
        case .listCases: "list cases (auditors export counts instead)"
        case .readCases: "read cases (auditors export counts instead)"
        case .lookUpContacts: "look up contacts"
        case .writeNotes: "write notes"
        case .fireEvents: "fire workflow events"
        case .addPartners: "add partners"
        case .writeReferralPackets: "write referral packets"
        case .changeSettings: "change vault settings"
        case .addUsers: "add users"
        }
    }
}
