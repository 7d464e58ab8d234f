/// The one public error type of the CaseVault library.
///
/// Its ``message`` says what failed and what to do, in one line, and never contains key
/// material, passphrases, contact handles or narratives.
public struct CaseVaultError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A stable category for programs; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let rawValue: String
        /// The passphrase or recovery code did not open the keyslot (or the slot is damaged).
        public static let wrongPassphrase = Code(rawValue: "wrong-passphrase")
        /// No such user, case or vault file.
        public static let notFound = Code(rawValue: "not-found")
        /// The session's role or keys do not allow the operation.
        public static let permissionDenied = Code(rawValue: "permission-denied")
        /// Stored data failed authentication or verification: tampering or damage.
        public static let integrity = Code(rawValue: "integrity")
        /// An input value is malformed (a date, region code, case id, import line).
        public static let invalidInput = Code(rawValue: "invalid-input")
        /// Free text contains identifying details and the vault's policy is strict.
        public static let identifyingText = Code(rawValue: "identifying-text")
        /// Something already exists (a vault file, a user name).
        public static let alreadyExists = Code(rawValue: "already-exists")
        /// The file was written by a newer or unknown format.
        public static let unsupportedFormat = Code(rawValue: "unsupported-format")
        /// Another writer changed the record at the same time; nothing was written.
        public static let conflict = Code(rawValue: "conflict")
        /// The workflow refused an event: wrong role, wrong state, or something it requires is missing.
        public static let refused = Code(rawValue: "refused")
        /// The database could not be read or written.
        public static let storage = Code(rawValue: "storage")
        public var description: String { rawValue }
    }

    /// The category of the failure.
    public let code: Code
    /// One line saying what failed and what to do.
    public let message: String
    /// The case concerned, for integrity and not-found errors about a case.
    public let caseID: CaseID?
    /// Why the workflow refused, for `refused` errors from ``WorkflowRefusal``.
    public let refusal: WorkflowRefusal?

    /// Creates an error; `message` must contain nothing secret.
    public init(_ code: Code, _ message: String, caseID: CaseID? = nil) {
        self.code = code
        self.message = message
        self.caseID = caseID
        self.refusal = nil
    }

    /// Wraps a workflow refusal.
    public init(_ refusal: WorkflowRefusal, caseID: CaseID? = nil) {
        code = .refused
        message = caseID.map { "case \($0): \(refusal)" } ?? refusal.description
        self.caseID = caseID
        self.refusal = refusal
    }

    public var description: String { message }

    static func wrongPassphrase(_ user: String) -> CaseVaultError {
        CaseVaultError(.wrongPassphrase, "wrong passphrase for \(user) (or its keyslot is damaged)")
    }

    static func integrity(_ id: CaseID, _ what: String) -> CaseVaultError {
        CaseVaultError(.integrity,
                       "case \(id) failed its integrity check (\(what)); the vault file may have been tampered with",
                       caseID: id)
    }

    static func missingKey(_ key: String, for action: String) -> CaseVaultError {
        CaseVaultError(.permissionDenied,
                       "this session holds no \(key) key, so it cannot \(action); ask an admin for access")
    }

    static func role(_ role: Role, cannot action: String) -> CaseVaultError {
        CaseVaultError(.permissionDenied, "a user with role \(role) cannot \(action)")
    }
}
