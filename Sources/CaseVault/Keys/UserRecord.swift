import Foundation
import SodiumKit

/// A vault user as listed: the name (readable, so it can be found before unlock: use a
/// pseudonym) and the role an admin certified.
public struct UserInfo: Hashable, Sendable {
    /// The user's name.
    public let name: String
    /// The certified role.
    public let role: Role
}

/// A user row with its admin-signed certificate.
struct UserRecord: Equatable {
    let id: UserID
    let name: String
    let role: Role
    let boxPublicKey: [UInt8]
    let signPublicKey: [UInt8]
    let certificate: [UInt8]

    static func certificateMessage(vaultID: [UInt8], id: UserID, name: String, role: Role, boxPublicKey: [UInt8],
                                   signPublicKey: [UInt8]) -> [UInt8] {
        SignedMessage.make("user", vaultID: vaultID,
                           [id.bytes, Array(name.utf8), Array(role.rawValue.utf8), boxPublicKey, signPublicKey])
    }

    /// Whether the certificate is a valid root signature over exactly this record.
    func isCertified(vaultID: [UInt8], rootPublicKey: [UInt8]) -> Bool {
        Ed25519.isValid(signature: certificate,
                        message: UserRecord.certificateMessage(vaultID: vaultID, id: id, name: name, role: role,
                                                               boxPublicKey: boxPublicKey, signPublicKey: signPublicKey),
                        publicKey: rootPublicKey)
    }

    init(id: UserID, name: String, role: Role, boxPublicKey: [UInt8], signPublicKey: [UInt8], certificate: [UInt8]) {
        self.id = id
        self.name = name
        self.role = role
        self.boxPublicKey = boxPublicKey
        self.signPublicKey = signPublicKey
        self.certificate = certificate
    }

    init(row: UserRow) throws {
        guard let role = Role(rawValue: row.role) else {
            throw CaseVaultError(.integrity, "a user record has an unknown role; the vault file is damaged")
        }
        self.init(id: UserID(bytes: [UInt8](row.id)), name: row.name, role: role, boxPublicKey: [UInt8](row.boxPublicKey),
                  signPublicKey: [UInt8](row.signPublicKey), certificate: [UInt8](row.certificate))
    }

    var row: UserRow {
        UserRow(id: Data(id.bytes), name: name, role: role.rawValue, boxPublicKey: Data(boxPublicKey),
                signPublicKey: Data(signPublicKey), certificate: Data(certificate))
    }

    static func fetch(_ store: Store, name: String) throws -> UserRecord? {
        try store.user(named: name).map(UserRecord.init(row:))
    }

    static func fetchAll(_ store: Store) throws -> [UserRecord] {
        try store.users().map(UserRecord.init(row:))
    }

    /// Checks a proposed user (or partner) name: 1 to 64 letters, digits, `.`, `-` or `_`.
    static func validate(name: String, what: String = "user name") throws {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-_"))
        guard (1...64).contains(name.count), name.unicodeScalars.allSatisfy(allowed.contains) else {
            let hint = what == "user name" ? " (a pseudonym)" : ""
            throw CaseVaultError(.invalidInput,
                                 "invalid \(what) '\(name)'; use 1 to 64 letters, digits, '.', '-' or '_'\(hint)")
        }
    }
}

/// Creates users: key pairs, certificate, keyslot(s) and key grants, all signed by the root key.
struct UserProvisioning {
    let vaultID: [UInt8]
    let root: SigningKeyPair

    /// Creates the user; returns their record and their new key pairs.
    func create(_ store: Store, name: String, role: Role, passphrase: SecureBytes, profile: KDFProfile,
                grants: [(KeyName, UInt32, SecureBytes)],
                recoveryCode: RecoveryCode? = nil) throws -> (record: UserRecord, box: BoxKeyPair, signing: SigningKeyPair) {
        try UserRecord.validate(name: name)
        guard try UserRecord.fetch(store, name: name) == nil else {
            throw CaseVaultError(.alreadyExists, "a user named \(name) already exists; choose another name")
        }
        let id = UserID(bytes: Random.bytes(count: 16))
        let boxSeed = SecureBytes.random(count: BoxKeyPair.seedLength)
        let signSeed = SecureBytes.random(count: SigningKeyPair.seedLength)
        let box = BoxKeyPair(seed: boxSeed)
        let signing = SigningKeyPair(seed: signSeed)
        let certificate = root.sign(UserRecord.certificateMessage(
            vaultID: vaultID, id: id, name: name, role: role, boxPublicKey: box.publicKey,
            signPublicKey: signing.publicKey))
        let record = UserRecord(id: id, name: name, role: role, boxPublicKey: box.publicKey,
                                signPublicKey: signing.publicKey, certificate: certificate)
        try store.insert(record.row)

        let bundle = SecureBytes(concatenating: [SecureBytes(copying: [Keyslot.bundleVersion]), boxSeed, signSeed,
                                                 SecureBytes(copying: root.publicKey)])
        try store.save(Keyslot.seal(bundle: bundle, vaultID: vaultID, userID: id, kind: .passphrase,
                                    passphrase: passphrase, profile: profile).row)
        if let recoveryCode {
            try store.save(Keyslot.seal(bundle: bundle, vaultID: vaultID, userID: id, kind: .recovery,
                                        passphrase: recoveryCode.secret, profile: profile).row)
        }
        for (name, version, secret) in grants {
            try grant(store, name, version: version, secret: secret, to: record)
        }
        return (record, box, signing)
    }

    func grant(_ store: Store, _ name: KeyName, version: UInt32, secret: SecureBytes, to user: UserRecord) throws {
        let sealed = try SealedBox.seal(secret: secret, to: user.boxPublicKey)
        let signature = root.sign(Grant.message(vaultID: vaultID, userID: user.id, name: name, version: version,
                                                sealed: sealed))
        try store.insert(GrantRow(userID: Data(user.id.bytes), keyName: name.rawValue, version: Int64(version),
                                  sealed: Data(sealed), signature: Data(signature)))
    }
}

/// A key granted to a user: the secret sealed to their X25519 key, signed by the root key.
enum Grant {
    static func message(vaultID: [UInt8], userID: UserID, name: KeyName, version: UInt32, sealed: [UInt8]) -> [UInt8] {
        SignedMessage.make("grant", vaultID: vaultID,
                           [userID.bytes, Array(name.rawValue.utf8), AssociatedData.bigEndian32(version),
                            GenericHash.hash(sealed)])
    }
}

/// A compartment's public key record, signed by the root key.
enum CompartmentPublicKey {
    static func message(vaultID: [UInt8], compartment: Compartment, version: UInt32, key: [UInt8]) -> [UInt8] {
        SignedMessage.make("compartment-key", vaultID: vaultID,
                           [Array(compartment.rawValue.utf8), AssociatedData.bigEndian32(version), key])
    }
}
