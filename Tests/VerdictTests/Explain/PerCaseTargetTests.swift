import Foundation
import Testing
@testable import Verdict

/// A clock whose target a decision gives per case (issue 29, item 1): one clock for every severity.
@Suite struct PerCaseTargetTests {
    static let calendar = """
    calendars:
      store:
        timezone: Asia/Shanghai
        weekdays: [mon, tue, wed, thu, fri, sat, sun]
        hours: ["10:00-22:00"]
        years: every
    """

    static let schema = """
    fields:
      reported_at: timestamp
      severity: {values: [critical, major, minor, unknown]}
      answered_at: {type: timestamp, optional: true}
      bonus: {type: integer, default: 0}
    """

    /// `response_hours` (integer) for the working-time clock, `reply_within` (duration) for the clock-time one.
    static let rules = """
    decisions:
      sla:
        hit: first
        outputs:
          response_hours: integer
          reply_within: duration
          warn_within: duration
        rules:
          - id: critical
            when: severity == critical
            then: {response_hours: 1, reply_within: 2h, warn_within: 1h}
          - id: major
            when: severity == major
            then: {response_hours: 4, reply_within: 1d, warn_within: 12h}
          - id: minor
            when: severity == minor
            then: {response_hours: bonus - 1, reply_within: 3d}
    clocks:
      response:
        start: reported_at
        target: {working_hours: response_hours, calendar: store}
        stop: answered_at
        outputs: {due: respond_due}
      reply:
        start: reported_at
        target: reply_within
        at_risk: warn_within
        outputs: {due: reply_due, at_risk: reply_warn}
    """

    static func policy(_ rules: String = rules) throws -> CompiledPolicy {
        try CompiledPolicy.load(sources: [
            SourceFile(path: "policy.yaml", text: manifestYAML + "\n  timezone: Asia/Shanghai"),
            SourceFile(path: "calendar.yaml", text: calendar),
            SourceFile(path: "schema.yaml", text: schema),
            SourceFile(path: "rules.yaml", text: rules),
        ])
    }

