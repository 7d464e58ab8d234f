/// The byte each vocabulary value is written as inside ciphertexts, signatures and projection
/// blocks: fixed here, once and for all, and never derived from the order of an enum's cases.
///
/// Reordering or inserting a case in an enum changes nothing stored. A new value gets a new,
/// unused code; a released code is never reused or changed (`StoredCodeTests` pins them all).
/// The codes of the 0.4.0 release were the values' positions at the time, and are kept.
enum StoredCodes {
    static let channel = CodeTable<Channel>([
        .messenger: 0, .email: 1, .phone: 2, .inPerson: 3, .partner: 4,
    ])
    static let service = CodeTable<ServiceCategory>([
        .mobilized: 0, .contract: 1, .conscript: 2, .volunteer: 3, .unknown: 4,
    ])
    static let situation = CodeTable<Situation>([
        .front: 0, .hospital: 1, .leave: 2, .awol: 3, .abroad: 4, .other: 5,
    ])
    /// Needs are stored as a bit mask: a need's code is its bit.
    static let need = CodeTable<Need>([
        .legal: 0, .exit: 1, .documents: 2, .medical: 3, .psychological: 4, .other: 5,
    ])
    static let urgency = CodeTable<Urgency>([
        .critical: 0, .high: 1, .normal: 2,
    ])
    static let state = CodeTable<CaseState>([
        .intake: 0, .awaitingReview: 1, .inReview: 2, .needsInfo: 3, .referred: 4, .closed: 5,
    ])
    static let outcome = CodeTable<Outcome>([
        .open: 0, .advised: 1, .referralCompleted: 2, .withdrawn: 3, .lostContact: 4, .duplicate: 5,
        .outOfScope: 6,
    ])
    static let role = CodeTable<Role>([
        .coordinator: 0, .lawyer: 1, .auditor: 2, .admin: 3,
    ])
    static let compartment = CodeTable<Compartment>([
        .intake: 0, .legal: 1, .stats: 2, .audit: 3,
    ])
    static let event = CodeTable<WorkflowEvent>([
        .submit: 0, .beginReview: 1, .requestInfo: 2, .refer: 3, .referralAccepted: 4, .referralDeclined: 5,
        .reassign: 6, .close: 7, .reopen: 8,
    ])
    static let packetField = CodeTable<PacketField>([
        .received: 0, .channel: 1, .region: 2, .district: 3, .service: 4, .situation: 5, .needs: 6, .urgency: 7,
        .deadline: 8, .contact: 9, .narrative: 10,
    ])
    static let district = CodeTable<FederalDistrict>([
        .central: 0, .northwestern: 1, .southern: 2, .northCaucasian: 3, .volga: 4, .ural: 5, .siberian: 6,
        .farEastern: 7, .other: 8, .unknown: 9,
    ])

    /// Region codes for projection blocks (records inside case ciphertexts keep the region's
    /// text code). `unknown` is 0; a region added to the table gets the next unused number.
    static let region: [String: UInt8] = [
        "unknown": 0,
        "RU-AD": 1, "RU-AL": 2, "RU-ALT": 3, "RU-AMU": 4, "RU-ARK": 5, "RU-AST": 6, "RU-BA": 7, "RU-BEL": 8,
        "RU-BRY": 9, "RU-BU": 10, "RU-CE": 11, "RU-CHE": 12, "RU-CHU": 13, "RU-CU": 14, "RU-DA": 15, "RU-IN": 16,
        "RU-IRK": 17, "RU-IVA": 18, "RU-KAM": 19, "RU-KB": 20, "RU-KC": 21, "RU-KDA": 22, "RU-KEM": 23,
        "RU-KGD": 24, "RU-KGN": 25, "RU-KHA": 26, "RU-KHM": 27, "RU-KIR": 28, "RU-KK": 29, "RU-KL": 30,
        "RU-KLU": 31, "RU-KO": 32, "RU-KOS": 33, "RU-KR": 34, "RU-KRS": 35, "RU-KYA": 36, "RU-LEN": 37,
        "RU-LIP": 38, "RU-MAG": 39, "RU-ME": 40, "RU-MO": 41, "RU-MOS": 42, "RU-MOW": 43, "RU-MUR": 44,
        "RU-NEN": 45, "RU-NGR": 46, "RU-NIZ": 47, "RU-NVS": 48, "RU-OMS": 49, "RU-ORE": 50, "RU-ORL": 51,
        "RU-PER": 52, "RU-PNZ": 53, "RU-PRI": 54, "RU-PSK": 55, "RU-ROS": 56, "RU-RYA": 57, "RU-SA": 58,
        "RU-SAK": 59, "RU-SAM": 60, "RU-SAR": 61, "RU-SE": 62, "RU-SMO": 63, "RU-SPE": 64, "RU-STA": 65,
        "RU-SVE": 66, "RU-TA": 67, "RU-TAM": 68, "RU-TOM": 69, "RU-TUL": 70, "RU-TVE": 71, "RU-TY": 72,
        "RU-TYU": 73, "RU-UD": 74, "RU-ULY": 75, "RU-VGG": 76, "RU-VLA": 77, "RU-VLG": 78, "RU-VOR": 79,
        "RU-YAN": 80, "RU-YAR": 81, "RU-YEV": 82, "RU-ZAB": 83,
        "UA-09": 84, "UA-14": 85, "UA-23": 86, "UA-40": 87, "UA-43": 88, "UA-65": 89,
    ]
}

