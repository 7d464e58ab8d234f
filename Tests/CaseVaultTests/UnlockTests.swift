import Foundation
import GRDB
import SodiumKit
import Testing

@testable import CaseVault

/// Keyslots: the right passphrase opens a slot; a wrong one or a damaged slot gives the same
/// clear error; the recovery code opens the first admin's offline slot.
@Suite("Unlock and keyslots")
struct UnlockTests {
    @Test("the right passphrase unlocks with the certified role")
    func rightPassphraseUnlocks() throws {
        try withVault { fixture in
            try fixture.register("coord-anna", .coordinator)
            let session = try fixture.unlock("coord-anna")
            #expect(session.user == "coord-anna")
            #expect(session.role == .coordinator)
            #expect(try session.cases().isEmpty)
        }
    }

    @Test("a wrong passphrase is refused with a clear message naming the user")
    func wrongPassphraseIsRefused() throws {
        try withVault { fixture in
            try fixture.register("coord-anna", .coordinator)
            let error = expectCaseVaultError(.wrongPassphrase) {
                try fixture.vault.unlock(user: "coord-anna", passphrase: SecureBytes(utf8: "not the passphrase"))
            }
            #expect(error?.message == "wrong passphrase for coord-anna (or its keyslot is damaged)")
            // Another user's passphrase is just as wrong.
            let other = expectCaseVaultError(.wrongPassphrase) {
                try fixture.vault.unlock(user: "coord-anna",
                                         passphrase: VaultFixture.passphrase(for: VaultFixture.adminName))
            }
            #expect(other?.message == "wrong passphrase for coord-anna (or its keyslot is damaged)")
            // An empty passphrase is a wrong passphrase, not a crash.
            expectCaseVaultError(.wrongPassphrase) {
                try fixture.vault.unlock(user: "coord-anna", passphrase: SecureBytes(count: 0))
            }
        }
    }

    /// Ways to damage a keyslot row in the file; each must look exactly like a wrong passphrase.
    enum KeyslotDamage: String, CaseIterable, CustomTestStringConvertible {
        case bundleFirstByte, bundleMiddleByte, bundleLastByte, salt, opsLimit, memLimit, swappedSlot
        /// Limits no profile uses: refused at once instead of running Argon2id for hours.
        case hugeOpsLimit, hugeMemLimit

        var testDescription: String { rawValue }
    }

    @Test("a damaged keyslot gives the same error as a wrong passphrase", .timeLimit(.minutes(1)),
          arguments: KeyslotDamage.allCases)
    func damagedKeyslotIsRefused(_ damage: KeyslotDamage) throws {
        try withVault { fixture in
            try fixture.register("lawyer-boris", .lawyer)
            try fixture.register("coord-anna", .coordinator)
            let user = try fixture.userID("lawyer-boris")
            let other = try fixture.userID("coord-anna")
            let slot = "user_id = ? AND slot = 0"
            let bundle = try fixture.blob("keyslots", "bundle", where: slot, [user])
            switch damage {
            case .bundleFirstByte:
                try fixture.setBlob("keyslots", "bundle", to: bundle.flipping(0), where: slot, [user])
            case .bundleMiddleByte:
                try fixture.setBlob("keyslots", "bundle", to: bundle.flipping(bundle.count / 2), where: slot, [user])
            case .bundleLastByte:
                try fixture.setBlob("keyslots", "bundle", to: bundle.flipping(bundle.count - 1, mask: 0x80),
                                    where: slot, [user])
            case .salt:
                let salt = try fixture.blob("keyslots", "salt", where: slot, [user])
                try fixture.setBlob("keyslots", "salt", to: salt.flipping(3), where: slot, [user])
            case .opsLimit:
                try fixture.tamper { db in
                    try db.execute(sql: "UPDATE keyslots SET ops_limit = ops_limit + 1 WHERE \(slot)",
                                   arguments: [user])
                }
            case .memLimit:
                try fixture.tamper { db in
                    try db.execute(sql: "UPDATE keyslots SET mem_limit = mem_limit / 2 WHERE \(slot)",
                                   arguments: [user])
                }
            case .hugeOpsLimit:
                try fixture.tamper { db in
                    try db.execute(sql: "UPDATE keyslots SET ops_limit = 4000000000 WHERE \(slot)", arguments: [user])
                }
            case .hugeMemLimit:
                try fixture.tamper { db in
                    try db.execute(sql: "UPDATE keyslots SET mem_limit = 1099511627776 WHERE \(slot)",
                                   arguments: [user])
                }
            case .swappedSlot:
                // Another user's whole slot, copied in: it was sealed for another user id.
                let otherBundle = try fixture.blob("keyslots", "bundle", where: slot, [other])
                let otherSalt = try fixture.blob("keyslots", "salt", where: slot, [other])
                try fixture.setBlob("keyslots", "bundle", to: otherBundle, where: slot, [user])
                try fixture.setBlob("keyslots", "salt", to: otherSalt, where: slot, [user])
            }
            let error = expectCaseVaultError(.wrongPassphrase) { try fixture.unlock("lawyer-boris") }
            #expect(error?.message == "wrong passphrase for lawyer-boris (or its keyslot is damaged)")
            if damage == .swappedSlot {
                // Not even the other user's passphrase opens the copied slot.
                expectCaseVaultError(.wrongPassphrase) {
                    try fixture.vault.unlock(user: "lawyer-boris",
                                             passphrase: VaultFixture.passphrase(for: "coord-anna"))
                }
            }
            // The damage stays in that slot: the other users still unlock.
            #expect(try fixture.unlock("coord-anna").role == .coordinator)
            #expect(try fixture.unlock(VaultFixture.adminName).role == .admin)
        }
    }

