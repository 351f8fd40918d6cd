import Foundation

/// An instant, as milliseconds since 1970-01-01T00:00:00Z, parsed from and printed as RFC 3339.
///
/// ```swift
/// let t = try Timestamp(rfc3339: "2026-03-02T09:00:00+08:00")
/// t.rfc3339(in: .shanghai)  // "2026-03-02T09:00:00+08:00"
/// ```
/// An offset is required in input: a time without a zone is ambiguous, so it is refused.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSinceEpoch: Int64

    /// The instant so many milliseconds after the epoch.
    ///
    /// - Parameter millisecondsSinceEpoch: Milliseconds since 1970-01-01T00:00:00Z (negative before it).
    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    /// The instant of a Foundation `Date`, to the millisecond (rounded down).
    ///
    /// - Parameter date: The Foundation date; below a millisecond is dropped.
    public init(_ date: Date) {
        millisecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The instant as a Foundation `Date`.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(millisecondsSinceEpoch) / 1000) }

    /// The earlier instant first.
    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.millisecondsSinceEpoch < b.millisecondsSinceEpoch }

    /// The instant in RFC 3339 in UTC, such as `2026-03-02T01:00:00Z`.
    public var description: String { rfc3339(in: .utc) }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `t` and a space are accepted for `T`.
    ///
    /// - Parameter text: The instant in RFC 3339 with its offset, such as `2026-03-02T09:00:00+08:00`.
    public init(rfc3339 text: String) throws(TimeFormatError) {
        switch Array(text.utf8).withUnsafeBufferPointer({ Self.parse($0) }) {
        case .some(.some(let ms)): millisecondsSinceEpoch = ms
        case .some(nil): throw .missingOffset(text)
        case nil: throw .timestamp(text)
        }
    }

    /// Milliseconds since the epoch; `.some(nil)` when only the offset is missing; nil when malformed.
    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Int64?? {
        @inline(__always) func digits(_ at: Int, _ n: Int) -> Int? {
            guard at + n <= b.count else { return nil }
            var v = 0
            for k in at..<at + n {
                let c = b[k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            return v
        }
        @inline(__always) func at(_ i: Int, _ c: UInt8) -> Bool { i < b.count && b[i] == c }
        guard let year = digits(0, 4), at(4, 45), let month = digits(5, 2), at(7, 45), let day = digits(8, 2),
              b.count > 10, b[10] == 84 || b[10] == 116 || b[10] == 32,
              let hour = digits(11, 2), at(13, 58), let minute = digits(14, 2), at(16, 58), let second = digits(17, 2) else { return nil }
        var i = 19
        var millis = 0
        if at(i, 46) {
            i += 1
            var scale = 100, n = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                millis += Int(b[i] - 0x30) * scale
                scale /= 10
                i += 1
                n += 1
            }
            guard n > 0 else { return nil }
        }
        guard month >= 1, month <= 12, day >= 1, day <= CivilDate.daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 60 else { return nil }
        guard i < b.count else { return .some(nil) }
        var offset = 0
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            let sign = b[i] == 45 ? -1 : 1
            guard let oh = digits(i + 1, 2), at(i + 3, 58), let om = digits(i + 4, 2), oh < 24, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)
        return .some(seconds * 1000 + Int64(millis))
    }

    /// RFC 3339 text in the given zone, with milliseconds only when they are not zero.
    public func rfc3339(in zone: Zone) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(29)
        appendRFC3339(in: zone, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the RFC 3339 text to a byte buffer without building intermediate strings.
    ///
    /// An offset that is not whole minutes (local mean time before a zone's first standard offset,
    /// such as Shanghai's +08:05:43 before 1901) cannot be written in RFC 3339: the instant is written
    /// in UTC instead, so the text reads back as the same instant.
    func appendRFC3339(in zone: Zone, to out: inout [UInt8]) {
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &buffer) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            out.append(contentsOf: UnsafeBufferPointer(start: p, count: writeRFC3339(in: zone, to: p)))
        }
    }

    /// The most bytes ``writeRFC3339(in:to:)`` writes (a year of 20 digits and a sign, then 29 more).
    static let maxRFC3339Bytes = 56

    /// Writes the RFC 3339 text at `p`, which has room for ``maxRFC3339Bytes``; returns how many
    /// bytes it wrote. Digits by constant divisors (multiplications), no intermediate strings.
    func writeRFC3339(in zone: Zone, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var offset = zone.offsetSeconds(at: self)
        var utc = offset == 0 && zone.identifier == "UTC"
        if offset % 60 != 0 { (offset, utc) = (0, true) }
        let local = millisecondsSinceEpoch + Int64(offset) * 1000
        let (days, msOfDay) = local.floorDivMod(86_400_000)
        let civil = CivilDate(daysSinceEpoch: Int(days))
        let secs = Int(msOfDay / 1000), ms = Int(msOfDay % 1000)
        var i = 0
        @inline(__always) func put(_ u: UInt8) { p[i] = u; i += 1 }
        @inline(__always) func two(_ n: Int) { p[i] = UInt8(48 + n / 10); p[i + 1] = UInt8(48 + n % 10); i += 2 }
        if civil.year >= 0, civil.year <= 9999 {
            two(civil.year / 100)
            two(civil.year % 100)
        } else {
            for u in String(civil.year).utf8 { put(u) }
        }
        put(45); two(civil.month); put(45); two(civil.day)
        put(84); two(secs / 3600); put(58); two(secs / 60 % 60); put(58); two(secs % 60)
        if ms != 0 { put(46); put(UInt8(48 + ms / 100)); two(ms % 100) }
        if utc { put(90); return i }
        put(offset < 0 ? 45 : 43)
        let a = abs(offset)
        two(a / 3600); put(58); two(a / 60 % 60)
        return i
    }

    /// Local milliseconds (UTC milliseconds plus the zone's offset) from 0001-01-01T00:00:00 to
    /// 9999-12-31T23:59:59.999: the local times whose dates Verdict reads, 0001-01-01…9999-12-31.
    static let localRange: ClosedRange<Int64> = -62_135_596_800_000 ... 253_402_300_800_000 - 1

    /// The date the instant falls on in `zone` when that date is outside 0001-01-01…9999-12-31 (the
    /// years `year(t)` and `date(t)` give), nil when it is inside: `0001-01-01T00:00:00Z` falls on
    /// 0000-12-31 in America/New_York. An instant more than a day inside either end is inside in
    /// every zone, without asking the zone for its offset.
    public func dateOutsideYears(in zone: Zone) -> CivilDate? {
        if Value.timeRange.contains(millisecondsSinceEpoch) { return nil }
        let (sum, overflow) = millisecondsSinceEpoch.addingReportingOverflow(Int64(zone.offsetSeconds(at: self)) * 1000)
        if !overflow, Self.localRange.contains(sum) { return nil }
        let local = overflow ? millisecondsSinceEpoch : sum  // only an instant built far outside any date overflows
        return CivilDate(daysSinceEpoch: Int(local.floorDivMod(86_400_000).0))
    }

    /// Why an instant read from `text` cannot be a case's: its date in the policy's zone is outside
    /// the years 0001–9999.
    static func outsideYears(_ text: String, _ date: CivilDate, zone: Zone) -> String {
        "`\(Suggestions.clip(text))` falls on \(date) in \(zone.identifier), the policy's zone: a timestamp must fall within the years 0001–9999 there"
    }

    /// The instant a duration of clock time later (earlier for a negative duration).
    public static func + (t: Timestamp, d: ClockDuration) -> Timestamp {
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
    /// The IANA identifier, such as `Asia/Shanghai`.
    public let identifier: String
    private let fixedOffset: Int?
    private let timeZone: TimeZone?
    private let isShanghai: Bool

    /// Coordinated Universal Time.
    public static let utc = Zone(checked: "UTC", fixed: 0)
    /// China Standard Time (UTC+8, no daylight saving), the policies' default zone.
    public static let shanghai = Zone(identifier: "Asia/Shanghai")!

    private init(checked id: String, fixed: Int?) {
        identifier = id
        fixedOffset = fixed
        timeZone = fixed == nil ? TimeZone(identifier: id) : nil
        isShanghai = id == "Asia/Shanghai"
    }

    /// A zone by identifier, or nil if the system does not know it.
    ///
    /// - Parameter identifier: An IANA time zone identifier, such as `Asia/Shanghai` or `UTC`.
    public init?(identifier: String) {
        guard TimeZone(identifier: identifier) != nil else { return nil }
        self.init(checked: identifier, fixed: identifier == "UTC" ? 0 : nil)
    }

    /// Two zones are equal when they have the same identifier (`Asia/Shanghai`).
    public static func == (a: Zone, b: Zone) -> Bool { a.identifier == b.identifier }
    /// Hashes the identifier.
    public func hash(into h: inout Hasher) { h.combine(identifier) }

    /// China has kept UTC+8 without daylight saving since 1991-09-15 (the zone database's last change).
    private static let shanghaiFixedFrom: Int64 = 684_864_000_000

    /// Seconds east of UTC at the given instant.
    @inline(__always)
    public func offsetSeconds(at t: Timestamp) -> Int {
        if let fixedOffset { return fixedOffset }
        if isShanghai, t.millisecondsSinceEpoch >= Self.shanghaiFixedFrom { return 28_800 }
        return timeZone?.secondsFromGMT(for: t.date) ?? 0
    }
}

