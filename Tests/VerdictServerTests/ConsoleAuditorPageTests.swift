import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Verdict
import VerdictAudit
import VerdictConsole
@testable import VerdictServer

/// The console's record page is the auditor's page (issue 28, item 5): the case, the decision and
/// its explanation, the version's digest, the record's inclusion proof and the checkpoint it is
/// under, in English and Chinese; it prints without the console's frame; and `verdict audit show
/// --format html` writes the same page, from the same renderer, as one self-contained file.
@Suite("console auditor's page")
struct ConsoleAuditorPageTests {
    typealias Logged = ConsoleRouteTests.Logged

    static func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }
    static func zh(_ path: String) -> String { path + "?lang=zh" }

    /// The strings the page must hold, in order.
    static func inOrder(_ html: String, _ parts: [String]) -> Bool {
        var rest = html[...]
        for p in parts {
            guard let r = rest.range(of: p) else { return false }
            rest = rest[r.upperBound...]
        }
        return true
    }

    @Test func theRecordPageShowsTheProofAndTheCheckpointItIsUnder() async throws {
        let logged = try Logged([ConsoleRouteTests.qc])
        defer { logged.close() }
        try await logged.service.application().test(.router) { client in
            // Five decisions: record 0 is the Henan case, on a path of three hashes in a tree of five.
            for n in 0..<5 {
                let body = n == 0 ? henanCase : henanCase.replacingOccurrences(of: "Q-2026-0042", with: "Q-2026-010\(n)")
                #expect(try await client.post("/v1/policies/quality-complaints/decide", body).status == .ok)
            }
            let stored = try #require(try logged.log.record(seq: 0))
            let leaf = Self.hex(Merkle.leafHash(stored.body))
            let view = try stored.parsed()

            let unsigned = text(try await client.get("/audit/0").body)
            #expect(unsigned.contains("<dt>Version digest</dt><dd><code>\(view.digest)</code></dd>"))
            #expect(unsigned.contains("<dt>Leaf hash</dt><dd><code>\(leaf)</code></dd>"))
            #expect(unsigned.contains(#"data-covered="false""#))
            #expect(unsigned.contains("No checkpoint covers this record yet: the log has no signed checkpoint. Until the operator signs one (<code>verdict audit checkpoint</code>), the record rests on the log&#39;s own hashes only. The log now holds 5 records."))
            let unsignedZh = text(try await client.get(Self.zh("/audit/0")).body)
            #expect(unsignedZh.contains("尚无检查点覆盖本记录:日志还没有签署任何检查点。在运营方签署检查点(<code>verdict audit checkpoint</code>)之前,本记录只有日志自身的哈希为证。日志现有 5 条记录。"))

            let cp = try logged.log.checkpoint(key: AuditKeys.generate().privateKey, time: Timestamp(Date()))
            let proof = try InclusionProof.make(log: logged.log, caseID: "Q-2026-0042")
            let path = try #require(proof.entries.first?.path)
            #expect(path.count == 3)
            let page = text(try await client.get("/audit/0").body)
            // The case, the decision, its explanation, as before.
            #expect(page.contains("<dt>Case id</dt><dd><code>Q-2026-0042</code></dd>"))
            #expect(page.contains("reproduced the recorded outputs exactly"))
            #expect(page.contains("✓ the whole log verifies: 5 records, 1 checkpoint, root sha256:\(Self.hex(cp.root))"))
            #expect(page.contains(#"<tr class="decides" data-rule="band-above-1000">"#))
            #expect(page.contains(#"data-override="henan-finance" data-applied="true""#))
            #expect(!page.contains("<details>"), "nothing folded away on a printed page")
            // The proof: leaf, tree, the path `audit proof` gives, and that it holds.
            #expect(Self.inOrder(page, [
                #"<section class="proof" aria-labelledby="proof-0" data-covered="true">"#, "<h2 id=\"proof-0\">Inclusion proof</h2>",
                "<dt>Leaf index</dt><dd>0</dd>", "<dd><code>\(leaf)</code></dd>",
                "<dt>Tree size</dt><dd>5 records</dd>", "<dt>Root hash</dt><dd><code>\(Self.hex(cp.root))</code></dd>",
                #"<h3 id="path-0">Audit path: 3 sibling hashes, from the leaf up</h3>"#]
                + path.map { "<li><code>\(Self.hex($0))</code></li>" }
                + ["✓ The audit path leads from the leaf hash to the checkpoint&#39;s root hash: the record is in the tree the checkpoint signs.",
                   "<h3>The checkpoint it is under (signed tree head)</h3>",
                   "<dt>Log id</dt><dd><code>\(cp.logID)</code></dd>", "<dt>Tree size</dt><dd>5 records</dd>",
                   "<dt>Root hash</dt><dd><code>\(Self.hex(cp.root))</code></dd>", "<dt>Signed at</dt><dd>\(cp.time)</dd>",
                   "<dt>Key id</dt><dd><code>\(cp.keyFingerprint)</code></dd>",
                   "<dt>Public key (Ed25519, base64)</dt><dd><code>\(Data(cp.publicKey).base64EncodedString())</code></dd>",
                   "<dt>Signature (Ed25519, base64)</dt><dd><code>\(Data(cp.signature).base64EncodedString())</code></dd>",
                   "<pre class=\"signed\">\(cp.message)</pre>",
                   "✓ The signature verifies with the public key the checkpoint names (key id \(cp.keyFingerprint)); check that it is the operator&#39;s key.",
                   #"<p class="screen-only"><a href="/audit/proof?case=Q-2026-0042" download="proof.json">"#]),
                "the proof section in its order")
            #expect(!page.contains("No checkpoint covers"))

            let zh = text(try await client.get(Self.zh("/audit/0")).body)
            for words in ["✓ 整个日志校验通过:5 条记录,1 个检查点,根哈希 sha256:\(Self.hex(cp.root))", "<dt>版本摘要</dt>", "<h2 id=\"proof-0\">包含证明</h2>", "<dt>叶哈希</dt>",
                          "<dt>树的大小</dt><dd>5 条记录</dd>", "<dt>根哈希</dt>", "审计路径:3 个兄弟节点哈希,自叶向上",
                          "✓ 由叶哈希沿审计路径计算,得到检查点的根哈希:本记录在检查点所签署的树中。", "<h3>所属检查点(签名树头)</h3>",
                          "<dt>日志标识</dt>", "<dt>签名时间</dt><dd>\(cp.time)</dd>", "<dt>密钥标识</dt><dd><code>\(cp.keyFingerprint)</code></dd>",
                          "<dt>签名(Ed25519,base64)</dt>", "✓ 签名可用检查点所载的公钥验证(密钥标识 \(cp.keyFingerprint));请核对这是运营方的密钥。",
                          "下载本案件的包含证明"] {
                #expect(zh.contains(words), "\(words)")
            }

            // A decision after the checkpoint: not covered yet, and which checkpoint there is.
            #expect(try await client.post("/v1/policies/quality-complaints/decide", henanCase).status == .ok)
            let later = text(try await client.get("/audit/5").body)
            #expect(later.contains(#"data-covered="false""#))
            #expect(later.contains("No checkpoint covers this record yet: the latest checkpoint, signed \(cp.time), covers the first 5 records, and this is record 5."))
            #expect(later.contains("The log now holds 6 records."))
            let laterZh = text(try await client.get(Self.zh("/audit/5")).body)
            #expect(laterZh.contains("尚无检查点覆盖本记录:最近的检查点(\(cp.time) 签署)只覆盖前 5 条记录,本记录序号为 5。"))
        }
    }

    /// A clock counted in working time: its steps are written open, so that they print.
    @Test func workingTimeStepsAreWrittenOpen() async throws {
        let logged = try Logged([shippedPolicyPath("customer-complaints")])
        defer { logged.close() }
        let example = try String(contentsOfFile: shippedPolicyPath("customer-complaints") + "/examples/quality-before-spring-festival.json", encoding: .utf8)
        try await logged.service.application().test(.router) { client in
            #expect(try await client.post("/v1/policies/customer-complaints/decide", example).status == .ok)
            let page = text(try await client.get("/audit/0").body)
            #expect(page.contains("<details open><summary>Working time counted</summary><ol><li>"))
            #expect(!page.contains("<details>"))
            let zh = text(try await client.get(Self.zh("/audit/0")).body)
            #expect(zh.contains("<details open><summary>计入的工作时间</summary><ol><li>"))
        }
    }

    /// The console prints the page without its frame: the print stylesheet is in the served CSS.
    @Test func thePrintStylesheet() async throws {
        let css = ConsoleAssets.css
        #expect(css.contains("@media print {"))
        #expect(css.contains("@page { size: A4;"))
        #expect(css.contains("header, nav, .skip, .lang, form, button, .screen-only { display: none !important; }"))
        #expect(css.contains("thead { display: table-header-group; }"), "a table's header row repeats on each printed page")
        #expect(css.contains("tr, li, dt, dd,") && css.contains("{ break-inside: avoid; }"), "rows are not split across pages")
        #expect(css.contains("article.auditor + article.auditor { break-before: page; }"))
        #expect(!css.contains("attr(href)"), "link URLs are not printed")
        #expect(!css.contains("url(") && !css.contains("@import"), "nothing to fetch: the CSS goes inline into the file")
        let service = try makeService([ConsoleRouteTests.qc])
        try await service.application().test(.router) { client in
            let served = text(try await client.get("/static/console.css").body)
            #expect(served.contains(css), "the console's style sheet carries the print stylesheet")
        }
    }

    /// A case id and a field value holding HTML, on the console's page and in the file.
    @Test func hostileContentIsEscaped() async throws {
        let logged = try Logged([ConsoleRouteTests.qc])
        defer { logged.close() }
        let hostile = henanCase
            .replacingOccurrences(of: #""id": "Q-2026-0042""#, with: #""id": "<script>alert(\"id\")</script>&'x""#)
            .replacingOccurrences(of: #""branch": "Luoyang""#, with: #""branch": "<img src=x onerror=alert(1)>""#)
        try await logged.service.application().test(.router) { client in
            #expect(try await client.post("/v1/policies/quality-complaints/decide", hostile).status == .ok)
            _ = try logged.log.checkpoint(key: AuditKeys.generate().privateKey, time: Timestamp(Date()))
            for path in ["/audit/0", "/audit/0?lang=zh"] {
                let page = text(try await client.get(path).body)
                #expect(!page.contains("<script>alert") && !page.contains("<img src=x"), "\(path)")
                #expect(page.contains("<code>&lt;script&gt;alert(&quot;id&quot;)&lt;/script&gt;&amp;&#39;x</code>"), "\(path)")
                #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;"), "\(path)")
                #expect(page.contains(#"href="/audit/proof?case=%3Cscript%3Ealert%28%22id%22%29%3C%2Fscript%3E%26%27x""#), "\(path)")
            }
        }
        let records = try AuditTrail.showWithInclusion(log: logged.log, caseID: #"<script>alert("id")</script>&'x"#)
        for language in Language.allCases {
            let file = AuditorPage.document(records.map { AuditorPage.Record($0.0, inclusion: $0.1) }, language: language)
            #expect(!file.contains("<script") && !file.contains("<img"))
            #expect(file.contains("<title>\(language == .zh ? "案件 " : "Recorded decisions of case ")&lt;script&gt;alert(&quot;id&quot;)&lt;/script&gt;&amp;&#39;x"))
        }
    }

    /// `verdict audit show CASE --format html` is the renderer's document, byte for byte, and holds
    /// the same auditor's page the console shows (its frame, the whole-log check and the download link aside).
    @Test func theCommandWritesTheSamePage() async throws {
        let logged = try Logged([ConsoleRouteTests.qc])
        defer { logged.close() }
        try await logged.service.application().test(.router) { client in
            #expect(try await client.post("/v1/policies/quality-complaints/decide", henanCase).status == .ok)
            _ = try logged.log.checkpoint(key: AuditKeys.generate().privateKey, time: Timestamp(Date()))
            let console = text(try await client.get("/audit/0").body)
            let location = "sqlite:" + logged.folder.appendingPathComponent("log.db").path
            for language in Language.allCases {
                let p = Process()
                p.executableURL = EndToEndTests.binary
                p.arguments = ["audit", "show", "Q-2026-0042", "--log", location, "--format", "html", "--lang", language.rawValue]
                let out = Pipe()
                p.standardOutput = out
                p.standardError = FileHandle.nullDevice
                try p.run()
                let data = out.fileHandleForReading.readDataToEndOfFile()
                p.waitUntilExit()
                #expect(p.terminationStatus == 0)
                let file = String(decoding: data, as: UTF8.self)
                let records = try AuditTrail.showWithInclusion(log: logged.log, caseID: "Q-2026-0042")
                #expect(file == AuditorPage.document(records.map { AuditorPage.Record($0.0, inclusion: $0.1) }, language: language) + "\n")
                guard language == .en else { continue }
                // The console's page holds the file's proof section and explanation unchanged.
                for part in ["<section class=\"proof\"", "<section aria-labelledby=\"explanation-0\">"] {
                    let start = try #require(file.range(of: part)), end = try #require(file[start.lowerBound...].range(of: "</section>"))
                    #expect(console.contains(String(file[start.lowerBound..<end.lowerBound])), "\(part)")
                }
            }
        }
    }
}
