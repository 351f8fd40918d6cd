import Foundation
import Testing
@testable import Verdict

/// Issue 26, item 5: what a policy hands out stays safe whatever happens to the policy.
/// - A prepared case is decided only by the policy that prepared it: another policy refuses it
///   with `wrong-policy`, also one made at the address of a freed policy (the identity is a serial
///   number that is never given twice, not the object's address).
/// - A decision and its explanation keep what they read alive: they can be read after the policy
///   and the decider that made them have been dropped by everyone else.
@Suite("memory safety by construction")
struct MemorySafetyTests {
    /// A small policy; `tier` is the rule's output, so two policies' decisions can be told apart.
    static func policy(tier: Int) throws -> CompiledPolicy {
        try CompiledPolicy.load(sources: [SourceFile(path: "policy.yaml", text: """
            policy: {name: small, version: "\(tier)"}
            fields:
              cost: money
              region: string
            decisions:
              tier:
                hit: first
                outputs: {tier: integer}
                rules:
                  - id: costly
                    when: cost > 100
                    then: {tier: \(tier)}
                  - id: otherwise
                    then: {tier: 0}
            """)])
    }

    static let caseJSON = Array(#"{"id": "C-1", "cost": "250.00", "region": "Henan"}"#.utf8)

    static func expectWrongPolicy(_ body: () throws(CaseError) -> Void, _ comment: Comment, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("a case prepared by another policy was decided (\(comment))", sourceLocation: sourceLocation)
        } catch {
            #expect(error.problems.map(\.code) == [.wrongPolicy], "\(error)", sourceLocation: sourceLocation)
            #expect(error.caseID == "C-1", sourceLocation: sourceLocation)
        }
    }

    /// Every way of deciding a prepared case refuses one prepared by another policy.
    @Test func aCasePreparedByAnotherPolicyIsRefusedOnEveryPath() throws {
        let mine = try Self.policy(tier: 1), other = try Self.policy(tier: 2)
        let prepared = try mine.prepare(json: Self.caseJSON)
        #expect(try mine.decide(prepared)["tier"] == .integer(1))
        #expect(try mine.decider().decide(prepared)["tier"] == .integer(1))

        Self.expectWrongPolicy({ () throws(CaseError) in _ = try other.decide(prepared) }, "the policy")
        Self.expectWrongPolicy({ () throws(CaseError) in _ = try other.decide(prepared, explain: true) }, "the policy, explained")
        let decider = other.decider()
        Self.expectWrongPolicy({ () throws(CaseError) in _ = try decider.decide(prepared) }, "a decider")
        var reused = decider.reusableDecision()
        Self.expectWrongPolicy({ () throws(CaseError) in try decider.decide(prepared, into: &reused) }, "a decider, into a reused decision")
        // Two compilations of the same files are two policies, too.
        let twin = try Self.policy(tier: 1)
        Self.expectWrongPolicy({ () throws(CaseError) in _ = try twin.decide(prepared) }, "a twin")
    }

