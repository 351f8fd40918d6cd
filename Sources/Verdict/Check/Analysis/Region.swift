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
    static let limit = 4096

    var isEmpty: Bool { boxes.isEmpty }

    func union(_ o: Region) -> Region { Region(boxes: boxes + o.boxes) }

    func intersect(_ o: Region) throws(Analyzer.Unanalysable) -> Region {
        var out: [Box] = []
        for a in boxes {
            for b in o.boxes {
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
    func complement(_ model: CheckedPolicy) throws(Analyzer.Unanalysable) -> Region {
        var result = Region.everything
        for box in boxes {
            var parts: [Box] = []
            for (ref, c) in box {
                let domain = Analyzer.domain(of: ref, model)
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
