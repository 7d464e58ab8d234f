import Foundation
import Testing

@testable import CaseVault

/// `ExportDocument.write(toFolder:)`: the table and its manifest, owner-only, never over an
/// earlier export, never a table without its manifest.
@Suite("Export folders: written owner-only, never overwritten, never half")
struct ExportFolderTests {
    static let document = ExportDocument(format: .csv, table: Array("month,count\n2023-09,12\ntotal,12\n".utf8),
                                         manifest: Array("{\"manifest\": \"casevault-export/1\"}\n".utf8))

    static func mode(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    static func contents(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    @Test("a missing folder is created owner-only with its parents; table and manifest are owner-only files")
    func writesNewFolder() throws {
        let directory = try TemporaryDirectory()
        let folder = directory.path("reports/2023")
        let files = try Self.document.write(toFolder: folder)
        #expect(files.table == folder + "/counts.csv" && files.manifest == folder + "/manifest.json")
        #expect(Self.contents(files.table) == Self.document.table)
        #expect(Self.contents(files.manifest) == Self.document.manifest)
        #expect(try Self.mode(folder) == 0o700)
        #expect(try Self.mode(files.table) == 0o600 && Self.mode(files.manifest) == 0o600)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == ["counts.csv", "manifest.json"])
    }

    @Test("a second export into the same folder is refused, in either format, and the first stays as it was")
    func refusesOverwrite() throws {
        let directory = try TemporaryDirectory()
        let folder = directory.path("report")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let files = try Self.document.write(toFolder: folder)
        let json = ExportDocument(format: .json, table: Array("{}\n".utf8), manifest: Array("{\"other\": 1}\n".utf8))
        for document in [Self.document, json] {
            let error = expectCaseVaultError(.alreadyExists) { try document.write(toFolder: folder) }
            #expect(error?.subject == .exportFolder(folder))
            #expect(error?.remedy == "choose another folder")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == ["counts.csv", "manifest.json"], "the refused JSON export left its table")
        #expect(Self.contents(files.table) == Self.document.table)
        #expect(Self.contents(files.manifest) == Self.document.manifest)
    }

    @Test("a file where the folder should be is refused and left alone")
    func refusesFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("not-a-folder")
        #expect(FileManager.default.createFile(atPath: path, contents: Data("keep me\n".utf8)))
        let error = expectCaseVaultError(.alreadyExists) { try Self.document.write(toFolder: path) }
        #expect(error?.subject == .exportFolder(path))
        #expect(error?.summary == "\(path) is a file, not a folder")
        #expect(Self.contents(path) == Array("keep me\n".utf8))
    }

    @Test("a manifest that cannot be created takes its table with it; a planted link is not followed")
    func noTableWithoutManifest() throws {
        let directory = try TemporaryDirectory()
        let folder = directory.path("report")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let target = directory.path("elsewhere.json")
        // A dangling link looks absent to an existence check, so only the exclusive create refuses it.
        try FileManager.default.createSymbolicLink(atPath: folder + "/manifest.json", withDestinationPath: target)
        let error = expectCaseVaultError(.alreadyExists) { try Self.document.write(toFolder: folder) }
        #expect(error?.subject == .file(folder + "/manifest.json"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/counts.csv"),
                "a table was left without its manifest")
        #expect(!FileManager.default.fileExists(atPath: target), "the link was followed")
    }

    @Test("a folder that cannot be created is a storage error about it")
    func uncreatableFolder() throws {
        let directory = try TemporaryDirectory()
        let blocker = directory.path("file")
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data()))
        let error = expectCaseVaultError(.storage) { try Self.document.write(toFolder: blocker + "/report") }
        #expect(error?.subject == .exportFolder(blocker + "/report"))
    }
}
