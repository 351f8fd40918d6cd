// swift-tools-version: 6.1
// The libFuzzer targets: a package of their own, so that the `Verdict` product never carries them and an
// ordinary `swift build` of the root never builds them. Build and run one with `Fuzz/run.sh TARGET SECONDS`.
import PackageDescription

let fuzzTargets = ["FuzzPolicyFile", "FuzzManifest", "FuzzExpression", "FuzzCase", "FuzzWorkingTime"]

let package = Package(
    name: "VerdictFuzz",
    dependencies: [.package(name: "Verdict", path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "Verdict", package: "Verdict")]),
    ] + fuzzTargets.map { name in
        .executableTarget(name: name, dependencies: ["FuzzSupport", .product(name: "Verdict", package: "Verdict")])
    }
)
