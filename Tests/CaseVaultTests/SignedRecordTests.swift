import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// Users' roles and keys, key grants, compartment keys and settings are records signed by the
/// vault root, whose public key is pinned in every keyslot: editing any of them in the file
/// makes unlock (or the user listing) fail with an integrity error.
@Suite("Signed records")
struct SignedRecordTests {
    static let everyone = ["coord-anna", "lawyer-boris", "audit-vera", VaultFixture.adminName]

    static func addEveryone(_ fixture: VaultFixture) throws {
        try fixture.register("coord-anna", .coordinator)
        try fixture.register("lawyer-boris", .lawyer)
        try fixture.register("audit-vera", .auditor)
    }

    @Test("every user unlocks and every record verifies in an untouched file")
    func untouchedFileVerifies() throws {
        try withVault { fixture in
            try SignedRecordTests.addEveryone(fixture)
            for name in SignedRecordTests.everyone {
                #expect(try fixture.unlock(name).user == name)
            }
            let users = try fixture.admin.users()
            #expect(users.first { $0.name == "coord-anna" }?.role == .coordinator)
            #expect(users.count == 4)
        }
    }

    @Test("a user's role changed to admin in the file fails unlock and the user listing")
    func roleEscalation() throws {
        try withVault { fixture in
            try SignedRecordTests.addEveryone(fixture)
            try fixture.tamper { db in
                try db.execute(sql: "UPDATE users SET role = 'admin' WHERE name = 'coord-anna'")
                #expect(db.changesCount == 1)
            }
            let error = expectCaseVaultError(.integrity) { try fixture.unlock("coord-anna") }
            #expect(error?.message.contains("coord-anna") == true)
            expectCaseVaultError(.integrity) { try fixture.admin.users() }
            // Other users still unlock: the forged record is the coordinator's alone.
            #expect(try fixture.unlock("lawyer-boris").role == .lawyer)
        }
    }

    @Test("a session that verified a user's record verifies it again once the row changes")
    func verifiedRecordChangedLater() throws {
        try withVault { fixture in
            try SignedRecordTests.addEveryone(fixture)
            let lawyer = try fixture.unlock("lawyer-boris")
            #expect(try lawyer.users().count == 4, "every certificate verified and remembered")
            try fixture.tamper { db in
                try db.execute(sql: "UPDATE users SET role = 'lawyer' WHERE name = 'coord-anna'")
                #expect(db.changesCount == 1)
            }
            let error = expectCaseVaultError(.integrity) { try lawyer.users() }
            #expect(error?.message.contains("coord-anna") == true)
            try fixture.tamper { db in
                try db.execute(sql: "UPDATE users SET role = 'coordinator' WHERE name = 'coord-anna'")
            }
            #expect(try lawyer.users().count == 4, "the original row verifies again")
        }
    }

    @Test("a role that is not a role is an integrity error")
    func unknownRole() throws {
        try withVault { fixture in
            try SignedRecordTests.addEveryone(fixture)
            try fixture.tamper { db in
                try db.execute(sql: "UPDATE users SET role = 'root' WHERE name = 'audit-vera'")
            }
            expectCaseVaultError(.integrity) { try fixture.unlock("audit-vera") }
            expectCaseVaultError(.integrity) { try fixture.admin.users() }
        }
    }

    @Test("a user's signing or box public key replaced in the file fails unlock and listing", arguments: [
        "sign_public_key", "box_public_key",
    ])
    func replacedPublicKey(_ column: String) throws {
        try withVault { fixture in
            try SignedRecordTests.addEveryone(fixture)
            // The lawyer's key copied over the coordinator's: a real key, just not certified for them.
            let lawyerKey = try fixture.blob("users", column, where: "name = ?", ["lawyer-boris"])
            try fixture.setBlob("users", column, to: lawyerKey, where: "name = ?", ["coord-anna"])
            expectCaseVaultError(.integrity) { try fixture.unlock("coord-anna") }
            expectCaseVaultError(.integrity) { try fixture.admin.users() }
            expectCaseVaultError(.integrity) { try fixture.admin.verifyAuditLog() }
        }
    }

    @Test("a user's name changed in the file fails the user listing")
    func renamedUser() throws {
        try withVault { fixture in
            try SignedRecordTests.addEveryone(fixture)
            try fixture.tamper { db in
                try db.execute(sql: "UPDATE users SET name = 'lawyer-x' WHERE name = 'lawyer-boris'")
            }
            expectCaseVaultError(.integrity) {
                try fixture.vault.unlock(user: "lawyer-x", passphrase: VaultFixture.passphrase(for: "lawyer-boris"))
            }
            expectCaseVaultError(.integrity) { try fixture.admin.users() }
        }
    }

    @Test("a flipped certificate fails unlock")
    func flippedCertificate() throws {
        try withVault { fixture in
            try SignedRecordTests.addEveryone(fixture)
            let certificate = try fixture.blob("users", "certificate", where: "name = ?", ["audit-vera"])
            try fixture.setBlob("users", "certificate", to: certificate.flipping(10), where: "name = ?",
                                ["audit-vera"])
            expectCaseVaultError(.integrity) { try fixture.unlock("audit-vera") }
        }
    }

