import Foundation
import GRDB

// The vault's rows as typed records, one per table. They hold bytes as stored — identifiers,
// ciphertexts, wrapped keys, signatures, public keys — and know nothing of keys or plaintext.
// Columns are named once, in each record's `CodingKeys`, and reached through its `Columns`;
// no other code spells a column.

/// The single `vault` row: format version, vault id, root public key, signed settings.
struct VaultRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "vault"

    var formatVersion: Int
    var vaultID: Data
    var rootPublicKey: Data
    var settings: Data
    var settingsSignature: Data
    /// The table has one row.
    var id: Int64 = 1

    enum CodingKeys: String, CodingKey {
        case id
        case formatVersion = "format_version"
        case vaultID = "vault_id"
        case rootPublicKey = "root_public_key"
        case settings
        case settingsSignature = "settings_signature"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let formatVersion = Column(CodingKeys.formatVersion)
        static let vaultID = Column(CodingKeys.vaultID)
        static let rootPublicKey = Column(CodingKeys.rootPublicKey)
        static let settings = Column(CodingKeys.settings)
        static let settingsSignature = Column(CodingKeys.settingsSignature)
    }
}

/// A user: readable name and role, public keys, and the root-signed certificate.
struct UserRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "users"

    var id: Data
    var name: String
    var role: String
    var boxPublicKey: Data
    var signPublicKey: Data
    var certificate: Data

    enum CodingKeys: String, CodingKey {
        case id
        case name
        case role
        case boxPublicKey = "box_public_key"
        case signPublicKey = "sign_public_key"
        case certificate
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let name = Column(CodingKeys.name)
        static let role = Column(CodingKeys.role)
        static let boxPublicKey = Column(CodingKeys.boxPublicKey)
        static let signPublicKey = Column(CodingKeys.signPublicKey)
        static let certificate = Column(CodingKeys.certificate)
    }
}

/// A keyslot: the Argon2id header in the clear, the bundle sealed under the derived key.
struct KeyslotRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "keyslots"

    var userID: Data
    var slot: Int
    var opsLimit: Int64
    var memLimit: Int64
    var salt: Data
    var bundle: Data

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case slot
        case opsLimit = "ops_limit"
        case memLimit = "mem_limit"
        case salt
        case bundle
    }

    enum Columns {
        static let userID = Column(CodingKeys.userID)
        static let slot = Column(CodingKeys.slot)
        static let opsLimit = Column(CodingKeys.opsLimit)
        static let memLimit = Column(CodingKeys.memLimit)
        static let salt = Column(CodingKeys.salt)
        static let bundle = Column(CodingKeys.bundle)
    }
}

/// A compartment's public key, signed by the root key.
struct CompartmentKeyRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "compartment_keys"

    var name: String
    var version: Int64
    var boxPublicKey: Data
    var signature: Data

    enum CodingKeys: String, CodingKey {
        case name
        case version
        case boxPublicKey = "box_public_key"
        case signature
    }

    enum Columns {
        static let name = Column(CodingKeys.name)
        static let version = Column(CodingKeys.version)
        static let boxPublicKey = Column(CodingKeys.boxPublicKey)
        static let signature = Column(CodingKeys.signature)
    }
}

/// A key granted to a user: the secret sealed to the user's X25519 key, signed by the root key.
struct GrantRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "grants"

    var userID: Data
    var keyName: String
    var version: Int64
    var sealed: Data
    var signature: Data

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case keyName = "key_name"
        case version
        case sealed
        case signature
    }

    enum Columns {
        static let userID = Column(CodingKeys.userID)
        static let keyName = Column(CodingKeys.keyName)
        static let version = Column(CodingKeys.version)
        static let sealed = Column(CodingKeys.sealed)
        static let signature = Column(CodingKeys.signature)
    }
}

