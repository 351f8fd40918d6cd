import Foundation
import Testing
import Verdict
import VerdictAudit
import VerdictConsole

/// The draft check's impact, as the console shows the library's grouping (issue 28, item 4): tables and
/// bar charts by rule transition and by output, labels in the page's language, cases linked to the
/// audit search, hostile case ids escaped.
@Suite struct ConsoleImpactTests {
    let policy = try! CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))

    func replay() -> AuditTrail.Replay {
        let before = [DecisionRoute(decision: "approval", rules: ["band-300-to-1000"], overrides: [], outputs: ["signers", "approver", "report_due"])]
        let after = [DecisionRoute(decision: "approval", rules: ["band-up-to-300"], overrides: [], outputs: ["signers", "approver", "report_due"])]
        let old = Array(#"{"outputs":{"signers":["handler","finance_supervisor","branch_manager"],"approver":"division_manager","report_due":"2026-03-09T17:00:00+08:00"}}"#.utf8)
        let new = Array(#"{"outputs":{"signers":["handler","finance_supervisor"],"approver":"branch_manager","report_due":"2026-03-07T17:00:00+08:00"}}"#.utf8)
        var r = AuditTrail.Replay()
        for id in ["case-1", "case-2", "<b>x</b>"] {
            r.decisions += 1
            r.changedCases += 1
            r.impact.add(caseID: id, old: .init(decisionJSON: old, routes: before), new: .init(decisionJSON: new, routes: after))
        }
        r.decisions += 1
        r.unchanged += 1
        return r
    }

    func render(_ language: Language) -> String {
        var h = HTML()
        ImpactView.render(replay(), outline: PolicyOutline(policy), ConsoleContext(language: language, csrfToken: "t", hasAuditLog: true, path: "/draft"), &h)
        return h.text
    }

    @Test func groupsByRuleAndOutputWithChartsInEnglish() {
        let page = render(.en)
        #expect(page.contains("<p id=\"impact\">4 · unchanged 1 · changed 3 · cannot be decided under the draft 0</p>"))
        #expect(page.contains("<h4 id=\"impact-rules\">By rule (old → new)</h4>"))
        #expect(page.contains("<td>Report signing and approval</td><td><span class=\"change\">band-300-to-1000 → band-up-to-300</span></td>"))
        // Outputs and members by label; the time by its shift.
        #expect(page.contains("<td>sign in this order</td><td><span class=\"change\">− branch manager</span></td>"), "\(page)")
        #expect(page.contains("<span class=\"change\">division manager → branch manager</span>"))
        #expect(page.contains("<td>report due</td><td><span class=\"change\">2 days earlier</span></td>"))
        // Two charts, one bar a group, each titled; no script.
        #expect(page.components(separatedBy: "<svg ").count == 3)
        #expect(page.components(separatedBy: "<rect ").count == 5)
        #expect(page.contains("<title id=\"impact-outputs-chart-title\">By output</title>"))
        #expect(!page.contains("<script"))
        // Cases link to the audit search; a hostile id is escaped, in the link and the text.
        #expect(page.contains("<a href=\"/audit?case=case-1\"><code>case-1</code></a>"))
        #expect(page.contains("<a href=\"/audit?case=%3Cb%3Ex%3C%2Fb%3E\"><code>&lt;b&gt;x&lt;/b&gt;</code></a>"))
        #expect(!page.contains("<b>x</b>"))
    }

    @Test func chineseUsesChineseLabelsAndWords() {
        let page = render(.zh)
        #expect(page.contains("<h4 id=\"impact-rules\">按规则(旧 → 新)</h4>"))
        #expect(page.contains("<td>处理报告签字审批</td>"))
        #expect(page.contains("<td>报告期限</td><td><span class=\"change\">提前2天</span></td>"))
        #expect(page.contains("− 分公司经理"))
    }

    @Test func nothingChangedSaysSo() {
        var r = AuditTrail.Replay()
        r.decisions = 2
        r.unchanged = 2
        var h = HTML()
        ImpactView.render(r, outline: nil, ConsoleContext(language: .en, csrfToken: "t", hasAuditLog: true, path: "/draft"), &h)
        #expect(h.text.contains("No recorded decision would change."))
        #expect(!h.text.contains("<svg"))
    }
}
