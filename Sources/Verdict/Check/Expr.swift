/// A checked expression: names resolved to slots, literals typed, ready to evaluate or analyse.
///
/// Evaluation uses Kleene's three-valued logic: a comparison with an absent value is unknown
/// (`.absent`), `not unknown` is unknown, `false and unknown` is false, `true or unknown` is true,
/// and a rule matches only when its condition is `true`.
indirect enum Expr: Sendable {
    case constant(Value)
    case field(Int)
    case output(Int)
    case not(Expr)
    case and([Expr])
    case or([Expr])
    case compare(CompareOp, Expr, Expr)
    /// Membership in a constant list of values (a named set or a list literal).
    case inList(Expr, [Value])
    /// Membership of an enum member in a constant set, as a bitset over member ids (the fast path's form of `inList`).
    case inMembers(Expr, [UInt64])
    case inRange(Expr, lower: Value, lowerInclusive: Bool, upper: Value, upperInclusive: Bool)
    /// Membership of an element in a list-valued expression.
    case contains(list: Expr, element: Expr)
    case present(Expr)
    case add(Expr, Expr)
    case subtract(Expr, Expr)
    case negate(Expr)
    case list([Expr])
    /// A timestamp plus working time (a duration, or an integer of hours) in a calendar.
    case workingTime(WorkingCalendar, Expr, Expr)
    /// The end of the N-th working day after a timestamp's date.
    case workingDays(WorkingCalendar, Expr, Expr)
    /// Marks a sub-expression written in the policy, by index into the policy's span table, so an
    /// explanation can quote it. Only the explanation path keeps these.
    case span(Int, Expr)

    /// The expression without span markers: what the fast path evaluates.
    var stripped: Expr {
        switch self {
        case .span(_, let e): return e.stripped
        case .not(let e): return .not(e.stripped)
        case .and(let es): return .and(es.map(\.stripped))
        case .or(let es): return .or(es.map(\.stripped))
        case let .compare(op, a, b): return .compare(op, a.stripped, b.stripped)
        case let .inList(e, vs):
            // Enum sets become bitsets on the fast path.
            let ids = vs.compactMap { v -> Int32? in if case .member(let m) = v { return m } else { return nil } }
            if !vs.isEmpty, ids.count == vs.count {
                var bits = [UInt64](repeating: 0, count: Int(ids.max()!) / 64 + 1)
                for id in ids { bits[Int(id) >> 6] |= 1 << UInt64(id & 63) }
                return .inMembers(e.stripped, bits)
            }
            return .inList(e.stripped, vs)
        case let .inMembers(e, bits): return .inMembers(e.stripped, bits)
        case let .inRange(e, l, li, u, ui): return .inRange(e.stripped, lower: l, lowerInclusive: li, upper: u, upperInclusive: ui)
        case let .contains(l, e): return .contains(list: l.stripped, element: e.stripped)
        case .present(let e): return .present(e.stripped)
        case let .add(a, b): return .add(a.stripped, b.stripped)
        case let .subtract(a, b): return .subtract(a.stripped, b.stripped)
        case .negate(let e): return .negate(e.stripped)
        case .list(let es): return .list(es.map(\.stripped))
        case let .workingTime(c, a, b): return .workingTime(c, a.stripped, b.stripped)
        case let .workingDays(c, a, b): return .workingDays(c, a.stripped, b.stripped)
        case .constant, .field, .output: return self
        }
    }

    /// Field and output slots this expression reads, in order of first appearance.
    var references: [Reference] {
        var out: [Reference] = []
        collect(into: &out)
        return out
    }

    enum Reference: Hashable { case field(Int), output(Int) }

    private func collect(into out: inout [Reference]) {
        func add(_ r: Reference) { if !out.contains(r) { out.append(r) } }
        switch self {
        case .field(let i): add(.field(i))
        case .output(let i): add(.output(i))
        case .constant: break
        case .span(_, let e), .not(let e), .present(let e), .negate(let e), .inList(let e, _), .inRange(let e, _, _, _, _), .inMembers(let e, _):
            e.collect(into: &out)
        case .and(let es), .or(let es), .list(let es): for e in es { e.collect(into: &out) }
        case let .compare(_, a, b), let .add(a, b), let .subtract(a, b), let .contains(a, b),
             let .workingTime(_, a, b), let .workingDays(_, a, b):
            a.collect(into: &out)
            b.collect(into: &out)
        }
    }

    /// The expression with constant parts computed at load time (a signer chain is one constant list).
    var folded: Expr {
        if let c = constantValue, !c.isFailure { return .constant(c) }
        return self
    }

    /// The value of an expression that reads no field or output, computed once at load time.
    var constantValue: Value? {
        guard references.isEmpty else { return nil }
        var scratch = EvaluationState(fields: [], outputs: [])
        return scratch.eval(self)
    }
}
