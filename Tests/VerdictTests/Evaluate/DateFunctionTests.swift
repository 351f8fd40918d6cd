import Testing
@testable import Verdict

/// The date functions: each part at its edges, in the policy's zone and a calendar's, and the
/// working-day functions from a calendar.
@Suite("Date and time functions")
struct DateFunctionTests {
    static let policy: CompiledPolicy = {
        let r = check(["schema.yaml": """
        fields:
          reported_at: timestamp
          warranty_until: {type: date, optional: true}
        calendars:
          office:
            weekdays: [mon, tue, wed, thu, fri]
            hours: ["09:00-12:00", "13:00-18:00"]
            years: [2024, 2026]
            holidays:
              - {date: 2026-10-01, label: National Day}
            working_days:
              - {date: 2026-10-10, label: make-up day}
          london: {timezone: Europe/London, weekdays: [mon, tue, wed, thu, fri], hours: ["09:00-17:00"], years: [2026]}
        """, "d.yaml": """
        decisions:
          parts:
            outputs: {y: integer, d: integer, h: integer, mi: integer, dt: date, left: integer, london_hour: integer}
            rules:
              - then:
                  y: year(reported_at)
                  d: day(reported_at)
                  h: hour(reported_at)
                  mi: minute(reported_at)
                  dt: date(reported_at)
                  left: days_between(date(reported_at), warranty_until)
                  london_hour: hour(reported_at, "london")
          season:
            hit: first
            outputs: {season: string}
            rules:
              - {when: "month(reported_at) in [jun, jul, aug]", then: {season: '"summer"'}}
              - {when: month(reported_at) == feb, then: {season: '"february"'}}
              - {when: month(reported_at) == mar, then: {season: '"march"'}}
              - {then: {season: '"other"'}}
          week:
            outputs: {weekend: bool, working_time: bool, working_day: bool, warranty_working_day: bool}
            rules:
              - then:
                  weekend: weekday(reported_at) in [sat, sun]
                  working_time: is_working_time(reported_at, "office")
                  working_day: is_working_day(reported_at, "office")
                  warranty_working_day: is_working_day(warranty_until, "office")
        """])
        guard let p = r.policy else { fatalError("date-function policy does not load: \(r.diagnostics)") }
        return p
    }()

