import Crypto
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Testing
import Verdict
import VerdictAudit
@testable import VerdictServer

/// Issue 27, items 13 and 14: a decision log that cannot be written (a full disk) makes the service
/// not ready and refuses decisions without showing the log's path, and the service recovers once the
/// log can be written; a batch ends with an error line; the console's expensive actions are bounded
/// per client.
@Suite("verdict serve with a failing decision log", .serialized)
struct DecisionLogOutageTests {
    static let qc = shippedPolicyPath("quality-complaints")

    /// A service recording into an SQLite log whose writes fail while `log.failing` is set.
    struct Failing {
        let service: VerdictService
        let log: OutageLog
        let writer: DecisionLogWriter
        let folder: URL
        let captured = CapturedLog()

        init(tokens: [String]? = nil, consoleRefillSeconds: Double = 3) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-outage-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            log = OutageLog(try DecisionLogs.open("sqlite:" + folder.appendingPathComponent("log.db").path, create: true))
            writer = DecisionLogWriter(log: log)
            var config = ServerConfiguration(policyFolders: [DecisionLogOutageTests.qc])
            config.tokens = try tokens.map { try TokenSet(tokens: $0) }
            config.reloadOnSIGHUP = false
            config.watchInterval = nil
            config.recorder = AuditRecorder(writer: writer)
            config.auditLog = log
            config.limits.consoleRefillSeconds = consoleRefillSeconds
            service = VerdictService(configuration: config, logger: captured.logger())
        }

