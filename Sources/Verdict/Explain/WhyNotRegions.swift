/// The regions of the input space where an output takes a value, over case fields only: the
/// analyser's regions (``Region``, ``Constraint``) of each rule's condition, combined as the hit
/// policy combines rules, split by the overrides that apply, with every condition on another
/// decision's output replaced by the region where that output has the values it asks for.
///
/// Exact wherever the analyser is: a condition it does not analyse (a comparison between two
/// fields, arithmetic) is reported as ``Unreasoned`` naming the condition, never approximated.
final class WhyNotRegions {
    /// Why a region could not be computed: the rule or override, the condition as written, the reason.
    struct Unreasoned: Error, Hashable {
        var site: String
        var condition: String
        var reason: String
    }

    /// Where a decision's outputs come from in one part of the input space.
    enum Source: Hashable {
        case value(Value)
        /// A value computed per case (`resolved_at + 5d`, `report_filed`), by the rule `site`.
        case computed(Expr.Reference?, text: String, references: [Expr.Reference], site: String)

        static func == (a: Source, b: Source) -> Bool {
            switch (a, b) {
            case let (.value(x), .value(y)): return x == y
            case let (.computed(r1, t1, _, s1), .computed(r2, t2, _, s2)): return r1 == r2 && t1 == t2 && s1 == s2
            default: return false
            }
        }
        func hash(into h: inout Hasher) {
            switch self {
            case .value(let v): h.combine(v)
            case let .computed(_, t, _, s): h.combine(t); h.combine(s)
            }
        }
    }

    /// One part of the input space and the value an output has there.
    struct Outcome {
        var region: Region
        var source: Source
        /// The rules that decide there (for naming what never decides).
        var rules: [Int]
    }

    let policy: CompiledPolicy
    var model: CheckedPolicy { policy.model }
    let context: AnalysisContext
    private var ruleRegions: [Int: [Region]] = [:]
    private var outcomesByOutput: [Int: [Outcome]] = [:]
    private var outputRegions: [OutputKey: Region] = [:]
    private var inProgress: Set<Int> = []
    private var substituting: Set<Int> = []

    private struct OutputKey: Hashable {
        var output: Int
        var constraint: Constraint
    }

    /// The most parts one output's outcomes may be split into (collected rules times overrides).
    static let maxOutcomes = 1024

    init(_ policy: CompiledPolicy) {
        self.policy = policy
        context = AnalysisContext(policy.model)
    }

    // MARK: Conditions

    /// The region where a condition is true, over fields and the outputs of earlier decisions
    /// (complemented within each output's values, so a decision's regions stay small; see ``substitute(_:site:text:)``).
    func truth(_ c: Condition, site: String) throws(Unreasoned) -> Region {
        if c.isAlways { return .everything }
        let t: Region
        do {
            t = try Analyzer.truth(of: c.expr, context).t
        } catch {
            let (text, reason) = unanalysed(c.expr, error.reason)
            throw Unreasoned(site: site, condition: text, reason: reason)
        }
        return t.simplified()
    }

    /// The smallest written part of `e` the analyser refuses, and why.
    private func unanalysed(_ e: Expr, _ reason: String) -> (String, String) {
        var current = e
        var text = spanText(e) ?? "the condition"
        var why = reason
        while true {
            let children: [Expr]
            switch current.unwrapped {
            case .and(let xs), .or(let xs): children = xs
            case .not(let x): children = [x]
            default: children = []
            }
            var next: Expr?
            for child in children {
                do { _ = try Analyzer.truth(of: child, context) } catch {
                    next = child
                    why = error.reason
                    break
                }
            }
            guard let n = next else { return (text, why) }
            if let t = spanText(n) { text = t }
            current = n
        }
    }

    func spanText(_ e: Expr) -> String? {
        if case .span(let id, _) = e, id >= 0, id < model.spans.count { return model.spans[id].text }
        return nil
    }

