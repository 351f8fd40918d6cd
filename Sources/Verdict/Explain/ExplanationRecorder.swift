/// Records an ``Explanation`` while the evaluator runs (only when an explanation is asked for).
struct ExplanationRecorder: DecisionTracer {
    static var recordsEveryRule: Bool { true }
    let policy: CompiledPolicy
    let fields: [Value]
    private var decisions: [DecisionExplanation] = []
    private var selectedRules: [[Int]]
    private var clocks: [ClockExplanation] = []

    init(policy: CompiledPolicy, fields: [Value]) {
        self.policy = policy
        self.fields = fields
        selectedRules = Array(repeating: [], count: policy.model.decisions.count)
        decisions = policy.model.decisions.map { d in
            DecisionExplanation(name: d.name, hit: d.hit, source: d.source, rules: [], overrides: [], outputs: [])
        }
    }

    mutating func rule(_ d: Int, _ r: Int, matched: Bool, state: EvaluationState) {
        let rule = policy.model.decisions[d].rules[r]
        decisions[d].rules.append(RuleExplanation(
            id: rule.id, source: rule.source, matched: matched, selected: false,
            failed: matched ? nil : failure(rule.condition.traced, state)))
    }

    mutating func selected(_ d: Int, _ r: Int) {
        selectedRules[d].append(r)
        if let i = decisions[d].rules.firstIndex(where: { $0.id == policy.model.decisions[d].rules[r].id }) {
            decisions[d].rules[i].selected = true
        }
    }

    mutating func override(_ d: Int, _ o: Int, _ outcome: OverrideOutcome, state: EvaluationState) {
        let ov = policy.model.decisions[d].overrides[o]
        let out: OverrideExplanation.Outcome
        switch outcome {
        case .outputAbsent: out = .outputAbsent
        case .conditionFailed: out = .conditionFailed(failure(ov.condition.traced, state))
        case .exception(let x):
            let ex = ov.exceptions[x]
            out = .exception(id: ex.id, source: SourceNote(ex.annotations, ex.location), condition: spanText(ex.condition.traced))
        case .applied(let pairs):
            out = .applied(replaced: pairs.map { (policy.display($0.0, nil), policy.display($0.1, nil)) })
        }
        decisions[d].overrides.append(OverrideExplanation(id: ov.id, output: policy.model.outputs[ov.output].name,
                                                          source: SourceNote(ov.annotations, ov.location), outcome: out))
    }

    mutating func clock(_ ci: Int, _ result: ClockResult?, state: EvaluationState) {
        let c = policy.model.clocks[ci]
        var steps: [WorkingCalendar.Step]? = []
        if let result { _ = try? c.target.deadline(from: result.start, steps: &steps) }
        var failed = failure(c.condition.traced, state)
        if result == nil, failed == nil {
            failed = ConditionFailure(text: c.startText, location: c.location, unknown: true,
                                      values: c.start.references.map { r in
                                          if case .field(let i) = r { return (policy.model.fields[i].name, nil) }
                                          if case .output(let i) = r { return (policy.model.outputs[i].name, nil) }
                                          return ("", nil)
                                      }, raw: c.start.references.map { _ in .absent })
        }
        clocks.append(ClockExplanation(name: c.name, source: SourceNote(c.annotations, c.location), result: result, failed: failed,
                                       startText: c.startText, target: c.target.text, steps: steps ?? []))
    }

    /// The smallest written sub-condition that explains why `e` is not true: the first failing
    /// conjunct of an `and`, otherwise the whole condition.
    func failure(_ e: Expr, _ state: EvaluationState) -> ConditionFailure? {
        switch e {
        case let .span(id, inner):
            if state.holds(inner) { return nil }
            if case .and(let items) = inner {
                for item in items { if let f = failure(item, state) { return f } }
            }
            let span = policy.model.spans[id]
            let refs = span.references
            let raw = refs.map { r -> Value in
                switch r {
                case .field(let i):
                    let f = policy.model.fields[i]
                    return f.personal && !f.loggable ? .string("[personal data, not recorded]") : state.fields[i]
                case .output(let i): return state.outputs[i]
                }
            }
            return ConditionFailure(
                text: span.text, location: span.location, unknown: state.eval(inner).isAbsent,
                values: zip(refs, raw).map { r, v in
                    switch r {
                    case .field(let i): return (policy.model.fields[i].name, policy.outputValue(v))
                    case .output(let i): return (policy.model.outputs[i].name, policy.outputValue(v))
                    }
                }, raw: raw)
        case .and(let items):
            for item in items { if let f = failure(item, state) { return f } }
            return nil
        default:
            return nil
        }
    }

    private func spanText(_ e: Expr) -> String {
        switch e {
        case .span(let id, _): return policy.model.spans[id].text
        case .and(let items): return items.map(spanText).joined(separator: " and ")
        default: return ""
        }
    }

    func finish(caseID: String, outputs: [Value], clocks results: [ClockResult], now: Timestamp?) -> Explanation {
        var ds = decisions
        for (di, d) in policy.model.decisions.enumerated() {
            ds[di].outputs = d.outputs.map { slot in
                let setters = selectedRules[di].filter { r in d.rules[r].assignments.contains { $0.output == slot } }.map { d.rules[$0].id }
                let changed = ds[di].overrides.filter { $0.output == policy.model.outputs[slot].name && $0.applied }.map(\.id)
                return OutputExplanation(name: policy.model.outputs[slot].name, value: policy.outputValue(outputs[slot]),
                                         rules: setters, overrides: changed, raw: outputs[slot])
            }
        }
        return Explanation(caseID: caseID, policy: policy.identity, decisions: ds, clocks: clocks, now: now, compiled: policy)
    }
}
