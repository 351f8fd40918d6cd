/// Reasons exactly about decision tables whose conditions compare fields and outputs with constants.
///
/// Each condition becomes two regions of the input space: where it is true and where it is false
/// (the rest is where it is unknown because a value is absent). `not` swaps them; `and`/`or` combine
/// them as Kleene logic does. From these: overlaps under `unique` (a case that hits both rules).
enum Analyzer {
    struct Unanalysable: Error {
        var reason: String
    }

    static func analyse(_ model: PolicyModel, diagnostics: inout DiagnosticBag) {
        for d in model.decisions where d.hit == .unique {
            let regions: [Region?] = d.rules.map { try? truth(of: $0.condition.traced, model).t }
            var reported = 0
            outer: for j in d.rules.indices {
                for i in 0..<j {
                    guard let a = regions[i], let b = regions[j], let both = try? a.intersect(b), let box = both.boxes.first else { continue }
                    diagnostics.error("unique-overlap",
                                      "rules `\(d.rules[i].id)` and `\(d.rules[j].id)` of decision `\(d.name)` overlap, but its hit policy is `unique`",
                                      at: d.rules[j].location,
                                      notes: [.init("both match a case with \(witness(box, model))"),
                                              .init("rule `\(d.rules[i].id)` is here", at: d.rules[i].location)],
                                      help: "make the conditions exclusive (mind the bounds: `<= 300` and `> 300`), or use `hit: first`")
                    reported += 1
                    if reported >= 5 { break outer }
                }
            }
        }
    }

    /// A readable example case inside a box: `cost = 300.00, problem = fly`.
    static func witness(_ box: Box, _ model: PolicyModel) -> String {
        let parts = box.sorted { "\($0.key)" < "\($1.key)" }.map { ref, c -> String in
            let name: String
            let type: ValueType
            switch ref {
            case .field(let i): name = model.fields[i].name; type = model.fields[i].type
            case .output(let i): name = model.outputs[i].name; type = model.outputs[i].type
            }
            return "\(name) = \(sample(c, type, model))"
        }
        return parts.isEmpty ? "any values" : parts.joined(separator: ", ")
    }

    static func sample(_ c: Constraint, _ type: ValueType, _ model: PolicyModel) -> String {
        switch c.values {
        case .bools(let s): if let b = s.sorted(by: { !$0 && $1 }).first { return String(b) }
        case .members(let s): if let m = s.min() { return model.members[Int(m)].name }
        case .strings(let inc, let exc):
            if let inc { if let s = inc.sorted().first { return "\"\(s)\"" } } else {
                return exc.isEmpty ? "any text" : "any text but " + exc.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            }
        case .ranges(let r):
            if let first = r.first {
                let v = first.contains(0) ? 0 : (first.lowerBound == .min ? first.upperBound : first.lowerBound)
                switch type {
                case .money: return Money.format(v, scale: model.moneyScale)
                case .timestamp: return Timestamp(millisecondsSinceEpoch: v).rfc3339(in: model.zone)
                case .date: return CivilDate(daysSinceEpoch: Int(v)).description
                case .duration: return Duration(milliseconds: v).description
                default: return String(v)
                }
            }
        }
        return "absent"
    }

