import Foundation

/// A JSON value with integers kept apart from other numbers and booleans apart from both, as a schema
/// needs them (`JSONSerialization` blurs them into `NSNumber`).
enum JSONNode: Decodable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONNode])
    case object([String: JSONNode])

    /// Parses one JSON document.
    static func parse(_ text: String) throws -> JSONNode {
        try JSONDecoder().decode(JSONNode.self, from: Data(text.utf8))
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let integer = try? container.decode(Int.self) {
            self = .integer(integer)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([JSONNode].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: JSONNode].self))
        }
    }

    /// The schema type names this value has: an integer is also a `number`.
    var typeNames: Set<String> {
        switch self {
        case .null: ["null"]
        case .bool: ["boolean"]
        case .integer: ["integer", "number"]
        case .number: ["number"]
        case .string: ["string"]
        case .array: ["array"]
        case .object: ["object"]
        }
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let flag): String(flag)
        case .integer(let integer): String(integer)
        case .number(let number): String(number)
        case .string(let text): "\"\(text)\""
        case .array(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .object(let members):
            "{" + members.keys.sorted().map { "\"\($0)\": \(members[$0] ?? .null)" }.joined(separator: ", ") + "}"
        }
    }
}

/// A JSON Schema in the subset of draft 2020-12 that Docs/CLI.md uses, and a validator for it.
///
/// Supported keywords: `type` (a name or an array of names: `null`, `boolean`, `integer`, `number`,
/// `string`, `array`, `object`), `properties`, `required`, `items` (one schema for every item),
/// `additionalProperties` (`false`, or `true`, the default), `enum`, `minimum`; `$schema` and
/// `description` are annotations. Any other keyword is an error of the schema, so a schema never
/// seems to check something this validator ignores.
struct JSONSchema {
    /// The type names `type` may use.
    static let typeNames: Set<String> = ["null", "boolean", "integer", "number", "string", "array", "object"]
    static let keywords: Set<String> = ["$schema", "description", "type", "properties", "required", "items",
                                        "additionalProperties", "enum", "minimum"]

    let root: JSONNode

    /// Parses a schema and checks that it uses only the supported subset, correctly.
    init(_ text: String) throws {
        root = try JSONNode.parse(text)
        let problems = JSONSchema.problems(ofSchema: root, at: "#")
        guard problems.isEmpty else {
            throw HarnessError(description: "invalid schema: " + problems.joined(separator: "; "))
        }
    }

    /// Where `instance` breaks the schema: one line per problem, each starting with its JSON pointer
    /// (`/rows/3/count`); empty when it conforms.
    func violations(of instance: JSONNode) -> [String] {
        JSONSchema.violations(of: instance, against: root, at: "")
    }

    // MARK: Checking the schema itself

    private static func problems(ofSchema schema: JSONNode, at path: String) -> [String] {
        guard case .object(let members) = schema else { return ["\(path): a schema is an object"] }
        var problems: [String] = []
        for keyword in members.keys.sorted() where !keywords.contains(keyword) {
            problems.append("\(path): unsupported keyword \(keyword)")
        }
        switch members["type"] {
        case nil: break
        case .string(let name)? where typeNames.contains(name): break
        case .array(let names)? where !names.isEmpty && names.allSatisfy({ name in
            if case .string(let text) = name { typeNames.contains(text) } else { false }
        }): break
        case let other?: problems.append("\(path)/type: not a type name or array of type names: \(other)")
        }
        var declared: Set<String> = []
        switch members["properties"] {
        case nil: break
        case .object(let properties)?:
            declared = Set(properties.keys)
            for name in properties.keys.sorted() {
                if let property = properties[name] {
                    problems += Self.problems(ofSchema: property, at: "\(path)/properties/\(name)")
                }
            }
        case let other?: problems.append("\(path)/properties: not an object: \(other)")
        }
        switch members["required"] {
        case nil: break
        case .array(let names)?:
            for name in names {
                guard case .string(let text) = name else {
                    problems.append("\(path)/required: not a string: \(name)")
                    continue
                }
                // additionalProperties:false with a required key that is not declared could never pass.
                if !declared.contains(text) { problems.append("\(path)/required: \(text) is not in properties") }
            }
        case let other?: problems.append("\(path)/required: not an array: \(other)")
        }
        if let items = members["items"] { problems += Self.problems(ofSchema: items, at: "\(path)/items") }
        switch members["additionalProperties"] {
        case nil, .bool?: break
        case let other?: problems.append("\(path)/additionalProperties: only true or false: \(other)")
        }
        switch members["enum"] {
        case nil: break
        case .array(let values)? where !values.isEmpty: break
        case let other?: problems.append("\(path)/enum: not a non-empty array: \(other)")
        }
        switch members["minimum"] {
        case nil, .integer?, .number?: break
        case let other?: problems.append("\(path)/minimum: not a number: \(other)")
        }
        return problems
    }