    func outputs(_ reportedAt: String, warranty: String? = nil) throws -> Decision {
        let w = warranty.map { #","warranty_until":"\#($0)""# } ?? ""
        return try decide(Self.policy, #"{"id":"D-1","reported_at":"\#(reportedAt)"\#(w)}"#)
    }

    @Test func midnightStartsTheDay() throws {
        let d = try outputs("2026-03-02T00:00:00+08:00")
        #expect(d["d"] == .integer(2))
        #expect(d["h"] == .integer(0))
        #expect(d["mi"] == .integer(0))
        #expect(d["dt"] == .date(CivilDate(year: 2026, month: 3, day: 2)))
        #expect(d["season"] == .string("march"))
        let before = try outputs("2026-03-01T23:59:59+08:00")
        #expect(before["d"] == .integer(1))
        #expect(before["h"] == .integer(23))
        #expect(before["mi"] == .integer(59))
    }

    @Test func lastDayOfAMonthAndTheNext() throws {
        let last = try outputs("2026-02-28T23:59:00+08:00")
        #expect(last["d"] == .integer(28))
        #expect(last["season"] == .string("february"))
        let next = try outputs("2026-03-01T00:00:00+08:00")
        #expect(next["d"] == .integer(1))
        #expect(next["season"] == .string("march"))
        #expect(try outputs("2026-08-31T23:59:59+08:00")["season"] == .string("summer"))
        #expect(try outputs("2026-09-01T00:00:00+08:00")["season"] == .string("other"))
    }

    @Test func anotherOffsetIsReadInThePolicysZone() throws {
        // 16:30 UTC on 28 February is 00:30 on Sunday 1 March in Shanghai.
        let d = try outputs("2026-02-28T16:30:00Z")
        #expect(d["d"] == .integer(1))
        #expect(d["h"] == .integer(0))
        #expect(d["mi"] == .integer(30))
        #expect(d["season"] == .string("march"))
        #expect(d["weekend"] == .bool(true))
        #expect(d["dt"] == .date(CivilDate(year: 2026, month: 3, day: 1)))
        // …and in a calendar's zone when one is named: 16:30 UTC is 16:30 in London in winter.
        #expect(d["london_hour"] == .integer(16))
        #expect(try outputs("2026-07-01T09:00:00+08:00")["london_hour"] == .integer(2))  // British Summer Time
    }

    @Test func leapDay() throws {
        let d = try outputs("2024-02-29T12:00:00+08:00", warranty: "2024-03-01")
        #expect(d["y"] == .integer(2024))
        #expect(d["d"] == .integer(29))
        #expect(d["season"] == .string("february"))
        #expect(d["left"] == .integer(1))
        #expect(try outputs("2024-02-28T12:00:00+08:00", warranty: "2024-03-01")["left"] == .integer(2))
        #expect(try outputs("2026-03-01T12:00:00+08:00", warranty: "2026-02-28")["left"] == .integer(-1))
    }

    @Test func daysBetweenOfAnAbsentDateIsAbsent() throws {
        #expect(try outputs("2026-03-02T10:00:00+08:00")["left"] == nil)
    }

    @Test func workingTimeAndDaysFromTheCalendar() throws {
        let monday = try outputs("2026-03-02T09:00:00+08:00", warranty: "2026-10-01")
        #expect(monday["working_time"] == .bool(true))
        #expect(monday["working_day"] == .bool(true))
        #expect(monday["warranty_working_day"] == .bool(false))  // a holiday
        #expect(monday["weekend"] == .bool(false))
        #expect(try outputs("2026-03-02T08:59:59+08:00")["working_time"] == .bool(false))
        #expect(try outputs("2026-03-02T12:00:00+08:00")["working_time"] == .bool(false))  // a period's end is not in it
        #expect(try outputs("2026-03-02T17:59:59+08:00")["working_time"] == .bool(true))
        let saturday = try outputs("2026-10-10T10:00:00+08:00")  // an adjusted working day
        #expect(saturday["working_time"] == .bool(true))
        #expect(saturday["weekend"] == .bool(true))
        // 17:00 UTC on Wednesday 30 September is 01:00 on 1 October in Shanghai, the holiday.
        #expect(try outputs("2026-09-30T17:00:00Z")["working_day"] == .bool(false))
        #expect(try outputs("2026-09-30T15:59:59Z")["working_day"] == .bool(true))
    }

    @Test func aYearTheCalendarDoesNotCoverIsACaseError() throws {
        do {
            _ = try outputs("2025-06-02T10:00:00+08:00")
            Issue.record("a 2025 case was decided with a calendar that covers 2024 and 2026")
        } catch let e as CaseError {
            #expect(e.problems.map(\.code) == [.calendarYear])
            #expect(e.problems.first?.message.contains("calendar `office` does not cover 2025") == true)
        }
    }

    @Test(arguments: [
        ("hour(warranty_until) == 3", "type-mismatch", "`hour` reads a `timestamp`, not a `date`"),
        ("month(reported_at) == 7", "type-mismatch", "cannot compare `month` with `integer`"),
        ("month(reported_at) in [jun, jly]", "unknown-member", "`jly` is not a member of `month`"),
        ("weekday(reported_at, \"ofice\") == mon", "unknown-calendar", "unknown calendar `ofice`"),
        ("days_between(reported_at, warranty_until) > 3", "type-mismatch", "`days_between` counts days between `date`s, not a `timestamp`"),
        ("is_working_time(warranty_until, \"office\")", "type-mismatch", "`is_working_time` reads a `timestamp`, not a `date`"),
        ("is_working_day(reported_at)", "invalid-call", "`is_working_day` takes a date or a timestamp and a calendar name in quotes"),
        ("mnth(reported_at) == jun", "unknown-function", "unknown function `mnth`"),
    ])
    func misuseIsALocatedError(condition: String, code: String, message: String) throws {
        let r = check(["schema.yaml": """
        fields:
          reported_at: timestamp
          warranty_until: {type: date, optional: true}
        calendars:
          office: {weekdays: [mon, tue, wed, thu, fri], hours: ["09:00-12:00"], years: [2026]}
        """, "d.yaml": """
        decisions:
          d:
            outputs: {ok: bool}
            rules:
              - when: '\(condition)'
                then: {ok: true}
        """])
        let e = try #require(errors(r).first, "no error for `\(condition)`")
        #expect(e.code == code)
        #expect(e.message == message)
        #expect(e.location?.path == "d.yaml")
        #expect(e.location?.line == 5)
    }

    @Test func setsOfMonthsAndWeekdays() throws {
        let r = check(["schema.yaml": """
        fields:
          reported_at: timestamp
        sets:
          peak_season: {of: month, members: [jun, jul, aug]}
          weekend: {of: weekday, members: [sat, sun]}
        """, "d.yaml": """
        decisions:
          urgency:
            hit: unique
            complete: true
            outputs: {urgent: bool}
            rules:
              - {when: month(reported_at) in peak_season or weekday(reported_at) in weekend, then: {urgent: true}}
              - {when: not (month(reported_at) in peak_season) and not (weekday(reported_at) in weekend), then: {urgent: false}}
        """])
        #expect(r.diagnostics.filter { ["gap", "unique-overlap", "not-analysed"].contains($0.code) || $0.severity == .error }.isEmpty, "\(r.diagnostics)")
        let p = try #require(r.policy)
        #expect(try decide(p, #"{"id":"S-1","reported_at":"2026-07-01T10:00:00+08:00"}"#)["urgent"] == .bool(true))
        #expect(try decide(p, #"{"id":"S-2","reported_at":"2026-03-07T10:00:00+08:00"}"#)["urgent"] == .bool(true))  // a Saturday
        #expect(try decide(p, #"{"id":"S-3","reported_at":"2026-03-06T10:00:00+08:00"}"#)["urgent"] == .bool(false))
        let bad = check(["schema.yaml": "fields:\n  reported_at: timestamp\nsets:\n  peak: {of: month, members: [jun, jly]}\n"])
        #expect(errors(bad).first?.message == "`jly` is not a member of `month`")
    }

    @Test(arguments: [("month", "months (`jan` … `dec`) that `month(t)`"), ("weekday", "weekdays (`mon` … `sun`) that `weekday(t)`")])
    func anEnumCannotTakeABuiltInName(name: String, what: String) throws {
        let r = check(["schema.yaml": "fields:\n  reported_at: timestamp\nenums:\n  \(name):\n    values: [a, b]\n"])
        let e = try #require(errors(r).first)
        #expect(e.code == "name-clash")
        #expect(e.message == "enum `\(name)` has the name of the built-in enum of \(what) returns")
        #expect(e.location?.path == "schema.yaml")
        #expect(e.location?.line == 4)
    }

    @Test func monthsAndWeekdaysAreOutputTypes() throws {
        let r = check(["schema.yaml": "fields:\n  reported_at: timestamp\n", "d.yaml": """
        decisions:
          when:
            hit: first
            outputs: {m: month, w: weekday, review: month}
            rules:
              - {when: month(reported_at) == dec, then: {m: month(reported_at), w: weekday(reported_at), review: jan}}
              - {then: {m: month(reported_at), w: weekday(reported_at), review: dec}}
        """])
        #expect(errors(r).isEmpty, "\(r.diagnostics)")
        let p = try #require(r.policy)
        let d = try decide(p, #"{"id":"M-1","reported_at":"2026-03-07T10:00:00+08:00"}"#)
        #expect(d["m"] == .member("mar"))
        #expect(d["w"] == .member("sat"))
        #expect(d["review"] == .member("dec"))
        #expect(try decide(p, #"{"id":"M-2","reported_at":"2026-12-31T23:59:00+08:00"}"#)["review"] == .member("jan"))
    }

    @Test func explanationsShowTheValueComputed() throws {
        let d = try decide(Self.policy, #"{"id":"D-2","reported_at":"2026-03-02T10:00:00+08:00"}"#, explain: true)
        let e = try #require(d.explanation)
        let season = try #require(e.decisions.first { $0.name == "season" })
        let failed = try #require(season.rules[0].failed)
        #expect(failed.text == "month(reported_at) in [jun, jul, aug]")
        #expect(failed.values.map(\.name) == ["reported_at", "month(reported_at)"])
        #expect(failed.values.last?.value == .member("mar"))
        #expect(e.text(.en).contains("month(reported_at) = mar (March)"))
        #expect(e.text(.zh).contains("month(reported_at) = mar (3月)"))
        var w = JSONWriter()
        e.write(to: &w)
        #expect(w.output.contains(#""values":{"reported_at":"2026-03-02T10:00:00+08:00","month(reported_at)":"mar"}"#))
    }
}
