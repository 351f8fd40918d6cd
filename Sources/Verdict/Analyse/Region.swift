/// Some cases: each dimension a box names takes the values its ``Constraint`` allows; the others are free.
typealias Box = [Analyzer.Dimension: Constraint]

/// A set of cases, as a union of boxes (see ``Constraint``): the algebra of the analysis stage, which
/// the checker's analysis (``Analyzer``), `verdict diff` and why-not (`WhyNotRegions`) all use.
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

extension Region {
    /// The same cases with repeated boxes, and boxes inside another, left out.
    func simplified() -> Region {
        guard boxes.count > 1 else { return self }
        var unique: [Box] = []
        var seen = Set<Box>()
        for b in boxes where seen.insert(b).inserted { unique.append(b) }
        guard unique.count <= 512 else { return Region(boxes: unique) }
        var keep = [Bool](repeating: true, count: unique.count)
        for i in unique.indices {
            for j in unique.indices where i != j && keep[j] {
                if Self.contains(unique[j], unique[i]) { keep[i] = false; break }
            }
        }
        return Region(boxes: unique.indices.filter { keep[$0] }.map { unique[$0] })
    }

    /// Whether box `a` holds every case of box `b`.
    static func contains(_ a: Box, _ b: Box) -> Bool {
        for (d, c) in a {
            guard let x = b[d], x.isSubset(of: c) else { return false }
        }
        return true
    }
}