    // MARK: Validating an instance

    private static func violations(of instance: JSONNode, against schema: JSONNode, at path: String) -> [String] {
        guard case .object(let members) = schema else { return [] }
        let place = path.isEmpty ? "/" : path
        if let type = members["type"] {
            let allowed: Set<String> = switch type {
            case .string(let name): [name]
            case .array(let names): Set(names.compactMap { if case .string(let text) = $0 { text } else { nil } })
            default: []
            }
            if allowed.isDisjoint(with: instance.typeNames) {
                return ["\(place): expected \(allowed.sorted().joined(separator: " or ")), found \(instance)"]
            }
        }
        var found: [String] = []
        if case .array(let values)? = members["enum"], !values.contains(instance) {
            found.append("\(place): \(instance) is not one of \(JSONNode.array(values))")
        }
        if let minimum = members["minimum"].flatMap(number), let value = number(instance), value < minimum {
            found.append("\(place): \(instance) is below the minimum \(minimum)")
        }
        if case .object(let object) = instance {
            if case .array(let names)? = members["required"] {
                for case .string(let name) in names where object[name] == nil {
                    found.append("\(place): the required key \(name) is missing")
                }
            }
            let properties: [String: JSONNode] = if case .object(let declared)? = members["properties"] {
                declared
            } else {
                [:]
            }
            for key in object.keys.sorted() {
                guard let value = object[key] else { continue }
                if let property = properties[key] {
                    found += violations(of: value, against: property, at: "\(path)/\(key)")
                } else if case .bool(false)? = members["additionalProperties"] {
                    found.append("\(place): the key \(key) is not allowed")
                }
            }
        }
        if case .array(let items) = instance, let itemSchema = members["items"] {
            for (index, item) in items.enumerated() {
                found += violations(of: item, against: itemSchema, at: "\(path)/\(index)")
            }
        }
        return found
    }

    private static func number(_ node: JSONNode) -> Double? {
        switch node {
        case .integer(let integer): Double(integer)
        case .number(let number): number
        default: nil
        }
    }
}

/// The `json-schema` blocks of a Markdown document: a fenced block whose info string is
/// `json-schema` followed by the command words, such as ```` ```json-schema case list ````.
struct SchemaBlock {
    /// The command words after `casevault` (`case list`).
    let command: String
    /// The block's text.
    let text: String
    /// The 1-based line of the opening fence.
    let line: Int

    static let infoPrefix = "```json-schema"

    /// Every `json-schema` block of `markdown`, in order.
    static func blocks(in markdown: String) throws -> [SchemaBlock] {
        var blocks: [SchemaBlock] = []
        var open: (command: String, line: Int, lines: [String])?
        for (index, line) in markdown.components(separatedBy: "\n").enumerated() {
            if var current = open {
                if line.trimmingCharacters(in: .whitespaces) == "```" {
                    blocks.append(SchemaBlock(command: current.command, text: current.lines.joined(separator: "\n"),
                                              line: current.line))
                    open = nil
                } else {
                    current.lines.append(line)
                    open = current
                }
            } else if line.hasPrefix(infoPrefix + " ") || line == infoPrefix {
                let words = line.dropFirst(infoPrefix.count).split(separator: " ").map(String.init)
                guard !words.isEmpty else {
                    throw HarnessError(description: "line \(index + 1): a json-schema block names no command")
                }
                open = (words.joined(separator: " "), index + 1, [])
            }
        }
        if let open {
            throw HarnessError(description: "line \(open.line): the json-schema block for \(open.command) never ends")
        }
        return blocks
    }
}
