/// Proof that every override can apply and change its chain: a `when` no case meets, exceptions
/// that hold wherever the `when` does, or operations that leave every chain they meet as it was
/// are errors, each with its reason (and a witness case where one exists).
///
/// An override applies where its `when` is true and none of its exceptions is (an exception that is
/// unknown, because a value is absent, does not stop it), and acts on the chain of the rule that
/// decided: so the cases it can change are those of a deciding rule whose chain its operations change.
extension Analyzer {
    /// Checks the overrides of `d`; `rules` are its rules' regions (nil when they cannot be
    /// analysed: then only the scopes and exceptions are proved). An override whose conditions cannot
    /// be analysed is left to the evaluator, as a table is.
    static func overrides(_ d: CheckedDecision, rules: [Region]?, _ context: AnalysisContext, _ diagnostics: inout DiagnosticBag) {
        var seen = Set<Int>()  // outputs an earlier override of this decision changes
        for o in d.overrides {
            let earlier = !seen.insert(o.output).inserted
            do {
                try check(o, of: d, rules: earlier ? nil : rules, context, &diagnostics)
            } catch {
                continue
            }
        }
    }

    private static func check(_ o: CheckedOverride, of d: CheckedDecision, rules: [Region]?, _ context: AnalysisContext,
                              _ diagnostics: inout DiagnosticBag) throws(Unanalysable) {
        let model = context.model
        let chain = model.outputs[o.output].name
        let scope = try truth(of: o.condition.expr, context).t
        let exceptions = try o.exceptions.map { x throws(Unanalysable) in try truth(of: x.condition.expr, context).t }
        try independent([scope] + exceptions, model)
        if scope.isEmpty {
            let c = try contradiction(o.condition.expr, context)
            diagnostics.error(.overrideNeverApplies, "override `\(o.id)` can never apply: \(c.reason)", at: c.location ?? o.location,
                              notes: c.other.map { [.init("`\($0.text)` is here", at: $0.location)] } ?? [], help: c.help)
            return
        }
        var applies = scope
        for x in exceptions { applies = try applies.intersect(x.complement(context), within: context) }
        if applies.isEmpty {
            // The exception that alone covers the scope, when one does.
            var covering: Int?
            for (i, x) in exceptions.enumerated() where try scope.intersect(x.complement(context), within: context).isEmpty {
                covering = i
                break
            }
            let shown = covering.map { i in o.exceptions[i].id.map { "its exception `\($0)`" } ?? "its exception" }
            let reason = shown.map { "\($0) holds in every case its `when` selects" } ?? "its exceptions together hold in every case its `when` selects"
            let notes = (covering.map { [o.exceptions[$0]] } ?? o.exceptions).map { x in
                Diagnostic.Note("the exception\(x.id.map { " `\($0)`" } ?? "") is here", at: x.location)
            }
            diagnostics.error(.overrideNeverApplies, "override `\(o.id)` can never apply: \(reason)", at: o.location, notes: notes,
                              help: "narrow the exception to a part of the `when` (or widen the `when`), so that some case is in the scope and outside every exception")
            return
        }
        // What the operations do to each chain a deciding rule gives where the override applies.
        guard let rules, d.hit != .collect else { return }
        var lists: [[Value]?] = []
        for r in d.rules {
            guard let a = r.assignments.first(where: { $0.output == o.output }) else { lists.append(nil); continue }
            guard case .list(let items)? = a.value.constantValue else { return }  // computed per case
            lists.append(items)
        }
        try independent(rules + [applies], model)
        let deciding = try decidingRegions(d, rules, context)
        var met: [(rule: Int, list: [Value], box: Box)] = []
        for (j, list) in lists.enumerated() {
            guard let list else { continue }
            guard let box = try deciding[j].intersect(applies, within: context).boxes.first else { continue }
            if ChainOperation.apply(o.operations, to: list) != list { return }  // it changes this chain
            met.append((j, list, box))
        }
        let names: ([Value]) -> String = { list in
            "[" + list.map { v in if case .member(let m) = v { return model.members[Int(m)].name } else { return "\(v)" } }.joined(separator: ", ") + "]"
        }
        guard let first = met.first else {
            diagnostics.error(.overrideNeverApplies, "override `\(o.id)` can never apply: no rule that puts a chain in `\(chain)` decides a case its `when` selects",
                              at: o.location, help: "an override changes the chain a rule gave; widen its `when` to cases such a rule decides, or remove it")
            return
        }
        let reasons = unchanged(o.operations, met.map(\.list), model)
        diagnostics.error(.overrideNoEffect, "override `\(o.id)` can never change `\(chain)`: \(reasons.joined(separator: "; "))",
                          at: o.location,
                          notes: [.init("for example, a case with \(witness(first.box, model)) gets \(names(first.list)) from rule `\(d.rules[first.rule].id)`, and the override leaves it so",
                                        at: d.rules[first.rule].location)],
                          help: "name members that are in those chains (`\(chain)` holds \(names(Array(Set(met.flatMap(\.list))).sorted { memberOrder($0, $1) })) where it applies), or remove the override")
    }

