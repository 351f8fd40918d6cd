import Foundation
import Testing
import Verdict
@testable import VerdictAudit

/// `verdict audit replay` names each record `#SEQ case-id` in its main report as well as in the
/// `--by-version` split (issue 35, item 7): ids repeat, sequence numbers do not.
@Suite("audit replay names records", .serialized)
struct ReplayRecordsTests {
    /// Four cases of the amended example set, ids repeating (`case-1`, `case-2`, `case-1`, `case-2`),
    /// received in 2026 (decided by 1.0.0) and 2027 (by 2.0.0), all recorded now: records 2...5, after the
    /// batch's activation of both versions (events 0 and 1) and before their retirement (6 and 7).
    static func fixture() throws -> (folder: URL, log: String) {
        let folder = try temporaryFolder("replay-records")
        let base = try String(contentsOfFile: shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", encoding: .utf8)
        var lines: [String] = []
        for (i, (received, cost)) in [("2026-03-02T09:15:00+08:00", "1200.00"), ("2026-05-02T09:15:00+08:00", "450.00"),
                                      ("2027-02-02T09:15:00+08:00", "1200.00"), ("2027-03-02T09:15:00+08:00", "450.00")].enumerated() {
            var c = try #require(try JSONSerialization.jsonObject(with: Data(base.utf8)) as? [String: Any])
            c["id"] = "case-\(i % 2 + 1)"
            c["received_at"] = received
            c["cost"] = cost
            c["resolved_at"] = nil
            c["last_contact_at"] = nil
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: c, options: [.sortedKeys]), as: UTF8.self))
        }
        let batch = folder.appendingPathComponent("cases.jsonl")
        try write(lines, to: batch)
        let log = "sqlite:" + folder.appendingPathComponent("l.db").path
        let d = try verdict(["decide", "--policies", shippedPolicyPath("examples/quality-complaints-amended"), "--batch", batch.path,
                             "--log", log, "--now", "2027-03-05T00:00:00+08:00"])
        #expect(d.status == 0, "\(d.stderr)")
        return (folder, log)
    }

    @Test func theMainReportNamesRecordsBySequenceNumberAndCaseID() throws {
        let f = try Self.fixture()
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let args = ["audit", "replay", "--log", f.log, "--policies", shippedPolicyPath("quality-complaints")]
        let r = try verdict(args)
        #expect(r.status == 1, "\(r.stderr)")
        let examples = r.stdout.split(separator: "\n").filter { $0.contains("  e.g. ") }
        #expect(!examples.isEmpty, "\(r.stdout)")
        for line in examples { #expect(line.hasSuffix("  e.g. #5 case-2"), "\(line)") }
        let zh = try verdict(args + ["--lang", "zh"])
        #expect(zh.stdout.contains("  例如 #5 case-2"), "\(zh.stdout)")
        let json = try verdict(args + ["--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let groups = (object["transitions"] as? [[String: Any]] ?? []) + (object["outputs"] as? [[String: Any]] ?? [])
        #expect(!groups.isEmpty)
        for g in groups { #expect((g["cases"] as? [String]) == ["#5 case-2"], "\(g)") }
        // The library's default still lists case ids (the console links each to its case's page).
        let log = try DecisionLogs.open(f.log, create: false, readOnly: true)
        defer { log.close() }
        let byID = try AuditTrail.replay(log: log, under: try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints")), in: .init())
        #expect(byID.impact.transitions.first?.cases == ["case-2"])
    }
}

/// `--since`/`--until` on the case's own date (`--dates case`: the field the set names as
/// `effective_by`), not only on when the record was written (`--dates recorded`, the default).
@Suite("audit replay and export over the case's own date", .serialized)
struct CaseDateRangeTests {
    @Test func recordsAreSelectedByTheCaseDateWhenAsked() throws {
        // Received 2026-03-02, 2026-05-02, 2027-02-02, 2027-03-02; all recorded today.
        let f = try ReplayRecordsTests.fixture()
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let replay = ["audit", "replay", "--log", f.log, "--policies", shippedPolicyPath("quality-complaints")]
        // By recorded_at (the default): nothing was recorded in 2027.
        let recorded = try verdict(replay + ["--since", "2027-01-01"])
        #expect(recorded.status == 0 && recorded.stdout.hasPrefix("Replayed 0 recorded decisions"), "\(recorded.stdout)\(recorded.stderr)")
        #expect(try verdict(replay + ["--since", "2027-01-01", "--dates", "recorded"]).stdout == recorded.stdout)
        // By the case's date: the two cases received in 2027, #5 of them changing.
        let received2027 = try verdict(replay + ["--since", "2027-01-01", "--dates", "case"])
        #expect(received2027.status == 1, "\(received2027.stderr)")
        #expect(received2027.stdout.contains("Replayed 2 recorded decisions") && received2027.stdout.contains(": 1 would change, 1 unchanged."), "\(received2027.stdout)")
        #expect(received2027.stdout.contains("e.g. #5 case-2"))
        let received2026 = try verdict(replay + ["--until", "2027-01-01", "--dates", "case", "--by-version"])
        #expect(received2026.status == 0 && received2026.stdout.contains("Replayed 2 recorded decisions") && received2026.stdout.contains("0 would change, 2 unchanged"), "\(received2026.stdout)")
        #expect(!received2026.stdout.contains("2.0.0"), "only 1.0.0 decided the cases received in 2026: \(received2026.stdout)")
        // export: the case received in March 2026 alone, an instant as bound.
        let march = try verdict(["audit", "export", "--log", f.log, "--dates", "case", "--since", "2026-03-01T00:00:00+08:00", "--until", "2026-04-01"])
        #expect(march.status == 0, "\(march.stderr)")
        let lines = march.stdout.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.contains(#""seq":2,"#) == true, "\(march.stdout)")
        // Today's records, by recorded_at, are all four.
        let today = try verdict(["audit", "export", "--log", f.log, "--since", Timestamp(Date()).rfc3339(in: .utc).prefix(10) + ""])
        #expect(today.stdout.split(separator: "\n").count == 4, "\(today.stdout)\(today.stderr)")
        let bad = try verdict(replay + ["--dates", "received"])
        #expect(bad.status == 64 && bad.stderr.contains("--dates is recorded or case"), "\(bad.stderr)")
    }

    @Test func aCaseDateIsTheEffectiveByFieldOrTheDecisionTime() throws {
        let f = try ReplayRecordsTests.fixture()
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let log = try DecisionLogs.open(f.log, create: false, readOnly: true)
        defer { log.close() }
        var views: [RecordView] = []
        try AuditTrail.each(log: log, in: .init()) { _, v in views.append(v) }
        #expect(views.count == 4)
        #expect(AuditTrail.caseDate(views[2], field: "received_at") == (try Timestamp(rfc3339: "2027-02-02T09:15:00+08:00")))
        #expect(AuditTrail.caseDate(views[2], field: nil) == (try Timestamp(rfc3339: "2027-03-05T00:00:00+08:00")))
        #expect(AuditTrail.caseDate(views[2], field: "no_such_field") == nil)
        // Through the library: the same selection as the command's.
        let kept = try { () throws -> [UInt64] in
            var seqs: [UInt64] = []
            try AuditTrail.each(log: log, in: .init(since: try Timestamp(rfc3339: "2026-04-01T00:00:00Z"), until: try Timestamp(rfc3339: "2027-03-01T00:00:00Z"), dates: .case)) { _, v in seqs.append(v.seq) }
            return seqs
        }()
        #expect(kept == [3, 4])
    }
}
