import Testing
@testable import Verdict

/// The analyser over the date functions and field bounds: months, weekdays and hours are finite
/// domains, so gaps and overlaps are still found exactly; a field's bounds are its domain.
@Suite("Analysis of date functions and field bounds")
struct DateAnalysisTests {
    func analyse(_ decisions: String, fields: String = "reported_at: timestamp") -> PolicyLoader.Result {
        check(["schema.yaml": "fields:\n" + fields.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n", "d.yaml": decisions])
    }

    func table(_ hit: String, _ conditions: [String]) -> String {
        """
        decisions:
          urgency:
            hit: \(hit)
            complete: true
            outputs: {urgent: bool}
            rules:
        \(conditions.enumerated().map { "      - {id: r\($0.offset), when: \"\($0.element)\", then: {urgent: \($0.offset == 0)}}" }.joined(separator: "\n"))
        """
    }

    @Test func monthsThatCoverTheYearLeaveNoGap() {
        let r = analyse(table("unique", ["month(reported_at) in [jun, jul, aug]", "month(reported_at) in [jan, feb, mar, apr, may, sep, oct, nov, dec]"]))
        #expect(r.diagnostics.filter { ["gap", "unique-overlap", "not-analysed"].contains($0.code) }.isEmpty, "\(r.diagnostics)")
        #expect(r.policy != nil)
    }

    @Test func aMissingMonthIsAGap() throws {
        let r = analyse(table("unique", ["month(reported_at) in [jun, jul, aug]", "month(reported_at) in [jan, feb, mar, apr, may, sep, oct, nov]"]))
        let gap = try #require(r.diagnostics.first { $0.code == "gap" }, "\(r.diagnostics)")
        #expect(gap.message == "no rule of decision `urgency` decides a case with month(reported_at) = dec")
        #expect(gap.notes.first?.message == "every case with month(reported_at) in [dec] is undecided")
    }

    @Test func aMonthInBothRulesIsAnOverlap() throws {
        let r = analyse(table("unique", ["month(reported_at) in [jun, jul, aug]", "not (month(reported_at) in [jun, jul])"]))
        let overlap = try #require(r.diagnostics.first { $0.code == "unique-overlap" }, "\(r.diagnostics)")
        #expect(overlap.notes.first?.message == "both match a case with month(reported_at) = aug")
    }

    @Test func hoursAreTheRangeZeroToTwentyThree() throws {
        let whole = analyse(table("unique", ["hour(reported_at) < 12", "hour(reported_at) in [12..23]"]))
        #expect(whole.diagnostics.filter { ["gap", "not-analysed"].contains($0.code) }.isEmpty, "\(whole.diagnostics)")
        let short = analyse(table("unique", ["hour(reported_at) < 12", "hour(reported_at) in [12..22]"]))
        let gap = try #require(short.diagnostics.first { $0.code == "gap" }, "\(short.diagnostics)")
        #expect(gap.message == "no rule of decision `urgency` decides a case with hour(reported_at) = 23")
    }

    @Test func aMonthAndAnHourCombineExactly() throws {
        // Summer nights, summer days, and the rest of the year: complete. Without the summer nights, a gap.
        let full = analyse(table("first", ["month(reported_at) in [jun, jul, aug] and hour(reported_at) >= 20",
                                           "month(reported_at) in [jun, jul, aug]", "true"]))
        #expect(full.diagnostics.filter { ["gap", "not-analysed", "unreachable-rule"].contains($0.code) }.isEmpty, "\(full.diagnostics)")
        let partial = analyse(table("first", ["month(reported_at) in [jun, jul, aug] and hour(reported_at) >= 20",
                                              "not (month(reported_at) in [jun, jul, aug])"]))
        let gap = try #require(partial.diagnostics.first { $0.code == "gap" }, "\(partial.diagnostics)")
        #expect(gap.message == "no rule of decision `urgency` decides a case with hour(reported_at) = 0, month(reported_at) = jun")
    }

    @Test func aWeekdayMaskedByAnEarlierRuleIsUnreachable() throws {
        let r = analyse(table("first", ["weekday(reported_at) in [sat, sun]", "weekday(reported_at) == sun", "true"]))
        let d = try #require(r.diagnostics.first { $0.code == "unreachable-rule" }, "\(r.diagnostics)")
        #expect(d.message == "rule `r1` of decision `urgency` can never decide: `r0` takes every case it matches")
    }

    @Test func partsThatConstrainEachOtherAreNotAnalysedWrongly() throws {
        // There is no 31 April: treating day and month as independent would report a false gap or overlap.
        let r = analyse(table("unique", ["month(reported_at) == apr and day(reported_at) == 31", "not (month(reported_at) == apr and day(reported_at) == 31)"]))
        let note = try #require(r.diagnostics.first { $0.code == "not-analysed" }, "\(r.diagnostics)")
        #expect(note.message.contains("`day(reported_at)` and `month(reported_at)`, which constrain each other"))
        // A field read directly and through a function, likewise.
        let both = analyse(table("unique", ["reported_at < \\\"2026-06-01T00:00:00+08:00\\\"", "month(reported_at) == jun"]))
        let n2 = try #require(both.diagnostics.first { $0.code == "not-analysed" }, "\(both.diagnostics)")
        #expect(n2.message.contains("`month(reported_at)` and `reported_at`, which depend on each other through `reported_at`"))
    }

    @Test func workingDaysAreABooleanDimension() throws {
        let r = check(["schema.yaml": """
        fields:
          reported_at: timestamp
        calendars:
          office: {weekdays: [mon, tue, wed, thu, fri], hours: ["09:00-18:00"], years: [2026]}
        """, "d.yaml": table("unique", ["is_working_day(reported_at, \\\"office\\\")", "not is_working_day(reported_at, \\\"office\\\")"])])
        #expect(r.diagnostics.filter { ["gap", "unique-overlap", "not-analysed"].contains($0.code) }.isEmpty, "\(r.diagnostics)")
    }

    @Test func aGapBelowAFieldsMinimumIsNoGap() throws {
        let bands = table("unique", ["cost >= 0 and cost <= 300", "cost > 300"])
        let unbounded = analyse(bands, fields: "cost: money")
        let gap = try #require(unbounded.diagnostics.first { $0.code == "gap" }, "\(unbounded.diagnostics)")
        #expect(gap.message == "no rule of decision `urgency` decides a case with cost = -0.01")
        let bounded = analyse(bands, fields: "cost: {type: money, min: 0}")
        #expect(bounded.diagnostics.filter { $0.code == "gap" }.isEmpty, "\(bounded.diagnostics)")
        // …and a maximum closes the top.
        let capped = analyse(table("unique", ["count <= 10"]), fields: "count: {type: integer, min: 0, max: 10}")
        #expect(capped.diagnostics.filter { $0.code == "gap" }.isEmpty, "\(capped.diagnostics)")
        let open = analyse(table("unique", ["count <= 10"]), fields: "count: {type: integer, min: 0}")
        #expect(open.diagnostics.first { $0.code == "gap" }?.message == "no rule of decision `urgency` decides a case with count = 11")
    }
}
