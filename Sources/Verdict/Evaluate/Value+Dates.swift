/// The date functions (`month(t)`, `days_between(a, b)`, `is_working_day(d, "cn-office")`, …) on
/// runtime values: absent in, absent out; a failure propagates; a calendar asked about a year it does
/// not cover fails as the working-time functions do.
extension Value {
    /// A part of an instant read in `zone`, or of a date. Months and weekdays are members of the
    /// built-in enums, whose first member id is `members`.
    @inline(__always)
    static func datePart(_ part: DatePart, _ v: Value, zone: UnsafePointer<Zone>, members: Int32) -> Value {
        let day: Int64, ms: Int64
        switch v {
        case .time(let t):
            let local = t + Int64(zone.pointee.offsetSeconds(at: Timestamp(millisecondsSinceEpoch: t))) * 1000
            (day, ms) = local.floorDivMod(86_400_000)
            // A case's instant is within the years in the policy's zone; read in a calendar's zone it
            // may fall on 0000-12-31 or 10000-01-01, which no part is given for.
            guard day >= -719_162, day <= 2_932_896 else { return .failure(.overflow) }
        case .date(let d):
            day = Int64(d)
            ms = 0
        case .failure: return v
        default: return .absent
        }
        switch part {
        case .month, .weekday: return .member(members + Int32(part.number(day: day, msOfDay: ms)) - 1)
        case .date: return .date(Int32(day))
        default: return .int(part.number(day: day, msOfDay: ms))
        }
    }

    /// Days from date `a` to date `b` (negative when `b` is earlier).
    static func daysBetween(_ a: Value, _ b: Value) -> Value {
        if a.isFailure { return a }
        if b.isFailure { return b }
        guard case .date(let x) = a, case .date(let y) = b else { return .absent }
        return .int(Int64(y) - Int64(x))
    }

    /// Whether an instant is in a working period of the calendar.
    static func isWorkingTime(_ calendar: Program.CalendarReference, _ v: Value) -> Value {
        guard case .time(let t) = v else { return v.isFailure ? v : .absent }
        return calendar.with { table -> Value in
            do throws(WorkingCalendar.YearNotCovered) { return .bool(try table.isWorkingTime(t)) } catch {
                return .failure(.yearNotCovered(error))
            }
        }
    }

    /// Whether a date (or an instant's date in the calendar's zone) is a working day of the calendar.
    static func isWorkingDay(_ calendar: Program.CalendarReference, _ v: Value) -> Value {
        calendar.with { table -> Value in
            let day: Int
            switch v {
            case .date(let d): day = Int(d)
            case .time(let t): day = table.day(of: t)
            case .failure: return v
            default: return .absent
            }
            do throws(WorkingCalendar.YearNotCovered) { return .bool(try table.isWorking(day)) } catch {
                return .failure(.yearNotCovered(error))
            }
        }
    }
}