        func close() {
            try? writer.close()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// A version whose activation cannot be recorded does not serve (its decisions would come with no
    /// version history before them): the reload is refused with why, and the last good version serves on.
    @Test func aVersionWhoseActivationCannotBeRecordedDoesNotServe() async throws {
        let copy = try PolicyCopy("quality-complaints")
        defer { copy.remove() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-outage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = OutageLog(try DecisionLogs.open("sqlite:" + folder.appendingPathComponent("log.db").path, create: true))
        let writer = DecisionLogWriter(log: log)
        defer { try? writer.close() }
        var config = ServerConfiguration(policyFolders: [copy.path])
        config.reloadOnSIGHUP = false
        config.watchInterval = nil
        config.recorder = AuditRecorder(writer: writer, versionHistory: true)
        let service = VerdictService(configuration: config, logger: CapturedLog().logger())
        #expect(await service.registry.reloadAll(trigger: .startup).allSatisfy { $0.1.outcome == .activated })
        let serving = try #require(service.registry.set(named: "quality-complaints")?.active?.versions.latest.identity)

        log.failing = true
        try copy.edit("policy.yaml", replacing: #"version: "1.0.0""#, with: #"version: "1.1.0""#)
        let attempt = try #require(await service.registry.reloadAll(trigger: .request).first?.1)
        #expect(attempt.outcome == .failed)
        #expect(attempt.diagnostics.contains { $0.message.contains("could not record this version's activation") }, "\(attempt.diagnostics)")
        #expect(service.registry.set(named: "quality-complaints")?.active?.versions.latest.identity == serving)
        log.failing = false
        #expect(try log.versionEvents().count == 1, "only the start-up activation is recorded")
    }

    @Test func aFullDiskMakesTheServiceNotReadyAndItRecoversWhenSpaceIsFreed() async throws {
        let f = try Failing()
        defer { f.close() }
        try await f.service.application().test(.router) { client in
            let path = "/v1/policies/quality-complaints/decide"
            #expect(try await client.post(path, henanCase).status == .ok)
            #expect(try await client.get("/readyz").status == .ok)

            f.log.failing = true
            let refused = try await client.post(path, henanCase)
            #expect(refused.status == .serviceUnavailable)
            let detail = text(refused.body)
            #expect(detail.contains("decision-log-unavailable") && detail.contains("the disk holding the decision log is full"), "\(detail)")
            #expect(!detail.contains("/secret"), "the log's path is shown to the caller: \(detail)")
            let ready = try await client.get("/readyz")
            #expect(ready.status == .serviceUnavailable)
            #expect(text(ready.body).contains("decision_log") && !text(ready.body).contains("/secret"), "\(text(ready.body))")
            let batch = try await client.post(path + "-batch", henanCase.replacingOccurrences(of: "\n", with: " ") + "\n", type: "application/x-ndjson")
            #expect(batch.status == .serviceUnavailable)
            // The operator's log has the whole error.
            #expect(f.captured.all.contains { $0.contains("cannot be written") && $0.contains("/secret/path") }, "\(f.captured.all)")

            // Space is freed: no decision comes (a load balancer took the service out), yet it recovers.
            f.log.failing = false
            var recovered = false
            for _ in 0..<100 where !recovered {
                try await Task.sleep(for: .milliseconds(50))
                recovered = try await client.get("/readyz").status == .ok
            }
            #expect(recovered, "/readyz still 503 five seconds after the log could be written again")
            #expect(try await client.post(path, henanCase).status == .ok)
            #expect(f.captured.all.contains { $0.contains("can be written again") })
        }
        let v = try LogVerifier.verify(f.log)
        #expect(v.records == 2, "the two decisions answered are the two recorded")
    }

    @Test func aBatchWhoseDecisionsCannotBeRecordedEndsWithAnErrorLine() async throws {
        var config = ServerConfiguration(policyFolders: [Self.qc])
        config.reloadOnSIGHUP = false
        config.watchInterval = nil
        config.recorder = RefusingRecorder()
        let service = VerdictService(configuration: config, logger: CapturedLog().logger())
        try await service.application().test(.router) { client in
            let line = henanCase.replacingOccurrences(of: "\n", with: " ")
            let r = try await client.post("/v1/policies/quality-complaints/decide-batch", [line, line, line].joined(separator: "\n") + "\n",
                                          type: "application/x-ndjson")
            let lines = text(r.body).split(separator: "\n")
            #expect(lines.count == 1, "\(text(r.body))")
            #expect(lines.last?.contains(#""code":"decision-log-unavailable""#) == true, "\(text(r.body))")
            #expect(!text(r.body).contains(#""outputs""#), "a decision that was not recorded was reported")
            #expect(!text(r.body).contains("/secret"))
        }
    }

    @Test func expensiveConsoleActionsAreBoundedPerClient() async throws {
        // A bucket that gains nothing back while the test runs: thirteen requests make the eleventh wait,
        // however slowly the machine answers them (with the usual 3 s, a loaded machine refilled it).
        let f = try Failing(tokens: ["token-one-0123456789", "token-two-0123456789"], consoleRefillSeconds: 3600)
        defer { f.close() }
        try await f.service.application().test(.router) { client in
            #expect(try await client.post("/v1/policies/quality-complaints/decide", henanCase, token: "token-one-0123456789").status == .ok)
            var statuses: [HTTPResponse.Status] = []
            var retryAfter: String?
            for _ in 0..<13 {
                let r = try await client.get("/audit/0", token: "token-one-0123456789")
                statuses.append(r.status)
                if r.status == .tooManyRequests { retryAfter = r.headers[.retryAfter] }
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == .ok }, "\(statuses)")
            #expect(statuses.contains(.tooManyRequests), "\(statuses)")
            #expect(retryAfter.flatMap(Int.init).map { $0 >= 1 } == true)
            // Another client has its own bucket; the cheap pages are not counted.
            #expect(try await client.get("/audit/0", token: "token-two-0123456789").status == .ok)
            #expect(try await client.get("/audit", token: "token-one-0123456789").status == .ok)
        }
    }

    @Test func aSearchNeverLeavesOutARecordWhoseRecordedAtWasEdited() async throws {
        let f = try Failing()
        defer { f.close() }
        try await f.service.application().test(.router) { client in
            #expect(try await client.post("/v1/policies/quality-complaints/decide", henanCase).status == .ok)
            #expect(text(try await client.get("/audit?since=2020-01-01T00:00:00Z").body).contains("Q-2026-0042"))
            let sqlite = Process()
            sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            sqlite.arguments = [f.folder.appendingPathComponent("log.db").path, "UPDATE verdict_records SET recorded_at = 0 WHERE seq = 0"]
            try sqlite.run()
            sqlite.waitUntilExit()
            #expect(sqlite.terminationStatus == 0)
            let r = try await client.get("/audit?since=2020-01-01T00:00:00Z")
            #expect(r.status == .internalServerError)
            #expect(text(r.body).contains("record 0: its index columns disagree with its content"), "\(text(r.body))")
        }
    }

    @Test func theThrottleRefillsAndForgetsNoOne() {
        let now = Clock()
        let t = ConsoleThrottle(capacity: 2, refillInterval: 3, clock: { now.value })
        #expect(t.take("a") == nil && t.take("a") == nil)
        #expect(t.take("a") == 3)
        #expect(t.take("b") == nil)
        now.value = 1.5
        #expect(t.take("a") == 2)
        now.value = 3
        #expect(t.take("a") == nil)
        #expect(t.take("a") == 3)
    }

    /// Past the clients it remembers, the throttle forgets the fullest buckets, never the emptiest: a
    /// crowd of other addresses cannot wipe the bucket of the one being held back.
    @Test func manyOtherClientsDoNotWipeAHeldBackOne() {
        let now = Clock()
        let t = ConsoleThrottle(capacity: 2, refillInterval: 30, clock: { now.value })
        #expect(t.take("attacker") == nil && t.take("attacker") == nil)
        #expect(t.take("attacker") != nil)
        for i in 0...ConsoleThrottle.maxClients { _ = t.take("other-\(i)") }
        #expect(t.clientCount <= ConsoleThrottle.maxClients)
        #expect(t.waiting("attacker") != nil, "the held-back client's bucket was forgotten")
        #expect(t.take("attacker") != nil)
    }
}

/// A settable clock for the throttle.
final class Clock: @unchecked Sendable {
    private let lock = NSLock()
    private var v: Double = 0
    var value: Double {
        get { lock.withLock { v } }
        set { lock.withLock { v = newValue } }
    }
}

/// A recorder whose commits fail (a log that broke mid-batch), yet that does not know it in advance.
struct RefusingRecorder: DecisionRecorder {
    struct Recording: DecisionRecording {
        func submit(_ decision: Decision, input: [UInt8]) {}
        func commit() async throws { throw AuditError(.storage, "the disk holding `/secret/path/log.db` is full", shown: "the disk holding the decision log is full") }
    }
    func register(_ policy: CompiledPolicy, folder: String) throws {}
    func recording() -> any DecisionRecording { Recording() }
    func publicMessage(_ error: Error) -> String { (error as? AuditError)?.publicMessage ?? "" }
}

/// A log whose writes fail while `failing` is set, as on a full disk.
final class OutageLog: DecisionLog, @unchecked Sendable {
    let base: any DecisionLog
    private let lock = NSLock()
    private var _failing = false
    var failing: Bool {
        get { lock.withLock { _failing } }
        set { lock.withLock { _failing = newValue } }
    }
    init(_ base: any DecisionLog) { self.base = base }

    var location: String { base.location }
    var logID: String { base.logID }
    private func full() throws {
        if failing { throw AuditError(.storage, "the disk holding `/secret/path/log.db` is full", shown: "the disk holding the decision log is full") }
    }
    func append(_ records: [PendingRecord], policies: [ArchivedPolicy]) throws -> Range<UInt64> {
        try full()
        return try base.append(records, policies: policies)
    }
    func checkpoint(key: Curve25519.Signing.PrivateKey, time: Timestamp) throws -> Checkpoint { try base.checkpoint(key: key, time: time) }
    func appendVersionEvents(_ events: [PendingVersionEvent], policies: [ArchivedPolicy]) throws -> Range<UInt64> {
        try full()
        return try base.appendVersionEvents(events, policies: policies)
    }
    func versionEvents() throws -> [StoredVersionEvent] { try base.versionEvents() }
    func probeWrite() throws {
        try full()
        try base.probeWrite()
    }
    func readSnapshot<T>(_ body: () throws -> T) throws -> T { try base.readSnapshot(body) }
    func treeState() throws -> MerkleFrontier { try base.treeState() }
    func scan(from seq: UInt64, until end: UInt64?, _ body: ([StoredRecord]) throws -> Bool) throws { try base.scan(from: seq, until: end, body) }
    func records(caseID: String) throws -> [StoredRecord] { try base.records(caseID: caseID) }
    func record(seq: UInt64) throws -> StoredRecord? { try base.record(seq: seq) }
    func leafHashes(_ range: Range<UInt64>) throws -> [(seq: UInt64, hash: Hash)] { try base.leafHashes(range) }
    func node(level: UInt8, index: UInt64) throws -> Hash? { try base.node(level: level, index: index) }
    func nodes() throws -> [(level: UInt8, index: UInt64, hash: Hash)] { try base.nodes() }
    func checkpoints() throws -> [Checkpoint] { try base.checkpoints() }
    func policy(digest: String) throws -> ArchivedPolicy? { try base.policy(digest: digest) }
    func close() { base.close() }
}
