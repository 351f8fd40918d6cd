import Foundation
import Testing
import Verdict
import VerdictAudit
import VerdictAuditPostgres

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func shippedPolicyPath(_ name: String) -> String { repositoryRoot.appendingPathComponent("policies/\(name)").path }

/// A fresh temporary folder, removed by the caller.
func temporaryFolder(_ name: String = "audit") throws -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-\(name)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}

/// The storage a behaviour test runs on. PostgreSQL needs `VERDICT_TEST_POSTGRES_URL` (`.ci/run` starts a
/// throwaway server and sets it); each test gets a database of its own.
///
/// A behaviour test is written once, `func name(_ backend: Backend)`, and run by two tests: one on
/// SQLite and one on PostgreSQL with the trait `.needsPostgreSQL`, which is reported
/// as skipped (with the reason) without a server, never as passed.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }

    static var postgresURL: String? {
        let v = ProcessInfo.processInfo.environment["VERDICT_TEST_POSTGRES_URL"]
        return v?.isEmpty == false ? v : nil
    }

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Whether the PostgreSQL tests run: when `VERDICT_TEST_POSTGRES_URL` is set, and always under
    /// CI=true, where a missing server fails them rather than skipping them.
    static var postgresTestsRun: Bool { postgresURL != nil || isCI }

    /// A new, empty log location. Throws when this backend is not available here (a PostgreSQL test
    /// runs without `VERDICT_TEST_POSTGRES_URL` only under CI=true, where that is a failure).
    func freshLocation(in folder: URL) throws -> String {
        switch self {
        case .sqlite:
            return "sqlite:" + folder.appendingPathComponent("log.db").path
        case .postgres:
            guard let url = Self.postgresURL else {
                throw AuditError(.usage, Self.isCI
                    ? "CI=true but VERDICT_TEST_POSTGRES_URL is not set: CI must run the PostgreSQL tests (.ci/run starts a server)"
                    : "VERDICT_TEST_POSTGRES_URL is not set: a PostgreSQL test ran without the .needsPostgreSQL trait")
            }
            let name = "verdict_t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
            try psql(url, "CREATE DATABASE \(name)")
            var u = URLComponents(string: url)!
            u.path = "/" + name
            return u.string!
        }
    }

    /// Runs SQL against a log's storage, as someone editing it by hand would.
    func execute(_ location: String, _ sql: String) throws {
        switch self {
        case .sqlite:
            let r = try runProcess("/usr/bin/sqlite3", [String(location.dropFirst("sqlite:".count)), sql])
            if r.status != 0 { throw AuditError(.storage, "sqlite3 failed: \(r.stderr)") }
        case .postgres:
            try psql(location, sql)
        }
    }

    /// SQL that replaces text in a record's body, as someone editing it by hand would: the record's
    /// canonical bytes (decoded from the log's encoded form) with `from` replaced by `to`, stored as
    /// that text (which a log reads as it is).
    func editBody(_ location: String, seq: Int, from: String, to: String) throws -> String {
        PostgresDecisionLog.registerScheme()
        let log = try DecisionLogs.open(location, create: false, readOnly: true)
        defer { log.close() }
        guard let r = try log.record(seq: UInt64(seq)) else { throw AuditError(.usage, "no record \(seq) to edit") }
        let text = String(decoding: r.body, as: UTF8.self)
        guard text.contains(from) else { throw AuditError(.usage, "record \(seq) holds no `\(from)`") }
        return setBody(seq: seq, Array(text.replacingOccurrences(of: from, with: to).utf8))
    }

    /// SQL that stores `bytes` as a record's body.
    func setBody(seq: Int, _ bytes: [UInt8]) -> String {
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        switch self {
        case .sqlite: return "UPDATE verdict_records SET body = X'\(hex)' WHERE seq = \(seq)"
        case .postgres: return "UPDATE verdict_records SET body = '\\x\(hex)'::bytea WHERE seq = \(seq)"
        }
    }

    /// SQL that sets a record's leaf hash to SHA-256(0x00 ‖ its body), as a careful forger would.
    func rehashLeaf(seq: Int) -> String? {
        switch self {
        case .sqlite: return nil   // SQLite has no SHA-256 in SQL; tests compute it and set it with `setLeaf`.
        case .postgres: return "UPDATE verdict_records SET leaf = sha256('\\x00'::bytea || body) WHERE seq = \(seq)"
        }
    }

    func setLeaf(seq: Int, hex: String) -> String {
        switch self {
        case .sqlite: return "UPDATE verdict_records SET leaf = X'\(hex)' WHERE seq = \(seq)"
        case .postgres: return "UPDATE verdict_records SET leaf = '\\x\(hex)'::bytea WHERE seq = \(seq)"
        }
    }
}

