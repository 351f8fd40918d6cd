/// A working calendar's tables and its arithmetic, in one immutable object that every copy of the
/// calendar shares. The evaluator calls it through an unretained reference, so deciding on many
/// threads touches no shared reference count (copying a calendar struct would retain each table).
final class CalendarTable: Sendable {
    let name: String
    let zone: Zone
    /// One byte per day from `firstDay`, over the covered years: 0 working, 1 adjusted working,
    /// 2 holiday, 3 weekend, 4 not covered. Deciding a day is then an index, not a hash lookup.
    let dayCodes: [UInt8]
    let firstDay: Int
    /// For a calendar of every year: the code of a day outside `dayCodes` by ISO weekday (index 1...7),
    /// 0 working or 3 weekend. Nil for a calendar of listed years, which refuses such a day.
    let weeklyCodes: [UInt8]?
    /// For a calendar of every year: the working time of a week outside `dayCodes`, so long spans
    /// are counted by whole weeks rather than day by day.
    let weekMs: Int64
    /// The days a calendar of every year answers: 0001-01-01 to 9999-12-31 (the years a timestamp has),
    /// so a computation that never finds working time ends.
    static let everyYearDays = CivilDate(year: 1, month: 1, day: 1).daysSinceEpoch...CivilDate(year: 9999, month: 12, day: 31).daysSinceEpoch
    /// Every schedule's periods in one flat array: schedule `i` (0: adjusted working days; 1...7:
    /// ISO weekdays) is `schedulePeriods[scheduleStart[i]..<scheduleStart[i + 1]]`.
    let schedulePeriods: [WorkingCalendar.Period]
    let scheduleStart: [Int]
    let holidays: [Int: Localized]
    let adjustedWorkingDays: [Int: Localized]

    init(name: String, zone: Zone, dayCodes: [UInt8], firstDay: Int, weeklyCodes: [UInt8]? = nil, schedulePeriods: [WorkingCalendar.Period], scheduleStart: [Int],
         holidays: [Int: Localized], adjustedWorkingDays: [Int: Localized]) {
        self.name = name
        self.zone = zone
        self.dayCodes = dayCodes
        self.firstDay = firstDay
        self.weeklyCodes = weeklyCodes
        var week: Int64 = 0
        if let weeklyCodes {
            for w in 1...7 where weeklyCodes[w] == 0 {
                for p in schedulePeriods[scheduleStart[w]..<scheduleStart[w + 1]] { week += Int64(p.end - p.start) * 60_000 }
            }
        }
        weekMs = week
        self.schedulePeriods = schedulePeriods
        self.scheduleStart = scheduleStart
        self.holidays = holidays
        self.adjustedWorkingDays = adjustedWorkingDays
    }

    /// The day's code (see `dayCodes`), or a `WorkingCalendar.YearNotCovered` error.
    @inline(__always)
    func code(ofDay day: Int) throws(WorkingCalendar.YearNotCovered) -> UInt8 {
        let i = day - firstDay
        if i >= 0, i < dayCodes.count, dayCodes[i] != 4 { return dayCodes[i] }
        if let weeklyCodes, Self.everyYearDays.contains(day) { return weeklyCodes[CivilDate(daysSinceEpoch: day).weekday] }
        throw WorkingCalendar.YearNotCovered(calendar: name, year: CivilDate(daysSinceEpoch: day).year)
    }


    /// What a day (days since 1970-01-01) is in this calendar; throws for a year it does not cover.
    func kind(ofDay day: Int) throws(WorkingCalendar.YearNotCovered) -> WorkingCalendar.DayKind {
        switch try code(ofDay: day) {
        case 0: return .working
        case 1: return .adjustedWorking(adjustedWorkingDays[day] ?? Localized())
        case 2: return .holiday(holidays[day] ?? Localized())
        default: return .weekend
        }
    }

    @inline(__always)
    func isWorking(_ day: Int) throws(WorkingCalendar.YearNotCovered) -> Bool { try code(ofDay: day) <= 1 }

