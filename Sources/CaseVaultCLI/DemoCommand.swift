import ArgumentParser
import CaseVault
import Foundation
import SodiumKit

/// `casevault demo`: a self-contained tour on a temporary vault.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a self-contained tour on a temporary vault (synthetic data, fast key derivation).")

    @Option(name: .long, help: "Random seed for the synthetic requests.")
    var seed: UInt64 = 2023

    @Flag(name: .long, help: "Keep the temporary vault and print its path.")
    var keep = false

    func run() throws {
        try DemoTour(seed: seed, keep: keep).run()
    }
}
