import Foundation
import Testing

/// Every `--json` output has a schema in Docs/CLI.md ("JSON output"), and every output follows it.
@Suite("casevault --json: one schema per command in Docs/CLI.md, and the output follows it")
struct JSONSchemaTests {
    /// Docs/CLI.md, found above this file.
    static func cliDocument(filePath: String = #filePath) throws -> String {
        var folder = URL(fileURLWithPath: filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = folder.appendingPathComponent("Docs/CLI.md")
            if FileManager.default.fileExists(atPath: candidate.path) {
                return try String(contentsOf: candidate, encoding: .utf8)
            }
            folder = folder.deletingLastPathComponent()
        }
        throw HarnessError(description: "Docs/CLI.md not found above \(filePath)")
    }

    /// The schema blocks of Docs/CLI.md by command words; a command with two blocks is an error.
    static func schemas() throws -> [String: JSONSchema] {
        var schemas: [String: JSONSchema] = [:]
        for block in try SchemaBlock.blocks(in: try cliDocument()) {
            guard schemas[block.command] == nil else {
                throw HarnessError(description: "Docs/CLI.md line \(block.line): a second schema for \(block.command)")
            }
            do {
                schemas[block.command] = try JSONSchema(block.text)
            } catch {
                throw HarnessError(description: "Docs/CLI.md line \(block.line), \(block.command): \(error)")
            }
        }
        return schemas
    }

    /// The commands (words after `casevault`) that have a `--json` option, from ArgumentParser's
    /// `--experimental-dump-help` (its ToolInfo JSON).
    static func commandsWithJSON() async throws -> Set<String> {
        let workspace = try Workspace()
        let dump = try await workspace.run(["--experimental-dump-help"])
        try #require(dump.status == 0, "--experimental-dump-help failed: \(dump)")
        let info = try #require(try dump.json() as? [String: Any], "not a JSON object: \(dump.stdout.prefix(200))")
        let root = try #require(info["command"] as? [String: Any], "no command in the dump")
        var found: Set<String> = []
        func walk(_ command: [String: Any], words: [String]) {
            let arguments = command["arguments"] as? [[String: Any]] ?? []
            let hasJSON = arguments.contains { argument in
                (argument["names"] as? [[String: Any]] ?? []).contains {
                    $0["kind"] as? String == "long" && $0["name"] as? String == "json"
                }
            }
            if hasJSON { found.insert(words.joined(separator: " ")) }
            for subcommand in command["subcommands"] as? [[String: Any]] ?? [] {
                if let name = subcommand["commandName"] as? String { walk(subcommand, words: words + [name]) }
            }
        }
        walk(root, words: [])
        return found
    }

