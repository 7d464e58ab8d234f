// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "CaseVault",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "CaseVault", targets: ["CaseVault"]),
        .library(name: "SodiumKit", targets: ["SodiumKit"]),
        .executable(name: "casevault", targets: ["CaseVaultCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"]), .brew(["libsodium"])]
        ),
        .target(name: "SodiumKit", dependencies: ["CSodium"]),
        .target(
            name: "CaseVault",
            dependencies: ["SodiumKit", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .executableTarget(
            name: "CaseVaultCLI",
            dependencies: ["CaseVault", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "SodiumKitTests", dependencies: ["SodiumKit"]),
        .testTarget(
            name: "CaseVaultTests",
            dependencies: ["CaseVault", "SodiumKit", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "CaseVaultCLITests",
            dependencies: ["CaseVaultCLI", "CaseVault", "SodiumKit", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
