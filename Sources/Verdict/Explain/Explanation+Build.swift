/// Building an ``Explanation``'s structures from its ``Trace``, when someone reads them.
extension CompiledPolicy {
    func decisionExplanations(_ e: Explanation) -> [DecisionExplanation] {
        var out = model.decisions.map { d in
            DecisionExplanation(name: d.name, hit: d.hit, source: d.source,
                                rules: d.rules.map { RuleExplanation(id: $0.id, source: $0.source, evaluated: false, matched: false, selected: false, failed: nil) },
                                overrides: [], outputs: [])
        }
        var selected = [[Int]](repeating: [], count: model.decisions.count)
        for event in e.trace.events {
            switch event {
            case let .rule(d, r, matched, failure):
                out[Int(d)].rules[Int(r)].evaluated = true
                out[Int(d)].rules[Int(r)].matched = matched
                out[Int(d)].rules[Int(r)].failed = conditionFailure(failure, e)
                if matched { out[Int(d)].rules[Int(r)].held = conditionValues(model.decisions[Int(d)].rules[Int(r)].condition.expr, e) }
            case let .selected(d, r):
                out[Int(d)].rules[Int(r)].selected = true
                selected[Int(d)].append(Int(r))
            case let .override(d, o, outcome, failure, operationStart, operationCount):
                let ov = model.decisions[Int(d)].overrides[Int(o)]
                let operations = (0..<Int(operationCount)).map { k in
                    operationExplanation(ov.operations[k], e.trace.operations[Int(operationStart) + k])
                }
                let result: OverrideExplanation.Outcome
                switch outcome {
                case .outputAbsent: result = .outputAbsent
                case .conditionFailed: result = .conditionFailed(conditionFailure(failure, e))
                case .exception(let x):
                    let ex = ov.exceptions[Int(x)]
                    result = .exception(id: ex.id, source: ex.source, condition: spanText(ex.condition.expr))
                case .applied:
                    result = .applied(replaced: operations.filter { $0.kind == .replace && $0.result == .done }.map { ($0.member, $0.other ?? "") })
                }
                var explained = OverrideExplanation(id: ov.id, output: model.outputs[ov.output].name, source: ov.source,
                                                    outcome: result, operations: operations)
                switch outcome {
                case .applied, .exception:
                    explained.scope = conditionValues(ov.condition.expr, e)
                    explained.exceptions = exceptionsTried(ov, outcome, e)
                case .conditionFailed, .outputAbsent: break
                }
                out[Int(d)].overrides.append(explained)
            case .clock:
                break
            }
        }
        for (di, d) in model.decisions.enumerated() {
            out[di].outputs = d.outputs.map { slot in
                let name = model.outputs[slot].name
                let setters = selected[di].filter { r in d.rules[r].assignments.contains { $0.output == slot } }.map { d.rules[$0].id }
                let changed = out[di].overrides.filter { $0.output == name && $0.operations.contains { $0.result == .done } }.map(\.id)
                let setter = selected[di].last { r in d.rules[r].assignments.contains { $0.output == slot } }
                let computed = setter.flatMap { r in d.rules[r].assignments.first { $0.output == slot } }.flatMap { computedOutput($0, e) }
                return OutputExplanation(name: name, value: outputValue(e.outputs[slot]), rules: setters, overrides: changed,
                                         computed: e.outputs[slot].isAbsent ? nil : computed, raw: e.outputs[slot])
            }
        }
        return out
    }

    func operationExplanation(_ op: ChainOperation, _ result: ChainOperationResult) -> ChainOperationExplanation {
        let kind: ChainOperationExplanation.Kind = switch op.kind {
        case .replace: .replace
        case .remove: .remove
        case .insertBefore: .insertBefore
        case .insertAfter: .insertAfter
        }
        let r: ChainOperationExplanation.Result = switch result {
        case .done: .done
        case .notFound: .notFound
        case .alreadyPresent: .alreadyPresent
        }
        return ChainOperationExplanation(kind: kind, member: display(op.member, nil), other: op.kind == .remove ? nil : display(op.other, nil), result: r)
    }

