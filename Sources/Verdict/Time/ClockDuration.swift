/// A length of clock time in milliseconds: `1h`, `2d`, `90m`, `1d12h`, `30s`, or ISO 8601 `PT1H`, `P2D`.
///
/// A day is 24 hours: policies run in a zone without daylight saving (Asia/Shanghai), where a
/// calendar day and 24 hours agree. Working time is not a `ClockDuration`: it needs a calendar.
public struct ClockDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in milliseconds (negative for a length backwards).
    public var milliseconds: Int64

    /// A duration of so many milliseconds.
    ///
    /// - Parameter milliseconds: The length in milliseconds (negative for a negative duration).
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    /// `h` hours; saturates at the largest duration rather than overflowing.
    public static func hours(_ h: Int64) -> ClockDuration { ClockDuration(milliseconds: saturating(h, 3_600_000)) }
    /// `d` days of 24 hours; saturates at the largest duration rather than overflowing.
    public static func days(_ d: Int64) -> ClockDuration { ClockDuration(milliseconds: saturating(d, 86_400_000)) }
    /// `m` minutes; saturates at the largest duration rather than overflowing.
    public static func minutes(_ m: Int64) -> ClockDuration { ClockDuration(milliseconds: saturating(m, 60_000)) }

    private static func saturating(_ n: Int64, _ unit: Int64) -> Int64 {
        let (p, o) = n.multipliedReportingOverflow(by: unit)
        return o ? (n < 0 ? .min : .max) : p
    }

    /// The longest duration, `106751991167d7h12m55s807ms` (2^63 − 1 milliseconds, some 292 million
    /// years); a longer one is refused with ``TimeFormatError/durationTooLong(_:)``.
    public static let longest = ClockDuration(milliseconds: .max)

    static let unitMillis: [Character: Int64] = ["w": 604_800_000, "d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1000]

    /// Parses `90m`, `1h`, `2d`, `1w`, `1d12h`, `30s` (units largest first), or ISO 8601 `PT1H`, `P2D`, `P1W`;
    /// a leading `-` makes it negative. Throws ``TimeFormatError/duration(_:)`` otherwise, and
    /// ``TimeFormatError/durationTooLong(_:)`` for a well-formed duration longer than ``longest``.
    ///
    /// - Parameter text: The duration as written in a policy, such as `90m`, `1d12h` or `PT1H`.
    public init(text: String) throws(TimeFormatError) {
        if text.hasPrefix("P") || text.hasPrefix("-P") {
            self.init(milliseconds: try Self.iso(text))
            return
        }
        var total: Int64 = 0
        var number: Int64? = nil
        var sawUnit = false
        var lastUnit: Int64 = .max
        let negative = text.hasPrefix("-")
        for c in negative ? Substring(text.dropFirst()) : Substring(text) {
            if let d = c.wholeNumberValue, c.isASCII {
                let (m, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(d))
                guard !o1, !o2 else { throw Self.overflow(text) }
                number = a
            } else if let unit = Self.unitMillis[c], let n = number, unit < lastUnit {
                let (p, o) = n.multipliedReportingOverflow(by: unit)
                let (sum, o2) = total.addingReportingOverflow(p)
                guard !o, !o2 else { throw Self.overflow(text) }
                total = sum
                number = nil
                sawUnit = true
                lastUnit = unit
            } else {
                throw .duration(text)
            }
        }
        guard sawUnit, number == nil else { throw .duration(text) }
        self.init(milliseconds: negative ? -total : total)
    }

    private static func iso(_ text: String) throws(TimeFormatError) -> Int64 {
        var s = Substring(text)
        let negative = s.hasPrefix("-")
        if negative { s = s.dropFirst() }
        s = s.dropFirst()  // P
        var total: Int64 = 0
        var inTime = false
        var number = ""
        var any = false
        for c in s {
            if c == "T" { inTime = true; continue }
            if c.isASCII, c.isNumber { number.append(c); continue }
            guard let n = Int64(number) else { throw number.isEmpty ? .duration(text) : Self.overflow(text) }
            let unit: Int64
            switch (c, inTime) {
            case ("W", false): unit = 604_800_000
            case ("D", false): unit = 86_400_000
            case ("H", true): unit = 3_600_000
            case ("M", true): unit = 60_000
            case ("S", true): unit = 1000
            default: throw .duration(text)
            }
            let (p, o) = n.multipliedReportingOverflow(by: unit)
            let (sum, o2) = total.addingReportingOverflow(p)
            guard !o, !o2 else { throw Self.overflow(text) }
            total = sum
            number = ""
            any = true
        }
        guard any, number.isEmpty else { throw .duration(text) }
        return negative ? -total : total
    }

    /// A duration whose number or total overflowed: too long when the text is otherwise well
    /// formed (every character a digit or a unit, so a typo is still "not a duration").
    private static func overflow(_ text: String) -> TimeFormatError {
        let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let wellFormed = body.allSatisfy { ($0.isASCII && $0.isNumber) || "PTWDHMSwdhms".contains($0) }
        return wellFormed ? .durationTooLong(text) : .duration(text)
    }

    /// The shorter duration first.
    public static func < (a: ClockDuration, b: ClockDuration) -> Bool { a.milliseconds < b.milliseconds }

    /// Compact text such as `1d12h`, `90m` → `1h30m`, `0s`.
    public var description: String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds.magnitude
        var out = milliseconds < 0 ? "-" : ""
        for (unit, ms) in [("d", UInt64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] where rest >= ms {
            out += "\(rest / ms)\(unit)"
            rest %= ms
        }
        if rest > 0 { out += "\(rest)ms" }
        return out
    }
}
