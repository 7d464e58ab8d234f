/// The one public error type of the CaseVault library.
///
/// A program acts on ``code`` (the category) and ``subject`` (what the error is about, with its
/// value: the user name, the case, the vault path, the export parameter). ``message`` is one line
/// for a person, in the library's own words: what failed (``summary``) and what to do
/// (``remedy``). It never names a command or an option, because the library is also used by
/// host apps that have none: a front end that has options adds its own hint from ``subject``,
/// as the `casevault` command line does. Nothing in an error is secret: no key material,
/// passphrases, contact handles or narratives.
///
/// ```swift
/// do {
///     session = try vault.unlock(user: name, passphrase: passphrase)
/// } catch let error as CaseVaultError where error.subject == .user(name) {
///     askForAnotherUserName(error.message)
/// }
/// ```
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
    /// What the error is about and its value, when there is one thing to point at; see ``Subject``.
    public let subject: Subject?
    /// What failed, with the values concerned, in one clause and without advice.
    public let summary: String
    /// What to do about it, in the library's words (never an option or command name); nil when
    /// the summary says it all.
    public let remedy: String?
    /// The case concerned, for integrity and not-found errors about a case.
    public let caseID: CaseID?
    /// Why the workflow refused, for `refused` errors from ``WorkflowRefusal``.
    public let refusal: WorkflowRefusal?

    /// One line saying what failed and what to do: ``summary``, then ``remedy`` after "; ".
    public var message: String { remedy.map { "\(summary); \($0)" } ?? summary }

    /// Creates an error; `message` must contain nothing secret and no option or command name.
    public init(_ code: Code, _ message: String, caseID: CaseID? = nil) {
        self.init(code, message, remedy: nil, subject: nil, caseID: caseID)
    }

    /// Creates an error about `subject`, saying what failed and, apart, what to do, so a front end
    /// can put its own hint in place of `remedy`; neither may contain anything secret.
    public init(_ code: Code, _ summary: String, remedy: String?, subject: Subject?, caseID: CaseID? = nil) {
        self.code = code
        self.summary = summary
        self.remedy = remedy
        self.subject = subject
        self.caseID = caseID
        self.refusal = nil
    }

    /// Wraps a workflow refusal.
    public init(_ refusal: WorkflowRefusal, caseID: CaseID? = nil) {
        code = .refused
        summary = caseID.map { "case \($0): \(refusal.summary)" } ?? refusal.summary
        remedy = refusal.remedy
        subject = caseID.map(Subject.case)
        self.caseID = caseID
        self.refusal = refusal
    }

    private init(_ error: CaseVaultError, summary: String, subject: Subject?) {
        code = error.code
        self.summary = summary
        remedy = error.remedy
        self.subject = subject
        caseID = error.caseID
        refusal = error.refusal
    }

    public var description: String { message }

    /// The same error with `label` ("line 3") before its summary; code, subject and values kept.
    func labelled(_ label: String) -> CaseVaultError {
        CaseVaultError(self, summary: "\(label): \(summary)", subject: subject)
    }

    /// The same error about `subject`, unless it is already about something.
    func about(_ subject: Subject) -> CaseVaultError {
        CaseVaultError(self, summary: summary, subject: self.subject ?? subject)
    }

    static func wrongPassphrase(_ user: String) -> CaseVaultError {
        CaseVaultError(.wrongPassphrase, "wrong passphrase for \(user) (or its keyslot is damaged)",
                       remedy: nil, subject: .user(user))
    }

    static func integrity(_ id: CaseID, _ what: String) -> CaseVaultError {
        CaseVaultError(.integrity, "case \(id) failed its integrity check (\(what))",
                       remedy: "the vault file may have been tampered with", subject: .case(id), caseID: id)
    }

    static func missingKey(_ key: String, for action: String) -> CaseVaultError {
        CaseVaultError(.permissionDenied,
                       "this session holds no \(key) key, so it cannot \(action); ask an admin for access")
    }

    static func role(_ role: Role, cannot action: String) -> CaseVaultError {
        CaseVaultError(.permissionDenied, "a user with role \(role) cannot \(action)")
    }

    // MARK: Errors with a subject a front end points at

    static func unknownUser(_ name: String) -> CaseVaultError {
        CaseVaultError(.notFound, "no user named \(name) in this vault", remedy: "name an existing user",
                       subject: .user(name))
    }

    static func unknownAssignee(_ name: String) -> CaseVaultError {
        CaseVaultError(.notFound, "no user named \(name) in this vault", remedy: "name an existing lawyer",
                       subject: .assignee(name))
    }

    static func unknownPartner(_ name: String) -> CaseVaultError {
        CaseVaultError(.notFound, "no partner named \(name)", remedy: "name a registered partner",
                       subject: .partner(name))
    }

    static func unknownCase(_ id: CaseID) -> CaseVaultError {
        CaseVaultError(.notFound, "no case \(id) in this vault", remedy: "check the id against the list of cases",
                       subject: .case(id), caseID: id)
    }
}

