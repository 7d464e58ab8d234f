import Foundation
import SodiumKit

/// An unlocked vault: one user's keys in secure memory, and the operations their role allows.
///
/// What a session can read is decided by the keys it holds (an auditor holds only the stats
/// key); what it may write is also checked against the role certified in the user's record.
/// Each operation is a short story — check the role, build the records, seal them, store them,
/// audit — told in the `Session+…` files. Release the session to wipe its keys.
public final class Session {
    /// The vault this session belongs to.
    public let vault: Vault
    /// The unlocked user's name.
    public let user: String
    /// The unlocked user's certified role.
    public let role: Role
    /// The vault's settings as verified at unlock.
    public internal(set) var settings: VaultSettings
    let keys: KeyRing
    /// User records whose certificates this session has verified, exactly as they were stored: a
    /// record read again byte for byte the same needs no second Ed25519 verification.
    var certifiedUsers: [UserID: UserRecord] = [:]

    init(vault: Vault, user: UserRecord, keys: KeyRing, settings: VaultSettings) {
        self.vault = vault
        self.user = user.name
        self.role = user.role
        self.keys = keys
        self.settings = settings
    }

    var cipher: CaseCipher { CaseCipher(keys: keys) }
    var database: VaultDatabase { vault.database }

    /// Drops a compartment key from this session, for least privilege (for example before
    /// handing the machine to someone else while a session is open). Data under that key
    /// becomes unreadable to the session: operations that need it fail rather than come back
    /// empty, and legal notes are left out of cases exactly as for a coordinator.
    public func relinquish(_ compartment: Compartment) {
        keys.remove(KeyName(compartment))
    }

    /// The compartments whose keys this session holds.
    public var heldCompartments: [Compartment] {
        Compartment.allCases.filter { keys.compartments[$0] != nil }
    }

    func require(_ permission: Permission) throws {
        guard permission.roles.contains(role) else { throw CaseVaultError.role(role, cannot: permission.action) }
    }

    /// The identifying details the free-text check finds in `text` (phone numbers, e-mail
    /// addresses, passport, military-ID and unit numbers), for warning a writer before a write.
    public func identifyingDetails(in text: String, field: String) -> TextFinding? {
        TextPolicy.findings(in: text, field: field)
    }

    // MARK: - Projections

    /// Builds the packed projections of a vault written before they existed, once, in one audited
    /// transaction: only a session that can write cases (intake and stats keys) on a writable
    /// file does it; others read projections computed in memory until then.
    func buildProjectionsIfNeeded() throws {
        guard database.isWritable, keys.compartments[.intake] != nil, keys.compartments[.stats] != nil else { return }
        let unbuilt = try database.read("read the case projections") { store in
            try store.hasProjectionTables() && Projections.builtState(store) == nil
        }
        guard unbuilt else { return }
        try database.write("build the case projections") { store in
            let projections = try ProjectionWriter(store, keys: keys)  // builds them unless another process has
            guard projections.built else { return }
            try projections.commit()
            try AuditLog.append(store, keys: keys, action: "projections-built",
                                detail: "\(try store.caseCount()) case(s)", ciphertexts: [])
        }
    }

    /// Recomputes the packed projections from the cases and compares: every case's slot holds its
    /// summary and statistics, and no slot holds anything else. Summaries are checked with the
    /// intake key, statistics with the stats key (an auditor checks what they count).
    ///
    /// - Returns: the number of cases checked (0 while the projections are not built).
    /// - Throws: ``CaseVaultError`` (`integrity` naming the case or the block that differs).
    public func checkProjections() throws -> Int {
        try database.read("check the case projections") { store in try Projections.check(store, keys: keys) }
    }
}
