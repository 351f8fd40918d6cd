import Foundation
import Testing
import Verdict
@testable import VerdictAudit

/// `verdict audit show` prints the recorded input (personal fields withheld) and answers `--why-not`
/// through the library's one why-not entry point; `--lang zh` covers the lines of `show`, `verify`,
/// `checkpoint` and `replay` (issue 35, item 5).
@Suite("audit commands in en and zh", .serialized)
struct AuditLanguageTests {
    static let henan = try! String(contentsOfFile: shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", encoding: .utf8)
        .replacingOccurrences(of: "\n", with: "")

    /// The English words of a text, leaving out what is a name: `allowed` (ids, policy and field
    /// names), anything in backticks, hex digests and keys.
    static func englishWords(_ text: String, allowed: Set<String>) -> [String] {
        var t = text
        for a in allowed.sorted(by: { $0.count > $1.count }) { t = t.replacingOccurrences(of: a, with: " ") }
        t = t.replacingOccurrences(of: "`[^`]*`", with: " ", options: .regularExpression)
        t = t.replacingOccurrences(of: "[0-9a-f]{8,}", with: " ", options: .regularExpression)
        t = t.replacingOccurrences(of: "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)", with: " ", options: .regularExpression)
        return t.split(whereSeparator: { !$0.isASCII || !$0.isLetter }).map(String.init).filter { $0.count >= 2 }
    }

    @Test func showPrintsTheInputWithholdingPersonalFieldsAndAnswersWhyNot() throws {
        let folder = try temporaryFolder("audit-lang")
        defer { try? FileManager.default.removeItem(at: folder) }
        let set = folder.appendingPathComponent("contacts")
        try FileManager.default.createDirectory(at: set, withIntermediateDirectories: true)
        try """
        policy: {name: contacts, version: "1", effective: 2026-01-01, title: {en: Contacts, zh: 联系}}
        fields:
          phone: {type: string, personal: true}
          cost: money
        decisions:
          band:
            hit: first
            outputs: {small: bool}
            rules:
              - {when: cost <= 300 and phone != "", then: {small: true}}
              - {then: {small: false}}
        """.write(to: set.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        let log = "sqlite:" + folder.appendingPathComponent("l.db").path
        let file = folder.appendingPathComponent("c.json")
        try #"{"id":"P-1","phone":"13800138000","cost":"120.00"}"#.write(to: file, atomically: true, encoding: .utf8)
        let d = try verdict(["decide", "--policies", set.path, "--case", file.path, "--log", log])
        #expect(d.status == 0, "\(d.stderr)")
        let en = try verdict(["audit", "show", "P-1", "--log", log, "--why-not", "small=false"])
        #expect(en.status == 0, "\(en.stderr)")
        #expect(en.stdout.contains("   recorded input (personal fields withheld):\n     cost: \"120.00\"\n     id: \"P-1\"\n     phone: (personal data, withheld)\n"))
        #expect(!en.stdout.contains("13800138000"))
        #expect(en.stdout.contains("Why not small = false?"))
        #expect(en.stdout.contains("✓ Re-deciding record #0 under the archived contacts 1 reproduced the recorded decision exactly."))
        let zh = try verdict(["audit", "show", "P-1", "--log", log, "--why-not", "small=false", "--lang", "zh"])
        #expect(zh.status == 0, "\(zh.stderr)")
        #expect(zh.stdout.contains("     phone: (个人信息,不显示)\n"))
        #expect(zh.stdout.contains("为什么 small 不是 否?") || zh.stdout.contains("为什么 small 不是"))
        // The lines the command writes itself (the explanation and the answers are the library's zh).
        let lines = zh.stdout.split(separator: "\n").map(String.init)
        let inputAt = try #require(lines.firstIndex { $0.hasPrefix("   记录的输入") })
        let input = lines[(inputAt + 1)...].prefix { $0.hasPrefix("     ") }
        #expect(input.count == 3)
        let own = Array(input) + lines.filter {
            $0.hasPrefix("案件 P-1:") || $0.hasPrefix("── ") || $0.hasPrefix("   时限") || $0.hasPrefix("   记录的输入") || $0.hasPrefix("✓")
        }
        #expect(own.count >= 7, "\(own)")
        let allowed: Set<String> = ["P-1", "Verdict", "contacts", "sha256:", log, "phone", "cost", "id"]
        for line in own { #expect(Self.englishWords(line, allowed: allowed).isEmpty, "\(line)") }
        // A question about an output the policy does not have is refused as explain refuses it.
        let bad = try verdict(["audit", "show", "P-1", "--log", log, "--why-not", "smal=false"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--why-not smal=false: the policy has no output `smal`; did you mean `small`?"))
    }

    @Test func verifyCheckpointAndReplayInChinese() throws {
        let f = try DecisionLogBehaviourTests.fixture(.sqlite, count: 5, checkpoint: false)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        #expect(try f.decide([Self.henan], now: "2026-03-05T09:00:00+08:00").status == 0)
        let allowed: Set<String> = [f.location, "Verdict", "quality-complaints", "quality-complaints-amended", "sha256:", "checkpoint", "--key", "PUB", "audit", "verdict"]
        let c = try f.audit(["checkpoint", "--log", f.location, "--key", f.key, "--lang", "zh"])
        #expect(c.status == 0, "\(c.stderr)")
        // Two batches: each its version's activation, its records, its retirement.
        #expect(c.stdout.hasPrefix("检查点 #1:10 条记录,树根 "), "\(c.stdout)")
        let v = try f.audit(["verify", "--log", f.location, "--lang", "zh"])
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stdout.contains("已验证 6 条记录"))
        #expect(v.stdout.contains("注意:按检查点自己列出的密钥核验"))
        let r = try f.audit(["replay", "--log", f.location, "--policies", shippedPolicyPath("examples/quality-complaints-amended/versions/2.0.0"), "--lang", "zh"])
        #expect(r.stdout.hasPrefix("按 quality-complaints-amended 2.0.0(sha256:"))
        for text in [c.stdout, v.stdout] {
            for line in text.split(separator: "\n") { #expect(Self.englishWords(String(line), allowed: allowed).isEmpty, "\(line)") }
        }
        let first = try #require(r.stdout.split(separator: "\n").first)
        #expect(Self.englishWords(String(first), allowed: allowed).isEmpty, "\(first)")
        // English stays as it was.
        let ve = try f.audit(["verify", "--log", f.location])
        #expect(ve.stdout.contains(": 6 records and 4 events verified; tree root "))
        #expect(ve.stdout.contains("  1 checkpoint, each signature valid (key "))
    }
}
