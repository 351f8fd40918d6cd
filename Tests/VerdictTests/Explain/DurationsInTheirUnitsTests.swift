import Foundation
import Testing
@testable import Verdict

/// Durations in the units of their calendar (issue 28, item 2): a working-time clock's remaining or
/// overdue time in that calendar's working hours and minutes with the calendar time beside it, clock
/// time in d/h/m; Chinese units and 是/否 in the Chinese text; the JSON's `remaining`/`overdue` unchanged.
@Suite("Explanations: durations in the units of their calendar")
struct DurationsInTheirUnitsTests {
    /// The shipped customer-complaints set: `onsite` runs 3 working hours of cn-office (included from
    /// policies/calendars/cn-office.yaml) from 2025-03-03 10:00 (due 14:00), judged ten months later.
    static func breachedOnsite() throws -> Decision {
        try customerComplaints.decide(json: Array(#"{"id": "C-1", "kind": "quality", "received_at": "2025-03-03T10:00:00+08:00"}"#.utf8),
                                      explain: true, now: t("2025-12-31T17:30:00+08:00"))
    }

    @Test func workingTimeIsWrittenInWorkingHoursNotDays() throws {
        let d = try Self.breachedOnsite()
        let c = try #require(d.clocks.first { $0.name == "onsite" })
        #expect(c.status == .breached)
        #expect(c.overdue?.description == "69d19h30m")  // 1,675.5 working hours, in the Duration notation
        let e = try #require(d.explanation)
        let en = e.text(.en)
        #expect(en.contains("  start: received_at = 2025-03-03T10:00:00+08:00; target: 3 working hours in cn-office\n"))
        #expect(en.contains("  status (at 2025-12-31T17:30:00+08:00): breached, 1,675 working hours 30 min overdue (303d3h30m in calendar time)\n"))
        #expect(!en.contains("69d19h"))
        let zh = e.text(.zh)
        #expect(zh.contains("  起点: received_at = 2025-03-03T10:00:00+08:00; 时限: cn-office 日历 3个工作小时\n"))
        #expect(zh.contains("  状态 (截至 2025-12-31T17:30:00+08:00): 已超时, 逾期 1,675个工作小时30分钟(日历时间 303天3小时30分钟)\n"))
    }

    @Test func theJSONKeepsItsDurationsAndAddsTheClockTime() throws {
        let d = try Self.breachedOnsite()
        let json = d.json()
        #expect(json.contains(#""overdue":"69d19h30m","calendar":"cn-office""#))
        #expect(json.contains(#""computed_due":"2025-03-03T14:00:00+08:00","overdue_clock_time":"303d3h30m","result":{"status":"breached""#))
        // The decision's own clocks (what the log records) are as before.
        #expect(!d.withoutExplanation.json().contains("clock_time"))
    }

    @Test func remainingWorkingTimeUnderAnHour() throws {
        let d = try customerComplaints.decide(json: Array(#"{"id": "C", "kind": "quality", "received_at": "2026-02-14T16:00:00+08:00"}"#.utf8),
                                              explain: true, now: t("2026-02-24T09:30:00+08:00"))
        let e = try #require(d.explanation)
        #expect(e.text(.en).contains("status (at 2026-02-24T09:30:00+08:00): at risk, 30 working minutes remaining (30m in calendar time)\n"))
        #expect(e.text(.zh).contains("状态 (截至 2026-02-24T09:30:00+08:00): 临近超时, 剩余 工作时间30分钟(日历时间 30分钟)\n"))
        #expect(d.json().contains(#""remaining_clock_time":"30m""#))
    }

    @Test func clockTimeKeepsDaysHoursAndMinutes() throws {
        let d = try qualityComplaints.decide(QualityComplaintsTests.base([
            "received_at": QualityComplaintsTests.at("2026-03-02T09:15:00+08:00"),
        ]), explain: true, now: t("2026-03-05T09:00:00+08:00"))
        let e = try #require(d.explanation)
        #expect(e.text(.en).contains("status (at 2026-03-05T09:00:00+08:00): breached, 2d22h45m overdue\n"))
        #expect(e.text(.en).contains("target: 1h in clock time\n"))
        #expect(e.text(.zh).contains("状态 (截至 2026-03-05T09:00:00+08:00): 已超时, 逾期 2天22小时45分钟\n"))
        #expect(e.text(.zh).contains("时限: 自然时间 1小时\n"))
        #expect(!d.json().contains("clock_time"))  // clock time needs nothing beside it
    }

    @Test func booleansAreYesAndNoInChinese() throws {
        let e = try #require(try qualityComplaints.decide(QualityComplaintsTests.base([:]), explain: true).explanation)
        let zh = e.text(.zh), en = e.text(.en)
        #expect(en.contains("with hospitalised = false"))
        #expect(zh.contains("其中 hospitalised = 否"))
        #expect(!zh.contains("= false") && !zh.contains("= true"))
        #expect(en.contains("→ success (") && zh.contains("→ success ("))
        #expect(zh.contains(") = 是 (") || zh.contains(") = 否 ("))
        #expect(e.json().contains(#""hospitalised":false"#))
    }

    @Test("clock and working durations as text", arguments: [
        (0, "0s", "0秒", "0 working seconds", "工作时间0分钟"),
        (60_000, "1m", "1分钟", "1 working minute", "工作时间1分钟"),
        (3_600_000, "1h", "1小时", "1 working hour", "1个工作小时"),
        (5_400_000, "1h30m", "1小时30分钟", "1 working hour 30 min", "1个工作小时30分钟"),
        (12_225_294_000 / 1000 * 1000, "141d11h54m54s", "141天11小时54分钟54秒", "3,395 working hours 54 min 54 s", "3,395个工作小时54分钟54秒"),
        (-7_200_000, "-2h", "-2小时", "-2 working hours", "-2个工作小时"),
    ] as [(Int64, String, String, String, String)])
    func durationText(_ ms: Int64, _ en: String, _ zh: String, _ workingEn: String, _ workingZh: String) {
        let d = ClockDuration(milliseconds: ms)
        #expect(d.text(.en) == en)
        #expect(d.text(.zh) == zh)
        #expect(d.workingText(.en) == workingEn)
        #expect(d.workingText(.zh) == workingZh)
    }
}
