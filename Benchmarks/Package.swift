// swift-tools-version: 6.1
import PackageDescription

// CaseVault's benchmarks, a package of their own so the library has no benchmark dependency.
// Run them from the repository root with `make benchmarks` (see Docs/Performance.md), which builds the
// release `casevault` for the command benchmarks and runs PrepareDatasets before the benchmarks.
let package = Package(
    name: "CaseVaultBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "CaseVault", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                .product(name: "CaseVault", package: "CaseVault"),
                .product(name: "SodiumKit", package: "CaseVault"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(
            name: "CaseVaultBenchmarks",
            dependencies: [
                "BenchmarkSupport",
                .product(name: "CaseVault", package: "CaseVault"),
                .product(name: "SodiumKit", package: "CaseVault"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CaseVaultBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Builds the datasets before the benchmarks run, outside any measured process.
        .executableTarget(
            name: "PrepareDatasets",
            dependencies: ["BenchmarkSupport", .product(name: "CaseVault", package: "CaseVault")]
        ),
        .executableTarget(name: "PerformanceReport"),
        .executableTarget(
            name: "ProfileScenario",
            dependencies: ["BenchmarkSupport", .product(name: "CaseVault", package: "CaseVault")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