    /// Every policy gets a serial of its own, never reused.
    @Test func serialsAreNeverGivenTwice() throws {
        var seen: Set<UInt64> = []
        for tier in 0..<50 { #expect(seen.insert(try Self.policy(tier: tier).serial).inserted) }
    }

    /// The reproduction of the hazard: the policy that prepared a case is freed, and the next policy
    /// made often lands at its address. Identity by address (`ObjectIdentifier`) then took the case as
    /// the new policy's own and decided it with another policy's slots; a serial refuses it.
    @Test func aPolicyMadeWhereAFreedOneWasRefusesItsCases() throws {
        var reusedAddress = 0
        for round in 0..<300 {
            // Prepared by a policy that nothing holds once this closure returns.
            let (prepared, address, gone): (PreparedCase, UInt, WeakBox) = try {
                let first = try Self.policy(tier: 1)
                let p = try first.prepare(json: Self.caseJSON)
                return (p, UInt(bitPattern: ObjectIdentifier(first).hashValue), WeakBox(first))
            }()
            #expect(gone.object == nil, "round \(round): the first policy is freed")
            let second = try Self.policy(tier: 2)
            if UInt(bitPattern: ObjectIdentifier(second).hashValue) == address { reusedAddress += 1 }
            Self.expectWrongPolicy({ () throws(CaseError) in _ = try second.decide(prepared) }, "round \(round), the policy")
            let decider = second.decider()
            Self.expectWrongPolicy({ () throws(CaseError) in _ = try decider.decide(prepared) }, "round \(round), a decider")
            var reused = decider.reusableDecision()
            Self.expectWrongPolicy({ () throws(CaseError) in try decider.decide(prepared, into: &reused) }, "round \(round), into")
        }
        // Not an assertion (the allocator decides), but what makes this a reproduction: say how often
        // the old identity would have been fooled.
        print("a new policy was made at the freed policy's address in \(reusedAddress) of 300 rounds")
    }

    final class WeakBox: @unchecked Sendable {
        weak var object: CompiledPolicy?
        init(_ object: CompiledPolicy) { self.object = object }
    }

    /// A decision made by a policy, and one made by a decider, outlive both: nothing else holds
    /// them, and the decision's outputs, JSON and explanation (text in both languages, JSON, structures)
    /// still read. The policy is freed only when the last decision goes.
    @Test(arguments: [false, true])
    func aDecisionAndItsExplanationOutliveThePolicyAndTheDecider(_ byDecider: Bool) throws {
        var expected: (json: String, text: String, zh: String, explanation: String) = ("", "", "", "")
        let watch: WeakBox
        var decision: Decision? = try {
            let policy = try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
            let bytes = Array(try String(contentsOfFile: shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", encoding: .utf8).utf8)
            let d = byDecider ? try policy.decider().decide(json: bytes, explain: true) : try policy.decide(json: bytes, explain: true)
            let e = try #require(d.explanation)
            expected = (d.json(), e.text(.en), e.text(.zh), e.json())
            return d
        }()
        watch = WeakBox(try #require(decision).compiled)
        // Nothing but the decision holds the policy (and, by a decider, the decider) now.
        let d = try #require(decision)
        #expect(watch.object != nil, "the decision keeps its policy alive")
        #expect(d.json() == expected.json)
        #expect(d["tier"] == .integer(3))
        #expect(d.policy.name == "quality-complaints")
        let explanation = try #require(d.explanation)
        #expect(explanation.text(.en) == expected.text)
        #expect(explanation.text(.zh) == expected.zh)
        #expect(explanation.json() == expected.explanation)
        #expect(!explanation.decisions.isEmpty && explanation.decisions.allSatisfy { !$0.rules.isEmpty })
        var out: [UInt8] = []
        d.appendJSON(to: &out)
        #expect(String(decoding: out, as: UTF8.self) == expected.json)

        // An explanation alone, without its decision, also keeps the policy.
        decision = nil
        let explanationOnly: Explanation? = explanation
        _ = consume d
        #expect(watch.object != nil, "the explanation keeps its policy alive")
        #expect(explanationOnly?.text(.en) == expected.text)
        #expect(explanationOnly?.json() == expected.explanation)
    }

    /// The policy is freed once its last decision and explanation are: what they hold is the policy
    /// itself, not a leak.
    @Test func thePolicyIsFreedWithItsLastDecision() throws {
        let watch: WeakBox
        do {
            let policy = try Self.policy(tier: 1)
            watch = WeakBox(policy)
            var d: Decision? = try policy.decider().decide(json: Self.caseJSON, explain: true)
            _ = consume policy
            #expect(watch.object != nil)
            #expect(d?.explanation?.text(.en).isEmpty == false)
            d = nil
        }
        #expect(watch.object == nil, "nothing holds the policy once its decisions are gone")
    }
}
