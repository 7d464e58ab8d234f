import Foundation
import SodiumKit

/// A partner organisation cases can be referred to: its name, the services it offers and,
/// optionally, its X25519 public key for sealed referral packets. Partner records are signed
/// by an admin with the vault's root key.
public struct Partner: Hashable, Sendable {
    /// The partner's short handle, used to name it in commands and referral records
    /// (`safe-exit`: letters, digits, `.`, `-` and `_`).
    public let name: String
    /// Its full name as the organisation is known to the team ("Safe Exit Foundation"), which may
    /// hold spaces; nil when the handle is all the name it has (every partner of 0.4.0).
    public let displayName: String?
    /// The services it offers.
    public let services: [Need]
    /// Its X25519 public key, if it receives referral packets.
    public let publicKey: [UInt8]?

    /// Creates a partner record.
    public init(name: String, displayName: String? = nil, services: [Need], publicKey: [UInt8]? = nil) {
        self.name = name
        self.displayName = displayName
        self.services = services
        self.publicKey = publicKey
    }

    /// The name to show people: the display name, or the handle.
    public var title: String { displayName ?? name }

    /// Checks a display name: 1 to 128 characters after trimming, no control characters.
    static func validate(displayName: String) throws {
        let trimmed = displayName.trimmingCharacters(in: .whitespaces)
        guard trimmed == displayName, (1...128).contains(displayName.count),
              !displayName.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw CaseVaultError(.invalidInput, "invalid partner display name '\(displayName)'",
                                 remedy: "use 1 to 128 characters without leading or trailing spaces or line breaks",
                                 subject: .partner(displayName))
        }
    }

    /// Parses the stored services list; a name that is no need is damage.
    static func services(stored: String) -> [Need]? {
        let names = stored.split(separator: ",")
        let needs = names.compactMap { Need(rawValue: String($0)) }
        return needs.count == names.count ? needs : nil
    }

    /// How the services are stored and signed: distinct, in vocabulary order, comma-separated.
    var storedServices: String { Array(Set(services)).sorted().map(\.rawValue).joined(separator: ",") }

    /// The signed bytes of a partner record. A record without a display name is signed as 0.4.0
    /// signed it; one with a display name under its own label, so the name can be neither added
    /// to nor removed from a signed record.
    static func message(vaultID: [UInt8], name: String, displayName: String? = nil, services: String,
                        publicKey: [UInt8]?) -> [UInt8] {
        guard let displayName else {
            return SignedMessage.make("partner", vaultID: vaultID,
                                      [Array(name.utf8), Array(services.utf8), publicKey ?? []])
        }
        return SignedMessage.make("partner-named", vaultID: vaultID,
                                  [Array(name.utf8), Array(displayName.utf8), Array(services.utf8), publicKey ?? []])
    }
}
