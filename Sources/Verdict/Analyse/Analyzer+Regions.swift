/// Conditions as regions of the input space: each expression's true and false regions, exactly,
/// over the dimensions it reads; and regions described in the policy's own terms.
extension Analyzer {
    /// The regions where `e` is true and where it is false.
    static func truth(of e: Expr, _ model: CheckedPolicy) throws(Unanalysable) -> (t: Region, f: Region) {
        try truth(of: e, AnalysisContext(model))
    }

    /// The regions where `e` is true and where it is false, within `context`'s budget.
    ///
    /// Recursion follows the expression's nesting, which the parser bounds (``ExprParser/maxDepth``);
    /// long flat chains of `and` and `or` are loops.
    static func truth(of e: Expr, _ context: AnalysisContext) throws(Unanalysable) -> (t: Region, f: Region) {
        let model = context.model
        switch e {
        case .span(_, let inner): return try truth(of: inner, context)
        case .constant(.bool(let b)): return b ? (.everything, .empty) : (.empty, .everything)
        case .not(let inner):
            let (t, f) = try truth(of: inner, context)
            return (f, t)
        case .and(let items):
            var t = Region.everything, f = Region.empty
            for item in items {
                let (it, jf) = try truth(of: item, context)
                t = try t.intersect(it, within: context)
                f = try f.union(jf, within: context)
            }
            return (t, f)
        case .or(let items):
            var t = Region.empty, f = Region.everything
            for item in items {
                let (it, jf) = try truth(of: item, context)
                t = try t.union(it, within: context)
                f = try f.intersect(jf, within: context)
            }
            return (t, f)
        case .field, .output, .isWorkingTime, .isWorkingDay:
            let ref = try dimension(e)
            return (Region(boxes: [[ref: Constraint(values: .bools([true]), absent: false)]]),
                    Region(boxes: [[ref: Constraint(values: .bools([false]), absent: false)]]))
        case .present(let inner):
            let ref = try dimension(inner)
            let present = Constraint(values: context.domain(of: ref), absent: false)
            let absent = Constraint(values: none(type(of: ref, model)), absent: true)
            return (Region(boxes: [[ref: present]]), Region(boxes: [[ref: absent]]))
        case let .compare(op, a, b):
            if let c = b.constantValue { return try atom(a, context) { type throws(Unanalysable) in try values(op, c, type, context) } }
            if let c = a.constantValue { return try atom(b, context) { type throws(Unanalysable) in try values(op.flipped, c, type, context) } }
            throw Unanalysable(reason: "a comparison between two fields")
        case let .inList(inner, list):
            return try atom(inner, context) { type throws(Unanalysable) in try members(list, type, context) }
        case let .inRange(inner, lo, li, hi, hiIncl):
            return try atom(inner, context) { type throws(Unanalysable) in
                guard let l = integer(lo), let h = integer(hi) else { throw Unanalysable(reason: "a range over text") }
                let a = li ? l : l + 1, b = hiIncl ? h : h - 1
                return (.ranges(a <= b ? [a...b] : []), .ranges(Constraint.complement(a <= b ? [a...b] : [])))
            }
        default:
            throw Unanalysable(reason: "arithmetic or list membership in a condition")
        }
    }

    static func reference(_ e: Expr) throws(Unanalysable) -> Expr.Reference {
        switch e {
        case .field(let i): return .field(i)
        case .output(let i): return .output(i)
        case .span(_, let inner): return try reference(inner)
        default: throw Unanalysable(reason: "a condition on a computed value")
        }
    }

    static func type(of ref: Expr.Reference, _ model: CheckedPolicy) -> ValueType {
        switch ref {
        case .field(let i): return model.fields[i].type
        case .output(let i): return model.outputs[i].type
        }
    }

    static func atom(_ e: Expr, _ context: AnalysisContext,
                             _ split: (ValueType) throws(Unanalysable) -> (Constraint.Values, Constraint.Values)) throws(Unanalysable) -> (t: Region, f: Region) {
        let model = context.model
        let ref = try dimension(e)
        let (t, f) = try split(type(of: ref, model))
        // Within the values the dimension can take (a month's 12, a field's bounds); outputs are
        // narrowed to what their rules assign where regions are complemented.
        if case .reference(.output) = ref {
            return (Region(boxes: [[ref: Constraint(values: t, absent: false)]]), Region(boxes: [[ref: Constraint(values: f, absent: false)]]))
        }
        let possible = Constraint(values: context.domain(of: ref), absent: false)
        try context.spend(AnalysisContext.cost(of: [ref: possible]))
        func region(_ v: Constraint.Values) -> Region {
            let c = Constraint(values: v, absent: false).intersect(possible)
            return Region(boxes: c.isEmpty ? [] : [[ref: c]])
        }
        return (region(t), region(f))
    }

