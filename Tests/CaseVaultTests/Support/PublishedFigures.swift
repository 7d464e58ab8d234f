import Foundation
import Testing

/// The published monthly figures in `shared/fixtures/published-requests-2023.csv`: single
/// months and month ranges (`2023-07..2023-08`) with their request counts.
struct PublishedFigures {
    struct Period: Equatable {
        let first: String
        let last: String
        let requests: Int
    }

    let periods: [Period]

    /// Reads the fixture from `shared/fixtures` beside the package root (the first folder above
    /// this file with a Package.swift, symlinks resolved).
    static func load(sourceFile: String = #filePath) throws -> PublishedFigures {
        var folder = URL(fileURLWithPath: sourceFile).resolvingSymlinksInPath().deletingLastPathComponent()
        var file: URL?
        while folder.pathComponents.count > 1 {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                file = folder.deletingLastPathComponent()
                    .appendingPathComponent("shared/fixtures/published-requests-2023.csv")
                break
            }
            folder = folder.deletingLastPathComponent()
        }
        let url = try #require(file, "no package root above \(sourceFile)")
        let text = try String(contentsOf: url, encoding: .utf8)
        var periods: [Period] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("period") {
            let fields = line.split(separator: ",")
            let range = fields[0].components(separatedBy: "..")
            periods.append(Period(first: range[0], last: range.last!, requests: try #require(Int(fields[1]))))
        }
        return PublishedFigures(periods: periods)
    }

    /// The published count for exactly this period.
    func requests(_ first: String, _ last: String? = nil) -> Int? {
        periods.first { $0.first == first && $0.last == (last ?? first) }?.requests
    }
}
