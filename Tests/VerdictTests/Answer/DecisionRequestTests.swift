import Foundation
import Testing
@testable import Verdict

/// The one entry point for a decision request (``PolicyVersions/answer(_:json:)``): the same answer as
/// the steps it replaces, asked any way; the version picked once; why-not answered with the set's
/// versions; typed errors.
@Suite("one decision request")
struct DecisionRequestTests {
    static let set = WhyNotVersionsTests.set
    static let shipped = try! PolicyVersions.load(directory: shippedPolicyPath("quality-complaints"))
    static let henan = Array(try! Data(contentsOf: URL(fileURLWithPath: shippedPolicyPath("quality-complaints/examples/henan-tier3.json"))))
    static let now = try! Timestamp(rfc3339: "2026-03-02T10:00:00+08:00")

    @Test func theAnswerIsTheDecisionTheVersionInForceMakes() throws {
        for bytes in [WhyNotVersionsTests.december, WhyNotVersionsTests.january] {
            let response = try Self.set.answer(DecisionRequest(now: Self.now), json: bytes)
            let direct = try Self.set.decide(json: bytes, now: Self.now)
            #expect(response.rendered() == direct.json())
            #expect(response.policy == direct.policy)
            #expect(response.decision.explanation == nil && response.whyNot == nil)
        }
    }

    @Test func anExplainedAnswerEqualsTheExplainedDecision() throws {
        let response = try Self.shipped.answer(DecisionRequest(explanation: .full, now: Self.now), json: Self.henan)
        let direct = try Self.shipped.decide(json: Self.henan, explain: true, now: Self.now)
        #expect(response.rendered() == direct.json())
        let text = try Self.shipped.answer(DecisionRequest(language: .zh, now: Self.now, format: .text), json: Self.henan)
        #expect(text.rendered() == direct.explanation!.text(.zh))
        let json = try Self.shipped.answer(DecisionRequest(now: Self.now, format: .explanation), json: Self.henan)
        #expect(json.rendered() == direct.explanation!.json())
    }

    @Test func aLanguageAddsTheTextsToTheDecision() throws {
        var request = DecisionRequest(language: .en, now: Self.now)
        request.whyNot = ["approver=branch_manager"]
        let response = try Self.shipped.answer(request, json: Self.henan)
        let answer = try JSONReader.parse(Array(response.rendered().utf8))
        guard case .object(let members) = answer else { Issue.record("not an object"); return }
        let keys = members.map(\.key)
        #expect(keys.contains("explanation") && keys.contains("explanation_text") && keys.contains("why_not") && keys.contains("why_not_text"))
        let whyNot = try Self.shipped.whyNot([WhyNotQuestion(parsing: "approver=branch_manager", for: Self.shipped.latest)], json: Self.henan, now: Self.now)
        #expect(response.whyNot?.json() == whyNot.json())
    }

    @Test func whyNotIsAnsweredWithTheSetsVersions() throws {
        // `approver=head_office` exists only in 2.0.0: asked of a December case (1.0.0 decides), it is
        // read against 2.0.0 and answered "only another version".
        let request = DecisionRequest(whyNot: ["approver=head_office"], format: .explanation)
        let response = try Self.set.answer(request, json: WhyNotVersionsTests.december)
        #expect(response.policy.version == "1.0.0")
        let q = try WhyNotQuestion(parsing: "approver=head_office", for: Self.set.latest)
        #expect(response.rendered() == (try Self.set.whyNot([q], json: WhyNotVersionsTests.december)).json())
    }

