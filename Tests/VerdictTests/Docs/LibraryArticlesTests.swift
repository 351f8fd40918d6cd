import Foundation
import Testing
@testable import Verdict

/// The DocC articles' Swift snippets, run: what they claim the library does, it does.
@Suite struct LibraryArticlesTests {
    static let caseJSON = #"""
    {"id": "Q-2026-0042", "received_at": "2026-03-02T09:15:00+08:00", "region": "Henan",
     "branch": "Kaifeng", "problem": "pig_hair", "eaten": true, "adverse_reaction": true,
     "hospitalised": true, "media_involved": false, "government_involved": false,
     "excessive_demand": false, "food_poisoning": false, "batch_problem": false, "cost": "1200.00"}
    """#

    @Test func gettingStarted() throws {
        let policy = try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
        let bytes = Array(Self.caseJSON.utf8)
        let decision = try policy.decide(json: bytes, explain: false, now: nil)
        #expect(decision["tier"] == .integer(3))
        #expect(decision["signers"] == .list([.member("handler"), .member("bu_finance_head"), .member("branch_manager"), .member("division_manager")]))
        #expect(decision["report_due"] == nil, "an unresolved case has no report deadline")
        #expect(decision.json().hasPrefix(#"{"case":"Q-2026-0042","policy":{"#))
        let explained = try policy.decide(json: bytes, explain: true, now: nil)
        #expect(explained.explanation?.text(.zh).contains("例外规则 henan-finance") == true)
        let judged = try policy.decide(json: bytes, explain: false, now: try Timestamp(rfc3339: "2026-03-02T12:30:00+08:00"))
        #expect(judged.clocks.first { $0.name == "first_contact" }?.status == .breached)
        // A broken case lists its problems by field.
        #expect(throws: CaseError.self) { try policy.decide(json: Array(#"{"id": "x"}"#.utf8), explain: false, now: nil) }
    }

    @Test func decidingAtScale() throws {
        let policy = try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
        let bytes = Array(Self.caseJSON.utf8)
        let prepared = try policy.prepare(json: bytes)
        let quick = try policy.decide(prepared, explain: false, now: nil)
        let explained = try policy.decide(prepared, explain: true, now: nil)
        #expect(quick.json() == (try policy.decide(json: bytes, explain: false, now: nil)).json())
        #expect(explained.explanation != nil)
        // Another policy (another compiled copy) refuses a case it did not prepare.
        let other = try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
        do {
            _ = try other.decide(prepared, explain: false, now: nil)
            Issue.record("a case prepared by another policy was decided")
        } catch {
            #expect(error.problems.first?.code == .wrongPolicy)
        }
        // A decider per thread: the same decisions, appended into one reused buffer.
        let decider = policy.decider()
        var out: [UInt8] = []
        try decider.decide(json: bytes, explain: false, now: nil).appendJSON(to: &out)
        #expect(String(decoding: out, as: UTF8.self) == quick.json())
    }

    @Test func workingTime() throws {
        let policy = try CompiledPolicy.load(sources: [SourceFile(path: "office.yaml", text: """
            policy: {name: office, version: "1"}
            calendars:
              office:
                weekdays: [mon, tue, wed, thu, fri]
                hours: ["09:00-12:00", "13:00-18:00"]
                years: [2026]
                holidays: [{date: 2026-10-01, label: National Day}]
            fields:
              start: timestamp
            decisions:
              deadlines:
                outputs: {five_days: timestamp, three_hours: timestamp}
                rules:
                  - then:
                      five_days: working_days_after(start, 5, "office")
                      three_hours: working_hours_after(start, 3, "office")
            """)])
        let d = try policy.decide(json: Array(#"{"id": "x", "start": "2026-09-30T10:00:00+08:00"}"#.utf8))
        #expect(d["five_days"] == .timestamp(try Timestamp(rfc3339: "2026-10-08T18:00:00+08:00")))
        #expect(d["three_hours"] == .timestamp(try Timestamp(rfc3339: "2026-09-30T14:00:00+08:00")))
        // A year the calendar does not list is refused, naming the calendar and the year.
        do {
            _ = try policy.decide(json: Array(#"{"id": "y", "start": "2027-01-04T10:00:00+08:00"}"#.utf8))
            Issue.record("a year the calendar does not cover was decided")
        } catch {
            #expect(error.problems.first?.code == .calendarYear)
        }
    }
}
