import Foundation
import Testing
import Verdict
import VerdictAudit
import VerdictConsole

/// The console's pages as pure functions: escaping by construction, the case form's transcription,
/// the policy outline.
@Suite struct ConsoleRenderingTests {
    let policy = try! CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))

    func context(_ language: Language = .en) -> ConsoleContext {
        ConsoleContext(language: language, csrfToken: String(repeating: "a", count: 64), hasAuditLog: false, path: "/")
    }

    @Test func textAndAttributesAreEscaped() {
        var h = HTML()
        h.element("p", [.init("title", #"x" onmouseover="alert(1)"#)]) { h in h.text("<script>alert('x')</script> & more") }
        #expect(h.text == #"<p title="x&quot; onmouseover=&quot;alert(1)">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more</p>"#)
        var b = HTML()
        b.void("input", [.init("required", ""), .init("value", nil), .init("name", "n")])
        #expect(b.text == #"<input required name="n">"#)
    }

    @Test func formDataDecodesPlusPercentAndRepeatedKeys() {
        let pairs = FormData.parse("a=1+2&b=%E6%B2%B3%E5%8D%97&a=3&c&d=%zz")
        #expect(pairs.map(\.0) == ["a", "b", "a", "c", "d"])
        #expect(pairs.map(\.1) == ["1 2", "河南", "3", "", "%zz"])
        #expect(ConsoleLink.to("/try", [("policy", "a b&c"), ("f.id", "<x>")]) == "/try?policy=a%20b%26c&f.id=%3Cx%3E")
    }

    @Test func timestampsWithoutAnOffsetAreReadInThePolicysZone() {
        #expect(CaseForm.timestamp("2026-03-02T09:15", zone: .shanghai) == "2026-03-02T09:15:00+08:00")
        #expect(CaseForm.timestamp("2026-03-02 09:15:30", zone: .shanghai) == "2026-03-02T09:15:30+08:00")
        #expect(CaseForm.timestamp("2026-03-02T09:15:00Z", zone: .shanghai) == "2026-03-02T09:15:00Z")
        #expect(CaseForm.timestamp("tomorrow", zone: .shanghai) == "tomorrow")
        let ny = Zone(identifier: "America/New_York")!
        #expect(CaseForm.timestamp("2026-07-01T12:00", zone: ny) == "2026-07-01T12:00:00-04:00")
        #expect(CaseForm.timestamp("2026-01-01T12:00", zone: ny) == "2026-01-01T12:00:00-05:00")
    }

    @Test func theFormTranscribesFieldsByTheirTypes() throws {
        let outline = PolicyOutline(policy)
        let form = CaseForm(FormData.parse("f.id=Q-1&f.received_at=2026-03-02T09:15&f.region=Henan&f.eaten=true&f.cost=1200.00&f.resolved_at=&f.problem=fly"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(form.json(for: outline))) as? [String: Any])
        #expect(json["id"] as? String == "Q-1")
        #expect(json["received_at"] as? String == "2026-03-02T09:15:00+08:00")
        #expect(json["eaten"] as? Bool == true)
        #expect(json["cost"] as? String == "1200.00")
        #expect(json["resolved_at"] == nil)
        #expect(json["problem"] as? String == "fly")
    }

    @Test func theOutlineHasEveryRuleWithItsConditionQuoteAndLine() throws {
        let outline = PolicyOutline(policy)
        let approval = try #require(outline.decisions.first { $0.name == "approval" })
        let rule = try #require(approval.rules.first { $0.id == "band-up-to-300" })
        #expect(rule.condition == "cost <= 300")
        #expect(rule.outputs.contains("approver: branch_manager"))
        #expect(rule.notes.quote?.hasPrefix("处理费用") == true)
        #expect(rule.notes.location.path.hasSuffix("a5-approval.yaml"))
        let henan = try #require(approval.overrides.first { $0.id == "henan-finance" })
        #expect(henan.condition == #"region == "henan""#)
        #expect(henan.exceptions.map(\.id) == ["zhengzhou"])
        #expect(henan.operations == ["replace finance_supervisor by bu_finance_head"])
        #expect(!outline.clocks.isEmpty)
        #expect(outline.label(ofMember: "head_office", in: "role")?.zh != nil)
    }

    @Test func thePoliciesPageShowsRulesInBothLanguages() {
        let set = ConsoleSet(name: "quality-complaints", folder: nil, policy: policy, loadedAt: nil, testsPassed: 0, lastReload: nil)
        let en = PoliciesPage.render([set], context: context(.en))
        #expect(en.contains("Report signing and approval"))
        #expect(en.contains("<code class=\"cond\">cost &lt;= 300</code>"))
        #expect(en.contains("a5-approval.yaml:"))
        #expect(en.contains("<html lang=\"en\">"))
        let zh = PoliciesPage.render([set], context: context(.zh))
        #expect(zh.contains("处理报告签字审批"))
        #expect(zh.contains("<html lang=\"zh-Hans\">"))
        #expect(!en.contains("<script>") && !en.contains(" style="), "no inline script or style: the CSP allows none")
    }

    @Test func aBoundedReplaySaysHowManyOlderRecordsWereNotRead() {
        var replay = AuditTrail.Replay()
        replay.decisions = 10_000
        replay.unchanged = 10_000
        replay.notRead = 2_500
        func page(_ r: AuditTrail.Replay, _ language: Language) -> String {
            let report = DraftReport(set: "quality-complaints", files: [], changed: [], diagnostics: [], digest: "sha256:00",
                                     tests: nil, testDiagnostics: [], replay: r, replayProblem: nil)
            let c = ConsoleContext(language: language, csrfToken: String(repeating: "a", count: 64), hasAuditLog: true, path: "/draft")
            return DraftPage.render(sets: ["quality-complaints"], set: "quality-complaints", files: [], report: report, context: c)
        }
        #expect(page(replay, .en).contains("2500 older records of the log were not read"))
        #expect(page(replay, .zh).contains("2500 日志中更早的记录未读取"))
        replay.notRead = 0
        #expect(!page(replay, .en).contains("were not read"))
    }

    @Test func theExplanationHighlightsTheDecidingRuleAndTheAppliedOverride() throws {
        let decision = try policy.decide(json: Array(henanCase.utf8), explain: true, now: try Timestamp(rfc3339: "2026-03-05T09:00:00+08:00"))
        var h = HTML()
        ExplanationView.render(decision, outline: PolicyOutline(policy), context: context(), into: &h)
        #expect(h.text.contains(#"<tr class="decides" data-rule="band-above-1000">"#))
        #expect(h.text.contains(#"data-override="henan-finance" data-applied="true""#))
        #expect(h.text.contains("河南区域除郑州分公司外财务主管一栏由事业部财务部负责人签字"))
        #expect(h.text.contains(#"<tr data-output="approver">"#))
        #expect(h.text.contains(#"<tr class="failed" data-rule="band-up-to-300">"#))
        #expect(h.text.contains("cost = 1200.00"))
        #expect(h.text.contains(#"<code class="cond">cost &gt; 1000</code>"#), "the deciding rule shows the condition that held")
    }
}
