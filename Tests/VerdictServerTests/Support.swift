import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import Verdict
@testable import VerdictServer

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func shippedPolicyPath(_ name: String) -> String { repositoryRoot.appendingPathComponent("policies/\(name)").path }

/// A temporary copy of a shipped policy set, with the shared calendars beside it (sets include
/// `../calendars/cn-office.yaml`). Removed by `remove()`.
struct PolicyCopy {
    let root: URL
    let folder: URL
    var path: String { folder.path }

    /// A copy of the shipped set `name` (a folder below `policies/`, such as `quality-complaints` or
    /// `examples/quality-complaints-amended`, copied as its last component); without `keepVersions`, only the
    /// version in its own files (its `versions/` folder is left out, so what serves does not depend on today's date).
    init(_ name: String, keepVersions: Bool = false) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        folder = root.appendingPathComponent(URL(fileURLWithPath: name).lastPathComponent)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: shippedPolicyPath(name)), to: folder)
        if !keepVersions { try? FileManager.default.removeItem(at: folder.appendingPathComponent("versions")) }
        try FileManager.default.copyItem(at: URL(fileURLWithPath: shippedPolicyPath("calendars")), to: root.appendingPathComponent("calendars"))
    }

    func read(_ file: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
    }

    /// Rewrites a file in place, replacing `old` (which must occur) with `new`.
    func edit(_ file: String, replacing old: String, with new: String) throws {
        let text = try read(file)
        precondition(text.contains(old), "`\(old)` is not in \(file)")
        try text.replacingOccurrences(of: old, with: new).write(to: folder.appendingPathComponent(file), atomically: false, encoding: .utf8)
    }

    func write(_ file: String, _ text: String) throws {
        try text.write(to: folder.appendingPathComponent(file), atomically: false, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// Log lines a test can read.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    var sink: LogSink { LogSink { line in self.lines.withLock { $0.append(line) } } }

    func logger(format: LogFormat = .text) -> Logger {
        let sink = self.sink
        return Logger(label: "verdict") { LineLogHandler(label: $0, format: format, level: .debug, sink: sink) }
    }
}

/// A service over the given folders with fast watching for tests (no SIGHUP: tests share a process).
func makeService(_ folders: [String], tokens: [String]? = nil, adminTokens: [String]? = nil, log: CapturedLog = CapturedLog(),
                 watch: Bool = false, debounce: Swift.Duration = .milliseconds(120), limits: ServerLimits = ServerLimits()) throws -> VerdictService {
    var config = ServerConfiguration(policyFolders: folders)
    config.tokens = try tokens.map { try TokenSet(tokens: $0) }
    config.adminTokens = try adminTokens.map { try TokenSet(tokens: $0) }
    config.reloadOnSIGHUP = false
    config.watchInterval = watch ? .milliseconds(40) : nil
    config.debounce = debounce
    config.limits = limits
    config.port = 0
    return VerdictService(configuration: config, logger: log.logger())
}

let henanCase = try! String(contentsOfFile: shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", encoding: .utf8)

func json(_ buffer: ByteBuffer) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
}

func text(_ buffer: ByteBuffer) -> String { String(buffer: buffer) }

extension TestClientProtocol {
    @discardableResult
    func post(_ uri: String, _ body: String, type: String? = "application/json", token: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        if let type { headers[.contentType] = type }
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func get(_ uri: String, token: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: .get, headers: headers)
    }

    /// The serving digest of a set, from GET /v1/policies/{name}.
    func digest(_ name: String, token: String? = nil) async throws -> String? {
        json(try await get("/v1/policies/\(name)", token: token).body)["digest"] as? String
    }

    /// Polls the set until `condition` holds on its listing, for at most `seconds`: a bound, not a speed
    /// test, generous because a reload checks, compiles and runs the set's tests on a debug build that may share
    /// its cores with other builds.
    func waitFor(_ name: String, seconds: Double = 90, sourceLocation: Testing.SourceLocation = #_sourceLocation,
                 _ condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        var last: [String: Any] = [:]
        while Date() < deadline {
            last = json(try await get("/v1/policies/\(name)").body)
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(30))
        }
        Issue.record("`\(name)` did not reach the expected state within \(seconds) s; last: \(last)", sourceLocation: sourceLocation)
        return last
    }
}
