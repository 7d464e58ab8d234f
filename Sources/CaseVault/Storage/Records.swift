import Foundation
import GRDB

// The vault's rows as typed records, one per table. They hold bytes as stored — identifiers,
// ciphertexts, wrapped keys, signatures, public keys — and know nothing of keys or plaintext.
// Columns are named once, in each record's `Columns`; no other code spells a column.

/// The single `vault` row: format version, vault id, root public key, signed settings.
struct VaultRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "vault"
    enum Columns {
        static let id = Column("id")
        static let formatVersion = Column("format_version")
        static let vaultID = Column("vault_id")
        static let rootPublicKey = Column("root_public_key")
        static let settings = Column("settings")
        static let settingsSignature = Column("settings_signature")
    }

    var formatVersion: Int
    var vaultID: Data
    var rootPublicKey: Data
    var settings: Data
    var settingsSignature: Data

    init(formatVersion: Int, vaultID: Data, rootPublicKey: Data, settings: Data, settingsSignature: Data) {
        self.formatVersion = formatVersion
        self.vaultID = vaultID
        self.rootPublicKey = rootPublicKey
        self.settings = settings
        self.settingsSignature = settingsSignature
    }

    init(row: Row) throws {
        formatVersion = try row.decode(forColumn: Columns.formatVersion)
        vaultID = try row.decode(forColumn: Columns.vaultID)
        rootPublicKey = try row.decode(forColumn: Columns.rootPublicKey)
        settings = try row.decode(forColumn: Columns.settings)
        settingsSignature = try row.decode(forColumn: Columns.settingsSignature)
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.id] = 1
        container[Columns.formatVersion] = formatVersion
        container[Columns.vaultID] = vaultID
        container[Columns.rootPublicKey] = rootPublicKey
        container[Columns.settings] = settings
        container[Columns.settingsSignature] = settingsSignature
    }
}

/// A user: readable name and role, public keys, and the root-signed certificate.
struct UserRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "users"
    enum Columns {
        static let id = Column("id")
        static let name = Column("name")
        static let role = Column("role")
        static let boxPublicKey = Column("box_public_key")
        static let signPublicKey = Column("sign_public_key")
        static let certificate = Column("certificate")
    }

    var id: Data
    var name: String
    var role: String
    var boxPublicKey: Data
    var signPublicKey: Data
    var certificate: Data

    init(id: Data, name: String, role: String, boxPublicKey: Data, signPublicKey: Data, certificate: Data) {
        self.id = id
        self.name = name
        self.role = role
        self.boxPublicKey = boxPublicKey
        self.signPublicKey = signPublicKey
        self.certificate = certificate
    }

    init(row: Row) throws {
        id = try row.decode(forColumn: Columns.id)
        name = try row.decode(forColumn: Columns.name)
        role = try row.decode(forColumn: Columns.role)
        boxPublicKey = try row.decode(forColumn: Columns.boxPublicKey)
        signPublicKey = try row.decode(forColumn: Columns.signPublicKey)
        certificate = try row.decode(forColumn: Columns.certificate)
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.id] = id
        container[Columns.name] = name
        container[Columns.role] = role
        container[Columns.boxPublicKey] = boxPublicKey
        container[Columns.signPublicKey] = signPublicKey
        container[Columns.certificate] = certificate
    }
}

