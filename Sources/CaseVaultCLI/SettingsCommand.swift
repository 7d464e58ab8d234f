import ArgumentParser
import CaseVault

/// `casevault settings`: shows or changes the vault's signed settings.
struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Show the vault's settings, or change them (admins only).")

    @OptionGroup var vault: VaultOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: "on: refuse identifying details in free text; off: warn only.")
    var strictText: Switch?

    @Option(name: .long, help: "on: keep the contact handle when a case closes; off: erase it.")
    var keepContact: Switch?

    @Option(name: .long, help: ArgumentHelp("IANA time zone for dates and --overdue.", valueName: "zone"))
    var timeZone: String?

    enum Switch: String, ExpressibleByArgument, CaseIterable {
        case on, off
    }

    func run() throws {
        let changing = strictText != nil || keepContact != nil || timeZone != nil
        let session = try changing ? vault.unlock(for: .changeSettings) : vault.unlock()
        var settings = session.settings
        if changing {
            if let strictText { settings.strictTextPolicy = strictText == .on }
            if let keepContact { settings.keepContactAfterClose = keepContact == .on }
            if let timeZone { settings.timeZone = timeZone }
            try session.updateSettings(settings)
        }
        if output.json {
            Console.out(JSONValue.object([("strictText", .bool(settings.strictTextPolicy)),
                                          ("keepContact", .bool(settings.keepContactAfterClose)),
                                          ("timeZone", .string(settings.timeZone))]).rendered())
        } else {
            Console.out("strict-text   \(settings.strictTextPolicy ? "on" : "off")")
            Console.out("keep-contact  \(settings.keepContactAfterClose ? "on" : "off")")
            Console.out("time-zone     \(settings.timeZone)")
        }
    }
}