    /// Which schedule a working day follows: 0 for an adjusted working day, else its ISO weekday.
    @inline(__always)
    func scheduleIndex(_ day: Int64) throws(WorkingCalendar.YearNotCovered) -> Int {
        if try code(ofDay: Int(day)) == 1 { return 0 }
        let w = Int((day + 3) % 7)
        return (w < 0 ? w + 7 : w) + 1
    }

    static let dayMs: Int64 = 86_400_000

    /// The zone offset in milliseconds around an instant.
    func offset(_ ms: Int64) -> Int64 { Int64(zone.offsetSeconds(at: Timestamp(millisecondsSinceEpoch: ms))) * 1000 }



    func addWorkingTime(_ amount: ClockDuration, to start: Timestamp, steps: inout [WorkingCalendar.Step]?) throws(WorkingCalendar.YearNotCovered) -> Timestamp {
        let off = offset(start.millisecondsSinceEpoch)
        var local = start.millisecondsSinceEpoch + off
        var remaining = amount.milliseconds
        var (day, _) = local.floorDivMod(Self.dayMs)
        if remaining <= 0 { return start }
        // Steps are recorded up to a bound (an amount is a case's value, and may be years of working
        // time); past it the arithmetic goes on unrecorded, as fast as without steps.
        var recorded = steps
        steps = nil
        defer { steps = recorded }
        var recording: Bool { recorded.map { $0.count < WorkingCalendar.maxRecordedSteps } ?? false }
        func record(_ s: WorkingCalendar.Step) { if recording { recorded?.append(s) } }
        while true {
            // Whole weeks outside the table of a calendar of every year, when no step is recorded.
            if !recording, local == day * Self.dayMs, weekMs > 0, let n = fullWeeks(from: day, before: Int64.max), n > 0 {
                let k = min(n, (remaining - 1) / weekMs)
                if k > 0 {
                    remaining -= k * weekMs
                    day += 7 * k
                    local = day * Self.dayMs
                    continue
                }
            }
            let working = try isWorking(Int(day))
            let kind: WorkingCalendar.DayKind = recording ? try self.kind(ofDay: Int(day)) : .working
            switch working {
            case true:
                let si = try scheduleIndex(day)
                for pi in scheduleStart[si]..<scheduleStart[si + 1] {
                    let p = schedulePeriods[pi]
                    let ps = day * Self.dayMs + Int64(p.start) * 60_000, pe = day * Self.dayMs + Int64(p.end) * 60_000
                    if local >= pe { continue }
                    let s = max(local, ps)
                    let available = pe - s
                    if remaining <= available {
                        record(.worked(from: Timestamp(millisecondsSinceEpoch: s - off), to: Timestamp(millisecondsSinceEpoch: s + remaining - off), day: kind))
                        return Timestamp(millisecondsSinceEpoch: s + remaining - off)
                    }
                    record(.worked(from: Timestamp(millisecondsSinceEpoch: s - off), to: Timestamp(millisecondsSinceEpoch: pe - off), day: kind))
                    remaining -= available
                    local = pe
                }
            case false:
                record(.skipped(CivilDate(daysSinceEpoch: Int(day)), kind))
            }
            day += 1
            local = day * Self.dayMs
        }
    }


