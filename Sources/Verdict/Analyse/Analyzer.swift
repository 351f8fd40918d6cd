/// Reasons exactly about decision tables whose conditions compare fields and outputs with constants.
///
/// Each condition becomes two regions of the input space: where it is true and where it is false
/// (the rest is where it is unknown because a value is absent). `not` swaps them; `and`/`or` combine
/// them as Kleene logic does. From these: overlaps under `unique` (a case that hits both rules).
enum Analyzer {
    struct Unanalysable: Error {
        var reason: String
    }

    /// Analyses every decision; returns the box comparisons it made (each decision has its own budget).
    @discardableResult
    static func analyse(_ model: CheckedPolicy, diagnostics: inout DiagnosticBag) -> Int {
        let context = AnalysisContext(model)
        var spent = 0
        for d in model.decisions {
            spent += context.steps
            context.reset()
            var regions: [Region] = []
            var failure: String?
            for r in d.rules {
                do { regions.append(try truth(of: r.condition.expr, context).t) } catch {
                    failure = "rule `\(r.id)` uses \(error.reason)"
                    break
                }
            }
            if failure == nil {
                // A scope that cannot be analysed is reported when the gaps are sought.
                let scope = d.complete.flatMap { c in try? truth(of: c.expr, context).t }
                do { try independent(regions + (scope.map { [$0] } ?? []), model) } catch {
                    failure = "its conditions use \(error.reason)"
                }
            }
            overrides(d, rules: failure == nil ? regions : nil, context, &diagnostics)
            if let failure {
                if d.hit != .collect || d.complete != nil {
                    diagnostics.add(Diagnostic(.note, .notAnalysed, "decision `\(d.name)` was not analysed for gaps, overlaps or unreachable rules: \(failure)",
                                               at: d.location, help: "the evaluator still checks each case; only the load-time proof is skipped"))
                }
                continue
            }
            do {
                switch d.hit {
                case .unique: try overlaps(d, regions, context, &diagnostics)
                case .first, .priority: try unreachable(d, regions, context, &diagnostics)
                case .collect: break
                }
                if let scope = d.complete { try gaps(d, scope, regions, context, &diagnostics) }
            } catch {
                diagnostics.add(Diagnostic(.note, .notAnalysed, "decision `\(d.name)` was not fully analysed: \(error.reason)", at: d.location,
                                           help: "the evaluator still checks each case; only the load-time proof is skipped"))
            }
        }
        return spent + context.steps
    }

    private static func overlaps(_ d: CheckedDecision, _ regions: [Region], _ context: AnalysisContext, _ diagnostics: inout DiagnosticBag) throws(Unanalysable) {
        let model = context.model
        var reported = 0
        for j in d.rules.indices {
            for i in 0..<j {
                guard let box = try regions[i].intersect(regions[j], within: context).boxes.first else { continue }
                diagnostics.error(.uniqueOverlap,
                                  "rules `\(d.rules[i].id)` and `\(d.rules[j].id)` of decision `\(d.name)` overlap, but its hit policy is `unique`",
                                  at: d.rules[j].location,
                                  notes: [.init("both match a case with \(witness(box, model))"),
                                          .init("rule `\(d.rules[i].id)` is here", at: d.rules[i].location)],
                                  help: overlapHelp(d, i, j, box, model))
                reported += 1
                if reported >= 5 { return }
            }
        }
    }

    /// Rules that can never decide: every case they match is taken by earlier rules (`first`) or by
    /// rules whose value ranks higher (`priority`).
    ///
    /// The rules that may mask a rule are all those before it in one order (rule order for `first`;
    /// rank, then rule order, for `priority`), so one pass keeps the cases no rule so far has taken:
    /// each rule costs one intersection with them, not a union and complement of every rule before it.
    /// The rules that mask one another, in the order they do: rule order under `first`; under
    /// `priority` the ranked rules by rank, then rule order (an unranked rule masks none and is masked
    /// by none, so it is not in the order).
    static func maskingOrder(_ d: CheckedDecision) -> [Int] {
        guard d.hit == .priority else { return Array(d.rules.indices) }
        let ranks: [Int?] = d.rules.map { r in
            guard let slot = d.priorityOutput, let a = r.assignments.first(where: { $0.output == slot }),
                  let v = a.value.constantValue else { return nil }
            return d.priorityOrder.firstIndex(of: v)
        }
        return d.rules.indices.filter { ranks[$0] != nil }.sorted { (ranks[$0]!, $0) < (ranks[$1]!, $1) }
    }

    private static func unreachable(_ d: CheckedDecision, _ regions: [Region], _ context: AnalysisContext, _ diagnostics: inout DiagnosticBag) throws(Unanalysable) {
        let order = maskingOrder(d)
        var untaken = Region.everything
        for (position, j) in order.enumerated() {
            if position > 0, !regions[j].isEmpty, try regions[j].intersect(untaken, within: context).isEmpty {
                try report(j, order[..<position])
            }
            untaken = try untaken.intersect(regions[j].complement(context), within: context)
        }

        func report(_ j: Int, _ before: ArraySlice<Int>) throws(Unanalysable) {
            // Name the rules that take its cases: the first few that overlap it.
            var names: [Int] = []
            for i in before where names.count < 5 {
                if !(try regions[j].intersect(regions[i], within: context).isEmpty) { names.append(i) }
            }
            let shown = names.map { "`\(d.rules[$0].id)`" }
            diagnostics.warning(.unreachableRule, "rule `\(d.rules[j].id)` of decision `\(d.name)` can never decide: \(shown.joined(separator: ", ")) \(shown.count == 1 ? "takes" : "take") every case it matches",
                                at: d.rules[j].location,
                                notes: names.map { .init("rule `\(d.rules[$0].id)` is here", at: d.rules[$0].location) },
                                help: d.hit == .first ? "move it before the rules that mask it, narrow them, or remove it" : "check the priority order and the conditions")
        }
    }

