import ArgumentParser
import CaseVault
import Foundation
import SodiumKit

/// `casevault case ...`: logging, listing and reading cases.
struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case", abstract: "Log, list, show and annotate cases.",
        subcommands: [New.self, Import.self, List.self, Find.self, Show.self, Note.self, Event.self])

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

        @Option(name: .long, parsing: .singleValue,
                help: ArgumentHelp("One or more of legal, exit, documents, medical, psychological, other "
                                   + "(repeat it, or separate with commas).", valueName: "need[,need...]"),
                transform: parsed { try Need.parseList($0, field: "need") })
        var need: [[Need]]

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
            if need.isEmpty { throw ValidationError("missing --need; give one or more of the request's needs") }
        }

        func run() throws {
            if contactFile != "-" && narrativeFile != "-" {
                try Console.refuseUnreadInput("--narrative-file - or --contact-file -")
            }
            let session = try vault.unlock(for: .logRequests)
            let interactive = SecureInput.standardInputIsTerminal
            let contact = try contactFile.map { try Console.readText($0, what: "contact").trimmingCharacters(
                in: .whitespacesAndNewlines) }
                ?? (interactive ? Console.prompt("Contact handle (empty for none): ", multiline: false) : nil)
            let narrative = try narrativeFile.map { try Console.readText($0, what: "narrative") }
                ?? (interactive ? Console.prompt("Narrative (end with Ctrl-D; empty for none):\n", multiline: true) : nil)
            let receipt = try session.intake(Request(
                received: received, channel: channel, region: region, service: service, situation: situation,
                needs: Set(need.joined()), urgency: urgency, deadline: deadline, contact: contact.flatMap { $0.isEmpty ? nil : $0 },
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
            abstract: "Log many requests from JSON Lines, all or nothing; prints the new ids in file order.",
            discussion: """
                On a terminal a progress bar runs on standard error; Ctrl-C stops the import and stores \
                nothing (exit 130). Requests whose contact matches an earlier open case, and narratives \
                with identifying details, are counted in one line each; --show-duplicates and \
                --show-warnings list them.
                """)

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        @Option(name: .long, help: ArgumentHelp("The JSON Lines file, or - for standard input.", valueName: "path"))
        var jsonl: String

        @Flag(name: .long, help: "Store the good lines and report the bad ones instead of storing nothing.")
        var skipBadLines = false

        @Flag(name: .long, help: "List each request whose contact matches an earlier open case, not just how many.")
        var showDuplicates = false

        @Flag(name: .long, help: "List each identifying-text warning, not just how many.")
        var showWarnings = false

        /// How many skipped lines are named on standard error before the rest are only counted.
        static let namedSkippedLines = 10

        func run() throws {
            let session = try vault.unlock()
            let data = try Console.readData(jsonl, what: "JSON Lines")
            let bar = ProgressBar(label: "importing", total: 0, unit: "requests")
            let saved = { (report: ImportReport) in
                "the import was already saved (\(report.receipts.count) new cases); 'casevault case list' shows them"
            }
            let report = try Interrupt.cancellable(afterwards: saved) {
                defer { bar.finish() }
                return try session.importRequests(jsonLines: data, skipBadLines: skipBadLines) { done, total in
                    try Interrupt.check()
                    bar.update(done, of: total)
                }
            }
            let imported = zip(report.receipts, report.lines).map { (receipt: $0, line: $1) }
            let duplicates = imported.filter { !$0.receipt.duplicatesOf.isEmpty }
            let warned = imported.filter { !$0.receipt.warnings.isEmpty }
            if output.json {
                Console.out(JSONValue.object([
                    ("ids", .array(report.receipts.map { .string($0.id.description) })),
                    ("skipped", .array(report.skipped.map {
                        .object([("line", .number($0.line)), ("reason", .string($0.reason))])
                    })),
                    ("duplicates", .array(duplicates.map {
                        .object([("id", .string($0.receipt.id.description)), ("line", .number($0.line)),
                                 ("duplicateOf", .array($0.receipt.duplicatesOf.map { .string($0.description) }))])
                    })),
                    ("warnings", .array(warned.map {
                        .object([("id", .string($0.receipt.id.description)), ("line", .number($0.line)),
                                 ("warnings", .array($0.receipt.warnings.map { .string($0.description) }))])
                    })),
                ]).rendered())
            } else if !report.receipts.isEmpty {
                Console.out(lines: report.receipts.map(\.id.description))
            }
            let notes = Import.notes(skipped: report.skipped, duplicates: duplicates, warned: warned,
                                     showDuplicates: showDuplicates, showWarnings: showWarnings)
            if !notes.isEmpty { FileHandle.standardError.write(Data((notes.joined(separator: "\n") + "\n").utf8)) }
        }

        /// The lines for standard error: never one per request unless asked for, so an import of
        /// thousands of requests ends with a few lines, not thousands.
        static func notes(skipped: [ImportLineError], duplicates: [(receipt: IntakeReceipt, line: Int)],
                          warned: [(receipt: IntakeReceipt, line: Int)], showDuplicates: Bool,
                          showWarnings: Bool) -> [String] {
            var notes = skipped.prefix(namedSkippedLines).map { "casevault: skipped \($0)" }
            let unnamed = skipped.count - namedSkippedLines
            if unnamed > 0 {
                notes.append("casevault: skipped \(unnamed) more bad line\(unnamed == 1 ? "" : "s"); "
                             + "--json lists every one")
            }
            if showDuplicates {
                for (receipt, line) in duplicates {
                    let others = receipt.duplicatesOf.map(\.description).joined(separator: ", ")
                    notes.append("casevault: note: case \(receipt.id) (line \(line)) has the same contact as open "
                                 + "case\(receipt.duplicatesOf.count == 1 ? "" : "s") \(others)")
                }
            } else if duplicates.count == 1 {
                notes.append("casevault: note: 1 request shares a contact with an earlier case; "
                             + "--show-duplicates lists it")
            } else if duplicates.count > 1 {
                notes.append("casevault: note: \(ProgressBar.grouped(duplicates.count)) requests share a contact "
                             + "with earlier cases; --show-duplicates lists them")
            }
            if showWarnings {
                for (receipt, line) in warned {
                    notes += receipt.warnings.map { "casevault: warning: case \(receipt.id) (line \(line)): \($0)" }
                }
            } else if warned.count == 1 {
                notes.append("casevault: warning: 1 request has identifying details in its narrative; "
                             + "--show-warnings lists it")
            } else if warned.count > 1 {
                notes.append("casevault: warning: \(ProgressBar.grouped(warned.count)) requests have identifying "
                             + "details in their narratives; --show-warnings lists them")
            }
            return notes
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List cases: most urgent first, then by deadline, then by received date.")

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        @Option(name: .long, parsing: .singleValue, help: "Only cases in this state (repeat for any of several).")
        var state: [CaseState] = []
        @Option(name: .long, parsing: .singleValue, help: "Only cases of this urgency (repeat for any of several).")
        var urgency: [Urgency] = []
        @Option(name: .long, parsing: .singleValue,
                help: ArgumentHelp("Only cases assigned to this user (repeat for any of several).", valueName: "name"))
        var assignee: [String] = []
        @Flag(name: .long, help: "Only open cases whose deadline has passed.") var overdue = false
        @Option(name: .long, help: ArgumentHelp("Show at most N cases.", valueName: "N"))
        var limit: Int?
        @Option(name: .long, help: ArgumentHelp("Pass over the first N cases (with --limit, for the next page).",
                                                valueName: "N"))
        var offset = 0

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit \(limit) shows nothing; give 1 or more") }
            if offset < 0 { throw ValidationError("--offset \(offset) is negative; the first case is at 0") }
        }

        func run() throws {
            let page = try vault.unlock(for: .listCases).cases(
                CaseFilter(states: Set(state), urgencies: Set(urgency), assignees: Set(assignee), overdue: overdue),
                offset: offset, limit: limit)
            let cases = page.cases
            if output.json {
                Console.out(JSONValue.array(cases.map(CaseJSON.summary)).rendered())
                return
            }
            CaseCommand.printListing(cases)
            if Console.stderrIsTerminal { Console.err(CaseCommand.pageLine(page)) }
        }
    }

    /// `casevault case find`: the cases sharing a contact handle.
    struct Find: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find the cases whose contact is the same handle or number (open or closed, contact kept).",
            discussion: """
                The contact comes from --contact-file (or - for standard input, or a prompt on a terminal), never \
                an option. Phone numbers match in any spelling (+7 912..., 8 912...), handles with or without @.
                """)

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        @Option(name: .long, help: ArgumentHelp("A file with the contact handle, or - for standard input.",
                                                valueName: "path"))
        var contactFile: String?

        @Option(name: .customLong("contact"), help: .hidden) var contactArgument: String?

        func validate() throws {
            try refuseSensitive(contactArgument, option: "contact", use: "--contact-file PATH (or - for standard input)")
        }

        func run() throws {
            let session = try vault.unlock(for: .lookUpContacts)
            let contact = try contactFile.map { try Console.readText($0, what: "contact") }
                ?? (SecureInput.standardInputIsTerminal ? Console.prompt("Contact handle: ", multiline: false) : nil)
            guard let contact, !contact.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw UsageError("no contact to look for; pass --contact-file PATH (or - for standard input)")
            }
            let cases = try session.cases(sharingContact: contact)
            if output.json {
                Console.out(JSONValue.array(cases.map(CaseJSON.summary)).rendered())
            } else {
                CaseCommand.printListing(cases)
            }
            if Console.stderrIsTerminal { Console.err(English.count(cases.count, "case") + " with this contact") }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one case, verifying its history.")

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: "The case id (26 characters).", transform: parsed(CaseID.init(parsing:)))
        var id: CaseID

        func run() throws {
            let record = try vault.unlock(for: .readCases).case(id)
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
            let session = try vault.unlock(for: .writeNotes)
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
                Console.out("Added \(English.withArticle(compartment.rawValue)) note to case \(id).")
            }
        }
    }

    /// "Cases 51-100 of 1,234" for a page, or "1,234 cases" for a whole listing.
    static func pageLine(_ page: CasePage) -> String {
        let shown = page.cases.count
        if shown == page.total { return English.count(page.total, "case") }
        if shown == 0 { return "no cases from offset \(page.offset) (\(English.count(page.total, "case")) in all)" }
        return "cases \(page.offset + 1)-\(page.offset + shown) of \(page.total)"
    }

    /// Prints summaries as the listing's table.
    static func printListing(_ cases: [CaseSummary]) {
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
    }
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
