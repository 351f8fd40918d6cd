import Foundation
import Testing
import Verdict
@testable import VerdictAudit
import VerdictAuditPostgres

/// Issue 35, item 1: `decide --batch --log` serves its versions for the batch's duration, as `serve`
/// does from start-up to stop — each activated (trigger `batch`) before the first decision and retired
/// after the last — so `audit versions` lists the run, and `audit verify` counts the events apart.
@Suite("a batch's version events", .serialized)
struct BatchVersionEventTests {
    @Test func aBatchIsASpellOfServiceOnSQLite() throws { try aBatchIsASpellOfService(.sqlite) }
    @Test(.needsPostgreSQL) func aBatchIsASpellOfServiceOnPostgreSQL() throws { try aBatchIsASpellOfService(.postgres) }
    func aBatchIsASpellOfService(_ backend: Backend) throws {
        let f = try ExactProofTests.fixture(backend, count: 3)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let id = try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints")).identity
        let log = try f.open()
        let events = try log.versionEvents().map { try $0.parsed() }
        #expect(events.map(\.seq) == [0, 4], "activated before record 1, retired after record 3")
        #expect(events.map(\.kind) == [.activated, .retired])
        #expect(events.allSatisfy { $0.trigger == "batch" && $0.by == nil && $0.digest == id.digest && $0.version == id.version && $0.set == id.name })
        #expect(events[0].recordedAt <= events[1].recordedAt)
        // The decisions follow the activation, in input order.
        #expect(try (1...3).map { try log.record(seq: $0)?.caseID } == ExactProofTests.caseIDs(f))
        #expect(try log.record(seq: 0) == nil && log.record(seq: 4) == nil)
        log.close()

        // A second batch: a second spell, after the first; the version's files are in the archive.
        #expect(try f.decide([f.cases[0]]).status == 0)
        let versions = try f.audit(["versions", "--log", f.location])
        #expect(versions.status == 0, "\(versions.stderr)")
        #expect(versions.stdout.hasPrefix("2 spells of service recorded in \(f.location)\n"), "\(versions.stdout)")
        for line in ["(batch, event 0)", "(batch, event 4)", "(batch, event 5)", "(batch, event 7)", "\(id.name) \(id.version) (\(id.digest))"] {
            #expect(versions.stdout.contains(line), "\(line): \(versions.stdout)")
        }
        let zh = try f.audit(["versions", "--log", f.location, "--lang", "zh"])
        #expect(zh.stdout.contains("(批量判定,事件 0)") && zh.stdout.contains("(批量判定,事件 7)"), "\(zh.stdout)")
        let out = f.folder.appendingPathComponent("archived").path
        #expect(try f.audit(["archive", id.digest, "--log", f.location, "--out", out]).status == 0)

        // Signed and verified: the events survive and are counted apart from the records.
        #expect(try f.checkpoint().stdout.contains("checkpoint #1: 8 records"))
        let v = try f.verify()
        #expect(v.status == 0 && v.stdout.contains(": 4 records and 4 events verified; tree root "), "\(v.stdout)\(v.stderr)")
        let proof = f.folder.appendingPathComponent("event-0.json").path
        #expect(try f.audit(["proof", "--seq", "0", "--log", f.location, "--out", proof]).status == 0)
        let proven = try f.audit(["verify-proof", proof, "--key", f.pub])
        #expect(proven.status == 0 && proven.stdout.contains("event 0: \(id.name) \(id.version) (\(id.digest)) activated (batch)"), "\(proven.stdout)\(proven.stderr)")
        let reopened = try f.open()
        defer { reopened.close() }
        #expect(try reopened.versionEvents().map(\.seq) == [0, 4, 5, 7])
        #expect(try reopened.record(seq: 6)?.caseID == ExactProofTests.caseIDs(f)[0])
    }

