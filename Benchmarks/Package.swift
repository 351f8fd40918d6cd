// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// The root package's identity is its folder's name, whatever the clone is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

// Benchmarks live in their own package so `swift test` in the root never builds them.
// Run from this folder: swift package --disable-sandbox benchmark
let package = Package(
    name: "VerdictBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
        // The version (and trait) the root package pins, for the load script's ceiling server.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
    ],
    targets: [
        .executableTarget(
            name: "VerdictBenchmarks",
            dependencies: [
                .product(name: "Verdict", package: root),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/VerdictBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The load script's ceiling (Benchmarks/load/run.sh): a bare Hummingbird route, no decision.
        .executableTarget(
            name: "BareServer",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/BareServer"
        ),
    ]
)