    /// Cases inside `complete`'s scope that no rule matches: what is left of the scope once each rule
    /// in turn has taken its cases.
    private static func gaps(_ d: CheckedDecision, _ scope: Condition, _ regions: [Region], _ context: AnalysisContext, _ diagnostics: inout DiagnosticBag) throws(Unanalysable) {
        let model = context.model
        var gap = try truth(of: scope.expr, context).t
        for r in regions {
            if gap.isEmpty { return }
            gap = try gap.intersect(r.complement(context), within: context)
        }
        guard let box = gap.boxes.first else { return }
        let range = describe(box, model)
        diagnostics.error(.gap, "no rule of decision `\(d.name)` decides a case with \(witness(box, model))",
                          at: d.location,
                          notes: range.isEmpty ? [] : [.init("every case with \(range) is undecided")],
                          help: gapHelp(box, model))
    }

    /// A bound that splits a range of a box: `cost <= 300.00` and `cost > 300.00`, for the first
    /// dimension of the box with a finite range. The bound is just below the range or at its top,
    /// whichever is rounder (more trailing zeros): the one a person more likely meant to write.
    private static func split(_ box: Box, _ model: CheckedPolicy) -> (below: String, above: String)? {
        func zeros(_ v: Int64) -> Int {
            guard v != 0 else { return 20 }
            var v = v.magnitude, n = 0
            while v % 10 == 0 { v /= 10; n += 1 }
            return n
        }
        for (ref, c) in box.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            guard case .ranges(let rs) = c.values, let r = rs.first else { continue }
            let type = type(of: ref, model), n = name(of: ref, model)
            if case .enumeration = type { continue }
            let below = r.lowerBound == .min ? nil : r.lowerBound - 1, top = r.upperBound == .max ? nil : r.upperBound
            let bound: Int64
            switch (below, top) {
            case let (b?, t?): bound = zeros(b) > zeros(t) ? b : t
            case let (b?, nil): bound = b
            case let (nil, t?): bound = t
            default: continue
            }
            let at = format(bound, type, model)
            return ("`\(n) <= \(at)`", "`\(n) > \(at)`")
        }
        return nil
    }

    /// The gap's cases, and the bounds that close it where the gap is a range of values.
    static func gapHelp(_ box: Box, _ model: CheckedPolicy) -> String {
        let cases = describe(box, model)
        let add = cases.isEmpty ? "add a rule that decides every case" : "add a rule for `\(cases)`"
        guard let (below, above) = split(box, model) else { return add + ", or widen a neighbouring rule's condition to take these cases" }
        return add + ", or widen a neighbouring rule's condition (\(below) and \(above) leave no gap)"
    }

    /// How to part two overlapping rules: the bounds that split their shared range, and `hit: priority`
    /// when they give different values of an ordered output (one should win), else `hit: first`.
    static func overlapHelp(_ d: CheckedDecision, _ i: Int, _ j: Int, _ box: Box, _ model: CheckedPolicy) -> String {
        let shared = describe(box, model)
        var exclusive = "make the conditions exclusive"
        if let (below, above) = split(box, model) {
            exclusive += " (\(below) and \(above) do not overlap)"
        } else if !shared.isEmpty {
            exclusive += " (both take `\(shared)`)"
        }
        for o in d.outputs {
            switch model.outputs[o].type {
            case .enumeration, .integer, .money, .duration: break
            default: continue
            }
            guard let a = d.rules[i].assignments.first(where: { $0.output == o })?.value.constantValue,
                  let b = d.rules[j].assignments.first(where: { $0.output == o })?.value.constantValue, a != b else { continue }
            let shown = [a, b].map { v -> String in
                if case .member(let m) = v { return model.members[Int(m)].name }
                return integer(v).map { format($0, model.outputs[o].type, model) } ?? "\(v)"
            }
            return exclusive + ", or let the better outcome win: `hit: priority` with `priority: {output: \(model.outputs[o].name), order: [\(shown.joined(separator: ", "))]}`, best first"
        }
        return exclusive + ", or use `hit: first` (the first rule that matches decides)"
    }

    /// A readable example case inside a box: `cost = 300.00, problem = fly`.
    static func witness(_ box: Box, _ model: CheckedPolicy) -> String {
        let parts = box.sorted { "\($0.key)" < "\($1.key)" }.map { ref, c -> String in
            "\(name(of: ref, model)) = \(sample(c, type(of: ref, model), model))"
        }
        return parts.isEmpty ? "any values" : parts.joined(separator: ", ")
    }

    static func sample(_ c: Constraint, _ type: ValueType, _ model: CheckedPolicy) -> String {
        switch c.values {
        case .bools(let s): if let b = s.sorted(by: { !$0 && $1 }).first { return String(b) }
        case .members(let s): if let m = s.min() { return model.members[Int(m)].name }
        case .strings(let inc, let exc):
            if let inc { if let s = inc.sorted().first { return "\"\(s)\"" } } else {
                return exc.isEmpty ? "any text" : "any text but " + listed(exc.sorted().map { "\"\($0)\"" })
            }
        case .ranges(let r):
            if let first = r.first {
                return format(first.contains(0) ? 0 : (first.lowerBound == .min ? first.upperBound : first.lowerBound), type, model)
            }
        }
        return "absent"
    }
}