    @Test("a restored keyslot opens again, so the damage alone caused the refusal")
    func restoredKeyslotOpens() throws {
        try withVault { fixture in
            try fixture.register("lawyer-boris", .lawyer)
            let user = try fixture.userID("lawyer-boris")
            let slot = "user_id = ? AND slot = 0"
            let bundle = try fixture.blob("keyslots", "bundle", where: slot, [user])
            try fixture.setBlob("keyslots", "bundle", to: bundle.flipping(20), where: slot, [user])
            expectCaseVaultError(.wrongPassphrase) { try fixture.unlock("lawyer-boris") }
            try fixture.setBlob("keyslots", "bundle", to: bundle, where: slot, [user])
            #expect(try fixture.unlock("lawyer-boris").role == .lawyer)
        }
    }

    @Test("an unknown user is not found")
    func unknownUserIsNotFound() throws {
        try withVault { fixture in
            let error = expectCaseVaultError(.notFound) {
                try fixture.vault.unlock(user: "nobody", passphrase: VaultFixture.passphrase(for: "nobody"))
            }
            #expect(error?.message.contains("nobody") == true)
            // User names are exact: a different letter case is another (unknown) user.
            expectCaseVaultError(.notFound) {
                try fixture.vault.unlock(user: "LEAD-ADMIN",
                                         passphrase: VaultFixture.passphrase(for: VaultFixture.adminName))
            }
            expectCaseVaultError(.notFound) {
                try fixture.vault.unlock(user: "nobody", recoveryCode: fixture.recoveryCode)
            }
        }
    }

    @Test("the recovery code unlocks the first admin, also as typed in lower case with spaces")
    func recoveryCodeUnlocksAdmin() throws {
        try withVault { fixture in
            let session = try fixture.vault.unlock(user: VaultFixture.adminName, recoveryCode: fixture.recoveryCode)
            #expect(session.role == .admin)
            #expect(session.heldCompartments == [.intake, .legal, .stats, .audit])
            let receipt = try session.intake(Synthetic.request())
            #expect(try session.case(receipt.id).request.region.code == "RU-SVE")

            let shown = fixture.recoveryCode.reveal()
            #expect(shown.count == 39)
            #expect(shown.split(separator: "-").map(\.count) == Array(repeating: 4, count: 8))
            let typed = try RecoveryCode(typed: SecureBytes(
                utf8: shown.lowercased().replacingOccurrences(of: "-", with: " ")))
            #expect(try fixture.vault.unlock(user: VaultFixture.adminName, recoveryCode: typed).role == .admin)
        }
    }

