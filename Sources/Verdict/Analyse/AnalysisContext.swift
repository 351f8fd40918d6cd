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
