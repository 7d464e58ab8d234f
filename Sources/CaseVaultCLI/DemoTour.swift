import CaseVault
import Foundation
import SodiumKit

/// The tour behind `casevault demo`: a temporary vault, users of every role, a few hundred
/// synthetic requests, and what each role can and cannot see.
struct DemoTour {
    let requestCount: Int
    let seed: UInt64
    let keep: Bool

    func run() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("casevault-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: directory) } }
        let path = directory.appendingPathComponent("demo.casevault").path

        section("1. A new vault")
        let created = try Vault.create(at: path, admin: "admin-olga", passphrase: SecureBytes(utf8: "demo admin phrase"),
                                       kdf: .interactive)
        say("Created \(path) with admin 'admin-olga'. A one-time recovery code was issued")
        say("(the demo uses the fast 'interactive' key derivation; real vaults default to 'moderate').")
        let admin = try created.vault.unlock(user: "admin-olga", passphrase: SecureBytes(utf8: "demo admin phrase"))
        let people: [(String, Role)] = [("coord-anna", .coordinator), ("lawyer-boris", .lawyer),
                                        ("auditor-vera", .auditor)]
        for (name, role) in people {
            try admin.addUser(name: name, role: role, passphrase: SecureBytes(utf8: "demo \(name)"), kdf: .interactive)
            say("Added \(name) as \(role).")
        }
        let vault = try Vault.open(at: path)
        func unlock(_ name: String) throws -> Session {
            try vault.unlock(user: name, passphrase: SecureBytes(utf8: "demo \(name)"))
        }
        let coordinator = try unlock("coord-anna")
        let lawyer = try unlock("lawyer-boris")
        let auditor = try unlock("auditor-vera")
        for session in [admin, coordinator, lawyer, auditor] {
            say("  \(session.user) (\(session.role)) holds keys: "
                + session.heldCompartments.map(\.rawValue).joined(separator: ", "))
        }

        section("2. Bulk intake of \(requestCount) synthetic requests (one transaction)")
        var generator = SyntheticRequests(seed: seed)
        let lines = (0..<requestCount).map { _ in generator.nextLine() }.joined(separator: "\n")
        let started = Date()
        let report = try coordinator.importRequests(jsonLines: Data(lines.utf8))
        say("coord-anna imported \(report.receipts.count) requests in "
            + String(format: "%.2f s", Date().timeIntervalSince(started)) + ".")
        let repeats = report.receipts.filter { !$0.duplicatesOf.isEmpty }.count
        say("\(repeats) of them came from a contact that already had an open case (found by the blind index).")

        section("3. Intake of one urgent request, with a warning about identifying text")
        let urgent = try coordinator.intake(Request(
            received: try CalendarDay(parsing: "2023-11-20"), channel: .messenger, region: try Region(code: "RU-SVE"),
            service: .mobilized, situation: .leave, needs: [.legal, .exit], urgency: .critical,
            deadline: try CalendarDay(parsing: "2023-11-22"), contact: "@demo_requester_1",
            narrative: "On leave after a wound; must report back in two days. Call me at +7 912 345-67-89."))
        say("New case \(urgent.id).")
        for warning in urgent.warnings { say("Warning shown to the coordinator: \(warning).") }
        let again = try coordinator.intake(Request(
            received: try CalendarDay(parsing: "2023-11-21"), channel: .phone, region: try Region(code: "RU-SVE"),
            service: .mobilized, situation: .leave, needs: [.legal], urgency: .high, contact: "@Demo_Requester_1"))
        say("A second request from '@Demo_Requester_1' is flagged as the same person as case "
            + (again.duplicatesOf.first?.description ?? "(none)") + ".")

        section("4. Notes: a coordinator writes a legal note she cannot read back")
        try coordinator.addNote(to: urgent.id, text: "Called back; person confirmed the deadline.")
        try coordinator.addNote(to: urgent.id, text: "Mentions an earlier refusal of a discharge request.",
                                compartment: .legal)
        try lawyer.addNote(to: urgent.id, text: "Grounds for discharge look strong; prepare the application.",
                           compartment: .legal)
        for session in [coordinator, lawyer] {
            let record = try session.case(urgent.id)
            say("\(session.user) (\(session.role)) sees \(record.notes.count) note(s):")
            for note in record.notes { say("    [\(note.compartment)] \(note.author): \(note.text)") }
        }

        section("5. Legal review, a request for information, a referral")
        let partnerKeys = ReferralPacket.generatePartnerKeyPair()
        try admin.addPartner(Partner(name: "SafeExit", services: [.exit, .legal], publicKey: partnerKeys.publicKey))
        say("admin-olga registered the partner organisation 'SafeExit' with its public key.")
        try coordinator.perform(.submit, on: urgent.id)
        try lawyer.perform(.beginReview, on: urgent.id)
        try lawyer.perform(.requestInfo, on: urgent.id, with: WorkflowInputs(note: "Ask for the date of the wound."))
        let asked = try coordinator.case(urgent.id)
        say("coord-anna sees the lawyer's request: '\(asked.history.last?.note ?? "")' (state \(asked.state)).")
        try coordinator.perform(.submit, on: urgent.id, with: WorkflowInputs(note: "Wounded on 2 November."))
        try lawyer.perform(.beginReview, on: urgent.id)
        do {
            try coordinator.perform(.refer, on: urgent.id, with: WorkflowInputs(partner: "SafeExit", consent: true))
        } catch let error as CaseVaultError {
            say("coord-anna tries to refer the case herself and is refused: \(error.message).")
        }
        try lawyer.perform(.refer, on: urgent.id, with: WorkflowInputs(partner: "SafeExit", consent: true))
        let packet = try lawyer.referralPacket(for: urgent.id, fields: [.region, .situation, .needs, .contact])
        let opened = try ReferralPacket.open(packet, partnerSecretKey: partnerKeys.exportSecretKey(),
                                             organisationKey: lawyer.organisationKey)
        say("lawyer-boris referred it to SafeExit with consent and sent a sealed packet of \(packet.count) bytes;")
        say("SafeExit opens it and verifies boris's signature: "
            + opened.fields.map { "\($0.field)=\($0.value ?? "-")" }.joined(separator: " "))
        try lawyer.perform(.referralAccepted, on: urgent.id)
        let closed = try lawyer.perform(.close, on: urgent.id, with: WorkflowInputs(outcome: .referralCompleted))
        say("Closed with outcome \(closed.outcome); the referral is \(closed.referrals.last?.status.rawValue ?? "-"), "
            + "and the contact handle is \(closed.request.contact == nil ? "erased" : "still there").")
        try coordinator.perform(.close, on: again.id, with: WorkflowInputs(outcome: .duplicate))
        say("coord-anna closed the repeat request as a duplicate. The history of the referred case:")
        for entry in closed.history {
            say("    \(entry.event) -> \(entry.to) by \(entry.actor)" + (entry.note.map { ": \($0)" } ?? ""))
        }

        section("6. The listing as each role sees it")
        for session in [coordinator, lawyer, admin] {
            let cases = try session.cases()
            let critical = cases.filter { $0.urgency == .critical && $0.state != .closed }.count
            let closedCount = cases.filter { $0.state == .closed }.count
            say("\(session.user) (\(session.role)): \(cases.count) cases, \(closedCount) closed, \(critical) open and "
                + "critical. The first three:")
            for item in cases.prefix(3) {
                say("    \(item.id)  \(item.urgency)  deadline \(item.deadline?.description ?? "-")  "
                    + "\(item.region)  \(item.needs.map(\.rawValue).joined(separator: ","))")
            }
        }
        do {
            _ = try auditor.cases()
            say("auditor-vera listed cases: this must not happen.")
        } catch let error as CaseVaultError {
            say("auditor-vera (auditor) asks for the list and is refused: \(error.message).")
        }

        section("7. What a seized file shows")
        var bytes = Data()
        for suffix in ["", "-wal"] {
            bytes.append((try? Data(contentsOf: URL(fileURLWithPath: path + suffix))) ?? Data())
        }
        for marker in ["RU-SVE", "2023-11-20", "demo_requester_1", "discharge", "+7 912"] {
            let found = bytes.range(of: Data(marker.utf8)) != nil
            say("  '\(marker)' in the database and WAL files: \(found ? "FOUND (this is a bug)" : "not found")")
        }
        say("The audit log has \(try admin.verifyAuditLog()) entries, chained and signed; all verify.")
        say(keep ? "\nThe demo vault is kept at \(path)." : "\nThe temporary vault has been deleted.")
    }