extension Trait where Self == ConditionTrait {
    /// A test that needs PostgreSQL: skipped with this reason unless `VERDICT_TEST_POSTGRES_URL` is set
    /// (`.ci/run` starts a server and sets it); under CI=true it always runs, and fails without a server.
    static var needsPostgreSQL: Self {
        .enabled(if: Backend.postgresTestsRun, "PostgreSQL decision-log test: set VERDICT_TEST_POSTGRES_URL (as .ci/run does) to run it")
    }
}

func psql(_ url: String, _ sql: String) throws {
    let r = try runProcess("/usr/bin/psql", [url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
    if r.status != 0 { throw AuditError(.storage, "psql failed: \(r.stderr)") }
}

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion, its output collected through files (no pipe can fill up).
func runProcess(_ path: String, _ args: [String], cwd: URL = repositoryRoot, stdin: String? = nil) throws -> Run {
    let dir = FileManager.default.temporaryDirectory
    let id = UUID().uuidString
    let outURL = dir.appendingPathComponent("out-\(id)"), errURL = dir.appendingPathComponent("err-\(id)")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    p.currentDirectoryURL = cwd
    p.standardOutput = try FileHandle(forWritingTo: outURL)
    p.standardError = try FileHandle(forWritingTo: errURL)
    let input = Pipe()
    p.standardInput = input
    try p.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    p.waitUntilExit()
    return Run(status: p.terminationStatus, stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
               stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
}

/// The built `verdict` binary.
var verdictBinary: String {
    let bundleDir = Bundle.main.bundleURL.deletingLastPathComponent()
    for candidate in [bundleDir.appendingPathComponent("verdict"), repositoryRoot.appendingPathComponent(".build/debug/verdict")]
    where FileManager.default.isExecutableFile(atPath: candidate.path) {
        return candidate.path
    }
    return repositoryRoot.appendingPathComponent(".build/debug/verdict").path
}

func verdict(_ args: [String], cwd: URL = repositoryRoot, stdin: String? = nil) throws -> Run {
    try runProcess(verdictBinary, args, cwd: cwd, stdin: stdin)
}

/// Cases generated by the shipped generator (deterministic).
func generatedCases(_ count: Int, seed: Int = 7, policy: String = "quality-complaints") throws -> [String] {
    let r = try verdict(["generate", "--policies", shippedPolicyPath(policy), "--count", String(count), "--seed", String(seed)])
    guard r.status == 0 else { throw AuditError(.usage, "generate failed: \(r.stderr)") }
    return r.stdout.split(separator: "\n").map(String.init)
}

/// Cases with their ids prefixed, so two sets of generated cases do not share ids.
func renamed(_ cases: [String], prefix: String) -> [String] {
    cases.map { $0.replacingOccurrences(of: #""id":""#, with: #""id":"\#(prefix)"#) }
}

func write(_ lines: [String], to url: URL) throws {
    try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
}

extension Array where Element == UInt8 {
    var hexText: String { map { String(format: "%02x", $0) }.joined() }
}
