import ArgumentParser
import CaseVault
import Foundation
import SodiumKit

extension CaseCommand {
    /// `casevault case event`: fires a workflow event on one case, or on every case of a list.
    struct Event: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "event",
            abstract: "Fire a workflow event on a case, or on many ('casevault workflow' shows the table).",
            usage: """
                casevault case event <id> <event> [<options>]
                casevault case event <event> --ids-file <path> [<options>]
                """,
            discussion: """
                With --ids-file, the event is fired on every case listed (one id per line; blank lines and lines \
                starting with # are passed over), each case in its own transaction: a case the workflow refuses \
                is reported and the others go ahead. A summary of done and refused follows; the exit status is 1 \
                if any case was refused. The note (why) comes from --note-file (or - for standard input), never \
                an option.
                """)

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: ArgumentHelp("The case id, then the event; with --ids-file, the event alone. Events: "
                                     + WorkflowEvent.allCases.map(\.rawValue).joined(separator: ", ") + ".",
                                     valueName: "id-and-event"))
        var words: [String] = []

        @Option(name: .long, help: ArgumentHelp("A file of case ids, one per line, or - for standard input.",
                                                valueName: "path"))
        var idsFile: String?

        @Option(name: .long, help: ArgumentHelp("A file with the note (why), or - for standard input.",
                                                valueName: "path"))
        var noteFile: String?

        @Option(name: .long, help: ArgumentHelp("The partner's handle, for refer.", valueName: "name"))
        var partner: String?

        @Option(name: .long, help: ArgumentHelp("The outcome, for close.", valueName: "outcome"),
                transform: parsed { try Outcome.parse($0, field: "outcome") })
        var outcome: Outcome?

        @Flag(name: .long, help: "The person consented to the referral (required by refer).")
        var consent = false

        @Option(name: .long, help: ArgumentHelp("The lawyer to assign, for reassign.", valueName: "name"))
        var assignee: String?

        @Option(name: .customLong("note"), help: .hidden) var noteArgument: String?

        /// The case (nil with --ids-file) and the event, from the positional words.
        var target: (id: CaseID?, event: WorkflowEvent) {
            get throws {
                let expected = idsFile == nil ? 2 : 1
                guard words.count == expected else {
                    throw ValidationError(idsFile == nil
                        ? (words.count < 2 ? "give the case id and the event (case event ID EVENT), or the event "
                           + "with --ids-file" : "too many words: give the case id and the event")
                        : "with --ids-file give only the event, not a case id")
                }
                if expected == 2, (try? WorkflowEvent.parse(words[0], field: "event")) != nil,
                   (try? CaseID(parsing: words[1])) != nil {
                    throw ValidationError("give the case id first, then the event: case event \(words[1]) \(words[0])")
                }
                let event = try parsed { try WorkflowEvent.parse($0, field: "event") }(words[expected - 1])
                let id = expected == 2 ? try parsed(CaseID.init(parsing:))(words[0]) : nil
                return (id, event)
            }
        }

        func validate() throws {
            try refuseSensitive(noteArgument, option: "note", use: "--note-file PATH (or - for standard input)")
            let event = try target.event
            let given: [(WorkflowRequirement, String, Bool)] = [
                (.note, "note-file", noteFile != nil), (.partner, "partner", partner != nil),
                (.consent, "consent", consent), (.outcome, "outcome", outcome != nil),
                (.assignee, "assignee", assignee != nil),
            ]
            let accepted = Workflow.inputs(for: event)
            for (input, option, isGiven) in given where isGiven && !accepted.contains(input) {
                let takers = Workflow.events(taking: input).map(\.rawValue)
                throw ValidationError("--\(option) means nothing for \(event); only \(English.list(takers)) "
                                      + (takers.count == 1 ? "takes" : "take") + " it")
            }
            if idsFile == "-" && noteFile == "-" {
                throw ValidationError("only one of --ids-file and --note-file can read standard input")
            }
        }

        func run() throws {
            let (id, event) = try target
            if noteFile != "-" && idsFile != "-" {
                try Console.refuseUnreadInput(idsFile == nil ? "--note-file -" : "--note-file - or --ids-file -")
            }
            let ids = try idsFile.map(readIDs)
            let session = try vault.unlock { vault, name in try vault.check(event, user: name) }
            let note = try noteFile.map { try Console.readText($0, what: "note") }
            let inputs = WorkflowInputs(note: note, partner: partner, consent: consent, outcome: outcome,
                                        assignee: assignee)
            // The free-text warning follows a stored note (under a strict policy the event is refused instead).
            let warning = note.flatMap { session.identifyingDetails(in: $0, field: "note") }
            guard let ids else {
                // One case: `words` held an id (the count was checked in validate).
                guard let id else { return }
                let record = try session.perform(event, on: id, with: inputs)
                if let warning { Console.err("casevault: warning: \(warning)") }
                if output.json {
                    Console.out(CaseJSON.record(record).rendered())
                } else {
                    Console.out(Event.line(id, event, record))
                }
                return
            }
            try fire(event, on: ids, with: inputs, session: session, warning: warning)
        }

        /// Fires `event` on each case, one transaction each; prints what was done and a summary.
        private func fire(_ event: WorkflowEvent, on ids: [CaseID], with inputs: WorkflowInputs,
                          session: Session, warning: TextFinding?) throws {
            var done: [(CaseID, CaseRecord)] = []
            var refused: [(CaseID, CaseVaultError)] = []
            let bar = ProgressBar(label: event.rawValue, total: ids.count)
            defer { bar.finish() }
            // Lines for the terminal the bar is drawn on clear it first; the next update draws it again.
            let sharesTerminal = isatty(STDOUT_FILENO) == 1
            try Interrupt.cancellable(afterwards: { _ in
                "every case was already handled: \(done.count) done, \(refused.count) refused"
            }) {
                bar.update(0)
                for (position, id) in ids.enumerated() {
                    // Between two cases: each is its own transaction, so the ones done stay done.
                    do { try Interrupt.check() } catch var interrupted as Interrupt.Interrupted {
                        bar.finish()
                        interrupted.line = "interrupted after \(position) of \(ids.count) cases: \(done.count) done, "
                            + "\(refused.count) refused, the other \(ids.count - position) not changed"
                        throw interrupted
                    }
                    do {
                        let record = try session.perform(event, on: id, with: inputs)
                        done.append((id, record))
                        if !output.json {
                            if sharesTerminal { bar.finish() }
                            Console.out(Event.line(id, event, record))
                        }
                    } catch let error as CaseVaultError where error.code != .storage {
                        refused.append((id, error))
                        if !output.json {
                            bar.finish()
                            Console.err("casevault: \(ErrorLine.line(for: error))")
                        }
                    }
                    bar.update(position + 1)
                }
            }
            bar.finish()
            if let warning, !done.isEmpty { Console.err("casevault: warning: \(warning)") }
            if output.json {
                Console.out(JSONValue.object([
                    ("event", .string(event.rawValue)),
                    ("done", .array(done.map { id, record in
                        .object([("id", .string(id.description)), ("state", .string(record.state.rawValue))])
                    })),
                    ("refused", .array(refused.map { id, error in
                        .object([("id", .string(id.description)), ("error", .string(ErrorLine.line(for: error)))])
                    })),
                ]).rendered())
            }
            let summary = "\(event): \(English.count(done.count, "case")) done, \(refused.count) refused"
            guard refused.isEmpty else {
                throw BatchRefused(message: summary + "; the refused cases were not changed (they are listed "
                                   + (output.json ? "under \"refused\")" : "above)"))
            }
            if Console.stderrIsTerminal { Console.err(summary) }
        }

        /// The case ids of the ids file, in order, each once; a line that is no case id is a usage error.
        private func readIDs(_ path: String) throws -> [CaseID] {
            let data = try Console.readData(path, what: "ids")
            guard let text = String(data: data, encoding: .utf8) else {
                throw UsageError("the ids file \(path) is not UTF-8 text")
            }
            var ids: [CaseID] = []
            var seen = Set<CaseID>()
            for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                if line.isEmpty || line.hasPrefix("#") { continue }
                // The first column, so the output of 'case list' can be fed back in.
                let word = String(line.split(whereSeparator: { $0 == " " || $0 == "\t" })[0])
                if word == "ID" && number == 0 { continue }
                guard let id = try? CaseID(parsing: word) else {
                    throw UsageError("line \(number + 1) of \(path == "-" ? "standard input" : path): '\(word)' is "
                                     + "not a case id; fix the line, or start it with # to pass over it")
                }
                if seen.insert(id).inserted { ids.append(id) }
            }
            guard !ids.isEmpty else { throw UsageError("the ids file \(path) lists no case ids; nothing was done") }
            return ids
        }

        static func line(_ id: CaseID, _ event: WorkflowEvent, _ record: CaseRecord) -> String {
            "Case \(id): \(event) -> \(record.state)" + (record.state == .closed ? " (\(record.outcome))" : "")
                + (record.assignee.map { ", assigned to \($0)" } ?? "")
        }
    }
}

