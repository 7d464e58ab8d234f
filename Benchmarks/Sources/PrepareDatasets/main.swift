import BenchmarkSupport
import CaseVault
import Foundation

// Builds every dataset the benchmarks and ProfileScenario read, in a process of its own, so that no
// benchmark measures a build (minutes of work, and about 1 GB of memory for a million cases, which
// a benchmark process would report as its own peak):
//
//   swift run -c release PrepareDatasets [--rebuild | --accept-existing]
//
// `make benchmarks` runs it first. A dataset is kept when this library version and dataset recipe
// built it from the same library sources; otherwise it is built again, since files written by other
// code would be measured as this code's (`--rebuild` builds them anyway; `--accept-existing` keeps
// complete ones written by other sources, for a change a person knows only reads). Then every
// benchmark user unlocks every vault once and the listing and export are checked, so that any
// one-time work a first unlock does (such as projecting the cases of a vault written in an earlier
// format) happens here, not in a benchmark.

let usage = "usage: PrepareDatasets [--rebuild | --accept-existing]\n"
let arguments = Array(CommandLine.arguments.dropFirst())
let policy: Dataset.Policy
switch arguments {
case []: policy = .keepCurrent
case ["--rebuild"]: policy = .rebuild
case ["--accept-existing"]: policy = .acceptExisting
default:
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}

struct PreparationFailed: Error, CustomStringConvertible {
    let description: String
}

/// Unlocks as every benchmark user and checks what the benchmarks rely on.
func check(_ dataset: Dataset) throws {
    for user in Dataset.users { _ = try dataset.unlock(user) }
    if dataset.recipe.transitions {
        let waiting = try dataset.unlock(Dataset.lawyer).cases(CaseFilter(state: .awaitingReview)).count
        let inReview = try dataset.inReviewIDs().count
        guard waiting == Dataset.submitted - Dataset.inReview, inReview == Dataset.inReview else {
            throw PreparationFailed(description: "\(dataset.vaultPath) lists \(waiting) cases awaiting review and "
                                    + "\(inReview) in review; rebuild it with --rebuild")
        }
    }
    let query = CountQuery(by: [.month], from: try YearMonth(parsing: "2024-01"),
                           to: try YearMonth(parsing: "2025-12"))
    let counted = try dataset.unlock(Dataset.auditor).export(query).rows.first { $0.isTotal }?.count
    guard counted == dataset.count else {
        throw PreparationFailed(description: "\(dataset.vaultPath) exports \(counted.map(String.init) ?? "no") "
                                + "cases in all, not \(dataset.count); rebuild it with --rebuild")
    }
}

let clock = ContinuousClock()
do {
    print("Datasets in \(Dataset.folder.path)")
    for recipe in Dataset.all {
        let started = clock.now
        let (dataset, preparation) = try Dataset.prepare(recipe, policy: policy)
        let built = clock.now - started
        let checking = clock.now
        try check(dataset)
        let action = switch preparation {
        case .kept: "already built from these sources"
        case .accepted: "kept as it is (--accept-existing)"
        case .built(let reason): "built in \(built) (\(reason))"
        }
        print("  \(recipe): \(action); unlocked by every user and checked in \(clock.now - checking)")
    }
} catch {
    FileHandle.standardError.write(Data("PrepareDatasets: \(error)\n".utf8))
    exit(1)
}
