import Foundation
import Testing
@testable import Verdict

@Suite("Policy tests written in YAML")
struct PolicyTestRunnerTests {
    static let shipped = ["quality-complaints", "customer-complaints", "service-standards", "after-sales-template", "examples/food-safety"]

    @Test("every shipped policy set passes its tests and they exercise every rule", arguments: shipped)
    func shippedSuites(_ name: String) throws {
        let policy = try CompiledPolicy.load(directory: shippedPolicyPath(name))
        let suite = PolicyTestSuite.load(directory: shippedPolicyPath(name))
        #expect(suite.diagnostics.isEmpty, "\(suite.diagnostics)")
        #expect(!suite.tests.isEmpty)
        let report = PolicyTestRunner.run(suite, against: policy)
        #expect(report.failures.isEmpty, "\(report.text(coverage: false))")
        let missing = report.coverage.filter { !$0.exercised }.map { "\($0.kind.rawValue) \($0.id)" }
        #expect(missing.isEmpty, "not exercised: \(missing)")
        #expect(PolicyLoader.check(directory: shippedPolicyPath(name)).diagnostics.filter { $0.severity != .note }.isEmpty)
    }

    func run(_ yaml: String) -> PolicyTestReport {
        var suite = PolicyTestSuite()
        suite.add(SourceFile(path: "t.test.yaml", text: yaml))
        return PolicyTestRunner.run(suite, against: qualityComplaints)
    }

    static let defaults = """
    defaults:
      received_at: 2026-03-02T09:15:00+08:00
      region: Shaanxi
      branch: Xi'an
      problem: pig_hair
      eaten: false
      adverse_reaction: false
      hospitalised: false
      media_involved: false
      government_involved: false
      excessive_demand: false
      food_poisoning: false
      batch_problem: false
      cost: 80
    """

    @Test func failuresSayWhereExpectedActualAndTheRule() {
        let report = run(Self.defaults + """

        tests:
          - name: wrong tier
            case: {problem: fly}
            expect: {tier: 1, notify: [office_manager], report_due: absent}
        """)
        #expect(report.passed == 0)
        let f = report.failures.first
        #expect(f?.location.line == 16)
        #expect(f?.problems == ["tier: expected 1, got 2 (set by rule tier2-malignant)",
                                "notify: expected [office_manager], got [office_manager, division] (set by rule notify-office-manager, notify-division)"])
        #expect(report.text(coverage: false).hasSuffix("0 passed, 1 failed\n"))
    }

    /// Issue 28, item 3: a failure names the rule that set the output and every override that changed
    /// it, with what it did; an override that did not apply (an exception held) is not named.
    @Test func failuresNameTheOverridesThatChangedTheOutput() {
        let report = run(Self.defaults + """

        tests:
          - name: Henan signers written as before the override
            case: {region: Henan, branch: Luoyang, cost: 1200}
            expect: {signers: [handler, finance_supervisor, branch_manager, division_manager]}
          - name: Zhengzhou signers written as if the override applied
            case: {region: Henan, branch: Zhengzhou}
            expect: {signers: [handler, bu_finance_head]}
        """)
        #expect(report.passed == 0)
        #expect(report.failures.first?.problems == [
            "signers: expected [handler, finance_supervisor, branch_manager, division_manager], got [handler, bu_finance_head, branch_manager, division_manager]"
                + " (set by rule band-above-1000; changed by override henan-finance: replaced finance_supervisor → bu_finance_head)",
        ])
        #expect(report.failures.last?.problems == ["signers: expected [handler, bu_finance_head], got [handler, finance_supervisor] (set by rule band-up-to-300)"])
        #expect(report.text(coverage: false).contains(
            "  signers: expected [handler, finance_supervisor, branch_manager, division_manager], got [handler, bu_finance_head, branch_manager, division_manager]"
                + " (set by rule band-above-1000; changed by override henan-finance: replaced finance_supervisor → bu_finance_head)\n"))
    }

    @Test func expectedErrorsAndWrongExpectations() {
        let report = run(Self.defaults + """

        tests:
          - name: refused as expected
            case: {problem: fyl}
            expect_error: {field: problem, code: invalid-value}
          - name: refused on another field than expected
            case: {cost: "1.234"}
            expect_error: {field: problem}
          - name: decided although an error was expected
            expect_error: {field: cost}
          - name: an unknown output
            expect: {tire: 1}
        """)
        #expect(report.passed == 1)
        #expect(report.failures.map(\.test) == ["refused on another field than expected", "decided although an error was expected", "an unknown output"])
        #expect(report.failures[2].problems == ["unknown output `tire` (did you mean `tier`?)"])
    }

    @Test func testFileProblemsAreLocated() {
        var suite = PolicyTestSuite()
        suite.add(SourceFile(path: "t.test.yaml", text: "tests:\n  - name: x\n    expcet: {tier: 1}\n"))
        #expect(suite.diagnostics.first { $0.code == "unknown-key" }?.help == "did you mean `expect`?")
        #expect(suite.diagnostics.first { $0.code == "unknown-key" }?.location?.line == 3)
    }

    @Test func coverageListsWhatNoTestExercised() {
        let report = run(Self.defaults + "\ntests:\n  - name: one\n    expect: {tier: 1}\n")
        let missing = report.coverage.filter { !$0.exercised }
        #expect(missing.contains { $0.id == "tier3-batch" && $0.location.path.hasSuffix("a1-tier.yaml") })
        #expect(missing.contains { $0.kind == .override && $0.id == "henan-finance" })
        #expect(report.coverageByDecision.first { $0.decision == "tier" }.map { [$0.exercised, $0.total] } == [1, 11])
        let json = report.json(coverage: true)
        #expect(json.contains(#""not_exercised":[{"kind":"rule","id":"tier3-hospitalised""#))
    }
}