    static func integer(_ v: Value) -> Int64? {
        switch v {
        case .int(let x), .money(let x), .time(let x), .duration(let x): return x
        case .date(let d): return Int64(d)
        default: return nil
        }
    }

    static func full(_ t: ValueType, _ model: CheckedPolicy) -> Constraint.Values {
        switch t {
        case .bool: return .bools([false, true])
        case .string: return .strings(included: nil, excluded: [])
        case .enumeration(let e): return .members(Set(model.enums[e].members))
        default: return .ranges([Int64.min...Int64.max])
        }
    }

    static func none(_ t: ValueType) -> Constraint.Values {
        switch t {
        case .bool: return .bools([])
        case .string: return .strings(included: [], excluded: [])
        case .enumeration: return .members([])
        default: return .ranges([])
        }
    }

    /// True and false value sets for `x op c`.
    static func values(_ op: CompareOp, _ c: Value, _ type: ValueType, _ context: AnalysisContext) throws(Unanalysable) -> (Constraint.Values, Constraint.Values) {
        switch c {
        case .bool(let b):
            guard op == .eq || op == .ne else { throw Unanalysable(reason: "an ordering of booleans") }
            return op == .eq ? (.bools([b]), .bools([!b])) : (.bools([!b]), .bools([b]))
        case .member, .string:
            guard op == .eq || op == .ne else { throw Unanalysable(reason: "an ordering of text") }
            let (t, f) = try members([c], type, context)
            return op == .eq ? (t, f) : (f, t)
        default:
            guard let x = integer(c) else { throw Unanalysable(reason: "an unsupported constant") }
            let t: [ClosedRange<Int64>]
            switch op {
            case .eq: t = [x...x]
            case .ne: t = Constraint.complement([x...x])
            case .lt: t = x == .min ? [] : [Int64.min...(x - 1)]
            case .le: t = [Int64.min...x]
            case .gt: t = x == .max ? [] : [(x + 1)...Int64.max]
            case .ge: t = [x...Int64.max]
            }
            return (.ranges(t), .ranges(Constraint.complement(t)))
        }
    }

    /// True and false value sets for `x in list`.
    static func members(_ list: [Value], _ type: ValueType, _ context: AnalysisContext) throws(Unanalysable) -> (Constraint.Values, Constraint.Values) {
        switch type {
        case .bool:
            let s = Set(list.compactMap { v -> Bool? in if case .bool(let b) = v { return b } else { return nil } })
            return (.bools(s), .bools(Set([false, true]).subtracting(s)))
        case .enumeration:
            let s = Set(list.compactMap { v -> Int32? in if case .member(let m) = v { return m } else { return nil } })
            return (.members(s), .members(context.full(type).membersOrEmpty.subtracting(s)))
        case .string:
            let s = Set(list.compactMap { v -> String? in if case .string(let x) = v { return x } else { return nil } })
            return (.strings(included: s, excluded: []), .strings(included: nil, excluded: s))
        default:
            var ranges: [ClosedRange<Int64>] = list.compactMap { integer($0) }.sorted().map { $0...$0 }
            ranges = ranges.reduce(into: []) { acc, r in if acc.last != r { acc.append(r) } }
            return (.ranges(ranges), .ranges(Constraint.complement(ranges)))
        }
    }

}

extension Analyzer {
    /// Whether a reference may be absent: optional fields without a default; outputs unless their
    /// decision must always decide (`complete: true`) and every rule sets them.
    static func mayBeAbsent(_ dimension: Dimension, _ model: CheckedPolicy) -> Bool {
        dimension.references.contains { mayBeAbsent($0, model) }
    }

    static func mayBeAbsent(_ ref: Expr.Reference, _ model: CheckedPolicy) -> Bool {
        switch ref {
        case .field(let i): return model.fields[i].optional
        case .output(let o):
            guard model.outputs[o].decision >= 0 else { return true }
            let d = model.decisions[model.outputs[o].decision]
            guard d.complete?.isAlways == true, d.hit != .collect else { return true }
            return !d.rules.allSatisfy { r in r.assignments.contains { $0.output == o && $0.value.constantValue.map { !$0.isAbsent } == true } }
        }
    }

