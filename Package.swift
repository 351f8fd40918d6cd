// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Verdict",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Verdict", targets: ["Verdict"]),
        .executable(name: "verdict", targets: ["verdict"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "3.12.3"),
        // A plugin only (`swift package generate-documentation`): nothing of it is linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", exact: "1.5.0"),
    ],
    targets: [
        .target(
            name: "Verdict",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "verdict",
            dependencies: [
                "Verdict",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "VerdictTests",
            // The command-line tests run the built `verdict` binary, so tests depend on it.
            dependencies: ["Verdict", "verdict"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
