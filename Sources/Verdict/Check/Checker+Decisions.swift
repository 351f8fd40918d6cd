/// Checking of decision tables: hit policies, rules, outputs, priorities and overrides.
extension Checker {
    mutating func checkDecision(_ d: DecisionSyntax, index: Int) {
        currentDecision = index
        defer { currentDecision = nil }
        let hit: HitPolicy
        if let h = HitPolicy(rawValue: d.hit.text) {
            hit = h
        } else {
            diagnostics.error(.unknownHitPolicy, "unknown hit policy `\(d.hit.text)`", at: d.hit.location,
                              help: Suggestions.help(for: d.hit.text, in: HitPolicy.allCases.map(\.rawValue), what: "hit policies"))
            hit = .first
        }
        let outputs = d.outputs.compactMap { outputSlots[$0.name.text] }.filter { model.outputs[$0].decision == index }
        if hit == .collect {
            for o in outputs where model.outputs[o].type.element == nil {
                diagnostics.error(.collectNeedsList, "a `collect` decision gathers values into lists, but `\(model.outputs[o].name)` is \(aTypeName(model.outputs[o].type))",
                                  at: model.outputs[o].location, help: "declare it as `list<\(typeName(model.outputs[o].type))>`")
            }
        }

        var rules: [CheckedRule] = []
        for (n, r) in d.rules.enumerated() {
            let condition = condition(r.when)
            var assignments: [Assignment] = []
            var assignmentLocations: [SourceLocation] = []
            for (name, value) in r.then {
                guard let slot = outputSlots[name.text], model.outputs[slot].decision == index else {
                    diagnostics.error(.unknownOutput, "`\(name.text)` is not an output of decision `\(d.name.text)`", at: name.location,
                                      help: Suggestions.help(for: name.text, in: outputs.map { model.outputs[$0].name }, what: "outputs"))
                    continue
                }
                if let e = outputValue(value, for: model.outputs[slot]) {
                    let written = switch value {
                    case .expr(let x): x.text
                    case .list(let items, _): "[" + items.map(\.text).joined(separator: ", ") + "]"
                    }
                    assignments.append(Assignment(output: slot, value: e, text: written))
                    assignmentLocations.append(name.location)
                }
            }
            if r.then.isEmpty {
                diagnostics.warning(.emptyRule, "this rule sets no output", at: r.location)
            }
            let text = "when: " + r.when.map(\.text).joined(separator: " and ") + "; then: " + r.then.map { name, value in
                switch value {
                case .expr(let e): return "\(name.text): \(e.text)"
                case .list(let items, _): return "\(name.text): [\(items.map(\.text).joined(separator: ", "))]"
                }
            }.joined(separator: ", ")
            rules.append(CheckedRule(id: r.id?.text ?? "\(d.name.text)#\(n + 1)", annotations: r.annotations, location: r.location,
                                      condition: condition ?? .always, assignments: assignments, assignmentLocations: assignmentLocations,
                                      text: text))
        }

        var priorityOutput: Int?
        var priorityOrder: [Value] = []
        if let p = d.priority {
            if hit != .priority {
                diagnostics.error(.priorityWithoutPriorityHit, "`priority` is only used with `hit: priority`", at: p.location)
            }
            if let slot = outputSlots[p.output.text], model.outputs[slot].decision == index {
                priorityOutput = slot
                for src in p.order {
                    guard let t = check(src, expected: model.outputs[slot].type) else { continue }
                    guard let v = t.expr.constantValue, t.type == model.outputs[slot].type else {
                        diagnostics.error(.nonConstant, "a priority value must be a constant `\(typeName(model.outputs[slot].type))`", at: src.wholeLocation)
                        continue
                    }
                    if priorityOrder.contains(v) {
                        diagnostics.error(.duplicateMember, "`\(src.text)` is listed twice in the priority order", at: src.wholeLocation)
                    }
                    priorityOrder.append(v)
                }
                for r in rules {
                    for (a, location) in zip(r.assignments, r.assignmentLocations) where a.output == slot {
                        if let v = a.value.constantValue, !priorityOrder.contains(v) {
                            diagnostics.error(.missingPriority, "this rule's value of `\(p.output.text)` is not in the priority order", at: location,
                                              notes: [.init("the order is given here", at: p.location)])
                        }
                    }
                }
            } else {
                diagnostics.error(.unknownOutput, "`\(p.output.text)` is not an output of decision `\(d.name.text)`", at: p.output.location,
                                  help: Suggestions.help(for: p.output.text, in: outputs.map { model.outputs[$0].name }, what: "outputs"))
            }
        } else if hit == .priority {
            diagnostics.error(.missingPriority, "decision `\(d.name.text)` has `hit: priority` but no `priority:` order", at: d.hit.location,
                              help: "add `priority: {output: \(outputs.first.map { model.outputs[$0].name } ?? "name"), order: [...]}`, best first")
        }

        var overrides: [CheckedOverride] = []
        var chains: [Int: Set<Value>?] = [:]
        for o in d.overrides {
            if let c = override(o, decision: d, index: index, rules: rules, chains: &chains) { overrides.append(c) }
        }
        var complete: Condition?
        if let c = d.complete {
            complete = c.text == "true" ? .always : condition([c])
        }
        let deps = Set((edges[index] ?? []).map(\.to))
        model.decisions.append(CheckedDecision(
            name: d.name.text, annotations: d.annotations, location: d.name.location, hit: hit, outputs: outputs,
            rules: rules, overrides: overrides, priorityOutput: priorityOutput, priorityOrder: priorityOrder, dependencies: deps,
            complete: complete))
    }