    @Test("every command with --json has a schema block in Docs/CLI.md, and every block names such a command")
    func everyJSONCommandHasASchema() async throws {
        let commands = try await Self.commandsWithJSON()
        let schemas = try Self.schemas()
        #expect(commands.contains("case list") && commands.contains("workflow"),
                "the dump-help walk found too little: \(commands.sorted())")
        for command in commands.sorted() where schemas[command] == nil {
            Issue.record("""
                casevault \(command) has --json but Docs/CLI.md has no schema for it: add a \
                ```json-schema \(command) block under "JSON output"
                """)
        }
        // A variant block (`case event --ids-file`) belongs to the command its words name before the option.
        for command in schemas.keys.sorted() where !commands.contains(Self.commandWords(of: command)) {
            Issue.record("Docs/CLI.md has a schema for \(command), which is not a casevault command with --json")
        }
    }

    /// The command of a block's words: the words before the first option (`case event --ids-file`
    /// is a variant of `case event`: the output with that option given).
    static func commandWords(of block: String) -> String {
        block.split(separator: " ").prefix { !$0.hasPrefix("--") }.joined(separator: " ")
    }

    @Test("case event prints the case as case show does, so their schemas are the same")
    func eventAndShowShareTheSchema() throws {
        let schemas = try Self.schemas()
        let show = try #require(schemas["case show"]?.root)
        let event = try #require(schemas["case event"]?.root)
        func withoutDescription(_ node: JSONNode) -> JSONNode {
            guard case .object(var members) = node else { return node }
            members["description"] = nil
            return .object(members)
        }
        #expect(withoutDescription(show) == withoutDescription(event))
    }

    @Test("each command's --json output on a fresh vault is one JSON document that follows its schema")
    func outputsFollowTheirSchemas() async throws {
        let schemas = try Self.schemas()
        let samples = try await SampleRuns.make()
        for command in schemas.keys.sorted() {
            guard let schema = schemas[command] else { continue }
            var runs = samples.runs[command] ?? []
            if runs.isEmpty {
                // A command this suite has no sample for: try it as the admin with nothing but --json.
                let words = command.split(separator: " ").map(String.init)
                let result = try await samples.workspace.run(as: Cast.admin, words + ["--json"])
                guard result.status == 0 else {
                    Issue.record("""
                        casevault \(command) --json needs more than a vault with users to run (\(result.stderr)); \
                        add a sample run for it to JSONSchemaTests.SampleRuns
                        """)
                    continue
                }
                runs = [("as the admin with no options", result)]
            }
            for (label, result) in runs {
                // A bulk event with refusals exits 1 and still prints its whole JSON document.
                let allowed: Set<Int32> = command == "case event --ids-file" ? [0, 1] : [0]
                #expect(allowed.contains(result.status) && !result.crashed, "\(command) (\(label)) failed: \(result)")
                let document: JSONNode
                do {
                    document = try JSONNode.parse(result.stdout)
                } catch {
                    Issue.record("\(command) (\(label)): stdout is not one JSON document: \(result.stdout)")
                    continue
                }
                let violations = schema.violations(of: document)
                #expect(violations.isEmpty, """
                    casevault \(command) --json (\(label)) breaks its schema in Docs/CLI.md:
                    \(violations.joined(separator: "\n"))
                    """)
            }
        }
    }

    @Test("the validator reports each way an instance breaks a schema, with its place")
    func validatorFindsViolations() throws {
        let schema = try JSONSchema("""
            {"type": "object", "additionalProperties": false, "required": ["id", "rows"],
             "properties": {
               "id": {"type": "string"},
               "state": {"enum": ["open", "closed", null]},
               "rows": {"type": "array", "items": {"type": "object", "required": ["count"],
                        "properties": {"count": {"type": ["integer", "null"], "minimum": 0}}}}}}
            """)
        let good = try JSONNode.parse(#"{"id": "A", "state": null, "rows": [{"count": 3}, {"count": null}]}"#)
        #expect(schema.violations(of: good).isEmpty)

        let cases: [(String, String)] = [
            (#"{"rows": []}"#, "/: the required key id is missing"),
            (#"{"id": 7, "rows": []}"#, "/id: expected string, found 7"),
            (#"{"id": "A", "rows": [], "extra": 1}"#, "/: the key extra is not allowed"),
            (#"{"id": "A", "state": "lost", "rows": []}"#, "/state: \"lost\" is not one of"),
            (#"{"id": "A", "rows": [{"count": -1}]}"#, "/rows/0/count: -1 is below the minimum"),
            (#"{"id": "A", "rows": [{"count": 1.5}]}"#, "/rows/0/count: expected integer or null"),
            (#"{"id": "A", "rows": [{"count": true}]}"#, "/rows/0/count: expected integer or null"),
            (#"{"id": "A", "rows": [{}]}"#, "/rows/0: the required key count is missing"),
            (#"[{"id": "A"}]"#, "/: expected object"),
        ]
        for (text, expected) in cases {
            let violations = schema.violations(of: try JSONNode.parse(text))
            #expect(violations.count == 1 && violations.allSatisfy { $0.hasPrefix(expected) },
                    "\(text): \(violations)")
        }
    }

    @Test("a schema outside the supported subset, or inconsistent, is refused rather than half-checked")
    func validatorRefusesUnsupportedSchemas() throws {
        for text in [
            #"{"type": "object", "pattern": "^A"}"#,
            ##"{"type": "object", "properties": {"id": {"$ref": "#/x"}}}"##,
            #"{"type": "text"}"#,
            #"{"type": "object", "required": ["id"], "properties": {"name": {"type": "string"}}}"#,
            #"{"type": "object", "additionalProperties": {"type": "string"}}"#,
            #"{"enum": []}"#,
            #"{"minimum": "0"}"#,
            #"["type", "object"]"#,
        ] {
            #expect(throws: HarnessError.self, "\(text) should be refused") { try JSONSchema(text) }
        }
    }

    @Test("schema blocks are found by their info string, with the command's words, and must be closed")
    func schemaBlocksAreParsed() throws {
        let markdown = """
            Text.

            ```json-schema case list
            {"type": "array"}
            ```

            ```json
            {"not": "a schema block"}
            ```

            ```json-schema workflow
            {"type": "object"}
            ```
            """
        let blocks = try SchemaBlock.blocks(in: markdown)
        #expect(blocks.map(\.command) == ["case list", "workflow"])
        #expect(blocks.map(\.line) == [3, 11])
        #expect(blocks.first?.text == #"{"type": "array"}"#)
        #expect(throws: HarnessError.self) { try SchemaBlock.blocks(in: "```json-schema case list\n{}\n") }
        #expect(throws: HarnessError.self) { try SchemaBlock.blocks(in: "```json-schema\n{}\n```\n") }
    }
}

/// The `--json` runs of every command on one fresh vault, by command words; each run has a label saying
/// what it shows (which role, which kind of value).
struct SampleRuns {
    let workspace: Workspace
    private(set) var runs: [String: [(label: String, result: CommandResult)]] = [:]

    static let partner = "schema-partner"

    private mutating func add(_ command: String, _ label: String, _ result: CommandResult) {
        runs[command, default: []].append((label, result))
    }

    /// A vault with users, partners, imported and logged cases, notes, events, a referral packet and an
    /// export; every command that prints data run with `--json` along the way.
    static func make(sourceLocation: SourceLocation = #_sourceLocation) async throws -> SampleRuns {
        let workspace = try Workspace()
        var samples = SampleRuns(workspace: workspace)
        let created = try await workspace.run(["init", "--admin", Cast.admin, "--kdf", "interactive", "--json",
                                               "--vault", workspace.vaultPath,
                                               "--passphrase-file", try workspace.passphraseFile(for: Cast.admin)])
        try #require(created.status == 0, "init failed: \(created)", sourceLocation: sourceLocation)
        samples.add("init", "the first admin", created)
        for (name, role) in Cast.staff {
            let added = try await workspace.run(as: Cast.admin, [
                "user", "add", name, "--role", role, "--kdf", "interactive",
                "--new-passphrase-file", try workspace.passphraseFile(for: name), "--json",
            ])
            try #require(added.status == 0, "user add failed: \(added)", sourceLocation: sourceLocation)
            samples.add("user add", "a \(role)", added)
        }
        samples.add("user list", "every role", try await workspace.run(as: Cast.admin, ["user", "list", "--json"]))
        samples.add("settings", "the defaults", try await workspace.run(as: Cast.admin, ["settings", "--json"]))

        // The partner's side makes its keys; the admin registers it, and one partner without a key.
        let keyFile = workspace.directory.appendingPathComponent("partner.key").path
        let keygen = try await workspace.run(["referral", "keygen", "--out", keyFile, "--json"])
        samples.add("referral keygen", "a new key pair", keygen)
        let publicKey = try #require(try keygen.jsonObject()["publicKey"] as? String, "\(keygen)",
                                     sourceLocation: sourceLocation)
        try await Casework.addPartner(workspace, partner, services: "exit,legal", publicKey: publicKey,
                                      sourceLocation: sourceLocation)
        try await Casework.addPartner(workspace, "keyless-clinic", services: "medical", sourceLocation: sourceLocation)
        samples.add("partner list", "with and without a public key",
                    try await workspace.run(as: Cast.admin, ["partner", "list", "--json"]))

        // Two cases with the same contact: the second names the first as a duplicate.
        let intake = requestOptions(deadline: "2023-11-24") + [
            "--contact-file", try workspace.write("contact.txt", "@schema_contact_4411\n"),
            "--narrative-file", try workspace.write("narrative.txt", "Call +7 912 345-67-89 after six.\n"),
        ]
        let first = try await workspace.run(as: Cast.coordinator, ["case", "new"] + intake + ["--json"])
        samples.add("case new", "with a phone number in the narrative", first)
        let id = try #require(try first.jsonObject()["id"] as? String, "\(first)", sourceLocation: sourceLocation)
        let second = try await workspace.run(as: Cast.coordinator, ["case", "new"] + requestOptions() + [
            "--contact-file", try workspace.write("same-contact.txt", "@schema_contact_4411\n"), "--json",
        ])
        samples.add("case new", "a duplicate contact, no deadline or narrative", second)
        let secondID = try #require(try second.jsonObject()["id"] as? String, "\(second)",
                                    sourceLocation: sourceLocation)

        let requests = try workspace.write("requests.jsonl", ExportCLITests.requests([
            ExportCLITests.Batch(month: "2023-09", region: "RU-MOW", count: 14),
            ExportCLITests.Batch(month: "2023-09", region: "RU-KDA", count: 2),
            ExportCLITests.Batch(month: "2023-10", region: "RU-MOW", count: 11),
            ExportCLITests.Batch(month: "2023-10", region: "RU-TA", count: 16),
        ]) + "{\"received\": \"not a date\"}\n")
        let importRun = try await workspace.run(as: Cast.coordinator, [
            "case", "import", "--jsonl", requests, "--skip-bad-lines", "--json",
        ])
        samples.add("case import", "with a bad line skipped", importRun)
        let imported = try #require(try importRun.jsonObject()["ids"] as? [String], "\(importRun)",
                                    sourceLocation: sourceLocation)
        samples.add("case list", "the coordinator's listing",
                    try await workspace.run(as: Cast.coordinator, ["case", "list", "--json"]))

        let note = try workspace.write("note.txt", "Called back, no answer.\n")
        samples.add("case note", "an intake note", try await workspace.run(as: Cast.coordinator, [
            "case", "note", id, "--text-file", note, "--json",
        ]))
        samples.add("case note", "a legal note", try await workspace.run(as: Cast.lawyer, [
            "case", "note", id, "--text-file", note, "--legal", "--json",
        ]))

        for (user, event, options) in [(Cast.coordinator, "submit", [String]()), (Cast.lawyer, "begin-review", []),
                                       (Cast.lawyer, "refer", ["--partner", partner, "--consent"]),
                                       (Cast.lawyer, "referral-accepted", [])] {
            samples.add("case event", "\(event) by the \(user)",
                        try await Casework.fire(workspace, as: user, id, event, options + ["--json"]))
        }
        samples.add("case event", "close with an outcome", try await Casework.fire(
            workspace, as: Cast.coordinator, secondID, "close", ["--outcome", "withdrawn", "--json"]))
        samples.add("case event --ids-file", "one case done and one refused", try await workspace.run(
            as: Cast.coordinator, ["case", "event", "submit", "--ids-file", "-", "--json"],
            stdin: Data("\(secondID)\n\(try #require(imported.first))\n".utf8)))
        samples.add("case find", "the two cases with the same contact", try await workspace.run(
            as: Cast.lawyer, ["case", "find", "--contact-file", try workspace.write("find.txt", "schema_contact_4411"),
                              "--json"]))
        samples.add("partner add", "with a display name", try await workspace.run(as: Cast.admin, [
            "partner", "add", "docs-ngo", "--display-name", "Documents Aid", "--services", "documents", "--json",
        ]))
        samples.add("status", "as a lawyer", try await workspace.run(as: Cast.lawyer, ["status", "--json"]))
        samples.add("status", "as the auditor, without the overdue count",
                    try await workspace.run(as: Cast.auditor, ["status", "--json"]))

        let packetFile = workspace.directory.appendingPathComponent("referral.pkt").path
        let packet = try await workspace.run(as: Cast.lawyer, [
            "referral", "packet", id, "--fields", "region,needs,contact,narrative", "--out", packetFile, "--json",
        ])
        samples.add("referral packet", "four fields", packet)
        let orgKey = try #require(try packet.jsonObject()["organisationKey"] as? String, "\(packet)",
                                  sourceLocation: sourceLocation)
        samples.add("referral open", "the partner's side", try await workspace.run([
            "referral", "open", packetFile, "--partner-key", keyFile, "--org-key", orgKey, "--json",
        ]))

        for user in [Cast.coordinator, Cast.lawyer, Cast.admin] {
            samples.add("case show", "a referred case with notes, read by \(user)",
                        try await workspace.run(as: user, ["case", "show", id, "--json"]))
        }
        samples.add("case show", "a closed case", try await workspace.run(as: Cast.admin, [
            "case", "show", secondID, "--json",
        ]))
        samples.add("export counts", "the auditor's month-by-region table with suppressed cells",
                    try await workspace.run(as: Cast.auditor, ExportCLITests.autumnExport + ["--json"]))
        samples.add("export counts --out", "the table and manifest written to a folder",
                    try await workspace.run(as: Cast.auditor, ExportCLITests.autumnExport + [
                        "--json", "--out", workspace.directory.appendingPathComponent("report").path,
                    ]))
        samples.add("workflow", "the table", try await workspace.run(["workflow", "--json"]))
        return samples
    }
}
