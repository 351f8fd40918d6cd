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
    ]
)
