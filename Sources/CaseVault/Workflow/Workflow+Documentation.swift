extension Workflow {
    /// The transition table as Markdown, one row per rule.
    public static var markdownTable: String {
        var lines = ["| event | from | to | who | requires |", "|---|---|---|---|---|"]
        for rule in rules {
            var requires = rule.requires.map(\.description)
            if !rule.outcomes.isEmpty, rule.outcomes != closingOutcomes {
                requires = requires.map {
                    $0 == WorkflowRequirement.outcome.description
                        ? "an outcome: " + rule.outcomes.map(\.rawValue).joined(separator: ", ") : $0
                }
            }
            lines.append("| \(rule.event) | \(rule.from.map(\.rawValue).joined(separator: ", ")) | "
                         + "\(rule.to?.rawValue ?? "(unchanged)") | \(rule.roles.map(\.rawValue).joined(separator: ", ")) | "
                         + "\(requires.isEmpty ? "—" : requires.joined(separator: "; ")) |")
        }
        return lines.joined(separator: "\n")
    }

    /// The workflow as a Mermaid state diagram: one arrow per (from, to, event), with who may fire it.
    public static var mermaidDiagram: String {
        var lines = ["stateDiagram-v2", "    [*] --> intake"]
        var seen = Set<String>()
        for rule in rules {
            for from in rule.from {
                let to = rule.to ?? from
                let roles = rules.filter { $0.event == rule.event && $0.from.contains(from) }
                    .flatMap(\.roles).map(\.rawValue)
                let line = "    \(mermaidName(from)) --> \(mermaidName(to)) : \(rule.event) (\(roles.joined(separator: ", ")))"
                if seen.insert(line).inserted { lines.append(line) }
            }
        }
        lines.append("    closed --> [*]")
        return lines.joined(separator: "\n")
    }

    /// The generated part of `Docs/Workflow.md` and of `casevault workflow`.
    public static var documentation: String {
        "## Transition table\n\n\(markdownTable)\n\n## Diagram\n\n```mermaid\n\(mermaidDiagram)\n```\n"
    }

    private static func mermaidName(_ state: CaseState) -> String {
        state.rawValue.replacingOccurrences(of: "-", with: "_")
    }
}
