import Foundation
import Testing

/// Project Wycheproof vectors (C2SP/wycheproof), read from `shared/test-vectors/wycheproof/`
/// next to the project checkout.
///
/// The files are not copied into the package: they belong to the organisation's shared test
/// data. Where the folder is absent (a clone elsewhere) the Wycheproof tests are skipped, while
/// the RFC vectors kept inside the test files always run. Set `CASEVAULT_TEST_VECTORS` to the
/// `test-vectors` folder (or to its `wycheproof` folder) to read them from somewhere else.
enum Wycheproof {
    /// The environment variable that overrides where the vectors are read from.
    static let overrideVariable = "CASEVAULT_TEST_VECTORS"

    /// The folder holding the JSON files, or `nil` when it cannot be found.
    static let directory: URL? = locate(
        environment: ProcessInfo.processInfo.environment, sourceFile: #filePath)

    /// Whether the vectors can be read; the Wycheproof tests are enabled only then.
    static var isAvailable: Bool { directory != nil }

    /// Why the Wycheproof tests did not run.
    static let absentReason: Comment = """
        Wycheproof vectors not found (looked in $CASEVAULT_TEST_VECTORS if set, else in \
        ../shared/test-vectors/wycheproof next to the checkout)
        """

    /// Finds the vectors folder: the override if set, else `shared/test-vectors/wycheproof` in
    /// the parent of the package root (the first folder above `sourceFile` with a Package.swift).
    static func locate(environment: [String: String], sourceFile: String) -> URL? {
        if let override = environment[overrideVariable], !override.isEmpty {
            let root = URL(fileURLWithPath: override, isDirectory: true)
            return [root.appendingPathComponent("wycheproof", isDirectory: true), root]
                .first(where: isFolder)
        }
        // Resolving symlinks finds the real checkout when the tests are built through a
        // package whose folders link to it.
        var folder = URL(fileURLWithPath: sourceFile).resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.pathComponents.count > 1 {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                let candidate = folder.deletingLastPathComponent()
                    .appendingPathComponent("shared/test-vectors/wycheproof", isDirectory: true)
                return isFolder(candidate) ? candidate : nil
            }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }

    private static func isFolder(_ folder: URL) -> Bool {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory)
        return exists && isDirectory.boolValue
    }

    /// Decodes one vector file, e.g. `load("x25519_test", as: XDHGroup.self)`.
    static func load<Group: Decodable>(_ name: String, as group: Group.Type) throws -> WycheproofFile<Group> {
        let folder = try #require(directory, absentReason)
        let data = try Data(contentsOf: folder.appendingPathComponent(name + ".json"))
        return try JSONDecoder().decode(WycheproofFile<Group>.self, from: data)
    }
}

/// The top level of every Wycheproof file.
struct WycheproofFile<Group: Decodable>: Decodable {
    let algorithm: String
    let numberOfTests: Int
    let testGroups: [Group]
}

/// What a vector expects of a correct implementation.
enum WycheproofResult: String, Decodable, Sendable {
    /// Must be accepted and give the stated output.
    case valid
    /// Must be refused.
    case invalid
    /// Either answer is allowed (legal but unusual inputs, such as points on the twist).
    case acceptable
}

/// The fields every Wycheproof test case has.
protocol WycheproofVector {
    var tcId: Int { get }
    var comment: String { get }
    var flags: [String] { get }
    var result: WycheproofResult { get }
}

extension WycheproofVector {
    /// Names the vector in a failure message.
    var label: Comment { "Wycheproof tcId \(tcId) \(flags) \(comment)" }
}

/// A Wycheproof field holding hex, decoded to bytes.
@propertyWrapper
struct Hex: Decodable, Sendable {
    var wrappedValue: [UInt8]

    init(wrappedValue: [UInt8]) {
        self.wrappedValue = wrappedValue
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            wrappedValue = try [UInt8](hex: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(error)")
        }
    }
}

// MARK: - aead_test_schema_v1

struct AEADGroup: Decodable {
    let ivSize: Int
    let keySize: Int
    let tagSize: Int
    let tests: [AEADVector]
}

struct AEADVector: Decodable, WycheproofVector {
    let tcId: Int
    let comment: String
    let flags: [String]
    let result: WycheproofResult
    @Hex var key: [UInt8]
    @Hex var iv: [UInt8]
    @Hex var aad: [UInt8]
    @Hex var msg: [UInt8]
    @Hex var ct: [UInt8]
    @Hex var tag: [UInt8]
}

// MARK: - eddsa_verify_schema_v1

struct EdDSAGroup: Decodable {
    struct PublicKey: Decodable {
        let curve: String
        @Hex var pk: [UInt8]
    }

    let publicKey: PublicKey
    let tests: [SignatureVector]
}

struct SignatureVector: Decodable, WycheproofVector {
    let tcId: Int
    let comment: String
    let flags: [String]
    let result: WycheproofResult
    @Hex var msg: [UInt8]
    @Hex var sig: [UInt8]
}

