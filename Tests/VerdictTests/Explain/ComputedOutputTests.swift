import Foundation
import Testing
@testable import Verdict

/// An output computed by an expression shows its arithmetic (issue 28, item 1): the expression, the
/// values it read, and for working time the steps counted and skipped, as a clock's are — in text
/// (en and zh) and JSON.
@Suite struct ComputedOutputTests {
    let policy = try! CompiledPolicy.load(sources: [SourceFile(path: "store.yaml", text: """
        policy: {name: store, version: "1"}
        calendars:
          store:
            weekdays: [mon, tue, wed, thu, fri]
            hours: ["10:00-22:00"]
            years: [2026]
            holidays: [{date: 2026-10-01, label: {en: National Day, zh: 国庆节}}]
        fields:
          reported_at: timestamp
          severity: {values: [critical, minor]}
        decisions:
          response:
            outputs: {respond_due: timestamp, review_due: timestamp}
            rules:
              - id: critical
                when: severity == critical
                then:
                  respond_due: working_hours_after(reported_at, 4, "store")
                  review_due: reported_at + 2d
              - id: minor
                when: severity == minor
                then:
                  respond_due: working_days_after(reported_at, 2, "store")
                  review_due: reported_at + 7d
        """)])

    @Test func workingHoursShowTheirSteps() throws {
        // Wednesday 30 September, 20:00: two hours that evening, then the holiday and the weekend skipped.
        let d = try policy.decide(json: Array(#"{"id": "c", "reported_at": "2026-09-30T20:00:00+08:00", "severity": "critical"}"#.utf8), explain: true)
        let text = d.explanation!.text(.en)
        #expect(text.contains("""
              → respond_due = 2026-10-02T12:00:00+08:00 (rule critical)
                  = working_hours_after(reported_at, 4, "store"), with reported_at = 2026-09-30T20:00:00+08:00
                  in working calendar store:
                    counted 2026-09-30 20:00–22:00
                    skipped 2026-10-01 (holiday National Day)
                    counted 2026-10-02 10:00–12:00
            """), "\(text)")
        #expect(text.contains("""
              → review_due = 2026-10-02T20:00:00+08:00 (rule critical)
                  = reported_at + 2d, with reported_at = 2026-09-30T20:00:00+08:00
            """))
        let zh = d.explanation!.text(.zh)
        #expect(zh.contains("= working_hours_after(reported_at, 4, \"store\"),其中 reported_at = 2026-09-30T20:00:00+08:00\n      按工作日历 store:\n        计入 2026-09-30 20:00–22:00\n        跳过 2026-10-01 (节假日 国庆节)\n"), "\(zh)")
        let json = d.explanation!.json()
        #expect(json.contains(#""respond_due":{"value":"2026-10-02T12:00:00+08:00","rules":["critical"],"computed":{"expression":"working_hours_after(reported_at, 4, \"store\")","values":{"reported_at":"2026-09-30T20:00:00+08:00"},"calendar":"store","steps":[{"counted_from":"2026-09-30T20:00:00+08:00","counted_to":"2026-09-30T22:00:00+08:00"},{"skipped_from":"2026-10-01","skipped_to":"2026-10-01","reason":"holiday National Day","label_zh":"国庆节"},{"counted_from":"2026-10-02T10:00:00+08:00","counted_to":"2026-10-02T12:00:00+08:00"}]}}"#), "\(json)")
        #expect(json.contains(#""review_due":{"value":"2026-10-02T20:00:00+08:00","rules":["critical"],"computed":{"expression":"reported_at + 2d","values":{"reported_at":"2026-09-30T20:00:00+08:00"}}}"#))
        #expect(d.explanation!.decisions[0].outputs[0].computed?.steps.count == 3)
    }

    @Test func workingDaysToo() throws {
        let d = try policy.decide(json: Array(#"{"id": "c", "reported_at": "2026-10-02T11:00:00+08:00", "severity": "minor"}"#.utf8), explain: true)
        let text = d.explanation!.text(.en)
        #expect(text.contains("= working_days_after(reported_at, 2, \"store\"), with reported_at = 2026-10-02T11:00:00+08:00\n      in working calendar store:\n"), "\(text)")
        #expect(text.contains("skipped 2026-10-03 – 2026-10-04 (weekend)"))
    }

    /// An amount from the case may be years of working time: the explanation lists the first steps and
    /// says the rest are not listed, instead of one step a day (hundreds of megabytes).
    @Test func aHugeAmountListsItsFirstStepsOnly() throws {
        let p = try CompiledPolicy.load(sources: [SourceFile(path: "store.yaml", text: """
            policy: {name: store, version: "1"}
            calendars:
              store: {weekdays: [mon, tue, wed, thu, fri, sat, sun], hours: ["10:00-22:00"], years: every}
            fields:
              reported_at: timestamp
              hours: integer
            decisions:
              response:
                outputs: {respond_due: timestamp}
                rules:
                  - then:
                      respond_due: working_hours_after(reported_at, hours, "store")
            """)])
        let d = try p.decide(json: Array(#"{"id": "b", "reported_at": "2026-03-01T09:00:00+08:00", "hours": 20000000}"#.utf8), explain: true)
        let computed = try #require(d.explanation!.decisions[0].outputs[0].computed)
        #expect(computed.steps.count == WorkingCalendar.maxRecordedSteps)
        #expect(d.explanation!.text(.en).contains("        … steps after the first 500 not listed\n"))
        #expect(d.explanation!.text(.zh).contains("        ……前 500 步之后的步骤未列出\n"))
        #expect(d.explanation!.json().contains(#"{"more_steps_not_listed":true}]"#))
        // The value is the arithmetic's, whether steps are recorded or not.
        #expect(d["respond_due"] == (try p.decide(json: Array(#"{"id": "b", "reported_at": "2026-03-01T09:00:00+08:00", "hours": 20000000}"#.utf8)))["respond_due"])
    }

    @Test func aConstantShowsNoArithmetic() throws {
        let qc = try CompiledPolicy.load(directory: repositoryRoot.appendingPathComponent("policies/quality-complaints").path)
        let d = try qc.decide(json: Array(#"{"id":"Q-1","received_at":"2026-03-02T09:15:00+08:00","resolved_at":"2026-03-04T17:00:00+08:00","region":"Shaanxi","branch":"Xi'an","problem":"pig_hair","eaten":false,"adverse_reaction":false,"hospitalised":false,"media_involved":false,"government_involved":false,"excessive_demand":false,"food_poisoning":false,"batch_problem":false,"cost":"500"}"#.utf8), explain: true)
        let outputs = d.explanation!.decisions.flatMap(\.outputs)
        #expect(outputs.first { $0.name == "approver" }?.computed == nil)
        #expect(outputs.first { $0.name == "report_due" }?.computed?.text == "resolved_at + 7d")
        #expect(d.explanation!.text(.en).contains("  → report_due (report due) = 2026-03-11T17:00:00+08:00 (rule band-300-to-1000)\n      = resolved_at + 7d, with resolved_at = 2026-03-04T17:00:00+08:00\n"))
    }
}