    private func section(_ title: String) { Console.out("\n== \(title)") }
    private func say(_ line: String) { Console.out(line) }
}

/// Deterministic synthetic requests (SplitMix64), spread over June to November 2023.
struct SyntheticRequests {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func pick<T>(_ values: [T]) -> T { values[Int(next() % UInt64(values.count))] }

    static let regions = ["RU-MOW", "RU-SPE", "RU-SVE", "RU-ORE", "RU-BA", "RU-TA", "RU-KDA", "RU-NVS", "RU-BU",
                          "RU-ZAB", "RU-DA", "RU-ROS", "RU-KHA", "UA-43", "unknown"]

    mutating func nextLine() -> String {
        let month = 6 + Int(next() % 6)
        let day = 1 + Int(next() % 28)
        let monthText = month < 10 ? "0\(month)" : "\(month)"
        let received = "2023-\(monthText)-\(day < 10 ? "0" : "")\(day)"
        let needs = Set([pick(["legal", "exit", "documents", "medical", "psychological"]), pick(["legal", "exit"])])
        var fields = [
            "\"received\":\"\(received)\"",
            "\"channel\":\"\(pick(["messenger", "messenger", "messenger", "email", "phone", "partner"]))\"",
            "\"region\":\"\(pick(SyntheticRequests.regions))\"",
            "\"service\":\"\(pick(["mobilized", "mobilized", "contract", "conscript", "volunteer", "unknown"]))\"",
            "\"situation\":\"\(pick(["front", "hospital", "leave", "awol", "abroad", "other"]))\"",
            "\"needs\":[" + needs.sorted().map { "\"\($0)\"" }.joined(separator: ",") + "]",
            "\"urgency\":\"\(pick(["critical", "high", "normal", "normal", "normal"]))\"",
        ]
        if next() % 4 == 0 {
            let deadlineDay = min(28, day + 3)
            fields.append("\"deadline\":\"2023-\(monthText)-\(deadlineDay < 10 ? "0" : "")\(deadlineDay)\"")
        }
        if next() % 3 != 0 { fields.append("\"contact\":\"@requester_\(next() % 400)\"") }
        if next() % 2 == 0 {
            let narrative = pick(["Asks how to refuse a transfer to the front.",
                                  "Needs advice on a medical discharge commission.",
                                  "Wants to leave the country safely with family.",
                                  "Contract ended but service was extended indefinitely."])
            fields.append("\"narrative\":\"\(narrative)\"")
        }
        return "{" + fields.joined(separator: ",") + "}"
    }
}
