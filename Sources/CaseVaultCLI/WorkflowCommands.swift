import ArgumentParser
import CaseVault
import Foundation
import SodiumKit

extension CaseCommand {
    /// `casevault case event`: fires a workflow event.
    struct Event: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "event",
            abstract: "Fire a workflow event on a case ('casevault workflow' shows the table).",
            discussion: "The note (why) comes from --note-file (or - for standard input), never an option.")

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        @Argument(help: "The case id.", transform: parsed(CaseID.init(parsing:)))
        var id: CaseID

        @Argument(help: ArgumentHelp("The event: " + WorkflowEvent.allCases.map(\.rawValue).joined(separator: ", ")
                                     + "."),
                  transform: parsed { try WorkflowEvent.parse($0, field: "event") })
        var event: WorkflowEvent

        @Option(name: .long, help: ArgumentHelp("A file with the note (why), or - for standard input.",
                                                valueName: "path"))
        var noteFile: String?

        @Option(name: .long, help: ArgumentHelp("The partner, for refer.", valueName: "name"))
        var partner: String?

        @Option(name: .long, help: ArgumentHelp("The outcome, for close.", valueName: "outcome"),
                transform: parsed { try Outcome.parse($0, field: "outcome") })
        var outcome: Outcome?

        @Flag(name: .long, help: "The person consented to the referral (required by refer).")
        var consent = false

        @Option(name: .long, help: ArgumentHelp("The lawyer to assign, for reassign.", valueName: "name"))
        var assignee: String?

        @Option(name: .customLong("note"), help: .hidden) var noteArgument: String?

        func validate() throws {
            try refuseSensitive(noteArgument, option: "note", use: "--note-file PATH (or - for standard input)")
        }

        func run() throws {
            let session = try vault.unlock()
            let note = try noteFile.map { try Console.readText($0, what: "note") }
            let record = try session.perform(event, on: id, with: WorkflowInputs(
                note: note, partner: partner, consent: consent, outcome: outcome, assignee: assignee))
            if let note, let finding = session.identifyingDetails(in: note, field: "note") {
                Console.err("casevault: warning: \(finding)")
            }
            if output.json {
                Console.out(CaseJSON.record(record).rendered())
            } else {
                Console.out("Case \(id): \(event) -> \(record.state)"
                            + (record.state == .closed ? " (\(record.outcome))" : "")
                            + (record.assignee.map { ", assigned to \($0)" } ?? ""))
            }
        }
    }
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
        static let configuration = CommandConfiguration(abstract: "Register a partner (admins only).")

        @OptionGroup var vault: VaultOptions

        @Argument(help: "The partner's name.") var name: String

        @Option(name: .long, help: ArgumentHelp("Services offered: legal, exit, documents, medical, psychological, other.",
                                                valueName: "s[,s...]"),
                transform: parsed(CaseCommand.needs))
        var services: Set<Need>

        @Option(name: .long, help: ArgumentHelp("The partner's X25519 public key (from 'referral keygen').",
                                                valueName: "base64"),
                transform: parsed(decodeKey))
        var publicKey: [UInt8]?

        func run() throws {
            try vault.unlock().addPartner(Partner(name: name, services: services.sorted(), publicKey: publicKey))
            Console.out("Added partner \(name).")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List partners.")

        @OptionGroup var vault: VaultOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let partners = try vault.unlock().partners()
            if output.json {
                Console.out(JSONValue.array(partners.map { partner in
                    .object([("name", .string(partner.name)),
                             ("services", .array(partner.services.map { .string($0.rawValue) })),
                             ("publicKey", .optional(partner.publicKey.map { Data($0).base64EncodedString() }))])
                }).rendered())
                return
            }
            for partner in partners {
                Console.out("\(partner.name)  services: \(partner.services.map(\.rawValue).joined(separator: ","))  "
                            + "key: \(partner.publicKey.map { Data($0).base64EncodedString() } ?? "(none)")")
            }
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

        @Option(name: .long, help: ArgumentHelp("Fields to share: " + PacketField.allCases.map(\.rawValue)
                                                    .joined(separator: ", ") + ".", valueName: "f[,f...]"),
                transform: parsed { try PacketField.parseList($0, field: "field") })
        var fields: [PacketField]

        @Option(name: .long, help: ArgumentHelp("Where to write the packet.", valueName: "file"))
        var out: String

        func run() throws {
            let session = try vault.unlock()
            let packet = try session.referralPacket(for: id, fields: fields)
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