    static func bytes(_ severity: String, bonus: Int = 0) -> [UInt8] {
        Array(#"{"id": "F-1", "reported_at": "2026-03-02T21:30:00+08:00", "severity": "\#(severity)", "bonus": \#(bonus)}"#.utf8)
    }

    @Test("one clock, the target of each severity", arguments: [
        ("critical", "2026-03-03T10:30:00+08:00", "2026-03-02T23:30:00+08:00"),  // 1 store hour: 30 min tonight, 30 min tomorrow
        ("major", "2026-03-03T13:30:00+08:00", "2026-03-03T21:30:00+08:00"),     // 4 store hours; 1 day of clock time
        ("minor", "2026-03-03T20:30:00+08:00", "2026-03-05T21:30:00+08:00"),     // bonus 12 - 1 = 11 store hours; 3 days
    ])
    func eachSeverity(_ severity: String, _ respond: String, _ reply: String) throws {
        let d = try Self.policy().decide(json: Self.bytes(severity, bonus: 12))
        #expect(d["respond_due"] == .timestamp(t(respond)))
        #expect(d.clocks.first { $0.name == "response" }?.due == t(respond))
        #expect(d.clocks.first { $0.name == "response" }?.calendar == "store")
        #expect(d.clocks.first { $0.name == "reply" }?.due == t(reply))
    }

    @Test func theExplanationNamesTheRuleThatSetTheTarget() throws {
        let d = try Self.policy().decide(json: Self.bytes("major"), explain: true, now: t("2026-03-03T12:00:00+08:00"))
        let text = d.explanation!.text(.en)
        #expect(text.contains("""
          start: reported_at = 2026-03-02T21:30:00+08:00; target: 4 working hours in store (response_hours = 4, set by rule `major` of decision `sla` at rules.yaml:12:9)
            counted 2026-03-02 21:30–22:00
            counted 2026-03-03 10:00–13:30
          → due 2026-03-03T13:30:00+08:00
          status (at 2026-03-03T12:00:00+08:00): pending, 1 working hour 30 min remaining (1h30m in calendar time)
        """), "\(text)")
        #expect(text.contains("""
          start: reported_at = 2026-03-02T21:30:00+08:00; target: 1d in clock time (reply_within = 1d, set by rule `major` of decision `sla` at rules.yaml:12:9)
          at-risk point: warn_within = 12h, set by rule `major` of decision `sla` at rules.yaml:12:9
        """), "\(text)")
        let zh = d.explanation!.text(.zh)
        #expect(zh.contains("时限: store 日历 4个工作小时(`response_hours` = 4,由决策 `sla` 的规则 `major` 设定,rules.yaml:12:9)"), "\(zh)")
        let json = d.explanation!.json()
        #expect(json.contains(#""target_from":{"output":"response_hours","value":4,"decision":"sla","rules":["major"],"at":"rules.yaml:12:9"}"#), "\(json)")
        #expect(json.contains(#""at_risk_from":{"output":"warn_within","value":"12h","decision":"sla","rules":["major"],"at":"rules.yaml:12:9"}"#), "\(json)")
    }

    @Test func noRuleSettingTheTargetLeavesTheClockUnstarted() throws {
        let d = try Self.policy().decide(json: Self.bytes("unknown"), explain: true, now: t("2026-03-03T12:00:00+08:00"))
        #expect(d.clocks.isEmpty)
        #expect(d["respond_due"] == nil)
        let text = d.explanation!.text(.en)
        #expect(text.contains("  does not apply — no rule of decision `sla` set its target `response_hours` for this case, so the clock did not start\n"), "\(text)")
        #expect(d.explanation!.text(.zh).contains("  不适用 — 决策 `sla` 没有规则为本案设定时限 `response_hours`,时限未启动\n"))
        let json = d.explanation!.json()
        #expect(json.contains(#""applies":false"#) && json.contains(#""target_from":{"output":"response_hours","value":null,"decision":"sla","rules":[]}"#), "\(json)")
    }

    @Test func aNegativeTargetIsACaseError() throws {
        let p = try Self.policy()
        do throws(CaseError) {
            _ = try p.decide(json: Self.bytes("minor", bonus: 0))
            Issue.record("expected a case error")
        } catch {
            #expect(error.problems.map(\.code) == [.negativeTarget])
            #expect(error.problems.first?.message == "a negative clock target: the output that gives the clock's target is below zero for this case (needed by clock `response`)")
        }
    }

    @Test func aParameterOfWorkingHoursIsATarget() throws {
        let rules = """
        parameters:
          critical_hours: {type: integer, value: 1}
          major_within: {type: duration, value: 90m}
        clocks:
          critical:
            start: reported_at
            target: {working_hours: critical_hours, calendar: store}
          major:
            start: reported_at
            target: {working_hours: major_within, calendar: store}
        """
        let p = try Self.policy(rules)
        #expect(p.model.clocks.map { $0.target.text.en ?? "" } == ["1h of working time in store (parameter critical_hours)", "1h30m of working time in store (parameter major_within)"])
        let d = try p.decide(json: Self.bytes("major"))
        #expect(d.clocks.map(\.due) == [t("2026-03-03T10:30:00+08:00"), t("2026-03-03T11:00:00+08:00")])
    }

    func refusal(_ target: String, extra: String = "") -> [String] {
        let r = PolicyLoader.check(sources: [
            SourceFile(path: "policy.yaml", text: manifestYAML), SourceFile(path: "calendar.yaml", text: Self.calendar),
            SourceFile(path: "schema.yaml", text: Self.schema),
            SourceFile(path: "rules.yaml", text: """
            parameters:
              label_text: {type: string, value: fast}
            decisions:
              sla:
                hit: first
                outputs: {response_hours: integer, level: bool}
                rules:
                  - then: {response_hours: 4, level: true}
            clocks:
              response:
                start: reported_at
                target: \(target)
            """ + extra),
        ])
        return errors(r).map { "\($0.location?.line ?? 0):\($0.location?.column ?? 0) \($0.code): \($0.message)" + ($0.help.map { " | \($0)" } ?? "") }
    }

    @Test func aWronglyTypedTargetIsRefused() {
        #expect(refusal("{working_hours: level, calendar: store}") == [
            "12:29 type-mismatch: output `level` is a `bool`; a target in working hours needs a `duration` (like 4h) or an `integer` (whole hours)"])
        #expect(refusal("{working_days: label_text, calendar: store}") == [
            "12:28 type-mismatch: parameter `label_text` is a `string`; a target in working days needs an `integer`"])
        #expect(refusal("response_hours") == [
            "12:13 type-mismatch: output `response_hours` is an `integer`; a target in clock time needs a `duration` output (like 4h) | for whole working hours write `{working_hours: response_hours, calendar: NAME}`"])
        #expect(refusal("{working_hours: response_hour, calendar: store}") == [
            "12:29 unknown-name: unknown parameter or output `response_hour` | did you mean `response_hours`?"])
        #expect(refusal("{working_hours: respond_due, calendar: store}", extra: "\n    outputs: {due: respond_due}") == [
            "12:29 unknown-name: unknown parameter or output `respond_due` | valid parameters and outputs: `label_text`, `level`, `response_hours`"])
    }
}
