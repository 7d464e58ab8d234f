import ArgumentParser
import CaseVault
import Foundation

/// `casevault status`: the vault at a glance.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the vault's format, users by role, cases by state, overdue cases and audit log size.",
        discussion: "Any role may run it; an auditor, who cannot see deadlines, is shown no overdue count.")

    @OptionGroup var vault: VaultOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let session = try vault.unlock()
        let status = try session.status()
        if output.json {
            var keys: [(String, JSONValue)] = [
                ("vault", .string(session.vault.path)),
                ("formatVersion", .number(status.formatVersion)),
                ("softwareVersion", .string(status.softwareVersion)),
                ("users", .object(status.usersByRole.map { ($0.role.rawValue, .number($0.count)) })),
                ("cases", .number(status.caseCount)),
                ("casesByState", .object(status.casesByState.map { ($0.state.rawValue, .number($0.count)) })),
            ]
            if let overdue = status.overdue { keys.append(("overdue", .number(overdue))) }
            keys += [("auditEntries", .number(status.auditEntries)), ("fileBytes", .number(Int(status.fileBytes))),
                     ("lastCheckpoint", .optional(status.lastCheckpoint))]
            Console.out(JSONValue.object(keys).rendered())
            return
        }
        var lines = [
            "vault              \(session.vault.path) (format \(status.formatVersion), casevault "
                + "\(status.softwareVersion))",
            "users              " + status.usersByRole.map { "\($0.count) \($0.role)" }.joined(separator: ", "),
            "cases              \(status.caseCount)",
        ]
        for (state, count) in status.casesByState {
            lines.append("  " + Console.padded(state.rawValue, 15) + String(repeating: " ", count: 2) + "\(count)")
        }
        if let overdue = status.overdue { lines.append("overdue            \(overdue)") }
        lines.append("audit log          " + English.count(status.auditEntries, "entry", "entries"))
        lines.append("file size          " + ByteCountFormatter.string(fromByteCount: status.fileBytes, countStyle: .file))
        lines.append("last checkpoint    \(status.lastCheckpoint ?? "none")")
        Console.out(lines: lines)
    }
}
