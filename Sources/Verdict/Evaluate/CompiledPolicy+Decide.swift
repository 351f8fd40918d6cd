/// Deciding cases: the public entry points and the evaluation loop.
extension CompiledPolicy {
    /// Decides a case given as JSON (an object whose members are the policy's fields).
    ///
    /// - Parameter explain: also record an ``Explanation`` (slower; off by default).
    /// - Throws: ``CaseError`` listing every problem with the case, or a rule conflict under `unique`.
    /// - Complexity: one pass over the rules of each decision; no allocation beyond the output slots
    ///   and the decision when `explain` is false.
    /// - Parameter now: the instant SLA clocks are judged at (pending, at risk, breached, met); without
    ///   it clocks report their deadlines but no status, so a decision depends only on the case.
    public func decide(json bytes: [UInt8], explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        try decide(prepare(json: bytes), explain: explain, now: now)
    }

    /// Decides a case already parsed as a ``JSONValue``.
    public func decide(json: JSONValue, explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        var decoder = CaseDecoder(policy: self)
        let id = decoder.caseID(json)
        guard let slots = decoder.decode(json: json) else { throw CaseError(caseID: id, problems: decoder.problems) }
        return try decide(slots: slots, explain: explain, now: now)
    }

    /// Decides a case given as typed values by field name.
    ///
    /// ```swift
    /// try policy.decide(["id": .string("Q-1"), "cost": .money(Money(minorUnits: 30000)), ...])
    /// ```
    public func decide(_ values: [String: CaseValue], explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        var decoder = CaseDecoder(policy: self)
        guard let slots = decoder.decode(values: values) else {
            var id: String?
            if case .string(let s)? = values["id"] { id = s }
            throw CaseError(caseID: id, problems: decoder.problems)
        }
        return try decide(slots: slots, explain: explain, now: now)
    }

    func decide(slots: [Value], explain: Bool, now: Timestamp?, owner: (AnyObject & Sendable)? = nil) throws(CaseError) -> Decision {
        let id: String
        if case .string(let s) = slots[idSlot] { id = s } else { id = "" }
        if explain {
            var recorder = ExplanationRecorder(policy: self, fields: slots)
            let (outputs, clocks) = try run(slots, caseID: id, now: now, tracer: &recorder)
            return Decision(caseID: id, explanation: recorder.finish(caseID: id, outputs: outputs, clocks: clocks, now: now),
                            values: outputs, clocks: clocks, now: now, compiled: self)
        }
        let (outputs, clocks) = try runFast(slots, caseID: id, now: now)
        return Decision(caseID: id, explanation: nil, values: outputs, clocks: clocks, now: now, compiled: self, owner: owner)
    }

    /// Two rules of a `unique` table matched one case (the checker proves this cannot happen where it can analyse).
    func conflict(_ d: CompiledDecision, _ a: CompiledRule, _ b: CompiledRule, _ caseID: String) -> CaseError {
        CaseError(caseID: caseID, problems: [.init(
            field: nil, code: "rule-conflict",
            message: "rules `\(a.id)` and `\(b.id)` of decision `\(d.name)` both match, but its hit policy is `unique`",
            help: "fix the policy so at most one rule matches (\(b.location))")])
    }

    func failed(_ f: WorkingCalendar.YearNotCovered, _ caseID: String, _ where_: String) -> CaseError {
        CaseError(caseID: caseID, problems: [.init(field: nil, code: "calendar-year", message: "\(f) (needed by \(where_))")])
    }

    /// The evaluation loop, generic over the tracer so the untraced path compiles to no tracing at all.
    func run<T: DecisionTracer>(_ fields: [Value], caseID: String, now: Timestamp?, tracer: inout T) throws(CaseError) -> ([Value], [ClockResult]) {
        var state = EvaluationState(fields: fields, outputs: [Value](repeating: .absent, count: model.outputs.count))
        for di in model.decisions.indices {
            let d = model.decisions[di]
            var chosen = -1
            var chosenRank = Int.max
            for ri in d.rules.indices {
                if chosen >= 0, d.hit == .first, !T.recordsEveryRule { break }
                let rule = d.rules[ri]
                let outcome = state.eval(rule.condition.fast)
                if case .failure(let f) = outcome { throw failed(f, caseID, "rule `\(rule.id)`") }
                let matched = outcome == .bool(true)
                tracer.rule(di, ri, matched: matched, state: state)
                guard matched else { continue }
                switch d.hit {
                case .first:
                    if chosen < 0 { chosen = ri }
                case .unique:
                    if chosen >= 0 { throw conflict(d, d.rules[chosen], rule, caseID) }
                    chosen = ri
                case .priority:
                    let rank = priorityRank(rule, d, state)
                    if rank < chosenRank { chosen = ri; chosenRank = rank }
                case .collect:
                    for a in rule.assignments {
                        let v = state.eval(a.value)
                        if case .failure(let f) = v { throw failed(f, caseID, "rule `\(rule.id)`") }
                        state.outputs[a.output] = Self.gather(state.outputs[a.output], v)
                    }
                    tracer.selected(di, ri)
                }
            }
            if chosen >= 0, d.hit != .collect {
                for a in d.rules[chosen].assignments {
                    let v = state.eval(a.value)
                    if case .failure(let f) = v { throw failed(f, caseID, "rule `\(d.rules[chosen].id)`") }
                    state.outputs[a.output] = v
                }
                tracer.selected(di, chosen)
            }
            for oi in d.overrides.indices { applyOverride(d.overrides[oi], di, oi, &state, &tracer) }
        }
        let clocks = try runClocks(&state, caseID: caseID, now: now, tracer: &tracer)
        return (state.outputs, clocks)
    }

