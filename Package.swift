// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Verdict",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Verdict", targets: ["Verdict"]),
        .library(name: "VerdictServer", targets: ["VerdictServer"]),
        .library(name: "VerdictAudit", targets: ["VerdictAudit"]),
        .library(name: "VerdictConsole", targets: ["VerdictConsole"]),
        .library(name: "VerdictAuditPostgres", targets: ["VerdictAuditPostgres"]),
        .library(name: "VerdictSheets", targets: ["VerdictSheets"]),
        .library(name: "VerdictChanges", targets: ["VerdictChanges"]),
        .executable(name: "verdict", targets: ["verdict"]),
        // The C library (issue 31): `libVerdictC.so`, whose soname is `libverdict.so`;
        // `bindings/build-library.sh` builds it and installs it under that name beside include/verdict.h.
        .library(name: "VerdictC", type: .dynamic, targets: ["VerdictC"]),
    ],
    // Linking `Verdict` alone resolves only Yams and swift-crypto: a package that depends on this one
    // with `traits: []` leaves out the trait `Service`, and SwiftPM then neither resolves nor builds the
    // service's, console's, decision log's and command's dependencies (every use of them is guarded by it
    // below). Those targets need the trait: without it they fail on their first missing module.
    // The default enables it, so `swift build`, `swift test` and `swift run verdict` here build everything.
    traits: [
        .trait(name: "Service", description: "The HTTP service, web console, decision log and the verdict command, with their dependencies."),
        .default(enabledTraits: ["Service"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "3.12.3"),
        // A plugin only (`swift package generate-documentation`): nothing of it is linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", exact: "1.5.0"),
        // Without the ConfigurationSupport trait: swift-configuration is not needed.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1", traits: ["FullFoundation"]),
        // The console's server-side sessions (issue 32): SessionStorage over a bounded in-memory store, so
        // signing out, a new token in the users file or a removed user ends a session at once.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", exact: "2.5.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        // Built for Hummingbird already; named for its HTTP parts, which the connection cap's handler reads.
        .package(url: "https://github.com/apple/swift-nio-extras.git", exact: "1.35.2"),
        // Built for Hummingbird already; named for NIOHTTP1's parser errors, which the service answers
        // with problem details (``ProtocolErrorHandler``).
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        // Decision tables as xlsx (issue 33): the zip container; the sheets' XML is read with FoundationXML.
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", exact: "0.9.20"),
    ],
    targets: [
        .target(
            name: "Verdict",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // ICU's spoof checker (confusable skeletons, `LookAlikes`), from the copy of ICU that
            // Foundation carries on Linux: no package to add.
            linkerSettings: [.linkedLibrary("_FoundationICU", .when(platforms: [.linux]))]
        ),
        // The HTTP decision service: its own target, so linking `Verdict` never builds Hummingbird.
        .target(
            name: "VerdictServer",
            dependencies: [
                "Verdict",
                "VerdictAudit",
                "VerdictConsole",
                // The console's xlsx download of a set's tables (issue 33).
                "VerdictSheets",
                // Proposals, review and activation (issue 32), served over HTTP and in the console.
                "VerdictChanges",
                .product(name: "Crypto", package: "swift-crypto"),
                // RS256 signatures of single sign-on JWTs (ES256 is in Crypto); part of swift-crypto, no package added.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                // The users file.
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Service"])),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth", condition: .when(traits: ["Service"])),
                .product(name: "HTTPTypes", package: "swift-http-types", condition: .when(traits: ["Service"])),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras", condition: .when(traits: ["Service"])),
                .product(name: "NIOHTTP1", package: "swift-nio", condition: .when(traits: ["Service"])),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle", condition: .when(traits: ["Service"])),
                .product(name: "UnixSignals", package: "swift-service-lifecycle", condition: .when(traits: ["Service"])),
                .product(name: "Logging", package: "swift-log", condition: .when(traits: ["Service"])),
                .product(name: "Metrics", package: "swift-metrics", condition: .when(traits: ["Service"])),
                .product(name: "Prometheus", package: "swift-prometheus", condition: .when(traits: ["Service"])),
            ]
        ),
        // The decision log, policy archive and Merkle proofs (issue 10); SQLite through GRDB.
        .target(
            name: "VerdictAudit",
            dependencies: [
                "Verdict",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift", condition: .when(traits: ["Service"])),
                .product(name: "GRDBSQLite", package: "GRDB.swift", condition: .when(traits: ["Service"])),
            ]
        ),
        // The web console's pages (issue 12): pure functions from the policy, a decision or an audit
        // record to HTML, unit-testable without a server; `VerdictServer` serves them at `/`.
        .target(
            name: "VerdictConsole",
            // Its proposal pages show VerdictChanges' proposals as they are.
            dependencies: ["Verdict", "VerdictAudit", "VerdictChanges"]
        ),
        // The PostgreSQL backend of the decision log, apart so that SQLite users do not build postgres-nio.
        .target(
            name: "VerdictAuditPostgres",
            dependencies: [
                "VerdictAudit",
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["Service"])),
            ]
        ),
        // Decision tables to and from spreadsheets (issue 33): xlsx and CSV, export and import; the
        // library `Verdict` does not depend on it.
        .target(
            name: "VerdictSheets",
            dependencies: [
                "Verdict",
                .product(name: "Yams", package: "Yams"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation", condition: .when(traits: ["Service"])),
            ]
        ),
        // Governed policy changes (issue 32): roles, proposals, four-eyes review, activation of a set's
        // files written whole (a journal finished at the next start if a process dies midway).
        .target(
            name: "VerdictChanges",
            dependencies: [
                "Verdict",
                "VerdictAudit",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The C ABI over the one decision entry point (include/verdict.h): its own target, so `Verdict`
        // stays a plain Swift library; Python, Java and Go bind to it (bindings/).
        .target(
            name: "VerdictC",
            dependencies: ["Verdict"],
            linkerSettings: [.unsafeFlags(["-Xlinker", "-soname=libverdict.so"], .when(platforms: [.linux]))]
        ),
        .executableTarget(
            name: "verdict",
            dependencies: [
                "Verdict",
                "VerdictServer",
                "VerdictAudit",
                "VerdictAuditPostgres",
                "VerdictSheets",
                "VerdictChanges",
                // `audit show --format html` writes the console's auditor's page (one renderer).
                "VerdictConsole",
                .product(name: "ArgumentParser", package: "swift-argument-parser", condition: .when(traits: ["Service"])),
            ]
        ),
        .testTarget(
            name: "VerdictTests",
            // The command-line tests run the built `verdict` binary, so tests depend on it.
            dependencies: ["Verdict", "verdict"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "VerdictServerTests",
            dependencies: [
                "VerdictServer",
                "VerdictConsole",
                "VerdictAudit",
                "VerdictChanges",
                "verdict",
                .product(name: "HummingbirdTesting", package: "hummingbird", condition: .when(traits: ["Service"])),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "VerdictChangesTests",
            // Proposals, review rules, activation written whole and finished after a kill -9.
            dependencies: ["VerdictChanges", "Verdict", "VerdictAudit"]
        ),
        .testTarget(
            name: "VerdictSheetsTests",
            // Export and import of every shipped set, both formats, and the bad inputs refused.
            dependencies: ["VerdictSheets", "Verdict", "verdict",
                           .product(name: "ZIPFoundation", package: "ZIPFoundation", condition: .when(traits: ["Service"]))]
        ),
        .testTarget(
            name: "VerdictCTests",
            // Calls the exported C functions as a C caller would (pointers, handles, buffers to free).
            dependencies: ["VerdictC", "Verdict"]
        ),
        .testTarget(
            name: "VerdictAuditTests",
            // Runs the built `verdict` binary too (decide --log, audit, kill -9 durability, two writers).
            dependencies: ["Verdict", "VerdictAudit", "VerdictAuditPostgres", "verdict",
                           .product(name: "Crypto", package: "swift-crypto")]
        ),
    ]
)