extension CaseVaultError {
    /// What an error is about, with its value: the input a caller would change or ask for again.
    ///
    /// Like ``Code``, the set of kinds can grow without breaking callers: compare a subject with
    /// `==` (`error.subject == .partner("SafeExit")`) or its ``kind`` with a kind, and keep a
    /// default when switching over kinds.
    public struct Subject: Hashable, Sendable, CustomStringConvertible {
        /// Which kind of thing the subject is.
        public struct Kind: Hashable, Sendable, CustomStringConvertible {
            let rawValue: String
            /// The user a session unlocks as.
            public static let user = Kind(rawValue: "user")
            /// A user named as the assignee of cases (a listing filter, or the lawyer to assign).
            public static let assignee = Kind(rawValue: "assignee")
            /// A partner organisation.
            public static let partner = Kind(rawValue: "partner")
            /// A case.
            public static let `case` = Kind(rawValue: "case")
            /// The vault file at a path: missing, a folder, empty, damaged or not a vault.
            public static let vault = Kind(rawValue: "vault")
            /// The vault's format as found (a version, or a layout), newer than this version reads.
            public static let format = Kind(rawValue: "format")
            /// An export's period: its first and last month, as `FIRST..LAST`.
            public static let period = Kind(rawValue: "period")
            /// An export's dimensions: none given.
            public static let dimensions = Kind(rawValue: "dimensions")
            /// One export dimension, named more than once.
            public static let dimension = Kind(rawValue: "dimension")
            /// An export's minimum cell size K: too small, or too small to protect the table.
            public static let minimumCellSize = Kind(rawValue: "minimum-cell-size")
            /// How many rows an export table would have: too many.
            public static let tableSize = Kind(rawValue: "table-size")
            /// The organisation's public (root) key a referral packet is checked against.
            public static let organisationKey = Kind(rawValue: "organisation-key")
            /// The folder an export is written to.
            public static let exportFolder = Kind(rawValue: "export-folder")
            /// A file the library reads or writes for the caller: a key file, a packet, an export file.
            public static let file = Kind(rawValue: "file")
            /// Where a page of a listing starts (a number of cases to pass over).
            public static let offset = Kind(rawValue: "offset")
            /// How many cases a page of a listing holds.
            public static let limit = Kind(rawValue: "limit")
            /// The date a request was received: after today.
            public static let receivedDate = Kind(rawValue: "received-date")
            public var description: String { rawValue }
        }

        /// Which kind of thing it is.
        public let kind: Kind
        /// The value concerned, as text: a name, a case id, a path, a number, or months and
        /// dimensions (empty when the problem is that none was given).
        public let value: String

        /// A subject of `kind` with `value`.
        public init(_ kind: Kind, _ value: String) {
            self.kind = kind
            self.value = value
        }

        /// The user a session unlocks as.
        public static func user(_ name: String) -> Subject { Subject(.user, name) }
        /// A user named as an assignee.
        public static func assignee(_ name: String) -> Subject { Subject(.assignee, name) }
        /// A partner organisation.
        public static func partner(_ name: String) -> Subject { Subject(.partner, name) }
        /// A case.
        public static func `case`(_ id: CaseID) -> Subject { Subject(.case, id.description) }
        /// The vault file at `path`.
        public static func vault(_ path: String) -> Subject { Subject(.vault, path) }
        /// An export's period, from `first` to `last`; its value reads `2023-11..2023-06`.
        public static func period(_ first: YearMonth, _ last: YearMonth) -> Subject {
            Subject(.period, "\(first)..\(last)")
        }
        /// An export's minimum cell size.
        public static func minimumCellSize(_ size: Int) -> Subject { Subject(.minimumCellSize, String(size)) }
        /// The folder an export is written to.
        public static func exportFolder(_ path: String) -> Subject { Subject(.exportFolder, path) }
        /// A file at `path`.
        public static func file(_ path: String) -> Subject { Subject(.file, path) }

        /// `kind value`, for logs.
        public var description: String { value.isEmpty ? kind.rawValue : "\(kind) \(value)" }
    }
}
