import CaseVault
import Foundation
import SodiumKit

/// A usage problem found after parsing (exit status 2).
struct UsageError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Standard output and error, and the reading of sensitive input.
enum Console {
    static func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Writes many lines with one system call (a listing of thousands of cases).
    static func out(lines: [String]) {
        var text = lines.joined(separator: "\n")
        text.append("\n")
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// `text` followed by spaces up to `width` characters (Foundation's `padding(toLength:)` costs
    /// more than the whole listing it pads).
    static func padded(_ text: String, _ width: Int) -> String {
        let count = text.count
        return count >= width ? text : text + String(repeating: " ", count: width - count)
    }

    static func err(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Reads a sensitive text (contact, narrative, note) from a file or `-` for standard input.
    static func readText(_ path: String, what: String) throws -> String {
        let data = try readData(path, what: what)
        guard var text = String(data: data, encoding: .utf8) else {
            throw UsageError("the \(what) file \(path) is not UTF-8 text")
        }
        // Editors end files with a newline; it is not part of the text.
        if text.last == "\n" || text.last == "\r\n" { text.removeLast() }
        return text
    }

    /// Reads a whole file, or standard input for `-`.
    static func readData(_ path: String, what: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw CaseVaultError(.notFound, "cannot read the \(what) file \(path)", remedy: "check the path",
                                 subject: .file(path))
        }
        return contents
    }

    /// Whether standard input is a pipe or a file with text waiting to be read: what was piped to
    /// a command that no option tells to read it (a file's unread bytes, or a pipe's buffered ones).
    static var standardInputHasText: Bool {
        var status = stat()
        guard isatty(STDIN_FILENO) == 0, fstat(STDIN_FILENO, &status) == 0 else { return false }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            // A file can be looked at without moving its offset: only text that is not blank counts.
            let offset = lseek(STDIN_FILENO, 0, SEEK_CUR)
            guard offset >= 0, Int64(status.st_size) > Int64(offset) else { return false }
            var bytes = [UInt8](repeating: 0, count: 4_096)
            let count = pread(STDIN_FILENO, &bytes, bytes.count, offset)
            return count > 0 && bytes[..<count].contains { !($0 == 32 || (9...13).contains($0)) }
        case S_IFIFO, S_IFSOCK:
            var waiting: Int32 = 0
            return ioctl(STDIN_FILENO, UInt(FIONREAD), &waiting) == 0 && waiting > 0
        default:
            return false
        }
    }

    /// Refuses text on standard input that no option reads, rather than dropping it silently
    /// (`echo text | casevault case new ...` without `--narrative-file -`).
    static func refuseUnreadInput(_ options: String) throws {
        guard standardInputHasText else { return }
        throw UsageError("standard input holds text but nothing reads it; pass \(options) to use it, or "
                         + "redirect standard input from /dev/null")
    }

    /// Reads a line or, for `multiline`, everything up to end of input (Ctrl-D) at a prompt on a terminal.
    static func prompt(_ message: String, multiline: Bool) -> String? {
        FileHandle.standardError.write(Data(message.utf8))
        if multiline {
            let text = String(data: FileHandle.standardInput.readDataToEndOfFile(), encoding: .utf8) ?? ""
            return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : text
        }
        guard let line = readLine(), !line.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return line
    }
}

/// Where a passphrase comes from: a file (option or environment) or the terminal, never an argument.
enum PassphraseSource {
    static func read(file: String?, prompt: String, confirm: Bool = false) throws -> SecureBytes {
        if let path = file ?? ProcessInfo.processInfo.environment["CASEVAULT_PASSPHRASE_FILE"] {
            return try readFile(path)
        }
        return try readTerminal(prompt: prompt, confirm: confirm,
                                hint: "use --passphrase-file PATH or set CASEVAULT_PASSPHRASE_FILE")
    }

    static func readNew(file: String?, prompt: String) throws -> SecureBytes {
        if let file { return try readFile(file) }
        return try readTerminal(prompt: prompt, confirm: true, hint: "use --new-passphrase-file PATH")
    }

    private static func readFile(_ path: String) throws -> SecureBytes {
        do {
            let passphrase = try SecureInput.readPassphrase(fromFile: path)
            guard passphrase.count > 0 else { throw UsageError("the passphrase file \(path) is empty") }
            return passphrase
        } catch let error as SodiumError {
            throw UsageError("\(error.detail); check the passphrase file path")
        }
    }

    /// Reads a passphrase at the terminal; with `confirm`, asks for it twice and, when the two
    /// differ or it is empty, says so and asks again (three tries) rather than giving up on a typo.
    private static func readTerminal(prompt: String, confirm: Bool, hint: String) throws -> SecureBytes {
        let tries = confirm ? 3 : 1
        do {
            for attempt in 1...tries {
                let first = try SecureInput.readPassphraseFromTerminal(prompt: prompt)
                let problem: String
                if first.count == 0 {
                    problem = "an empty passphrase is not allowed"
                } else if !confirm {
                    return first
                } else if first.constantTimeEquals(try SecureInput.readPassphraseFromTerminal(prompt: "Repeat it: ")) {
                    return first
                } else {
                    problem = "the two passphrases differ"
                }
                guard attempt < tries else {
                    throw UsageError(tries > 1 ? "\(problem) (\(tries) tries); run the command again"
                                     : "\(problem); type it at the prompt or \(hint)")
                }
                Console.err("\(problem); try again.")
            }
            throw UsageError("no passphrase given; \(hint)")
        } catch let error as SodiumError {
            throw UsageError("\(error.detail); \(hint)")
        }
    }
}
