import Foundation
import Testing
@testable import Verdict

/// Why-not values read as people write them when a developer prints them (issue 36, item 2): the
/// docs' `print(c.field, c.condition, …)` printed `ranges([Verdict.WhyNotRange(lower: nil, upper: Optional(300.00))])`.
@Suite struct WhyNotDescriptionTests {
    @Test func aChangePrintsItsConditionInItsOwnTerms() throws {
        let q = try WhyNotQuestion(parsing: "approver=branch_manager", for: qualityComplaints)
        let w = try qualityComplaints.whyNot([q], json: WhyNotTests.henan)
        guard case .changes(let alternatives) = w.answers[0].outcome else { Issue.record("no changes: \(w.answers[0].outcome)"); return }
        let c = alternatives[0].changes[0]
        #expect(c.field == "cost")
        #expect("\(c.condition)" == "≤ 300.00")
        #expect(c.conditionText() == "≤ 300.00")
        #expect(c.current?.description == "1200.00" && c.nearest?.description == "300.00")
    }

    @Test func rangesAndConditionsAsText() {
        let m = { (s: String) in OutputValue.money(try! Money(parsing: s, scale: 2)) }
        #expect(WhyNotRange(lower: m("300.01"), upper: m("1000.00")).description == "300.01 … 1000.00")
        #expect(WhyNotRange(lower: m("300.01"), upper: nil).description == "≥ 300.01")
        #expect(WhyNotRange(lower: nil, upper: nil).description == "any value")
        #expect(WhyNotCondition.ranges([WhyNotRange(lower: nil, upper: m("300.00")), WhyNotRange(lower: m("2000.00"), upper: nil)]).description == "≤ 300.00 or ≥ 2000.00")
        #expect(WhyNotCondition.oneOf([.string("henan")]).description == "= henan")
        #expect(WhyNotCondition.noneOf([.string("a"), .string("b")]).description == "none of a, b")
        #expect(WhyNotCondition.orAbsent(.oneOf([.bool(true)])).description == "= true, or absent")
        #expect(WhyNotCondition.absent.description == "absent")
    }
}