    /// SLA clocks, after every decision: deadlines into their outputs, statuses judged at `now`.
    func runClocks<T: DecisionTracer>(_ state: inout EvaluationState, caseID: String, now: Timestamp?, tracer: inout T) throws(CaseError) -> [ClockResult] {
        if model.clocks.isEmpty { return [] }
        var clocks: [ClockResult] = []
        clocks.reserveCapacity(model.clocks.count)
        for ci in model.clocks.indices {
            let c = model.clocks[ci]
            let applies = state.eval(c.condition.fast)
            if case .failure(let f) = applies { throw failed(f, caseID, "clock `\(c.name)`") }
            guard applies == .bool(true), case .time(let s) = state.eval(c.start) else {
                tracer.clock(ci, nil, state: state)
                continue
            }
            let start = Timestamp(millisecondsSinceEpoch: s)
            var none: [WorkingCalendar.Step]? = nil
            do {
                let computed = try c.target.deadline(from: start, steps: &none)
                let risk = try c.atRisk?.deadline(from: start, steps: &none)
                var agreed: Timestamp?
                if let a = c.agreed, case .time(let t) = state.fields[a] { agreed = Timestamp(millisecondsSinceEpoch: t) }
                var stopped: Timestamp?
                if let st = c.stop, case .time(let t) = state.fields[st] { stopped = Timestamp(millisecondsSinceEpoch: t) }
                let due = agreed ?? computed
                if let o = c.dueOutput { state.outputs[o] = .time(due.millisecondsSinceEpoch) }
                if let o = c.atRiskOutput, let risk { state.outputs[o] = .time(risk.millisecondsSinceEpoch) }
                var result = ClockResult(name: c.name, index: ci, start: start, computedDue: computed, agreed: agreed, due: due,
                                         atRisk: agreed == nil ? risk : nil, stoppedAt: stopped, calendar: c.target.calendar?.name)
                if let now {
                    if let cal = c.target.calendar {
                        try withUnsafePointer(to: cal) { (p) throws(WorkingCalendar.YearNotCovered) in try result.judge(at: now, in: p) }
                    } else {
                        try result.judge(at: now, in: nil)
                    }
                }
                clocks.append(result)
                tracer.clock(ci, result, state: state)
            } catch {
                throw failed(error, caseID, "clock `\(c.name)`")
            }
        }
        return clocks
    }

    /// Position of the rule's priority value in the declared order (lower wins).
    private func priorityRank(_ rule: CompiledRule, _ d: CompiledDecision, _ state: EvaluationState) -> Int {
        guard let slot = d.priorityOutput, let a = rule.assignments.first(where: { $0.output == slot }) else { return Int.max - 1 }
        return d.priorityOrder.firstIndex(of: state.eval(a.value)) ?? Int.max - 1
    }

    /// Appends to a collected list without repeating a value already in it.
    static func gather(_ current: Value, _ new: Value) -> Value {
        if current.isAbsent, case .list = new { return new }
        var items: [Value]
        if case .list(let existing) = current { items = existing } else { items = [] }
        let added: [Value]
        switch new {
        case .absent: return current.isAbsent ? .list(items) : current
        case .list(let l): added = l
        default: added = [new]
        }
        for v in added where !items.contains(v) { items.append(v) }
        return .list(items)
    }

    private func applyOverride<T: DecisionTracer>(_ o: CompiledOverride, _ di: Int, _ oi: Int, _ state: inout EvaluationState, _ tracer: inout T) {
        guard case .list(var items) = state.outputs[o.output] else {
            tracer.override(di, oi, .outputAbsent, state: state)
            return
        }
        guard state.holds(o.condition.fast) else {
            // False or unknown (an absent value): the chain stays as it is; the explanation shows the condition.
            tracer.override(di, oi, .conditionFailed, state: state)
            return
        }
        for (xi, x) in o.exceptions.enumerated() where state.holds(x.condition.fast) {
            tracer.override(di, oi, .exception(xi), state: state)
            return
        }
        var replaced: [(Value, Value)] = []
        for i in items.indices {
            if let r = o.replacements.first(where: { $0.from == items[i] }) {
                replaced.append((items[i], r.to))
                items[i] = r.to
            }
        }
        state.outputs[o.output] = .list(items)
        tracer.override(di, oi, .applied(replaced), state: state)
    }
}

/// What happened to an override.
enum OverrideOutcome {
    case outputAbsent
    case conditionFailed
    case exception(Int)
    case applied([(Value, Value)])
}

/// Hooks the evaluation loop calls; the untraced path uses ``NoTrace``, whose hooks compile away.
protocol DecisionTracer {
    /// Whether rules after a `first` hit's winner are still evaluated (to show whether they matched).
    static var recordsEveryRule: Bool { get }
    mutating func rule(_ decision: Int, _ rule: Int, matched: Bool, state: EvaluationState)
    mutating func selected(_ decision: Int, _ rule: Int)
    mutating func override(_ decision: Int, _ override: Int, _ outcome: OverrideOutcome, state: EvaluationState)
    /// A clock's result, or nil when it does not apply (its condition or start is missing).
    mutating func clock(_ clock: Int, _ result: ClockResult?, state: EvaluationState)
}

struct NoTrace: DecisionTracer {
    static var recordsEveryRule: Bool { false }
    @inline(__always) mutating func rule(_ decision: Int, _ rule: Int, matched: Bool, state: EvaluationState) {}
    @inline(__always) mutating func selected(_ decision: Int, _ rule: Int) {}
    @inline(__always) mutating func override(_ decision: Int, _ override: Int, _ outcome: OverrideOutcome, state: EvaluationState) {}
    @inline(__always) mutating func clock(_ clock: Int, _ result: ClockResult?, state: EvaluationState) {}
}
