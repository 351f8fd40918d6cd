import Foundation
import Testing
@testable import Verdict

/// Field bounds: each at its bound and just past it, by both case decoders, in the case schema,
/// and as located errors when they are written wrongly.
@Suite("Field constraints")
struct FieldConstraintTests {
    static let policy: CompiledPolicy = {
        let r = check(["schema.yaml": """
        fields:
          cost: {type: money, min: 0, max: "100000.00"}
          repairs: {type: integer, min: 0, max: 20}
          wait: {type: duration, optional: true, min: 0m, max: 30d}
          reported_at: {type: timestamp, optional: true, min: "2020-01-01T00:00:00+08:00"}
          bought_on: {type: date, optional: true, max: 2030-12-31}
          region: {type: string, optional: true, min_length: 2, max_length: 8}
          phone: {type: string, optional: true, pattern: "^1[3-9]\\\\d{9}$"}
          parts: {type: list<string>, optional: true, min_length: 1, max_length: 3}
        """, "d.yaml": """
        decisions:
          band:
            outputs: {small: bool}
            rules:
              - when: cost <= 300 and repairs >= 0 and present(wait) or present(reported_at) or present(bought_on) or present(region) or present(phone) or present(parts)
                then: {small: true}
        """])
        guard let p = r.policy else { fatalError("constraint policy does not load: \(r.diagnostics)") }
        return p
    }()