// MARK: - xdh_comp_schema_v1

struct XDHGroup: Decodable {
    let curve: String
    let tests: [XDHVector]
}

struct XDHVector: Decodable, WycheproofVector {
    enum CodingKeys: String, CodingKey {
        case tcId, comment, flags, result, shared
        case publicKey = "public"
        case privateKey = "private"
    }

    let tcId: Int
    let comment: String
    let flags: [String]
    let result: WycheproofResult
    @Hex var publicKey: [UInt8]
    @Hex var privateKey: [UInt8]
    @Hex var shared: [UInt8]
}

// MARK: - Tests of the loader itself

@Suite("Wycheproof loader")
struct WycheproofLoaderTests {
    @Test("Every file decodes completely", .enabled(if: Wycheproof.isAvailable, Wycheproof.absentReason))
    func filesDecode() throws {
        let aead = try Wycheproof.load("xchacha20_poly1305_test", as: AEADGroup.self)
        #expect(aead.algorithm == "XCHACHA20-POLY1305")
        #expect(aead.testGroups.map(\.tests.count).reduce(0, +) == aead.numberOfTests)

        let eddsa = try Wycheproof.load("ed25519_test", as: EdDSAGroup.self)
        #expect(eddsa.algorithm == "EDDSA")
        #expect(eddsa.testGroups.allSatisfy { $0.publicKey.curve == "edwards25519" })
        #expect(eddsa.testGroups.map(\.tests.count).reduce(0, +) == eddsa.numberOfTests)

        let xdh = try Wycheproof.load("x25519_test", as: XDHGroup.self)
        #expect(xdh.algorithm == "XDH")
        #expect(xdh.testGroups.allSatisfy { $0.curve == "curve25519" })
        #expect(xdh.testGroups.map(\.tests.count).reduce(0, +) == xdh.numberOfTests)
    }

    @Test("A missing file is an error, not an empty list",
          .enabled(if: Wycheproof.isAvailable, Wycheproof.absentReason))
    func missingFileThrows() {
        #expect(throws: (any Error).self) { try Wycheproof.load("no_such_test", as: XDHGroup.self) }
    }

    @Test("Hex fields decode to bytes, and a field that is not hex fails decoding")
    func hexFields() throws {
        func group(publicKey: String) -> Data {
            Data("""
                {"curve": "curve25519", "tests": [{"tcId": 7, "comment": "c", "flags": ["Twist"],
                  "result": "acceptable", "public": "\(publicKey)", "private": "00ff", "shared": ""}]}
                """.utf8)
        }
        let decoded = try JSONDecoder().decode(XDHGroup.self, from: group(publicKey: "0a0B"))
        let vector = try #require(decoded.tests.first)
        #expect(vector.publicKey == [0x0a, 0x0b])
        #expect(vector.privateKey == [0x00, 0xff])
        #expect(vector.shared == [])
        #expect(vector.result == .acceptable)
        #expect(vector.flags == ["Twist"])

        #expect(throws: DecodingError.self) { try JSONDecoder().decode(XDHGroup.self, from: group(publicKey: "0g")) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(XDHGroup.self, from: group(publicKey: "abc")) }
    }

    @Test("The override wins, and names either the test-vectors or the wycheproof folder")
    func overrideIsHonoured() throws {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("wycheproof-locator-\(UUID().uuidString)", isDirectory: true)
        let vectors = root.appendingPathComponent("wycheproof", isDirectory: true)
        try FileManager.default.createDirectory(at: vectors, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }

        let fromRoot = Wycheproof.locate(environment: [Wycheproof.overrideVariable: root.path], sourceFile: #filePath)
        #expect(fromRoot?.standardizedFileURL == vectors.standardizedFileURL)
        let direct = Wycheproof.locate(environment: [Wycheproof.overrideVariable: vectors.path], sourceFile: #filePath)
        #expect(direct?.standardizedFileURL == vectors.standardizedFileURL)
    }

    @Test("A missing override or checkout means the vectors are absent")
    func absentFolderIsNil() {
        let missing = "/nonexistent-\(UUID().uuidString)"
        #expect(Wycheproof.locate(environment: [Wycheproof.overrideVariable: missing], sourceFile: #filePath) == nil)
        #expect(Wycheproof.locate(environment: [:], sourceFile: missing + "/Tests/X/File.swift") == nil)
    }

    @Test(
        "Without an override the folder is found next to the checkout",
        .enabled(if: Wycheproof.locate(environment: [:], sourceFile: #filePath) != nil, Wycheproof.absentReason)
    )
    func foundNextToCheckout() throws {
        let folder = try #require(Wycheproof.locate(environment: [:], sourceFile: #filePath))
        #expect(folder.lastPathComponent == "wycheproof")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("x25519_test.json").path))
    }
}
