import Foundation
import SodiumKit
import Testing

@testable import CaseVault

/// Library errors carry a code and what they are about, with its value; their messages speak
/// the library's words only. The library is used by host apps that have no options and no
/// `casevault` command, so a message naming one (`--user`, `'casevault case list'`) is wrong
/// wherever the error is shown.
@Suite("CaseVaultError: codes and values; messages without option or command names")
struct CaseVaultErrorTests {
    // MARK: What the library's source says

    /// The library's sources, found from this file's place in the package.
    static var librarySources: [URL] {
        get throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Sources/CaseVault")
            let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?
                .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
            try #require(files.count > 20, "the library's sources were not found under \(root.path)")
            return files
        }
    }

    /// Text that names a command-line option (`--vault`) or the command (`casevault init`,
    /// `'casevault`): the library's name, CaseVault, is fine, and so is `-->` in a diagram.
    static func speaksCLI(_ text: String) -> Bool {
        text.contains(/--[a-z]/) || text.contains("casevault ") || text.contains("'casevault")
    }

    @Test("no string literal in the library names an option or the casevault command")
    func noLiteralSpeaksCLI() throws {
        var offenders: [String] = []
        for file in try Self.librarySources {
            let source = try String(contentsOf: file, encoding: .utf8)
            for literal in SwiftStringLiterals.scan(source) where Self.speaksCLI(literal) {
                offenders.append("\(file.lastPathComponent): \(literal)")
            }
        }
        #expect(offenders.isEmpty,
                "library text naming CLI options or commands:\n\(offenders.joined(separator: "\n"))")
    }

    @Test("the literal scanner finds option names in split and interpolated strings, and skips comments")
    func scannerFindsWhatItShould() {
        let source = #"""
            /// Doc comments may name `casevault init` and --vault.
            let a = "no user named \(name); " // "--user" in a comment is not text
                + "check --user"
            let b = "\(flag ? "x" : "y") uses 'casevault case list'"
            let c = """
                multi-line with --min-cell
                """
            let d = "file://" + "a" // not an option
            let e = "    [*] --> intake"
            """#
        let literals = SwiftStringLiterals.scan(source)
        #expect(literals.contains("check --user"))
        #expect(literals.contains { $0.contains("'casevault case list'") })
        #expect(literals.contains { $0.contains("--min-cell") })
        #expect(!literals.contains { $0.contains("in a comment") || $0.contains("Doc comments") })
        #expect(literals.filter(Self.speaksCLI).count == 3, "\(literals.filter(Self.speaksCLI))")
    }

    // MARK: Errors as thrown

    @Test("unknown user, assignee, partner and case: code, subject and a message in the library's words")
    func unknownNames() throws {
        try withVault { fixture in
            let team = try CaseworkTeam(fixture)
            let user = expectCaseVaultError(.notFound) {
                try fixture.vault.unlock(user: "nobody", passphrase: SecureBytes(utf8: "x"))
            }
            #expect(user?.subject == .user("nobody"))
            #expect(user?.message == "no user named nobody in this vault; name an existing user")

            let filter = expectCaseVaultError(.notFound) { try team.lawyer.cases(CaseFilter(assignee: "nobody")) }
            #expect(filter?.subject == .assignee("nobody"))
            #expect(filter?.summary == "no user named nobody in this vault")

            let id = try team.intake()
            try team.drive(id, to: .inReview)
            let assignee = expectCaseVaultError(.notFound) {
                try team.admin.perform(.reassign, on: id, with: WorkflowInputs(assignee: "nobody"))
            }
            #expect(assignee?.subject == .assignee("nobody"))
            #expect(assignee?.remedy == "name an existing lawyer")
            let notLawyer = expectCaseVaultError(.refused) {
                try team.admin.perform(.reassign, on: id,
                                       with: WorkflowInputs(assignee: CaseworkTeam.coordinatorName))
            }
            #expect(notLawyer?.subject == .assignee(CaseworkTeam.coordinatorName))

            let partner = expectCaseVaultError(.notFound) {
                try team.lawyer.perform(.refer, on: id, with: WorkflowInputs(partner: "no-such-ngo", consent: true))
            }
            #expect(partner?.subject == .partner("no-such-ngo"))
            #expect(partner?.subject?.kind == .partner && partner?.subject?.value == "no-such-ngo")

            let missing = try CaseID(parsing: "0ABCDEFGHJKMNPQRSTVWXYZ012")
            let unknownCase = expectCaseVaultError(.notFound) { try team.lawyer.case(missing) }
            #expect(unknownCase?.subject == .case(missing) && unknownCase?.caseID == missing)
            #expect(unknownCase?.summary == "no case \(missing) in this vault")

            for error in [user, filter, assignee, notLawyer, partner, unknownCase].compactMap({ $0 }) {
                #expect(!Self.speaksCLI(error.message), "\(error.message)")
            }
        }
    }

    @Test("a workflow refusal keeps its structure; a wrong state says where to look in the library's words")
    func refusals() throws {
        try withVault { fixture in
            let team = try CaseworkTeam(fixture)
            let id = try team.intake()
            let error = expectCaseVaultError(.refused) { try team.lawyer.perform(.beginReview, on: id) }
            #expect(error?.refusal == .wrongState(.beginReview, .intake))
            #expect(error?.subject == .case(id) && error?.caseID == id)
            #expect(error?.summary == "case \(id): begin-review does not apply to a case in state intake")
            #expect(error?.remedy == "the workflow table shows which events apply where")
            #expect(!Self.speaksCLI(error?.message ?? "--"))
            let missing = expectCaseVaultError(.refused) { try team.coordinator.perform(.close, on: id) }
            #expect(missing?.refusal == .missing(.outcome, .close) && missing?.remedy == nil)
        }
    }

    @Test("a missing vault, a folder, an empty file and a newer format are about the path or format given")
    func vaultFiles() throws {
        let directory = try TemporaryDirectory()
        let absent = directory.path("absent.db")
        let missing = expectCaseVaultError(.notFound) { try Vault.open(at: absent) }
        #expect(missing?.subject == .vault(absent))
        #expect(missing?.message == "no vault at \(absent); create a vault there, or open another path")
        let folder = expectCaseVaultError(.notFound) { try Vault.open(at: directory.url.path) }
        #expect(folder?.subject == .vault(directory.url.path))
        let emptyPath = directory.path("empty.db")
        #expect(FileManager.default.createFile(atPath: emptyPath, contents: Data()))
        let empty = expectCaseVaultError(.integrity) { try Vault.open(at: emptyPath) }
        #expect(empty?.subject == .vault(emptyPath))
        let noisePath = directory.path("noise.db")
        #expect(FileManager.default.createFile(atPath: noisePath, contents: Data(repeating: 0x5A, count: 8192)))
        let noise = expectCaseVaultError(.unsupportedFormat) { try Vault.open(at: noisePath) }
        #expect(noise?.subject == .vault(noisePath), "\(noise?.message ?? "")")
        for error in [missing, folder, empty, noise].compactMap({ $0 }) {
            #expect(!Self.speaksCLI(error.message), "\(error.message)")
        }
    }

    @Test("export queries: the period, the dimensions, the repeated dimension and K are named with their values")
    func exportQueries() throws {
        let june = try YearMonth(parsing: "2023-06")
        let november = try YearMonth(parsing: "2023-11")
        func refusal(_ query: CountQuery) -> CaseVaultError? {
            expectCaseVaultError(.invalidInput) { try query.validate() }
        }
        let reversed = refusal(CountQuery(by: [.month], from: november, to: june))
        #expect(reversed?.subject == .period(november, june))
        #expect(reversed?.subject?.value == "2023-11..2023-06")
        #expect(refusal(CountQuery(by: []))?.subject == CaseVaultError.Subject(.dimensions, ""))
        #expect(refusal(CountQuery(by: [.month, .region, .region]))?.subject
                    == CaseVaultError.Subject(.dimension, "region"))
        let small = refusal(CountQuery(by: [.month], minimumCellSize: 4))
        #expect(small?.subject == .minimumCellSize(4))
        #expect(small?.message == "a minimum cell size of 4 would publish counts small enough to identify people; "
                    + "use 5 or more (default 10)")
        // The same period in order, and K at its smallest, pass.
        try CountQuery(by: [.month, .region], from: june, to: november, minimumCellSize: 5).validate()
        let monthsError = expectCaseVaultError(.invalidInput) {
            try CountQuery(by: [.month], from: november, to: june).months(today: CalendarDay(parsing: "2024-01-10"))
        }
        #expect(monthsError?.subject == .period(november, june))
        for error in [reversed, small, monthsError].compactMap({ $0 }) {
            #expect(!Self.speaksCLI(error.message), "\(error.message)")
        }
    }

    @Test("an error labelled with its import line keeps its code and subject")
    func labelled() {
        let error = CaseVaultError.unknownPartner("kovcheg").labelled("line 3")
        #expect(error.code == .notFound && error.subject == .partner("kovcheg"))
        #expect(error.message == "line 3: no partner named kovcheg; name a registered partner")
    }

    @Test("subject kinds compare by value and describe themselves for logs")
    func subjects() {
        #expect(CaseVaultError.Subject.user("anna") == CaseVaultError.Subject(.user, "anna"))
        #expect(CaseVaultError.Subject.user("anna") != .assignee("anna"))
        #expect(CaseVaultError.Subject.partner("kovcheg").description == "partner kovcheg")
        #expect(CaseVaultError.Subject(.dimensions, "").description == "dimensions")
    }
}

/// The string literals of Swift source: every segment between quotes, single-line or
/// multi-line, with interpolations replaced by `\(…)` and comments skipped.
enum SwiftStringLiterals {
    static func scan(_ source: String) -> [String] {
        let characters = Array(source)
        var literals: [String] = []
        var index = 0
        func at(_ offset: Int) -> Character? {
            index + offset < characters.count ? characters[index + offset] : nil
        }
        while index < characters.count {
            let character = characters[index]
            if character == "/" && at(1) == "/" {
                while index < characters.count && characters[index] != "\n" { index += 1 }
            } else if character == "/" && at(1) == "*" {
                index += 2
                while index < characters.count && !(characters[index] == "*" && at(1) == "/") { index += 1 }
                index += 2
            } else if character == "\"" {
                let multiline = at(1) == "\"" && at(2) == "\""
                index += multiline ? 3 : 1
                literals.append(readLiteral(characters, &index, multiline: multiline))
            } else {
                index += 1
            }
        }
        return literals
    }

    /// Reads up to the closing quote(s); an interpolation is skipped by counting parentheses,
    /// so quotes inside it do not end the literal.
    private static func readLiteral(_ characters: [Character], _ index: inout Int, multiline: Bool) -> String {
        var text = ""
        while index < characters.count {
            let character = characters[index]
            if character == "\\" && index + 1 < characters.count {
                if characters[index + 1] == "(" {
                    var depth = 0
                    repeat {
                        if characters[index] == "(" { depth += 1 } else if characters[index] == ")" { depth -= 1 }
                        index += 1
                    } while index < characters.count && depth > 0
                    text += "\\(…)"
                } else {
                    text.append(characters[index + 1])
                    index += 2
                }
            } else if character == "\"" && (!multiline || (index + 2 < characters.count
                                                        && characters[index + 1] == "\""
                                                        && characters[index + 2] == "\"")) {
                index += multiline ? 3 : 1
                return text
            } else {
                text.append(character)
                index += 1
            }
        }
        return text
    }
}
