/// A part of an instant or a date, read in a zone: what `year(t)`, `month(t)`, `day(t)`,
/// `weekday(t)`, `hour(t)`, `minute(t)` and `date(t)` return.
///
/// Months and weekdays are members of built-in enums (`jan` … `dec`, `mon` … `sun`), so the
/// analyser treats them as finite sets; the others are integers or a date with fixed ranges.
enum DatePart: UInt8, Sendable, Hashable, CaseIterable {
    case year, month, day, weekday, hour, minute, date

    /// The function's name in a policy.
    var name: String {
        switch self {
        case .year: return "year"
        case .month: return "month"
        case .day: return "day"
        case .weekday: return "weekday"
        case .hour: return "hour"
        case .minute: return "minute"
        case .date: return "date"
        }
    }

    static func named(_ name: String) -> DatePart? { allCases.first { $0.name == name } }

    /// Whether the part needs a time of day, so it cannot be read from a date.
    var needsTime: Bool { self == .hour || self == .minute || self == .date }

    /// The values the part can take, as integers (days since 1970-01-01 for `date`; ISO weekday and
    /// month numbers for the members), within the years Verdict reads (0001–9999).
    var range: ClosedRange<Int64> {
        switch self {
        case .year: return 1...9999
        case .month: return 1...12
        case .day: return 1...31
        case .weekday: return 1...7
        case .hour: return 0...23
        case .minute: return 0...59
        case .date: return -719_162...2_932_896
        }
    }

    /// The names of the members of the built-in enum the part's values belong to (nil: not an enum).
    var memberNames: [(name: String, label: Localized)]? {
        switch self {
        case .month:
            let en = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
            let names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
            return (0..<12).map { (names[$0], Localized(en: en[$0], zh: "\($0 + 1)月")) }
        case .weekday:
            let en = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
            let zh = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]
            return (0..<7).map { (["mon", "tue", "wed", "thu", "fri", "sat", "sun"][$0], Localized(en: en[$0], zh: zh[$0])) }
        default:
            return nil
        }
    }

    /// The part of a local day (days since 1970-01-01) and a time within it (milliseconds after
    /// local midnight), as an integer (see ``range``).
    @inline(__always)
    func number(day: Int64, msOfDay: Int64) -> Int64 {
        switch self {
        case .hour: return msOfDay / 3_600_000
        case .minute: return msOfDay / 60_000 % 60
        case .date: return day
        case .weekday:
            let w = (day + 3) % 7  // 1970-01-01 was a Thursday
            return (w < 0 ? w + 7 : w) + 1
        case .year, .month, .day:
            let civil = CivilDate(daysSinceEpoch: Int(day))
            return Int64(self == .year ? civil.year : self == .month ? civil.month : civil.day)
        }
    }
}
