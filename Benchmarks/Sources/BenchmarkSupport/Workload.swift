import CaseVault

/// Seeded synthetic help requests with realistic proportions: most arrive by messenger, a few
/// regions send most requests, most carry a contact handle and a narrative, and about one
/// request in twenty comes again from an earlier requester (a duplicate contact).
///
/// Nothing here describes a real person. The same seed gives the same requests, so CaseVault
/// and the plain baseline store exactly the same records.
public struct Workload: Sendable {
    /// The requests, in intake order.
    public let requests: [Request]
    /// Contact handles that some request carries, for lookups that find a case.
    public let knownContacts: [String]

    /// The first month with requests; requests span 24 months from here.
    public static let firstMonth = (year: 2024, month: 1)

    /// `count` requests from `seed`.
    public init(count: Int, seed: UInt64 = 0x5EED_CA5E) {
        var random = SplitMix64(seed: seed)
        var requests: [Request] = []
        requests.reserveCapacity(count)
        var contacts: [String] = []
        contacts.reserveCapacity(count)
        let regions = Workload.weightedRegions()
        for _ in 0..<count {
            let monthOffset = random.next(below: 24)
            let year = Workload.firstMonth.year + monthOffset / 12
            let month = monthOffset % 12 + 1
            // Force-unwrapped dates and regions are built from the vocabulary's own tables.
            let received = try! CalendarDay(year: year, month: month, day: 1 + random.next(below: 28))
            let urgency = random.pick([(Urgency.critical, 10), (.high, 30), (.normal, 60)])
            let deadline = random.chance(percent: urgency == .normal ? 10 : 60)
                ? try! CalendarDay(year: year, month: month, day: 1 + random.next(below: 28)) : nil
            var needs: Set<Need> = [random.pick([(Need.legal, 50), (.exit, 25), (.documents, 10), (.medical, 8),
                                                 (.psychological, 5), (.other, 2)])]
            while random.chance(percent: 35), needs.count < 4 { needs.insert(Need.allCases[random.next(below: 6)]) }
            var contact: String?
            if random.chance(percent: 90) {
                if !contacts.isEmpty, random.chance(percent: 5) {
                    contact = contacts[random.next(below: contacts.count)]
                } else {
                    contact = random.chance(percent: 60) ? Workload.handle(&random) : Workload.phone(&random)
                    contacts.append(contact!)  // just set
                }
            }
            requests.append(Request(
                received: received,
                channel: random.pick([(Channel.messenger, 70), (.email, 15), (.phone, 8), (.inPerson, 2),
                                      (.partner, 5)]),
                region: regions[random.next(below: regions.count)],
                service: random.pick([(ServiceCategory.mobilized, 45), (.contract, 30), (.conscript, 15),
                                      (.volunteer, 3), (.unknown, 7)]),
                situation: random.pick([(Situation.front, 25), (.hospital, 10), (.leave, 20), (.awol, 15),
                                        (.abroad, 10), (.other, 20)]),
                needs: needs, urgency: urgency, deadline: deadline, contact: contact,
                narrative: random.chance(percent: 85) ? Workload.narrative(&random) : nil))
        }
        self.requests = requests
        knownContacts = contacts
    }

    /// Regions repeated by weight: the largest subjects send the most requests.
    static func weightedRegions() -> [Region] {
        let heavy = ["RU-MOW": 40, "RU-SPE": 25, "RU-SVE": 12, "RU-MOS": 12, "RU-KDA": 10, "RU-BA": 8,
                     "RU-TA": 8, "RU-CHE": 8, "RU-NIZ": 7, "RU-SAM": 7, "RU-ROS": 7, "RU-NVS": 6, "RU-BU": 6]
        var regions: [Region] = []
        for region in Region.all {
            regions += Array(repeating: region, count: heavy[region.code] ?? 1)
        }
        return regions
    }

    static func handle(_ random: inout SplitMix64) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789_")
        let length = 6 + random.next(below: 10)
        return "@" + String((0..<length).map { _ in letters[random.next(below: letters.count)] })
    }

    static func phone(_ random: inout SplitMix64) -> String {
        let digits = (0..<9).map { _ in String(random.next(below: 10)) }.joined()
        return "+7 9\(digits.prefix(2)) \(digits.dropFirst(2).prefix(3))-"
            + "\(digits.dropFirst(5).prefix(2))-\(digits.suffix(2))"
    }

    /// A narrative of one to eight sentences, in Russian or English, about 100 to 1,200 bytes.
    static func narrative(_ random: inout SplitMix64) -> String {
        let sentences = [
            "Мобилизован осенью, сейчас в отпуске после ранения.",
            "Не хочу возвращаться на фронт, прошу консультацию юриста.",
            "Командир угрожает отправить обратно без лечения.",
            "Контракт продлили автоматически, рапорт об увольнении не принимают.",
            "Нахожусь в госпитале, документы о ранении не выдают.",
            "Хочу выехать за границу, нужен совет, как сделать это безопасно.",
            "Родственники просят помочь с медицинской комиссией.",
            "I signed a contract last year and was told it would end after six months.",
            "My unit is being moved and I was told my leave is cancelled.",
            "I am hiding at a friend's flat and need advice on what to do next.",
            "Please answer on this channel only; my phone may be checked.",
            "Срочно: через неделю должен прибыть в часть.",
        ]
        let count = 1 + random.next(below: 8)
        return (0..<count).map { _ in sentences[random.next(below: sentences.count)] }.joined(separator: " ")
    }
}

/// A small, fast, seeded generator (SplitMix64), so workloads repeat exactly.
public struct SplitMix64: Sendable {
    private var state: UInt64

    /// A generator that yields the same sequence for the same seed.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`.
    public mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func chance(percent: Int) -> Bool { next(below: 100) < percent }

    mutating func pick<T>(_ weighted: [(T, Int)]) -> T {
        var roll = next(below: weighted.reduce(0) { $0 + $1.1 })
        for (value, weight) in weighted {
            if roll < weight { return value }
            roll -= weight
        }
        return weighted[weighted.count - 1].0
    }
}
