/// A runtime value in a case slot or a decision output.
///
/// Small and self-describing: money is integer minor units, times are epoch milliseconds, enum
/// members are interned ids into the policy's member table. `absent` is an optional field that
/// was not given, or an output that does not apply.
enum Value: Sendable, Hashable {
    case absent
    case bool(Bool)
    case int(Int64)
    case money(Int64)
    case string(String)
    case time(Int64)
    case date(Int32)
    case duration(Int64)
    case member(Int32)
    case list([Value])
    /// A computation that cannot be done (a calendar asked about a year it does not cover, an
    /// arithmetic overflow). It propagates through every operation and turns into a case error.
    case failure(EvaluationFailure)

    var isAbsent: Bool {
        if case .absent = self { return true }
        return false
    }

    /// Orders two values of the same kind; nil when they are of different kinds or not ordered.
    @inline(__always)
    static func compare(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case let (.int(x), .int(y)), let (.money(x), .money(y)), let (.time(x), .time(y)), let (.duration(x), .duration(y)):
            return x < y ? -1 : (x == y ? 0 : 1)
        case let (.date(x), .date(y)): return x < y ? -1 : (x == y ? 0 : 1)
        case let (.string(x), .string(y)): return x < y ? -1 : (x == y ? 0 : 1)
        case let (.bool(x), .bool(y)): return x == y ? 0 : (x ? 1 : -1)
        case let (.member(x), .member(y)): return x == y ? 0 : (x < y ? -1 : 1)
        default: return nil
        }
    }
}

/// The type of a field, output, set member or expression.
indirect enum ValueType: Sendable, Hashable {
    case bool, integer, money, string, timestamp, date, duration
    /// An enum, by index into the policy's enum table (roles are the enum named `role`).
    case enumeration(Int)
    case list(ValueType)

    var isOrdered: Bool {
        switch self {
        case .integer, .money, .timestamp, .date, .duration, .string: return true
        default: return false
        }
    }

    var element: ValueType? {
        if case .list(let t) = self { return t }
        return nil
    }

    static let primitiveNames: [String: ValueType] = [
        "bool": .bool, "integer": .integer, "money": .money, "string": .string,
        "timestamp": .timestamp, "date": .date, "duration": .duration,
    ]
}

extension Value {
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}

/// Arithmetic, exact and checked: a result that does not fit (or a timestamp outside the years
/// 0001–9999) is a failure, which the evaluator turns into a case error — never a wrapped value.
extension Value {
    /// The instants Verdict reads and prints: 0001-01-01T00:00:00Z ..< 10000-01-01T00:00:00Z, with a
    /// day's margin either side so any zone's offset stays in range.
    static let timeRange: ClosedRange<Int64> = -62_135_596_800_000 + 86_400_000 ... 253_402_300_800_000 - 86_400_000 - 1

    @inline(__always)
    private static func checked(_ r: (partialValue: Int64, overflow: Bool), _ make: (Int64) -> Value) -> Value {
        r.overflow ? .failure(.overflow) : make(r.partialValue)
    }

    @inline(__always)
    private static func time(_ r: (partialValue: Int64, overflow: Bool)) -> Value {
        !r.overflow && timeRange.contains(r.partialValue) ? .time(r.partialValue) : .failure(.overflow)
    }

    @inline(__always)
    private static func date(_ a: Int32, plusDays d: Int64) -> Value {
        let days = Int64(a) + d / 86_400_000  // |d / 86_400_000| < 2^37: no overflow
        return days >= -719_162 && days <= 2_932_896 ? .date(Int32(days)) : .failure(.overflow)
    }

    static func add(_ x: Value, _ y: Value) -> Value {
        switch (x, y) {
        case let (.time(t), .duration(d)), let (.duration(d), .time(t)): return time(t.addingReportingOverflow(d))
        case let (.duration(a), .duration(b)): return checked(a.addingReportingOverflow(b), Value.duration)
        case let (.int(a), .int(b)): return checked(a.addingReportingOverflow(b), Value.int)
        case let (.money(a), .money(b)): return checked(a.addingReportingOverflow(b), Value.money)
        case let (.date(a), .duration(d)): return date(a, plusDays: d)
        case let (f, _) where f.isFailure: return f
        case let (_, f) where f.isFailure: return f
        default: return .absent
        }
    }

    static func subtract(_ x: Value, _ y: Value) -> Value {
        switch (x, y) {
        case let (.time(t), .duration(d)): return time(t.subtractingReportingOverflow(d))
        case let (.time(a), .time(b)): return checked(a.subtractingReportingOverflow(b), Value.duration)
        case let (.duration(a), .duration(b)): return checked(a.subtractingReportingOverflow(b), Value.duration)
        case let (.int(a), .int(b)): return checked(a.subtractingReportingOverflow(b), Value.int)
        case let (.money(a), .money(b)): return checked(a.subtractingReportingOverflow(b), Value.money)
        case let (.date(a), .duration(d)): return d == .min ? .failure(.overflow) : date(a, plusDays: -d)
        case let (f, _) where f.isFailure: return f
        case let (_, f) where f.isFailure: return f
        default: return .absent
        }
    }

    static func negate(_ x: Value) -> Value {
        switch x {
        case .int(let a): return checked(Int64(0).subtractingReportingOverflow(a), Value.int)
        case .money(let a): return checked(Int64(0).subtractingReportingOverflow(a), Value.money)
        case .duration(let a): return checked(Int64(0).subtractingReportingOverflow(a), Value.duration)
        case .failure: return x
        default: return .absent
        }
    }