    func clockExplanations(_ e: Explanation) -> [ClockExplanation] {
        var out: [ClockExplanation] = []
        for case let .clock(ci, resultIndex, failure) in e.trace.events {
            let c = model.clocks[Int(ci)]
            let result = resultIndex >= 0 ? e.clockResults[Int(resultIndex)] : nil
            var steps: [WorkingCalendar.Step]? = []
            if let result { _ = try? c.target.deadline(from: result.start, outputs: e.outputs, steps: &steps) }
            var failed = conditionFailure(failure, e)
            let targetFrom = c.target.perCase.map { self.targetSource($0, e) }
            let atRiskFrom = c.atRisk?.perCase.map { self.targetSource($0, e) }
            // The condition held and the start is there, but no rule set the per-case target: not started.
            var startAbsent = false
            for r in c.start.references {
                switch r {
                case .field(let i): if e.fields[i].isAbsent { startAbsent = true }
                case .output(let i): if e.outputs[i].isAbsent { startAbsent = true }
                }
            }
            let targetUnset = targetFrom != nil && targetFrom?.value == nil && !startAbsent
            if result == nil, failed == nil, !targetUnset {
                // The condition held (or there is none), but the start is absent.
                let refs = c.start.references
                failed = ConditionFailure(text: c.startText, location: c.location, unknown: true,
                                          values: refs.map { (referenceName($0), nil) }, raw: refs.map { _ in .absent })
            }
            out.append(ClockExplanation(name: c.name, source: c.source, result: result, failed: failed,
                                        startText: c.startText, target: c.target.text, steps: steps ?? [], index: Int(ci),
                                        targetSource: targetFrom, atRiskSource: atRiskFrom))
        }
        return out
    }

    /// The output a per-case target reads, its value, and the rules of its decision that set it in
    /// this case (from the trace's selected rules: no decision is rebuilt).
    private func targetSource(_ p: ClockTarget.PerCase, _ e: Explanation) -> ClockTargetSource {
        let d = model.decisions[p.decision]
        var rules: [Int] = []
        for case let .selected(di, r) in e.trace.events where Int(di) == p.decision
            && d.rules[Int(r)].assignments.contains(where: { $0.output == p.output }) {
            rules.append(Int(r))
        }
        return ClockTargetSource(output: p.name, value: outputValue(e.outputs[p.output]), decision: d.name,
                                 rules: rules.map { d.rules[$0].id }, location: rules.first.map { d.rules[$0].location })
    }

    /// An assignment that computes its value: what it read and, for working time added to a field or
    /// an output, the steps (computed again here, as a clock's are, from the values the case had).
    func computedOutput(_ a: Assignment, _ e: Explanation) -> ComputedOutput? {
        guard a.value.constantValue == nil else { return nil }
        func read(_ r: Expr.Reference) -> Value {
            switch r {
            case .field(let i):
                if model.fields[i].personal, !model.fields[i].loggable { return .string("[personal data, not recorded]") }
                return e.fields[i]
            case .output(let i): return e.outputs[i]
            }
        }
        func slotValue(_ x: Expr) -> Value? {
            switch x.unwrapped {
            case .field(let i): return read(.field(i))
            case .output(let i): return read(.output(i))
            case .constant(let v): return v
            default: return x.constantValue
            }
        }
        let refs = a.value.references
        let raw = refs.map(read)
        var calendar: String?
        var steps: [WorkingCalendar.Step]? = []
        switch a.value.unwrapped {
        case let .workingTime(cal, start, amount):
            calendar = cal.name
            if case .time(let t)? = slotValue(start), let amount = slotValue(amount) {
                let ms: Int64? = switch amount {
                case .duration(let d): d
                case .int(let h): h.multipliedReportingOverflow(by: 3_600_000).overflow ? nil : h * 3_600_000
                default: nil
                }
                if let ms, ms >= 0 { _ = try? cal.addWorkingTime(ClockDuration(milliseconds: ms), to: Timestamp(millisecondsSinceEpoch: t), steps: &steps) }
            }
        case let .workingDays(cal, start, amount):
            calendar = cal.name
            if case .time(let t)? = slotValue(start), case .int(let n)? = slotValue(amount), n >= 0, n <= Int64(Int32.max) {
                _ = try? cal.addWorkingDays(Int(n), to: Timestamp(millisecondsSinceEpoch: t), steps: &steps)
            }
        default:
            break
        }
        return ComputedOutput(text: a.text, values: zip(refs, raw).map { (referenceName($0), outputValue($1)) }, calendar: calendar,
                              steps: steps ?? [], raw: raw)
    }

