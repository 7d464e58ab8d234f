import Foundation

/// What `status` reports about a vault: its format, people, cases and audit log.
public struct VaultStatus: Sendable {
    /// The vault's stored format version.
    public let formatVersion: Int
    /// This library's version.
    public let softwareVersion: String
    /// How many users hold each role (every role listed, zeros included).
    public let usersByRole: [(role: Role, count: Int)]
    /// How many cases are in each state (every state listed, zeros included), from the statistics
    /// projection.
    public let casesByState: [(state: CaseState, count: Int)]
    /// How many open cases are past their deadline; nil for a session without the intake key
    /// (an auditor), which cannot see deadlines.
    public let overdue: Int?
    /// How many entries the audit log holds.
    public let auditEntries: Int
    /// The size in bytes of the vault file and its write-ahead log (0 for a server vault).
    public let fileBytes: Int64
    /// When the newest audit checkpoint was taken; nil while the vault has none.
    public let lastCheckpoint: String?

    /// How many cases the vault holds.
    public var caseCount: Int { casesByState.reduce(0) { $0 + $1.count } }
}

extension Session {
    /// The vault's state at a glance, for any role: format, users by role, cases by state (from
    /// the statistics projection, which every role's stats key opens), overdue cases (roles with
    /// the intake key only) and the audit log's size.
    ///
    /// - Throws: ``CaseVaultError`` (`permissionDenied` without the stats key, `integrity` when a
    ///   user record or a projection block does not authenticate).
    public func status() throws -> VaultStatus {
        _ = try keys.compartment(.stats, for: "count cases by state")
        let users = try verifiedUsers()
        let (format, blocks, entries) = try database.read("read the vault status") { store in
            (try store.vault()?.formatVersion ?? 0, try Projections.statsBlocks(store, keys: keys),
             try store.auditEntryCount())
        }
        var states: [CaseState: Int] = [:]
        for block in blocks {
            for index in 0..<block.capacity where !block.isEmpty(at: index) {
                let entry: StatsRecord?
                do { entry = try block.entry(at: index) } catch {
                    throw Projections.damaged(.stats, number: block.number)
                }
                if let entry { states[entry.state, default: 0] += 1 }
            }
        }
        var roles: [Role: Int] = [:]
        for user in users.values { roles[user.role, default: 0] += 1 }
        let overdue = (try? keys.compartment(.intake, for: "")) != nil && role != .auditor ? try cases(CaseFilter(overdue: true)).count : nil
        return VaultStatus(
            formatVersion: format, softwareVersion: Vault.softwareVersion,
            usersByRole: Role.allCases.map { ($0, roles[$0, default: 0]) },
            casesByState: CaseState.allCases.map { ($0, states[$0, default: 0]) },
            overdue: overdue, auditEntries: entries, fileBytes: database.fileBytes, lastCheckpoint: nil)
    }
}
