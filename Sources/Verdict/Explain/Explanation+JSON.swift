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
        var e = 0
        // Per rule of the decision being written: 0 not evaluated, 1 false/unknown, 2 matched; +4 selected.
        var state: [UInt8] = []
        var failure: [Int32] = []
        var overrideEvents: [Int] = []
        for (di, d) in p.model.decisions.enumerated() {
            state.removeAll(keepingCapacity: true)
            state.append(contentsOf: repeatElement(0, count: d.rules.count))
            failure.removeAll(keepingCapacity: true)
            failure.append(contentsOf: repeatElement(-1, count: d.rules.count))
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
                w.members(serialised: p.explanationJSON.decisions[di])
                w.key(quoted: Keys.rules)
                w.array { w in
                    for (ri, rule) in d.rules.enumerated() {
                        w.object { w in
                            w.members(serialised: rule.idJSON)
                            w.members(serialised: Keys.ruleState[Int(state[ri])])
                            if failure[ri] >= 0 { w.key(quoted: Keys.failed); writeFailure(failure[ri], to: &w) }
                            w.members(serialised: rule.source.jsonMembers)
                        }
                    }
                }
                if !d.overrides.isEmpty {
                    w.key(quoted: Keys.overrides)
                    w.array { w in for k in overrideEvents { writeOverride(events[k], d, to: &w) } }
                }
                w.key(quoted: Keys.outputs)
                w.object { w in
                    for slot in d.outputs where !outputs[slot].isAbsent {
                        w.key(quoted: p.outputKeyJSON[slot])
                        w.object { w in
                            w.key(quoted: Keys.value)
                            p.write(outputs[slot], to: &w)
                            w.key(quoted: Keys.rules)
                            w.array { w in
                                for (ri, rule) in d.rules.enumerated() where state[ri] & 4 != 0 && rule.assignments.contains(where: { $0.output == slot }) {
                                    w.string(rule.id)
                                }
                            }
                            let applied = overrideEvents.compactMap { k -> String? in
                                guard case let .override(_, o, .applied, _, start, count) = events[k], d.overrides[Int(o)].output == slot,
                                      trace.operations[Int(start)..<Int(start + count)].contains(.done) else { return nil }
                                return d.overrides[Int(o)].id
                            }
                            if !applied.isEmpty {
                                w.key(quoted: Keys.overrides)
                                w.array { w in for id in applied { w.string(id) } }
                            }
                        }
                    }
                }
            }
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

    private func writeOverride(_ event: Trace.Event, _ d: CheckedDecision, to w: inout JSONWriter) {
        guard case let .override(_, oi, outcome, f, operationStart, operationCount) = event else { return }
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
                if f >= 0 { w.key("failed"); writeFailure(f, to: &w) }
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
            w.members(serialised: o.source.jsonMembers)
        }
    }

    /// A recorded failure: the condition as written, `false` or `unknown`, where, and the values it read
    /// (personal data that is not loggable never shown).
    private func writeFailure(_ index: Int32, to w: inout JSONWriter) {
        unowned(unsafe) let p = compiled  // not retained: `owner` keeps it alive
        let f = trace.failures[Int(index)]
        let references = p.model.spans[Int(f.span)].references  // not the whole span: a copy retains its every part
        w.object { w in
            w.members(serialised: p.explanationJSON.spans[Int(f.span)].condition)
            w.members(serialised: f.unknown ? Keys.resultUnknown : Keys.resultFalse)
            w.members(serialised: p.explanationJSON.spans[Int(f.span)].at)
            w.key(quoted: Keys.values)
            w.object { w in
                for (k, r) in references.enumerated() {
                    switch r {
                    case .field(let i):
                        w.key(quoted: p.explanationJSON.fieldKeys[i])
                        if p.model.fields[i].personal, !p.model.fields[i].loggable { w.string("[personal data, not recorded]"); continue }
                    case .output(let i):
                        w.key(quoted: p.outputKeyJSON[i])
                    }
                    p.write(trace.values[Int(f.valueStart) + k], to: &w)
                }
                for (text, value) in p.computedValues(ofSpan: Int(f.span), self) {
                    w.key(text)
                    p.write(value, to: &w)
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

/// Member names and constant members of explanation JSON, serialised once.
private enum Keys {
    static func quoted(_ k: String) -> [UInt8] {
        var b: [UInt8] = []
        JSONWriter.appendQuoted(k, to: &b)
        return b + [58]
    }

    static let rules = quoted("rules"), outputs = quoted("outputs"), value = quoted("value"), overrides = quoted("overrides"),
               values = quoted("values"), failed = quoted("failed")
    static let resultFalse = Array(#""result":"false""#.utf8), resultUnknown = Array(#""result":"unknown""#.utf8)
    /// By rule state (0 not evaluated, 1 not matched, 2 matched; +4 selected).
    static let ruleState: [[UInt8]] = (0..<8).map { state in
        Array(((state & 3 == 0 ? #""evaluated":false,"# : "") + #""matched":\#(state & 3 == 2),"selected":\#(state & 4 != 0)"#).utf8)
    }
}
