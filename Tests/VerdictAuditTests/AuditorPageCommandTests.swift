import Foundation
import Testing
import Verdict
@testable import VerdictAudit
import VerdictAuditPostgres

/// `verdict audit show CASE --format html` (issue 28, item 5): the auditor's page of each record as
/// one self-contained file — the case, the decision and its explanation, the version's digest, the
/// record's leaf hash, audit path and the checkpoint it is under (or plainly that none covers it
/// yet) — in English and Chinese, with hostile case ids and values escaped.
@Suite("audit show --format html", .serialized)
struct AuditorPageCommandTests {
    typealias Behaviour = DecisionLogBehaviourTests
    static let henan = try! String(contentsOfFile: shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", encoding: .utf8)
        .replacingOccurrences(of: "\n", with: "")

    /// What makes a file self-contained: its style inline, and nothing that fetches or runs.
    static func expectSelfContained(_ html: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(html.hasPrefix("<!doctype html>"), sourceLocation: sourceLocation)
        #expect(html.contains("<style>") && html.contains("@media print") && html.contains("@page { size: A4"), sourceLocation: sourceLocation)
        // A style element's text is raw: the sheet is written as it is, not as character references.
        #expect(html.contains(#"tr.decides td:first-child::before { content: "✓ "; }"#), sourceLocation: sourceLocation)
        #expect(html.contains(#"<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;"#),
                sourceLocation: sourceLocation)
        // (Attributes are written `name="value"`; a case's text holding `src=x` is text, escaped.)
        for outside in ["<script", "<link", "<img", "<iframe", "<object", "<embed", " src=\"", " href=\"", "url(", "@import", "http://", "https://"] {
            #expect(!html.contains(outside), "the file holds `\(outside)`", sourceLocation: sourceLocation)
        }
    }

    /// The strings the page must hold, in order.
    static func inOrder(_ html: String, _ parts: [String]) -> Bool {
        var rest = html[...]
        for p in parts {
            guard let r = rest.range(of: p) else { return false }
            rest = rest[r.upperBound...]
        }
        return true
    }

