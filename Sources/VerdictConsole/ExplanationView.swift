import Verdict

/// A decision and its explanation as HTML: the outputs, then per decision table each rule (the one
/// that decided highlighted, each failed one with its condition and the values compared), each
/// override applied or not and why, each clock with its arithmetic, and the source quotes. It reads
/// the ``Explanation`` the evaluator recorded; it evaluates nothing itself.
public enum ExplanationView {
    /// The outputs table and the explanation of `decision` (which must carry its explanation).
    /// `expanded` writes the working-time steps open (a printed page shows them); `anchor` is added to
    /// the section ids, so that one document can hold several explanations.
    public static func render(_ decision: Decision, outline: PolicyOutline, context c: ConsoleContext, expanded: Bool = false, anchor: String = "",
                              into h: inout HTML) {
        let w = c.words
        // The written condition of every rule, to show next to those that held.
        var conditions: [String: String] = [:]
        for d in outline.decisions { for r in d.rules { conditions[d.name + "\u{0}" + r.id] = r.condition } }
        let types = Dictionary(outline.decisions.flatMap(\.outputs).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func show(_ v: OutputValue?, type: String?) -> String {
            guard let v else { return c.language == .zh ? "(无)" : "(absent)" }
            switch v {
            case .member(let m):
                if let type, let l = outline.label(ofMember: m, in: type)?.text(c.language), l != m { return "\(m) (\(l))" }
                return m
            case .list(let items): return "[" + items.map { show($0, type: type) }.joined(separator: ", ") + "]"
            case .timestamp(let t): return t.rfc3339(in: outline.zone)
            default: return v.description
            }
        }
        h.element("section", [.init("aria-labelledby", "result" + anchor)]) { h in
            h.element("h2", [.init("id", "result" + anchor)], text: w.result + " — " + decision.caseID)
            h.element("p", [.init("class", "muted")]) { h in
                h.text("\(w.policy) \(decision.policy.name) \(decision.policy.version) · ")
                h.element("code", text: decision.policy.digest)
            }
            PoliciesPage.table(caption: w.outputsOfCase, headers: [w.outputName, w.label, w.value], &h) { h in
                for (name, value) in decision.outputs {
                    h.element("tr", [.init("data-output", name)]) { h in
                        h.element("td") { h in h.element("code", text: name) }
                        h.element("td", text: types[name].map { c.text($0.label, or: "") } ?? "")
                        h.element("td", [.init("class", "value")], text: show(value, type: types[name]?.type))
                    }
                }
            }
        }
        guard let e = decision.explanation else { return }
        h.element("section", [.init("aria-labelledby", "explanation" + anchor)]) { h in
            h.element("h2", [.init("id", "explanation" + anchor)], text: w.explanation)
            for (n, d) in e.decisions.enumerated() {
                h.element("section", [.init("class", "decision"), .init("data-decision", d.name)]) { h in
                    h.element("h3", text: "\(w.decision) \(n + 1): " + c.text(d.source.label, or: d.name) + " [\(d.name)]")
                    h.element("p", [.init("class", "muted")]) { h in
                        h.text("\(w.hit): \(d.hit.rawValue) · ")
                        loc(d.source.location, &h)
                    }
                    PoliciesPage.table(caption: "\(w.rule) — \(d.name)", headers: [w.rule, w.label, w.status, w.condition, w.quote, w.location], &h) { h in
                        for r in d.rules {
                            let status = !r.evaluated ? w.notEvaluated : r.matched ? (r.selected ? w.decides : w.matchedNotUsed) : w.notMatched
                            let cls = r.selected ? "decides" : (r.evaluated && !r.matched ? "failed" : nil)
                            h.element("tr", [.init("class", cls), .init("data-rule", r.id)]) { h in
                                h.element("td") { h in h.element("code", text: r.id) }
                                h.element("td", text: r.source.label.text(c.language) ?? "")
                                h.element("td") { h in
                                    if r.selected { h.element("strong", text: status) } else { h.text(status) }
                                }
                                h.element("td") { h in
                                    if let f = r.failed { failure(f, show, c, &h) } else if let text = conditions[d.name + "\u{0}" + r.id] {
                                        h.element("code", [.init("class", "cond")], text: text.isEmpty ? w.always : text)
                                    }
                                }
                                h.element("td") { h in quote(r.source, c, &h) }
                                h.element("td") { h in loc(r.source.location, &h) }
                            }
                        }
                    }
                    for o in d.overrides {
                        h.element("div", [.init("class", "override"), .init("data-override", o.id), .init("data-applied", o.applied ? "true" : "false")]) { h in
                            h.element("h4") { h in
                                h.text("\(w.overrides): ")
                                h.element("code", text: o.id)
                                if let l = o.source.label.text(c.language) { h.text(" — " + l) }
                            }
                            h.element("p") { h in
                                switch o.outcome {
                                case .applied:
                                    h.element("strong", [.init("class", "applied")], text: "✓ " + w.applied)
                                    let ops = o.operations.map { op -> String in
                                        switch (op.kind, op.result) {
                                        case (.replace, .done): return "\(w.replaced) \(op.member) → \(op.other ?? "")"
                                        case (.remove, .done): return "− \(op.member)"
                                        case (.insertAfter, .done), (.insertBefore, .done): return "+ \(op.member) (\(op.kind.rawValue) \(op.other ?? ""))"
                                        default: return "\(op.kind.rawValue) \(op.member): \(op.result.rawValue)"
                                        }
                                    }
                                    if !ops.isEmpty { h.text(" — \(o.output): " + ops.joined(separator: "; ")) }
                                case .conditionFailed(let f):
                                    h.text("✗ \(w.notApplied)")
                                    if let f { h.text(" — "); failure(f, show, c, &h) }
                                case let .exception(id, source, condition):
                                    h.text("✗ \(w.notApplied) — \(w.exceptionHeld) ")
                                    if let id { h.element("code", text: id); h.text(": ") }
                                    h.element("code", [.init("class", "cond")], text: condition)
                                    if let l = source.label.text(c.language) { h.text(" (\(l))") }
                                    h.text(" ")
                                    loc(source.location, &h)
                                case .outputAbsent:
                                    h.text("✗ \(w.notApplied) — \(w.outputAbsent)")
                                }
                                h.text(" ")
                                loc(o.source.location, &h)
                            }
                            quote(o.source, c, &h)
                        }
                    }
                    h.element("ul", [.init("class", "outputs")]) { h in
                        for o in d.outputs {
                            h.element("li") { h in
                                h.element("code", text: o.name)
                                h.text(" = " + show(o.value, type: types[o.name]?.type))
                                var why: [String] = []
                                if !o.rules.isEmpty { why.append("\(w.rule) " + o.rules.joined(separator: ", ")) }
                                if !o.overrides.isEmpty { why.append("\(w.overrides) " + o.overrides.joined(separator: ", ")) }
                                if !why.isEmpty { h.element("span", [.init("class", "muted")], text: " (" + why.joined(separator: "; ") + ")") }
                            }
                        }
                    }
                }
            }
            let clocks = e.clocks
            if !clocks.isEmpty {
                h.element("h3", text: w.clocks)
                for k in clocks {
                    h.element("section", [.init("class", "clock"), .init("data-clock", k.name)]) { h in
                        h.element("h4") { h in
                            h.element("code", text: k.name)
                            if let l = k.source.label.text(c.language) { h.text(" — " + l) }
                            h.text(" ")
                            loc(k.source.location, &h)
                        }
                        quote(k.source, c, &h)
                        guard let r = k.result else {
                            h.element("p") { h in
                                h.text(w.notApplicable)
                                if let f = k.failed { h.text(" — "); failure(f, show, c, &h) }
                                if k.failed == nil, let t = k.targetSource, t.value == nil {
                                    // A per-case target no rule set for this case: the clock did not start.
                                    h.text(c.language == .zh ? " — 决策 `\(t.decision)` 没有规则为本案设定时限 `\(t.output)`,时限未启动"
                                                             : " — no rule of decision `\(t.decision)` set its target `\(t.output)` for this case, so the clock did not start")
                                }
                            }
                            return
                        }
                        h.element("dl", [.init("class", "facts")]) { h in
                            func fact(_ key: String, _ v: String) { h.element("dt", text: key); h.element("dd", text: v) }
                            fact(w.start, "\(k.startText) = \(r.start.rfc3339(in: outline.zone))")
                            // A per-case target names the output, its value and the rule that set it.
                            let setBy = k.targetSource.flatMap { Explanation.sourceText($0, nil, c.language) }.map { " (\($0))" } ?? ""
                            fact(w.target, (k.target.text(c.language) ?? "") + setBy + (r.calendar.map { " · \(w.calendar) \($0)" } ?? ""))
                            fact(w.computedDue, r.computedDue.rfc3339(in: outline.zone))
                            if let a = r.agreed { fact(w.agreed, a.rfc3339(in: outline.zone)) }
                            fact(w.due, r.due.rfc3339(in: outline.zone))
                            if let a = r.atRisk { fact(w.atRisk, a.rfc3339(in: outline.zone)) }
                            if let s = r.stoppedAt { fact(w.stoppedAt, s.rfc3339(in: outline.zone)) }
                            if let s = r.status { fact(w.status, s.rawValue) }
                            if let d = r.remaining { fact(w.remaining, d.description) }
                            if let d = r.overdue { fact(w.overdue, d.description) }
                        }
                        if !k.steps.isEmpty {
                            h.element("details", [.init("open", expanded ? "" : nil)]) { h in
                                h.element("summary", text: w.steps)
                                h.element("ol") { h in
                                    for s in k.steps {
                                        switch s {
                                        case let .worked(from, to, day):
                                            h.element("li", text: "\(from.rfc3339(in: outline.zone)) → \(to.rfc3339(in: outline.zone).dropFirst(11)) (\(dayKind(day, c.language)))")
                                        case let .skipped(date, day):
                                            h.element("li", text: "\(date) — \(dayKind(day, c.language))")
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static func dayKind(_ k: WorkingCalendar.DayKind, _ language: Language) -> String {
        switch k {
        case .weekend: return language == .zh ? "周末" : "weekend"
        case .holiday(let l): return (language == .zh ? "节假日" : "holiday") + (l.text(language).map { " \($0)" } ?? "")
        case .adjustedWorking(let l): return (language == .zh ? "调休上班" : "adjusted working day") + (l.text(language).map { " \($0)" } ?? "")
        case .working: return language == .zh ? "工作日" : "working day"
        }
    }

    static func failure(_ f: ConditionFailure, _ show: (OutputValue?, String?) -> String, _ c: ConsoleContext, _ h: inout HTML) {
        h.text((f.unknown ? c.words.unknown : c.words.notTrue) + " ")
        h.element("code", [.init("class", "cond")], text: f.text)
        if !f.values.isEmpty {
            h.text(" — \(c.words.comparedValues): ")
            h.element("code", text: f.values.map { "\($0.name) = \(show($0.value, nil))" }.joined(separator: ", "))
        }
    }

    static func quote(_ s: SourceNote, _ c: ConsoleContext, _ h: inout HTML) {
        if let q = s.quote { h.element("div") { h in h.element("span", [.init("class", "quote"), .init("lang", "zh-Hans")], text: q) } }
        if let r = s.reading.text(c.language) { h.element("div", [.init("class", "muted")], text: c.words.reading + ": " + r) }
        // A rule with no quote (an amendment, a rule of the policy's own) says so in its note.
        if let n = s.note.text(c.language) { h.element("div", [.init("class", "muted")], text: c.words.note + ": " + n) }
    }

    static func loc(_ l: SourceLocation, _ h: inout HTML) { PoliciesPage.location(l, &h) }
}