    /// The values an output can take: the constants its rules assign, when every assignment is one.
    static func outputDomain(_ o: Int, _ model: CheckedPolicy) -> Constraint.Values? {
        guard model.outputs[o].decision >= 0 else { return nil }
        var values: [Value] = []
        for r in model.decisions[model.outputs[o].decision].rules {
            for a in r.assignments where a.output == o {
                guard let v = a.value.constantValue else { return nil }
                values.append(v)
            }
        }
        switch model.outputs[o].type {
        case .bool: return .bools(Set(values.compactMap { if case .bool(let b) = $0 { return b } else { return nil } }))
        case .enumeration: return .members(Set(values.compactMap { if case .member(let m) = $0 { return m } else { return nil } }))
        case .integer, .money:
            let points = Set(values.compactMap { v -> Int64? in
                switch v { case .int(let x), .money(let x): return x; default: return nil } }).sorted()
            return .ranges(points.map { $0...$0 })
        default: return nil
        }
    }

    /// A region described as conditions: `cost in [300.01..301.00], problem in [fly, needle]`.
    static func describe(_ box: Box, _ model: CheckedPolicy) -> String {
        box.sorted { "\($0.key)" < "\($1.key)" }.compactMap { ref, c -> String? in
            let type = type(of: ref, model)
            let name = self.name(of: ref, model)
            var parts: [String] = []
            switch c.values {
            case .bools(let b): if b.count == 1 { parts.append("\(name) == \(b.first!)") }
            case .members(let m):
                let all = Set(full(type, model).membersOrEmpty)
                // Whichever is shorter: the members in the box, or those outside it.
                if m != all {
                    let outside = all.subtracting(m)
                    parts.append(m.count <= outside.count
                                 ? "\(name) in [\(listed(m.sorted().map { model.members[Int($0)].name }))]"
                                 : "\(name) not in [\(listed(outside.sorted().map { model.members[Int($0)].name }))]")
                }
            case .strings(let inc, let exc):
                if let inc { parts.append("\(name) in [\(listed(inc.sorted().map { "\"\($0)\"" }))]") } else if !exc.isEmpty {
                    parts.append("\(name) not in [\(listed(exc.sorted().map { "\"\($0)\"" }))]")
                }
            case .ranges(let rs):
                let shown = rs.prefix(3).map { r -> String in
                    let lo = r.lowerBound == .min ? nil : format(r.lowerBound, type, model)
                    let hi = r.upperBound == .max ? nil : format(r.upperBound, type, model)
                    switch (lo, hi) {
                    case let (l?, h?): return l == h ? "\(name) == \(l)" : "\(name) in [\(l)..\(h)]"
                    case let (l?, nil): return "\(name) >= \(l)"
                    case let (nil, h?): return "\(name) <= \(h)"
                    default: return ""
                    }
                }.filter { !$0.isEmpty }
                if !shown.isEmpty { parts.append(shown.count == 1 ? shown[0] : "(" + shown.joined(separator: " or ") + ")") }
            }
            if c.absent, !c.isEmptyValues { parts = parts.map { "(\($0) or absent(\(name)))" } } else if c.absent { parts.append("absent(\(name))") }
            return parts.isEmpty ? nil : parts.joined(separator: ", ")
        }.joined(separator: ", ")
    }

    /// The most values a diagnostic lists of one set: the rest are counted, never printed.
    static let listedValues = 12

    /// `a, b, c` — or the first ``listedValues`` and `… (N more)`, so a set of 100,000 members is never
    /// printed whole.
    static func listed(_ items: [String]) -> String {
        guard items.count > listedValues else { return items.joined(separator: ", ") }
        return items.prefix(listedValues).joined(separator: ", ") + ", … (\(items.count - listedValues) more)"
    }

    static func format(_ v: Int64, _ type: ValueType, _ model: CheckedPolicy) -> String {
        switch type {
        case .money: return Money.format(v, scale: model.moneyScale)
        case .timestamp: return Timestamp(millisecondsSinceEpoch: v).rfc3339(in: model.zone)
        case .date: return CivilDate(daysSinceEpoch: Int(v)).description
        case .duration: return ClockDuration(milliseconds: v).description
        default: return String(v)
        }
    }
}