    @Test func aCompactExplanationKeepsWhatDecided() throws {
        let full = try Self.shipped.answer(DecisionRequest(explanation: .full, now: Self.now), json: Self.henan)
        let compact = try Self.shipped.answer(DecisionRequest(explanation: .compact, now: Self.now), json: Self.henan)
        #expect(compact.decision.explanation?.detail == .compact)
        let f = full.rendered(), c = compact.rendered()
        #expect(c.count < f.count)
        #expect(c.contains(#""detail":"compact""#) && !f.contains(#""detail""#))
        // Every rule that decided is there; no rule that did not match.
        for d in full.decision.explanation!.decisions {
            for r in d.rules {
                let id = #""id":"\#(r.id)""#
                if r.selected { #expect(c.contains(id), "\(r.id) decided") } else if !r.matched { #expect(!c.contains(id) || d.overrides.contains { $0.id == r.id }, "\(r.id)") }
            }
        }
        let text = compact.decision.explanation!.text(.en)
        #expect(text.contains("compact") && !text.contains("did not match"))
        // The outputs are the same.
        #expect(full.decision.outputs.map(\.name) == compact.decision.outputs.map(\.name))
    }

    @Test func errorsAreTyped() throws {
        #expect {
            _ = try Self.set.answer(DecisionRequest(whyNot: ["approver=nobody"]), json: WhyNotVersionsTests.december)
        } throws: { error in
            guard case let .invalidQuestion(text, reason)? = error as? DecisionRequestError else { return false }
            return text == "approver=nobody" && !reason.message.isEmpty
        }
        #expect {
            _ = try Self.set.answer(DecisionRequest(), json: Array(#"{"id": "A-9", "received_at": "2001-01-01T00:00:00+08:00", "cost": "1.00"}"#.utf8))
        } throws: { error in
            guard case let .refused(caseError, policy)? = error as? DecisionRequestError else { return false }
            return caseError.problems.first?.code == .beforeFirstVersion && caseError.caseID == "A-9" && !policy.version.isEmpty
        }
        #expect {
            _ = try Self.set.answer(DecisionRequest(), json: Array("{".utf8))
        } throws: { error in
            guard case let .refused(caseError, _)? = error as? DecisionRequestError else { return false }
            return caseError.problems.first?.code == .jsonSyntax
        }
        let question = DecisionRequestError.invalidQuestion("x", WhyNotQuestionError(message: "no output `x`", help: nil)).caseError
        #expect(question.problems.first?.code == .invalidQuestion)
    }

    /// `answer(_:json:rendered:)` (the C library's call) hands over the bytes `rendered()` gives, in
    /// every format, and on a refusal throws the same error without calling its closure.
    @Test func theAnswerRenderedInPlaceIsTheRenderedAnswer() throws {
        var whyNot = DecisionRequest(language: .zh, now: Self.now)
        whyNot.whyNot = ["approver=branch_manager"]
        let requests = [DecisionRequest(now: Self.now), DecisionRequest(explanation: .compact, now: Self.now), whyNot,
                        DecisionRequest(now: Self.now, format: .explanation), DecisionRequest(language: .en, now: Self.now, format: .text)]
        for request in requests {
            var got: [UInt8] = []
            var calls = 0
            try Self.henan.withUnsafeBytes { raw in
                try Self.shipped.answer(request, json: raw, rendered: { bytes in got = Array(bytes); calls += 1 })
            }
            let expected = try Self.shipped.answer(request, json: Self.henan).rendered()
            #expect(calls == 1)
            #expect(String(decoding: got, as: UTF8.self) == expected, "format \(request.format), \(request.explanation)")
        }
        // A question only another version can answer reads the case's bytes again (copied from the buffer).
        let other = DecisionRequest(whyNot: ["approver=head_office"], format: .explanation)
        var got: [UInt8] = []
        try WhyNotVersionsTests.december.withUnsafeBytes { raw in
            try Self.set.answer(other, json: raw, rendered: { got = Array($0) })
        }
        #expect(String(decoding: got, as: UTF8.self) == (try Self.set.answer(other, json: WhyNotVersionsTests.december)).rendered())
        var called = false
        #expect {
            try Array("{".utf8).withUnsafeBytes { raw in try Self.set.answer(DecisionRequest(), json: raw, rendered: { _ in called = true }) }
        } throws: { error in
            guard case let .refused(caseError, _)? = error as? DecisionRequestError else { return false }
            return caseError.problems.first?.code == .jsonSyntax
        }
        #expect(!called)
    }

    @Test func aSetOfOneVersionDecidesWhateverTheDate() throws {
        let one = PolicyVersions(Self.set.latest)
        // 2.0.0 took effect in 2027, yet on its own it decides a 2026 case, as the version itself does.
        let d = try one.answer(DecisionRequest(), json: WhyNotVersionsTests.december)
        #expect(d.policy.version == "2.0.0")
        #expect(d.rendered() == (try Self.set.latest.decide(json: WhyNotVersionsTests.december)).json())
    }
}
