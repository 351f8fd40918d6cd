/// The explanation's JSON shape (stable; documented in the README under "JSON shapes").
extension Explanation {
    /// The explanation as one line of JSON (the `explanation` member of a decision's JSON).
    public func json() -> String {
        var w = JSONWriter()
        write(to: &w)
        return w.output
    }

    package func write(to w: inout JSONWriter) {
        unowned(unsafe) let p = compiled  // not retained: `owner` keeps it alive
        w.object { w in
            w.key("policy")
            p.writeIdentity(to: &w)
            if detail == .compact { w.field("detail", "compact") }
            if !p.model.annotations.reading.isEmpty || !p.model.annotations.note.isEmpty {
                Self.writeNotes(p.model.annotations, to: &w)
            }
            w.key("decisions")
            w.array { w in writeDecisions(to: &w) }
            writeClocks(to: &w)
        }
    }

    /// The decisions, written straight from the trace with the policy's constant parts serialised
    /// once (rule ids, source notes, conditions as written): no intermediate structures.
    private func writeDecisions(to w: inout JSONWriter) {
        unowned(unsafe) let p = compiled  // not retained: `owner` keeps it alive
        let events = trace.events
        let f = p.explanationJSON
        var e = 0
        // Per rule of the decision being written: 0 not evaluated, 1 false/unknown, 2 matched; +4 selected.
        var state: [UInt8] = []
        var failure: [Int32] = []
        var overrideEvents: [Int] = []
        let compact = detail == .compact
        f.bytes.withUnsafeBufferPointer { bytes in
            for di in p.model.decisions.indices {
                unowned(unsafe) let d = p.model.decisions[di]
                let ruleCount = d.rules.count, first = f.firstRule[di]
                state.removeAll(keepingCapacity: true)
                state.append(contentsOf: repeatElement(0, count: ruleCount))
                failure.removeAll(keepingCapacity: true)
                failure.append(contentsOf: repeatElement(-1, count: ruleCount))
                overrideEvents.removeAll(keepingCapacity: true)
                scan: while e < events.count {
                    switch events[e] {
                    case let .rule(ed, r, matched, f):
                        guard ed == di else { break scan }
                        state[Int(r)] = matched ? 2 : 1
                        failure[Int(r)] = f
                    case let .selected(ed, r):
                        guard ed == di else { break scan }
                        state[Int(r)] |= 4
                    case let .override(ed, _, _, _, _, _):
                        guard ed == di else { break scan }
                        overrideEvents.append(e)
                    case .clock:
                        break scan
                    }
                    e += 1
                }
                w.object { w in
                    w.members(f.decision[di], in: bytes)
                    w.key(f.key.rules, in: bytes)
                    w.array { w in
                        for ri in 0..<ruleCount where !compact || state[ri] & 4 != 0 {
                            w.object { w in
                                w.members(f.ruleID[first + ri], in: bytes)
                                w.members(f.ruleState[Int(state[ri])], in: bytes)
                                if failure[ri] >= 0 { w.key(f.key.failed, in: bytes); writeFailure(failure[ri], f, bytes, to: &w) }
                                if state[ri] & 2 != 0 {
                                    // What made it match: each condition of its `when`, with the values it read.
                                    let held = p.conditionValues(d.rules[ri].condition.expr, self)
                                    if !held.isEmpty { w.key("held"); writeConditions(held, to: &w) }
                                }
                                w.members(f.ruleSource[first + ri], in: bytes)
                            }
                        }
                    }
                    if !d.overrides.isEmpty {
                        w.key(f.key.overrides, in: bytes)
                        w.array { w in
                            for k in overrideEvents where !compact || Self.applied(events[k]) { writeOverride(events[k], d, f, bytes, to: &w) }
                        }
                    }
                    w.key(f.key.outputs, in: bytes)
                    w.object { w in
                        for (j, slot) in d.outputs.enumerated() where !outputs[slot].isAbsent {
                            w.key(f.outputKey[slot], in: bytes)
                            w.object { w in
                                w.key(f.key.value, in: bytes)
                                p.write(outputs[slot], to: &w)
                                w.key(f.key.rules, in: bytes)
                                w.array { w in
                                    let a = f.assigning[f.firstOutput[di] + j]
                                    for k in Int(a.start)..<Int(a.start + a.count) {
                                        let ri = Int(f.assigningRules[k])
                                        guard state[ri] & 4 != 0 else { continue }
                                        let id = f.ruleID[first + ri]  // `"id":"…"`: the id is what follows `"id":`
                                        w.value(in: bytes, start: id.start + 5, count: id.count - 5)
                                    }
                                }
                                if !overrideEvents.isEmpty { writeAppliedOverrides(overrideEvents, d, slot, f.key.overrides, bytes, to: &w) }
                                // A value the deciding rule computes: the expression, what it read, the working-time steps.
                                let a = f.assigning[f.firstOutput[di] + j]
                                if let ri = (Int(a.start)..<Int(a.start + a.count)).last(where: { state[Int(f.assigningRules[$0])] & 4 != 0 }).map({ Int(f.assigningRules[$0]) }),
                                   let assignment = d.rules[ri].assignments.first(where: { $0.output == slot }),
                                   let computed = p.computedOutput(assignment, self) {
                                    w.key("computed")
                                    writeComputed(computed, to: &w)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Whether an override event is one that applied.
    private static func applied(_ event: Trace.Event) -> Bool {
        if case .override(_, _, .applied, _, _, _) = event { return true }
        return false
    }

    /// The overrides applied to an output (an operation done), as `"overrides":[ids]`; nothing when none was.
    private func writeAppliedOverrides(_ overrideEvents: [Int], _ d: CheckedDecision, _ slot: Int,
                                       _ key: ExplanationFragments.Piece, _ bytes: UnsafeBufferPointer<UInt8>, to w: inout JSONWriter) {
        let applied = overrideEvents.compactMap { k -> String? in
            guard case let .override(_, o, .applied, _, start, count) = trace.events[k], d.overrides[Int(o)].output == slot,
                  trace.operations[Int(start)..<Int(start + count)].contains(.done) else { return nil }
            return d.overrides[Int(o)].id
        }
        if !applied.isEmpty {
            w.key(key, in: bytes)
            w.array { w in for id in applied { w.string(id) } }
        }
    }

    /// `{"op": "insert", "role": "legal_officer", "after": "store_manager", "result": "done"}`.
    private func writeOperation(_ op: ChainOperation, _ result: ChainOperationResult, to w: inout JSONWriter) {
        let e = compiled.operationExplanation(op, result)
        w.object { w in
            switch e.kind {
            case .replace:
                w.field("op", "replace")
                w.field("from", e.member)
                w.field("to", e.other ?? "")
            case .remove:
                w.field("op", "remove")
                w.field("role", e.member)
            case .insertBefore, .insertAfter:
                w.field("op", "insert")
                w.field("role", e.member)
                w.field(e.kind == .insertAfter ? "after" : "before", e.other ?? "")
            }
            w.field("result", e.result.rawValue)
        }
    }

    private func writeOverride(_ event: Trace.Event, _ d: CheckedDecision, _ f: ExplanationFragments, _ bytes: UnsafeBufferPointer<UInt8>,
                               to w: inout JSONWriter) {
        guard case let .override(_, oi, outcome, failure, operationStart, operationCount) = event else { return }
        let o = d.overrides[Int(oi)]
        w.object { w in
            w.field("id", o.id)
            w.field("output", compiled.model.outputs[o.output].name)
            if case .applied = outcome { w.field("applied", true) } else { w.field("applied", false) }
            switch outcome {
            case .applied:
                let results = trace.operations[Int(operationStart)..<Int(operationStart + operationCount)]
                w.key("replaced")
                w.array { w in
                    for (op, r) in zip(o.operations, results) where op.kind == .replace && r == .done {
                        w.object { w in
                            w.field("from", compiled.display(op.member, nil))
                            w.field("to", compiled.display(op.other, nil))
                        }
                    }
                }
                w.key("operations")
                w.array { w in
                    for (op, r) in zip(o.operations, results) { writeOperation(op, r, to: &w) }
                }
            case .conditionFailed:
                w.field("reason", "condition")
                if failure >= 0 { w.key(f.key.failed, in: bytes); writeFailure(failure, f, bytes, to: &w) }
            case .exception(let x):
                let ex = o.exceptions[Int(x)]
                w.field("reason", "exception")
                w.key("exception")
                w.object { w in
                    if let id = ex.id { w.field("id", id) }
                    w.field("condition", compiled.spanText(ex.condition.expr))
                    w.members(serialised: ex.source.jsonMembers)
                }
            case .outputAbsent:
                w.field("reason", "output-absent")
            }
            switch outcome {
            case .applied, .exception:
                // Its scope held: with the values it read, and each exception tried, with its values.
                let scope = compiled.conditionValues(o.condition.expr, self)
                if !scope.isEmpty { w.key("scope"); writeConditions(scope, to: &w) }
                var tried = o.exceptions[...]
                if case .exception(let x) = outcome { tried = o.exceptions.prefix(Int(x) + 1) }
                if !tried.isEmpty {
                    w.key("exceptions")
                    w.array { w in
                        for (k, ex) in tried.enumerated() {
                            w.object { w in
                                if let id = ex.id { w.field("id", id) }
                                var held = false
                                if case .exception(let x) = outcome { held = k == Int(x) }
                                w.field("held", held)
                                w.key("conditions")
                                writeConditions(compiled.conditionValues(ex.condition.expr, self), to: &w)
                            }
                        }
                    }
                }
            case .conditionFailed, .outputAbsent: break
            }
            w.members(serialised: o.source.jsonMembers)
        }
    }

    /// Conditions that held (or exceptions that did not), each `{"condition", "at", "values": {...}}`.
    /// `{"expression":"resolved_at + 7d","values":{"resolved_at":"…"},"calendar":…,"steps":[…]}`.
    private func writeComputed(_ c: ComputedOutput, to w: inout JSONWriter) {
        unowned(unsafe) let p = compiled  // not retained: `owner` keeps it alive
        w.object { w in
            w.field("expression", c.text)
            w.key("values")
            w.object { w in
                for (v, raw) in zip(c.values, c.raw) {
                    w.key(v.name)
                    p.write(raw, to: &w)
                }
            }
            if let calendar = c.calendar {
                w.field("calendar", calendar)
                w.key("steps")
                writeSteps(c.steps, to: &w)
            }
        }
    }

    private func writeConditions(_ conditions: [ConditionValues], to w: inout JSONWriter) {
        unowned(unsafe) let p = compiled  // not retained: `owner` keeps it alive
        w.array { w in
            for c in conditions {
                w.object { w in
                    w.field("condition", c.text)
                    w.field("at", c.location.description)
                    w.key("values")
                    w.object { w in
                        for (v, raw) in zip(c.values, c.raw) {
                            w.key(v.name)
                            p.write(raw, to: &w)
                        }
                    }
                }
            }
        }
    }

    /// A recorded failure: the condition as written, `false` or `unknown`, where, and the values it read
    /// (personal data that is not loggable never shown).
    private func writeFailure(_ index: Int32, _ f: ExplanationFragments, _ bytes: UnsafeBufferPointer<UInt8>, to w: inout JSONWriter) {
        unowned(unsafe) let p = compiled  // not retained: `owner` keeps it alive
        let failure = trace.failures[Int(index)], span = Int(failure.span)
        w.object { w in
            w.members(f.spanCondition[span], in: bytes)
            w.members(failure.unknown ? f.key.resultUnknown : f.key.resultFalse, in: bytes)
            w.members(f.spanAt[span], in: bytes)
            w.key(f.key.values, in: bytes)
            w.object { w in
                p.model.spans[span].references.withUnsafeBufferPointer { references in  // not the whole span: a copy retains its every part
                    for (k, r) in references.enumerated() {
                        switch r {
                        case .field(let i):
                            w.key(f.fieldKey[i], in: bytes)
                            if f.hiddenField[i] { w.string("[personal data, not recorded]"); continue }
                        case .output(let i):
                            w.key(f.outputKey[i], in: bytes)
                        }
                        p.write(trace.values[Int(failure.valueStart) + k], to: &w)
                    }
                }
                if !p.model.spans[span].computed.isEmpty {
                    for (text, value) in p.computedValues(ofSpan: span, self) {
                        w.key(text)
                        p.write(value, to: &w)
                    }
                }
            }
        }
    }

    /// A source note's members: `at`, then `label`, `quote`, `note`, `reading` where given.
    static func write(location: SourceLocation, annotations a: Annotations, to w: inout JSONWriter) {
        w.field("at", location.description)
        if !a.label.isEmpty { writeLocalized("label", a.label, to: &w) }
        if let q = a.quote { w.field("quote", q) }
        if !a.note.isEmpty { writeLocalized("note", a.note, to: &w) }
        if !a.reading.isEmpty { writeLocalized("reading", a.reading, to: &w) }
    }

    private static func writeNotes(_ a: Annotations, to w: inout JSONWriter) {
        if !a.note.isEmpty { writeLocalized("note", a.note, to: &w) }
        if !a.reading.isEmpty { writeLocalized("reading", a.reading, to: &w) }
    }

    private static func writeLocalized(_ key: String, _ l: Localized, to w: inout JSONWriter) {
        w.key(key)
        w.object { w in
            if let en = l.en { w.field("en", en) }
            if let zh = l.zh { w.field("zh", zh) }
        }
    }
}
