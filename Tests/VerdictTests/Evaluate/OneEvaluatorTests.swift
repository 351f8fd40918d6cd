import Foundation
import Testing
@testable import Verdict

/// A decision with an explanation is the same run as one without: the same outputs, or the same
/// error, for every case. These tests decide generated cases of every shipped set both ways,
/// including cases that must be refused, and count both kinds so they cannot pass vacuously.
@Suite("One evaluator, traced or not")
struct OneEvaluatorTests {
    static let sets = ["quality-complaints", "customer-complaints", "service-standards", "after-sales-template", "examples/food-safety"]

    static func load(_ name: String) throws -> CompiledPolicy { try CompiledPolicy.load(directory: shippedPolicyPath(name)) }

    /// Every timestamp and date in a case moved to another year (2027: not covered by the calendars).
    static func moved(_ json: String, toYear year: Int) -> String {
        json.replacingOccurrences(of: #""20\d\d-"#, with: "\"\(year)-", options: .regularExpression)
    }

    /// Every timestamp and date in a case moved to the last day Verdict prints: any deadline computed
    /// from them overflows.
    static func atTheEndOfTime(_ json: String) -> String {
        json.replacingOccurrences(of: #""\d{4}-\d\d-\d\d"#, with: "\"9999-12-31", options: .regularExpression)
    }

    /// Per set: at least this many of the 1,500 cases are decided, and refused with each code.
    static let expected: [String: (decided: Int, refused: [String: Int])] = [
        // Its event times are ordered (resolved_at after received_at, …): moving a case's dates to one
        // year or to 9999-12-31 (keeping their times) puts many out of order, refused as field-order
        // before any deadline overflows — 531 field-order and 57 arithmetic-overflow with the fixed seed.
        "quality-complaints": (500, ["field-order": 450, "arithmetic-overflow": 50]),
        // Generated event times come after receipt (the set's field orders), so fewer fall in years
        // the calendar does not cover than before those orders: 329 of 1500 with the fixed seed.
        "customer-complaints": (500, ["calendar-year": 250]),
        "service-standards": (1000, [:]),
        "after-sales-template": (1000, ["arithmetic-overflow": 200]),
        // A store calendar of every year: 2027 is decided; a deadline past 9999-12-31 is refused.
        "examples/food-safety": (1000, ["calendar-year": 40]),
    ]

    /// The case without one of its optional fields.
    static func dropping(_ json: String, _ field: String) -> String {
        guard var object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return json }
        object[field] = nil
        return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test(arguments: sets)
    func decidedTheSameWithAndWithoutExplanation(_ name: String) throws {
        let policy = try Self.load(name)
        var generator = CaseGenerator(policy: policy, seed: 20261201)
        let now = t("2026-06-01T12:00:00+08:00")
        let optional = policy.model.fields.filter { $0.optional }.map(\.name)
        var decided = 0, refused: [String: Int] = [:]
        for k in 0..<1500 {
            var json = generator.nextJSON()
            switch k % 5 {
            case 1: json = Self.moved(json, toYear: 2027)
            case 2: json = Self.atTheEndOfTime(json)
            case 3: if !optional.isEmpty { json = Self.dropping(json, optional[k % optional.count]) }
            default: break
            }
            let bytes = Array(json.utf8)
            let plain = Result { () throws(CaseError) in try policy.decide(json: bytes, now: now) }
            let traced = Result { () throws(CaseError) in try policy.decide(json: bytes, explain: true, now: now) }
            #expect(PolicyTestRunner.disagreement(traced, plain) == nil, "\(json)")
            switch plain {
            case .success(let d):
                decided += 1
                // The explanation is complete: it can be read as JSON and as text in both languages.
                let e = try #require(try traced.get().explanation)
                #expect(!e.text(.zh).isEmpty && !e.text(.en).isEmpty)
                #expect(d.json().count > 0)
            case .failure(let error):
                for p in error.problems { refused[p.code.rawValue, default: 0] += 1 }
            }
        }
        let want = try #require(Self.expected[name])
        #expect(decided >= want.decided, "\(decided) of 1500 cases decided; refusals: \(refused)")
        for (code, count) in want.refused { #expect(refused[code, default: 0] >= count, "refusals: \(refused)") }
        #expect(decided + refused.values.reduce(0, +) >= 1500)
    }

    @Test func rulesAfterAFirstMatchAreNotEvaluatedOnEitherPath() throws {
        let calendars = try String(contentsOfFile: shippedPolicyPath("calendars/cn-office.yaml"), encoding: .utf8)
        let r = check([
            "policy.yaml": manifestYAML,
            "schema.yaml": "fields:\n  t: timestamp\n  urgent: bool\n",
            "cn-office.yaml": calendars,
            "levels.yaml": """
            decisions:
              level:
                hit: first
                outputs: {level: integer}
                rules:
                  - id: urgent
                    when: urgent
                    then: {level: 1}
                  - id: within-a-working-hour
                    when: working_hours_after(t, 1, "cn-office") > t
                    then: {level: 2}
            """,
        ], withSchema: false)
        let policy = try #require(r.policy, "\(r.diagnostics)")
        let json = #"{"id": "L-1", "t": "2027-03-02T10:00:00+08:00", "urgent": true}"#
        let plain = try decide(policy, json)
        let explained = try decide(policy, json, explain: true)
        #expect(plain["level"] == .integer(1))
        #expect(explained.withoutExplanation.json() == plain.json())
        let rules = try #require(explained.explanation?.decisions.first?.rules)
        #expect(rules.map(\.evaluated) == [true, false])
        #expect(explained.explanation!.text(.en).contains("not evaluated: an earlier rule decides"))
        #expect(explained.json().contains(#""evaluated":false"#))
        // Not urgent: the second rule is evaluated, and 2027 is refused the same way on both paths.
        let late = #"{"id": "L-2", "t": "2027-03-02T10:00:00+08:00", "urgent": false}"#
        for explain in [false, true] {
            #expect(throws: CaseError.self) { try decide(policy, late, explain: explain) }
            do { _ = try decide(policy, late, explain: explain) } catch let e as CaseError {
                #expect(e.problems.map(\.code) == [.calendarYear])
                #expect(e.problems[0].message.contains("needed by rule `within-a-working-hour`"))
            }
        }
    }

    @Test func overflowIsACaseErrorNeverAWrappedValue() throws {
        let r = check([
            "schema.yaml": "fields:\n  n: integer\n  cost: money\n  t: timestamp\n  du: duration\n",
            "d.yaml": """
            decisions:
              d:
                hit: collect
                outputs: {flags: list<integer>}
                rules:
                  - {id: big, when: n + 9223372036854775807 > 0, then: {flags: 1}}
                  - {id: money, when: cost + 0.01 > 0, then: {flags: 2}}
              e:
                outputs: {due: timestamp}
                rules:
                  - {id: time, then: {due: t + du}}
            """,
        ], withSchema: false)
        let policy = try #require(r.policy, "\(r.diagnostics)")
        func code(_ json: String) -> String? {
            do { _ = try decide(policy, json); return nil } catch let e as CaseError { return e.problems.first?.code.rawValue } catch { return "\(error)" }
        }
        let ok = #"{"id": "x", "n": 0, "cost": "1.00", "t": "2026-01-01T00:00:00+08:00", "du": "1h"}"#
        #expect(code(ok) == nil)
        #expect(code(ok.replacingOccurrences(of: #""n": 0"#, with: #""n": 1"#)) == "arithmetic-overflow")
        #expect(code(ok.replacingOccurrences(of: #""1.00""#, with: #""92233720368547758.07""#)) == "arithmetic-overflow")
        #expect(code(ok.replacingOccurrences(of: #""1h""#, with: #""106751991167d""#)) == "arithmetic-overflow")
        #expect(code(ok.replacingOccurrences(of: #""1h""#, with: #""-2930000d""#)) == "arithmetic-overflow")
    }

    @Test func anOverflowingConstantIsRefusedWhenThePolicyLoads() {
        let r = check([
            "schema.yaml": "fields:\n  n: integer\n",
            "d.yaml": """
            decisions:
              d:
                outputs: {x: integer}
                rules:
                  - {id: r, when: n > 9223372036854775807 + 1, then: {x: 1}}
            """,
        ], withSchema: false)
        #expect(r.policy == nil)
        #expect(errors(r).map(\.code) == ["constant-overflow"])
    }

    @Test func invalidUTF8IsRefusedByEveryDecoder() throws {
        var bytes = Array(#"{"id": "Q-1", "region": "Hen"#.utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array(#"an"}"#.utf8)
        #expect(qualityComplaints.fastDecoder.decode(bytes) == nil)
        #expect(throws: CaseError.self) { try qualityComplaints.prepare(json: bytes) }
    }

    @Test func fastAndCarefulDecodersAgree() throws {
        for name in Self.sets {
            let policy = try Self.load(name)
            var generator = CaseGenerator(policy: policy, seed: 99)
            var fast = 0
            for _ in 0..<500 {
                let json = Array(generator.nextJSON().utf8)
                var careful = CaseDecoder(policy: policy)
                let carefulSlots = try #require(careful.decode(json: try JSONReader.parse(json)))
                // The fast decoder may leave a case to the careful one, never decode it differently.
                if let fastSlots = policy.fastDecoder.decode(json) {
                    fast += 1
                    #expect(fastSlots == carefulSlots)
                }
            }
            #expect(fast >= 400, "\(name): the fast decoder took only \(fast) of 500 generated cases")
        }
    }

    @Test func fastDecoderDefersAnythingUnusualToTheCarefulOne() {
        let unusual = [
            #"{"id": "x\u0041", "kind": "quality", "received_at": "2026-03-02T10:00:00+08:00"}"#,  // an escape
            #"{"kind": "quality", "id": "x", "received_at": "2026-03-02T10:00:00+08:00"}"#,       // another order is fine
            #"{"id": "x", "kind": "qualty", "received_at": "2026-03-02T10:00:00+08:00"}"#,       // a typo
        ]
        #expect(customerComplaints.fastDecoder.decode(Array(unusual[0].utf8)) == nil)
        #expect(customerComplaints.fastDecoder.decode(Array(unusual[1].utf8)) != nil)
        #expect(customerComplaints.fastDecoder.decode(Array(unusual[2].utf8)) == nil)
        #expect((try? customerComplaints.decide(json: Array(unusual[0].utf8)))?.caseID == "xA")
    }

    @Test func aPolicyWithoutClocksHasNoNowKey() throws {
        let r = check(["d.yaml": "decisions:\n  d:\n    outputs: {x: integer}\n    rules:\n      - {id: r, then: {x: 1}}\n"])
        let policy = try #require(r.policy)
        let d = try policy.decide(json: Array(#"{"id": "1", "cost": "1.00", "region": "a", "branch": "b", "hospitalised": false, "problem": "fly"}"#.utf8),
                                  now: t("2026-06-01T12:00:00+08:00"))
        #expect(!d.json().contains(#""now""#))
    }

    /// Where two ways of deciding one case differ: nil when both decide the same (equal JSON) or both
    /// refuse it with the same error; a description otherwise, a throw on one side only included.
    static func difference(_ expected: Result<Decision, CaseError>, _ got: Result<Decision, CaseError>) -> String? {
        switch (expected, got) {
        case let (.success(a), .success(b)):
            return a.json() == b.json() ? nil : "decided differently: \(a.json()) vs \(b.json())"
        case let (.failure(a), .failure(b)):
            return a == b ? nil : "refused differently: \(a) vs \(b)"
        case let (.success(a), .failure(e)):
            return "the policy decides (\(a.json())) where the other throws \(e.problems.map(\.code)): \(e)"
        case let (.failure(e), .success(b)):
            return "the policy throws \(e.problems.map(\.code)) where the other decides: \(b.json())"
        }
    }

    /// Generated cases, every third moved to 2027 (a year the calendars do not cover) and every third
    /// to the end of time (deadlines overflow), so the comparisons include refusals.
    static func varied(_ json: String, _ k: Int) -> String {
        switch k % 3 {
        case 1: return moved(json, toYear: 2027)
        case 2: return atTheEndOfTime(json)
        default: return json
        }
    }

    /// Per set, at least this many of 450 varied cases are refused by both sides (none in a set without
    /// calendars or arithmetic that can overflow).
    /// (quality-complaints: cases its field orders refuse fail in `prepare` and are left out; 36 remain.)
    static let refusedOfVaried: [String: Int] = ["quality-complaints": 30, "customer-complaints": 100, "service-standards": 0, "after-sales-template": 50, "examples/food-safety": 20]

    @Test(arguments: sets)
    func decidingIntoAReusedDecisionGivesTheSameDecision(_ name: String) throws {
        let policy = try Self.load(name)
        let decider = policy.decider()
        var reused = decider.reusableDecision()
        var generator = CaseGenerator(policy: policy, seed: 7)
        let now = t("2026-06-01T12:00:00+08:00")
        var decided = 0, refused = 0
        for k in 0..<450 {
            let json = Self.varied(generator.nextJSON(), k)
            let prepared: PreparedCase
            do { prepared = try policy.prepare(json: Array(json.utf8)) } catch { continue }  // the same for both sides
            let fresh = Result { () throws(CaseError) in try policy.decide(prepared, now: now) }
            let into = Result { () throws(CaseError) -> Decision in
                try decider.decide(prepared, now: now, into: &reused)
                return reused
            }
            #expect(Self.difference(fresh, into) == nil, "\(json)")
            if case .success = fresh { decided += 1 } else { refused += 1 }
        }
        #expect(decided >= 100, "\(decided) decided, \(refused) refused")
        #expect(refused >= Self.refusedOfVaried[name, default: 0], "\(decided) decided, \(refused) refused")
    }

    /// The explanation's JSON is written straight from the trace and its structures are built from
    /// the same trace separately: they must say the same thing.
    @Test(arguments: sets)
    func explanationJSONAgreesWithItsStructures(_ name: String) throws {
        let policy = try Self.load(name)
        var generator = CaseGenerator(policy: policy, seed: 3)
        var compared = 0
        for _ in 0..<200 {
            guard let d = try? policy.decide(json: Array(generator.nextJSON().utf8), explain: true, now: t("2026-06-01T12:00:00+08:00")),
                  let e = d.explanation else { continue }
            var w = JSONWriter()
            e.write(to: &w)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(w.bytes)) as? [String: Any])
            let decisions = try #require(json["decisions"] as? [[String: Any]])
            #expect(decisions.count == e.decisions.count)
            for (dj, ds) in zip(decisions, e.decisions) {
                #expect(dj["decision"] as? String == ds.name)
                let rules = try #require(dj["rules"] as? [[String: Any]])
                #expect(rules.map { $0["id"] as? String } == ds.rules.map(\.id))
                #expect(rules.map { $0["matched"] as? Bool } == ds.rules.map(\.matched))
                #expect(rules.map { $0["selected"] as? Bool } == ds.rules.map(\.selected))
                #expect(rules.map { ($0["evaluated"] as? Bool) ?? true } == ds.rules.map(\.evaluated))
                #expect(rules.map { ($0["failed"] as? [String: Any])?["condition"] as? String } == ds.rules.map { $0.failed?.text })
                let overrides = dj["overrides"] as? [[String: Any]] ?? []
                #expect(overrides.map { $0["applied"] as? Bool } == ds.overrides.map(\.applied))
                #expect(overrides.map { ($0["operations"] as? [[String: Any]] ?? []).map { $0["result"] as? String } }
                        == ds.overrides.map { $0.operations.map { $0.result.rawValue } })
                let outputs = try #require(dj["outputs"] as? [String: Any])
                for o in ds.outputs where !o.raw.isAbsent {
                    let oj = try #require(outputs[o.name] as? [String: Any])
                    #expect(oj["rules"] as? [String] == o.rules)
                    #expect((oj["overrides"] as? [String] ?? []) == o.overrides)
                }
            }
            compared += 1
        }
        #expect(compared >= 100)
    }

    /// A decider evaluates with its own copies of the program's constants (so two threads never write
    /// one reference count): equal to the program's, in storage of their own, and a decider's decisions
    /// are the policy's.
    @Test(arguments: sets)
    func aDeciderDecidesWithItsOwnCopiesOfTheConstants(_ name: String) throws {
        let policy = try Self.load(name)
        let decider = policy.decider()
        let program = policy.program.constants, own = decider.counted.constants
        #expect(own.count == program.count)
        #expect(own.baseAddress != program.baseAddress)
        var lists = 0
        for (mine, theirs) in zip(own, program) {
            #expect(mine == theirs)
            if case .list(let a) = mine, case .list(let b) = theirs, !a.isEmpty {
                lists += 1
                a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in #expect(x.baseAddress != y.baseAddress) } }
            }
        }
        if name == "quality-complaints" { #expect(lists > 0) }  // its signer chains
        // The same result for every case, refusals and invalid cases included: the same decision, or
        // the same error from both.
        var generator = CaseGenerator(policy: policy, seed: 11)
        let now = t("2026-06-01T12:00:00+08:00")
        var decided = 0, refused = 0
        for k in 0..<450 {
            let bytes = Array(Self.varied(generator.nextJSON(), k).utf8)
            let a = Result { () throws(CaseError) in try policy.decide(json: bytes, now: now) }
            let b = Result { () throws(CaseError) in try decider.decide(json: bytes, now: now) }
            #expect(Self.difference(a, b) == nil, "\(String(decoding: bytes, as: UTF8.self))")
            if case .success = a { decided += 1 } else { refused += 1 }
        }
        #expect(decided >= 100, "\(decided) decided, \(refused) refused")
        #expect(refused >= Self.refusedOfVaried[name, default: 0], "\(decided) decided, \(refused) refused")
    }
}
