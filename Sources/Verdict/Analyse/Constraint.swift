/// Sets of cases, for reasoning about decision tables exactly.
///
/// A ``Region`` is a union of boxes; a box constrains some dimensions (fields or outputs, or a date
/// function of them: see ``Analyzer/Dimension``) and
/// leaves the others free. Each dimension's constraint says which values it may take and whether it
/// may be absent. Numbers, money (minor units) and times (milliseconds) are integers, so strict
/// bounds are exact: `cost > 300` is `cost >= 300.01`.
struct Constraint: Hashable, Sendable {
    enum Values: Hashable, Sendable {
        case bools(Set<Bool>)
        case members(Set<Int32>)
        /// Sorted, disjoint, non-adjacent closed ranges.
        case ranges([ClosedRange<Int64>])
        /// Strings: either exactly `included`, or anything except `excluded`.
        case strings(included: Set<String>?, excluded: Set<String>)
    }

    var values: Values
    var absent: Bool

    var isEmpty: Bool {
        if absent { return false }
        switch values {
        case .bools(let s): return s.isEmpty
        case .members(let s): return s.isEmpty
        case .ranges(let r): return r.isEmpty
        case .strings(let inc, _): return inc?.isEmpty ?? false
        }
    }

    func intersect(_ o: Constraint) -> Constraint {
        let v: Values
        switch (values, o.values) {
        case let (.bools(a), .bools(b)): v = .bools(a.intersection(b))
        case let (.members(a), .members(b)): v = .members(a.intersection(b))
        case let (.ranges(a), .ranges(b)): v = .ranges(Self.intersect(a, b))
        case let (.strings(ia, ea), .strings(ib, eb)):
            switch (ia, ib) {
            case let (x?, y?): v = .strings(included: x.intersection(y), excluded: [])
            case let (x?, nil): v = .strings(included: x.subtracting(eb), excluded: [])
            case let (nil, y?): v = .strings(included: y.subtracting(ea), excluded: [])
            case (nil, nil): v = .strings(included: nil, excluded: ea.union(eb))
            }
        default: v = values
        }
        return Constraint(values: v, absent: absent && o.absent)
    }

    static func intersect(_ a: [ClosedRange<Int64>], _ b: [ClosedRange<Int64>]) -> [ClosedRange<Int64>] {
        var out: [ClosedRange<Int64>] = []
        var i = 0, j = 0
        while i < a.count, j < b.count {
            let lo = max(a[i].lowerBound, b[j].lowerBound), hi = min(a[i].upperBound, b[j].upperBound)
            if lo <= hi { out.append(lo...hi) }
            if a[i].upperBound < b[j].upperBound { i += 1 } else { j += 1 }
        }
        return out
    }

    /// The complement of sorted disjoint ranges within Int64.
    static func complement(_ r: [ClosedRange<Int64>]) -> [ClosedRange<Int64>] {
        var out: [ClosedRange<Int64>] = []
        var next = Int64.min
        var open = true
        for x in r {
            if open, x.lowerBound > next { out.append(next...(x.lowerBound - 1)) }
            if x.upperBound == .max { open = false } else { next = x.upperBound + 1 }
        }
        if open { out.append(next...Int64.max) }
        return out
    }
}

extension Constraint.Values {
    /// The union of two value sets of one kind, when it is one value set.
    func union(_ o: Constraint.Values) -> Constraint.Values? {
        switch (self, o) {
        case let (.bools(a), .bools(b)): return .bools(a.union(b))
        case let (.members(a), .members(b)): return .members(a.union(b))
        case let (.ranges(a), .ranges(b)): return .ranges(Constraint.union(a, b))
        case let (.strings(ia?, _), .strings(ib?, _)): return .strings(included: ia.union(ib), excluded: [])
        default: return nil
        }
    }
}

extension Constraint {
    /// The union of two sorted, disjoint, non-adjacent range lists, in the same form.
    static func union(_ a: [ClosedRange<Int64>], _ b: [ClosedRange<Int64>]) -> [ClosedRange<Int64>] {
        if let l = a.last, let f = b.first, l.upperBound < f.lowerBound, l.upperBound != .max, l.upperBound + 1 < f.lowerBound { return a + b }
        var all = a + b
        all.sort { $0.lowerBound < $1.lowerBound }
        var out: [ClosedRange<Int64>] = []
        for r in all {
            if let last = out.last, last.upperBound == .max || r.lowerBound <= last.upperBound + 1 {
                out[out.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        return out
    }
}

extension Constraint {
    var isEmptyValues: Bool { Constraint(values: values, absent: false).isEmpty }
}

extension Constraint.Values {
    /// How many values (members, strings, ranges) the set holds in memory.
    var count: Int {
        switch self {
        case .bools(let s): s.count
        case .members(let s): s.count
        case .ranges(let r): r.count
        case .strings(let inc, let exc): (inc?.count ?? 0) + exc.count
        }
    }

    var membersOrEmpty: Set<Int32> {
        if case .members(let m) = self { return m }
        return []
    }
}

extension Constraint {
    /// The constraint's values for exactly one value.
    static func values(of v: Value) -> Constraint.Values {
        switch v {
        case .bool(let b): return .bools([b])
        case .member(let m): return .members([m])
        case .string(let s): return .strings(included: [s], excluded: [])
        default:
            if let x = Analyzer.integer(v) { return .ranges([x...x]) }
            return .ranges([])
        }
    }
}

extension Constraint {
    /// Whether a value (or absence) lies in the constraint.
    func admits(_ v: Value) -> Bool {
        if v.isAbsent { return absent }
        switch (values, v) {
        case let (.bools(s), .bool(b)): return s.contains(b)
        case let (.members(s), .member(m)): return s.contains(m)
        case let (.strings(inc, exc), .string(x)): return inc.map { $0.contains(x) } ?? !exc.contains(x)
        case let (.ranges(rs), _):
            guard let x = Analyzer.integer(v) else { return false }
            return rs.contains { $0.contains(x) }
        default: return false
        }
    }

    /// Whether it allows every present value of a type.
    func admitsEverything(of type: ValueType, _ model: CheckedPolicy) -> Bool {
        switch (values, Analyzer.full(type, model)) {
        case let (.bools(s), .bools(all)): return s.isSuperset(of: all)
        case let (.members(s), .members(all)): return s.isSuperset(of: all)
        case let (.strings(inc, exc), _): return inc == nil && exc.isEmpty
        case let (.ranges(rs), _): return rs == [Int64.min...Int64.max]
        default: return false
        }
    }

    /// Whether every value (and absence) this allows, `o` allows.
    func isSubset(of o: Constraint) -> Bool {
        if absent && !o.absent { return false }
        switch (values, o.values) {
        case let (.bools(a), .bools(b)): return a.isSubset(of: b)
        case let (.members(a), .members(b)): return a.isSubset(of: b)
        case let (.ranges(a), .ranges(b)): return Constraint.intersect(a, b) == a
        case let (.strings(ia, ea), .strings(ib, eb)):
            switch (ia, ib) {
            case let (x?, y?): return x.isSubset(of: y)
            case let (x?, nil): return x.isDisjoint(with: eb)
            case (nil, .some): return false
            case (nil, nil): return eb.isSubset(of: ea)
            }
        default: return false
        }
    }
}