    /// The region with every output dimension replaced by the fields-only region where the output
    /// has the values its constraint allows.
    func substitute(_ r: Region, site: String, text: Expr) throws(Unreasoned) -> Region {
        var out: [Box] = []
        for box in r.boxes {
            var base: Box = [:]
            var outputs: [(Int, Constraint)] = []
            for (d, c) in box {
                if case .reference(.output(let o)) = d {
                    outputs.append((o, c))
                } else if d.references.contains(where: { if case .output = $0 { return true } else { return false } }) {
                    throw Unreasoned(site: site, condition: spanText(text) ?? Analyzer.name(of: d, model),
                                     reason: "a date function of a decided output")
                } else {
                    base[d] = c
                }
            }
            var acc = Region(boxes: [base])
            for (o, c) in outputs.sorted(by: { $0.0 < $1.0 }) {
                acc = try intersect(acc, try region(output: o, in: c, site: site), site: site)
                if acc.isEmpty { break }
            }
            out += acc.boxes
            if out.count > Region.limit { throw budget(site) }
        }
        return Region(boxes: out).simplified()
    }

    func intersect(_ a: Region, _ b: Region, site: String) throws(Unreasoned) -> Region {
        do { return try a.intersect(b, within: context).simplified() } catch { throw Unreasoned(site: site, condition: "its conditions combined", reason: error.reason) }
    }

    func complement(_ a: Region, site: String) throws(Unreasoned) -> Region {
        do { return try a.complement(context).simplified() } catch { throw Unreasoned(site: site, condition: "its conditions combined", reason: error.reason) }
    }

    private func budget(_ site: String) -> Unreasoned {
        Unreasoned(site: site, condition: "its conditions combined", reason: "conditions that combine into too many cases (over \(Region.limit))")
    }

    // MARK: Outputs

    /// Where output `o` has a value (or absence) that `c` allows, over fields only.
    func region(output o: Int, in c: Constraint, site: String) throws(Unreasoned) -> Region {
        let key = OutputKey(output: o, constraint: c)
        if let r = outputRegions[key] { return r }
        guard !substituting.contains(o) else {
            throw Unreasoned(site: site, condition: model.outputs[o].name, reason: "a condition that reads the output it decides")
        }
        substituting.insert(o)
        defer { substituting.remove(o) }
        var boxes: [Box] = []
        for outcome in try outcomes(of: o) {
            switch outcome.source {
            case .value(let v):
                if c.admits(v) { boxes += try substitute(outcome.region, site: site, text: .constant(.absent)).boxes }
            case let .computed(ref, text, references, rule):
                if case .field(let f)? = ref {
                    // `reimbursable: report_filed`: the output is the field.
                    let r = try intersect(outcome.region, Region(boxes: [[.reference(.field(f)): c]]), site: rule)
                    boxes += try substitute(r, site: rule, text: .constant(.absent)).boxes
                } else if c.absent, c.isEmptyValues {
                    // Absent where any value it reads is absent.
                    for x in references {
                        let r = try intersect(outcome.region, Region(boxes: [[.reference(x): absentConstraint(x)]]), site: rule)
                        boxes += try substitute(r, site: rule, text: .constant(.absent)).boxes
                    }
                } else if c.admitsEverything(of: model.outputs[o].type, model) {
                    var r = outcome.region
                    for x in references { r = try intersect(r, Region(boxes: [[.reference(x): presentConstraint(x)]]), site: rule) }
                    boxes += try substitute(r, site: rule, text: .constant(.absent)).boxes
                } else {
                    throw Unreasoned(site: rule, condition: "\(model.outputs[o].name): \(text)", reason: "a value computed per case, read by a condition")
                }
            }
            if boxes.count > Region.limit { throw budget(site) }
        }
        let r = Region(boxes: boxes).simplified()
        outputRegions[key] = r
        return r
    }

