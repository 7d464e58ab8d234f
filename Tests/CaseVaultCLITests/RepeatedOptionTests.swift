import CaseVault
import Foundation
import Testing

/// One option of one command, as the built binary describes itself (`--experimental-dump-help`).
struct DescribedOption: Sendable, CustomStringConvertible {
    let command: [String]
    let name: String
    let isRepeating: Bool
    /// False for the hidden options that exist only to be refused (`--passphrase`, `--contact`).
    let isShown: Bool

    var description: String { "casevault \(command.joined(separator: " ")) --\(name)" }
}

/// Every leaf command of the built binary and its long options, read from ArgumentParser's description.
enum CommandCatalogue {
    static func options() async throws -> [DescribedOption] {
        let result = try await CommandLineTool.run(["--experimental-dump-help"],
                                                   in: FileManager.default.temporaryDirectory)
        try #require(result.status == 0, "\(result)")
        let root = try #require(try result.jsonObject()["command"] as? [String: Any])
        var found: [DescribedOption] = []
        func walk(_ command: [String: Any], path: [String]) {
            let subcommands = command["subcommands"] as? [[String: Any]] ?? []
            for sub in subcommands {
                guard let name = sub["commandName"] as? String, name != "help" else { continue }
                walk(sub, path: path + [name])
            }
            guard subcommands.isEmpty else { return }
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["kind"] as? String == "option" {
                let names = argument["names"] as? [[String: Any]] ?? []
                guard let long = names.first(where: { $0["kind"] as? String == "long" })?["name"] as? String else {
                    continue
                }
                found.append(DescribedOption(command: path, name: long,
                                             isRepeating: argument["isRepeating"] as? Bool ?? false,
                                             isShown: argument["shouldDisplay"] as? Bool ?? true))
            }
        }
        walk(root, path: [])
        return found
    }

    /// The options that add up when repeated (DESIGN.md §6): each is tested for what it adds below.
    static let listOptions: Set<String> = [
        "case new --need", "case list --state", "case list --urgency", "case list --assignee",
        "partner add --services", "referral packet --fields", "export counts --by",
    ]
}

@Suite("casevault: repeated options add up or are refused, never silently the last")
struct RepeatedOptionTests {
    @Test("every single-valued option of every command, given twice, is refused with exit 2 naming it")
    func singleValuedOptionsRefused() async throws {
        let workspace = try Workspace()
        let options = try await CommandCatalogue.options()
        try #require(options.count > 40, "too few options described: \(options)")
        var listed: Set<String> = []
        for option in options {
            let key = (option.command + ["--\(option.name)"]).joined(separator: " ")
            if option.isRepeating {
                listed.insert(key)
                continue
            }
            guard option.isShown else {
                // A refused option keeps its own refusal, repeated or not.
                let result = try await workspace.run(option.command + ["--\(option.name)", "a", "--\(option.name)", "b"])
                expectFailure(result, status: 2)
                #expect(!result.stderr.contains("give it once"), "\(option): \(result)")
                continue
            }
            let result = try await workspace.run(option.command + ["--\(option.name)", "first",
                                                                   "--\(option.name)=second"])
            expectFailure(result, status: 2, mentions: ["--\(option.name) is given 2 times", "'first'", "'second'",
                                                        "give it once"])
        }
        #expect(listed == CommandCatalogue.listOptions, "the list options changed; test what each one adds")
    }

    @Test("a repeated flag is the same as one (nothing is lost)")
    func repeatedFlag() async throws {
        let workspace = try await Workspace.withUsers()
        let result = try await workspace.run(as: Cast.lawyer, ["case", "list", "--json", "--json"])
        expectSuccess(result)
        #expect(try result.jsonArray().isEmpty)
    }

