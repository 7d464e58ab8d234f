/// A help request as logged at intake: the facts of the case, without names or document numbers.
///
/// Cases are pseudonymous by design: there is no field for a name, birth date, unit, passport
/// or military-ID number. The contact handle is the one way back to the person; it is
/// encrypted under its own key and erased when the case closes.
public struct Request: Hashable, Sendable {
    /// When the request was received.
    public var received: CalendarDay
    /// How it arrived.
    public var channel: Channel
    /// The requester's home region.
    public var region: Region
    /// The requester's service category.
    public var service: ServiceCategory
    /// Where the requester is now.
    public var situation: Situation
    /// What the requester needs (at least one).
    public var needs: Set<Need>
    /// How urgent the request is.
    public var urgency: Urgency
    /// A date by which something must happen, if any.
    public var deadline: CalendarDay?
    /// How to reach the person (a messenger handle, a phone number), if given.
    public var contact: String?
    /// What the person wrote or said, if recorded.
    public var narrative: String?

    /// Creates a request; `needs` must not be empty.
    public init(received: CalendarDay, channel: Channel, region: Region, service: ServiceCategory,
                situation: Situation, needs: Set<Need>, urgency: Urgency, deadline: CalendarDay? = nil,
                contact: String? = nil, narrative: String? = nil) {
        self.received = received
        self.channel = channel
        self.region = region
        self.service = service
        self.situation = situation
        self.needs = needs
        self.urgency = urgency
        self.deadline = deadline
        self.contact = contact
        self.narrative = narrative
    }

    /// Refuses a received date after `today` (in the vault's time zone, `timeZone`): a request
    /// cannot arrive in the future, and such a date is nearly always a typo.
    func checkReceived(today: CalendarDay, timeZone: String) throws {
        guard received <= today else {
            throw CaseVaultError(.invalidInput, "the received date \(received) is after today (\(today) in \(timeZone))",
                                 remedy: "give the date the request arrived", subject: .init(.receivedDate, "\(received)"))
        }
    }

    /// Checks what the type cannot: at least one need, a non-empty contact.
    func validate() throws {
        guard !needs.isEmpty else { throw CaseVaultError(.invalidInput, "a request needs at least one need") }
        if let contact, ContactHandle.normalize(contact).isEmpty {
            throw CaseVaultError(.invalidInput, "the contact handle is empty; leave it out or give a handle or number")
        }
        if let contact, contact.utf8.count > 512 {
            throw CaseVaultError(.invalidInput, "the contact handle is longer than 512 bytes")
        }
        if let narrative, narrative.utf8.count > 1_000_000 {
            throw CaseVaultError(.invalidInput, "the narrative is longer than 1 MB")
        }
    }
}

/// Contact-handle normalisation for duplicate detection.
enum ContactHandle {
    /// Phone numbers become digits with the country code (`8 912 ...` becomes `7912...`);
    /// messenger handles are lower-cased without a leading `@` or spaces.
    static func normalize(_ raw: String) -> String {
        let bytes = Array(raw.utf8)
        return bytes.allSatisfy { $0 < 0x80 } ? normalize(ascii: bytes) : normalize(unicode: raw)
    }

    /// The same rules over ASCII bytes (nearly every handle and number), without the cost of
    /// grapheme-by-grapheme string handling; a test checks both paths agree.
    static func normalize(ascii bytes: [UInt8]) -> String {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        let trimmed = bytes[start..<end]
        var digits: [UInt8] = []
        var phoneShaped = true
        for byte in trimmed {
            if (0x30...0x39).contains(byte) {
                digits.append(byte)
            } else if !"+ -().".utf8.contains(byte) {
                phoneShaped = false
            }
        }
        if !trimmed.isEmpty, phoneShaped, digits.count >= 7 {
            // Russian domestic format: a leading 8 stands for the country code 7.
            if digits.count == 11, digits[0] == UInt8(ascii: "8") { digits[0] = UInt8(ascii: "7") }
            return "tel:" + String(decoding: digits, as: UTF8.self)
        }
        var handle = trimmed.filter { !isSpace($0) }.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }[...]
        while handle.first == UInt8(ascii: "@") { handle.removeFirst() }
        return handle.isEmpty ? "" : "id:" + String(decoding: handle, as: UTF8.self)
    }

    static func normalize(unicode raw: String) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let phoneCharacters = Set("+0123456789 -().")
        let digits = trimmed.filter(\.isASCIIDigitCharacter)
        if !trimmed.isEmpty, trimmed.allSatisfy(phoneCharacters.contains), digits.count >= 7 {
            var number = String(digits)
            // Russian domestic format: a leading 8 stands for the country code 7.
            if number.count == 11, number.hasPrefix("8") { number = "7" + number.dropFirst() }
            return "tel:" + number
        }
        var handle = trimmed.lowercased().filter { !$0.isWhitespace }
        while handle.hasPrefix("@") { handle.removeFirst() }
        return handle.isEmpty ? "" : "id:" + handle
    }
}

extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