    @Test("a wrong recovery code is refused")
    func wrongRecoveryCodeIsRefused() throws {
        try withVault { fixture in
            var characters = Array(fixture.recoveryCode.reveal())
            characters[0] = characters[0] == "A" ? "B" : "A"
            let wrong = try RecoveryCode(typed: SecureBytes(utf8: String(characters)))
            let error = expectCaseVaultError(.wrongPassphrase) {
                try fixture.vault.unlock(user: VaultFixture.adminName, recoveryCode: wrong)
            }
            #expect(error?.message == "wrong recovery code for \(VaultFixture.adminName) (or its keyslot is damaged)")
            // The admin's passphrase is not a recovery code, and a recovery code is not a passphrase.
            expectCaseVaultError(.wrongPassphrase) {
                try fixture.vault.unlock(user: VaultFixture.adminName,
                                         passphrase: SecureBytes(utf8: fixture.recoveryCode.reveal()))
            }
            // Users added later have no recovery slot: the code does not open them.
            try fixture.register("coord-anna", .coordinator)
            expectCaseVaultError(.wrongPassphrase) {
                try fixture.vault.unlock(user: "coord-anna", recoveryCode: fixture.recoveryCode)
            }
        }
    }

    @Test("text that cannot be a recovery code is invalid input", arguments: [
        "", "ABCD", "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-678", "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-678U",
        "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789-0",
    ])
    func malformedRecoveryCode(_ text: String) {
        expectCaseVaultError(.invalidInput) { try RecoveryCode(typed: SecureBytes(utf8: text)) }
    }

    @Test("a well-formed recovery code is accepted with Crockford aliases")
    func wellFormedRecoveryCode() throws {
        let code = try RecoveryCode(typed: SecureBytes(utf8: "abcd-efgh-jkmn-pqrs-tvwx-yzo1-2345-678i"))
        #expect(code.reveal() == "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6781")
        #expect(code.description == "RecoveryCode(redacted)")
    }

    @Test("the recovery slot is damaged like any other")
    func damagedRecoverySlot() throws {
        try withVault { fixture in
            let admin = try fixture.userID(VaultFixture.adminName)
            let slot = "user_id = ? AND slot = 1"
            let salt = try fixture.blob("keyslots", "salt", where: slot, [admin])
            try fixture.setBlob("keyslots", "salt", to: salt.flipping(0), where: slot, [admin])
            expectCaseVaultError(.wrongPassphrase) {
                try fixture.vault.unlock(user: VaultFixture.adminName, recoveryCode: fixture.recoveryCode)
            }
            // The passphrase slot is separate and still opens.
            #expect(try fixture.unlock(VaultFixture.adminName).role == .admin)
        }
    }

    @Test("opening a path without a vault is not found; creating over a file already there is refused")
    func openAndCreatePaths() throws {
        let directory = try TemporaryDirectory()
        expectCaseVaultError(.notFound) { try Vault.open(at: directory.path("missing.casevault")) }
        expectCaseVaultError(.invalidInput) {
            try Vault.create(at: directory.path("bad.casevault"), admin: "Anna Petrova",
                             passphrase: SecureBytes(utf8: "p"), kdf: .interactive)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path("bad.casevault")))
        expectCaseVaultError(.storage) {
            try Vault.create(at: directory.path("no/such/folder/vault.casevault"), admin: "first",
                             passphrase: SecureBytes(utf8: "p"), kdf: .interactive)
        }
        let path = directory.path("vault.casevault")
        _ = try Vault.create(at: path, admin: "first", passphrase: SecureBytes(utf8: "one"), kdf: .interactive)
        expectCaseVaultError(.alreadyExists) {
            try Vault.create(at: path, admin: "second", passphrase: SecureBytes(utf8: "two"), kdf: .interactive)
        }
        let reopened = try Vault.open(at: path)
        #expect(try reopened.userNames() == ["first"])
        #expect(try reopened.unlock(user: "first", passphrase: SecureBytes(utf8: "one")).role == .admin)
    }

    @Test("a file that is not a vault is refused as unsupported")
    func notAVault() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("plain.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE notes (text TEXT)") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        expectCaseVaultError(.unsupportedFormat) { try Vault.open(at: path) }
        // Looking was read-only: the file is unchanged and was not switched to WAL mode.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))

        let garbage = directory.path("garbage.casevault")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: garbage))
        expectCaseVaultError(.unsupportedFormat) { try Vault.open(at: garbage) }
    }
}
