/// A federal district of Russia, as derived from a region by ``Region/districtTableVersion``.
public enum FederalDistrict: String, StoredVocabulary {
    case central, northwestern, southern
    case northCaucasian = "north-caucasian"
    case volga, ural, siberian
    case farEastern = "far-eastern"
    case other, unknown
}

/// A requester's home region: an ISO 3166-2:RU subject code, an ISO 3166-2:UA code of occupied
/// territory, or `unknown`.
///
/// ```swift
/// let region = try Region(code: "ru-sve")   // RU-SVE, Ural district
/// ```
public struct Region: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The canonical upper-case code (`RU-MOW`, `UA-43`) or `unknown`.
    public let code: String

    /// The version of the region-to-district table; export manifests name it.
    public static let districtTableVersion = "ru-federal-districts-2018.1"

    /// The requester's region is not known.
    public static let unknown = Region(checked: "unknown")

    /// Validates a code against the table (any letter case).
    ///
    /// - Throws: ``CaseVaultError`` (`invalidInput`) for a code not in the table.
    public init(code: String) throws {
        let canonical = code.lowercased() == "unknown" ? "unknown" : code.uppercased()
        guard canonical == "unknown" || Region.districts[canonical] != nil else {
            throw CaseVaultError(.invalidInput,
                                 "unknown region code '\(code)'; use an ISO 3166-2:RU code such as RU-MOW, "
                                 + "an occupied-territory code (UA-43, UA-40, UA-14, UA-09, UA-23, UA-65) or unknown")
        }
        self.code = canonical
    }

    private init(checked code: String) { self.code = code }

    /// The federal district the region belongs to (2018 boundaries).
    public var district: FederalDistrict {
        code == "unknown" ? .unknown : Region.districts[code] ?? .unknown
    }

    /// The region's fixed one-byte code in projection blocks (``StoredCodes/region``).
    var storedCode: UInt8 {
        StoredCodes.region[code]!  // every region of the table has a code (StoredCodeTests)
    }

    /// The region stored as `code` in a projection block; an unknown code is damage.
    init(storedCode: UInt8) throws {
        guard let region = Region.byStoredCode[Int(storedCode)] else { throw RecordDecodingError() }
        self = region
    }

    private static let byStoredCode: [Region?] = {
        var table = [Region?](repeating: nil, count: 256)
        for (code, value) in StoredCodes.region { table[Int(value)] = Region(checked: code) }
        return table
    }()

    /// Every region of the table, sorted by code, then `unknown`: the fixed categories of exports.
    public static let all: [Region] = districts.keys.sorted().map(Region.init(checked:)) + [.unknown]

    public var description: String { code }

    public static func < (lhs: Region, rhs: Region) -> Bool { lhs.code < rhs.code }

    /// Subjects of the Russian Federation by federal district (2018: Buryatia and Zabaykalsky
    /// in the Far East), plus occupied Ukrainian territory as `other`.
    static let districts: [String: FederalDistrict] = {
        var table: [String: FederalDistrict] = [:]
        let groups: [(FederalDistrict, [String])] = [
            (.central, ["BEL", "BRY", "VLA", "VOR", "IVA", "KLU", "KOS", "KRS", "LIP", "MOS", "MOW", "ORL",
                        "RYA", "SMO", "TAM", "TVE", "TUL", "YAR"]),
            (.northwestern, ["KR", "KO", "ARK", "NEN", "VLG", "KGD", "LEN", "SPE", "MUR", "NGR", "PSK"]),
            (.southern, ["AD", "KL", "KDA", "AST", "VGG", "ROS"]),
            (.northCaucasian, ["DA", "IN", "KB", "KC", "SE", "CE", "STA"]),
            (.volga, ["BA", "ME", "MO", "TA", "UD", "CU", "PER", "KIR", "NIZ", "ORE", "PNZ", "SAM", "SAR",
                      "ULY"]),
            (.ural, ["KGN", "SVE", "TYU", "CHE", "KHM", "YAN"]),
            (.siberian, ["AL", "TY", "KK", "ALT", "KYA", "IRK", "KEM", "NVS", "OMS", "TOM"]),
            (.farEastern, ["BU", "SA", "ZAB", "KAM", "PRI", "KHA", "AMU", "MAG", "SAK", "YEV", "CHU"]),
        ]
        for (district, subjects) in groups {
            for subject in subjects { table["RU-" + subject] = district }
        }
        for code in ["UA-43", "UA-40", "UA-14", "UA-09", "UA-23", "UA-65"] { table[code] = .other }
        return table
    }()
}
