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
