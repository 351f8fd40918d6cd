/// Durations as people read them in an explanation: clock time in days, hours and minutes, and
/// working time in the working hours and minutes of its calendar, in English or Chinese.
///
/// A working-time amount is never written in days: a day of a calendar is not 24 of its hours
/// (cn-office works 8 a day), so `141d12h` of store hours would read as 141 calendar days.
extension ClockDuration {
    /// Clock time: `2d22h45m` in English (the ``description``), `2天22小时45分钟` in Chinese.
    public func text(_ language: Language) -> String {
        guard language == .zh else { return description }
        if milliseconds == 0 { return "0秒" }
        var rest = milliseconds.magnitude
        var out = milliseconds < 0 ? "-" : ""
        for (unit, ms) in [("天", UInt64(86_400_000)), ("小时", 3_600_000), ("分钟", 60_000), ("秒", 1000)] where rest >= ms {
            out += "\(rest / ms)\(unit)"
            rest %= ms
        }
        if rest > 0 { out += "\(rest)毫秒" }
        return out
    }

    /// Working time, in hours and minutes of working time (seconds when there are some; never
    /// days): `3,396 working hours 54 min`, `1 working hour`, `30 working minutes`; in Chinese
    /// `3,396个工作小时54分钟`, `1个工作小时`, `工作时间30分钟`.
    public func workingText(_ language: Language) -> String {
        let zh = language == .zh
        let total = milliseconds.magnitude
        let sign = milliseconds < 0 ? "-" : ""
        let h = total / 3_600_000, m = total % 3_600_000 / 60_000, s = total % 60_000 / 1000
        if zh {
            let small = (m > 0 ? "\(m)分钟" : "") + (s > 0 ? "\(s)秒" : "")
            if h > 0 { return "\(sign)\(Self.grouped(h))个工作小时\(small)" }
            return "\(sign)工作时间\(small.isEmpty ? "0分钟" : small)"
        }
        let seconds = s > 0 ? " \(s) s" : ""
        if h > 0 { return "\(sign)\(Self.grouped(h)) working hour\(h == 1 ? "" : "s")\(m > 0 ? " \(m) min" : "")\(seconds)" }
        if m > 0 { return "\(sign)\(m) working minute\(m == 1 ? "" : "s")\(seconds)" }
        return "\(sign)\(s) working second\(s == 1 ? "" : "s")"
    }

    /// `3396` → `3,396`.
    static func grouped(_ n: UInt64) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }
}
