import Foundation
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
    static func append(_ store: Store, keys: KeyRing, action: String, caseIDs: [CaseID] = [], detail: String = "",
                       ciphertexts: [[UInt8]]) throws {
        let audit = try keys.publicKey(.audit)
        let last = try store.lastAuditEntry()
        let sequence = (last?.seq ?? 0) + 1
        let previousHash = last.map(entryHash) ?? [UInt8](repeating: 0, count: 32)
        let contentHash = MerkleTree.root(ciphertexts)
        let body = Body(action: action, at: Clock.nowSeconds(), caseIDs: caseIDs, detail: detail)
        let sealedBody = AssociatedData.bigEndian32(audit.version) + (try SealedBox.seal(body.encoded, to: audit.key))
        let signature = keys.signing.sign(signedMessage(vaultID: keys.vaultID, sequence: sequence,
                                                        previousHash: previousHash, actor: keys.userID,
                                                        contentHash: contentHash, body: sealedBody))
        try store.insert(AuditEntryRow(seq: sequence, previousHash: Data(previousHash), actor: Data(keys.userID.bytes),
                                       contentHash: Data(contentHash), body: Data(sealedBody),
                                       signature: Data(signature)))
    }

    static func signedMessage(vaultID: [UInt8], sequence: Int64, previousHash: [UInt8], actor: UserID,
                              contentHash: [UInt8], body: [UInt8]) -> [UInt8] {
        SignedMessage.make("audit", vaultID: vaultID,
                           [AssociatedData.bigEndian64(UInt64(sequence)), previousHash, actor.bytes, contentHash,
                            GenericHash.hash(body)])
    }

    /// The hash the next entry chains to: an RFC 6962 leaf hash of the whole entry.
    static func entryHash(_ row: AuditEntryRow) -> [UInt8] {
        var writer = RecordWriter()
        writer.u64(UInt64(bitPattern: row.seq))
        for column in [row.previousHash, row.actor, row.contentHash, row.body, row.signature] {
            writer.field([UInt8](column))
        }
        return MerkleTree.leafHash(writer.bytes)
    }

    /// Checks the whole chain and every signature with public keys only; returns the number
    /// of entries. (The CLI's `audit verify` comes in a later step.)
    static func verify(_ store: Store, vaultID: [UInt8], signers: [UserID: [UInt8]]) throws -> Int {
        var previous = [UInt8](repeating: 0, count: 32)
        var expected: Int64 = 1
        for row in try store.auditEntries() {
            let actor = UserID(bytes: [UInt8](row.actor))
            guard row.seq == expected, [UInt8](row.previousHash) == previous,
                  let key = signers[actor],
                  Ed25519.isValid(signature: [UInt8](row.signature),
                                  message: signedMessage(vaultID: vaultID, sequence: row.seq, previousHash: previous,
                                                         actor: actor, contentHash: [UInt8](row.contentHash),
                                                         body: [UInt8](row.body)),
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
    static func leafHash(_ data: [UInt8]) -> [UInt8] {
        var buffer: [UInt8] = []
        return leafHash(data, buffer: &buffer)
    }

    /// The leaf hash `BLAKE2b(0x00 ‖ data)`, built in `buffer` (reused across a tree's leaves).
    private static func leafHash(_ data: [UInt8], buffer: inout [UInt8]) -> [UInt8] {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(0)
        buffer.append(contentsOf: data)
        return GenericHash.hash(buffer)
    }

    static func root(_ leaves: [[UInt8]]) -> [UInt8] {
        guard !leaves.isEmpty else { return GenericHash.hash([]) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 + (leaves.map(\.count).max() ?? 0))
        var hashes = leaves.map { leafHash($0, buffer: &buffer) }
        // Level by level, as RFC 6962 splits: the left subtree is the largest power of two below
        // the count, which pairing neighbours and carrying an odd last node upward reproduces.
        var node = [UInt8](repeating: 1, count: 65)
        while hashes.count > 1 {
            var next: [[UInt8]] = []
            next.reserveCapacity((hashes.count + 1) / 2)
            var index = 0
            while index + 1 < hashes.count {
                node.replaceSubrange(1..<33, with: hashes[index])
                node.replaceSubrange(33..<65, with: hashes[index + 1])
                next.append(GenericHash.hash(node))
                index += 2
            }
            if index < hashes.count { next.append(hashes[index]) }
            hashes = next
        }
        return hashes[0]
    }

    /// The RFC 6962 definition, recursively: what ``root(_:)`` must equal (tests compare them).
    static func referenceRoot(_ leaves: [[UInt8]]) -> [UInt8] {
        guard !leaves.isEmpty else { return GenericHash.hash([]) }
        return referenceRoot(leaves.map(leafHash)[...])
    }

    private static func referenceRoot(_ hashes: ArraySlice<[UInt8]>) -> [UInt8] {
        if hashes.count == 1 { return hashes[hashes.startIndex] }
        var split = 1
        while split << 1 < hashes.count { split <<= 1 }
        let start = hashes.startIndex
        return GenericHash.hash([1] + referenceRoot(hashes[start..<start + split])
                                + referenceRoot(hashes[(start + split)...]))
    }
}