    /// The cases each rule decides: under `first`, those no earlier rule takes; under `priority`,
    /// those no better-ranked rule takes (an unranked rule keeps its own); under `unique`, its own.
    private static func decidingRegions(_ d: CheckedDecision, _ regions: [Region], _ context: AnalysisContext) throws(Unanalysable) -> [Region] {
        guard d.hit == .first || d.hit == .priority else { return regions }
        let order = maskingOrder(d)
        var out = regions
        var untaken = Region.everything
        for j in order {
            out[j] = try regions[j].intersect(untaken, within: context)
            untaken = try untaken.intersect(regions[j].complement(context), within: context)
        }
        return out
    }

    /// Why each operation changes none of `lists` (the chains the override meets).
    private static func unchanged(_ operations: [ChainOperation], _ lists: [[Value]], _ model: CheckedPolicy) -> [String] {
        func name(_ v: Value) -> String { if case .member(let m) = v { return "`\(model.members[Int(m)].name)`" } else { return "`\(v)`" } }
        // The chains as each operation meets them (after the replacements and removals before it).
        var stages = lists.map { ChainOperation.apply(operations.filter { $0.kind == .replace }, to: $0) }
        var out: [String] = []
        for op in operations {
            switch op.kind {
            case .replace:
                out.append(op.member == op.other ? "it replaces \(name(op.member)) with itself"
                           : "\(name(op.member)) is in no chain where it applies")
            case .remove:
                out.append("\(name(op.member)) is in no chain where it applies")
                stages = stages.map { ChainOperation.apply([op], to: $0) }
            case .insertBefore, .insertAfter:
                if stages.allSatisfy({ $0.contains(op.member) }) {
                    out.append("\(name(op.member)) is already in every chain where it applies")
                } else {
                    out.append("\(name(op.other)) is in no chain where it applies without \(name(op.member))")
                }
                stages = stages.map { ChainOperation.apply([op], to: $0) }
            }
        }
        var unique: [String] = []
        for r in out where !unique.contains(r) { unique.append(r) }
        return unique
    }

    private static func memberOrder(_ a: Value, _ b: Value) -> Bool {
        if case .member(let x) = a, case .member(let y) = b { return x < y }
        return false
    }

    /// Why a condition no case meets holds nowhere: the part that never holds, or the first two
    /// parts that cannot hold together; and a help derived from them.
    static func contradiction(_ e: Expr, _ context: AnalysisContext) throws(Unanalysable)
        -> (reason: String, help: String, location: SourceLocation?, other: SpanInfo?) {
        let model = context.model
        let parts = conjuncts(e)
        let regions = try parts.map { p throws(Unanalysable) in try truth(of: p, context).t }
        for (p, r) in zip(parts, regions) where r.isEmpty {
            return ("`\(text(p, model))` never holds", "no case meets `\(text(p, model))`\(bounds(p, model)); correct or remove it", span(p, model)?.location, nil)
        }
        for j in parts.indices {
            for i in 0..<j where try regions[i].intersect(regions[j], within: context).isEmpty {
                let a = text(parts[i], model), b = text(parts[j], model)
                // Both on one dimension (`province == "guangdong"` and `province == "hunan"`): a case
                // has one value, so the author likely meant either.
                let either = try regions[i].union(regions[j], within: context).simplified()
                if either.boxes.count == 1, let box = either.boxes.first, box.count == 1,
                   let (dimension, _) = box.first, regions[i].boxes.allSatisfy({ $0.keys.first == dimension && $0.count == 1 }),
                   regions[j].boxes.allSatisfy({ $0.keys.first == dimension && $0.count == 1 }) {
                    return ("`\(a)` and `\(b)` cannot both hold",
                            "a case has one `\(name(of: dimension, model))`: for either, write `\(describe(box, model))`",
                            span(parts[j], model)?.location, span(parts[i], model))
                }
                return ("`\(a)` and `\(b)` cannot both hold", "no case meets both; correct one of them, or split the override in two",
                        span(parts[j], model)?.location, span(parts[i], model))
            }
        }
        return ("its conditions cannot all hold together", "no case meets every condition of its `when`; correct or remove one", span(e, model)?.location, nil)
    }

    /// ` (`cost` is at least 0)`: a field's declared bounds, where the part reads a bounded field.
    private static func bounds(_ e: Expr, _ model: CheckedPolicy) -> String {
        for r in e.references {
            guard case .field(let i) = r else { continue }
            let c = model.fields[i].constraints
            let type = model.fields[i].type
            let lo = c.minimum.flatMap(integer).map { format($0, type, model) }, hi = c.maximum.flatMap(integer).map { format($0, type, model) }
            switch (lo, hi) {
            case let (l?, h?): return " (`\(model.fields[i].name)` is declared between \(l) and \(h))"
            case let (l?, nil): return " (`\(model.fields[i].name)` is declared at least \(l))"
            case let (nil, h?): return " (`\(model.fields[i].name)` is declared at most \(h))"
            default: continue
            }
        }
        return ""
    }

    /// The parts of a conjunction, through the spans around it.
    static func conjuncts(_ e: Expr) -> [Expr] {
        if case .and(let items) = e.unwrapped { return items.flatMap(conjuncts) }
        return [e]
    }

    /// The written span of an expression, when one marks it.
    static func span(_ e: Expr, _ model: CheckedPolicy) -> SpanInfo? {
        if case .span(let i, _) = e { return model.spans[i] }
        return nil
    }

    /// An expression as written, when a span marks it.
    static func text(_ e: Expr, _ model: CheckedPolicy) -> String {
        if case .span(let i, _) = e { return model.spans[i].text }
        return "\(e)"
    }
}
