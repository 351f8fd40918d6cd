import Foundation
import Testing
@testable import Verdict

/// `verdict explain --why-not` through the built binary.
@Suite("verdict explain --why-not")
struct WhyNotCommandLineTests {
    static let henan = "policies/quality-complaints/examples/henan-tier3.json"

    func run(_ args: [String]) throws -> CommandLineTests.Run {
        try CommandLineTests().run(["explain", "--policies", CommandLineTests.policy, "--case", Self.henan] + args)
    }

    @Test func answersSeveralQuestionsAsText() throws {
        let r = try run(["--why-not", "approver=branch_manager", "--why-not", "signers contains finance_supervisor", "--why-not", "tier=1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("Case Q-2026-0042 — policy quality-complaints 1.0.0 (effective 2011-06-12)\n"))
        #expect(r.stdout.contains("handling cost incl. compensation (yuan) [cost] ≤ 300.00 (it is 1,200.00)"))
        #expect(r.stdout.contains("region ≠ \"henan\" (it is \"henan\")"))
        #expect(r.stdout.contains("and hospitalised = false (it is true)"))
    }

    @Test func answersInChineseAndAsJSON() throws {
        let zh = try run(["--why-not", "approver=branch_manager", "--lang", "zh"])
        #expect(zh.stdout.contains("为什么 approver 不是 branch_manager (分公司经理)?"), "\(zh.stdout)")
        let json = try run(["--why-not", "tier", "--format", "json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let answers = try #require(object["why_not"] as? [[String: Any]])
        #expect(answers.count == 2)
        #expect(answers.map { $0["outcome"] as? String } == ["changes", "changes"])
    }

    @Test func anImpossibleValueSaysWhy() throws {
        let r = try run(["--why-not", "approver=business_supervisor"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("No change to this case's inputs can give it: no rule assigns approver = business_supervisor (business supervisor or resident salesman)."), "\(r.stdout)")
    }

    @Test func unknownOutputsAndValuesAreUsageErrors() throws {
        let output = try run(["--why-not", "aprover=branch_manager"])
        #expect(output.status == 64)
        #expect(output.stderr.contains("the policy has no output `aprover`; did you mean `approver`?"), "\(output.stderr)")
        let value = try run(["--why-not", "approver=head_ofice"])
        #expect(value.status == 64)
        #expect(value.stderr.contains("did you mean `head_office`?"), "\(value.stderr)")
    }

    @Test func explanationAsJSON() throws {
        let r = try run(["--format", "json"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix(#"{"policy":{"name":"quality-complaints""#))
    }
}
