import Foundation
import Testing
import Verdict
@testable import VerdictAudit

/// Issue 35, item 1, with several instances on one log: version events name the process that wrote
/// them (`instance`), and `VersionHistory` reads spells per instance — a second instance's start-up is
/// not a restart, a spell ends at the last instance's retirement — while a killed instance's service
/// still ends at the next start-up, and events without `instance` read exactly as before.
@Suite("version events per instance")
struct VersionInstanceTests {
    /// A fresh SQLite log; the events are appended as given, numbered 0, 1, … (no decisions between).
    func history(_ events: [PendingVersionEvent]) throws -> (spells: [VersionHistory.Spell], views: [VersionEventView], bodies: [[UInt8]]) {
        let folder = try temporaryFolder("version-instances")
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = try DecisionLogs.open("sqlite:" + folder.appendingPathComponent("log.db").path, create: true)
        defer { log.close() }
        _ = try log.appendVersionEvents(events, policies: [])
        let stored = try log.versionEvents()
        return (try VersionHistory.of(log).spells, try stored.map { try $0.parsed() }, stored.map(\.body))
    }

    func event(_ kind: PendingVersionEvent.Kind, _ version: String, _ trigger: String, _ instance: String?, _ minute: Int) throws -> PendingVersionEvent {
        PendingVersionEvent(kind: kind, set: "s", version: version, digest: "sha256:" + version, trigger: trigger, instance: instance,
                            recordedAt: try Timestamp(rfc3339: String(format: "2026-06-01T08:%02d:00Z", minute)))
    }

    func summary(_ spells: [VersionHistory.Spell]) -> [String] {
        spells.map { "\($0.version) \($0.fromSeq) \($0.fromTrigger)–\($0.untilSeq.map(String.init) ?? "-") \($0.untilTrigger ?? "serving")" }
    }

