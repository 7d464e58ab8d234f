import ArgumentParser
import CaseVault
import Foundation

/// `casevault`: the admin command line of a CaseVault vault.
@main
struct CaseVaultCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casevault",
        abstract: "Pseudonymous, encrypted casework for organisations that receive confidential help requests.",
        discussion: """
            Sensitive text (contacts, narratives, notes) is read from files or standard input, never from \
            options. Exit status: 0 success, 1 refused or failed, 2 usage error.
            """,
        version: Vault.softwareVersion,
        subcommands: [InitCommand.self, UserCommand.self, CaseCommand.self, PartnerCommand.self, ReferralCommand.self,
                      ExportCommand.self, WorkflowCommand.self, SettingsCommand.self, StatusCommand.self,
                      DemoCommand.self])

    /// Runs the command and maps every failure to one line on stderr and the exit status of the contract.
    static func main() {
        Interrupt.install()
        let status: Int32
        do {
            try RepeatedOptions.check(Array(CommandLine.arguments.dropFirst()), root: self)
            var command = try parseAsRoot()
            try command.run()
            status = 0
        } catch let interrupted as Interrupt.Interrupted {
            Interrupt.report(interrupted)
            status = interrupted.status
        } catch let error as CaseVaultError {
            Console.err("casevault: \(ErrorLine.line(for: error))")
            status = 1
        } catch let error as BatchRefused {
            Console.err("casevault: \(error.message)")
            status = 1
        } catch let error as UsageError {
            Console.err("casevault: \(error.message)")
            status = 2
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Console.out(fullMessage(for: error))
                status = 0
            } else {
                Console.err("casevault: \(ErrorLine.usageLine(message(for: error)))")
                status = 2
            }
        }
        Foundation.exit(status)
    }
}

/// Parses a value with a library parser inside ArgumentParser's `transform`, so its message is kept.
func parsed<T>(_ body: @escaping @Sendable (String) throws -> T) -> @Sendable (String) throws -> T {
    { text in
        do { return try body(text) } catch let error as CaseVaultError {
            throw ValidationError(ErrorLine.line(for: error))
        }
    }
}
