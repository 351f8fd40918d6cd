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

typealias Box = [Analyzer.Dimension: Constraint]

struct Region: Sendable {
    var boxes: [Box]

    static let empty = Region(boxes: [])
    static let everything = Region(boxes: [[:]])
    /// The most boxes a region may hold: past it, the table is reported as not analysed.
    static let limit = 4096

    var isEmpty: Bool { boxes.isEmpty }

    func union(_ o: Region) -> Region { Region(boxes: boxes + o.boxes) }

    /// The union, refused past ``limit``. A box that constrains the same single dimension as the
    /// last one is merged into it, so `n == 1 or n == 2 or …` stays one box however long the chain.
    func union(_ o: Region, within context: AnalysisContext) throws(Analyzer.Unanalysable) -> Region {
        try context.spend(o.boxes.reduce(0) { $0 + AnalysisContext.cost(of: $1) })
        var out = boxes
        for b in o.boxes {
            if let last = out.last, last.count == 1, b.count == 1, let (dimension, c) = last.first, let d = b[dimension],
               let merged = c.values.union(d.values) {
                out[out.count - 1] = [dimension: Constraint(values: merged, absent: c.absent || d.absent)]
                continue
            }
            out.append(b)
            if out.count > Self.limit { throw Analyzer.Unanalysable(reason: "conditions that combine into too many cases (over \(Self.limit))") }
        }
        return Region(boxes: out)
    }

    func intersect(_ o: Region, within context: AnalysisContext? = nil) throws(Analyzer.Unanalysable) -> Region {
        try context?.spend(boxes.count * o.boxes.count)
        var out: [Box] = []
        for a in boxes {
            for b in o.boxes {
                // Boxes of large value sets (an enum of 100,000 members) cost in proportion to their size.
                if let context, a.count + b.count > 0 { try context.spend(AnalysisContext.cost(of: a) + AnalysisContext.cost(of: b) - 2) }
                if let c = Self.intersect(a, b) { out.append(c) }
                if out.count > Self.limit { throw Analyzer.Unanalysable(reason: "the conditions combine into too many cases (over \(Self.limit))") }
            }
        }
        return Region(boxes: out)
    }

    static func intersect(_ a: Box, _ b: Box) -> Box? {
        var out = a
        for (k, c) in b {
            let merged = out[k].map { $0.intersect(c) } ?? c
            if merged.isEmpty { return nil }
            out[k] = merged
        }
        return out
    }
}

/// What one analysis may spend, and what it computes once rather than for every atom and box: a
/// dimension's domain (an enum's members, an output's assigned values) and whether it may be absent.
///
/// The budget counts box comparisons, a comparison of boxes that hold large value sets (members,
/// strings, ranges) as many as their size in eights; a table that needs more is reported as not
/// analysed, so the check ends in bounded time, and holds boundedly many values, whatever the policy.
final class AnalysisContext {
    let model: CheckedPolicy
    /// The most box comparisons one decision's analysis may make.
    static let maxSteps = 4_000_000
    private(set) var steps = 0
    private var domains: [Analyzer.Dimension: Constraint.Values] = [:]
    private var absent: [Analyzer.Dimension: Bool] = [:]
    private var enumMembers: [Int: Set<Int32>] = [:]

    init(_ model: CheckedPolicy) { self.model = model }

    /// A new budget for the next decision; the caches stay.
    func reset() { steps = 0 }

    func spend(_ n: Int) throws(Analyzer.Unanalysable) {
        steps += n
        if steps > Self.maxSteps {
            throw Analyzer.Unanalysable(reason: "a table too large to analyse in bounded time (over \(Self.maxSteps) comparisons)")
        }
    }

    /// What working with a box costs: 1, and one more per eight values its constraints hold, so a
    /// box of an enum's 100,000 members costs 12,500 where one of a range costs 1.
    static func cost(of box: Box) -> Int {
        var values = 0
        for (_, c) in box { values += c.values.count }
        return 1 + values / 8
    }

    func domain(of d: Analyzer.Dimension) -> Constraint.Values {
        if let v = domains[d] { return v }
        let v = Analyzer.domain(of: d, model)
        domains[d] = v
        return v
    }

    func mayBeAbsent(_ d: Analyzer.Dimension) -> Bool {
        if let a = absent[d] { return a }
        let a = Analyzer.mayBeAbsent(d, model)
        absent[d] = a
        return a
    }

    /// Every value of a type; an enum's member set is built once.
    func full(_ t: ValueType) -> Constraint.Values {
        if case .enumeration(let e) = t {
            if let m = enumMembers[e] { return .members(m) }
            let m = Set(model.enums[e].members)
            enumMembers[e] = m
            return .members(m)
        }
        return Analyzer.full(t, model)
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

extension Region {
    /// Every case not in this region: the intersection of each box's complement. Dimensions a box
    /// leaves free stay free; a constrained one flips to its complement within its type (and may be
    /// absent when the field is optional and the box did not allow absence).
    func complement(_ model: CheckedPolicy) throws(Analyzer.Unanalysable) -> Region {
        try complement(AnalysisContext(model))
    }

    func complement(_ context: AnalysisContext) throws(Analyzer.Unanalysable) -> Region {
        var result = Region.everything
        for box in boxes {
            // Flipping a dimension builds the rest of its domain: as costly as the domain is large.
            try context.spend(box.keys.reduce(0) { $0 + context.domain(of: $1).count / 8 })
            result = try result.intersect(Self.complement(box, context), within: context)
            if result.isEmpty { return result }
        }
        return result
    }

    /// The cases outside one box: for each dimension it constrains, the other values (or absence).
    static func complement(_ box: Box, _ context: AnalysisContext) -> Region {
        var parts: [Box] = []
        for (ref, c) in box {
            let domain = context.domain(of: ref)
            let flipped: Constraint.Values
            switch (c.values, domain) {
            case let (.bools(a), .bools(all)): flipped = .bools(all.subtracting(a))
            case let (.members(a), .members(all)): flipped = .members(all.subtracting(a))
            case let (.ranges(a), .ranges(all)): flipped = .ranges(Constraint.intersect(Constraint.complement(a), all))
            case let (.strings(inc, exc), _):
                flipped = inc.map { .strings(included: nil, excluded: $0) } ?? .strings(included: exc, excluded: [])
            default: flipped = c.values
            }
            let comp = Constraint(values: flipped, absent: context.mayBeAbsent(ref) && !c.absent)
            if !comp.isEmpty { parts.append([ref: comp]) }
        }
        return Region(boxes: parts)
    }
}