/// A keyslot: the Argon2id header in the clear, the bundle sealed under the derived key.
struct KeyslotRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "keyslots"
    enum Columns {
        static let userID = Column("user_id")
        static let slot = Column("slot")
        static let opsLimit = Column("ops_limit")
        static let memLimit = Column("mem_limit")
        static let salt = Column("salt")
        static let bundle = Column("bundle")
    }

    var userID: Data
    var slot: Int
    var opsLimit: Int64
    var memLimit: Int64
    var salt: Data
    var bundle: Data

    init(userID: Data, slot: Int, opsLimit: Int64, memLimit: Int64, salt: Data, bundle: Data) {
        self.userID = userID
        self.slot = slot
        self.opsLimit = opsLimit
        self.memLimit = memLimit
        self.salt = salt
        self.bundle = bundle
    }

    init(row: Row) throws {
        userID = try row.decode(forColumn: Columns.userID)
        slot = try row.decode(forColumn: Columns.slot)
        opsLimit = try row.decode(forColumn: Columns.opsLimit)
        memLimit = try row.decode(forColumn: Columns.memLimit)
        salt = try row.decode(forColumn: Columns.salt)
        bundle = try row.decode(forColumn: Columns.bundle)
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.userID] = userID
        container[Columns.slot] = slot
        container[Columns.opsLimit] = opsLimit
        container[Columns.memLimit] = memLimit
        container[Columns.salt] = salt
        container[Columns.bundle] = bundle
    }
}

/// A compartment's public key, signed by the root key.
struct CompartmentKeyRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "compartment_keys"
    enum Columns {
        static let name = Column("name")
        static let version = Column("version")
        static let boxPublicKey = Column("box_public_key")
        static let signature = Column("signature")
    }

    var name: String
    var version: Int64
    var boxPublicKey: Data
    var signature: Data

    init(name: String, version: Int64, boxPublicKey: Data, signature: Data) {
        self.name = name
        self.version = version
        self.boxPublicKey = boxPublicKey
        self.signature = signature
    }

    init(row: Row) throws {
        name = try row.decode(forColumn: Columns.name)
        version = try row.decode(forColumn: Columns.version)
        boxPublicKey = try row.decode(forColumn: Columns.boxPublicKey)
        signature = try row.decode(forColumn: Columns.signature)
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.name] = name
        container[Columns.version] = version
        container[Columns.boxPublicKey] = boxPublicKey
        container[Columns.signature] = signature
    }
}

/// A key granted to a user: the secret sealed to the user's X25519 key, signed by the root key.
struct GrantRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "grants"
    enum Columns {
        static let userID = Column("user_id")
        static let keyName = Column("key_name")
        static let version = Column("version")
        static let sealed = Column("sealed")
        static let signature = Column("signature")
    }

    var userID: Data
    var keyName: String
    var version: Int64
    var sealed: Data
    var signature: Data

    init(userID: Data, keyName: String, version: Int64, sealed: Data, signature: Data) {
        self.userID = userID
        self.keyName = keyName
        self.version = version
        self.sealed = sealed
        self.signature = signature
    }

    init(row: Row) throws {
        userID = try row.decode(forColumn: Columns.userID)
        keyName = try row.decode(forColumn: Columns.keyName)
        version = try row.decode(forColumn: Columns.version)
        sealed = try row.decode(forColumn: Columns.sealed)
        signature = try row.decode(forColumn: Columns.signature)
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.userID] = userID
        container[Columns.keyName] = keyName
        container[Columns.version] = version
        container[Columns.sealed] = sealed
        container[Columns.signature] = signature
    }
}

