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
        for d in model.decisions {
            var regions: [Region] = []
            var failure: (String, String)?
            for r in d.rules {
                do { regions.append(try truth(of: r.condition.expr, model).t) } catch {
                    failure = (r.id, error.reason)
                    break
                }
            }
            if let (rule, reason) = failure {
                if d.hit != .collect || d.complete != nil {
                    diagnostics.add(Diagnostic(.note, "not-analysed", "decision `\(d.name)` was not analysed for gaps, overlaps or unreachable rules: rule `\(rule)` uses \(reason)",
                                               at: d.location, help: "the evaluator still checks each case; only the load-time proof is skipped"))
                }
                continue
            }
            do {
                switch d.hit {
                case .unique: try overlaps(d, regions, model, &diagnostics)
                case .first, .priority: try unreachable(d, regions, model, &diagnostics)
                case .collect: break
                }
                if let scope = d.complete { try gaps(d, scope, regions, model, &diagnostics) }
            } catch {
                diagnostics.add(Diagnostic(.note, "not-analysed", "decision `\(d.name)` was not fully analysed: \(error.reason)", at: d.location))
            }
        }
    }

    private static func overlaps(_ d: CompiledDecision, _ regions: [Region], _ model: PolicyModel, _ diagnostics: inout DiagnosticBag) throws(Unanalysable) {
        var reported = 0
        for j in d.rules.indices {
            for i in 0..<j {
                guard let box = try regions[i].intersect(regions[j]).boxes.first else { continue }
                diagnostics.error("unique-overlap",
                                  "rules `\(d.rules[i].id)` and `\(d.rules[j].id)` of decision `\(d.name)` overlap, but its hit policy is `unique`",
                                  at: d.rules[j].location,
                                  notes: [.init("both match a case with \(witness(box, model))"),
                                          .init("rule `\(d.rules[i].id)` is here", at: d.rules[i].location)],
                                  help: "make the conditions exclusive (mind the bounds: `<= 300` and `> 300`), or use `hit: first`")
                reported += 1
                if reported >= 5 { return }
            }
        }
    }

    /// Rules that can never decide: every case they match is taken by earlier rules (`first`) or by
    /// rules whose value ranks higher (`priority`).
    private static func unreachable(_ d: CompiledDecision, _ regions: [Region], _ model: PolicyModel, _ diagnostics: inout DiagnosticBag) throws(Unanalysable) {
        let ranks: [Int?] = d.rules.map { r in
            guard d.hit == .priority, let slot = d.priorityOutput, let a = r.assignments.first(where: { $0.output == slot }),
                  let v = a.value.constantValue else { return nil }
            return d.priorityOrder.firstIndex(of: v)
        }
        for j in d.rules.indices where !regions[j].isEmpty {
            let maskers = (0..<d.rules.count).filter { i in
                guard i != j else { return false }
                if d.hit == .first { return i < j }
                guard let ri = ranks[i], let rj = ranks[j] else { return false }
                return ri < rj || (ri == rj && i < j)
            }
            guard !maskers.isEmpty else { continue }
            let covered = maskers.reduce(Region.empty) { $0.union(regions[$1]) }
            if try regions[j].intersect(covered.complement(model)).isEmpty {
                var names: [String] = []
                for i in maskers where !(try regions[j].intersect(regions[i]).isEmpty) { names.append("`\(d.rules[i].id)`") }
                diagnostics.warning("unreachable-rule", "rule `\(d.rules[j].id)` of decision `\(d.name)` can never decide: \(names.joined(separator: ", ")) \(names.count == 1 ? "takes" : "take") every case it matches",
                                    at: d.rules[j].location,
                                    notes: maskers.filter { names.contains("`\(d.rules[$0].id)`") }.map { .init("rule `\(d.rules[$0].id)` is here", at: d.rules[$0].location) },
                                    help: d.hit == .first ? "move it before the rules that mask it, narrow them, or remove it" : "check the priority order and the conditions")
            }
        }
    }

    /// Cases inside `complete`'s scope that no rule matches.
    private static func gaps(_ d: CompiledDecision, _ scope: Condition, _ regions: [Region], _ model: PolicyModel, _ diagnostics: inout DiagnosticBag) throws(Unanalysable) {
        let within = try truth(of: scope.expr, model).t
        let covered = regions.reduce(Region.empty) { $0.union($1) }
        let gap = try within.intersect(covered.complement(model))
        guard let box = gap.boxes.first else { return }
        let range = describe(box, model)
        diagnostics.error("gap", "no rule of decision `\(d.name)` decides a case with \(witness(box, model))",
                          at: d.location,
                          notes: range.isEmpty ? [] : [.init("every case with \(range) is undecided")],
                          help: "add a rule for these cases, or widen a neighbouring rule's condition (mind the bounds: `<= 300` and `> 300` leave no gap)")
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
                return format(first.contains(0) ? 0 : (first.lowerBound == .min ? first.upperBound : first.lowerBound), type, model)
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

    static func type(of ref: Expr.Reference, _ model: PolicyModel) -> ValueType {
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

    static func full(_ t: ValueType, _ model: PolicyModel) -> Constraint.Values {
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

extension Analyzer {
    /// Whether a reference may be absent: optional fields without a default; outputs unless their
    /// decision must always decide (`complete: true`) and every rule sets them.
    static func mayBeAbsent(_ ref: Expr.Reference, _ model: PolicyModel) -> Bool {
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
    static func outputDomain(_ o: Int, _ model: PolicyModel) -> Constraint.Values? {
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
    static func describe(_ box: Box, _ model: PolicyModel) -> String {
        box.sorted { "\($0.key)" < "\($1.key)" }.compactMap { ref, c -> String? in
            let type = type(of: ref, model)
            let name: String
            switch ref {
            case .field(let i): name = model.fields[i].name
            case .output(let i): name = model.outputs[i].name
            }
            var parts: [String] = []
            switch c.values {
            case .bools(let b): if b.count == 1 { parts.append("\(name) == \(b.first!)") }
            case .members(let m):
                let all = Set(full(type, model).membersOrEmpty)
                if m != all { parts.append("\(name) in [\(m.sorted().map { model.members[Int($0)].name }.joined(separator: ", "))]") }
            case .strings(let inc, let exc):
                if let inc { parts.append("\(name) in [\(inc.sorted().map { "\"\($0)\"" }.joined(separator: ", "))]") } else if !exc.isEmpty {
                    parts.append("\(name) not in [\(exc.sorted().map { "\"\($0)\"" }.joined(separator: ", "))]")
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

    static func format(_ v: Int64, _ type: ValueType, _ model: PolicyModel) -> String {
        switch type {
        case .money: return Money.format(v, scale: model.moneyScale)
        case .timestamp: return Timestamp(millisecondsSinceEpoch: v).rfc3339(in: model.zone)
        case .date: return CivilDate(daysSinceEpoch: Int(v)).description
        case .duration: return Duration(milliseconds: v).description
        default: return String(v)
        }
    }
}

extension Constraint {
    var isEmptyValues: Bool { Constraint(values: values, absent: false).isEmpty }
}

extension Constraint.Values {
    var membersOrEmpty: Set<Int32> {
        if case .members(let m) = self { return m }
        return []
    }
}

extension Region {
    /// Every case not in this region: the intersection of each box's complement. Dimensions a box
    /// leaves free stay free; a constrained one flips to its complement within its type (and may be
    /// absent when the field is optional and the box did not allow absence).
    func complement(_ model: PolicyModel) throws(Analyzer.Unanalysable) -> Region {
        var result = Region.everything
        for box in boxes {
            var parts: [Box] = []
            for (ref, c) in box {
                let type = Analyzer.type(of: ref, model)
                var domain = Analyzer.full(type, model)
                if case .output(let o) = ref, let d = Analyzer.outputDomain(o, model) { domain = d }
                let flipped: Constraint.Values
                switch (c.values, domain) {
                case let (.bools(a), .bools(all)): flipped = .bools(all.subtracting(a))
                case let (.members(a), .members(all)): flipped = .members(all.subtracting(a))
                case let (.ranges(a), .ranges(all)): flipped = .ranges(Constraint.intersect(Constraint.complement(a), all))
                case let (.strings(inc, exc), _):
                    flipped = inc.map { .strings(included: nil, excluded: $0) } ?? .strings(included: exc, excluded: [])
                default: flipped = c.values
                }
                let comp = Constraint(values: flipped, absent: Analyzer.mayBeAbsent(ref, model) && !c.absent)
                if !comp.isEmpty { parts.append([ref: comp]) }
            }
            result = try result.intersect(Region(boxes: parts))
            if result.isEmpty { return result }
        }
        return result
    }
}
