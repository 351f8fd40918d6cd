import Testing
@testable import Verdict

/// The shipped cn-office calendar, compiled through the customer-complaints policy that includes it.
let customerComplaints: CompiledPolicy = {
    do { return try CompiledPolicy.load(directory: shippedPolicyPath("customer-complaints")) } catch {
        fatalError("the shipped policy does not load:\n\(error)")
    }
}()

let cnOffice: WorkingCalendar = customerComplaints.model.calendars.first { $0.name == "cn-office" }!

func t(_ s: String) -> Timestamp { try! Timestamp(rfc3339: s) }

@Suite("Working-time calendars")
struct WorkingCalendarTests {
    @Test("N working hours after T", arguments: [
        // Ordinary days: lunch break, before 09:00, after 18:00, exactly on 12:00, 13:00 and 18:00.
        ("2026-03-02T09:00:00+08:00", 3, "2026-03-02T12:00:00+08:00"),  // lands on a period's end: 12:00, not 13:00
        ("2026-03-02T11:00:00+08:00", 2, "2026-03-02T14:00:00+08:00"),  // skips the lunch break
        ("2026-03-02T07:30:00+08:00", 1, "2026-03-02T10:00:00+08:00"),  // before work: starts at 09:00
        ("2026-03-02T19:00:00+08:00", 1, "2026-03-03T10:00:00+08:00"),  // after work: next morning
        ("2026-03-02T12:00:00+08:00", 1, "2026-03-02T14:00:00+08:00"),
        ("2026-03-02T12:30:00+08:00", 1, "2026-03-02T14:00:00+08:00"),
        ("2026-03-02T13:00:00+08:00", 1, "2026-03-02T14:00:00+08:00"),
        ("2026-03-02T18:00:00+08:00", 1, "2026-03-03T10:00:00+08:00"),
        ("2026-03-06T17:00:00+08:00", 3, "2026-03-09T11:00:00+08:00"),  // Friday into Monday
        // Spring Festival 2026: Sat 02-14 is a working day, 02-15..02-23 off, Sat 02-28 works.
        ("2026-02-13T16:00:00+08:00", 3, "2026-02-14T10:00:00+08:00"),
        ("2026-02-14T17:00:00+08:00", 2, "2026-02-24T10:00:00+08:00"),
        ("2026-02-18T10:00:00+08:00", 1, "2026-02-24T10:00:00+08:00"),  // starts on a holiday
        ("2026-02-27T17:00:00+08:00", 2, "2026-02-28T10:00:00+08:00"),  // into the adjusted Saturday
        // National Day 2026: Sun 09-20 works, 10-01..10-07 off, Sat 10-10 works, Sun 10-11 does not.
        ("2026-09-19T10:00:00+08:00", 1, "2026-09-20T10:00:00+08:00"),
        ("2026-09-20T08:00:00+08:00", 2, "2026-09-20T11:00:00+08:00"),  // starts on an adjusted Sunday
        ("2026-09-30T17:00:00+08:00", 2, "2026-10-08T10:00:00+08:00"),
        ("2026-10-03T10:00:00+08:00", 1, "2026-10-08T10:00:00+08:00"),
        ("2026-10-10T17:30:00+08:00", 1, "2026-10-12T09:30:00+08:00"),
        // New Year: 2026-01-01..03 off, Sun 01-04 works.
        ("2025-12-31T17:00:00+08:00", 2, "2026-01-04T10:00:00+08:00"),
        // A start given in another zone is the same instant.
        ("2026-03-02T01:00:00Z", 1, "2026-03-02T10:00:00+08:00"),
    ])
    func workingHours(_ start: String, _ hours: Int64, _ expected: String) throws {
        #expect(try cnOffice.addWorkingTime(.hours(hours), to: t(start)) == t(expected))
    }