/// A case: its random id, record version, key versions, wrapped data keys, ciphertexts, the
/// truncated blind index of its contact, and its slot in the projection blocks.
struct CaseRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "cases"

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
    /// Added by the `v3-projections` migration: nil in a vault not yet migrated or projected.
    var slot: Int64?

    /// The insert statement of ``Store/insert(_:)-(CaseRow)``, its columns in this order.
    static let insertSQL: String = {
        let columns = [Columns.id, Columns.version, Columns.keyVersion, Columns.dataKey, Columns.content,
                       Columns.contactKey, Columns.contact, Columns.summary, Columns.statsKeyVersion, Columns.stats,
                       Columns.indexVersion, Columns.blindIndex, Columns.slot].map(\.name)
        return "INSERT INTO \(databaseTableName) (\(columns.joined(separator: ", "))) VALUES ("
            + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
    }()

    enum CodingKeys: String, CodingKey {
        case id
        case version
        case keyVersion = "key_version"
        case dataKey = "data_key"
        case content
        case contactKey = "contact_key"
        case contact
        case summary
        case statsKeyVersion = "stats_key_version"
        case stats
        case indexVersion = "index_version"
        case blindIndex = "blind_index"
        case slot
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let version = Column(CodingKeys.version)
        static let keyVersion = Column(CodingKeys.keyVersion)
        static let dataKey = Column(CodingKeys.dataKey)
        static let content = Column(CodingKeys.content)
        static let contactKey = Column(CodingKeys.contactKey)
        static let contact = Column(CodingKeys.contact)
        static let summary = Column(CodingKeys.summary)
        static let statsKeyVersion = Column(CodingKeys.statsKeyVersion)
        static let stats = Column(CodingKeys.stats)
        static let indexVersion = Column(CodingKeys.indexVersion)
        static let blindIndex = Column(CodingKeys.blindIndex)
        static let slot = Column(CodingKeys.slot)
    }
}

/// One entry of a case's history after creation: a note or a transition, signed inside.
struct CaseEntryRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "case_entries"

    var caseID: Data
    var version: Int64
    var sealedKey: Data?
    var body: Data

    enum CodingKeys: String, CodingKey {
        case caseID = "case_id"
        case version
        case sealedKey = "sealed_key"
        case body
    }

    enum Columns {
        static let caseID = Column(CodingKeys.caseID)
        static let version = Column(CodingKeys.version)
        static let sealedKey = Column(CodingKeys.sealedKey)
        static let body = Column(CodingKeys.body)
    }
}

/// A partner organisation, signed by the root key.
struct PartnerRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "partners"

    var name: String
    var services: String
    var boxPublicKey: Data?
    var signature: Data
    /// Added by `v4-partner-names`; absent from a read-only vault written by 0.4.0.
    var displayName: String?

    enum CodingKeys: String, CodingKey {
        case name
        case services
        case boxPublicKey = "box_public_key"
        case signature
        case displayName = "display_name"
    }

    enum Columns {
        static let name = Column(CodingKeys.name)
        static let displayName = Column(CodingKeys.displayName)
        static let services = Column(CodingKeys.services)
        static let boxPublicKey = Column(CodingKeys.boxPublicKey)
        static let signature = Column(CodingKeys.signature)
    }
}

/// One audit log entry: chained, signed, with its body sealed to the audit compartment.
struct AuditEntryRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "audit_log"

    var seq: Int64
    var previousHash: Data
    var actor: Data
    var contentHash: Data
    var body: Data
    var signature: Data

    enum CodingKeys: String, CodingKey {
        case seq
        case previousHash = "previous_hash"
        case actor
        case contentHash = "content_hash"
        case body
        case signature
    }

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let previousHash = Column(CodingKeys.previousHash)
        static let actor = Column(CodingKeys.actor)
        static let contentHash = Column(CodingKeys.contentHash)
        static let body = Column(CodingKeys.body)
        static let signature = Column(CodingKeys.signature)
    }
}

/// One packed projection block: a fixed number of case slots, one ciphertext.
struct ProjectionBlockRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "projection_blocks"

    var kind: Int
    var number: Int64
    var version: Int64
    var keyVersion: Int64
    var body: Data

    enum CodingKeys: String, CodingKey {
        case kind
        case number
        case version
        case keyVersion = "key_version"
        case body
    }

    enum Columns {
        static let kind = Column(CodingKeys.kind)
        static let number = Column(CodingKeys.number)
        static let version = Column(CodingKeys.version)
        static let keyVersion = Column(CodingKeys.keyVersion)
        static let body = Column(CodingKeys.body)
    }
}

/// The projections' bookkeeping: present once they are built; the next free slot.
struct ProjectionStateRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "projections"

    var blockCapacity: Int
    var nextSlot: Int64
    /// The table has one row.
    var id: Int64 = 1

    enum CodingKeys: String, CodingKey {
        case id
        case blockCapacity = "block_capacity"
        case nextSlot = "next_slot"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let blockCapacity = Column(CodingKeys.blockCapacity)
        static let nextSlot = Column(CodingKeys.nextSlot)
    }
}