/// A batch in which some items were refused: the summary line, exit status 1.
struct BatchRefused: Error {
    let message: String
}

/// `casevault workflow`: the transition table and a Mermaid diagram, generated from the code.
struct WorkflowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow", abstract: "Print the workflow's transition table and a Mermaid state diagram.")

    @OptionGroup var output: OutputOptions

    func run() {
        if output.json {
            Console.out(Self.json.rendered())
            return
        }
        Console.out("# CaseVault workflow\n")
        Console.out(Workflow.documentation)
    }

    /// The library's transition table as data: one transition per rule (`to` is `null` when the state stays),
    /// and the vocabularies of states, events and outcomes.
    static var json: JSONValue {
        func strings<T: RawRepresentable>(_ values: [T]) -> JSONValue where T.RawValue == String {
            .array(values.map { .string($0.rawValue) })
        }
        return .object([
            ("transitions", .array(Workflow.rules.map { rule in
                .object([("event", .string(rule.event.rawValue)), ("from", strings(rule.from)),
                         ("to", .optional(rule.to?.rawValue)), ("roles", strings(rule.roles)),
                         ("requires", strings(rule.requires)), ("outcomes", strings(rule.outcomes))])
            })),
            ("states", strings(CaseState.allCases)),
            ("events", strings(WorkflowEvent.allCases)),
            ("outcomes", strings(Outcome.allCases)),
        ])
    }
}

