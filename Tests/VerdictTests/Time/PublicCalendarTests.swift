import Testing
import Verdict  // not @testable: this file sees only the library's public API

/// A working calendar can be built and used from Swift with the public API alone.
@Suite("Working calendars from Swift")
struct PublicCalendarTests {
    @Test func aCalendarBuiltFromItsPublicParts() throws {
        let calendar = WorkingCalendar(
            name: "office", zone: .shanghai, weekdays: [1, 2, 3, 4, 5],
            periods: [WorkingCalendar.Period(start: 9 * 60, end: 12 * 60), WorkingCalendar.Period(start: 13 * 60, end: 18 * 60)],
            years: [2026],
            holidays: [WorkingCalendar.Day(date: try CivilDate(iso: "2026-10-01"), label: Localized(en: "National Day", zh: "国庆节"))],
            adjustedWorkingDays: [])
        // Tuesday 2026-09-29 11:00 + 3 working hours: 1 h before lunch, 2 h after, 15:00.
        let due = try calendar.addWorkingTime(ClockDuration.hours(3), to: try Timestamp(rfc3339: "2026-09-29T11:00:00+08:00"))
        #expect(due == (try Timestamp(rfc3339: "2026-09-29T15:00:00+08:00")))
        // Wednesday 30 September + 1 working day skips the holiday on Thursday: the end of Friday 2 October.
        let next = try calendar.addWorkingDays(1, to: try Timestamp(rfc3339: "2026-09-30T10:00:00+08:00"))
        #expect(next == (try Timestamp(rfc3339: "2026-10-02T18:00:00+08:00")))
        #expect(throws: WorkingCalendar.YearNotCovered.self) {
            try calendar.addWorkingDays(100, to: try Timestamp(rfc3339: "2026-12-01T10:00:00+08:00"))
        }
    }
}