    func addWorkingDays(_ n: Int, to start: Timestamp, steps: inout [WorkingCalendar.Step]?) throws(WorkingCalendar.YearNotCovered) -> Timestamp {
        let off = offset(start.millisecondsSinceEpoch)
        var (day, _) = (start.millisecondsSinceEpoch + off).floorDivMod(Self.dayMs)
        var counted = 0
        guard n > 0 else { return start }
        var recorded = steps
        steps = nil
        defer { steps = recorded }
        var recording: Bool { recorded.map { $0.count < WorkingCalendar.maxRecordedSteps } ?? false }
        func record(_ s: WorkingCalendar.Step) { if recording { recorded?.append(s) } }
        while true {
            day += 1
            let working = try isWorking(Int(day))
            let kind: WorkingCalendar.DayKind = recording ? try self.kind(ofDay: Int(day)) : .working
            let si = working ? try scheduleIndex(day) : 0
            switch working {
            case true:
                guard scheduleStart[si] < scheduleStart[si + 1] else { continue }
                let first = schedulePeriods[scheduleStart[si]], last = schedulePeriods[scheduleStart[si + 1] - 1]
                counted += 1
                record(.worked(from: Timestamp(millisecondsSinceEpoch: day * Self.dayMs + Int64(first.start) * 60_000 - off),
                                      to: Timestamp(millisecondsSinceEpoch: day * Self.dayMs + Int64(last.end) * 60_000 - off), day: kind))
                if counted == n { return Timestamp(millisecondsSinceEpoch: day * Self.dayMs + Int64(last.end) * 60_000 - off) }
            case false:
                record(.skipped(CivilDate(daysSinceEpoch: Int(day)), kind))
            }
        }
    }

    /// Working time between two instants (zero when `to` is not after `from`).
    func workingTime(from: Timestamp, to: Timestamp) throws(WorkingCalendar.YearNotCovered) -> ClockDuration {
        guard to > from else { return ClockDuration(milliseconds: 0) }
        let off = offset(from.millisecondsSinceEpoch)
        let a = from.millisecondsSinceEpoch + off, b = to.millisecondsSinceEpoch + off
        var (day, _) = a.floorDivMod(Self.dayMs)
        var total: Int64 = 0
        while day * Self.dayMs < b {
            // Whole weeks outside the table of a calendar of every year: the weekly pattern, seven days at a time.
            if let n = fullWeeks(from: day, before: b.floorDivMod(Self.dayMs).0), n > 0, day * Self.dayMs >= a {
                total += n * weekMs
                day += 7 * n
                continue
            }
            if try isWorking(Int(day)) {
                let si = try scheduleIndex(day)
                for pi in scheduleStart[si]..<scheduleStart[si + 1] {
                    let p = schedulePeriods[pi]
                    let ps = day * Self.dayMs + Int64(p.start) * 60_000, pe = day * Self.dayMs + Int64(p.end) * 60_000
                    let s = max(ps, a), e = min(pe, b)
                    if e > s { total += e - s }
                }
            }
            day += 1
        }
        return ClockDuration(milliseconds: total)
    }

    /// Whether an instant is inside a working period of a working day (a period's end is not in it:
    /// 12:00 is not working time when the morning ends at 12:00).
    func isWorkingTime(_ t: Int64) throws(WorkingCalendar.YearNotCovered) -> Bool {
        let (day, ms) = (t + offset(t)).floorDivMod(Self.dayMs)
        guard try isWorking(Int(day)) else { return false }
        let si = try scheduleIndex(day)
        for pi in scheduleStart[si]..<scheduleStart[si + 1] {
            let p = schedulePeriods[pi]
            if ms >= Int64(p.start) * 60_000, ms < Int64(p.end) * 60_000 { return true }
        }
        return false
    }

    /// How many whole weeks from `day` lie outside the table, before the day `limit` and inside the
    /// years a calendar of every year answers; nil for a calendar of listed years.
    @inline(__always)
    func fullWeeks(from day: Int64, before limit: Int64) -> Int64? {
        guard weeklyCodes != nil else { return nil }
        let first = Int64(firstDay), end = Int64(firstDay + dayCodes.count)
        var last = min(limit, Int64(Self.everyYearDays.upperBound) + 1)
        if dayCodes.isEmpty || day >= end {
            // after the table (or no table): up to the limit
        } else if day < first {
            last = min(last, first)
        } else {
            return 0
        }
        guard day >= Int64(Self.everyYearDays.lowerBound), last > day else { return 0 }
        return (last - day) / 7
    }

    /// The local day (days since 1970-01-01) of an instant in the calendar's zone.
    func day(of t: Int64) -> Int { Int((t + offset(t)).floorDivMod(Self.dayMs).0) }
}
