// Working-time arithmetic on calendars built from the input: a zone (some with daylight saving),
// working weekdays, up to three working periods, holidays and adjusted working days in 2025–2026, a
// start instant and an amount. Properties: adding working time then measuring it from the start gives
// the amount back; the steps an explanation records sum to it and end where the result does (or, past
// WorkingCalendar.maxRecordedSteps, are its beginning); measured
// working time never exceeds the elapsed time; adding working days never goes back in time; a
// timestamp printed in the zone reads back as the same instant.
import FuzzSupport
@testable import Verdict

let zones = ["Asia/Shanghai", "UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu",
             "America/St_Johns", "Pacific/Chatham"].compactMap(Zone.init(identifier:))
let firstDay = CivilDate(year: 2025, month: 1, day: 1).daysSinceEpoch
let dayMs: Int64 = 86_400_000

/// Reads the input a little at a time; zero once it runs out.
struct Reader {
    var bytes: [UInt8]
    var i = 0
    mutating func byte() -> Int { defer { i += 1 }; return i < bytes.count ? Int(bytes[i]) : 0 }
    mutating func int(_ n: Int) -> Int64 { (0..<n).reduce(Int64(0)) { acc, _ in acc << 8 | Int64(byte()) } }
}

@_cdecl("FuzzWorkingTime_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    Fuzz.main(argc, argv) { start, count in fuzzWorkingTime(start, count) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWorkingTime(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var r = Reader(bytes: Fuzz.bytes(start, count))
    let zone = zones[r.byte() % zones.count]
    let mask = r.byte()
    let weekdays = Set((1...7).filter { mask & (1 << ($0 - 1)) != 0 })
    // Period bounds in quarter hours, sorted and paired, so periods never overlap (the checker refuses that).
    let bounds = (0..<(2 * (r.byte() % 4))).map { _ in min(96, r.byte() % 97) * 15 }.sorted()
    var periods: [WorkingCalendar.Period] = []
    for k in stride(from: 0, to: bounds.count - 1, by: 2) where bounds[k] < bounds[k + 1] {
        periods.append(.init(start: bounds[k], end: bounds[k + 1]))
    }
    func days(_ n: Int) -> [WorkingCalendar.Day] {
        (0..<n).map { _ in .init(date: CivilDate(daysSinceEpoch: firstDay + Int(r.int(2) % 730))) }
    }
    let holidays = days(r.byte() % 8), adjusted = days(r.byte() % 4)
    let calendar = WorkingCalendar(name: "fuzz", zone: zone, weekdays: weekdays, periods: periods, years: [2025, 2026],
                                   holidays: holidays, adjustedWorkingDays: adjusted)
    // A start from the last day of 2024 to the end of 2026, and up to about three working years.
    let startMs = Int64(firstDay - 1) * dayMs + r.int(4) % (732 * dayMs)
    let begin = Timestamp(millisecondsSinceEpoch: startMs)
    let amount = ClockDuration(milliseconds: r.int(4) % (3 * 365 * dayMs / 3))

    let printed = begin.rfc3339(in: zone)
    Fuzz.require((try? Timestamp(rfc3339: printed)) == begin, "\(printed) does not read back as \(startMs) ms")

    if let end = try? calendar.addWorkingTime(amount, to: begin) {
        Fuzz.require(end >= begin, "adding \(amount) went back in time: \(begin) → \(end)")
        let measured = try? calendar.workingTime(from: begin, to: end)
        Fuzz.require(measured == amount, "added \(amount.milliseconds) ms from \(begin), reached \(end), measured \(String(describing: measured?.milliseconds)) ms")
        var steps: [WorkingCalendar.Step]? = []
        let again = try? calendar.table.addWorkingTime(amount, to: begin, steps: &steps)
        Fuzz.require(again == end, "with steps recorded the result differs: \(String(describing: again)) / \(end)")
        var worked: Int64 = 0, last = begin
        for step in steps ?? [] {
            guard case let .worked(from, to, _) = step else { continue }
            Fuzz.require(from >= last && to >= from, "steps out of order: \(from)–\(to) after \(last)")
            worked += to.millisecondsSinceEpoch - from.millisecondsSinceEpoch
            last = to
        }
        if (steps ?? []).count >= WorkingCalendar.maxRecordedSteps {
            // Recording stops at the bound: the steps are the computation's beginning.
            Fuzz.require((steps ?? []).count == WorkingCalendar.maxRecordedSteps && worked <= amount.milliseconds && last <= end,
                         "\((steps ?? []).count) steps recorded, summing to \(worked) ms ending \(last), past \(amount.milliseconds) ms ending \(end)")
        } else if amount.milliseconds > 0 {
            Fuzz.require(worked == amount.milliseconds && last == end, "steps sum to \(worked) ms ending \(last), not \(amount.milliseconds) ms ending \(end)")
        }
    }
    let later = Timestamp(millisecondsSinceEpoch: startMs + r.int(4) % (400 * dayMs))
    if let measured = try? calendar.workingTime(from: begin, to: later) {
        Fuzz.require(measured.milliseconds >= 0 && measured.milliseconds <= max(0, later.millisecondsSinceEpoch - startMs),
                     "measured \(measured.milliseconds) ms between instants \(later.millisecondsSinceEpoch - startMs) ms apart")
    }
    let n = r.byte() % 40
    if n > 0, let due = try? calendar.addWorkingDays(n, to: begin) {
        Fuzz.require(due > begin, "\(n) working days after \(begin) is \(due)")
    }
    return 0
}