    @Test("N working days after T: end of the N-th working day after T's own date", arguments: [
        ("2026-03-02T08:00:00+08:00", 1, "2026-03-03T18:00:00+08:00"),
        ("2026-03-02T23:00:00+08:00", 1, "2026-03-03T18:00:00+08:00"),  // the start's own day never counts
        ("2026-03-06T10:00:00+08:00", 1, "2026-03-09T18:00:00+08:00"),
        ("2026-02-13T16:00:00+08:00", 1, "2026-02-14T18:00:00+08:00"),  // adjusted Saturday counts
        ("2026-02-13T16:00:00+08:00", 5, "2026-02-27T18:00:00+08:00"),  // 14, 24, 25, 26, 27
        ("2026-09-30T10:00:00+08:00", 5, "2026-10-13T18:00:00+08:00"),  // 8, 9, 10 (Sat), 12, 13
        ("2026-10-01T10:00:00+08:00", 1, "2026-10-08T18:00:00+08:00"),  // starts on a holiday
    ])
    func workingDays(_ start: String, _ days: Int, _ expected: String) throws {
        #expect(try cnOffice.addWorkingDays(days, to: t(start)) == t(expected))
    }

    @Test func spring2025() throws {
        // 2025: 01-28..02-04 off, Sun 01-26 and Sat 02-08 work.
        #expect(try cnOffice.addWorkingTime(.hours(1), to: t("2025-01-24T17:30:00+08:00")) == t("2025-01-26T09:30:00+08:00"))  // Sat off, Sun works
        #expect(try cnOffice.addWorkingDays(1, to: t("2025-01-27T12:00:00+08:00")) == t("2025-02-05T18:00:00+08:00"))
    }

