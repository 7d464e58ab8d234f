#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads passphrases into secure memory, never into a `String`.
public enum SecureInput {
    /// The longest passphrase accepted, in bytes.
    public static let maximumLength = 4096

    /// Reads a passphrase file; one trailing newline (`\n` or `\r\n`) is stripped.
    ///
    /// - Throws: ``SodiumError/Code/inputUnavailable`` when the file cannot be read or is
    ///   longer than ``maximumLength``.
    public static func readPassphrase(fromFile path: String) throws -> SecureBytes {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw SodiumError(.inputUnavailable, "cannot read passphrase file \(path)") }
        defer { close(descriptor) }
        return try readLine(from: descriptor, stopAtNewline: false)
    }

    /// Prompts on the controlling terminal and reads a line with echo turned off.
    ///
    /// - Throws: ``SodiumError/Code/inputUnavailable`` when there is no terminal.
    public static func readPassphraseFromTerminal(prompt: String) throws -> SecureBytes {
        let descriptor = open("/dev/tty", O_RDWR)
        guard descriptor >= 0 else {
            throw SodiumError(.inputUnavailable, "no terminal to ask for a passphrase")
        }
        defer { close(descriptor) }
        _ = Array(prompt.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        var saved = termios()
        let hasTerminal = tcgetattr(descriptor, &saved) == 0
        if hasTerminal {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            silent.c_lflag |= tcflag_t(ECHONL)
            _ = tcsetattr(descriptor, TCSAFLUSH, &silent)
        }
        defer { if hasTerminal { _ = tcsetattr(descriptor, TCSAFLUSH, &saved) } }
        return try readLine(from: descriptor, stopAtNewline: true)
    }

    /// Whether standard input is a terminal.
    public static var standardInputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    private static func readLine(from descriptor: Int32, stopAtNewline: Bool) throws -> SecureBytes {
        let buffer = SecureBytes(count: maximumLength + 2)
        var length = 0
        var byte: UInt8 = 0
        while true {
            let got = read(descriptor, &byte, 1)
            if got < 0 && errno == EINTR { continue }
            if got < 0 {
                byte = 0
                throw SodiumError(.inputUnavailable, "cannot read the passphrase")
            }
            if got == 0 { break }
            if stopAtNewline && byte == UInt8(ascii: "\n") { break }
            guard length < buffer.count else {
                byte = 0
                throw SodiumError(.inputUnavailable, "passphrase longer than \(maximumLength) bytes")
            }
            buffer.withMutableBytes { $0[length] = byte }
            length += 1
        }
        byte = 0
        // One line ending goes: "\n" or "\r\n" (a terminal read has already consumed the "\n").
        var endedLine = stopAtNewline
        if !stopAtNewline, length > 0, buffer.withBytes({ $0[length - 1] }) == UInt8(ascii: "\n") {
            length -= 1
            endedLine = true
        }
        if endedLine, length > 0, buffer.withBytes({ $0[length - 1] }) == UInt8(ascii: "\r") { length -= 1 }
        guard length <= maximumLength else {
            throw SodiumError(.inputUnavailable, "passphrase longer than \(maximumLength) bytes")
        }
        return SecureBytes(slicing: buffer, offset: 0, count: length)
    }
}