    func presentConstraint(_ r: Expr.Reference) -> Constraint {
        Constraint(values: context.domain(of: .reference(r)), absent: false)
    }

    func absentConstraint(_ r: Expr.Reference) -> Constraint {
        Constraint(values: Analyzer.none(Analyzer.type(of: r, model)), absent: true)
    }

    /// Every part of the input space with the value output `o` has there, after overrides.
    func outcomes(of o: Int) throws(Unreasoned) -> [Outcome] {
        if let c = outcomesByOutput[o] { return c }
        let info = model.outputs[o]
        guard info.decision >= 0 else {
            throw Unreasoned(site: info.name, condition: info.name, reason: "a clock's deadline, set after every decision")
        }
        guard !inProgress.contains(o) else {
            throw Unreasoned(site: info.name, condition: info.name, reason: "a condition that reads the output it changes")
        }
        inProgress.insert(o)
        defer { inProgress.remove(o) }
        let d = model.decisions[info.decision]
        var result = d.hit == .collect ? try collected(d, o) : try decided(d, o)
        for override in d.overrides where override.output == o {
            var applies = try truth(override.condition, site: override.id)
            for x in override.exceptions {
                applies = try intersect(applies, try complement(try truth(x.condition, site: x.id ?? override.id), site: x.id ?? override.id), site: override.id)
            }
            let not = try complement(applies, site: override.id)
            var next: [Outcome] = []
            for outcome in result {
                guard case .value(.list(let items)) = outcome.source else {
                    next.append(outcome)
                    continue
                }
                let a = try intersect(outcome.region, applies, site: override.id)
                let n = try intersect(outcome.region, not, site: override.id)
                if !a.isEmpty { next.append(Outcome(region: a, source: .value(.list(ChainOperation.apply(override.operations, to: items))), rules: outcome.rules)) }
                if !n.isEmpty { next.append(Outcome(region: n, source: outcome.source, rules: outcome.rules)) }
            }
            if next.count > Self.maxOutcomes { throw Unreasoned(site: override.id, condition: "its overrides combined", reason: "too many combinations (over \(Self.maxOutcomes))") }
            result = next
        }
        outcomesByOutput[o] = result
        return result
    }

    /// The fields-only region where each rule of `d` matches.
    func rules(_ d: CheckedDecision) throws(Unreasoned) -> [Region] {
        let key = model.decisions.firstIndex { $0 === d } ?? -1
        if let r = ruleRegions[key] { return r }
        var out: [Region] = []
        for r in d.rules { out.append(try truth(r.condition, site: r.id)) }
        ruleRegions[key] = out
        return out
    }

    /// `first`, `unique` and `priority`: the region where each rule decides, and where none does.
    private func decided(_ d: CheckedDecision, _ o: Int) throws(Unreasoned) -> [Outcome] {
        let t = try rules(d)
        var comps: [Region] = []
        for (i, r) in t.enumerated() { comps.append(try complement(r, site: d.rules[i].id)) }
        var masks: [[Int]] = []
        switch d.hit {
        case .first: masks = d.rules.indices.map { Array(0..<$0) }
        case .unique: masks = d.rules.indices.map { i in d.rules.indices.filter { $0 != i } }
        case .priority:
            var ranks: [Int] = []
            for r in d.rules {
                guard let slot = d.priorityOutput, let a = r.assignments.first(where: { $0.output == slot }) else { ranks.append(Int.max - 1); continue }
                guard let v = a.value.constantValue else {
                    throw Unreasoned(site: r.id, condition: spanText(a.value) ?? model.outputs[slot].name, reason: "a priority value computed per case")
                }
                ranks.append(d.priorityOrder.firstIndex(of: v) ?? Int.max - 1)
            }
            masks = d.rules.indices.map { i in d.rules.indices.filter { ranks[$0] < ranks[i] || (ranks[$0] == ranks[i] && $0 < i) } }
        case .collect: break
        }
        var out: [Outcome] = []
        var none = Region.everything
        for (i, rule) in d.rules.enumerated() {
            var win = t[i]
            for j in masks[i] where !win.isEmpty { win = try intersect(win, comps[j], site: rule.id) }
            none = try intersect(none, comps[i], site: rule.id)
            if win.isEmpty { continue }
            out.append(Outcome(region: win, source: source(rule, o), rules: [i]))
        }
        if !none.isEmpty { out.append(Outcome(region: none, source: .value(.absent), rules: [])) }
        return out
    }

