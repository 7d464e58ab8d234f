import ArgumentParser
import CaseVault
import Foundation
import SodiumKit

/// Options every vault command shares.
struct VaultOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The vault file (env CASEVAULT_VAULT).", valueName: "path"))
    var vault: String?

    @Option(name: .long, help: ArgumentHelp("Your user name (env CASEVAULT_USER).", valueName: "name"))
    var user: String?

    @Option(name: .long, help: ArgumentHelp(
        "A file holding your passphrase (env CASEVAULT_PASSPHRASE_FILE); otherwise you are asked on the terminal.",
        valueName: "path"))
    var passphraseFile: String?

    @Option(name: .customLong("passphrase"), help: .hidden)
    var passphraseArgument: String?

    func validate() throws {
        if passphraseArgument != nil {
            throw ValidationError("a passphrase on the command line ends up in shell history; "
                                  + "use --passphrase-file PATH or type it at the prompt")
        }
    }

    var vaultPath: String {
        vault ?? ProcessInfo.processInfo.environment["CASEVAULT_VAULT"] ?? "./casevault.db"
    }

    var userName: String? { user ?? ProcessInfo.processInfo.environment["CASEVAULT_USER"] }

    /// Opens the vault and unlocks it as the given user. `check` runs before the passphrase is
    /// asked for, so a role that may not run the command is refused before any prompt.
    func unlock(checking check: (Vault, String) throws -> Void = { _, _ in }) throws -> Session {
        guard let name = userName else {
            throw UsageError("no user given; pass --user NAME or set CASEVAULT_USER")
        }
        let vault = try Vault.open(at: vaultPath)
        try check(vault, name)
        let passphrase = try PassphraseSource.read(file: passphraseFile, prompt: "Passphrase for \(name): ")
        return try vault.unlock(user: name, passphrase: passphrase)
    }

    /// Opens the vault and unlocks it for `permission`, refusing a role without it before any prompt.
    func unlock(for permission: Permission) throws -> Session {
        try unlock { vault, name in try vault.check(permission, user: name) }
    }
}

/// `--json` for commands that print data.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON document instead of text.")
    var json = false
}

extension KDFProfile: ExpressibleByArgument {
    public init?(argument: String) { self.init(named: argument) }
    public static var allValueStrings: [String] { KDFProfile.all.map(\.name) }
}

extension Role: ExpressibleByArgument {}
extension CaseState: ExpressibleByArgument {}
extension Urgency: ExpressibleByArgument {}
extension Channel: ExpressibleByArgument {}
extension ServiceCategory: ExpressibleByArgument {}
extension Situation: ExpressibleByArgument {}

extension CaseID: ExpressibleByArgument {
    public init?(argument: String) { try? self.init(parsing: argument) }
}

extension CalendarDay: ExpressibleByArgument {
    public init?(argument: String) { try? self.init(parsing: argument) }
}

extension Region: ExpressibleByArgument {
    public init?(argument: String) { try? self.init(code: argument) }
}
