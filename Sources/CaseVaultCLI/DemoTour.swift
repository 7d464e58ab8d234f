import CaseVault
import Foundation
import SodiumKit

/// The tour behind `casevault demo`: a temporary vault, users of every role, as many synthetic
/// requests as one organisation published for June to November 2023, what each role can and
/// cannot see, and the auditor's export that reproduces the published figures.
struct DemoTour {
    let seed: UInt64
    let keep: Bool

    /// Requests as published for 2023 (The Moscow Times, 2023-12-05; the same figures as
    /// `shared/fixtures/published-requests-2023.csv`): single months, and July with August
    /// published only together.
    static let published: [(first: String, last: String, requests: Int)] = [
        ("2023-06", "2023-06", 54), ("2023-07", "2023-08", 251), ("2023-06", "2023-08", 305),
        ("2023-09", "2023-09", 184), ("2023-10", "2023-10", 218), ("2023-11", "2023-11", 175),
        ("2023-09", "2023-11", 577),
    ]
    /// Requests logged per month: the published figures, with 251 split 120 + 131.
    static let volume: [(month: String, requests: Int)] = [
        ("2023-06", 54), ("2023-07", 120), ("2023-08", 131), ("2023-09", 184), ("2023-10", 218), ("2023-11", 175),
    ]
    /// The requests section 3 logs by hand, all received in November 2023.
    static let handLogged = ["2023-11": 2]

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

        let total = DemoTour.volume.reduce(0) { $0 + $1.requests }
        section("2. Bulk intake of \(total - DemoTour.handLogged.values.reduce(0, +)) synthetic requests "
                + "(one transaction)")
        var generator = SyntheticRequests(seed: seed)
        var lines: [String] = []
        for (month, requests) in DemoTour.volume {
            for _ in 0..<(requests - DemoTour.handLogged[month, default: 0]) { lines.append(generator.nextLine(in: month)) }
        }
        let started = Date()
        let report = try coordinator.importRequests(jsonLines: Data(lines.joined(separator: "\n").utf8))
        say("coord-anna imported \(report.receipts.count) requests received from June to November 2023 in "
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
            say("coord-anna tries to refer the case herself and is refused: \(ErrorLine.line(for: error)).")
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
            say("auditor-vera (auditor) asks for the list and is refused: \(ErrorLine.line(for: error)).")
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

        try exportSection(auditor)
        say(keep ? "\nThe demo vault is kept at \(path)." : "\nThe temporary vault has been deleted.")
    }

    /// Section 8: the auditor's monthly table against the published figures, then a regional
    /// table with its small counts suppressed.
    private func exportSection(_ auditor: Session) throws {
        section("8. The auditor's export: counts anyone may publish")
        let monthly = try auditor.export(CountQuery(by: [.month], from: YearMonth(parsing: "2023-06"),
                                                    to: YearMonth(parsing: "2023-11")))
        say("auditor-vera (stats key only) exports requests by month, June to November 2023:")
        say("    " + monthly.rows.map { "\($0.labels[0]) \($0.count.map(String.init) ?? "x")" }.joined(separator: ", "))
        var reproduced = true
        func counted(_ first: String, _ last: String) -> Int {
            monthly.rows.filter { $0.labels[0] >= first && $0.labels[0] <= last }.reduce(0) { $0 + ($1.count ?? 0) }
        }
        for period in DemoTour.published {
            let counted = counted(period.first, period.last)
            reproduced = reproduced && counted == period.requests
            let name = period.first == period.last ? period.first : "\(period.first)..\(period.last)"
            say("    \(Console.padded(name, 16)) exported \(counted), "
                + "published \(period.requests)")
        }
        let change = Double(counted("2023-09", "2023-11")) / Double(counted("2023-06", "2023-08")) - 1
        say("Autumn against summer: " + String(format: "%+.0f%%", change * 100) + " (published: +89%); "
            + (reproduced ? "the export reproduces every published figure." : "the export DIFFERS from them."))

        let regional = try auditor.export(CountQuery(by: [.region, .month], from: YearMonth(parsing: "2023-09"),
                                                     to: YearMonth(parsing: "2023-11")))
        say("By region and month for September-November: \(regional.rows.count) rows, every region and month, "
            + "zeros included; \(regional.suppressedCount) written x (counts below \(regional.minimumCellSize) and "
            + "what would reveal them). The regions with requests:")
        let months = ["2023-09", "2023-10", "2023-11", CountTable.totalLabel]
        say("    " + ([""] + months.dropLast()).map { Console.padded($0, 8) }.joined()
            + CountTable.totalLabel)
        for region in Region.all.map(\.code) + [CountTable.totalLabel] {
            guard let total = regional.row([region, CountTable.totalLabel]), total.count != 0 else { continue }
            let cells = months.map { month in regional.row([region, month])?.count.map(String.init) ?? "x" }
            say("    " + ([region] + cells.dropLast()).map { Console.padded($0, 8) }
                .joined() + cells[cells.count - 1])
        }
        let document = regional.document(.csv)
        say("Its manifest.json records the period, K, the rules applied, the region table "
            + "\(Region.districtTableVersion), the data cut-off and the SHA-256 of the \(document.table.count)-byte table.")
    }

    private func section(_ title: String) { Console.out("\n== \(title)") }
    private func say(_ line: String) { Console.out(line) }
}

/// Deterministic synthetic requests (SplitMix64).
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

    /// One request received on a random day of `month` (`YYYY-MM`).
    mutating func nextLine(in month: String) -> String {
        let day = 1 + Int(next() % 28)
        let received = "\(month)-\(day < 10 ? "0" : "")\(day)"
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
            fields.append("\"deadline\":\"\(month)-\(deadlineDay < 10 ? "0" : "")\(deadlineDay)\"")
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
