import Foundation
import Testing
@testable import Verdict

/// Records that contradict themselves are refused where they are decided (issue 35, item 6): fields a
/// policy orders (`resolved_at: {min: received_at}`), a clock whose `stop` is before its start, a clock
/// judged before it started is decided as `not_started`; the checker places a wrong order; generated cases never contradict themselves.
@Suite("Field orders and inconsistent clocks")
struct FieldOrderTests {
    static let fields = """
    fields:
      received_at: timestamp
      resolved_at: {type: timestamp, optional: true, min: received_at}
      contacted_at: {type: timestamp, optional: true, min: received_at, max: resolved_at}
      cost: {type: money, min: 0}
      refund: {type: money, optional: true, max: cost}
      phone_at: {type: timestamp, optional: true, personal: true, min: received_at}
    """
    static let decisions = """
    decisions:
      band:
        outputs: {small: bool}
        rules:
          - when: cost <= 300
            then: {small: true}
    clocks:
      resolve:
        start: received_at
        target: 2d
        stop: resolved_at
    """

    func load(_ fields: String = Self.fields, clocks: String = Self.decisions) throws -> CompiledPolicy {
        let r = check(["schema.yaml": fields, "d.yaml": clocks])
        return try #require(r.policy, "does not load: \(r.diagnostics)")
    }

    func problems(_ p: CompiledPolicy, _ json: String, now: String? = nil) -> [CaseError.Problem] {
        let t = now.map { try! Timestamp(rfc3339: $0) }
        do { _ = try p.decide(json: Array(json.utf8), now: t); return [] } catch { return error.problems }
    }