    /// The problems both decoders find with a case (the fast one declines, the careful one reports);
    /// `members` are added to a valid case, whose `cost` and `repairs` may be replaced.
    func problems(_ members: String = "", cost: String = #""10.00""#, repairs: String = "1") -> [CaseError.Problem] {
        let json = #"{"id":"C-1","cost":"# + cost + #","repairs":"# + repairs + (members.isEmpty ? "" : "," + members) + "}"
        let bytes = Array(json.utf8)
        var careful = CaseDecoder(policy: Self.policy)
        guard let parsed = try? JSONReader.parse(bytes) else {
            Issue.record("not JSON: \(json)")
            return []
        }
        let slots = careful.decode(json: parsed)
        let fast = Self.policy.fastDecoder.decode(bytes)
        // The fast decoder may decline a valid case it does not read (a list), never accept an invalid one.
        if slots == nil { #expect(fast == nil, "the fast decoder accepted \(json)") }
        if let fast { #expect(slots == fast, "the decoders disagree on \(json)") }
        if !json.contains("[") { #expect((slots == nil) == (fast == nil), "the decoders disagree on \(json)") }
        return careful.problems
    }

    @Test func moneyAtAndPastItsBounds() {
        #expect(problems(cost: #""0""#).isEmpty)
        let below = problems(cost: #""-5.00""#)
        #expect(below.map(\.code) == [.constraintViolated])
        #expect(below.first?.field == "cost")
        #expect(below.first?.message == "-5.00 is below its `min` 0.00")
        #expect(problems(cost: #""-0.01""#).first?.message == "-0.01 is below its `min` 0.00")
        #expect(problems(cost: #""100000.00""#).isEmpty)
        #expect(problems(cost: "100000.01").first?.message == "100000.01 is above its `max` 100000.00")
    }

    @Test func integersAtAndPastTheirBounds() {
        #expect(problems(repairs: "0").isEmpty)
        #expect(problems(repairs: "20").isEmpty)
        #expect(problems(repairs: "-1").first?.message == "-1 is below its `min` 0")
        #expect(problems(repairs: "21").first?.message == "21 is above its `max` 20")
        // Both bounds broken at once: each field's problem is reported.
        #expect(problems(cost: #""-1""#, repairs: "21").map(\.field) == ["cost", "repairs"])
    }

    @Test func durationsDatesAndTimestamps() {
        #expect(problems(#""wait":"0m""#).isEmpty)
        #expect(problems(#""wait":"30d""#).isEmpty)
        #expect(problems(#""wait":"30d1m""#).first?.message == "30d1m is above its `max` 30d")
        #expect(problems(#""wait":"-1m""#).first?.message == "-1m is below its `min` 0s")
        #expect(problems(#""reported_at":"2020-01-01T00:00:00+08:00""#).isEmpty)
        // The same instant as the bound, less a second, written in UTC.
        #expect(problems(#""reported_at":"2019-12-31T15:59:59Z""#).first?.message == "2019-12-31T23:59:59+08:00 is below its `min` 2020-01-01T00:00:00+08:00")
        #expect(problems(#""bought_on":"2030-12-31""#).isEmpty)
        #expect(problems(#""bought_on":"2031-01-01""#).first?.message == "2031-01-01 is above its `max` 2030-12-31")
    }

    @Test func stringLengthsCountCharacters() {
        #expect(problems(#""region":"河南""#).isEmpty)  // two characters, six bytes
        #expect(problems(#""region":"豫""#).first?.message == "has 1 character, fewer than its `min_length` 2")
        #expect(problems(#""region":"12345678""#).isEmpty)
        #expect(problems(#""region":"123456789""#).first?.message == "has 9 characters, more than its `max_length` 8")
    }

    @Test func patternsMatchTheWholeString() {
        #expect(problems(#""phone":"13812345678""#).isEmpty)
        #expect(problems(#""phone":"1381234567""#).first?.message == "\"1381234567\" does not match its `pattern` `^1[3-9]\\d{9}$`")
        #expect(problems(#""phone":"12812345678""#).map(\.code) == [.constraintViolated])
        #expect(problems(#""phone":"138123456789""#).map(\.code) == [.constraintViolated])
    }

    @Test func listLengthsCountItems() {
        #expect(problems(#""parts":["a"]"#).isEmpty)
        #expect(problems(#""parts":[]"#).first?.message == "has 0 items, fewer than its `min_length` 1")
        #expect(problems(#""parts":["a","b","c","d"]"#).first?.message == "has 4 items, more than its `max_length` 3")
    }

    @Test func typedValuesAreCheckedToo() throws {
        do {
            _ = try Self.policy.decide(["id": .string("C-2"), "cost": .money(Money(minorUnits: -1, scale: 2)), "repairs": .integer(1)])
            Issue.record("a negative cost was decided")
        } catch {
            #expect(error.problems.map(\.code) == [.constraintViolated])
            #expect(error.problems.first?.message == "-0.01 is below its `min` 0.00")
        }
    }

    @Test func theCaseSchemaStatesTheBounds() {
        let schema = CaseSchema.json(for: Self.policy)
        #expect(schema.contains(#""repairs":{"type":"integer","minimum":0,"maximum":20}"#))
        #expect(schema.contains(#""x-minimum":"0.00","x-maximum":"100000.00""#))
        #expect(schema.contains(#"{"type":"number","minimum":0.00,"maximum":100000.00}"#))
        #expect(schema.contains(#""minLength":2,"maxLength":8,"type":"string""#))
        #expect(schema.contains(#""pattern":"^(?:1[3-9]\\d{9})$","type":"string""#))
        #expect(schema.contains(#""minItems":1,"maxItems":3,"type":"array""#))
        #expect(schema.contains(#""x-minimum":"2020-01-01T00:00:00+08:00""#))
    }

    @Test(arguments: [
        ("region: {type: string, min: 0}", "`min` bounds integers, money, durations, dates and timestamps, not the `string` field `region`"),
        ("repairs: {type: integer, max_length: 3}", "`max_length` bounds the length of strings and lists, not of the `integer` field `repairs`"),
        ("repairs: {type: integer, min: 5, max: 1}", "field `repairs` has `min` 5 above its `max` 1"),
        ("region: {type: string, min_length: 3, max_length: 2}", "field `region` has `min_length` 3 above its `max_length` 2"),
        ("region: {type: string, min_length: -1}", "`min_length` is a whole number of characters, at least 0"),
        ("repairs: {type: integer, pattern: \"[0-9]+\"}", "`pattern` applies to strings, not to the `integer` field `repairs`"),
        ("region: {type: string, pattern: \"(a|b\"}", "pattern `(a|b`: expected `)` (at character 5)"),
        ("region: {type: string, pattern: \"(a)\\\\1\"}", "pattern `(a)\\1`: back-references (`\\1`) are not supported: they cannot be matched without backtracking (at character 5)"),
        ("region: {type: string, pattern: \"a*?\"}", "pattern `a*?`: lazy repetition is not supported (the whole text is matched, so it would change nothing) (at character 3)"),
        ("repairs: {type: integer, default: -1, min: 0}", "the default of `repairs` breaks its bounds: -1 is below its `min` 0"),
        ("region: {type: string, default: \"ab\", min_length: 3}", "the default of `region` breaks its bounds: it has 2 characters, fewer than its `min_length` 3"),
    ])
    func badConstraintsAreLocatedErrors(field: String, message: String) throws {
        let r = check(["schema.yaml": "fields:\n  \(field)\n", "d.yaml": """
        decisions:
          d:
            outputs: {ok: bool}
            rules:
              - then: {ok: true}
        """])
        let e = try #require(errors(r).first, "no error for \(field)")
        #expect(e.code == "invalid-constraint")
        #expect(e.message == message)
        #expect(e.location?.path == "schema.yaml")
        #expect(e.location?.line == 2)
    }
}
