import Foundation
import Testing
@testable import Verdict

/// The typed slots: conditions on a field or output of a scalar type compare `Int64`s beside the
/// values. Each condition here has a decision of its own that says whether it held (`true`), did not
/// (`false`) or was unknown (the output absent), so Kleene's logic, boundaries and the fallback for a
/// slot that has no typed form (an integer that is `Int64.min`) are all seen in the outputs.
@Suite("Typed slots")
struct TypedSlotsTests {
    static let schema = """
    fields:
      n: {type: integer, optional: true}
      cost: {type: money, optional: true}
      at: {type: timestamp, optional: true}
      day: {type: date, optional: true}
      wait: {type: duration, optional: true}
      flag: {type: bool, optional: true}
      problem: {values: [fly, pig_hair, needle], optional: true}
    """

    /// One decision per condition: `true` when it holds, `false` when its negation does, absent when
    /// neither (unknown).
    static let conditions: [(name: String, when: String)] = [
        ("big", "n > 5"),
        ("negative", "n < 0"),
        ("five", "n == 5"),
        ("cheap", "cost <= 300"),
        ("band", "cost in (300..1000]"),
        ("late", #"at >= "2026-06-01T00:00:00+08:00""#),
        ("long", "wait > 2h"),
        ("flagged", "flag"),
        ("flag_false", "flag == false"),
        ("malignant", "problem in [fly, needle]"),
        ("is_fly", "problem == fly"),
    ]

    static let rules: String = {
        var text = "decisions:\n"
        for c in conditions {
            text += """
              \(c.name):
                outputs: {\(c.name): bool}
                rules:
                  - {id: \(c.name)-yes, when: '\(c.when)', then: {\(c.name): true}}
                  - {id: \(c.name)-no, when: 'not (\(c.when))', then: {\(c.name): false}}

            """
        }
        // Outputs written by one table and read by a later one in the same decision: an integer, a
        // bool and a member.
        text += """
          grade:
            outputs: {level: integer, urgent: bool, kind: problem}
            rules:
              - {id: high, when: 'n > 100', then: {level: 3, urgent: true, kind: needle}}
              - {id: mid, when: 'n > 5', then: {level: 2, urgent: false, kind: fly}}
          follow:
            outputs: {escalate: bool}
            rules:
              - {id: escalate, when: 'level >= 2 and urgent and kind in [needle]', then: {escalate: true}}
              - {id: calm, when: 'level < 3 and not urgent and kind == fly', then: {escalate: false}}

        """
        return text
    }()

    static let policy: CompiledPolicy = {
        let r = check(["schema.yaml": schema, "rules.yaml": rules])
        guard let p = r.policy else { fatalError("\(r.diagnostics)") }
        return p
    }()

    /// The tri-state of each condition (`"T"`, `"F"`, `"?"`), by name.
    static func states(_ d: Decision) -> [String: String] {
        var out: [String: String] = [:]
        for c in conditions {
            switch d[c.name] {
            case .bool(true)?: out[c.name] = "T"
            case .bool(false)?: out[c.name] = "F"
            default: out[c.name] = "?"
            }
        }
        return out
    }

    static func decide(_ json: String) throws -> [String: String] {
        let plain = try VerdictTests.decide(policy, json)
        let traced = try VerdictTests.decide(policy, json, explain: true)
        #expect(states(plain) == states(traced), "the traced run agrees")
        return states(plain)
    }

    @Test func absentSlotsAreUnknown() throws {
        let s = try Self.decide(#"{"id": "a"}"#)
        for c in Self.conditions { #expect(s[c.name] == "?", "\(c.name)") }
    }

    @Test func boundaries() throws {
        var s = try Self.decide(#"{"id": "b", "n": 5, "cost": "300", "at": "2026-06-01T00:00:00+08:00", "wait": "2h", "flag": false, "problem": "pig_hair"}"#)
        #expect(s["big"] == "F")
        #expect(s["negative"] == "F")
        #expect(s["five"] == "T")
        #expect(s["cheap"] == "T")
        #expect(s["band"] == "F")  // (300..1000]: 300 is outside
        #expect(s["late"] == "T")
        #expect(s["long"] == "F")
        #expect(s["flagged"] == "F")
        #expect(s["flag_false"] == "T")
        #expect(s["malignant"] == "F")  // a member, not in the set
        #expect(s["is_fly"] == "F")
        s = try Self.decide(#"{"id": "b", "n": 6, "cost": "1000", "at": "2026-05-31T23:59:59+08:00", "wait": "2h1m", "flag": true, "problem": "needle"}"#)
        #expect(s["big"] == "T")
        #expect(s["cheap"] == "F")
        #expect(s["band"] == "T")  // 1000 is inside
        #expect(s["late"] == "F")
        #expect(s["long"] == "T")
        #expect(s["flagged"] == "T")
        #expect(s["flag_false"] == "F")
        #expect(s["malignant"] == "T")
        #expect(s["is_fly"] == "F")
        s = try Self.decide(#"{"id": "b", "cost": "1000.01"}"#)
        #expect(s["band"] == "F")
        #expect(s["cheap"] == "F")
    }

    /// The extremes of an integer: `Int64.min` has no typed form of its own (it is the absent
    /// marker), so the slot is read as its value — and still compared as a number, not as absent.
    @Test func integerExtremes() throws {
        var s = try Self.decide(#"{"id": "m", "n": -9223372036854775808}"#)
        #expect(s["big"] == "F")
        #expect(s["negative"] == "T")
        #expect(s["five"] == "F")
        s = try Self.decide(#"{"id": "m", "n": 9223372036854775807}"#)
        #expect(s["big"] == "T")
        #expect(s["negative"] == "F")
    }

    @Test func outputsWrittenThenReadByALaterTable() throws {
        var d = try VerdictTests.decide(Self.policy, #"{"id": "o", "n": 500}"#)
        #expect(d["level"] == .integer(3))
        #expect(d["escalate"] == .bool(true))
        d = try VerdictTests.decide(Self.policy, #"{"id": "o", "n": 50}"#)
        #expect(d["escalate"] == .bool(false))
        d = try VerdictTests.decide(Self.policy, #"{"id": "o", "n": 1}"#)
        #expect(d["level"] == nil)
        #expect(d["escalate"] == nil)  // every output it reads is absent: unknown, no rule
    }

    /// A decision reused across cases with different absences gives what a new decision gives: no
    /// typed slot is left from the case before.
    @Test func reusedDecisionAfterDifferentAbsences() throws {
        let decider = Self.policy.decider()
        var reused = decider.reusableDecision()
        let cases = [
            #"{"id": "r1", "n": 500, "cost": "400", "at": "2026-07-01T00:00:00Z", "wait": "3h", "flag": true, "problem": "fly"}"#,
            #"{"id": "r2"}"#,
            #"{"id": "r3", "n": 50, "flag": false}"#,
            #"{"id": "r4", "cost": "100", "problem": "pig_hair"}"#,
            #"{"id": "r5", "n": 500, "cost": "400", "at": "2026-07-01T00:00:00Z", "wait": "3h", "flag": true, "problem": "fly"}"#,
        ]
        for json in cases {
            let prepared = try Self.policy.prepare(json: json)
            try decider.decide(prepared, into: &reused)
            let fresh = try Self.policy.decide(prepared)
            #expect(reused.json() == fresh.json(), "\(json)")
        }
    }

    /// Conditions over typed slots compile to the typed instructions (so the tests above exercise them).
    @Test func typedInstructionsAreUsed() {
        var counts = (compare: 0, bits: 0, range: 0, bool: 0)
        for i in Self.policy.program.instructions {
            switch i {
            case .scalarCompare: counts.compare += 1
            case .scalarInBits: counts.bits += 1
            case .scalarInRange: counts.range += 1
            case .scalarBool: counts.bool += 1
            default: break
            }
        }
        #expect(counts.compare >= 10)
        #expect(counts.bits >= 3)
        #expect(counts.range >= 2)
        #expect(counts.bool >= 4)
    }
}
