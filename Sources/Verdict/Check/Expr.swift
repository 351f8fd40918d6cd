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
    /// A part of a timestamp read in a zone, or of a date (`month(reported_at)`). Months and weekdays
    /// are members of a built-in enum whose first member id is `members` (-1 for the other parts).
    case datePart(DatePart, Expr, zone: Zone, members: Int32)
    /// Days from the first date to the second.
    case daysBetween(Expr, Expr)
    /// Whether a timestamp is in a working period of the calendar.
    case isWorkingTime(WorkingCalendar, Expr)
    /// Whether a date (or a timestamp's date in the calendar's zone) is a working day of the calendar.
    case isWorkingDay(WorkingCalendar, Expr)
    /// Marks a sub-expression written in the policy, by index into the policy's span table, so an
    /// explanation can quote it. The program marks the instruction that computes it (see ``ProgramBuilder/emit(_:)``).
    case span(Int, Expr)

    /// The expression without the span markers around it.
    var unwrapped: Expr {
        if case .span(_, let e) = self { return e.unwrapped }
        return self
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
        case .span(_, let e), .not(let e), .present(let e), .negate(let e), .inList(let e, _), .inRange(let e, _, _, _, _),
             .datePart(_, let e, _, _), .isWorkingTime(_, let e), .isWorkingDay(_, let e):
            e.collect(into: &out)
        case .and(let es), .or(let es), .list(let es): for e in es { e.collect(into: &out) }
        case let .compare(_, a, b), let .add(a, b), let .subtract(a, b), let .contains(a, b),
             let .workingTime(_, a, b), let .workingDays(_, a, b), let .daysBetween(a, b):
            a.collect(into: &out)
            b.collect(into: &out)
        }
    }

    /// The expression with constant parts computed at load time (a signer chain is one constant list).
    var folded: Expr {
        if let c = constantValue, !c.isFailure { return .constant(c) }
        return self
    }

    /// The value of a literal written with arithmetic, a sign or as a list (`-5`, `2d + 12h`,
    /// `[handler, finance_supervisor]`), computed once at load time with the evaluator's own arithmetic;
    /// nil for anything else (conditions are decided by the evaluator, never here).
    var constantValue: Value? {
        switch self {
        case .constant(let v): return v
        case .span(_, let e): return e.constantValue
        case .negate(let e): return e.constantValue.map(Value.negate)
        case let .add(a, b):
            guard let x = a.constantValue, let y = b.constantValue else { return nil }
            return Value.add(x, y)
        case let .subtract(a, b):
            guard let x = a.constantValue, let y = b.constantValue else { return nil }
            return Value.subtract(x, y)
        case .list(let items):
            var values: [Value] = []
            for item in items {
                guard let v = item.constantValue else { return nil }
                if v.isFailure { return v }
                if !v.isAbsent { values.append(v) }
            }
            return .list(values)
        default:
            return nil
        }
    }
}