    static func contains(_ list: Value, _ element: Value) -> Value {
        guard case .list(let items) = list else { return list.isFailure ? list : .absent }
        if element.isAbsent || element.isFailure { return element }
        return .bool(items.contains(element))
    }

    static func workingTime(_ calendar: Program.CalendarReference, _ start: Value, _ amount: Value) -> Value {
        if start.isFailure { return start }
        if amount.isFailure { return amount }
        let ms: Int64
        switch amount {
        case .duration(let d): ms = d
        case .int(let h):
            let (p, o) = h.multipliedReportingOverflow(by: 3_600_000)
            if o { return .failure(.overflow) }
            ms = p
        default: return .absent
        }
        guard case .time(let t) = start else { return .absent }
        if ms < 0 { return .failure(.negativeWorkingTime) }
        return calendar.with { (table) -> Value in
            var none: [WorkingCalendar.Step]? = nil
            do throws(WorkingCalendar.YearNotCovered) { return .time(try table.addWorkingTime(ClockDuration(milliseconds: ms), to: Timestamp(millisecondsSinceEpoch: t), steps: &none).millisecondsSinceEpoch) } catch {
                return .failure(.yearNotCovered(error))
            }
        }
    }

    static func workingDays(_ calendar: Program.CalendarReference, _ start: Value, _ amount: Value) -> Value {
        if start.isFailure { return start }
        if amount.isFailure { return amount }
        guard case .time(let t) = start, case .int(let n) = amount else { return .absent }
        if n < 0 { return .failure(.negativeWorkingTime) }
        return calendar.with { (table) -> Value in
            var none: [WorkingCalendar.Step]? = nil
            do throws(WorkingCalendar.YearNotCovered) { return .time(try table.addWorkingDays(Int(n), to: Timestamp(millisecondsSinceEpoch: t), steps: &none).millisecondsSinceEpoch) } catch {
                return .failure(.yearNotCovered(error))
            }
        }
    }
}

/// Why a value could not be computed; the evaluator reports it as a case error.
enum EvaluationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    case yearNotCovered(WorkingCalendar.YearNotCovered)
    /// A result too large for its type, or a timestamp outside the years 0001–9999.
    case overflow
    /// `working_hours_after` or `working_days_after` with a negative amount: working time only runs forward.
    case negativeWorkingTime
    /// A clock's per-case target (a decision output) below zero: a clock cannot be due before it starts.
    case negativeTarget
    /// A clock whose `stop` event (milliseconds) is before its start: a record that contradicts itself.
    case stopBeforeStart(start: Int64, stop: Int64)

    var description: String {
        switch self {
        case let .stopBeforeStart(start, stop):
            return "the clock stops at \(Timestamp(millisecondsSinceEpoch: stop)), before it starts at \(Timestamp(millisecondsSinceEpoch: start)): the case contradicts itself"
        case .negativeTarget: return "a negative clock target: the output that gives the clock's target is below zero for this case"
        case .yearNotCovered(let y): return y.description
        case .negativeWorkingTime: return "a negative amount of working time: working_hours_after and working_days_after count forward only"
        case .overflow: return "arithmetic overflow: the result is too large for its type, or a time outside the years 0001–9999"
        }
    }

    /// The case-error code: `calendar-year` or `arithmetic-overflow`.
    var code: CaseProblemCode {
        switch self {
        case .yearNotCovered: return .calendarYear
        case .overflow: return .arithmeticOverflow
        case .negativeWorkingTime: return .negativeWorkingTime
        case .negativeTarget: return .negativeTarget
        case .stopBeforeStart: return .inconsistentClock
        }
    }
}

extension Value {
    /// The same value in new storage: strings and lists are copied, so the copy's reference counts
    /// are its own (a ``Decider`` copies the program's constants this way for its thread).
    var ownCopy: Value {
        switch self {
        case .string(let s): return .string(s.ownCopy)
        case .list(let items): return .list(items.map(\.ownCopy))
        default: return self
        }
    }
}

extension String {
    /// The same text in new storage, whose reference count is the copy's own.
    var ownCopy: String { String(decoding: Array(utf8), as: UTF8.self) }
}

/// Typed slots: the evaluator keeps every field and output slot also as an `Int64` beside its
/// `Value`, so the commonest conditions (a slot compared with a constant of its type, a member in a
/// set, a bare boolean) compare integers and never read a `Value`.
extension Value {
    /// The typed-slot form of an absent value, and of anything that is not a scalar (a string, a
    /// list). An integer, amount or duration can be `Int64.min` too, so a slot holding it is read as
    /// its `Value` instead: never a wrong answer, only the slower path. Instants (years 0001–9999),
    /// dates, members and booleans never are.
    static let noScalar = Int64.min

    /// This value as a typed slot: an integer, amount of minor units, instant's or duration's
    /// milliseconds, date's day number or member id as itself, `true` as 1 and `false` as 0;
    /// ``noScalar`` for anything else. Values of one kind keep their order.
    @inline(__always)
    var scalar: Int64 {
        switch self {
        case .int(let x), .money(let x), .time(let x), .duration(let x): return x
        case .date(let d): return Int64(d)
        case .member(let m): return Int64(m)
        case .bool(let b): return b ? 1 : 0
        default: return Value.noScalar
        }
    }
}
