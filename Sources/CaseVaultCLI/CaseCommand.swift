import ArgumentParser
import CaseVault
import Foundation
import SodiumKit

/// `casevault case ...`: logging, listing and reading cases.
struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case", abstract: "Log, list, show and annotate cases.",
        subcommands: [New.self, Import.self, List.self, Show.self, Note.self, Event.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log a new request; prints only the new case id.",
            discussion: "The contact handle and narrative come from files (or - for standard input), never options.")

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        @Option(name: .long, help: ArgumentHelp("When the request arrived.", valueName: "YYYY-MM-DD"),
                transform: parsed(CalendarDay.init(parsing:)))
        var received: CalendarDay

        @Option(name: .long, help: "messenger, email, phone, in-person or partner.")
        var channel: Channel

        @Option(name: .long, help: ArgumentHelp("ISO 3166-2 region code (RU-MOW, UA-43) or unknown.", valueName: "code"),
                transform: parsed(Region.init(code:)))
        var region: Region

        @Option(name: .long, help: "mobilized, contract, conscript, volunteer or unknown.")
        var service: ServiceCategory

        @Option(name: .long, help: "front, hospital, leave, awol, abroad or other.")
        var situation: Situation

        @Option(name: .long, help: ArgumentHelp("One or more of legal, exit, documents, medical, psychological, other.",
                                                valueName: "need[,need...]"),
                transform: parsed(CaseCommand.needs))
        var need: Set<Need>

        @Option(name: .long, help: "critical, high or normal.")
        var urgency: Urgency

        @Option(name: .long, help: ArgumentHelp("A date by which something must happen.", valueName: "YYYY-MM-DD"),
                transform: parsed(CalendarDay.init(parsing:)))
        var deadline: CalendarDay?

        @Option(name: .long, help: ArgumentHelp("A file with the contact handle, or - for standard input.",
                                                valueName: "path"))
        var contactFile: String?

        @Option(name: .long, help: ArgumentHelp("A file with the narrative, or - for standard input.", valueName: "path"))
        var narrativeFile: String?

        @Option(name: .customLong("contact"), help: .hidden) var contactArgument: String?
        @Option(name: .customLong("narrative"), help: .hidden) var narrativeArgument: String?

        func validate() throws {
            try refuseSensitive(contactArgument, option: "contact", use: "--contact-file PATH (or - for standard input)")
            try refuseSensitive(narrativeArgument, option: "narrative",
                                use: "--narrative-file PATH (or - for standard input)")
            if contactFile == "-" && narrativeFile == "-" {
                throw ValidationError("only one of --contact-file and --narrative-file can read standard input")
            }
        }

        func run() throws {
            let session = try vault.unlock()
            let interactive = SecureInput.standardInputIsTerminal
            let contact = try contactFile.map { try Console.readText($0, what: "contact").trimmingCharacters(
                in: .whitespacesAndNewlines) }
                ?? (interactive ? Console.prompt("Contact handle (empty for none): ", multiline: false) : nil)
            let narrative = try narrativeFile.map { try Console.readText($0, what: "narrative") }
                ?? (interactive ? Console.prompt("Narrative (end with Ctrl-D; empty for none):\n", multiline: true) : nil)
            let receipt = try session.intake(Request(
                received: received, channel: channel, region: region, service: service, situation: situation,
                needs: need, urgency: urgency, deadline: deadline, contact: contact.flatMap { $0.isEmpty ? nil : $0 },
                narrative: narrative))
            if output.json {
                Console.out(JSONValue.object([
                    ("id", .string(receipt.id.description)),
                    ("duplicatesOf", .array(receipt.duplicatesOf.map { .string($0.description) })),
                    ("warnings", .array(receipt.warnings.map { .string($0.description) })),
                ]).rendered())
            } else {
                Console.out(receipt.id.description)
            }
            printReceipt(receipt)
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log many requests from JSON Lines, all or nothing; prints the new ids in file order.")

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        @Option(name: .long, help: ArgumentHelp("The JSON Lines file, or - for standard input.", valueName: "path"))
        var jsonl: String

        @Flag(name: .long, help: "Store the good lines and report the bad ones instead of storing nothing.")
        var skipBadLines = false

        func run() throws {
            let session = try vault.unlock()
            let data = try Console.readData(jsonl, what: "JSON Lines")
            if Console.stderrIsTerminal { Console.err("Importing requests from \(jsonl)...") }
            let report = try session.importRequests(jsonLines: data, skipBadLines: skipBadLines)
            if output.json {
                Console.out(JSONValue.object([
                    ("ids", .array(report.receipts.map { .string($0.id.description) })),
                    ("skipped", .array(report.skipped.map {
                        .object([("line", .number($0.line)), ("reason", .string($0.reason))])
                    })),
                ]).rendered())
            } else {
                for receipt in report.receipts { Console.out(receipt.id.description) }
            }
            for skipped in report.skipped { Console.err("casevault: skipped \(skipped)") }
            for receipt in report.receipts { printReceipt(receipt) }
            if Console.stderrIsTerminal { Console.err("Imported \(report.receipts.count) request(s).") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List cases: most urgent first, then by deadline, then by received date.")

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        @Option(name: .long, help: "Only cases in this state.") var state: CaseState?
        @Option(name: .long, help: "Only cases of this urgency.") var urgency: Urgency?
        @Option(name: .long, help: ArgumentHelp("Only cases assigned to this user.", valueName: "name"))
        var assignee: String?
        @Flag(name: .long, help: "Only open cases whose deadline has passed.") var overdue = false

        func run() throws {
            let cases = try vault.unlock().cases(CaseFilter(state: state, urgency: urgency, assignee: assignee,
                                                            overdue: overdue))
            if output.json {
                Console.out(JSONValue.array(cases.map(CaseJSON.summary)).rendered())
                return
            }
            var lines = [[Console.padded("ID", 26), "RECEIVED  ", "STATE          ", "URGENCY ", "DEADLINE  ",
                          "REGION ", "NEEDS"].joined(separator: "  ")]
            lines.reserveCapacity(cases.count + 1)
            for item in cases {
                lines.append([item.id.description, item.received.description, Console.padded(item.state.rawValue, 15),
                              Console.padded(item.urgency.rawValue, 8),
                              Console.padded(item.deadline?.description ?? "-", 10),
                              Console.padded(item.region.code, 7),
                              item.needs.map(\.rawValue).joined(separator: ",")].joined(separator: "  "))
            }
            Console.out(lines: lines)
            if Console.stderrIsTerminal { Console.err("\(cases.count) case(s)") }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one case, verifying its history.")

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: "The case id (26 characters).", transform: parsed(CaseID.init(parsing:)))
        var id: CaseID

        func run() throws {
            let record = try vault.unlock().case(id)
            if output.json {
                Console.out(CaseJSON.record(record).rendered())
                return
            }
            let request = record.request
            Console.out("Case \(record.id)")
            Console.out("  received   \(request.received) via \(request.channel)")
            Console.out("  region     \(request.region) (\(request.region.district))")
            Console.out("  service    \(request.service), situation \(request.situation)")
            Console.out("  needs      \(request.needs.sorted().map(\.rawValue).joined(separator: ", "))")
            Console.out("  urgency    \(request.urgency)" + (request.deadline.map { ", deadline \($0)" } ?? ""))
            Console.out("  state      \(record.state)" + (record.assignee.map { ", assigned to \($0)" } ?? "")
                        + (record.state == .closed ? ", outcome \(record.outcome)" : ""))
            Console.out("  contact    \(request.contact ?? "(none)")")
            if let narrative = request.narrative {
                Console.out("  narrative")
                for line in narrative.split(separator: "\n", omittingEmptySubsequences: false) {
                    Console.out("    \(line)")
                }
            }
            Console.out("  history")
            for entry in record.history {
                Console.out("    \(entry.at)  \(entry.event) -> \(entry.to) by \(entry.actor)"
                            + (entry.note.map { ": \($0)" } ?? ""))
            }
            for referral in record.referrals {
                Console.out("  referral   to \(referral.partner): \(referral.status.rawValue), sent \(referral.sentAt)")
            }
            if !record.notes.isEmpty {
                Console.out("  notes")
                for note in record.notes {
                    Console.out("    \(note.at)  \(note.author) [\(note.compartment)]: \(note.text)")
                }
            }
        }
    }

    struct Note: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a signed note to a case.",
            discussion: """
                A --legal note is sealed to the legal compartment: lawyers and admins can read it, \
                a coordinator who writes one cannot read it back.
                """)

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: "The case id.", transform: parsed(CaseID.init(parsing:)))
        var id: CaseID

        @Option(name: .long, help: ArgumentHelp("A file with the note, or - for standard input.", valueName: "path"))
        var textFile: String?

        @Flag(name: .long, help: "Write a legal note (readable by lawyers and admins only).")
        var legal = false

        @Option(name: .customLong("text"), help: .hidden) var textArgument: String?

        func validate() throws {
            try refuseSensitive(textArgument, option: "text", use: "--text-file PATH (or - for standard input)")
        }

        func run() throws {
            let session = try vault.unlock()
            guard let text = try textFile.map({ try Console.readText($0, what: "note") })
                ?? (SecureInput.standardInputIsTerminal
                    ? Console.prompt("Note (end with Ctrl-D):\n", multiline: true) : nil) else {
                throw UsageError("no note text; pass --text-file PATH (or - for standard input)")
            }
            let compartment: Compartment = legal ? .legal : .intake
            let warnings = try session.addNote(to: id, text: text, compartment: compartment)
            for warning in warnings { Console.err("casevault: warning: \(warning)") }
            if output.json {
                Console.out(JSONValue.object([
                    ("case", .string(id.description)), ("compartment", .string(compartment.rawValue)),
                    ("warnings", .array(warnings.map { .string($0.description) })),
                ]).rendered())
            } else {
                Console.out("Added a \(compartment.rawValue) note to case \(id).")
            }
        }
    }

    static func needs(_ text: String) throws -> Set<Need> { Set(try Need.parseList(text, field: "need")) }
}

/// Refuses sensitive text given as a plain option: it would land in shell history and the process list.
func refuseSensitive(_ value: String?, option: String, use replacement: String) throws {
    if value != nil {
        throw ValidationError("--\(option) would put sensitive text in shell history and the process list; "
                              + "use \(replacement)")
    }
}

/// Prints what intake found to standard error: duplicates and text warnings.
func printReceipt(_ receipt: IntakeReceipt) {
    for duplicate in receipt.duplicatesOf {
        Console.err("casevault: note: case \(receipt.id) has the same contact as open case \(duplicate)")
    }
    for warning in receipt.warnings { Console.err("casevault: warning: case \(receipt.id): \(warning)") }
}
