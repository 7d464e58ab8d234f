import Foundation
import SodiumKit

/// A partner organisation cases can be referred to: its name, the services it offers and,
/// optionally, its X25519 public key for sealed referral packets. Partner records are signed
/// by an admin with the vault's root key.
public struct Partner: Hashable, Sendable {
    /// The partner's name (as the organisation is known to the team).
    public let name: String
    /// The services it offers.
    public let services: [Need]
    /// Its X25519 public key, if it receives referral packets.
    public let publicKey: [UInt8]?

    /// Creates a partner record.
    public init(name: String, services: [Need], publicKey: [UInt8]? = nil) {
        self.name = name
        self.services = services
        self.publicKey = publicKey
    }

    /// Parses the stored services list; a name that is no need is damage.
    static func services(stored: String) -> [Need]? {
        let names = stored.split(separator: ",")
        let needs = names.compactMap { Need(rawValue: String($0)) }
        return needs.count == names.count ? needs : nil
    }

    /// How the services are stored and signed: distinct, in vocabulary order, comma-separated.
    var storedServices: String { Array(Set(services)).sorted().map(\.rawValue).joined(separator: ",") }

    static func message(vaultID: [UInt8], name: String, services: String, publicKey: [UInt8]?) -> [UInt8] {
        SignedMessage.make("partner", vaultID: vaultID, [Array(name.utf8), Array(services.utf8), publicKey ?? []])
    }
}
