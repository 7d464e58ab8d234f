import Foundation
import Testing

@testable import CaseVault

/// Realistic synthetic requests. Nothing here describes a real person.
enum Synthetic {
    static func day(_ text: String) throws -> CalendarDay { try CalendarDay(parsing: text) }

    /// A mobilised soldier from Sverdlovsk oblast, on leave after a wound, asking how to leave.
    static func request(
        received: String = "2023-09-14",
        region: String = "RU-SVE",
        urgency: Urgency = .high,
        deadline: String? = nil,
        needs: Set<Need> = [.legal, .exit],
        contact: String? = nil,
        narrative: String? = "Мобилизован осенью, сейчас в отпуске после ранения. Не хочу возвращаться."
    ) throws -> Request {
        Request(received: try day(received), channel: .messenger, region: try Region(code: region),
                service: .mobilized, situation: .leave, needs: needs, urgency: urgency,
                deadline: try deadline.map(day), contact: contact, narrative: narrative)
    }

    /// A contract soldier from Orenburg oblast, absent without leave.
    static func awolRequest(contact: String? = nil, narrative: String? = nil) throws -> Request {
        Request(received: try day("2023-10-02"), channel: .email, region: try Region(code: "RU-ORE"),
                service: .contract, situation: .awol, needs: [.legal], urgency: .critical,
                deadline: try day("2023-10-09"), contact: contact,
                narrative: narrative ?? "I left my unit two weeks ago and I am hiding at a friend's flat.")
    }

    /// A conscript from Moscow asking about a medical discharge commission.
    static func conscriptRequest(contact: String? = nil) throws -> Request {
        Request(received: try day("2023-11-20"), channel: .phone, region: try Region(code: "RU-MOW"),
                service: .conscript, situation: .other, needs: [.medical, .documents], urgency: .normal,
                contact: contact, narrative: "Призывник, хронические заболевания, нужна консультация по ВВК.")
    }

    /// One JSON Lines line for bulk import; `overrides` replace or add keys, `removing` drops keys.
    static func jsonLine(_ overrides: [String: Any] = [:], removing: [String] = []) throws -> String {
        var object: [String: Any] = [
            "received": "2023-09-14", "channel": "messenger", "region": "RU-SVE", "service": "mobilized",
            "situation": "front", "needs": ["legal", "exit"], "urgency": "high",
        ]
        for (key, value) in overrides { object[key] = value }
        for key in removing { object[key] = nil }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return try #require(String(data: data, encoding: .utf8))
    }

    static func jsonLines(_ lines: [String]) -> Data { Data((lines.joined(separator: "\n") + "\n").utf8) }
}
