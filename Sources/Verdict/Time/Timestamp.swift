import Foundation

/// An instant, as milliseconds since 1970-01-01T00:00:00Z, parsed from and printed as RFC 3339.
///
/// ```swift
/// let t = try Timestamp(rfc3339: "2026-03-02T09:00:00+08:00")
/// t.rfc3339(in: .shanghai)  // "2026-03-02T09:00:00+08:00"
/// ```
/// An offset is required in input: a time without a zone is ambiguous, so it is refused.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    public init(_ date: Date) {
        millisecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    public var date: Date { Date(timeIntervalSince1970: TimeInterval(millisecondsSinceEpoch) / 1000) }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.millisecondsSinceEpoch < b.millisecondsSinceEpoch }

    public var description: String { rfc3339(in: .utc) }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `t` and a space are accepted for `T`.
    public init(rfc3339 text: String) throws(TimeFormatError) {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ n: Int) throws(TimeFormatError) -> Int {
            guard at + n <= b.count else { throw TimeFormatError.timestamp(text) }
            var v = 0
            for k in at..<at + n {
                guard b[k] >= 0x30, b[k] <= 0x39 else { throw TimeFormatError.timestamp(text) }
                v = v * 10 + Int(b[k] - 0x30)
            }
            return v
        }
        func expect(_ at: Int, _ c: Character) throws(TimeFormatError) {
            guard at < b.count, b[at] == c.asciiValue! else { throw TimeFormatError.timestamp(text) }
        }
        let year = try digits(0, 4)
        try expect(4, "-")
        let month = try digits(5, 2)
        try expect(7, "-")
        let day = try digits(8, 2)
        guard b.count > 10, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == 0x20 else {
            throw TimeFormatError.timestamp(text)
        }
        let hour = try digits(11, 2)
        try expect(13, ":")
        let minute = try digits(14, 2)
        try expect(16, ":")
        let second = try digits(17, 2)
        var i = 19
        var millis = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 100, n = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                millis += Int(b[i] - 0x30) * scale
                scale /= 10
                i += 1
                n += 1
            }
            guard n > 0 else { throw TimeFormatError.timestamp(text) }
        }
        guard i < b.count else { throw TimeFormatError.missingOffset(text) }
        var offset = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            let oh = try digits(i + 1, 2)
            try expect(i + 3, ":")
            let om = try digits(i + 4, 2)
            guard oh < 24, om < 60 else { throw TimeFormatError.timestamp(text) }
            offset = sign * (oh * 3600 + om * 60)
            i += 6
        } else {
            throw TimeFormatError.timestamp(text)
        }
        guard i == b.count, month >= 1, month <= 12, day >= 1, day <= CivilDate.daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 60 else { throw TimeFormatError.timestamp(text) }
        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)
        millisecondsSinceEpoch = seconds * 1000 + Int64(millis)
    }

    /// RFC 3339 text in the given zone, with milliseconds only when they are not zero.
    public func rfc3339(in zone: Zone) -> String {
        let offset = zone.offsetSeconds(at: self)
        let local = millisecondsSinceEpoch + Int64(offset) * 1000
        let (days, msOfDay) = local.floorDivMod(86_400_000)
        let civil = CivilDate(daysSinceEpoch: Int(days))
        let secs = Int(msOfDay / 1000), ms = Int(msOfDay % 1000)
        var s = civil.description + "T" + pad(secs / 3600) + ":" + pad(secs / 60 % 60) + ":" + pad(secs % 60)
        if ms != 0 { s += "." + pad(ms, 3) }
        if offset == 0 && zone.identifier == "UTC" { return s + "Z" }
        let sign = offset < 0 ? "-" : "+"
        let a = abs(offset)
        return s + sign + pad(a / 3600) + ":" + pad(a / 60 % 60)
    }

    public static func + (t: Timestamp, d: Duration) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: t.millisecondsSinceEpoch &+ d.milliseconds)
    }
}

func pad(_ n: Int, _ width: Int = 2) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

extension Int64 {
    /// Floor division and the matching non-negative remainder.
    func floorDivMod(_ d: Int64) -> (Int64, Int64) {
        let q = self / d, r = self % d
        return r < 0 ? (q - 1, r + d) : (q, r)
    }
}

/// A time zone, by IANA identifier; offsets come from the system's zone database.
public struct Zone: Sendable, Hashable {
    public let identifier: String
    private let fixedOffset: Int?

    public static let utc = Zone(checked: "UTC", fixed: 0)
    /// China has kept UTC+8 without daylight saving since 1991.
    public static let shanghai = Zone(checked: "Asia/Shanghai", fixed: nil)

    private init(checked id: String, fixed: Int?) {
        identifier = id
        fixedOffset = fixed
    }

    /// A zone by identifier, or nil if the system does not know it.
    public init?(identifier: String) {
        guard TimeZone(identifier: identifier) != nil else { return nil }
        self.init(checked: identifier, fixed: identifier == "UTC" ? 0 : nil)
    }

    /// Seconds east of UTC at the given instant.
    public func offsetSeconds(at t: Timestamp) -> Int {
        if let fixedOffset { return fixedOffset }
        return TimeZone(identifier: identifier)?.secondsFromGMT(for: t.date) ?? 0
    }
}

/// A timestamp, duration or date that could not be read.
public enum TimeFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    case timestamp(String)
    case missingOffset(String)
    case duration(String)
    case date(String)

    public var description: String {
        switch self {
        case .timestamp(let t): return "`\(t)` is not an RFC 3339 timestamp (like 2026-03-02T09:00:00+08:00)"
        case .missingOffset(let t): return "`\(t)` has no time zone offset (add Z or +08:00)"
        case .duration(let t): return "`\(t)` is not a duration (like 1h, 2d, 90m, 1d12h or PT1H)"
        case .date(let t): return "`\(t)` is not a date (like 2026-03-02)"
        }
    }
}
