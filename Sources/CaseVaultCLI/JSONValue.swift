import CaseVault

/// A JSON value that keeps its keys in the order they were written, so `--json` output is
/// stable and reads in the same order as the documentation.
enum JSONValue {
    case string(String)
    case number(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    func rendered(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1)
        let closing = String(repeating: "  ", count: indent)
        switch self {
        case .string(let text): return JSONValue.quote(text)
        case .number(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .array(let items):
            guard !items.isEmpty else { return "[]" }
            return "[\n" + items.map { pad + $0.rendered(indent: indent + 1) }.joined(separator: ",\n") + "\n\(closing)]"
        case .object(let pairs):
            guard !pairs.isEmpty else { return "{}" }
            return "{\n" + pairs.map { pad + JSONValue.quote($0.0) + ": " + $0.1.rendered(indent: indent + 1) }
                .joined(separator: ",\n") + "\n\(closing)}"
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20:
                out += "\\u" + String(s.value, radix: 16).leftPadded(4)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: Swift.max(0, width - count)) + self }
}

/// The JSON shapes of §6 of the design: summary keys for listings, full keys for `case show`.
enum CaseJSON {
    static func summary(_ item: CaseSummary) -> JSONValue {
        .object([
            ("id", .string(item.id.description)),
            ("received", .string(item.received.description)),
            ("state", .string(item.state.rawValue)),
            ("urgency", .string(item.urgency.rawValue)),
            ("deadline", .optional(item.deadline?.description)),
            ("assignee", .optional(item.assignee)),
            ("region", .string(item.region.code)),
            ("needs", .array(item.needs.map { .string($0.rawValue) })),
        ])
    }

    static func record(_ record: CaseRecord) -> JSONValue {
        let request = record.request
        return .object([
            ("id", .string(record.id.description)),
            ("received", .string(request.received.description)),
            ("channel", .string(request.channel.rawValue)),
            ("region", .string(request.region.code)),
            ("district", .string(request.region.district.rawValue)),
            ("service", .string(request.service.rawValue)),
            ("situation", .string(request.situation.rawValue)),
            ("needs", .array(request.needs.sorted().map { .string($0.rawValue) })),
            ("urgency", .string(request.urgency.rawValue)),
            ("deadline", .optional(request.deadline?.description)),
            ("state", .string(record.state.rawValue)),
            ("assignee", .optional(record.assignee)),
            ("outcome", .string(record.outcome.rawValue)),
            ("contact", .optional(request.contact)),
            ("narrative", .optional(request.narrative)),
            ("notes", .array(record.notes.map { note in
                .object([("text", .string(note.text)), ("author", .string(note.author)), ("at", .string(note.at)),
                         ("compartment", .string(note.compartment.rawValue))])
            })),
            ("history", .array(record.history.map { entry in
                .object([("event", .string(entry.event)), ("from", .optional(entry.from?.rawValue)),
                         ("to", .string(entry.to.rawValue)), ("actor", .string(entry.actor)),
                         ("at", .string(entry.at)), ("note", .optional(entry.note))])
            })),
            ("referrals", .array(record.referrals.map { referral in
                .object([("partner", .string(referral.partner)), ("status", .string(referral.status.rawValue)),
                         ("consent", .bool(referral.consent)), ("sent", .string(referral.sentAt)),
                         ("accepted", .optional(referral.acceptedAt)), ("declined", .optional(referral.declinedAt)),
                         ("completed", .optional(referral.completedAt))])
            })),
        ])
    }
}
