/// Checking of the date functions: `year`, `month`, `day`, `weekday`, `hour`, `minute`, `date`
/// (read in the policy's zone, or a named calendar's), `days_between`, `is_working_time` and
/// `is_working_day`.
extension Checker {
    static let dateFunctionNames = DatePart.allCases.map(\.name) + ["days_between", "is_working_time", "is_working_day"]

    mutating func dateFunction(_ name: String, _ args: [ExprSyntax], _ s: ExprSyntax, _ src: ExprSource) -> Typed? {
        if let part = DatePart.named(name) { return datePart(part, args, s, src) }
        if name == "days_between" {
            guard args.count == 2 else {
                let from = argument(args, 0, [.date]), to = args.count > 1 ? argument(args, 1, [.date]) : model.fields.filter { $0.type == .date }.dropFirst().first?.name ?? "DATE"
                return error(.invalidCall, "`days_between` takes two dates", s, src, help: "write `days_between(\(from), \(to))`, or `date(…)` of a timestamp")
            }
            var operands: [Expr] = []
            for a in args {
                guard let t = check(a, in: src, expected: .date) else { return nil }
                guard t.type == .date else {
                    return error(.typeMismatch, "`days_between` counts days between `date`s, not \(aTypeName(t.type))", a, src,
                                 help: t.type == .timestamp ? "take the date in the policy's zone with `date(...)`" : nil)
                }
                operands.append(t.expr)
            }
            return Typed(expr: span(s, src, .daysBetween(operands[0], operands[1])), type: .integer)
        }
        let time = name == "is_working_time"
        let instant = argument(args, 0, [.timestamp])
        let usage = time ? "`is_working_time(\(instant), \"\(declaredCalendar())\")`" : "`is_working_day(date(\(instant)), \"\(declaredCalendar())\")`"
        guard args.count == 2, case .string(let cal) = args[1].kind else {
            return error(.invalidCall, "`\(name)` takes a \(time ? "timestamp" : "date or a timestamp") and a calendar name in quotes", s, src, help: "write \(usage)")
        }
        guard let ci = calendarByName[cal] else {
            return error(.unknownCalendar, "unknown calendar `\(cal)`", args[1], src, help: calendarHelp(cal))
        }
        guard let t = check(args[0], in: src, expected: time ? .timestamp : .date) else { return nil }
        guard t.type == .timestamp || (!time && t.type == .date) else {
            return error(.typeMismatch, "`\(name)` reads a `timestamp`\(time ? "" : " or a `date`"), not \(aTypeName(t.type))", args[0], src)
        }
        let calendar = model.calendars[ci]
        return Typed(expr: span(s, src, time ? .isWorkingTime(calendar, t.expr) : .isWorkingDay(calendar, t.expr)), type: .bool)
    }

    private mutating func datePart(_ part: DatePart, _ args: [ExprSyntax], _ s: ExprSyntax, _ src: ExprSource) -> Typed? {
        let name = part.name
        let what = part.needsTime ? "a timestamp" : "a timestamp or a date"
        let instant = argument(args, 0, part.needsTime ? [.timestamp] : [.timestamp, .date])
        let usage = "write `\(name)(\(instant))`, or `\(name)(\(instant), \"\(declaredCalendar())\")` to read it in that calendar's zone"
        guard (1...2).contains(args.count) else {
            return error(.invalidCall, "`\(name)` takes \(what), and optionally a calendar name in quotes", s, src, help: usage)
        }
        var zone = model.zone
        if args.count == 2 {
            guard case .string(let cal) = args[1].kind else {
                return error(.invalidCall, "the second argument of `\(name)` is a calendar name in quotes", args[1], src, help: usage)
            }
            guard let ci = calendarByName[cal] else {
                return error(.unknownCalendar, "unknown calendar `\(cal)`", args[1], src, help: calendarHelp(cal))
            }
            zone = model.calendars[ci].zone
        }
        guard let t = check(args[0], in: src, expected: .timestamp) else { return nil }
        guard t.type == .timestamp || (t.type == .date && !part.needsTime) else {
            return error(.typeMismatch, "`\(name)` reads \(part.needsTime ? "a `timestamp`" : "a `timestamp` or a `date`"), not \(aTypeName(t.type))", args[0], src)
        }
        let type: ValueType
        var members: Int32 = -1
        switch part {
        case .month, .weekday:
            let e = builtinEnum(part)
            type = .enumeration(e)
            members = model.enums[e].members[0]
        case .date: type = .date
        default: type = .integer
        }
        return Typed(expr: span(s, src, .datePart(part, t.expr, zone: zone, members: members)), type: type)
    }

    /// The built-in enum of months (`jan` … `dec`) or weekdays (`mon` … `sun`), added to the policy's
    /// enums the first time a function returns one; its members have consecutive ids.
    mutating func builtinEnum(_ part: DatePart) -> Int {
        if let e = builtinEnums[part] { return e }
        let index = model.enums.count
        let location = SourceLocation(path: "", line: 0, column: 0)
        var info = EnumInfo(name: part.name, members: [], byName: [:], location: location)
        for m in part.memberNames ?? [] {
            let id = Int32(model.members.count)
            model.members.append(MemberInfo(enumIndex: index, name: m.name, label: m.label, location: location))
            info.members.append(id)
            info.byName[m.name] = id
        }
        model.enums.append(info)
        builtinEnums[part] = index
        return index
    }
}

extension Expr {
    /// The spans of the date functions written inside this expression, outermost first.
    var computedSpans: [Int] {
        var out: [Int] = []
        collectComputed(into: &out)
        return out
    }

    var isDateFunction: Bool {
        switch self {
        case .datePart, .daysBetween, .isWorkingTime, .isWorkingDay: return true
        default: return false
        }
    }

    private func collectComputed(into out: inout [Int]) {
        switch self {
        case .span(let id, let inner):
            if inner.isDateFunction, !out.contains(id) { out.append(id) }
            inner.collectComputed(into: &out)
        case .constant, .field, .output: break
        case .not(let e), .present(let e), .negate(let e), .inList(let e, _), .inRange(let e, _, _, _, _),
             .datePart(_, let e, _, _), .isWorkingTime(_, let e), .isWorkingDay(_, let e):
            e.collectComputed(into: &out)
        case .and(let es), .or(let es), .list(let es): for e in es { e.collectComputed(into: &out) }
        case let .compare(_, a, b), let .add(a, b), let .subtract(a, b), let .contains(a, b),
             let .workingTime(_, a, b), let .workingDays(_, a, b), let .daysBetween(a, b):
            a.collectComputed(into: &out)
            b.collectComputed(into: &out)
        }
    }
}
