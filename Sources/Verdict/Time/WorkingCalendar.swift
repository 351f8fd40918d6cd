/// A working-time calendar: working periods on working weekdays in a time zone, public holidays,
/// and adjusted working days (调休: weekend days that are working days around a holiday).
///
/// ```swift
/// let due = try calendar.addWorkingTime(ClockDuration.hours(3), to: start)   // 3 working hours later
/// let followUp = try calendar.addWorkingDays(5, to: start)              // end of the 5th working day after
/// ```
/// A calendar of public holidays knows only the years it lists: any computation that reaches another
/// year throws ``WorkingCalendar/YearNotCovered`` rather than guessing from weekends. A calendar whose
/// weekly pattern holds in every year (``everyYear``, `years: every` in YAML: a store open every day,
/// closed on a few listed dates) follows its weekdays in any year from 0001 to 9999, its listed days
/// the only exceptions.
public struct WorkingCalendar: Sendable, Hashable {
    /// A working period within a day, in minutes after local midnight: `09:00-12:00` is 540..<720.
    public struct Period: Sendable, Hashable {
        /// The first minute of the period, after local midnight.
        public var start: Int
        /// The minute the period ends (exclusive), after local midnight; at most 1440.
        public var end: Int

        /// A period from `start` to `end`, in minutes after local midnight: `Period(start: 540, end: 720)` is 09:00-12:00.
        ///
        /// - Parameters:
        ///   - start: The minute the period starts, after local midnight (540 is 09:00).
        ///   - end: The minute the period ends (exclusive), after local midnight; at most 1440.
        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }
    }

    /// A dated entry: a holiday or an adjusted working day, with its label.
    public struct Day: Sendable, Hashable {
        /// The day.
        public var date: CivilDate
        /// What the day is: `{en: Spring Festival, zh: 春节}`.
        public var label: Localized

        /// A dated entry for ``WorkingCalendar/init(name:label:zone:weekdays:periods:periodsByWeekday:adjustedPeriods:years:everyYear:holidays:adjustedWorkingDays:)``.
        ///
        /// - Parameters:
        ///   - date: The day.
        ///   - label: What the day is, in English and Chinese (`Spring Festival`, `春节`).
        public init(date: CivilDate, label: Localized = Localized()) {
            self.date = date
            self.label = label
        }
    }

    /// A computation reached a year the calendar does not list: an error, never a guess from weekends.
    public struct YearNotCovered: Error, Sendable, Hashable, CustomStringConvertible {
        /// The calendar's name.
        public var calendar: String
        /// The year it does not cover.
        public var year: Int
        /// The message shown to people, naming the calendar, the year and what to add.
        public var description: String {
            "calendar `\(calendar)` does not cover \(year): add its holidays and adjusted working days, and list the year under `years`"
        }
    }

    /// The calendar's name, as policies refer to it (`cn-office`).
    public var name: String
    /// Its name for people.
    public var label: Localized
    /// The zone its periods and days are in.
    public var zone: Zone
    /// ISO weekdays (1 = Monday) that are working days unless a holiday.
    public var weekdays: Set<Int>
    /// The working periods of a working weekday that has no schedule of its own, and of an adjusted
    /// working day (调休) unless `adjustedPeriods` differs.
    public var periods: [Period]
    /// Schedules that differ by weekday (a Saturday half day), by ISO weekday.
    public var periodsByWeekday: [Int: [Period]]
    /// The periods of an adjusted working day.
    public var adjustedPeriods: [Period]
    /// The years it knows (holidays and adjusted working days listed).
    public var years: Set<Int>
    /// Whether its weekly pattern holds in every year (0001–9999), the listed holidays and adjusted
    /// working days the only exceptions; `years` is then empty and no year is refused.
    public var everyYear: Bool
    var holidays: [Int: Localized]
    var adjustedWorkingDays: [Int: Localized]
    /// The tables the arithmetic reads, shared by every copy of the calendar (see ``CalendarTable``).
    let table: CalendarTable

    /// A calendar from its parts, as the checker builds it from YAML.
    /// 
    /// - Parameters:
    ///   - name: the name policies refer to it by.
    ///   - label: its name for people.
    ///   - zone: the zone of its periods and days.
    ///   - weekdays: ISO weekdays (1 = Monday) that are working days.
    ///   - periods: the working periods of a working weekday without periods of its own.
    ///   - periodsByWeekday: periods that differ by ISO weekday (a Saturday half day).
    ///   - adjustedPeriods: the periods of an adjusted working day (default `periods`).
    ///   - years: the years it knows; a day outside them throws ``YearNotCovered``.
    ///   - everyYear: the weekly pattern holds in every year: no year is refused (`years` may be empty).
    ///   - holidays: days off.
    ///   - adjustedWorkingDays: weekend days that are working days (调休).
    public init(name: String, label: Localized = Localized(), zone: Zone, weekdays: Set<Int>, periods: [Period],
                periodsByWeekday: [Int: [Period]] = [:], adjustedPeriods: [Period]? = nil, years: Set<Int>,
                everyYear: Bool = false, holidays: [Day], adjustedWorkingDays: [Day]) {
        self.name = name
        self.label = label
        self.zone = zone
        self.weekdays = weekdays
        let sorted = periods.sorted { $0.start < $1.start }
        self.periods = sorted
        let byWeekday = periodsByWeekday.mapValues { $0.sorted { $0.start < $1.start } }
        let adjustedSchedule = (adjustedPeriods ?? sorted).sorted { $0.start < $1.start }
        self.periodsByWeekday = byWeekday
        self.adjustedPeriods = adjustedSchedule
        let schedules = [adjustedSchedule] + (1...7).map { byWeekday[$0] ?? sorted }
        self.years = years
        self.everyYear = everyYear
        self.holidays = Dictionary(holidays.map { ($0.date.daysSinceEpoch, $0.label) }, uniquingKeysWith: { a, _ in a })
        self.adjustedWorkingDays = Dictionary(adjustedWorkingDays.map { ($0.date.daysSinceEpoch, $0.label) }, uniquingKeysWith: { a, _ in a })
        // A calendar of every year tabulates the years of its listed days; its weekdays answer the others.
        let tabulated = everyYear ? years.union((holidays + adjustedWorkingDays).map(\.date.year)) : years
        let first = tabulated.min().map { CivilDate(year: $0, month: 1, day: 1).daysSinceEpoch } ?? 0
        let last = tabulated.max().map { CivilDate(year: $0, month: 12, day: 31).daysSinceEpoch } ?? -1
        let (adjusted, off) = (self.adjustedWorkingDays, self.holidays)
        let dayCodes: [UInt8] = last < first ? [] : (first...last).map { day in
            let date = CivilDate(daysSinceEpoch: day)
            if !everyYear, !years.contains(date.year) { return 4 }
            if adjusted[day] != nil { return 1 }
            if off[day] != nil { return 2 }
            return weekdays.contains(date.weekday) ? 0 : 3
        }
        let weekly: [UInt8]? = everyYear ? (0...7).map { weekdays.contains($0) ? 0 : 3 } : nil
        table = CalendarTable(name: name, zone: zone, dayCodes: dayCodes, firstDay: first, weeklyCodes: weekly,
                              schedulePeriods: schedules.flatMap { $0 },
                              scheduleStart: schedules.reduce(into: [0]) { starts, periods in starts.append(starts.last! + periods.count) },
                              holidays: self.holidays, adjustedWorkingDays: adjusted)
    }

    /// Two calendars are equal when their name, zone, working hours, holidays and adjusted working days are.
    public static func == (a: WorkingCalendar, b: WorkingCalendar) -> Bool {
        a.name == b.name && a.zone == b.zone && a.weekdays == b.weekdays && a.periods == b.periods && a.years == b.years && a.everyYear == b.everyYear
            && a.periodsByWeekday == b.periodsByWeekday && a.adjustedPeriods == b.adjustedPeriods
            && a.holidays == b.holidays && a.adjustedWorkingDays == b.adjustedWorkingDays
    }

    /// Hashes the name only (equal calendars have equal names).
    public func hash(into h: inout Hasher) { h.combine(name) }

    /// Why a day is or is not a working day.
    public enum DayKind: Sendable, Equatable {
        /// A working weekday.
        case working
        /// A day off by weekday that is a working day (调休), with its label.
        case adjustedWorking(Localized)
        /// A public holiday, with its label.
        case holiday(Localized)
        /// A weekday that is not a working day.
        case weekend
    }

    /// The most steps one computation records for an explanation: a deadline years away (an amount
    /// taken from a case) is explained by its first steps, and its value, not by every day.
    public static let maxRecordedSteps = 500

    /// One step of a working-time computation, for explanations.
    public enum Step: Sendable, Equatable {
        /// Working time counted from `from` to `to` (instants), on a day of the given kind.
        case worked(from: Timestamp, to: Timestamp, day: DayKind)
        /// A whole day skipped, and why.
        case skipped(CivilDate, DayKind)
    }

    /// What a day (days since 1970-01-01) is in this calendar; throws for a year it does not cover.
    public func kind(ofDay day: Int) throws(YearNotCovered) -> DayKind { try table.kind(ofDay: day) }

    func isWorking(_ day: Int) throws(YearNotCovered) -> Bool { try table.isWorking(day) }

    /// N working hours (or any working duration) after `start`: the earliest instant by which that much
    /// working time has passed. A start outside working time begins at the next working period;
    /// landing exactly on a period's end gives that end (09:00 + 3 h = 12:00, not 13:00).
    public func addWorkingTime(_ amount: ClockDuration, to start: Timestamp) throws(YearNotCovered) -> Timestamp {
        var steps: [Step]? = nil
        return try table.addWorkingTime(amount, to: start, steps: &steps)
    }

    func addWorkingTime(_ amount: ClockDuration, to start: Timestamp, steps: inout [Step]?) throws(YearNotCovered) -> Timestamp {
        try table.addWorkingTime(amount, to: start, steps: &steps)
    }

    /// N working days after `start`: the end of the last working period of the N-th working day
    /// after `start`'s own date. The start's own day never counts, whatever the hour.
    public func addWorkingDays(_ n: Int, to start: Timestamp) throws(YearNotCovered) -> Timestamp {
        var steps: [Step]? = nil
        return try table.addWorkingDays(n, to: start, steps: &steps)
    }

    func addWorkingDays(_ n: Int, to start: Timestamp, steps: inout [Step]?) throws(YearNotCovered) -> Timestamp {
        try table.addWorkingDays(n, to: start, steps: &steps)
    }

    /// Working time between two instants (zero when `to` is not after `from`).
    public func workingTime(from: Timestamp, to: Timestamp) throws(YearNotCovered) -> ClockDuration {
        try table.workingTime(from: from, to: to)
    }

}
