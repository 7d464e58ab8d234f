import Foundation
import SodiumKit
import Testing

@Suite("Passphrase files")
struct SecureInputTests {
    /// A fresh folder per test, removed afterwards.
    private final class Scratch {
        let folder: URL

        init() throws {
            folder = FileManager.default.temporaryDirectory
                .appendingPathComponent("sodiumkit-input-\(UUID().uuidString)", isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }

        deinit {
            try? FileManager.default.removeItem(at: folder)
        }

        /// Writes `bytes` to a new file and returns its path.
        func file(_ bytes: [UInt8]) throws -> String {
            let url = folder.appendingPathComponent(UUID().uuidString)
            try Data(bytes).write(to: url)
            return url.path
        }
    }

    @Test("Exactly one trailing newline is stripped; interior newlines are kept",
          arguments: [
              ("secret\n", "secret"),
              ("secret", "secret"),
              ("secret\r\n", "secret"),
              ("secret\n\n", "secret\n"),
              ("secret\r\n\r\n", "secret\r\n"),
              ("two\nlines\n", "two\nlines"),
              ("two\r\nlines\r\n", "two\r\nlines"),
              ("  spaced  \n", "  spaced  "),
              ("\n", ""),
              ("", ""),
              ("pässwörd 🔑\n", "pässwörd 🔑"),
          ])
    func stripsOneNewline(contents: String, expected: String) throws {
        let scratch = try Scratch()
        let passphrase = try SecureInput.readPassphrase(fromFile: try scratch.file(Array(contents.utf8)))
        #expect(passphrase.revealBytes() == Array(expected.utf8))
    }

    @Test("Bytes that are not UTF-8, including NUL, are kept as they are")
    func keepsArbitraryBytes() throws {
        let scratch = try Scratch()
        let bytes: [UInt8] = [0xff, 0x00, 0xfe, 0x0a, 0x41]
        let passphrase = try SecureInput.readPassphrase(fromFile: try scratch.file(bytes + [0x0a]))
        #expect(passphrase.revealBytes() == bytes)
    }

    @Test("A missing file is input unavailable")
    func missingFile() throws {
        let scratch = try Scratch()
        let path = scratch.folder.appendingPathComponent("absent").path
        expectSodiumError(.inputUnavailable) { try SecureInput.readPassphrase(fromFile: path) }
    }

    @Test("The longest accepted passphrase is read; one byte more is input unavailable")
    func lengthLimit() throws {
        let scratch = try Scratch()
        let longest = [UInt8](repeating: 0x61, count: SecureInput.maximumLength)
        #expect(try SecureInput.readPassphrase(fromFile: try scratch.file(longest)).count == SecureInput.maximumLength)
        #expect(try SecureInput.readPassphrase(fromFile: try scratch.file(longest + [0x0d, 0x0a])).revealBytes()
                == longest)

        let tooLong = try scratch.file(longest + [0x61])
        expectSodiumError(.inputUnavailable) { try SecureInput.readPassphrase(fromFile: tooLong) }
        let muchTooLong = try scratch.file(longest + longest)
        expectSodiumError(.inputUnavailable) { try SecureInput.readPassphrase(fromFile: muchTooLong) }
    }

    @Test("A file that cannot be read (a folder) is input unavailable, not an empty passphrase")
    func unreadableFile() throws {
        let scratch = try Scratch()
        expectSodiumError(.inputUnavailable) { try SecureInput.readPassphrase(fromFile: scratch.folder.path) }
    }

    @Test("A lone trailing carriage return is not a newline and is kept")
    func loneCarriageReturn() throws {
        let scratch = try Scratch()
        let path = try scratch.file(Array("secret\r".utf8))
        let passphrase = try SecureInput.readPassphrase(fromFile: path)
        #expect(passphrase.revealBytes() == Array("secret\r".utf8))
    }

    @Test("The error for a missing file names the path but nothing secret")
    func errorDescription() throws {
        let scratch = try Scratch()
        let path = scratch.folder.appendingPathComponent("missing-passphrase").path
        let error = #expect(throws: SodiumError.self) { try SecureInput.readPassphrase(fromFile: path) }
        #expect(error?.description.contains("missing-passphrase") == true)
        #expect(error?.code == .inputUnavailable)
    }
}