    /// A rule's value for an output; a list output takes a YAML list, a list expression, or one element.
    private mutating func outputValue(_ value: ValueSyntax, for output: OutputInfo) -> Expr? {
        switch value {
        case .expr(let src):
            guard let t = check(src, expected: output.type) else { return nil }
            if t.type == output.type { return t.expr.folded }
            if let element = output.type.element, t.type == element { return Expr.list([t.expr]).folded }
            diagnostics.error(.typeMismatch, "`\(output.name)` is \(aTypeName(output.type)), but this value is \(aTypeName(t.type))",
                              at: src.wholeLocation)
            return nil
        case let .list(items, location):
            guard let element = output.type.element else {
                diagnostics.error(.typeMismatch, "`\(output.name)` is \(aTypeName(output.type)), not a list", at: location)
                return nil
            }
            var exprs: [Expr] = []
            for src in items {
                guard let t = check(src, expected: element) else { continue }
                guard t.type == element else {
                    diagnostics.error(.typeMismatch, "items of `\(output.name)` are `\(typeName(element))`, but this is \(aTypeName(t.type))", at: src.wholeLocation)
                    continue
                }
                exprs.append(t.expr)
            }
            return exprs.count == items.count ? Expr.list(exprs).folded : nil
        }
    }

    private mutating func override(_ o: OverrideSyntax, decision d: DecisionSyntax, index: Int, rules: [CheckedRule],
                                   chains: inout [Int: Set<Value>?]) -> CheckedOverride? {
        // An override in error is not checked further, but the fields its conditions name are read.
        let conditions = o.when + o.except.flatMap(\.when)
        guard let slot = outputSlots[o.output.text], model.outputs[slot].decision == index else {
            markFieldsRead(conditions)
            let names = d.outputs.map(\.name.text)
            diagnostics.error(.unknownOutput, "`\(o.output.text)` is not an output of decision `\(d.name.text)`", at: o.output.location,
                              help: Suggestions.help(for: o.output.text, in: names, what: "outputs"))
            return nil
        }
        let output = model.outputs[slot]
        guard case .list(.enumeration(let e))? = Optional(output.type) else {
            diagnostics.error(.overrideNeedsChain, "an override changes members of a list, but `\(output.name)` is \(aTypeName(output.type))",
                              at: o.output.location)
            markFieldsRead(conditions)
            return nil
        }
        // Members that may be in the chain when this override runs: those some rule puts there, and
        // those an earlier override of the same chain may add (nil: a rule computes its list, so
        // which members it holds is known only per case).
        let earlier = chains[slot] != nil
        if !earlier {
            var possible = Set<Value>()
            var allKnown = true
            for r in rules {
                for a in r.assignments where a.output == slot {
                    if case .list(let items)? = a.value.constantValue { possible.formUnion(items) } else { allKnown = false }
                }
            }
            chains[slot] = .some(allKnown ? possible : nil)
        }
        let before = chains[slot]!
        var stage = before  // the members that may be in the chain after the operations checked so far
        let origin = earlier ? "no rule of `\(d.name.text)` nor an earlier override" : "no rule of `\(d.name.text)`"
        func member(_ n: Name) -> Value? { literal(n.text, as: .enumeration(e), at: n.location) }
        var done: [Value: String] = [:]  // members this override has replaced or removed, and how
        /// Reports a member the chain can never hold at this point; true when it may hold it.
        func mayHold(_ v: Value, _ n: Name, _ checker: inout Checker) -> Bool {
            guard let s = stage, !s.contains(v) else { return true }
            if let how = done[v] {
                checker.diagnostics.error(.overrideConflict, "override `\(o.id.text)` has already \(how) `\(n.text)`, so it is no longer in `\(output.name)` here",
                                          at: n.location, help: "an override replaces first, then removes, then inserts (see docs/language.md, Overrides)")
            } else {
                let names = s.compactMap { v -> String? in if case .member(let id) = v { return checker.model.members[Int(id)].name } else { return nil } }
                checker.diagnostics.error(.overrideUnusedRole, "\(origin) puts `\(n.text)` in `\(output.name)`, so override `\(o.id.text)` can never apply",
                                          at: n.location, help: Suggestions.help(for: n.text, in: names, what: "members in the chain"))
            }
            return false
        }
        var operations: [ChainOperation] = []
        var replacedBy: [(Value, Value)] = []
        for (from, to) in o.replace {
            guard let f = member(from), let t = member(to), mayHold(f, from, &self) else { continue }
            operations.append(.replace(f, with: t))
            replacedBy.append((f, t))
        }
        if stage != nil {
            for (f, _) in replacedBy { stage!.remove(f) }
            for (f, t) in replacedBy { stage!.insert(t); if f != t, !replacedBy.contains(where: { $0.1 == f }) { done[f] = "replaced" } }
        }
        var removed = Set<Value>()
        for n in o.remove {
            guard let v = member(n) else { continue }
            if !removed.insert(v).inserted {
                diagnostics.error(.overrideConflict, "override `\(o.id.text)` removes `\(n.text)` twice", at: n.location)
                continue
            }
            guard mayHold(v, n, &self) else { continue }
            operations.append(.remove(v))
        }
        for v in removed { stage?.remove(v); done[v] = "removed" }
        var inserted = Set<Value>()
        for i in o.insert {
            guard let m = member(i.member), let a = member(i.anchor) else { continue }
            if m == a {
                diagnostics.error(.overrideConflict, "override `\(o.id.text)` inserts `\(i.member.text)` next to itself", at: i.anchor.location,
                                  help: "name the member it goes \(i.after ? "after" : "before")")
                continue
            }
            if !inserted.insert(m).inserted {
                diagnostics.error(.overrideConflict, "override `\(o.id.text)` inserts `\(i.member.text)` twice", at: i.member.location,
                                  help: "a member is in a chain once; insert it in one place")
                continue
            }
            guard mayHold(a, i.anchor, &self) else { continue }
            operations.append(.insert(m, after: i.after, a))
            stage?.insert(m)
            done[m] = nil
        }
        if let b = before, let s = stage { chains[slot] = .some(b.union(s)) }
        let condition = condition(o.when)
        var exceptions: [CheckedException] = []
        for x in o.except {
            if let c = self.condition(x.when) {
                exceptions.append(CheckedException(id: x.id?.text, annotations: x.annotations, location: x.location, condition: c))
            }
        }
        return CheckedOverride(id: o.id.text, annotations: o.annotations, location: o.location, output: slot,
                                condition: condition ?? .always, exceptions: exceptions, operations: operations)
    }