    @Test func fieldsOutOfOrderAreRefusedByBothDecoders() throws {
        let p = try load()
        let json = #"{"id":"c1","received_at":"2026-03-02T10:00:00+08:00","resolved_at":"2026-03-01T09:00:00+08:00","cost":"10.00"}"#
        let fromJSON = problems(p, json)
        #expect(fromJSON.map(\.code) == [.fieldOrder])
        #expect(fromJSON.first?.field == "resolved_at")
        #expect(fromJSON.first?.message == "`resolved_at` 2026-03-01T09:00:00+08:00 is before `received_at` 2026-03-02T10:00:00+08:00, but `resolved_at` has `min: received_at`: the case contradicts itself")
        // Typed values go through the careful decoder only: the same problem.
        let typed: [String: CaseValue] = ["id": .string("c1"), "received_at": .timestamp(try Timestamp(rfc3339: "2026-03-02T10:00:00+08:00")),
                                          "resolved_at": .timestamp(try Timestamp(rfc3339: "2026-03-01T09:00:00+08:00")), "cost": .money(try Money(parsing: "10.00"))]
        #expect(throws: CaseError.self) { try p.decide(typed) }
        do { _ = try p.decide(typed) } catch { #expect(error.problems.map(\.message) == fromJSON.map(\.message)) }
        // In order, equal, or one side absent: decided.
        #expect(problems(p, #"{"id":"c","received_at":"2026-03-02T10:00:00+08:00","resolved_at":"2026-03-02T10:00:00+08:00","cost":"1.00"}"#).isEmpty)
        #expect(problems(p, #"{"id":"c","received_at":"2026-03-02T10:00:00+08:00","contacted_at":"2026-03-02T11:00:00+08:00","cost":"1.00"}"#).isEmpty)
    }

    @Test func maxOrdersTheOtherWayAndMoneyIsLessThan() throws {
        let p = try load()
        let late = problems(p, #"{"id":"c","received_at":"2026-03-02T10:00:00+08:00","resolved_at":"2026-03-03T10:00:00+08:00","contacted_at":"2026-03-04T10:00:00+08:00","cost":"1.00"}"#)
        #expect(late.map(\.field) == ["contacted_at"])
        #expect(late.first?.message.contains("`resolved_at` 2026-03-03T10:00:00+08:00 is before `contacted_at` 2026-03-04T10:00:00+08:00, but `contacted_at` has `max: resolved_at`") == true)
        let refund = problems(p, #"{"id":"c","received_at":"2026-03-02T10:00:00+08:00","cost":"10.00","refund":"10.01"}"#)
        #expect(refund.map(\.code) == [.fieldOrder])
        #expect(refund.first?.message.contains("`cost` 10.00 is less than `refund` 10.01") == true)
    }

    @Test func aPersonalValueIsNotQuoted() throws {
        let p = try load()
        let r = problems(p, #"{"id":"c","received_at":"2026-03-02T10:00:00+08:00","phone_at":"2026-03-01T10:00:00+08:00","cost":"1.00"}"#)
        #expect(r.map(\.code) == [.fieldOrder])
        #expect(r.first?.message.contains("2026-03-01") == false)
        #expect(r.first?.message.contains("`phone_at` the value (personal data, not shown)") == true)
    }

    @Test func theCheckerPlacesAWrongOrder() throws {
        let (text, line, column) = marked("""
        fields:
          received_at: timestamp
          resolved_at: {type: timestamp, min: ⟨recieved_at}
          cost: {type: money, min: received_at}
          count: {type: integer, max: count}
          flag: {type: bool, min: count}
          done: {type: bool, max: true}
        """)
        let r = check(["schema.yaml": text, "d.yaml": Self.decisions.replacingOccurrences(of: "stop: resolved_at", with: "")])
        let e = errors(r)
        let unknown = try #require(e.first { $0.code == "unknown-name" })
        #expect(unknown.location?.line == line && unknown.location?.column == column)
        #expect(unknown.message == "`min` of field `resolved_at` names `recieved_at`, which is not a field")
        #expect(unknown.help == "did you mean `received_at`?")
        #expect(e.contains { $0.code == "type-mismatch" && $0.message.contains("compares the `money` field `cost` with the `timestamp` field `received_at`") && $0.location?.line == line + 1 })
        #expect(e.contains { $0.code == "invalid-constraint" && $0.message == "`max` of field `count` names the field itself" })
        #expect(e.contains { $0.code == "invalid-constraint" && $0.message.contains("not the `bool` field `flag`") })
        #expect(e.contains { $0.code == "invalid-constraint" && $0.message == "`max` orders integers, money, durations, dates and timestamps, not the `bool` field `done`" })
    }

    @Test func aClockStoppedBeforeItStartsIsRefused() throws {
        let p = try load()
        let json = #"{"id":"c","received_at":"2026-03-02T10:00:00+08:00","cost":"1.00"}"#
        // Without the field order (another policy could stop a clock at any field): the clock refuses it.
        let bare = try load(Self.fields.replacingOccurrences(of: ", min: received_at}", with: "}"))
        let stopped = json.replacingOccurrences(of: "}", with: #","resolved_at":"2026-03-01T10:00:00+08:00"}"#)
        let r = problems(bare, stopped, now: "2026-03-05T00:00:00+08:00")
        #expect(r.map(\.code) == [.inconsistentClock])
        #expect(r.first?.field == "resolved_at")
        #expect(r.first?.message == "clock `resolve` stops at `resolved_at` 2026-03-01T10:00:00+08:00, before its start `received_at` 2026-03-02T10:00:00+08:00: the case contradicts itself")
        // Never "met", with or without a now, explained or not.
        #expect(throws: CaseError.self) { try bare.decide(json: Array(stopped.utf8), explain: true) }
    }

    /// A clock judged at an instant before its start is decided and says so: `not_started`, its
    /// deadline kept, nothing remaining or overdue, whatever its stop field says; from its start on, the
    /// statuses are as before.
    @Test func aClockJudgedBeforeItStartedIsNotStarted() throws {
        let p = try load()
        let json = #"{"id":"c","received_at":"2026-03-02T10:00:00+08:00","cost":"1.00"}"#
        let stopped = json.replacingOccurrences(of: "}", with: #","resolved_at":"2026-03-03T10:00:00+08:00"}"#)
        for (text, stop) in [(json, nil), (stopped, "2026-03-03T10:00:00+08:00")] {
            let early = try p.decide(json: Array(text.utf8), explain: true, now: try Timestamp(rfc3339: "2026-03-02T09:59:59+08:00"))
            let clock = try #require(early.clocks.first)
            #expect(clock.status == .notStarted, "\(text)")
            #expect(clock.remaining == nil && clock.overdue == nil)
            #expect(clock.due == (try Timestamp(rfc3339: "2026-03-04T10:00:00+08:00")))
            #expect(clock.stoppedAt == (try stop.map { try Timestamp(rfc3339: $0) }))
            let json = early.json()
            #expect(json.contains(#""resolve":{"status":"not_started","start":"2026-03-02T10:00:00+08:00","due":"2026-03-04T10:00:00+08:00""#), "\(json)")
            let explanation = try #require(early.explanation)
            #expect(explanation.text(.en).contains("status (at 2026-03-02T09:59:59+08:00): not started (judged before its start)\n"), "\(explanation.text(.en))")
            #expect(explanation.text(.zh).contains("状态 (截至 2026-03-02T09:59:59+08:00): 尚未开始(判定时间早于起点)\n"), "\(explanation.text(.zh))")
        }
        // From its start it runs; stopped, it is met.
        #expect(try p.decide(json: Array(json.utf8), now: try Timestamp(rfc3339: "2026-03-02T10:00:00+08:00")).clocks.first?.status == .pending)
        #expect(try p.decide(json: Array(stopped.utf8), now: try Timestamp(rfc3339: "2026-03-02T10:00:00+08:00")).clocks.first?.status == .met)
        // A policy test can expect it.
        var suite = PolicyTestSuite()
        suite.add(SourceFile(path: "t.test.yaml", text: """
        tests:
          - name: early
            case: {received_at: 2026-03-02T10:00:00+08:00, cost: 1}
            now: 2026-03-01T10:00:00+08:00
            expect_clocks: {resolve: not_started}
          - name: started
            case: {received_at: 2026-03-02T10:00:00+08:00, cost: 1}
            now: 2026-03-02T10:00:00+08:00
            expect_clocks: {resolve: not_started}
        """))
        let report = PolicyTestRunner.run(suite, against: p)
        #expect(report.passed == 1 && report.failures.map(\.test) == ["started"], "\(report.text(coverage: false))")
        #expect(report.text(coverage: false).contains("clock resolve: expected not_started, got pending"), "\(report.text(coverage: false))")
    }

    /// The case's JSON Schema names the other field of each order (`x-minimum-field`,
    /// `x-maximum-field`), which JSON Schema itself cannot state.
    @Test func theCaseSchemaNamesTheOrders() throws {
        let schema = CaseSchema.json(for: try load())
        #expect(schema.contains(#""resolved_at":{"x-minimum-field":"received_at","anyOf":"#), "\(schema)")
        #expect(schema.contains(#""contacted_at":{"x-minimum-field":"received_at","x-maximum-field":"resolved_at","anyOf":"#), "\(schema)")
        #expect(schema.contains(#""refund":{"x-maximum-field":"cost","anyOf":"#), "\(schema)")
        #expect(!schema.contains(#""received_at":{"x-"#))
    }

    @Test func generatedCasesNeverContradictThemselves() throws {
        // Every order and a clock over fields the generator draws independently (2025–2026, days apart).
        let p = try load()
        var g = CaseGenerator(policy: p, seed: 35)
        var ordered = 0
        for _ in 0..<3000 {
            let line = g.nextJSON()
            let r = problems(p, line, now: "2030-01-01T00:00:00+08:00")
            #expect(r.isEmpty, "\(line): \(r.map(\.message))")
            if line.contains("resolved_at") { ordered += 1 }
        }
        #expect(ordered > 1000)  // the orders were exercised, not avoided by leaving fields out
        // Shipped sets: each generated case decides (clocks judged after every generated date).
        for set in ["customer-complaints", "service-standards", "quality-complaints", "examples/food-safety"] {
            let shipped = try CompiledPolicy.load(ownVersionOf: shippedPolicyPath(set))
            var g = CaseGenerator(policy: shipped, seed: 35)
            for _ in 0..<500 {
                let line = g.nextJSON()
                let r = problems(shipped, line, now: "2026-12-31T00:00:00+08:00")
                #expect(!r.contains { $0.code == .fieldOrder || $0.code == .inconsistentClock }, "\(set): \(line): \(r.map(\.message))")
            }
        }
    }
}
