import Foundation
import Testing
import Verdict
@testable import VerdictAudit

/// `verdict audit replay --by-version` (issue 35, item 7): the comparison split by the version that
/// originally decided each record, its records named by sequence number and case id (`#3 case-2`),
/// in text (en and zh) and JSON.
@Suite("audit replay --by-version", .serialized)
struct ReplayByVersionTests {
    @Test func replaySplitsByTheVersionThatDecided() throws {
        let folder = try temporaryFolder("replay-by-version")
        defer { try? FileManager.default.removeItem(at: folder) }
        let base = try String(contentsOfFile: shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", encoding: .utf8)
        var lines: [String] = []
        // Two cases under 1.0.0 (received 2026) and two under 2.0.0 (2027), ids repeating across versions.
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
        let args = ["audit", "replay", "--log", log, "--policies", shippedPolicyPath("quality-complaints"), "--by-version"]
        let r = try verdict(args)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdout.contains("Replayed 4 recorded decisions under quality-complaints 1.0.0"))
        #expect(r.stdout.contains(": 1 would change, 3 unchanged."))
        let split = r.stdout.split(separator: "\n").filter { $0.hasPrefix("decided by ") || $0.hasPrefix("  would change: ") }
        #expect(split.count == 3, "\(r.stdout)")
        #expect(split.first?.hasPrefix("decided by quality-complaints-amended 1.0.0 (sha256:") == true)
        #expect(split.first?.hasSuffix("): 2 — 0 would change, 2 unchanged") == true)
        #expect(split.dropFirst().first?.hasPrefix("decided by quality-complaints-amended 2.0.0 (sha256:") == true)
        #expect(split.dropFirst().first?.hasSuffix("): 2 — 1 would change, 1 unchanged") == true)
        #expect(split.last == "  would change: #5 case-2", "records 2...5: the batch activated both versions first")
        let zh = try verdict(args + ["--lang", "zh"])
        #expect(zh.stdout.contains("决定的 2 项:1 项会改变,1 项不变\n  会改变:#5 case-2\n"), "\(zh.stdout)")
        let json = try verdict(args + ["--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let byVersion = try #require(object["by_version"] as? [[String: Any]])
        #expect(byVersion.map { $0["version"] as? String } == ["quality-complaints-amended 1.0.0", "quality-complaints-amended 2.0.0"])
        #expect(byVersion.map { $0["changed"] as? Int } == [0, 1])
        #expect((byVersion.last?["changed_records"] as? [String]) == ["#5 case-2"])
        // Without the flag, no split.
        let plain = try verdict(Array(args.dropLast()))
        #expect(!plain.stdout.contains("decided by "))
    }
}
