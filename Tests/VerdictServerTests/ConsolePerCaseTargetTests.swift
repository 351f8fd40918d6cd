import Foundation
import Testing
import Verdict
import VerdictConsole

/// A clock whose target is decided per case (issue 29, item 1) shows, in the console as in the text
/// explanation, the output it read, its value and the rule that set it.
@Suite struct ConsolePerCaseTargetTests {
    let policy = try! CompiledPolicy.load(directory: shippedPolicyPath("examples/food-safety"))

    func page(_ json: String, _ language: Language) throws -> String {
        let d = try policy.decide(json: Array(json.utf8), explain: true, now: try Timestamp(rfc3339: "2026-03-03T09:00:00+08:00"))
        var h = HTML()
        ExplanationView.render(d, outline: PolicyOutline(policy), context: ConsoleContext(language: language, csrfToken: "t", hasAuditLog: false, path: "/try"), into: &h)
        return h.text
    }

    @Test func theTargetNamesTheRuleThatSetIt() throws {
        let case1 = #"{"id": "FS-1", "reported_at": "2026-03-02T21:30:00+08:00", "province": "Guangdong", "city": "Guangzhou", "hospitalised": true}"#
        let en = try page(case1, .en)
        #expect(en.contains("(response_hours = 1, set by rule `critical` of decision `severity` at "), "\(en)")
        let zh = try page(case1, .zh)
        #expect(zh.contains("`response_hours` = 1,由决策 `severity` 的规则 `critical` 设定"), "\(zh)")
    }
}