    @Test func theMemberFollowsByAndIsReadBack() throws {
        let with = PendingVersionEvent(kind: .activated, set: "s", version: "1", digest: "sha256:1", trigger: "request", by: "ops",
                                       instance: "0123456789abcdef", recordedAt: try Timestamp(rfc3339: "2026-06-01T08:00:00Z"))
        #expect(String(decoding: with.bytes(seq: 7), as: UTF8.self)
            == #"{"seq":7,"event":"activated","recorded_at":"2026-06-01T08:00:00Z","set":"s","version":"1","digest":"sha256:1","trigger":"request","by":"ops","instance":"0123456789abcdef"}"#)
        var without = with
        without.instance = nil
        // An event written before the member: the same bytes as then, read with no instance.
        #expect(String(decoding: without.bytes(seq: 7), as: UTF8.self)
            == #"{"seq":7,"event":"activated","recorded_at":"2026-06-01T08:00:00Z","set":"s","version":"1","digest":"sha256:1","trigger":"request","by":"ops"}"#)
        #expect(try VersionEventView(bytes: with.bytes(seq: 7), seq: 7).instance == "0123456789abcdef")
        #expect(try VersionEventView(bytes: without.bytes(seq: 7), seq: 7).instance == nil)
        let id = PendingVersionEvent.processInstance
        #expect(id.count == 16 && id.allSatisfy { "0123456789abcdef".contains($0) }, "\(id)")
        #expect(id == PendingVersionEvent.processInstance, "made once per process")
        #expect(throws: AuditError.self) {
            try VersionEventView(bytes: Array(#"{"seq":0,"event":"activated","recorded_at":"2026-06-01T08:00:00Z","set":"s","version":"1","digest":"d","trigger":"t","instance":5}"#.utf8), seq: 0)
        }
    }

    /// Start A, start B, both reload to 2, stop A, stop B: one spell per version, each to the last retirement.
    @Test func twoInstancesInterleavedMakeOneSpellPerVersion() throws {
        let h = try history([
            try event(.activated, "1", "startup", "a", 0),
            try event(.activated, "1", "startup", "b", 1),
            try event(.retired, "1", "watch", "a", 2), try event(.activated, "2", "watch", "a", 2),
            try event(.retired, "1", "watch", "b", 3), try event(.activated, "2", "watch", "b", 3),
            try event(.retired, "2", "stop", "a", 4),
            try event(.retired, "2", "stop", "b", 5),
        ])
        #expect(summary(h.spells) == ["1 0 startup–4 watch", "2 3 watch–7 stop"])
        #expect(h.views.map(\.instance) == ["a", "b", "a", "a", "b", "b", "a", "b"])
    }

    /// A killed (no stop) and restarted as a new instance A2: alone, its spell ends at the next
    /// start-up, `startup (no stop recorded)`, as before. Beside B, which recorded events after A2's
    /// start-up, B's service carries the spell to the last stop.
    @Test func aCrashAndRestart() throws {
        let shared = try history([
            try event(.activated, "1", "startup", "a", 0),
            try event(.activated, "1", "startup", "b", 1),
            try event(.retired, "1", "watch", "a", 2), try event(.activated, "2", "watch", "a", 2),
            try event(.activated, "2", "startup", "a2", 4),   // a was killed, b still serves 1
            try event(.retired, "1", "stop", "b", 5),
            try event(.retired, "2", "stop", "a2", 6),
        ])
        #expect(summary(shared.spells) == ["1 0 startup–5 stop", "2 3 watch–- startup (no stop recorded)", "2 4 startup–6 stop"])

        // A killed having recorded nothing after B's start-up: the log cannot say it served on, and
        // reads it as a single service killed (the spell ends at that start-up), not as serving forever.
        let silent = try history([
            try event(.activated, "1", "startup", "a", 0),
            try event(.activated, "1", "startup", "b", 1),
            try event(.retired, "1", "stop", "b", 2),
        ])
        #expect(summary(silent.spells) == ["1 0 startup–- startup (no stop recorded)", "1 1 startup–2 stop"])

        let alone = try history([
            try event(.activated, "1", "startup", "a", 0),
            try event(.activated, "1", "startup", "a2", 1),   // a was killed
            try event(.retired, "1", "watch", "a2", 2), try event(.activated, "2", "watch", "a2", 2),
            try event(.retired, "2", "stop", "a2", 4),
        ])
        #expect(summary(alone.spells) == ["1 0 startup–- startup (no stop recorded)", "1 1 startup–2 watch", "2 3 watch–4 stop"])

        // B killed after A started; A reloads: version 1 ends at A's retirement, not never.
        let killedOther = try history([
            try event(.activated, "1", "startup", "a", 0),
            try event(.activated, "1", "startup", "b", 1),    // b is killed later, having recorded nothing more
            try event(.activated, "1", "startup", "b2", 2),
            try event(.retired, "1", "watch", "a", 3), try event(.activated, "2", "watch", "a", 3),
            try event(.retired, "1", "watch", "b2", 4), try event(.activated, "2", "watch", "b2", 4),
        ])
        #expect(summary(killedOther.spells) == ["1 0 startup–5 watch", "2 4 watch–- serving"])

        // The same instance starting up again with no stop between (its service ended) is a restart too.
        let again = try history([
            try event(.activated, "1", "startup", "a", 0),
            try event(.activated, "1", "startup", "a", 1),
        ])
        #expect(summary(again.spells) == ["1 0 startup–- startup (no stop recorded)", "1 1 startup–- serving"])
    }

    /// Events without `instance`: read as they always were — a second start-up ends the first's spell,
    /// overlapping runs make one spell until the last retirement.
    @Test func oldEventsReadAsBefore() throws {
        let h = try history([
            try event(.activated, "1", "startup", nil, 0),
            try event(.activated, "1", "startup", nil, 1),
            try event(.retired, "1", "stop", nil, 2),
            try event(.activated, "1", "batch", nil, 3), try event(.activated, "1", "batch", nil, 4),
            try event(.retired, "1", "batch", nil, 5), try event(.retired, "1", "batch", nil, 6),
        ])
        #expect(summary(h.spells) == ["1 0 startup–- startup (no stop recorded)", "1 1 startup–2 stop", "1 3 batch–6 batch"])
        #expect(h.views.allSatisfy { $0.instance == nil })
        #expect(h.bodies.allSatisfy { !String(decoding: $0, as: UTF8.self).contains("instance") })

        // A log written by an older Verdict, then by this one: a start-up with an instance ends what
        // events without one left serving.
        let mixed = try history([
            try event(.activated, "1", "startup", nil, 0),    // killed
            try event(.activated, "1", "startup", "a", 1),
            try event(.retired, "1", "stop", "a", 2),
        ])
        #expect(summary(mixed.spells) == ["1 0 startup–- startup (no stop recorded)", "1 1 startup–2 stop"])
    }
}