    @Test func theAuditorsPageOfARecordOnSQLite() throws { try theAuditorsPageOfARecord(.sqlite) }
    @Test(.needsPostgreSQL) func theAuditorsPageOfARecordOnPostgreSQL() throws { try theAuditorsPageOfARecord(.postgres) }
    func theAuditorsPageOfARecord(_ backend: Backend) throws {
        let f = try Behaviour.fixture(backend, count: 20, checkpoint: false)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        // Leaves: the batch's activation (0), records 1...20, its retirement (21); a second batch's 22, 23, 24.
        #expect(try f.decide([Self.henan], now: "2026-03-05T09:00:00+08:00").status == 0)
        let exported = try f.audit(["export", "--log", f.location]).stdout.split(separator: "\n").map(String.init)
        #expect(exported.count == 21)
        let record = try #require(exported.last)
        let leaf = Merkle.leafHash(Array(record.utf8)).hexText
        let view = try RecordView(bytes: Array(record.utf8), seq: 23, column: nil)

        // Before any checkpoint: the page says so plainly, with the leaf hash.
        let before = try f.audit(["show", "Q-2026-0042", "--log", f.location, "--format", "html"])
        #expect(before.status == 0, "\(before.stderr)")
        Self.expectSelfContained(before.stdout)
        #expect(before.stdout.contains("<title>Recorded decisions of case Q-2026-0042</title>"))
        #expect(before.stdout.contains(#"<h1 id="record-23">Recorded decision Q-2026-0042, record 23</h1>"#))
        #expect(before.stdout.contains("<dt>Version digest</dt><dd><code>\(view.digest)</code></dd>"))
        #expect(before.stdout.contains("<dt>Leaf hash</dt><dd><code>\(leaf)</code></dd>"))
        #expect(before.stdout.contains("No checkpoint covers this record yet: the log has no signed checkpoint. Until the operator signs one (<code>verdict audit checkpoint</code>), the record rests on the log&#39;s own hashes only. The log now holds 25 records."))
        #expect(!before.stdout.contains("The checkpoint it is under"))

        // The case, the decision and its explanation: the deciding rule, the Henan override applied
        // with its exception that did not hold, a clock, the working-time steps written open.
        #expect(before.stdout.contains("<dt>Case id</dt><dd><code>Q-2026-0042</code></dd>"))
        #expect(before.stdout.contains("<dt>Clocks judged at</dt><dd>2026-03-05T09:00:00+08:00</dd>"))
        #expect(before.stdout.contains("&quot;branch&quot;:&quot;Luoyang&quot;"), "the case input as recorded")
        #expect(before.stdout.contains(#"<tr class="decides" data-rule="band-above-1000">"#))
        #expect(before.stdout.contains(#"data-override="henan-finance" data-applied="true""#))
        #expect(before.stdout.contains(#"<tr data-output="approver"><td><code>approver</code></td>"#))
        #expect(before.stdout.contains("✓ Re-deciding under the archived version reproduced the recorded outputs exactly."))
        #expect(!before.stdout.contains("<details>"), "nothing folded away on a printed page")

        // Signed: the path to the checkpoint's root, the same as `audit proof` gives, and the checkpoint.
        let signed = try f.checkpoint()
        #expect(signed.status == 0, "\(signed.stderr)")
        let proofText = try f.audit(["proof", "Q-2026-0042", "--log", f.location]).stdout
        let proof = try InclusionProof(file: Array(proofText.utf8), path: "proof")
        let entry = try #require(proof.entries.first)
        #expect(entry.seq == 23 && entry.path.count == 5, "25 leaves: leaf 23 is in the 8 after the first 16, with leaf 24 beside them")
        let cp = proof.checkpoint
        let after = try f.audit(["show", "Q-2026-0042", "--log", f.location, "--format", "html"])
        #expect(after.status == 0, "\(after.stderr)")
        let page = after.stdout
        Self.expectSelfContained(page)
        #expect(page.contains(#"<section class="proof" aria-labelledby="proof-23" data-covered="true">"#))
        #expect(page.contains("<dt>Tree size</dt><dd>25 records</dd>"))
        #expect(page.contains("<dt>Root hash</dt><dd><code>\(cp.root.hexText)</code></dd>"))
        #expect(page.contains(#"<h3 id="path-23">Audit path: 5 sibling hashes, from the leaf up</h3>"#))
        #expect(Self.inOrder(page, [#"<ol class="path""#] + entry.path.map { "<li><code>\($0.hexText)</code></li>" } + ["</ol>"]))
        #expect(page.contains("✓ The audit path leads from the leaf hash to the checkpoint&#39;s root hash: the record is in the tree the checkpoint signs."))
        #expect(page.contains("<h3>The checkpoint it is under (signed tree head)</h3>"))
        #expect(page.contains("<dt>Log id</dt><dd><code>\(cp.logID)</code></dd>"))
        #expect(page.contains("<dt>Signed at</dt><dd>\(cp.time)</dd>"))
        #expect(page.contains("<dt>Key id</dt><dd><code>\(cp.keyFingerprint)</code></dd>"))
        #expect(page.contains("<dt>Signature (Ed25519, base64)</dt><dd><code>\(Data(cp.signature).base64EncodedString())</code></dd>"))
        #expect(page.contains("<pre class=\"signed\">verdict decision log checkpoint v2\n\(cp.logID)\n25\n\(cp.root.hexText)\n\(try #require(cp.indexRoot).hexText)\n\(cp.time)\n</pre>"))
        #expect(page.contains("✓ The signature verifies with the public key the checkpoint names (key id \(cp.keyFingerprint)); check that it is the operator&#39;s key."))
        #expect(!page.contains("No checkpoint covers"))

        // In Chinese: the console's words and the page's own.
        let zh = try f.audit(["show", "Q-2026-0042", "--log", f.location, "--format", "html", "--lang", "zh"])
        #expect(zh.status == 0, "\(zh.stderr)")
        Self.expectSelfContained(zh.stdout)
        for words in [#"<html lang="zh-Hans">"#, "<title>案件 Q-2026-0042 的决策记录</title>", "决策记录 Q-2026-0042(记录 23)",
                      "<dt>案件编号</dt>", "<dt>版本摘要</dt>", "<dt>树的大小</dt><dd>25 条记录</dd>", "审计路径:5 个兄弟节点哈希,自叶向上",
                      "✓ 由叶哈希沿审计路径计算,得到检查点的根哈希:本记录在检查点所签署的树中。", "<h3>所属检查点(签名树头)</h3>",
                      "<dt>密钥标识</dt><dd><code>\(cp.keyFingerprint)</code></dd>", "✓ 按存档版本重新决策,结果与记录完全一致。", "<h2 id=\"explanation-23\">说明</h2>"] {
            #expect(zh.stdout.contains(words), "\(words)")
        }

        // A second decision of the case after the checkpoint: its own page, on a new printed page,
        // saying which checkpoint there is and that it does not cover it.
        #expect(try f.decide([Self.henan], now: "2026-03-06T09:00:00+08:00").status == 0)
        let two = try f.audit(["show", "Q-2026-0042", "--log", f.location, "--format", "html"])
        #expect(two.status == 0, "\(two.stderr)")
        #expect(two.stdout.components(separatedBy: #"<article class="auditor""#).count == 3)
        #expect(Self.inOrder(two.stdout, ["Recorded decision Q-2026-0042, record 23", "data-covered=\"true\"",
                                          "Recorded decision Q-2026-0042, record 26", "data-covered=\"false\""]))
        #expect(two.stdout.contains("No checkpoint covers this record yet: the latest checkpoint, signed \(cp.time), covers the first 25 records, and this is record 26."))
        let zhTwo = try f.audit(["show", "Q-2026-0042", "--log", f.location, "--format", "html", "--lang", "zh"]).stdout
        #expect(zhTwo.contains("尚无检查点覆盖本记录:最近的检查点(\(cp.time) 签署)只覆盖前 25 条记录,本记录序号为 26。"))
        #expect(zhTwo.contains("日志现有 28 条记录。"))

        let text = try f.audit(["show", "Q-2026-0042", "--log", f.location])
        #expect(text.status == 0 && text.stdout.hasPrefix("Case Q-2026-0042: 2 decisions recorded"), "text stays the default")
        let bad = try f.audit(["show", "Q-2026-0042", "--log", f.location, "--format", "pdf"])
        #expect(bad.status != 0 && bad.stderr.contains("--format is text or html"))
        let none = try f.audit(["show", "Q-2099-0001", "--log", f.location, "--format", "html"])
        #expect(none.status == 2 && none.stdout.isEmpty && none.stderr.contains("no decision recorded for case `Q-2099-0001`"))
    }

    /// A case id and a value that hold HTML are text on the page, never markup.
    @Test func hostileCaseIDsAndValuesAreEscaped() throws {
        let f = try Behaviour.fixture(.sqlite, count: 2, checkpoint: true)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let id = #"<script>alert("id")</script>&'x"#
        let hostile = Self.henan
            .replacingOccurrences(of: #""id": "Q-2026-0042""#, with: #""id": "<script>alert(\"id\")</script>&'x""#)
            .replacingOccurrences(of: #""branch": "Luoyang""#, with: #""branch": "<img src=x onerror=alert(1)>""#)
        #expect(hostile.contains("<img"))
        let decided = try f.decide([hostile])
        #expect(decided.status == 0, "\(decided.stderr)")
        for lang in ["en", "zh"] {
            let r = try f.audit(["show", id, "--log", f.location, "--format", "html", "--lang", lang])
            #expect(r.status == 0, "\(r.stderr)")
            Self.expectSelfContained(r.stdout)
            #expect(!r.stdout.contains("<script>alert") && !r.stdout.contains("<img src=x"))
            #expect(r.stdout.contains("<code>&lt;script&gt;alert(&quot;id&quot;)&lt;/script&gt;&amp;&#39;x</code>"))
            #expect(r.stdout.contains("&lt;img src=x onerror=alert(1)&gt;"))
            #expect(r.stdout.contains(#"data-covered="false""#), "decided after the fixture's checkpoint")
        }
    }
}
