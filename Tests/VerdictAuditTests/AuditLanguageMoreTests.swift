import Foundation
import Testing
import Verdict
@testable import VerdictAudit

/// `--lang zh` on the rest of the audit commands (issue 35, item 5): `verify-proof` (a record's and a
/// completeness proof), `versions`, `archive`, `witness`, and `verify --witness-key`'s line. Every line
/// of their Chinese output holds no English word but names, ids, digests, keys and times.
@Suite("verify-proof, versions, archive and witness in zh", .serialized)
struct AuditLanguageMoreTests {
    static func expectChinese(_ text: String, allowed: Set<String>, _ command: String) {
        let lines = text.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty, "\(command) printed nothing")
        for line in lines {
            // A log's id is a UUID.
            let named = line.replacingOccurrences(of: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", with: " ", options: .regularExpression)
            #expect(AuditLanguageTests.englishWords(named, allowed: allowed).isEmpty, "\(command): \(line)")
        }
    }

    @Test func everyLineIsChinese() throws {
        let f = try ExactProofTests.fixture(.sqlite, count: 3)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let id = ExactProofTests.caseIDs(f)[0]
        // Version history: the digest that decided the records, activated at start-up, then retired by a reload request.
        let log = try f.open()
        var digest = ""
        try AuditTrail.each(log: log, in: AuditTrail.Range(since: nil, until: nil)) { _, v in digest = v.digest }
        let at = try Timestamp(rfc3339: "2026-06-01T08:00:00Z")
        _ = try log.appendVersionEvents([
            PendingVersionEvent(kind: .activated, set: "quality-complaints", version: "1.0.0", digest: digest, trigger: "startup", recordedAt: at),
            PendingVersionEvent(kind: .retired, set: "quality-complaints", version: "1.0.0", digest: digest, trigger: "request", recordedAt: at),
        ], policies: [])
        log.close()
        #expect(try f.checkpoint().status == 0)
        var allowed: Set<String> = [f.location, id, "quality-complaints", "sha256:", "SIGHUP"]

        let proof = f.folder.appendingPathComponent("p.json").path, complete = f.folder.appendingPathComponent("c.json").path
        #expect(try f.audit(["proof", "--seq", "1", "--log", f.location, "--out", proof]).status == 0)
        #expect(try f.audit(["proof", id, "--complete", "--log", f.location, "--out", complete]).status == 0)
        let one = try f.audit(["verify-proof", proof, "--key", f.pub, "--lang", "zh"])
        #expect(one.status == 0 && one.stdout.hasPrefix("✓ 证明已验证:日志 "), "\(one.stdout)\(one.stderr)")
        #expect(one.stdout.contains("  记录 #1:案件 "))
        let decision = try #require(one.stdout.split(separator: "\n").first { $0.hasPrefix("    决定:") })
        // The decision is the recorded JSON, printed as it is: its keys and values are the policy's names.
        let c = try f.audit(["verify-proof", complete, "--key", f.pub, "--lang", "zh"])
        #expect(c.status == 0 && c.stdout.hasPrefix("✓ 完整性已证明:"), "\(c.stdout)\(c.stderr)")
        #expect(c.stdout.contains("案件 \(id) 恰有 "))
        let notDecisions = { (t: String) in t.split(separator: "\n").filter { !$0.hasPrefix("    决定:") }.joined(separator: "\n") }
        Self.expectChinese(notDecisions(one.stdout), allowed: allowed, "verify-proof")
        Self.expectChinese(notDecisions(c.stdout), allowed: allowed, "verify-proof (complete)")
        #expect(decision.hasPrefix("    决定:{"))
        // English stays as it was.
        let en = try f.audit(["verify-proof", proof, "--key", f.pub])
        #expect(en.stdout.hasPrefix("✓ proof verified: 1 record in log ") && en.stdout.contains("\n  record 1: case ") && en.stdout.contains("\n    decision: {"))

        let v = try f.audit(["versions", "--log", f.location, "--lang", "zh"])
        // The fixture's batch served from event 0 to event 4 (its records are 1...3); the events above are 5 and 6.
        #expect(v.status == 0 && v.stdout.hasPrefix("\(f.location) 中记录了 2 段服务期\n"), "\(v.stdout)\(v.stderr)")
        #expect(v.stdout.contains("(批量判定,事件 0)") && v.stdout.contains("(批量判定,事件 4)"), "\(v.stdout)")
        #expect(v.stdout.contains("(启动,事件 5)") && v.stdout.contains("(重新加载请求,事件 6)"), "\(v.stdout)")
        allowed.insert("1.0.0")
        Self.expectChinese(v.stdout, allowed: allowed, "versions")
        let ve = try f.audit(["versions", "--log", f.location])
        #expect(ve.stdout.contains("2 spells of service recorded in ") && ve.stdout.contains("(request, event 6)") && ve.stdout.contains("(batch, event 0)"))

        let out = f.folder.appendingPathComponent("archived").path
        let a = try f.audit(["archive", digest, "--log", f.location, "--out", out, "--lang", "zh"])
        #expect(a.status == 0 && a.stdout.contains("):已写出 ") && a.stdout.contains("策略集的文件夹:\(out)/"), "\(a.stdout)\(a.stderr)")
        // The lines that list the files are paths.
        Self.expectChinese(a.stdout.split(separator: "\n").filter { !$0.hasPrefix("  ") }.joined(separator: "\n"), allowed: allowed.union([out]), "archive")

        let witness = f.folder.appendingPathComponent("witness.key").path, state = f.folder.appendingPathComponent("witness.state").path
        #expect(try verdict(["audit", "keygen", "--out", witness]).status == 0)
        let w1 = try f.audit(["witness", "--log", f.location, "--key", witness, "--state", state, "--operator-key", f.pub, "--lang", "zh"])
        #expect(w1.status == 0 && w1.stdout.hasPrefix("✓ 已用见证密钥 ") && w1.stdout.contains("首次运行:\(state) 现保存此检查点"), "\(w1.stdout)\(w1.stderr)")
        #expect(try f.decide([f.cases[1]]).status == 0)
        #expect(try f.checkpoint().status == 0)
        let w2 = try f.audit(["witness", "--log", f.location, "--key", witness, "--state", state, "--lang", "zh"])
        #expect(w2.status == 0 && w2.stdout.contains("  与上次见到的检查点(7 条记录,树根 "), "\(w2.stdout)\(w2.stderr)")
        let verified = try f.audit(["verify", "--log", f.location, "--key", f.pub, "--witness-key", witness + ".pub", "--lang", "zh"])
        #expect(verified.status == 0 && verified.stdout.contains("  最新的检查点(10 条记录)有见证密钥 "), "\(verified.stdout)\(verified.stderr)")
        for (name, text) in [("witness", w1.stdout), ("witness again", w2.stdout), ("verify --witness-key", verified.stdout)] {
            Self.expectChinese(text, allowed: allowed.union([state]), name)
        }
    }
}