/// A case: its random id, record version, key versions, wrapped data keys, ciphertexts, the
/// truncated blind index of its contact, and its slot in the projection blocks.
struct CaseRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "cases"
    enum Columns {
        static let id = Column("id")
        static let version = Column("version")
        static let keyVersion = Column("key_version")
        static let dataKey = Column("data_key")
        static let content = Column("content")
        static let contactKey = Column("contact_key")
        static let contact = Column("contact")
        static let summary = Column("summary")
        static let statsKeyVersion = Column("stats_key_version")
        static let stats = Column("stats")
        static let indexVersion = Column("index_version")
        static let blindIndex = Column("blind_index")
        /// Added by the `v3-projections` migration; absent in a vault not yet migrated.
        static let slot = Column("slot")
    }

    var id: Data
    var version: Int64
    var keyVersion: Int64
    var dataKey: Data
    var content: Data
    var contactKey: Data?
    var contact: Data?
    var summary: Data
    var statsKeyVersion: Int64
    var stats: Data
    var indexVersion: Int64?
    var blindIndex: Data?
    var slot: Int64?

    init(id: Data, version: Int64, keyVersion: Int64, dataKey: Data, content: Data, contactKey: Data?,
         contact: Data?, summary: Data, statsKeyVersion: Int64, stats: Data, indexVersion: Int64?,
         blindIndex: Data?, slot: Int64?) {
        self.id = id
        self.version = version
        self.keyVersion = keyVersion
        self.dataKey = dataKey
        self.content = content
        self.contactKey = contactKey
        self.contact = contact
        self.summary = summary
        self.statsKeyVersion = statsKeyVersion
        self.stats = stats
        self.indexVersion = indexVersion
        self.blindIndex = blindIndex
        self.slot = slot
    }

    init(row: Row) throws {
        id = try row.decode(forColumn: Columns.id)
        version = try row.decode(forColumn: Columns.version)
        keyVersion = try row.decode(forColumn: Columns.keyVersion)
        dataKey = try row.decode(forColumn: Columns.dataKey)
        content = try row.decode(forColumn: Columns.content)
        contactKey = try row.decode(forColumn: Columns.contactKey)
        contact = try row.decode(forColumn: Columns.contact)
        summary = try row.decode(forColumn: Columns.summary)
        statsKeyVersion = try row.decode(forColumn: Columns.statsKeyVersion)
        stats = try row.decode(forColumn: Columns.stats)
        indexVersion = try row.decode(forColumn: Columns.indexVersion)
        blindIndex = try row.decode(forColumn: Columns.blindIndex)
        slot = try row.decode(forColumn: Columns.slot)  // nil before the migration adds the column
    }

    /// The insert statement of ``Store/insert(_:)-(CaseRow)``, its columns in this order.
    static let insertSQL: String = {
        let columns = [Columns.id, Columns.version, Columns.keyVersion, Columns.dataKey, Columns.content,
                       Columns.contactKey, Columns.contact, Columns.summary, Columns.statsKeyVersion, Columns.stats,
                       Columns.indexVersion, Columns.blindIndex, Columns.slot].map(\.name)
        return "INSERT INTO \(databaseTableName) (\(columns.joined(separator: ", "))) VALUES ("
            + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
    }()

    func encode(to container: inout PersistenceContainer) {
        container[Columns.id] = id
        container[Columns.version] = version
        container[Columns.keyVersion] = keyVersion
        container[Columns.dataKey] = dataKey
        container[Columns.content] = content
        container[Columns.contactKey] = contactKey
        container[Columns.contact] = contact
        container[Columns.summary] = summary
        container[Columns.statsKeyVersion] = statsKeyVersion
        container[Columns.stats] = stats
        container[Columns.indexVersion] = indexVersion
        container[Columns.blindIndex] = blindIndex
        container[Columns.slot] = slot
    }
}

/// One entry of a case's history after creation: a note or a transition, signed inside.
struct CaseEntryRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "case_entries"
    enum Columns {
        static let caseID = Column("case_id")
        static let version = Column("version")
        static let sealedKey = Column("sealed_key")
        static let body = Column("body")
    }

    var caseID: Data
    var version: Int64
    var sealedKey: Data?
    var body: Data

    init(caseID: Data, version: Int64, sealedKey: Data?, body: Data) {
        self.caseID = caseID
        self.version = version
        self.sealedKey = sealedKey
        self.body = body
    }

    init(row: Row) throws {
        caseID = try row.decode(forColumn: Columns.caseID)
        version = try row.decode(forColumn: Columns.version)
        sealedKey = try row.decode(forColumn: Columns.sealedKey)
        body = try row.decode(forColumn: Columns.body)
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.caseID] = caseID
        container[Columns.version] = version
        container[Columns.sealedKey] = sealedKey
        container[Columns.body] = body
    }
}