/// `casevault partner ...`: the registry of partner organisations.
struct PartnerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partner", abstract: "Register and list partner organisations.", subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a partner (admins only).",
            discussion: """
                The handle is the short name commands use (--partner safe-exit); --display-name gives the \
                organisation's full name, which may hold spaces.
                """)

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: ArgumentHelp("The partner's short handle: letters, digits, '.', '-' or '_'.",
                                     valueName: "handle"))
        var name: String

        @Option(name: .long, help: ArgumentHelp("The organisation's full name (spaces allowed).", valueName: "name"))
        var displayName: String?

        @Option(name: .long, parsing: .singleValue,
                help: ArgumentHelp("Services offered: legal, exit, documents, medical, psychological, other "
                                   + "(repeat it, or separate with commas).", valueName: "s[,s...]"),
                transform: parsed { try Need.parseList($0, field: "partner service") })
        var services: [[Need]] = []

        @Option(name: .long, help: ArgumentHelp("The partner's X25519 public key (from 'referral keygen').",
                                                valueName: "base64"),
                transform: parsed(decodeKey))
        var publicKey: [UInt8]?

        func validate() throws {
            if services.isEmpty { throw ValidationError("missing --services; give the services the partner offers") }
            if name.contains(" ") && displayName == nil {
                throw ValidationError("the handle '\(name)' has spaces; give a short handle and the full name with "
                                      + "--display-name")
            }
        }

        func run() throws {
            let partner = Partner(name: name, displayName: displayName, services: Array(Set(services.joined())).sorted(),
                                  publicKey: publicKey)
            try vault.unlock(for: .addPartners).addPartner(partner)
            if output.json {
                Console.out(PartnerCommand.json(partner).rendered())
            } else {
                Console.out("Added partner \(name)" + (displayName.map { " (\($0))" } ?? "") + ".")
            }
        }
    }

    /// A partner as JSON: handle, display name (when it has one), services and public key.
    static func json(_ partner: Partner) -> JSONValue {
        // `displayName` only when set, so a vault's partners print as they did before there were any.
        .object([("name", .string(partner.name))] + (partner.displayName.map { [("displayName", .string($0))] } ?? [])
                + [("services", .array(partner.services.map { .string($0.rawValue) })),
                   ("publicKey", .optional(partner.publicKey.map { Data($0).base64EncodedString() }))])
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List partners.")

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let partners = try vault.unlock().partners()
            if output.json {
                Console.out(JSONValue.array(partners.map(PartnerCommand.json)).rendered())
                return
            }
            // The line 0.4.0 printed, with the display name after the handle when there is one.
            let lines = partners.map { partner in
                partner.name + (partner.displayName.map { " (\($0))" } ?? "") + "  services: "
                    + partner.services.map(\.rawValue).joined(separator: ",") + "  key: "
                    + (partner.publicKey.map { Data($0).base64EncodedString() } ?? "(none)")
            }
            if !lines.isEmpty { Console.out(lines: lines) }
        }
    }
}

