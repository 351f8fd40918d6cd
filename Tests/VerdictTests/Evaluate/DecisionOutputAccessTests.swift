import Foundation
import Testing
@testable import Verdict

/// Reading a decision's outputs by name, typed (issue 36, item 2): a value, nil when no rule set it,
/// and an ``OutputAccessError`` for a name the policy has not or a type the output has not.
@Suite struct DecisionOutputAccessTests {
    static let henan = try! String(contentsOfFile: shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", encoding: .utf8)

    static func decided() throws -> Decision {
        try PolicyVersions.load(directory: shippedPolicyPath("quality-complaints")).decide(json: Array(henan.utf8))
    }

    /// Every type of output, in memory: money, string, date, duration, integer, bool, a role, a list of roles.
    static let everyType = try! CompiledPolicy.load(sources: [SourceFile(path: "every.yaml", text: """
        policy: {name: every, version: "1"}
        roles: [handler, manager]
        fields:
          id: string
          big: bool
          start: timestamp
        decisions:
          d:
            outputs:
              cap: money
              note: string
              day: date
              grace: duration
              count: integer
              urgent: bool
              owner: role
              chain: list<role>
              due: timestamp
            rules:
              - when: big
                then: {cap: 300.01, note: '"see manager"', day: date(start), grace: 1d12h, count: 3, urgent: true,
                       owner: manager, chain: [handler, manager], due: start + 2h}
              - when: not big
                then: {count: 0}
        """)])

    @Test func eachAccessorReadsItsType() throws {
        let d = try Self.everyType.decide(json: Array(#"{"id": "c", "big": true, "start": "2026-03-02T09:00:00+08:00"}"#.utf8))
        #expect(try d.money("cap") == Money(minorUnits: 30001, scale: 2))
        #expect(try d.text("note") == "see manager")
        #expect(try d.date("day") == CivilDate(iso: "2026-03-02"))
        #expect(try d.duration("grace") == ClockDuration(milliseconds: 36 * 3_600_000))
        #expect(try d.number("count") == 3)
        #expect(try d.flag("urgent") == true)
        #expect(try d.member("owner") == "manager")
        #expect(try d.members("chain") == ["handler", "manager"])
        #expect(try d.list("chain") == [.member("handler"), .member("manager")])
        #expect(try d.time("due") == Timestamp(rfc3339: "2026-03-02T11:00:00+08:00"))
        #expect(try d.value("cap") == .money(Money(minorUnits: 30001, scale: 2)))
        // The OutputValue accessors say the same, and nil for another case.
        #expect(d["cap"]?.asMoney == Money(minorUnits: 30001, scale: 2) && d["cap"]?.asMember == nil)
        #expect(d["chain"]?.asMembers == ["handler", "manager"] && d["owner"]?.asMembers == nil)
        #expect(d["count"]?.asInteger == 3 && d["urgent"]?.asBool == true && d["note"]?.asString == "see manager")
    }

    @Test func anOutputNoRuleSetIsNilAndNotAnError() throws {
        let d = try Self.everyType.decide(json: Array(#"{"id": "c", "big": false, "start": "2026-03-02T09:00:00+08:00"}"#.utf8))
        #expect(try d.number("count") == 0)
        #expect(try d.money("cap") == nil)
        #expect(try d.member("owner") == nil)
        #expect(try d.members("chain") == nil)
        #expect(try d.value("note") == nil)
        // The shipped case: no report is resolved, so nothing is reimbursable yet.
        let q = try Self.decided()
        #expect(try q.flag("reimbursable") == nil)
        #expect(try q.member("approver") == "head_office")
        #expect(try q.members("signers") == ["handler", "bu_finance_head", "branch_manager", "division_manager"])
        #expect(try q.number("tier") == 3)
        #expect(try q.time("report_due") == Timestamp(rfc3339: "2026-03-11T17:00:00+08:00"))
    }

    @Test func anUnknownNameThrowsWithASuggestion() throws {
        let q = try Self.decided()
        #expect(q["aprover"] == nil, "the subscript cannot tell a misspelt name from an output that does not apply")
        do {
            _ = try q.member("aprover")
            Issue.record("an unknown output read as nil")
        } catch {
            #expect(error.reason == .unknownOutput(suggestion: "approver"))
            #expect(error.output == "aprover" && error.policy.name == "quality-complaints")
            #expect(error.description == "`aprover` is not an output of quality-complaints 1.0.0 (did you mean `approver`?)")
        }
        do {
            _ = try q.value("zzzzzz")
            Issue.record("an unknown output read as nil")
        } catch {
            #expect(error.description == "`zzzzzz` is not an output of quality-complaints 1.0.0")
        }
    }

    @Test func theWrongTypeThrowsNamingTheOutputsType() throws {
        let q = try Self.decided()
        do {
            _ = try q.money("approver")
            Issue.record("a role read as money")
        } catch {
            #expect(error.reason == .wrongType(asked: "money", actualType: "role", accessor: "member(_:)"))
            #expect(error.description == "output `approver` of quality-complaints 1.0.0 is a `role`, not money: read it with `member(_:)`")
        }
        #expect(throws: OutputAccessError.self) { try q.member("signers") }
        #expect(throws: OutputAccessError.self) { try q.members("approver") }
        #expect(throws: OutputAccessError.self) { try q.text("tier") }
        do {
            _ = try q.member("report_due")
            Issue.record("a timestamp read as a member")
        } catch {
            #expect(error.description == "output `report_due` of quality-complaints 1.0.0 is a `timestamp`, not a member: read it with `time(_:)`")
        }
        // Checked against the declared type, so it throws whether or not this case set the output.
        #expect(throws: OutputAccessError.self) { try q.money("reimbursable") }
    }

    @Test func aReusableDecisionThatDecidedNothingHasNoOutputs() throws {
        let policy = try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
        let d = policy.decider().reusableDecision()
        #expect(d["approver"] == nil)
        #expect(try d.member("approver") == nil)
        #expect(throws: OutputAccessError.self) { try d.member("aprover") }
    }
}

/// A case given as `Data`, a slice, or a `String` is decided as the same bytes in an array.
@Suite struct DecideFromBytesTests {
    @Test func dataStringAndSliceDecideAsTheArray() throws {
        let text = DecisionOutputAccessTests.henan
        let array = Array(text.utf8)
        let policy = try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
        let expected = try policy.decide(json: array, explain: true).json()
        #expect(try policy.decide(json: Data(text.utf8), explain: true).json() == expected)
        #expect(try policy.decide(json: text, explain: true).json() == expected)
        #expect(try policy.decide(json: array[...], explain: true).json() == expected)
        #expect(try policy.decider().decide(json: Data(text.utf8), explain: true).json() == expected)
        #expect(try policy.decider().decide(json: text, explain: true).json() == expected)
        #expect(try policy.prepare(json: Data(text.utf8)).caseID == policy.prepare(json: array).caseID)
        // A case the fast decoder hands to the careful one (an escape in a key) reads the same.
        let escaped = text.replacingOccurrences(of: #""region""#, with: #""\u0072egion""#)
        #expect(try policy.decide(json: escaped).json() == policy.decide(json: Array(escaped.utf8)).json())
    }

    @Test func refusalsAreTheSameToo() throws {
        let policy = try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
        for bad in [#"{"id": "x"}"#, #"{"id": "#, "", #"{"id": "x", "cost": "1.234"}"#] {
            func refusal(_ decide: () throws(CaseError) -> Decision) -> CaseError? {
                do { _ = try decide(); return nil } catch { return error }
            }
            let a = refusal { () throws(CaseError) in try policy.decide(json: Array(bad.utf8)) }
            #expect(a != nil)
            #expect(refusal { () throws(CaseError) in try policy.decide(json: Data(bad.utf8)) } == a)
            #expect(refusal { () throws(CaseError) in try policy.decide(json: bad) } == a)
        }
    }

    @Test func aSetWithVersionsDecidesAndAnswersDataAndStringAsTheArray() throws {
        let set = try PolicyVersions.load(directory: shippedPolicyPath("examples/quality-complaints-amended"))
        for received in ["2026-12-15T10:00:00+08:00", "2027-01-04T10:00:00+08:00"] {
            let array = try VersionedFolderLoadTests.henan(received: received)
            let text = String(decoding: array, as: UTF8.self)
            let expected = try set.decide(json: array).json()
            #expect(try set.decide(json: Data(array)).json() == expected)
            #expect(try set.decide(json: text).json() == expected)
            var request = DecisionRequest(explanation: .compact, language: .en)
            request.whyNot = ["approver=branch_manager"]
            let answer = try set.answer(request, json: array).rendered()
            #expect(try set.answer(request, json: Data(array)).rendered() == answer)
            #expect(try set.answer(request, json: text).rendered() == answer)
        }
        let early = try VersionedFolderLoadTests.henan(received: "2010-01-04T10:00:00+08:00")
        #expect(throws: CaseError.self) { try set.decide(json: Data(early)) }
    }
}