    // MARK: Dependencies

    /// Reports each cycle of decisions once, at the reference that closes it.
    mutating func checkCycles() {
        var state = [Int](repeating: 0, count: decisionNames.count)  // 0 new, 1 on stack, 2 done
        var stack: [Int] = []
        var reported = Set<Set<Int>>()
        func visit(_ n: Int, _ checker: inout Checker) {
            state[n] = 1
            stack.append(n)
            for (to, at) in checker.edges[n] ?? [] {
                if state[to] == 1 {
                    let cycle = Array(stack[stack.firstIndex(of: to)!...])
                    if reported.insert(Set(cycle)).inserted, cycle.count > 1 {
                        let path = (cycle + [to]).map { checker.decisionNames[$0] }.joined(separator: " → ")
                        checker.diagnostics.error(.decisionCycle, "decisions depend on each other in a cycle: \(path)", at: at,
                                                  notes: cycle.map { .init("decision `\(checker.decisionNames[$0])`", at: checker.decisionLocations[$0]) },
                                                  help: "a decision may read only decisions that do not read it back")
                    }
                } else if state[to] == 0 {
                    visit(to, &checker)
                }
            }
            stack.removeLast()
            state[n] = 2
        }
        for n in decisionNames.indices where state[n] == 0 { visit(n, &self) }
    }
}