/// Decodes a base64 X25519 public key given as an option.
func decodeKey(_ text: String) throws -> [UInt8] {
    guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
          data.count == BoxKeyPair.publicKeyLength else {
        throw ValidationError("'\(text)' is not a 32-byte key in base64 (44 characters)")
    }
    return [UInt8](data)
}

/// `casevault referral ...`: sealed referral packets for partners.
struct ReferralCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "referral", abstract: "Referral packets: a partner's keys, writing and opening packets.",
        subcommands: [Keygen.self, Packet.self, Open.self])

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a partner's key pair (the partner's side); prints the public key.")

        @OptionGroup var output: OutputOptions

        @Option(name: .long, help: ArgumentHelp("Where to write the secret key (created owner-only).",
                                                valueName: "file"))
        var out: String

        func run() throws {
            let pair = ReferralPacket.generatePartnerKeyPair()
            try ReferralPacket.writePartnerKeyFile(pair, to: out)
            let publicKey = Data(pair.publicKey).base64EncodedString()
            if output.json {
                Console.out(JSONValue.object([("publicKey", .string(publicKey)), ("file", .string(out))]).rendered())
            } else {
                Console.out(publicKey)
            }
        }
    }

    struct Packet: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a referral packet for a referred case, sealed to its partner and signed by you.")

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: "The case id.", transform: parsed(CaseID.init(parsing:)))
        var id: CaseID

        @Option(name: .long, parsing: .singleValue,
                help: ArgumentHelp("Fields to share: " + PacketField.allCases.map(\.rawValue).joined(separator: ", ")
                                   + " (repeat it, or separate with commas).", valueName: "f[,f...]"),
                transform: parsed { try PacketField.parseList($0, field: "field") })
        var fields: [[PacketField]] = []

        @Option(name: .long, help: ArgumentHelp("Where to write the packet.", valueName: "file"))
        var out: String

        func run() throws {
            guard !fields.isEmpty else { throw UsageError("missing --fields; name the fields to share") }
            var chosen: [PacketField] = []
            for field in fields.joined() where !chosen.contains(field) { chosen.append(field) }
            let session = try vault.unlock(for: .writeReferralPackets)
            let packet = try session.referralPacket(for: id, fields: chosen)
            try ReferralPacket.write(packet, toFile: out)
            let organisationKey = Data(session.organisationKey).base64EncodedString()
            if output.json {
                // The packet went to the case's open referral, which is its last one.
                let partner = try session.case(id).referrals.last?.partner
                Console.out(JSONValue.object([
                    ("file", .string(out)), ("case", .string(id.description)), ("partner", .optional(partner)),
                    ("organisationKey", .string(organisationKey)),
                ]).rendered())
            } else {
                Console.out("Wrote \(out). The partner opens it with its key and the organisation key "
                            + organisationKey)
            }
        }
    }

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a referral packet (the partner's side) and check its signature.")

        @OptionGroup var output: OutputOptions

        @Argument(help: "The packet file.") var file: String

        @Option(name: .long, help: ArgumentHelp("The partner's secret key file (from 'referral keygen').",
                                                valueName: "file"))
        var partnerKey: String

        @Option(name: .long, help: ArgumentHelp("The organisation's key, as printed by 'referral packet'.",
                                                valueName: "base64"),
                transform: parsed(decodeKey))
        var orgKey: [UInt8]

        func run() throws {
            let packet = try Console.readData(file, what: "packet")
            var keyFile = [UInt8](try Console.readData(partnerKey, what: "partner key"))
            defer { SecureBytes.wipe(&keyFile) }
            let key = try ReferralPacket.partnerSecretKey(keyFile: keyFile)
            let opened = try ReferralPacket.open([UInt8](packet), partnerSecretKey: key, organisationKey: orgKey)
            if output.json {
                Console.out(JSONValue.object([
                    ("case", .string(opened.caseID.description)), ("partner", .string(opened.partner)),
                    ("lawyer", .string(opened.lawyer)), ("created", .string(opened.createdAt)),
                    ("fields", .object(opened.fields.map { ($0.field.rawValue, .optional($0.value)) })),
                ]).rendered())
                return
            }
            Console.out("Referral of case \(opened.caseID) to \(opened.partner), signed by \(opened.lawyer) "
                        + "at \(opened.createdAt); signature verified.")
            for item in opened.fields { Console.out("  \(item.field.rawValue): \(item.value ?? "(not set)")") }
        }
    }
}
