import ArgumentParser
import CaseVault
import SodiumKit

/// `casevault init`: creates a vault and its first admin, and prints the recovery code once.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create a new vault with its first admin; prints a recovery code once.")

    @OptionGroup var vault: VaultOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("The first admin's name (use a pseudonym).", valueName: "name"))
    var admin: String

    @Option(name: .long, help: "Key-derivation cost: interactive (tests and demos only), moderate, sensitive.")
    var kdf: KDFProfile = .moderate

    func run() throws {
        let passphrase = try PassphraseSource.read(file: vault.passphraseFile,
                                                   prompt: "New passphrase for \(admin): ", confirm: true)
        let created = try Vault.create(at: vault.vaultPath, admin: admin, passphrase: passphrase, kdf: kdf)
        let code = created.recoveryCode.reveal()
        if output.json {
            Console.out(JSONValue.object([("vault", .string(vault.vaultPath)), ("admin", .string(admin)),
                                          ("kdf", .string(kdf.name)), ("recoveryCode", .string(code))]).rendered())
        } else {
            Console.out("Created vault \(vault.vaultPath) with admin \(admin) (key derivation: \(kdf.name)).")
            Console.out("Recovery code (shown only now; write it down and keep it offline):")
            Console.out("  \(code)")
        }
    }
}