    @Test("a changed vault root public key makes every unlock fail", arguments: ["flip", "fresh key"])
    func replacedRootKey(_ how: String) throws {
        try withVault { fixture in
            try SignedRecordTests.addEveryone(fixture)
            let root = try fixture.blob("vault", "root_public_key", where: "id = 1", [])
            let forged = how == "flip" ? root.flipping(0) : SigningKeyPair.generate().publicKey
            try fixture.setBlob("vault", "root_public_key", to: forged, where: "id = 1", [])
            for name in SignedRecordTests.everyone {
                let error = expectCaseVaultError(.integrity, "unlocking \(name)") { try fixture.unlock(name) }
                #expect(error?.message.contains(name) == true)
            }
            expectCaseVaultError(.integrity) {
                try fixture.vault.unlock(user: VaultFixture.adminName, recoveryCode: fixture.recoveryCode)
            }
            // Restored, every user unlocks again.
            try fixture.setBlob("vault", "root_public_key", to: root, where: "id = 1", [])
            for name in SignedRecordTests.everyone { #expect(try fixture.unlock(name).user == name) }
        }
    }

    /// Grant columns whose change must fail verification.
    enum GrantDamage: String, CaseIterable, CustomTestStringConvertible {
        case signature, sealed, version, keyName = "key name"

        var testDescription: String { rawValue }
    }

    @Test("a tampered key grant fails unlock", arguments: GrantDamage.allCases)
    func tamperedGrant(_ damage: GrantDamage) throws {
        try withVault { fixture in
            try SignedRecordTests.addEveryone(fixture)
            let user = try fixture.userID("coord-anna")
            let grant = "user_id = ? AND key_name = 'intake'"
            switch damage {
            case .signature, .sealed:
                let value = try fixture.blob("grants", damage.rawValue, where: grant, [user])
                try fixture.setBlob("grants", damage.rawValue, to: value.flipping(value.count / 2), where: grant,
                                    [user])
            case .version:
                try fixture.tamper { db in
                    try db.execute(sql: "UPDATE grants SET version = 2 WHERE \(grant)", arguments: [user])
                }
            case .keyName:
                // The coordinator's stats grant relabelled as legal, to read legal notes.
                try fixture.tamper { db in
                    try db.execute(
                        sql: "UPDATE grants SET key_name = 'legal' WHERE user_id = ? AND key_name = 'stats'",
                        arguments: [user])
                }
            }
            let error = expectCaseVaultError(.integrity) { try fixture.unlock("coord-anna") }
            #expect(error?.message.contains("coord-anna") == true)
            #expect(try fixture.unlock("lawyer-boris").role == .lawyer)
        }
    }

    @Test("another user's grant copied to a coordinator fails unlock")
    func copiedGrant() throws {
        try withVault { fixture in
            try SignedRecordTests.addEveryone(fixture)
            let coordinator = try fixture.userID("coord-anna")
            let lawyer = try fixture.userID("lawyer-boris")
            try fixture.tamper { db in
                try db.execute(sql: """
                    INSERT INTO grants (user_id, key_name, version, sealed, signature)
                    SELECT ?, key_name, version, sealed, signature FROM grants WHERE user_id = ? AND key_name = 'legal'
                    """, arguments: [coordinator, lawyer])
                #expect(db.changesCount == 1)
            }
            expectCaseVaultError(.integrity) { try fixture.unlock("coord-anna") }
        }
    }

    @Test("a tampered compartment public key fails unlock", arguments: ["box_public_key", "signature"])
    func tamperedCompartmentKey(_ column: String) throws {
        try withVault { fixture in
            try SignedRecordTests.addEveryone(fixture)
            let key = try fixture.blob("compartment_keys", column, where: "name = 'legal'", [])
            try fixture.setBlob("compartment_keys", column, to: key.flipping(5), where: "name = 'legal'", [])
            // A coordinator would seal legal notes to this key: refused at unlock.
            expectCaseVaultError(.integrity) { try fixture.unlock("coord-anna") }
            expectCaseVaultError(.integrity) { try fixture.unlock(VaultFixture.adminName) }
        }
    }

    @Test("tampered vault settings fail unlock", arguments: ["settings", "settings_signature"])
    func tamperedSettings(_ column: String) throws {
        try withVault { fixture in
            try fixture.admin.updateSettings(VaultSettings(strictTextPolicy: true))
            let value = try fixture.blob("vault", column, where: "id = 1", [])
            // Settings byte 1 is the strict-policy flag: turning it off is the interesting attack.
            try fixture.setBlob("vault", column, to: value.flipping(1), where: "id = 1", [])
            expectCaseVaultError(.integrity) { try fixture.unlock(VaultFixture.adminName) }
            try fixture.setBlob("vault", column, to: value, where: "id = 1", [])
            #expect(try fixture.unlock(VaultFixture.adminName).settings.strictTextPolicy)
        }
    }

    @Test("settings signed for another vault are refused")
    func settingsFromAnotherVault() throws {
        let other = try withVault { other in
            try other.admin.updateSettings(VaultSettings(strictTextPolicy: false, timeZone: "Europe/Moscow"))
            return (try other.blob("vault", "settings", where: "id = 1", []),
                    try other.blob("vault", "settings_signature", where: "id = 1", []))
        }
        try withVault { fixture in
            try fixture.setBlob("vault", "settings", to: other.0, where: "id = 1", [])
            try fixture.setBlob("vault", "settings_signature", to: other.1, where: "id = 1", [])
            expectCaseVaultError(.integrity) { try fixture.unlock(VaultFixture.adminName) }
        }
    }
}
