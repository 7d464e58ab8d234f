import ArgumentParser
import CaseVault
import SodiumKit

/// `casevault user ...`: the vault's users.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Add and list users.", subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user with a role (admins only).")

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: "The new user's name (use a pseudonym).")
        var name: String

        @Option(name: .long, help: "coordinator, lawyer, auditor or admin.")
        var role: Role

        @Option(name: .long, help: "Key-derivation cost for the new keyslot.")
        var kdf: KDFProfile = .moderate

        @Option(name: .long, help: ArgumentHelp("A file holding the new user's passphrase.", valueName: "path"))
        var newPassphraseFile: String?

        func run() throws {
            let session = try vault.unlock(for: .addUsers)
            let passphrase = try PassphraseSource.readNew(file: newPassphraseFile, prompt: "Passphrase for \(name): ")
            try session.addUser(name: name, role: role, passphrase: passphrase, kdf: kdf)
            if output.json {
                Console.out(JSONValue.object([("name", .string(name)), ("role", .string(role.rawValue))]).rendered())
            } else {
                Console.out("Added \(name) as \(role).")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users and their certified roles.")

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let users = try vault.unlock().users()
            if output.json {
                Console.out(JSONValue.array(users.map {
                    .object([("name", .string($0.name)), ("role", .string($0.role.rawValue))])
                }).rendered())
            } else {
                let width = max(4, users.map(\.name.count).max() ?? 0)
                Console.out(Console.padded("NAME", width) + "  ROLE")
                for user in users {
                    Console.out(Console.padded(user.name, width) + "  \(user.role)")
                }
            }
        }
    }
}