    /// The regions where `e` is true and where it is false.
    static func truth(of e: Expr, _ model: PolicyModel) throws(Unanalysable) -> (t: Region, f: Region) {
        switch e {
        case .span(_, let inner): return try truth(of: inner, model)
        case .constant(.bool(let b)): return b ? (.everything, .empty) : (.empty, .everything)
        case .not(let inner):
            let (t, f) = try truth(of: inner, model)
            return (f, t)
        case .and(let items):
            var t = Region.everything, f = Region.empty
            for item in items {
                let (it, jf) = try truth(of: item, model)
                t = try t.intersect(it)
                f = f.union(jf)
            }
            return (t, f)
        case .or(let items):
            var t = Region.empty, f = Region.everything
            for item in items {
                let (it, jf) = try truth(of: item, model)
                t = t.union(it)
                f = try f.intersect(jf)
            }
            return (t, f)
        case .field, .output:
            let ref = try reference(e)
            return (Region(boxes: [[ref: Constraint(values: .bools([true]), absent: false)]]),
                    Region(boxes: [[ref: Constraint(values: .bools([false]), absent: false)]]))
        case .present(let inner):
            let ref = try reference(inner)
            let present = Constraint(values: full(type(of: ref, model), model), absent: false)
            let absent = Constraint(values: none(type(of: ref, model)), absent: true)
            return (Region(boxes: [[ref: present]]), Region(boxes: [[ref: absent]]))
        case let .compare(op, a, b):
            if let c = b.constantValue { return try atom(a, model) { type throws(Unanalysable) in try values(op, c, type, model) } }
            if let c = a.constantValue { return try atom(b, model) { type throws(Unanalysable) in try values(op.flipped, c, type, model) } }
            throw Unanalysable(reason: "a comparison between two fields")
        case let .inList(inner, list):
            return try atom(inner, model) { type throws(Unanalysable) in try members(list, type, model) }
        case let .inRange(inner, lo, li, hi, hiIncl):
            return try atom(inner, model) { type throws(Unanalysable) in
                guard let l = integer(lo), let h = integer(hi) else { throw Unanalysable(reason: "a range over text") }
                let a = li ? l : l + 1, b = hiIncl ? h : h - 1
                return (.ranges(a <= b ? [a...b] : []), .ranges(Constraint.complement(a <= b ? [a...b] : [])))
            }
        default:
            throw Unanalysable(reason: "arithmetic or list membership in a condition")
        }
    }

    private static func reference(_ e: Expr) throws(Unanalysable) -> Expr.Reference {
        switch e {
        case .field(let i): return .field(i)
        case .output(let i): return .output(i)
        case .span(_, let inner): return try reference(inner)
        default: throw Unanalysable(reason: "a condition on a computed value")
        }
    }

    private static func type(of ref: Expr.Reference, _ model: PolicyModel) -> ValueType {
        switch ref {
        case .field(let i): return model.fields[i].type
        case .output(let i): return model.outputs[i].type
        }
    }

    private static func atom(_ e: Expr, _ model: PolicyModel,
                             _ split: (ValueType) throws(Unanalysable) -> (Constraint.Values, Constraint.Values)) throws(Unanalysable) -> (t: Region, f: Region) {
        let ref = try reference(e)
        let (t, f) = try split(type(of: ref, model))
        return (Region(boxes: [[ref: Constraint(values: t, absent: false)]]), Region(boxes: [[ref: Constraint(values: f, absent: false)]]))
    }

    private static func integer(_ v: Value) -> Int64? {
        switch v {
        case .int(let x), .money(let x), .time(let x), .duration(let x): return x
        case .date(let d): return Int64(d)
        default: return nil
        }
    }

    private static func full(_ t: ValueType, _ model: PolicyModel) -> Constraint.Values {
        switch t {
        case .bool: return .bools([false, true])
        case .string: return .strings(included: nil, excluded: [])
        case .enumeration(let e): return .members(Set(model.enums[e].members))
        default: return .ranges([Int64.min...Int64.max])
        }
    }

    private static func none(_ t: ValueType) -> Constraint.Values {
        switch t {
        case .bool: return .bools([])
        case .string: return .strings(included: [], excluded: [])
        case .enumeration: return .members([])
        default: return .ranges([])
        }
    }

    /// True and false value sets for `x op c`.
    private static func values(_ op: CompareOp, _ c: Value, _ type: ValueType, _ model: PolicyModel) throws(Unanalysable) -> (Constraint.Values, Constraint.Values) {
        switch c {
        case .bool(let b):
            guard op == .eq || op == .ne else { throw Unanalysable(reason: "an ordering of booleans") }
            return op == .eq ? (.bools([b]), .bools([!b])) : (.bools([!b]), .bools([b]))
        case .member, .string:
            guard op == .eq || op == .ne else { throw Unanalysable(reason: "an ordering of text") }
            let (t, f) = try members([c], type, model)
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
    private static func members(_ list: [Value], _ type: ValueType, _ model: PolicyModel) throws(Unanalysable) -> (Constraint.Values, Constraint.Values) {
        switch type {
        case .bool:
            let s = Set(list.compactMap { v -> Bool? in if case .bool(let b) = v { return b } else { return nil } })
            return (.bools(s), .bools(Set([false, true]).subtracting(s)))
        case .enumeration(let e):
            let s = Set(list.compactMap { v -> Int32? in if case .member(let m) = v { return m } else { return nil } })
            return (.members(s), .members(Set(model.enums[e].members).subtracting(s)))
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