    @Test func uncoveredYearIsAnErrorNamingCalendarAndYear() {
        #expect(throws: WorkingCalendar.YearNotCovered(calendar: "cn-office", year: 2027)) {
            try cnOffice.addWorkingTime(.hours(2), to: t("2026-12-31T17:00:00+08:00"))
        }
        #expect(throws: WorkingCalendar.YearNotCovered(calendar: "cn-office", year: 2027)) {
            try cnOffice.addWorkingDays(1, to: t("2027-03-01T10:00:00+08:00"))
        }
        #expect(throws: WorkingCalendar.YearNotCovered(calendar: "cn-office", year: 2024)) {
            try cnOffice.workingTime(from: t("2024-12-31T10:00:00+08:00"), to: t("2025-01-02T10:00:00+08:00"))
        }
    }

    @Test func uncoveredYearFailsTheCaseWithAClearError() {
        do {
            _ = try customerComplaints.decide(json: Array(#"{"id": "C-1", "kind": "quality", "received_at": "2026-12-31T17:30:00+08:00"}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.first?.code == .calendarYear)
            #expect(error.problems.first?.message.hasPrefix("calendar `cn-office` does not cover 2027") == true)
            #expect(error.problems.first?.message.contains("clock `onsite`") == true)
        }
    }

    @Test func schedulesPerWeekday() throws {
        let policy = try CompiledPolicy.load(sources: [
            SourceFile(path: "policy.yaml", text: manifestYAML),
            SourceFile(path: "calendar.yaml", text: """
            calendars:
              shop:
                hours:
                  mon: ["09:00-12:00", "13:00-18:00"]
                  tue: ["09:00-12:00", "13:00-18:00"]
                  wed: ["09:00-12:00", "13:00-18:00"]
                  thu: ["09:00-12:00", "13:00-18:00"]
                  fri: ["09:00-12:00", "13:00-18:00"]
                  sat: ["09:00-12:00"]
                adjusted_hours: ["10:00-16:00"]
                years: [2026]
                working_days:
                  - {date: 2026-02-15, label: make-up Sunday}
            fields:
              at: timestamp
            decisions:
              d:
                outputs: {due: timestamp}
                rules:
                  - then:
                      due: working_hours_after(at, 4, "shop")
            """),
        ])
        let shop = policy.model.calendars[0]
        #expect(shop.weekdays == [1, 2, 3, 4, 5, 6])
        // Friday 17:00: 1 hour Friday, 3 hours Saturday morning (a half day) → Saturday 12:00.
        #expect(try shop.addWorkingTime(.hours(4), to: t("2026-03-06T17:00:00+08:00")) == t("2026-03-07T12:00:00+08:00"))
        // Saturday 11:00: 1 hour, Sunday off, 3 hours Monday → Monday 12:00.
        #expect(try shop.addWorkingTime(.hours(4), to: t("2026-03-07T11:00:00+08:00")) == t("2026-03-09T12:00:00+08:00"))
        // The adjusted Sunday keeps its own hours; its working day ends at 16:00.
        #expect(try shop.addWorkingTime(.hours(2), to: t("2026-02-15T08:00:00+08:00")) == t("2026-02-15T12:00:00+08:00"))
        #expect(try shop.addWorkingDays(1, to: t("2026-02-14T10:00:00+08:00")) == t("2026-02-15T16:00:00+08:00"))
        #expect(try shop.addWorkingDays(1, to: t("2026-03-06T10:00:00+08:00")) == t("2026-03-07T12:00:00+08:00"))
        let d = try policy.decide(["id": .string("x"), "at": .timestamp(t("2026-03-06T17:00:00+08:00"))])
        #expect(d["due"] == .timestamp(t("2026-03-07T12:00:00+08:00")))
    }

    @Test func workingTimeBetween() throws {
        #expect(try cnOffice.workingTime(from: t("2026-03-02T11:00:00+08:00"), to: t("2026-03-02T14:00:00+08:00")) == .hours(2))
        #expect(try cnOffice.workingTime(from: t("2026-02-13T17:00:00+08:00"), to: t("2026-02-24T10:00:00+08:00")) == .hours(10))  // 1 + 8 (adjusted Sat) + 1
        #expect(try cnOffice.workingTime(from: t("2026-03-02T14:00:00+08:00"), to: t("2026-03-02T11:00:00+08:00")) == .hours(0))
    }
}

/// Property tests over seeded random inputs (reproducible: the seed is fixed; the library's SplitMix64).
@Suite("Working-time properties")
struct WorkingTimePropertyTests {
    /// Instants spread over 2025 up to mid-December 2026, on any minute, any hour, any day.
    static func samples(_ n: Int, seed: UInt64) -> [(Timestamp, Int64, Int64)] {
        var rng = SplitMix64(seed: seed)
        let from = t("2025-01-01T00:00:00+08:00").millisecondsSinceEpoch
        let to = t("2026-12-10T00:00:00+08:00").millisecondsSinceEpoch
        return (0..<n).map { _ in
            let minute = Int64(rng.next(below: UInt64((to - from) / 60_000 + 1)))
            return (Timestamp(millisecondsSinceEpoch: from + minute * 60_000),
                    Int64(rng.next(below: 40 * 60 + 1)), Int64(rng.next(below: 40 * 60 + 1)))
        }
    }

    @Test func addingAThenBEqualsAddingASumB() throws {
        for (start, a, b) in Self.samples(2000, seed: 1) {
            let stepwise = try cnOffice.addWorkingTime(.minutes(b), to: try cnOffice.addWorkingTime(.minutes(a), to: start))
            #expect(stepwise == (try cnOffice.addWorkingTime(.minutes(a + b), to: start)), "start \(start), a \(a)m, b \(b)m")
        }
    }

    @Test func monotonicInStartAndAmount() throws {
        for (start, a, b) in Self.samples(2000, seed: 2) {
            let later = Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + b * 60_000)
            #expect(try cnOffice.addWorkingTime(.minutes(a), to: start) <= cnOffice.addWorkingTime(.minutes(a), to: later))
            #expect(try cnOffice.addWorkingTime(.minutes(min(a, b)), to: start) <= cnOffice.addWorkingTime(.minutes(max(a, b)), to: start))
        }
    }

    @Test func workingTimeBetweenInvertsAddition() throws {
        for (start, a, _) in Self.samples(2000, seed: 3) where a > 0 {
            let end = try cnOffice.addWorkingTime(.minutes(a), to: start)
            #expect(try cnOffice.workingTime(from: start, to: end) == .minutes(a))
        }
    }
}
