// swift-tools-version: 6.1
// The libFuzzer targets: a package of their own, so that the `Verdict` product never carries them and an
// ordinary `swift build` of the root never builds them. Build and run one with `Fuzz/run.sh TARGET SECONDS`.
import PackageDescription

/// Targets over the library alone.
let libraryTargets = ["FuzzPolicyFile", "FuzzManifest", "FuzzExpression", "FuzzCase", "FuzzWorkingTime"]
/// Targets over the HTTP service and its console (issue 27): requests sent to the router in process.
let serviceTargets = ["FuzzServiceRequest", "FuzzConsoleForm"]
// Not a fuzzer: the concurrency scenarios of issue 26 (two threads deciding, decisions outliving their
// policy, versions replaced while deciding, the service under load and reload), run for a bounded time
// by Fuzz/stress.sh under AddressSanitizer (built with the fuzz targets, same flags) and ThreadSanitizer.

let package = Package(
    name: "VerdictFuzz",
    dependencies: [
        .package(name: "Verdict", path: ".."),
        // The versions the root package pins, named here for the types the HTTP targets use.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
    ],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "Verdict", package: "Verdict")]),
        .target(name: "FuzzHTTPSupport", dependencies: [
            "FuzzSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "VerdictServer", package: "Verdict"),
        ]),
    ] + libraryTargets.map { name in
        .executableTarget(name: name, dependencies: ["FuzzSupport", .product(name: "Verdict", package: "Verdict")])
    } + serviceTargets.map { name in
        .executableTarget(name: name, dependencies: [
            "FuzzSupport", "FuzzHTTPSupport",
            .product(name: "VerdictServer", package: "Verdict"),
            .product(name: "VerdictConsole", package: "Verdict"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ])
    } + [
        // Tells ThreadSanitizer what the standard library's `Mutex` does when contended (see the file).
        .target(name: "SwiftMutexAnnotations"),
        .executableTarget(name: "ConcurrencyStress", dependencies: [
            "SwiftMutexAnnotations",
            .product(name: "Verdict", package: "Verdict"),
            .product(name: "VerdictServer", package: "Verdict"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ]
)