/// The stored codes of one vocabulary, both ways: a value's code, and the value of a code read
/// from the file (where an unknown code is damage, never a trap).
struct CodeTable<Value: VocabularyValue>: Sendable {
    private let codes: [Value: UInt8]
    private let values: [Value?]
    /// Each value's position in the vocabulary's order, by stored code.
    private let ordinals: [Int]

    init(_ codes: [Value: UInt8]) {
        precondition(Set(codes.values).count == codes.count, "stored codes must be distinct")
        precondition(codes.count == Value.allCases.count, "every value needs a stored code")
        self.codes = codes
        var values = [Value?](repeating: nil, count: 256)
        for (value, code) in codes { values[Int(code)] = value }
        self.values = values
        var ordinals = [Int](repeating: 0, count: 256)
        for (position, value) in Value.allCases.enumerated() {
            ordinals[Int(codes[value]!)] = position  // checked above: every value has a code
        }
        self.ordinals = ordinals
    }

    /// The position of `value` in the vocabulary's order (sorting a listing compares it often).
    func ordinal(of value: Value) -> Int { ordinals[Int(code(of: value))] }

    /// The code of `value`.
    func code(of value: Value) -> UInt8 {
        codes[value]!  // the initialiser checked that every value has a code
    }

    /// The value stored as `code`; throws for a code no value has.
    func value(of code: UInt8) throws -> Value {
        guard let value = values[Int(code)] else { throw RecordDecodingError() }
        return value
    }

    /// Every code in use, with its value.
    var all: [(value: Value, code: UInt8)] { codes.map { ($0.key, $0.value) }.sorted { $0.code < $1.code } }
}

extension Channel { static var storedCodes: CodeTable<Channel> { StoredCodes.channel } }
extension ServiceCategory { static var storedCodes: CodeTable<ServiceCategory> { StoredCodes.service } }
extension Situation { static var storedCodes: CodeTable<Situation> { StoredCodes.situation } }
extension Need { static var storedCodes: CodeTable<Need> { StoredCodes.need } }
extension Urgency { static var storedCodes: CodeTable<Urgency> { StoredCodes.urgency } }
extension CaseState { static var storedCodes: CodeTable<CaseState> { StoredCodes.state } }
extension Outcome { static var storedCodes: CodeTable<Outcome> { StoredCodes.outcome } }
extension Role { static var storedCodes: CodeTable<Role> { StoredCodes.role } }
extension Compartment { static var storedCodes: CodeTable<Compartment> { StoredCodes.compartment } }
extension WorkflowEvent { static var storedCodes: CodeTable<WorkflowEvent> { StoredCodes.event } }
extension PacketField { static var storedCodes: CodeTable<PacketField> { StoredCodes.packetField } }
extension FederalDistrict { static var storedCodes: CodeTable<FederalDistrict> { StoredCodes.district } }