/// A timestamp, duration or date that could not be read.
public enum TimeFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not an RFC 3339 timestamp.
    case timestamp(String)
    /// The timestamp has no offset (`Z` or `+08:00`), so its instant is ambiguous.
    case missingOffset(String)
    /// The text is not a duration.
    case duration(String)
    /// The text is a duration longer than the longest, ``ClockDuration/longest`` (either way).
    case durationTooLong(String)
    /// The text is not a `YYYY-MM-DD` date.
    case date(String)

    /// What was wrong, with the text and an example of the expected form.
    public var description: String {
        switch self {
        case .timestamp(let t): return "`\(Suggestions.clip(t))` is not an RFC 3339 timestamp (like 2026-03-02T09:00:00+08:00)"
        case .missingOffset(let t): return "`\(Suggestions.clip(t))` has no time zone offset (add Z or +08:00)"
        case .duration(let t): return "`\(Suggestions.clip(t))` is not a duration (like 1h, 2d, 90m, 1d12h or PT1H)"
        case .durationTooLong(let t):
            return "`\(Suggestions.clip(t))` is too long: a duration is at most \(ClockDuration.longest) (\(Int64.max) milliseconds)\(t.hasPrefix("-") ? " either way" : "")"
        case .date(let t): return "`\(Suggestions.clip(t))` is not a date (like 2026-03-02)"
        }
    }
}
