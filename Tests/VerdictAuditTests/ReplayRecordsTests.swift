import Foundation
import Testing
import Verdict
@testable import VerdictAudit

/// `verdict audit replay` names each record `#SEQ case-id` in its main report as well as in the
/// `--by-version` split (issue 35, item 7): ids repeat, sequence numbers do not.
@Suite("audit replay names records", .serialized)
struct ReplayRecordsTests {
    /// Four cases of the amended example set, ids repeating (`case-1`, `case-2`, `case-1`, `case-2`),
    /// received in 2026 (decided by 1.0.0) and 2027 (by 2.0.0), all recorded now.
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
        for line in examples { #expect(line.hasSuffix("  e.g. #3 case-2"), "\(line)") }
        let zh = try verdict(args + ["--lang", "zh"])
        #expect(zh.stdout.contains("  例如 #3 case-2"), "\(zh.stdout)")
        let json = try verdict(args + ["--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let groups = (object["transitions"] as? [[String: Any]] ?? []) + (object["outputs"] as? [[String: Any]] ?? [])
        #expect(!groups.isEmpty)
        for g in groups { #expect((g["cases"] as? [String]) == ["#3 case-2"], "\(g)") }
        // The library's default still lists case ids (the console links each to its case's page).
        let log = try DecisionLogs.open(f.log, create: false, readOnly: true)
        defer { log.close() }
        let byID = try AuditTrail.replay(log: log, under: try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints")), in: .init())
        #expect(byID.impact.transitions.first?.cases == ["case-2"])
    }
}
