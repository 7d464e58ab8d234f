import Foundation
import Testing

@testable import CaseVault
@testable import CaseVaultCLI

/// How `casevault` words a library error: the library's summary, then a hint naming the option
/// or command the error's subject came from; the library's own message when there is none.
@Suite("casevault: library error values become one line with the CLI's hint")
struct ErrorLineTests {
    static let id = "0ABCDEFGHJKMNPQRSTVWXYZ012"

    /// Library errors, made as the library makes them, and the line `casevault` prints for each.
    static var expected: [(error: CaseVaultError, line: String)] {
        get throws {
            let caseID = try CaseID(parsing: id)
            let june = try YearMonth(parsing: "2023-06")
            let november = try YearMonth(parsing: "2023-11")
            func validation(_ query: CountQuery) throws -> CaseVaultError {
                do { try query.validate() } catch let error as CaseVaultError { return error }
                throw CaseVaultError(.invalidInput, "\(query) passed validation")
            }
            return [
                (.unknownUser("nobody"), "no user named nobody in this vault; check --user"),
                (.unknownAssignee("nobody"), "no user named nobody in this vault; check --assignee"),
                (.unknownPartner("no-such-ngo"), "no partner named no-such-ngo; 'casevault partner list' shows them"),
                (.unknownCase(caseID), "no case \(id) in this vault; 'casevault case list' shows the cases"),
                (CaseVaultError(.wrongState(.beginReview, .intake), caseID: caseID),
                 "case \(id): begin-review does not apply to a case in state intake; "
                    + "'casevault workflow' shows which events apply where"),
                (CaseVaultError(.missing(.outcome, .close), caseID: caseID), "case \(id): close requires an outcome"),
                (.wrongPassphrase("anna"), "wrong passphrase for anna (or its keyslot is damaged)"),
                (.role(.auditor, cannot: "list cases"), "a user with role auditor cannot list cases"),
                (try validation(CountQuery(by: [.month], minimumCellSize: 4)),
                 "a minimum cell size of 4 would publish counts small enough to identify people; "
                    + "use --min-cell 5 or more (default 10)"),
                (try validation(CountQuery(by: [])),
                 "an export needs at least one dimension; use --by month (or "
                    + ExportDimension.allCases.map(\.rawValue).joined(separator: ", ") + ")"),
                (try validation(CountQuery(by: [.month, .month])),
                 "the dimension month is named twice; name each once in --by"),
                (try validation(CountQuery(by: [.month], from: november, to: june)),
                 "the period 2023-11 to 2023-06 is empty; --from must not be after --to"),
                (CaseVaultError(.refused, "this table cannot be published safely", remedy: "count by fewer dimensions",
                                subject: .minimumCellSize(10)),
                 "this table cannot be published safely; count by fewer dimensions, over another period or with a "
                    + "larger --min-cell"),
                (CaseVaultError(.integrity, "the signer is not certified by this organisation key",
                                remedy: "check the organisation key", subject: .init(.organisationKey, "AAAA")),
                 "the signer is not certified by this organisation key; check --org-key"),
                (CaseVaultError(.alreadyExists, "/r is a file, not a folder", remedy: "choose a folder",
                                subject: .exportFolder("/r")),
                 "/r is a file, not a folder; choose another folder for --out"),
                (CaseVaultError(.storage, "cannot create the folder /r", remedy: "check the path",
                                subject: .exportFolder("/r")),
                 "cannot create the folder /r; check the path"),
                (CaseVaultError(.alreadyExists, "/k already exists", remedy: "choose another file",
                                subject: .file("/k")),
                 "/k already exists; choose another file"),
                (CaseVaultError(.unsupportedFormat, "/v has vault format 3, and this version of CaseVault reads "
                                + "formats up to 2", remedy: "upgrade CaseVault", subject: .init(.format, "3")),
                 "/v has vault format 3, and this version of CaseVault reads formats up to 2; upgrade casevault"),
            ]
        }
    }

    @Test("each library error becomes its line: the hint names the option or command, or the library's words stay")
    func lines() throws {
        for (error, line) in try Self.expected {
            #expect(ErrorLine.line(for: error) == line, "\(error.code) \(error.subject?.description ?? "-")")
        }
    }

    @Test("the same value from another option gets that option's hint, and a code without a hint keeps the remedy")
    func hintFollowsSubject() {
        let user = CaseVaultError(.notFound, "no user named x in this vault", remedy: "r", subject: .user("x"))
        let assignee = CaseVaultError(.notFound, "no user named x in this vault", remedy: "r", subject: .assignee("x"))
        #expect(ErrorLine.line(for: user) != ErrorLine.line(for: assignee))
        let refused = CaseVaultError(.refused, "x is a coordinator, not a lawyer",
                                     remedy: "cases are assigned to lawyers", subject: .assignee("x"))
        #expect(ErrorLine.line(for: refused) == refused.message)
        #expect(ErrorLine.hint(for: CaseVaultError(.storage, "no subject")) == nil)
    }

    @Test("errors the library throws from a real vault path get the --vault hints")
    func vaultPaths() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("casevault-errorline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func line(opening path: String) -> String {
            do {
                _ = try Vault.open(at: path)
                return "opened"
            } catch let error as CaseVaultError {
                return ErrorLine.line(for: error)
            } catch {
                return "\(error)"
            }
        }
        let absent = directory.appendingPathComponent("absent.db").path
        #expect(line(opening: absent)
                == "no vault at \(absent); pass --vault with the vault file, or create one with 'casevault init'")
        #expect(line(opening: directory.path)
                == "\(directory.path) is a folder, not a vault file; pass --vault with the vault file, or create one "
                    + "with 'casevault init'")
        let empty = directory.appendingPathComponent("empty.db").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        #expect(line(opening: empty) == "\(empty) is empty (0 bytes), so it holds no vault; check --vault, "
                    + "or restore the vault from a backup")
        let noise = directory.appendingPathComponent("noise.db").path
        #expect(FileManager.default.createFile(atPath: noise, contents: Data(repeating: 0x5A, count: 8192)))
        #expect(line(opening: noise) == "could not open \(noise): the file is not a CaseVault vault, or its header is "
                    + "damaged; check --vault, or restore the vault from a backup")
    }
}
