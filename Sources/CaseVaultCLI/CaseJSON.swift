import CaseVault

/// The JSON shapes of §6 of the design: summary keys for listings, full keys for `case show`.
enum CaseJSON {
    static func summary(_ item: CaseSummary) -> JSONValue {
        .object([
            ("id", .string(item.id.description)),
            ("received", .string(item.received.description)),
            ("state", .string(item.state.rawValue)),
            ("urgency", .string(item.urgency.rawValue)),
            ("deadline", .optional(item.deadline?.description)),
            ("assignee", .optional(item.assignee)),
            ("region", .string(item.region.code)),
            ("needs", .array(item.needs.map { .string($0.rawValue) })),
        ])
    }

    static func record(_ record: CaseRecord) -> JSONValue {
        let request = record.request
        return .object([
            ("id", .string(record.id.description)),
            ("received", .string(request.received.description)),
            ("channel", .string(request.channel.rawValue)),
            ("region", .string(request.region.code)),
            ("district", .string(request.region.district.rawValue)),
            ("service", .string(request.service.rawValue)),
            ("situation", .string(request.situation.rawValue)),
            ("needs", .array(request.needs.sorted().map { .string($0.rawValue) })),
            ("urgency", .string(request.urgency.rawValue)),
            ("deadline", .optional(request.deadline?.description)),
            ("state", .string(record.state.rawValue)),
            ("assignee", .optional(record.assignee)),
            ("outcome", .string(record.outcome.rawValue)),
            ("contact", .optional(request.contact)),
            ("narrative", .optional(request.narrative)),
            ("notes", .array(record.notes.map { note in
                .object([("text", .string(note.text)), ("author", .string(note.author)), ("at", .string(note.at)),
                         ("compartment", .string(note.compartment.rawValue))])
            })),
            ("history", .array(record.history.map { entry in
                .object([("event", .string(entry.event)), ("from", .optional(entry.from?.rawValue)),
                         ("to", .string(entry.to.rawValue)), ("actor", .string(entry.actor)),
                         ("at", .string(entry.at)), ("note", .optional(entry.note))])
            })),
            ("referrals", .array(record.referrals.map { referral in
                .object([("partner", .string(referral.partner)), ("status", .string(referral.status.rawValue)),
                         ("consent", .bool(referral.consent)), ("sent", .string(referral.sentAt)),
                         ("accepted", .optional(referral.acceptedAt)), ("declined", .optional(referral.declinedAt)),
                         ("completed", .optional(referral.completedAt))])
            })),
        ])
    }
}
