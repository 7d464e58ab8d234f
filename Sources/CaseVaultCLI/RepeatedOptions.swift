import ArgumentParser
import Foundation

/// Refuses a single-valued option given more than once (DESIGN.md §6): ArgumentParser keeps the
/// last value silently, which loses what the user typed first (`--state a --state b`). A list
/// option (`--need legal --need exit`) adds up and is never refused here.
///
/// Which options take one value is read from the command definitions themselves (ArgumentParser's
/// description of the tool, as `--experimental-dump-help` prints it), so a new option is covered
/// without a table to keep. The description is only built when some option is repeated.
enum RepeatedOptions {
    /// Throws a usage error naming the first single-valued option of the chosen command that
    /// `arguments` (without the program name) give more than once.
    static func check(_ arguments: [String], root: any ParsableCommand.Type) throws {
        let given = longOptions(in: arguments)
        var counts: [String: Int] = [:]
        for option in given { counts[option.name, default: 0] += 1 }
        let repeated = Set(counts.filter { $0.value > 1 }.keys)
        guard !repeated.isEmpty,
              let tool = try? JSONDecoder().decode(ToolInfo.self, from: Data(root._dumpHelp().utf8)) else { return }
        let command = tool.command.chosen(by: arguments)
        for option in given where repeated.contains(option.name) {
            // Hidden options are the refused ones (`--passphrase`, `--contact`): their own refusal says why.
            guard let argument = command.argument(named: option.name), argument.kind == "option",
                  argument.isRepeating != true, argument.shouldDisplay != false else { continue }
            let values = given.filter { $0.name == option.name }.compactMap(\.value)
            let shown = values.count == counts[option.name] ? " (" + values.map { "'\($0)'" }
                .joined(separator: ", ") + ")" : ""
            throw UsageError("--\(option.name) is given \(counts[option.name] ?? 2) times\(shown) but takes one "
                             + "value; give it once")
        }
    }

    /// The long options in `arguments`, with the value that follows each (`--x v` or `--x=v`),
    /// up to a `--` that ends the options.
    static func longOptions(in arguments: [String]) -> [(name: String, value: String?)] {
        var options: [(name: String, value: String?)] = []
        for (index, token) in arguments.enumerated() {
            if token == "--" { break }
            guard token.hasPrefix("--"), token.count > 2 else { continue }
            let body = token.dropFirst(2)
            if let equals = body.firstIndex(of: "=") {
                options.append((String(body[..<equals]), String(body[body.index(after: equals)...])))
            } else {
                let next = index + 1 < arguments.count ? arguments[index + 1] : nil
                options.append((String(body), next.flatMap { $0.hasPrefix("--") ? nil : $0 }))
            }
        }
        return options
    }

    /// The parts of ArgumentParser's tool description this check reads.
    struct ToolInfo: Decodable {
        let command: Command

        struct Command: Decodable {
            let commandName: String
            let subcommands: [Command]?
            let arguments: [Argument]?

            /// The subcommand the leading words of `arguments` name (`case list` ...).
            func chosen(by arguments: [String]) -> Command {
                var command = self
                for word in arguments {
                    guard !word.hasPrefix("-"),
                          let next = command.subcommands?.first(where: { $0.commandName == word }) else { break }
                    command = next
                }
                return command
            }

            func argument(named name: String) -> Argument? {
                arguments?.first { $0.names?.contains { $0.kind == "long" && $0.name == name } == true }
            }
        }

        struct Argument: Decodable {
            let kind: String
            let names: [Name]?
            let isRepeating: Bool?
            let shouldDisplay: Bool?
        }

        struct Name: Decodable {
            let kind: String
            let name: String
        }
    }
}
