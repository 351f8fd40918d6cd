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
    /// A computation that cannot be done (a calendar asked about a year it does not cover).
    /// It propagates through every operation and turns into a case error.
    case failure(WorkingCalendar.YearNotCovered)

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

/// Arithmetic shared by both evaluators (the tree walker and the flat program).
extension Value {
    static func add(_ x: Value, _ y: Value) -> Value {
        switch (x, y) {
        case let (.time(t), .duration(d)), let (.duration(d), .time(t)): return .time(t &+ d)
        case let (.duration(a), .duration(b)): return .duration(a &+ b)
        case let (.int(a), .int(b)): return .int(a &+ b)
        case let (.money(a), .money(b)): return .money(a &+ b)
        case let (.date(a), .duration(d)):
            guard let days = Int32(exactly: d / 86_400_000) else { return .absent }
            return .date(a &+ days)
        case let (f, _) where f.isFailure: return f
        case let (_, f) where f.isFailure: return f
        default: return .absent
        }
    }

    static func subtract(_ x: Value, _ y: Value) -> Value {
        switch (x, y) {
        case let (.time(t), .duration(d)): return .time(t &- d)
        case let (.time(a), .time(b)): return .duration(a &- b)
        case let (.duration(a), .duration(b)): return .duration(a &- b)
        case let (.int(a), .int(b)): return .int(a &- b)
        case let (.money(a), .money(b)): return .money(a &- b)
        case let (.date(a), .duration(d)):
            guard let days = Int32(exactly: d / 86_400_000) else { return .absent }
            return .date(a &- days)
        case let (f, _) where f.isFailure: return f
        case let (_, f) where f.isFailure: return f
        default: return .absent
        }
    }

    static func negate(_ x: Value) -> Value {
        switch x {
        case .int(let a): return .int(0 &- a)
        case .money(let a): return .money(0 &- a)
        case .duration(let a): return .duration(0 &- a)
        default: return .absent
        }
    }

    static func contains(_ list: Value, _ element: Value) -> Value {
        guard case .list(let items) = list else { return list.isFailure ? list : .absent }
        if element.isAbsent || element.isFailure { return element }
        return .bool(items.contains(element))
    }

    static func workingTime(_ calendar: WorkingCalendar, _ start: Value, _ amount: Value) -> Value {
        if start.isFailure { return start }
        let ms: Int64
        switch amount {
        case .duration(let d): ms = d
        case .int(let h): ms = h &* 3_600_000
        default: return .absent
        }
        guard case .time(let t) = start else { return .absent }
        do { return .time(try calendar.addWorkingTime(Duration(milliseconds: ms), to: Timestamp(millisecondsSinceEpoch: t)).millisecondsSinceEpoch) } catch {
            return .failure(error)
        }
    }

    static func workingDays(_ calendar: WorkingCalendar, _ start: Value, _ amount: Value) -> Value {
        if start.isFailure { return start }
        guard case .time(let t) = start, case .int(let n) = amount else { return .absent }
        do { return .time(try calendar.addWorkingDays(Int(n), to: Timestamp(millisecondsSinceEpoch: t)).millisecondsSinceEpoch) } catch {
            return .failure(error)
        }
    }
}