    @Test("--need, --state, --urgency and --assignee add up")
    func caseListOptionsAddUp() async throws {
        let workspace = try await Workspace.withUsers()
        let id = try await workspace.newCase(as: Cast.coordinator, requestOptions(need: "legal") + [
            "--need", "exit", "--need", "documents,medical",
        ])
        let shown = try await workspace.run(as: Cast.lawyer, ["case", "show", id, "--json"])
        expectSuccess(shown)
        #expect(try shown.jsonObject()["needs"] as? [String] == ["legal", "exit", "documents", "medical"])

        let other = try await workspace.newCase(as: Cast.coordinator, requestOptions(urgency: "normal"))
        expectSuccess(try await Casework.fire(workspace, as: Cast.coordinator, other, "submit"))
        func listed(_ options: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> Set<String> {
            let result = try await workspace.run(as: Cast.lawyer, ["case", "list", "--json"] + options)
            expectSuccess(result, sourceLocation: sourceLocation)
            return Set(try result.jsonArray().compactMap { $0["id"] as? String })
        }
        #expect(try await listed(["--state", "intake"]) == [id])
        #expect(try await listed(["--state", "intake", "--state", "awaiting-review"]) == [id, other])
        #expect(try await listed(["--urgency", "high", "--urgency", "normal"]) == [id, other])
        #expect(try await listed(["--urgency", "normal", "--state", "intake"]).isEmpty)

        expectSuccess(try await Casework.fire(workspace, as: Cast.lawyer, other, "begin-review"))
        #expect(try await listed(["--assignee", Cast.lawyer]) == [other])
        #expect(try await listed(["--assignee", Cast.admin, "--assignee", Cast.lawyer]) == [other])
    }

    @Test("--services, --fields and --by add up")
    func otherListOptionsAddUp() async throws {
        let referred = try await ReferralCLITests.referred()
        let workspace = referred.workspace
        let added = try await workspace.run(as: Cast.admin, ["partner", "add", "docs-help", "--services", "documents",
                                                             "--services", "legal,medical", "--json"])
        expectSuccess(added)
        #expect(try added.jsonObject()["services"] as? [String] == ["legal", "documents", "medical"])

        let packet = try await workspace.run(as: Cast.lawyer, [
            "referral", "packet", referred.id, "--fields", "region", "--fields", "needs,contact",
            "--out", workspace.directory.appendingPathComponent("p.cvr").path,
        ])
        expectSuccess(packet)
        let orgKey = try #require(packet.stdout.split(separator: " ").last.map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        let opened = try await workspace.run(["referral", "open", "p.cvr", "--partner-key", referred.partnerKey.file,
                                              "--org-key", orgKey, "--json"])
        expectSuccess(opened)
        let fields = try #require(try opened.jsonObject()["fields"] as? [String: Any])
        #expect(Set(fields.keys) == ["region", "needs", "contact"])

        let export = try await workspace.run(as: Cast.auditor, ["export", "counts", "--by", "month", "--by", "urgency"])
        expectFailure(export, status: 2, mentions: ["unknown dimension 'urgency'"])
        let counted = try await workspace.run(as: Cast.auditor, ["export", "counts", "--by", "month",
                                                                 "--by", "service", "--from", "2023-01",
                                                                 "--to", "2023-12"])
        expectSuccess(counted)
        #expect(counted.stdoutLines.first == "month,service,count")
        let twice = try await workspace.run(as: Cast.auditor, ["export", "counts", "--by", "month", "--by", "month"])
        expectFailure(twice, status: 2, mentions: ["named twice"])
    }

    @Test("an option the event does not take is refused with exit 2, naming the events that take it")
    func eventOptionsRefused() async throws {
        let workspace = try Workspace()
        let id = "0123456789ABCDEFGHJKMNPQRS"
        let options: [(WorkflowRequirement, [String])] = [
            (.partner, ["--partner", "safe-exit"]), (.consent, ["--consent"]),
            (.outcome, ["--outcome", "advised"]), (.assignee, ["--assignee", Cast.lawyer]),
            (.note, ["--note-file", "why.txt"]),
        ]
        var refusals = 0
        for event in WorkflowEvent.allCases {
            for (input, arguments) in options {
                let result = try await workspace.run(["case", "event", id, event.rawValue] + arguments)
                if Workflow.inputs(for: event).contains(input) {
                    #expect(!result.stderr.contains("means nothing"), "\(event) \(arguments): \(result)")
                    continue
                }
                refusals += 1
                let takers = Workflow.events(taking: input).map(\.rawValue)
                expectFailure(result, status: 2, mentions: ["\(arguments[0]) means nothing for \(event.rawValue)"]
                              + takers)
                // The same with --ids-file: the bulk form checks the same way.
                guard event == .submit else { continue }
                let bulk = try await workspace.run(["case", "event", event.rawValue, "--ids-file", "ids.txt"]
                                                   + arguments)
                expectFailure(bulk, status: 2, mentions: ["\(arguments[0]) means nothing for \(event.rawValue)"])
            }
        }
        #expect(refusals > 20, "most inputs belong to one event: \(refusals)")
        #expect(Workflow.events(taking: .partner) == [.refer] && Workflow.events(taking: .outcome) == [.close])
        #expect(Workflow.events(taking: .note) == WorkflowEvent.allCases)
    }
}