/// A partner organisation, signed by the root key.
struct PartnerRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "partners"
    enum Columns {
        static let name = Column("name")
        static let services = Column("services")
        static let boxPublicKey = Column("box_public_key")
        static let signature = Column("signature")
    }

    var name: String
    var services: String
    var boxPublicKey: Data?
    var signature: Data

    init(name: String, services: String, boxPublicKey: Data?, signature: Data) {
        self.name = name
        self.services = services
        self.boxPublicKey = boxPublicKey
        self.signature = signature
    }

    init(row: Row) throws {
        name = try row.decode(forColumn: Columns.name)
        services = try row.decode(forColumn: Columns.services)
        boxPublicKey = try row.decode(forColumn: Columns.boxPublicKey)
        signature = try row.decode(forColumn: Columns.signature)
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.name] = name
        container[Columns.services] = services
        container[Columns.boxPublicKey] = boxPublicKey
        container[Columns.signature] = signature
    }
}

/// One audit log entry: chained, signed, with its body sealed to the audit compartment.
struct AuditEntryRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "audit_log"
    enum Columns {
        static let seq = Column("seq")
        static let previousHash = Column("previous_hash")
        static let actor = Column("actor")
        static let contentHash = Column("content_hash")
        static let body = Column("body")
        static let signature = Column("signature")
    }

    var seq: Int64
    var previousHash: Data
    var actor: Data
    var contentHash: Data
    var body: Data
    var signature: Data

    init(seq: Int64, previousHash: Data, actor: Data, contentHash: Data, body: Data, signature: Data) {
        self.seq = seq
        self.previousHash = previousHash
        self.actor = actor
        self.contentHash = contentHash
        self.body = body
        self.signature = signature
    }

    init(row: Row) throws {
        seq = try row.decode(forColumn: Columns.seq)
        previousHash = try row.decode(forColumn: Columns.previousHash)
        actor = try row.decode(forColumn: Columns.actor)
        contentHash = try row.decode(forColumn: Columns.contentHash)
        body = try row.decode(forColumn: Columns.body)
        signature = try row.decode(forColumn: Columns.signature)
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.seq] = seq
        container[Columns.previousHash] = previousHash
        container[Columns.actor] = actor
        container[Columns.contentHash] = contentHash
        container[Columns.body] = body
        container[Columns.signature] = signature
    }
}

/// One packed projection block: a fixed number of case slots, one ciphertext.
struct ProjectionBlockRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "projection_blocks"
    enum Columns {
        static let kind = Column("kind")
        static let number = Column("number")
        static let version = Column("version")
        static let keyVersion = Column("key_version")
        static let body = Column("body")
    }

    var kind: Int
    var number: Int64
    var version: Int64
    var keyVersion: Int64
    var body: Data

    init(kind: Int, number: Int64, version: Int64, keyVersion: Int64, body: Data) {
        self.kind = kind
        self.number = number
        self.version = version
        self.keyVersion = keyVersion
        self.body = body
    }

    init(row: Row) throws {
        kind = try row.decode(forColumn: Columns.kind)
        number = try row.decode(forColumn: Columns.number)
        version = try row.decode(forColumn: Columns.version)
        keyVersion = try row.decode(forColumn: Columns.keyVersion)
        body = try row.decode(forColumn: Columns.body)
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.kind] = kind
        container[Columns.number] = number
        container[Columns.version] = version
        container[Columns.keyVersion] = keyVersion
        container[Columns.body] = body
    }
}

/// The projections' bookkeeping: present once they are built; the next free slot.
struct ProjectionStateRow: FetchableRecord, PersistableRecord {
    static let databaseTableName = "projections"
    enum Columns {
        static let id = Column("id")
        static let blockCapacity = Column("block_capacity")
        static let nextSlot = Column("next_slot")
    }

    var blockCapacity: Int
    var nextSlot: Int64

    init(blockCapacity: Int, nextSlot: Int64) {
        self.blockCapacity = blockCapacity
        self.nextSlot = nextSlot
    }

    init(row: Row) throws {
        blockCapacity = try row.decode(forColumn: Columns.blockCapacity)
        nextSlot = try row.decode(forColumn: Columns.nextSlot)
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.id] = 1
        container[Columns.blockCapacity] = blockCapacity
        container[Columns.nextSlot] = nextSlot
    }
}
