import SodiumKit

/// A compartment's keys as held by a session: the symmetric key and the X25519 key pair,
/// both derived from the granted compartment secret.
struct CompartmentKey {
    let version: UInt32
    let symmetric: SecureBytes
    let box: BoxKeyPair

    init(version: UInt32, secret: SecureBytes) {
        self.version = version
        symmetric = KeyDerivation.deriveSubkey(from: secret, id: 1, context: "cvcompar")
        box = BoxKeyPair(seed: KeyDerivation.deriveSubkey(from: secret, id: 2, context: "cvcompar"))
    }
}

/// Everything an unlocked user holds: their own key pairs, the pinned root key, and the keys
/// granted to them. Long-lived secrets sit in `sodium_malloc` memory and are freed with the
/// ring; per-case keys only ever pass through the ring's reusable scratch buffers.
final class KeyRing {
    let vaultID: [UInt8]
    let userID: UserID
    let box: BoxKeyPair
    let signing: SigningKeyPair
    let rootPublicKey: [UInt8]

    /// The raw granted secrets by name, kept so an admin can grant them onwards.
    private(set) var secrets: [KeyName: (version: UInt32, secret: SecureBytes)] = [:]
    private(set) var compartments: [Compartment: CompartmentKey] = [:]
    private(set) var publicKeys: [Compartment: (version: UInt32, key: [UInt8])] = [:]
    private(set) var indexKey: (version: UInt32, key: SecureBytes)?
    private(set) var root: SigningKeyPair?

    /// Scratch buffers for per-case keys: the content data key, the contact key, a note key.
    let dataKey = SecureBytes(count: 32)
    let contactKey = SecureBytes(count: 32)
    let noteKey = SecureBytes(count: 32)

    init(vaultID: [UInt8], userID: UserID, box: BoxKeyPair, signing: SigningKeyPair, rootPublicKey: [UInt8]) {
        self.vaultID = vaultID
        self.userID = userID
        self.box = box
        self.signing = signing
        self.rootPublicKey = rootPublicKey
    }

    func install(_ name: KeyName, version: UInt32, secret: SecureBytes) {
        if let held = secrets[name], held.version > version { return }
        secrets[name] = (version, secret)
        switch name {
        case .root: root = SigningKeyPair(seed: secret)
        case .index: indexKey = (version, KeyDerivation.deriveSubkey(from: secret, id: 1, context: "cvblindx"))
        default:
            // KeyName's other cases are exactly the compartments.
            compartments[name.compartment!] = CompartmentKey(version: version, secret: secret)
        }
    }

    func installPublicKey(_ compartment: Compartment, version: UInt32, key: [UInt8]) {
        if let held = publicKeys[compartment], held.version > version { return }
        publicKeys[compartment] = (version, key)
    }

    /// Drops a key from the session, as if it had never been granted.
    func remove(_ name: KeyName) {
        secrets[name] = nil
        switch name {
        case .root: root = nil
        case .index: indexKey = nil
        default: compartments[name.compartment!] = nil
        }
    }

    func compartment(_ compartment: Compartment, for action: String) throws -> CompartmentKey {
        guard let key = compartments[compartment] else { throw CaseVaultError.missingKey(compartment.rawValue, for: action) }
        return key
    }

    func publicKey(_ compartment: Compartment) throws -> (version: UInt32, key: [UInt8]) {
        guard let key = publicKeys[compartment] else {
            throw CaseVaultError(.integrity, "the vault has no signed \(compartment) public key; the file is damaged")
        }
        return key
    }

    func rootKey(for action: String) throws -> SigningKeyPair {
        guard let root else { throw CaseVaultError.missingKey("vault root signing", for: action) }
        return root
    }
}
