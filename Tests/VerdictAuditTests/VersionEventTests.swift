import Foundation
import Testing
import Verdict
@testable import VerdictAudit
import VerdictAuditPostgres

/// Issue 35, item 1, on both backends: version events are leaves of the records' tree, numbered with
/// them; the log verifies with them, proofs of records still hold, and an edited event is named.
@Suite("version events in the decision log", .serialized)
struct VersionEventTests {
    typealias Behaviour = DecisionLogBehaviourTests

    @Test func eventsAreLeavesBetweenDecisionsOnSQLite() throws { try eventsAreLeavesBetweenDecisions(.sqlite) }
    @Test(.needsPostgreSQL) func eventsAreLeavesBetweenDecisionsOnPostgreSQL() throws { try eventsAreLeavesBetweenDecisions(.postgres) }
    func eventsAreLeavesBetweenDecisions(_ backend: Backend) throws {
        let f = try ExactProofTests.fixture(backend, count: 3)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let log = try f.open()
        let at = try Timestamp(rfc3339: "2026-06-01T08:00:00Z")
        // The version that decided, retired and activated again (`verify` checks an event's version against the archive).
        let policy = try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
        let (version, digest) = (policy.identity.version, policy.identity.digest)
        let events = [PendingVersionEvent(kind: .retired, set: "quality-complaints", version: version, digest: digest, trigger: "request", by: "ops", recordedAt: at),
                      PendingVersionEvent(kind: .activated, set: "quality-complaints", version: version, digest: digest, trigger: "signal", by: "ops", recordedAt: at)]
        // The fixture's batch: its version activated (0), records 1...3, retired (4).
        #expect(try log.appendVersionEvents(events, policies: []) == 5..<7)
        log.close()
        // A second batch: activated (7), record 8, retired (9).
        #expect(try f.decide([f.cases[0]]).status == 0)
        #expect(try f.checkpoint().stdout.contains("checkpoint #1: 10 records"))
        let v = try f.verify()
        #expect(v.status == 0 && v.stdout.contains(": 4 records and 6 events verified"), "\(v.stdout)\(v.stderr)")
        // A decision after the events is proven, and the case's completeness proof lists only decisions.
        let id = ExactProofTests.caseIDs(f)[0]
        let proof = f.folder.appendingPathComponent("p.json").path
        #expect(try f.audit(["proof", id, "--complete", "--log", f.location, "--out", proof]).status == 0)
        let ok = try f.audit(["verify-proof", proof, "--key", f.pub])
        #expect(ok.status == 0 && ok.stdout.contains("record 1: case \(id)") && ok.stdout.contains("record 8: case \(id)"), "\(ok.stderr)")
        let reopened = try f.open()
        let stored = try reopened.versionEvents()
        #expect(try stored.map { try $0.parsed() }.map(\.by) == [nil, nil, "ops", "ops", nil, nil])
        #expect(try stored.map { try $0.parsed() }.map(\.trigger) == ["batch", "batch", "request", "signal", "batch", "batch"])
        #expect(String(decoding: stored[2].body, as: UTF8.self) == #"{"seq":5,"event":"retired","recorded_at":"2026-06-01T08:00:00Z","set":"quality-complaints","version":"\#(version)","digest":"\#(digest)","trigger":"request","by":"ops"}"#)
        reopened.close()
        let versions = try f.audit(["versions", "--log", f.location])
        #expect(versions.stdout.contains("\(version) (\(digest))") && versions.stdout.contains("(signal, event 6)"), "\(versions.stdout)\(versions.stderr)")

        // An event edited by hand is named by its number.
        let edit = backend == .sqlite
            ? #"UPDATE verdict_events SET body = CAST(replace(CAST(body AS TEXT), 'signal', 'watch') AS BLOB) WHERE seq = 6"#
            : #"UPDATE verdict_events SET body = convert_to(replace(convert_from(body, 'UTF8'), 'signal', 'watch'), 'UTF8') WHERE seq = 6"#
        try f.sql(edit)
        let bad = try f.verify()
        #expect(bad.status == 1 && bad.stderr.contains("version event 6 was altered"), "\(bad.stderr)")
    }
}
