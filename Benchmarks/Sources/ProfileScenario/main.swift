import BenchmarkSupport
import CaseVault
import Foundation

// Runs one benchmark scenario once, with nothing else in the process, so that
// `valgrind --tool=callgrind` can count its instructions (repeatable, unlike timings):
//
//   swift build -c release --product ProfileScenario
//   valgrind --tool=callgrind --callgrind-out-file=intake.out .build/release/ProfileScenario intake 5000
//   callgrind_annotate intake.out | head -40
//
// Scenarios: intake N (into a fresh vault), intake-without-contacts N (the same requests without
// their contact handles, so no duplicate lookups), list, show [N] (one case in review with its
// history, or N of them in turn, as the benchmark shows them), lookup, export (over the
// 100,000-case dataset). The dataset must have been built by PrepareDatasets: a build under
// callgrind would take hours and drown the profile.
//
// Every scenario but intake unlocks first, and Argon2id is most of a short scenario's instructions.
// To count only the scenario's own calls, have callgrind collect inside the Session method alone,
// by its mangled name (`C4case` is show, `C5cases` list, `C6export` export; `nm` lists them):
//
//   valgrind --tool=callgrind '--toggle-collect=$s9CaseVault7SessionC4case*' \
//       .build/release/ProfileScenario show 10

let usage = "usage: ProfileScenario intake N | intake-without-contacts N | list | show [N] | lookup | export\n"
let arguments = CommandLine.arguments.dropFirst()
guard let scenario = arguments.first else {
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}
let clock = ContinuousClock()
do {
    switch scenario {
    case "intake", "intake-without-contacts":
        let count = arguments.dropFirst().first.flatMap { Int($0) } ?? 5_000
        var requests = Workload(count: count).requests
        if scenario == "intake-without-contacts" {
            for index in requests.indices { requests[index].contact = nil }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID()).db").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let session = try Dataset.createVault(at: path)
            .unlock(user: Dataset.coordinator, passphrase: Dataset.passphrase(Dataset.coordinator))
        let started = clock.now
        let receipts = try session.intake(requests)
        print("intake of \(receipts.count) requests: \(clock.now - started)")
    case "list":
        let session = try Dataset.existing(Dataset.hundredThousand).unlock(Dataset.lawyer)
        let started = clock.now
        let cases = try session.cases(CaseFilter(state: .awaitingReview))
        print("listed \(cases.count) cases: \(clock.now - started)")
    case "show":
        let count = arguments.dropFirst().first.flatMap { Int($0) } ?? 1
        let dataset = try Dataset.existing(Dataset.hundredThousand)
        let ids = try dataset.inReviewIDs()
        let session = try dataset.unlock(Dataset.lawyer)
        let started = clock.now
        var entries = 0
        for index in 0..<count { entries += try session.case(ids[index % ids.count]).history.count }
        print("showed \(count) case(s) with \(entries) history entries: \(clock.now - started)")
    case "lookup":
        let dataset = try Dataset.existing(Dataset.hundredThousand)
        let session = try dataset.unlock(Dataset.coordinator)
        let contacts = dataset.workload.knownContacts.prefix(1_000)
        let started = clock.now
        var found = 0
        for contact in contacts { found += try session.openCases(withContact: contact).count }
        print("\(contacts.count) lookups found \(found) cases: \(clock.now - started)")
    case "export":
        let session = try Dataset.existing(Dataset.hundredThousand).unlock(Dataset.auditor)
        let query = CountQuery(by: [.month, .region], from: try YearMonth(parsing: "2025-01"),
                               to: try YearMonth(parsing: "2025-12"))
        let started = clock.now
        let table = try session.export(query)
        print("exported \(table.rows.count) rows: \(clock.now - started)")
    default:
        FileHandle.standardError.write(Data("unknown scenario \(scenario)\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("ProfileScenario: \(error)\n".utf8))
    exit(1)
}