    private func referenceName(_ r: Expr.Reference) -> String {
        switch r {
        case .field(let i): return model.fields[i].name
        case .output(let i): return model.outputs[i].name
        }
    }

    /// A recorded failure as its public form; personal data that is not loggable is never shown.
    private func conditionFailure(_ index: Int32, _ e: Explanation) -> ConditionFailure? {
        guard index >= 0 else { return nil }
        let f = e.trace.failures[Int(index)]
        let span = model.spans[Int(f.span)]
        let raw = span.references.enumerated().map { k, r -> Value in
            if case .field(let i) = r, model.fields[i].personal, !model.fields[i].loggable { return .string("[personal data, not recorded]") }
            return e.trace.values[Int(f.valueStart) + k]
        }
        let computed = computedValues(ofSpan: Int(f.span), e)
        return ConditionFailure(text: span.text, location: span.location, unknown: f.unknown,
                                values: zip(span.references, raw).map { (referenceName($0), outputValue($1)) } + computed.map { ($0.text, outputValue($0.value)) },
                                raw: raw + computed.map(\.value))
    }

    /// The written conditions of an expression that held (its span, or each conjunct's), each with
    /// the values it read in this case: a condition reads only fields and the outputs of earlier
    /// decisions, final when it ran, so these are the values it compared.
    func conditionValues(_ expr: Expr, _ e: Explanation) -> [ConditionValues] {
        spans(of: expr).map { id in
            let span = model.spans[id]
            let raw = span.references.map { r -> Value in
                switch r {
                case .field(let i):
                    if model.fields[i].personal, !model.fields[i].loggable { return .string("[personal data, not recorded]") }
                    return e.fields[i]
                case .output(let i): return e.outputs[i]
                }
            }
            let computed = computedValues(ofSpan: id, e)
            return ConditionValues(text: span.text, location: span.location,
                                   values: zip(span.references, raw).map { (referenceName($0), outputValue($1)) } + computed.map { ($0.text, outputValue($0.value)) },
                                   raw: raw + computed.map(\.value))
        }
    }

    /// The spans of a condition: its own, or its conjuncts'.
    func spans(of expr: Expr) -> [Int] {
        switch expr {
        case .span(let id, _): return [id]
        case .and(let items): return items.flatMap(spans(of:))
        default: return []
        }
    }

    /// An override's exceptions as they were tried: all of them when it applied (none held), up to and
    /// including the one that held otherwise.
    private func exceptionsTried(_ ov: CheckedOverride, _ outcome: OverrideOutcome, _ e: Explanation) -> [ExceptionExplanation] {
        var heldIndex: Int?
        if case .exception(let x) = outcome { heldIndex = Int(x) }
        let tried = heldIndex.map { ov.exceptions.prefix($0 + 1) } ?? ov.exceptions[...]
        return tried.enumerated().map { k, ex in
            ExceptionExplanation(id: ex.id, source: ex.source, held: k == heldIndex, conditions: conditionValues(ex.condition.expr, e))
        }
    }

    /// The written text of a condition: its span, or its conjuncts joined with `and`.
    func spanText(_ e: Expr) -> String {
        switch e {
        case .span(let id, _): return model.spans[id].text
        case .and(let items): return items.map(spanText).joined(separator: " and ")
        default: return ""
        }
    }
}