    /// `collect`: every combination of the rules that set `o` matching or not, with the list gathered.
    private func collected(_ d: CheckedDecision, _ o: Int) throws(Unreasoned) -> [Outcome] {
        let t = try rules(d)
        var parts = [Outcome(region: .everything, source: .value(.absent), rules: [])]
        for (i, rule) in d.rules.enumerated() {
            guard rule.assignments.contains(where: { $0.output == o }) else { continue }
            guard case .value(let v) = source(rule, o) else {
                throw Unreasoned(site: rule.id, condition: "\(model.outputs[o].name): …", reason: "a collected value computed per case")
            }
            let comp = try complement(t[i], site: rule.id)
            var next: [Outcome] = []
            for p in parts {
                let m = try intersect(p.region, t[i], site: rule.id)
                if !m.isEmpty {
                    guard case .value(var gathered) = p.source else { continue }
                    Evaluator<NoTracer>.gather(&gathered, v)
                    next.append(Outcome(region: m, source: .value(gathered), rules: p.rules + [i]))
                }
                let n = try intersect(p.region, comp, site: rule.id)
                if !n.isEmpty { next.append(Outcome(region: n, source: p.source, rules: p.rules)) }
            }
            if next.count > Self.maxOutcomes { throw Unreasoned(site: rule.id, condition: "its rules combined", reason: "too many combinations of collected rules (over \(Self.maxOutcomes))") }
            parts = next
        }
        return parts
    }

    /// What rule `rule` gives output `o` when it decides.
    func source(_ rule: CheckedRule, _ o: Int) -> Source {
        guard let a = rule.assignments.first(where: { $0.output == o }) else { return .value(.absent) }
        if let v = a.value.constantValue, !v.isFailure { return .value(v) }
        let direct: Expr.Reference?
        switch a.value.unwrapped {
        case .field(let f): direct = .field(f)
        case .output(let x): direct = .output(x)
        default: direct = nil
        }
        return .computed(direct, text: spanText(a.value) ?? written(a.value), references: a.value.references, site: rule.id)
    }

    /// A computed value as a policy writes it: `resolved_at + 5d`, `approved_at + 10d`, `report_filed`.
    func written(_ e: Expr) -> String {
        switch e {
        case .span(let id, let inner): return id >= 0 && id < model.spans.count ? model.spans[id].text : written(inner)
        case .field(let i): return model.fields[i].name
        case .output(let i): return model.outputs[i].name
        case .constant(let v):
            if case .duration(let d) = v { return ClockDuration(milliseconds: d).description }
            return policy.display(v, nil)
        case let .add(a, b): return "\(written(a)) + \(written(b))"
        case let .subtract(a, b): return "\(written(a)) - \(written(b))"
        case .negate(let a): return "-\(written(a))"
        case let .workingTime(c, a, b): return "working_time(\(written(a)), \(written(b)), \"\(c.name)\")"
        case let .workingDays(c, a, b): return "working_days(\(written(a)), \(written(b)), \"\(c.name)\")"
        case let .daysBetween(a, b): return "days_between(\(written(a)), \(written(b)))"
        case let .datePart(p, a, _, _): return "\(p.name)(\(written(a)))"
        case .list(let items): return "[" + items.map(written).joined(separator: ", ") + "]"
        default: return "a value computed per case"
        }
    }

}