    /// A set of two versions: both can decide, so both serve the batch, each activated and retired.
    @Test func everyVersionOfTheSetServesTheBatch() throws {
        let folder = try temporaryFolder("batch-versions")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("c.jsonl")
        let example = try String(contentsOfFile: shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", encoding: .utf8)
        try write([example.replacingOccurrences(of: "\n", with: " ")], to: file)
        let location = "sqlite:" + folder.appendingPathComponent("log.db").path
        let d = try verdict(["decide", "--policies", shippedPolicyPath("examples/quality-complaints-amended"), "--batch", file.path, "--log", location])
        #expect(d.status == 0, "\(d.stdout)\(d.stderr)")
        let log = try DecisionLogs.open(location, create: false)
        defer { log.close() }
        let events = try log.versionEvents().map { try $0.parsed() }
        #expect(events.map(\.seq) == [0, 1, 3, 4])
        #expect(events.map(\.kind) == [.activated, .activated, .retired, .retired])
        #expect(events.map(\.version) == ["1.0.0", "2.0.0", "1.0.0", "2.0.0"])
        #expect(try log.record(seq: 2) != nil)
        #expect(try VersionHistory.of(log).spells.map { "\($0.version) \($0.fromSeq)–\($0.untilSeq.map(String.init) ?? "open")" } == ["1.0.0 0–3", "2.0.0 1–4"])
    }

    /// A batch whose every case is refused decides nothing, but its version served: the spell is recorded.
    @Test func aBatchThatDecidesNothingStillRecordsItsSpell() throws {
        let folder = try temporaryFolder("batch-none")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bad.jsonl")
        try write(["{\"id\": \"X-1\"}"], to: file)
        let location = "sqlite:" + folder.appendingPathComponent("log.db").path
        let d = try verdict(["decide", "--policies", shippedPolicyPath("quality-complaints"), "--batch", file.path, "--log", location])
        #expect(d.status == 1, "\(d.stdout)\(d.stderr)")
        let versions = try verdict(["audit", "versions", "--log", location])
        #expect(versions.stdout.contains("(batch, event 0)") && versions.stdout.contains("(batch, event 1)"), "\(versions.stdout)\(versions.stderr)")
        let v = try verdict(["audit", "verify", "--log", location])
        #expect(v.status == 0 && v.stdout.contains(": 0 records and 2 events verified"), "\(v.stdout)\(v.stderr)")
    }

    /// A batch whose input cannot be read served nothing: it fails before any version event is written.
    @Test func aBatchThatCannotReadItsInputRecordsNoSpell() throws {
        let folder = try temporaryFolder("batch-unread")
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = "sqlite:" + folder.appendingPathComponent("log.db").path
        let d = try verdict(["decide", "--policies", shippedPolicyPath("quality-complaints"), "--batch",
                             folder.appendingPathComponent("missing.jsonl").path, "--log", location])
        #expect(d.status != 0 && d.stderr.contains("missing.jsonl"), "\(d.stdout)\(d.stderr)")
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("log.db").path) {
            let log = try DecisionLogs.open(location, create: false, readOnly: true)
            defer { log.close() }
            #expect(try log.versionEvents().isEmpty && log.treeState().size == 0)
        }
    }

    /// Two batches of one version that overlap (two processes on one log) make one spell, from the
    /// first's activation to the last's retirement; a start-up still ends what no stop ended.
    @Test func overlappingBatchesMakeOneSpell() throws {
        let folder = try temporaryFolder("batch-overlap")
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = try DecisionLogs.open("sqlite:" + folder.appendingPathComponent("log.db").path, create: true)
        defer { log.close() }
        func at(_ s: String) throws -> Timestamp { try Timestamp(rfc3339: "2026-06-01T\(s)Z") }
        func event(_ kind: PendingVersionEvent.Kind, _ trigger: String, _ time: String) throws -> PendingVersionEvent {
            PendingVersionEvent(kind: kind, set: "s", version: "1.0.0", digest: "sha256:a", trigger: trigger, recordedAt: try at(time))
        }
        _ = try log.appendVersionEvents([try event(.activated, "batch", "08:00:00"), try event(.activated, "batch", "08:00:01"),
                                         try event(.retired, "batch", "08:00:02"), try event(.retired, "batch", "08:00:03"),
                                         try event(.activated, "batch", "09:00:00"), try event(.activated, "startup", "10:00:00")], policies: [])
        let spells = try VersionHistory.of(log).spells
        #expect(spells.count == 3)
        let end = try at("08:00:03")
        #expect(spells[0].fromSeq == 0 && spells[0].untilSeq == 3 && spells[0].until == end)
        #expect(spells[1].fromSeq == 4 && spells[1].untilTrigger == "startup (no stop recorded)")
        #expect(spells[2].fromSeq == 5 && spells[2].until == nil)
    }
}
