import Foundation
import GRDB
import SodiumKit

/// The tamper-evident audit log: one entry per write transaction, committed in it.
///
/// An entry holds its sequence number, the hash of the previous entry (BLAKE2b with RFC 6962
/// leaf and node prefixes), the actor's user id, one hash over the ciphertexts the
/// transaction wrote (a Merkle tree root), a body sealed to the audit public key (what
/// happened, to which cases, when) and the actor's Ed25519 signature. Anyone can check the
/// chain and the signatures with public keys alone; only admins can read bodies.
enum AuditLog {
    /// What an entry's sealed body says.
    struct Body: Equatable {
        let action: String
        let at: Int64
        let caseIDs: [CaseID]
        let detail: String

        var encoded: [UInt8] {
            var writer = RecordWriter(capacity: 64 + caseIDs.count * 16)
            writer.u8(1)
            writer.field(action)
            writer.i64(at)
            writer.u32(UInt32(caseIDs.count))
            for id in caseIDs { writer.field(id.bytes) }
            writer.field(detail)
            return writer.bytes
        }
    }

    /// Appends the entry for the current transaction.
    static func append(_ db: Database, keys: KeyRing, action: String, caseIDs: [CaseID] = [], detail: String = "",
                       ciphertexts: [[UInt8]]) throws {
        let audit = try keys.publicKey(.audit)
        let last = try Row.fetchOne(db, sql: "SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1")
        let sequence: Int64 = (last?["seq"] as Int64? ?? 0) + 1
        let previousHash = last.map(entryHash) ?? [UInt8](repeating: 0, count: 32)
        let contentHash = MerkleTree.root(ciphertexts)
        let body = Body(action: action, at: Clock.nowSeconds(), caseIDs: caseIDs, detail: detail)
        let sealedBody = AssociatedData.bigEndian32(audit.version) + (try SealedBox.seal(body.encoded, to: audit.key))
        let signature = keys.signing.sign(signedMessage(vaultID: keys.vaultID, sequence: sequence,
                                                        previousHash: previousHash, actor: keys.userID,
                                                        contentHash: contentHash, body: sealedBody))
        try db.execute(
            sql: """
                INSERT INTO audit_log (seq, previous_hash, actor, content_hash, body, signature)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [sequence, Data(previousHash), Data(keys.userID.bytes), Data(contentHash), Data(sealedBody),
                        Data(signature)])
    }

    static func signedMessage(vaultID: [UInt8], sequence: Int64, previousHash: [UInt8], actor: UserID,
                              contentHash: [UInt8], body: [UInt8]) -> [UInt8] {
        SignedMessage.make("audit", vaultID: vaultID,
                           [AssociatedData.bigEndian64(UInt64(sequence)), previousHash, actor.bytes, contentHash,
                            GenericHash.hash(body)])
    }

    /// The hash the next entry chains to: an RFC 6962 leaf hash of the whole entry.
    static func entryHash(_ row: Row) -> [UInt8] {
        var writer = RecordWriter()
        writer.u64(UInt64(row["seq"] as Int64))
        for column in ["previous_hash", "actor", "content_hash", "body", "signature"] {
            writer.field([UInt8](row[column] as Data))
        }
        return MerkleTree.leafHash(writer.bytes)
    }

    /// Checks the whole chain and every signature with public keys only; returns the number
    /// of entries. (The CLI's `audit verify` comes in a later step.)
    static func verify(_ db: Database, vaultID: [UInt8], signers: [UserID: [UInt8]]) throws -> Int {
        var previous = [UInt8](repeating: 0, count: 32)
        var expected: Int64 = 1
        for row in try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY seq") {
            let sequence: Int64 = row["seq"]
            let actor = UserID(bytes: [UInt8](row["actor"] as Data))
            guard sequence == expected, [UInt8](row["previous_hash"] as Data) == previous,
                  let key = signers[actor],
                  Ed25519.isValid(signature: [UInt8](row["signature"] as Data),
                                  message: signedMessage(vaultID: vaultID, sequence: sequence, previousHash: previous,
                                                         actor: actor, contentHash: [UInt8](row["content_hash"] as Data),
                                                         body: [UInt8](row["body"] as Data)),
                                  publicKey: key) else {
                throw CaseVaultError(.integrity, "audit log entry \(expected) does not verify; the log was altered")
            }
            previous = entryHash(row)
            expected += 1
        }
        return Int(expected - 1)
    }

    /// Opens an entry's body with the audit compartment key (admins only).
    static func openBody(_ sealed: [UInt8], keys: KeyRing) throws -> Body {
        let audit = try keys.compartment(.audit, for: "read the audit log")
        var reader = RecordReader(try SealedBox.open(Array(sealed.dropFirst(4)), with: audit.box))
        guard try reader.u8() == 1 else { throw RecordDecodingError() }
        let action = try reader.string()
        let at = try reader.i64()
        var ids: [CaseID] = []
        for _ in 0..<(try reader.u32()) { ids.append(try CaseID(storedBytes: try reader.field())) }
        let detail = try reader.string()
        return Body(action: action, at: at, caseIDs: ids, detail: detail)
    }
}

/// RFC 6962 Merkle tree hashing with BLAKE2b-256: leaves prefixed 0x00, nodes 0x01.
enum MerkleTree {
    static func leafHash(_ data: [UInt8]) -> [UInt8] { GenericHash.hash([0] + data) }

    static func root(_ leaves: [[UInt8]]) -> [UInt8] {
        guard !leaves.isEmpty else { return GenericHash.hash([]) }
        let hashes = leaves.map(leafHash)
        return root(hashes[...])
    }

    private static func root(_ hashes: ArraySlice<[UInt8]>) -> [UInt8] {
        if hashes.count == 1 { return hashes.first! }  // a non-empty slice
        var split = 1
        while split << 1 < hashes.count { split <<= 1 }
        let start = hashes.startIndex
        return GenericHash.hash([1] + root(hashes[start..<start + split]) + root(hashes[(start + split)...]))
    }
}
