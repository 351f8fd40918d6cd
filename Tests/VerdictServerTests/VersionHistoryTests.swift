import Foundation
import Testing
import Verdict
import VerdictAudit
@testable import VerdictServer

/// Issue 35, item 1: the service records each version's activation and retirement as leaves of the
/// decision log's tree; a refused reload records nothing; the history survives a restart; the log verifies.
@Suite("version history in the decision log", .serialized)
struct VersionHistoryTests {
    struct Service {
        let service: VerdictService
        let writer: DecisionLogWriter
        init(_ folder: String, log location: String) throws {
            writer = DecisionLogWriter(log: try DecisionLogs.open(location, create: true))
            var config = ServerConfiguration(policyFolders: [folder])
            config.reloadOnSIGHUP = false
            config.watchInterval = nil
            config.recorder = AuditRecorder(writer: writer, versionHistory: true)
            service = VerdictService(configuration: config, logger: CapturedLog().logger())
        }
    }

    @Test func activationsRetirementsAndARefusedReloadInBetweenSurviveARestart() async throws {
        let copy = try PolicyCopy("quality-complaints")
        defer { copy.remove() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-history-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = "sqlite:" + folder.appendingPathComponent("log.db").path

        // Start (1.0.0), a good reload (1.1.0), a refused reload (a broken file), stop.
        let first = try Service(copy.path, log: location)
        #expect(await first.service.registry.reloadAll(trigger: .startup).allSatisfy { $0.1.outcome == .activated })
        try copy.edit("policy.yaml", replacing: #"version: "1.0.0""#, with: #"version: "1.1.0""#)
        #expect(await first.service.registry.reloadAll(trigger: .request).allSatisfy { $0.1.outcome == .activated })
        let good = try copy.read("a5-approval.yaml")
        try copy.edit("a5-approval.yaml", replacing: "when: cost <= 300", with: "when: cost <= ")
        #expect(await first.service.registry.reloadAll(trigger: .request).allSatisfy { $0.1.outcome == .failed })
        first.service.registry.stopped()
        try first.writer.close()

        // A restart of the mended folder: 1.1.0 again, a new spell.
        try good.write(to: copy.folder.appendingPathComponent("a5-approval.yaml"), atomically: true, encoding: .utf8)
        let second = try Service(copy.path, log: location)
        #expect(await second.service.registry.reloadAll(trigger: .startup).allSatisfy { $0.1.outcome == .activated })
        try second.writer.close()

        let log = try DecisionLogs.open(location, create: false, readOnly: true)
        defer { log.close() }
        let events = try log.versionEvents().map { try $0.parsed() }
        #expect(events.map { "\($0.kind.rawValue) \($0.version) \($0.trigger)" } == [
            "activated 1.0.0 startup", "retired 1.0.0 request", "activated 1.1.0 request", "retired 1.1.0 stop", "activated 1.1.0 startup",
        ])
        #expect(events.map(\.seq) == [0, 1, 2, 3, 4], "events are leaves of the one tree, numbered with the decisions")
        let history = try VersionHistory.of(log)
        #expect(history.spells.map { "\($0.version) \($0.fromTrigger)–\($0.untilTrigger ?? "serving")" } == ["1.0.0 startup–request", "1.1.0 request–stop", "1.1.0 startup–serving"])
        let report = try LogVerifier.verify(log)
        #expect(report.records == 5)
        // Each version named is archived, and the leaf cannot pass for a decision record.
        for e in events { #expect(try log.policy(digest: e.digest) != nil) }
        let stored = try #require(try log.versionEvents().first)
        #expect(stored.leaf != Merkle.leafHash(stored.body))
    }
}
