/// The slots of one evaluation: the case's field values and the outputs decided so far.
struct EvaluationState: Sendable {
    var fields: [Value]
    var outputs: [Value]

    /// Evaluates an expression against the slots. Pure: reads only, allocates only for lists.
    func eval(_ e: Expr) -> Value {
        switch e {
        case .constant(let v): return v
        case .field(let i): return fields[i]
        case .output(let i): return outputs[i]
        case .span(_, let inner): return eval(inner)
        case .not(let inner):
            switch eval(inner) {
            case .bool(let b): return .bool(!b)
            case .failure(let f): return .failure(f)
            default: return .absent
            }
        case .and(let items):
            var unknown = false
            for item in items {
                switch eval(item) {
                case .bool(false): return .bool(false)
                case .bool(true): continue
                case .failure(let f): return .failure(f)
                default: unknown = true
                }
            }
            return unknown ? .absent : .bool(true)
        case .or(let items):
            var unknown = false
            for item in items {
                switch eval(item) {
                case .bool(true): return .bool(true)
                case .bool(false): continue
                case .failure(let f): return .failure(f)
                default: unknown = true
                }
            }
            return unknown ? .absent : .bool(false)
        case let .compare(op, a, b):
            let x = eval(a), y = eval(b)
            if x.isAbsent || y.isAbsent { return .absent }
            if x.isFailure { return x }
            if y.isFailure { return y }
            switch op {
            case .eq: return .bool(x == y)
            case .ne: return .bool(x != y)
            default:
                guard let c = Value.compare(x, y) else { return .absent }
                switch op {
                case .lt: return .bool(c < 0)
                case .le: return .bool(c <= 0)
                case .gt: return .bool(c > 0)
                default: return .bool(c >= 0)
                }
            }
        case let .inList(inner, values):
            let v = eval(inner)
            if v.isAbsent || v.isFailure { return v }
            return .bool(values.contains(v))
        case let .inMembers(inner, bits):
            switch eval(inner) {
            case .member(let id):
                let word = Int(id) >> 6
                return .bool(word < bits.count && bits[word] & (1 << UInt64(id & 63)) != 0)
            case .failure(let f): return .failure(f)
            default: return .absent
            }
        case let .inRange(inner, lower, lowerInclusive, upper, upperInclusive):
            let v = eval(inner)
            if v.isFailure { return v }
            guard let lo = Value.compare(v, lower), let hi = Value.compare(v, upper) else { return .absent }
            return .bool((lowerInclusive ? lo >= 0 : lo > 0) && (upperInclusive ? hi <= 0 : hi < 0))
        case let .contains(listExpr, element):
            return Value.contains(eval(listExpr), eval(element))
        case .present(let inner):
            let v = eval(inner)
            return v.isFailure ? v : .bool(!v.isAbsent)
        case let .add(a, b):
            return Value.add(eval(a), eval(b))
        case let .subtract(a, b):
            return Value.subtract(eval(a), eval(b))
        case .negate(let inner):
            return Value.negate(eval(inner))
        case .list(let items):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items {
                let v = eval(item)
                if v.isFailure { return v }
                if !v.isAbsent { values.append(v) }
            }
            return .list(values)
        case let .workingTime(calendar, start, amount):
            return Value.workingTime(calendar, eval(start), eval(amount))
        case let .workingDays(calendar, start, amount):
            return Value.workingDays(calendar, eval(start), eval(amount))
        }
    }

    /// True only when the condition is definitely true (unknown does not match).
    @inline(__always)
    func holds(_ e: Expr) -> Bool {
        if case .bool(true) = eval(e) { return true }
        return false
    }
}
