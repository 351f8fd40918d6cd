import Foundation
import Testing
@testable import Verdict

/// A calendar whose weekly pattern holds in every year (`years: every`, issue 29, item 2), beside a
/// calendar of public holidays, which still covers only the years it lists.
@Suite struct YearFreeCalendarTests {
    static func sources(_ calendar: String) -> [SourceFile] {
        [SourceFile(path: "policy.yaml", text: manifestYAML), SourceFile(path: "calendar.yaml", text: calendar)]
    }

    static let store = """
    calendars:
      store:
        timezone: Asia/Shanghai
        weekdays: [mon, tue, wed, thu, fri, sat, sun]
        hours: ["10:00-22:00"]
        years: every
        holidays:
          - {date: 2026-02-16, label: {en: Spring Festival eve}}
          - {date: 2027-01-02, label: {en: stocktaking}}
    """

    static func storeCalendar() throws -> WorkingCalendar {
        try #require(try CompiledPolicy.load(sources: sources(store)).model.calendars.first)
    }

    @Test func aDeadlineRunsAcrossNewYear() throws {
        let c = try Self.storeCalendar()
        #expect(c.everyYear && c.years.isEmpty)
        // 4 store hours on New Year's Eve, 8 on New Year's Day: a year no entry mentions needs no listing.
        #expect(try c.addWorkingTime(.hours(12), to: t("2026-12-31T18:00:00+08:00")) == t("2027-01-01T18:00:00+08:00"))
        // 2027-01-02 is closed, a listed exception in a year the calendar never declared.
        #expect(try c.addWorkingTime(.hours(17), to: t("2026-12-31T18:00:00+08:00")) == t("2027-01-03T11:00:00+08:00"))
        #expect(try c.addWorkingDays(2, to: t("2026-12-31T18:00:00+08:00")) == t("2027-01-03T22:00:00+08:00"))
        // Far from every listed day, the weekdays alone decide.
        #expect(try c.addWorkingTime(.hours(1), to: t("2031-06-30T21:30:00+08:00")) == t("2031-07-01T10:30:00+08:00"))
        #expect(try c.workingTime(from: t("2029-12-31T21:00:00+08:00"), to: t("2030-01-01T11:00:00+08:00")) == .hours(2))
        #expect(try c.kind(ofDay: CivilDate(year: 2027, month: 1, day: 2).daysSinceEpoch) == .holiday(Localized(en: "stocktaking")))
    }

    @Test func longSpansCountWeekByWeekAsTheyWouldDayByDay() throws {
        let c = try Self.storeCalendar()
        // A century of 36,524 days, 12 store hours each, from before the listed days to after them
        // (less the two closed days of 2026 and 2027 when the span covers them).
        #expect(try c.workingTime(from: t("2030-01-01T00:00:00+08:00"), to: t("2130-01-01T00:00:00+08:00")) == .hours(438_288))
        #expect(try c.workingTime(from: t("2000-01-01T00:00:00+08:00"), to: t("2030-01-01T00:00:00+08:00")) == .hours(10_958 * 12 - 24))
        #expect(try c.addWorkingTime(.hours(438_288), to: t("2030-01-01T00:00:00+08:00")) == t("2129-12-31T22:00:00+08:00"))
        #expect(try c.addWorkingTime(.hours(438_288 + 1), to: t("2030-01-01T00:00:00+08:00")) == t("2130-01-01T11:00:00+08:00"))
        #expect(try c.addWorkingDays(36_524, to: t("2029-12-31T12:00:00+08:00")) == t("2129-12-31T22:00:00+08:00"))
        // Past 9999-12-31 no year is answered, even in a calendar of every year.
        #expect(throws: WorkingCalendar.YearNotCovered(calendar: "store", year: 10000)) {
            try c.addWorkingTime(.hours(24), to: t("9999-12-31T12:00:00+08:00"))
        }
    }

    @Test func theShippedFoodSafetySetAnswersInTheNextYear() throws {
        let p = try CompiledPolicy.load(directory: shippedPolicyPath("examples/food-safety"))
        let d = try p.decide(json: Array(#"{"id": "F-9", "reported_at": "2026-12-31T21:30:00+08:00", "province": "Hunan", "city": "Changsha"}"#.utf8))
        #expect(d["severity"] == .member("minor") && d["response_hours"] == .integer(12))
        #expect(d["respond_due"] == .timestamp(t("2027-01-01T21:30:00+08:00")))
    }

    @Test func aHolidayCalendarStillRefusesAnUndeclaredYear() throws {
        let c = try #require(try CompiledPolicy.load(sources: Self.sources("""
        calendars:
          office:
            timezone: Asia/Shanghai
            weekdays: [mon, tue, wed, thu, fri]
            hours: ["09:00-18:00"]
            years: [2026]
            holidays: [{date: 2026-10-01}]
        """)).model.calendars.first)
        #expect(!c.everyYear)
        do {
            _ = try c.addWorkingTime(.hours(2), to: t("2026-12-31T17:00:00+08:00"))
            Issue.record("expected the year 2027 to be refused")
        } catch {
            #expect(error.description == "calendar `office` does not cover 2027: add its holidays and adjusted working days, and list the year under `years`")
        }
        // The shipped cn-office calendar lists 2025 and 2026, and refuses 2027 as before.
        #expect(throws: WorkingCalendar.YearNotCovered(calendar: "cn-office", year: 2027)) {
            try cnOffice.addWorkingTime(.hours(2), to: t("2026-12-31T17:00:00+08:00"))
        }
    }

    @Test func theCheckerKeepsTheTwoKindsApart() {
        // A holiday outside the listed years is still an error; under `years: every` any year is fine.
        let listed = errors(PolicyLoader.check(sources: Self.sources("""
        calendars:
          office:
            weekdays: [mon]
            hours: ["09:00-18:00"]
            years: [2026]
            holidays: [{date: 2027-01-01}]
        """)))
        #expect(listed.map(\.message) == ["holiday 2027-01-01 is in 2027, which calendar `office` does not list under `years`"])
        #expect(errors(PolicyLoader.check(sources: Self.sources(Self.store))).isEmpty)
        // `years: every` with no working time at all could never give a deadline.
        let closed = errors(PolicyLoader.check(sources: Self.sources("""
        calendars:
          never:
            hours: {}
            years: every
        """)))
        #expect(closed.map { "\($0.code): \($0.message) | \($0.help ?? "")" } == [
            "missing-hours: calendar `never` has `years: every` but no working weekday with hours, so no deadline in it could ever fall | give it `weekdays` and `hours`, or list the years it covers"])
    }
}
