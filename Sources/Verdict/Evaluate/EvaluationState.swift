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
            guard case .list(let items) = eval(listExpr) else { return .absent }
            let v = eval(element)
            if v.isAbsent { return .absent }
            return .bool(items.contains(v))
        case .present(let inner):
            let v = eval(inner)
            return v.isFailure ? v : .bool(!v.isAbsent)
        case let .add(a, b):
            switch (eval(a), eval(b)) {
            case let (.time(t), .duration(d)), let (.duration(d), .time(t)): return .time(t &+ d)
            case let (.duration(x), .duration(y)): return .duration(x &+ y)
            case let (.int(x), .int(y)): return .int(x &+ y)
            case let (.money(x), .money(y)): return .money(x &+ y)
            case let (.date(x), .duration(d)): return .date(x &+ Int32(d / 86_400_000))
            case let (f, _) where f.isFailure: return f
            case let (_, f) where f.isFailure: return f
            default: return .absent
            }
        case let .subtract(a, b):
            switch (eval(a), eval(b)) {
            case let (.time(t), .duration(d)): return .time(t &- d)
            case let (.time(x), .time(y)): return .duration(x &- y)
            case let (.duration(x), .duration(y)): return .duration(x &- y)
            case let (.int(x), .int(y)): return .int(x &- y)
            case let (.money(x), .money(y)): return .money(x &- y)
            case let (.date(x), .duration(d)): return .date(x &- Int32(d / 86_400_000))
            case let (f, _) where f.isFailure: return f
            case let (_, f) where f.isFailure: return f
            default: return .absent
            }
        case .negate(let inner):
            switch eval(inner) {
            case .int(let x): return .int(0 &- x)
            case .money(let x): return .money(0 &- x)
            case .duration(let x): return .duration(0 &- x)
            default: return .absent
            }
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
            let (s, a) = (eval(start), eval(amount))
            if s.isFailure { return s }
            let ms: Int64
            switch a {
            case .duration(let d): ms = d
            case .int(let h): ms = h &* 3_600_000
            default: return .absent
            }
            guard case .time(let t) = s else { return .absent }
            do { return .time(try calendar.addWorkingTime(Duration(milliseconds: ms), to: Timestamp(millisecondsSinceEpoch: t)).millisecondsSinceEpoch) } catch {
                return .failure(error)
            }
        case let .workingDays(calendar, start, amount):
            let (s, a) = (eval(start), eval(amount))
            if s.isFailure { return s }
            guard case .time(let t) = s, case .int(let n) = a else { return .absent }
            do { return .time(try calendar.addWorkingDays(Int(n), to: Timestamp(millisecondsSinceEpoch: t)).millisecondsSinceEpoch) } catch {
                return .failure(error)
            }
        }
    }

    /// True only when the condition is definitely true (unknown does not match).
    @inline(__always)
    func holds(_ e: Expr) -> Bool {
        if case .bool(true) = eval(e) { return true }
        return false
    }
}
