import Testing
@testable import Verdict

/// Issue 27, "messages that mislead": a value out of range says so and gives the range; a question
/// cut short says it is incomplete. Each message is asserted as the reader sees it.
@Suite("Messages that give the range")
struct RangeMessagesTests {
    static let policy: CompiledPolicy = {
        let r = check(["schema.yaml": "fields:\n  id: string\n  n: integer\n  cost: money\n  du: duration\n", "d.yaml": """
        decisions:
          d:
            outputs: {big: bool}
            rules:
              - {when: n > 10 and cost > 0 and du > 1h, then: {big: true}}
              - {when: not (n > 10 and cost > 0 and du > 1h), then: {big: false}}
        """])
        guard let p = r.policy else { fatalError("the range-message policy does not load: \(r.diagnostics)") }
        return p
    }()

    /// The one problem of a case with `field` set to `json` (other fields valid).
    func problem(_ field: String, _ json: String) throws -> CaseError.Problem {
        var fields = ["n": "1", "cost": #""1.00""#, "du": #""2h""#]
        fields[field] = json
        let body = fields.sorted { $0.key < $1.key }.map { #""\#($0.key)": \#($0.value)"# }.joined(separator: ", ")
        let error = try #require(throws: CaseError.self) { try decide(Self.policy, #"{"id": "R-1", \#(body)}"#) }
        #expect(error.problems.count == 1, "\(error)")
        let p = try #require(error.problems.first)
        #expect(p.field == field && p.code == .invalidValue, "\(p)")
        return p
    }

    @Test func anIntegerBeyond64BitsIsTooLargeOrTooSmall() throws {
        #expect(try problem("n", "9223372036854775808").message
                == "`9223372036854775808` is too large for an integer, which runs from -9223372036854775808 to 9223372036854775807")
        #expect(try problem("n", "-9223372036854775809").message
                == "`-9223372036854775809` is too small for an integer, which runs from -9223372036854775808 to 9223372036854775807")
        #expect(try problem("n", "1.5").message == "`1.5` is not a whole number")
        #expect(try decide(Self.policy, #"{"id": "R-2", "n": 9223372036854775807, "cost": "1.00", "du": "2h"}"#)["big"] == .bool(true))
    }

    @Test func moneyBeyondTheRangeIsTooLargeOrTooSmall() throws {
        #expect(try problem("cost", #""-92233720368547758.08""#).message
                == "`-92233720368547758.08` is too small: an amount runs from -92233720368547758.07 to 92233720368547758.07")
        #expect(try problem("cost", #""92233720368547758.08""#).message
                == "`92233720368547758.08` is too large: an amount runs from -92233720368547758.07 to 92233720368547758.07")
        #expect(try decide(Self.policy, #"{"id": "R-3", "n": 11, "cost": "-92233720368547758.07", "du": "2h"}"#)["big"] == .bool(false))
        #expect(throws: MoneyFormatError.outOfRange("-92233720368547758.08", scale: 2)) { try Money(parsing: "-92233720368547758.08") }
    }

    @Test func aDurationPastTheLongestIsTooLong() throws {
        #expect(try problem("du", #""106751991167d23h""#).message
                == "`106751991167d23h` is too long: a duration is at most 106751991167d7h12m55s807ms (9223372036854775807 milliseconds)")
        #expect(try problem("du", #""-106751991168d""#).message
                == "`-106751991168d` is too long: a duration is at most 106751991167d7h12m55s807ms (9223372036854775807 milliseconds) either way")
        #expect(throws: TimeFormatError.durationTooLong("P106751991168D")) { try ClockDuration(text: "P106751991168D") }
        #expect(throws: TimeFormatError.durationTooLong("99999999999999999999h")) { try ClockDuration(text: "99999999999999999999h") }
        // A typo is still not a duration, however long.
        #expect(throws: TimeFormatError.duration("99999999999999999999x")) { try ClockDuration(text: "99999999999999999999x") }
        #expect(try ClockDuration(text: "106751991167d7h12m55s") < ClockDuration.longest)
    }

    @Test func anIntegerComparedWithAHugeLiteralGivesTheIntegerRange() throws {
        let rules = "      - {when: n > ⟨99999999999999999999, then: {big: true}}\n      - {when: n <= 1, then: {big: false}}"
        let (text, line, column) = marked("decisions:\n  d:\n    outputs: {big: bool}\n    rules:\n\(rules)\n")
        let r = check(["schema.yaml": "fields:\n  n: integer\n", "d.yaml": text])
        let e = try #require(errors(r).first { $0.message.contains("99999999999999999999") }, "\(r.diagnostics)")
        #expect(e.code == "invalid-literal")
        #expect(e.message == "`99999999999999999999` is too large for an integer, which runs from -9223372036854775808 to 9223372036854775807")
        #expect(e.location?.path == "d.yaml" && e.location?.line == line && e.location?.column == column, "\(String(describing: e.location))")
    }

    @Test func moneyLiteralsOutOfRangeNameTheCurrency() throws {
        let r = check(["schema.yaml": "fields:\n  cost: money\n", "d.yaml": """
        decisions:
          d:
            outputs: {big: bool}
            rules:
              - {when: cost > 92233720368547758.08, then: {big: true}}
        """])
        #expect(errors(r).filter { $0.code == "invalid-literal" }.map(\.message) == ["`92233720368547758.08` is too large: an amount runs from -92233720368547758.07 to 92233720368547758.07 in CNY"])
    }

    @Test func aCalendarYearOutsideTheRangeSaysTheRange() throws {
        let r = check(["schema.yaml": """
        fields:
          t: timestamp
        calendars:
          office: {weekdays: [mon], hours: ["09:00-17:00"], years: [1900, 3000, twenty, 2026]}
        """, "d.yaml": "decisions:\n  d:\n    outputs: {w: bool}\n    rules:\n      - {then: {w: 'is_working_time(t, \"office\")'}}\n"])
        #expect(errors(r).filter { $0.code == "invalid-literal" }.map(\.message) == [
            "1900 is outside the years a calendar can list, 1901–2999",
            "3000 is outside the years a calendar can list, 1901–2999",
            "expected a year from 1901–2999, such as 2026, found `twenty`",
        ])
    }

    @Test func aWhyNotQuestionCutShortSaysItIsIncomplete() throws {
        let error = try #require(throws: WhyNotQuestionError.self) { try WhyNotQuestion(parsing: "signers contains ", for: qualityComplaints) }
        #expect(error.message == "`signers contains` is an incomplete question: it names no member after `contains`")
        #expect(error.help == "ask OUTPUT (why not another value), OUTPUT=VALUE (why not this one) or 'OUTPUT contains MEMBER' (why not in the list), such as 'signers contains bu_finance_head'")
        let spaced = try #require(throws: WhyNotQuestionError.self) { try WhyNotQuestion(parsing: "approver branch_manager", for: qualityComplaints) }
        #expect(spaced.message == "`approver branch_manager` is an incomplete question: an output's name has no spaces")
        #expect(try WhyNotQuestion(parsing: "signers contains bu_finance_head", for: qualityComplaints).kind == .contains(.member("bu_finance_head")))
    }

    @Test func aWhyNotIntegerBeyond64BitsGivesTheRange() throws {
        let error = try #require(throws: WhyNotQuestionError.self) { try WhyNotQuestion(parsing: "tier=99999999999999999999", for: qualityComplaints) }
        #expect(error.message == "`99999999999999999999` is too large for an integer, which runs from -9223372036854775808 to 9223372036854775807")
    }
}
