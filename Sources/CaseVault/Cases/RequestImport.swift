import Foundation

/// A line of a JSON Lines import that could not be read.
public struct ImportLineError: Hashable, Sendable, CustomStringConvertible {
    /// The line number, from 1.
    public let line: Int
    /// What is wrong with it.
    public let reason: String

    public var description: String { "line \(line): \(reason)" }
}

/// What a bulk import stored.
public struct ImportReport: Hashable, Sendable {
    /// A receipt per stored request, in file order.
    public let receipts: [IntakeReceipt]
    /// The line number (from 1) of each stored request: `lines[i]` is the line of `receipts[i]`.
    public let lines: [Int]
    /// Lines skipped (only when skipping bad lines was asked for).
    public let skipped: [ImportLineError]
}

/// Reads requests from JSON Lines: one object per line with `received`, `channel`, `region`,
/// `service`, `situation`, `needs` (an array), `urgency`, and optionally `deadline`,
/// `contact`, `narrative`. Any other key is refused, so names or document numbers cannot slip
/// in under a field the vault does not have.
public enum RequestImport {
    static let required = ["received", "channel", "region", "service", "situation", "needs", "urgency"]
    static let optional = ["deadline", "contact", "narrative"]

    /// Parses the whole input; every line is checked before anything is stored.
    ///
    /// - Parameters:
    ///   - today: when given, a request received after this day is a bad line.
    ///   - timeZone: the time zone `today` is in, named in that line's reason.
    /// - Returns: the requests with their line numbers, and the bad lines.
    public static func parse(_ data: Data, today: CalendarDay? = nil, timeZone: String = "UTC")
        -> (requests: [(line: Int, request: Request)], errors: [ImportLineError]) {
        var requests: [(Int, Request)] = []
        var errors: [ImportLineError] = []
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (index, raw) in lines.enumerated() {
            let line = index + 1
            guard raw.contains(where: { !($0 == 32 || $0 == 9 || $0 == 13) }) else { continue }
            do {
                let request = try request(from: Data(raw))
                if let today { try request.checkReceived(today: today, timeZone: timeZone) }
                requests.append((line, request))
            } catch let error as CaseVaultError {
                errors.append(ImportLineError(line: line, reason: error.message))
            } catch {
                errors.append(ImportLineError(line: line, reason: "not a JSON object"))
            }
        }
        return (requests, errors)
    }

    /// Parses one JSON object into a request.
    ///
    /// - Throws: ``CaseVaultError`` (`invalidInput`) naming the key that is wrong.
    public static func request(from json: Data) throws -> Request {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw CaseVaultError(.invalidInput, "not a JSON object")
        }
        let unknown = object.keys.filter { !required.contains($0) && !optional.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw CaseVaultError(.invalidInput, "unknown key '\(unknown[0])' (cases hold no names or document "
                                 + "numbers; allowed: \((required + optional).joined(separator: ", ")))")
        }
        func string(_ key: String) throws -> String {
            guard let value = object[key] else { throw CaseVaultError(.invalidInput, "missing '\(key)'") }
            guard let text = value as? String else { throw CaseVaultError(.invalidInput, "'\(key)' must be a string") }
            return text
        }
        func optionalString(_ key: String) throws -> String? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let text = value as? String else { throw CaseVaultError(.invalidInput, "'\(key)' must be a string") }
            return text
        }
        guard let needList = object["needs"] as? [Any] else {
            throw CaseVaultError(.invalidInput, object["needs"] == nil ? "missing 'needs'" : "'needs' must be an array")
        }
        var needs = Set<Need>()
        for need in needList {
            guard let text = need as? String else { throw CaseVaultError(.invalidInput, "'needs' must hold strings") }
            needs.insert(try Need.parse(text, field: "need"))
        }
        let request = Request(
            received: try CalendarDay(parsing: try string("received")),
            channel: try Channel.parse(try string("channel"), field: "channel"),
            region: try Region(code: try string("region")),
            service: try ServiceCategory.parse(try string("service"), field: "service"),
            situation: try Situation.parse(try string("situation"), field: "situation"),
            needs: needs,
            urgency: try Urgency.parse(try string("urgency"), field: "urgency"),
            deadline: try optionalString("deadline").map(CalendarDay.init(parsing:)),
            contact: try optionalString("contact"),
            narrative: try optionalString("narrative"))
        try request.validate()
        return request
    }
}

extension Session {
    /// Imports JSON Lines in one transaction: all or nothing.
    ///
    /// A bad line stops the import and nothing is stored, unless `skipBadLines` is set, in
    /// which case the good lines are stored and the bad ones reported.
    ///
    /// `progress`, when given, is called with (requests written, requests to write): with 0 when
    /// writing begins, then every few hundred requests and for the last one, before the
    /// transaction commits. To stop the import, throw from it: the transaction rolls back,
    /// nothing is stored, and the error it threw comes out of this method unchanged.
    ///
    /// ```swift
    /// let report = try session.importRequests(jsonLines: data) { done, total in
    ///     if userCancelled { throw CancellationError() }
    ///     bar.update(done)
    /// }
    /// ```
    /// - Throws: ``CaseVaultError`` (`invalidInput` naming the first bad line; any intake error,
    ///   with the line number), or what `progress` threw.
    public func importRequests(jsonLines data: Data, skipBadLines: Bool = false,
                               progress: ((_ done: Int, _ total: Int) throws -> Void)? = nil) throws
        -> ImportReport {
        try require(.importRequests)
        let timeZone = try refreshSettings().timeZone
        let (parsed, errors) = RequestImport.parse(data, today: CalendarDay.today(inTimeZone: timeZone),
                                                   timeZone: timeZone)
        if let first = errors.first, !skipBadLines {
            let more = errors.count > 1 ? " (and \(errors.count - 1) more bad line(s))" : ""
            throw CaseVaultError(.invalidInput, "line \(first.line): \(first.reason)\(more); nothing was imported")
        }
        guard !parsed.isEmpty else {
            throw CaseVaultError(.invalidInput, "the file holds no requests; nothing was imported")
        }
        let receipts = try intake(parsed.map(\.request), label: { "line \(parsed[$0].line)" }, progress: progress)
        return ImportReport(receipts: receipts, lines: parsed.map(\.line), skipped: errors)
    }
}
