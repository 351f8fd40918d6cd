/// The explanation as text for people, in English or Chinese, using the policy's labels.
extension Explanation {
    private struct Words {
        let policy, effective, decision, hit, matched, notMatched, usedFor, notUsed, failed, unknown, with, source, reading, note
        , override, applied, notApplied, exceptionHeld, outputAbsent, result, none, noRule, replaced, rule, missingInput, notEvaluated
        , because, scope, exceptionNotHeld: String
    }

    private static let en = Words(
        policy: "policy", effective: "effective", decision: "Decision", hit: "hit policy", matched: "matched",
        notMatched: "did not match", usedFor: "decides", notUsed: "matched, but another rule decides", failed: "not true:",
        unknown: "unknown (a value is absent):", with: "with", source: "source", reading: "reading", note: "note",
        override: "override", applied: "applied", notApplied: "not applied", exceptionHeld: "exception holds:",
        outputAbsent: "the list it changes does not apply", result: "result", none: "(absent: no rule applies)",
        noRule: "no rule matched", replaced: "replaced", rule: "rule",
        missingInput: "(absent: the rule that applies does not set it, or reads a field this case does not give)",
        notEvaluated: "not evaluated: an earlier rule decides (first match)",
        because: "because", scope: "in scope:", exceptionNotHeld: "exception does not hold:")
    private static let zh = Words(
        policy: "政策", effective: "生效", decision: "决策", hit: "命中策略", matched: "命中",
        notMatched: "未命中", usedFor: "采用", notUsed: "命中,但由其他规则决定", failed: "条件不成立:",
        unknown: "条件无法判断(缺少数值):", with: "其中", source: "原文", reading: "解读", note: "说明",
        override: "例外规则", applied: "已适用", notApplied: "未适用", exceptionHeld: "例外情形成立:",
        outputAbsent: "所改的名单不适用于本案", result: "结果", none: "(无:没有规则适用)",
        noRule: "没有规则命中", replaced: "替换", rule: "规则",
        missingInput: "(无:适用的规则未设定此项,或所需字段本案未提供)",
        notEvaluated: "未判断:已由前面的规则决定(首条命中)",
        because: "依据", scope: "适用范围成立:", exceptionNotHeld: "例外情形不成立:")

    private static let hitNames: [Language: [HitPolicy: String]] = [
        .en: [.first: "first match", .unique: "unique", .priority: "priority", .collect: "collect"],
        .zh: [.first: "首条命中", .unique: "唯一命中", .priority: "优先级", .collect: "全部收集"],
    ]

    /// The explanation as text for people in `language` (English or Chinese), with the policy's labels:
    /// each decision, its rules and what they matched, overrides, and the result.
    ///
    /// ```
    /// Case Q-1 — policy quality-complaints 2011.06.12 (effective 2011-06-12) sha256:…
    /// Decision 1: Classification tier [tier] — hit policy: priority (tiers.yaml:4:3)
    ///   ✓ tier3-hospitalised: adverse reaction, hospitalised — decides (tiers.yaml:21:7)
    ///   ✗ tier2-malignant: did not match — not true: `problem in malignant_matter` with problem = pig_hair (猪毛)
    ///   → tier = 3 (rule tier3-hospitalised)
    /// ```
    public func text(_ language: Language = .en) -> String {
        let w = language == .zh ? Self.zh : Self.en
        unowned(unsafe) let p = compiled  // not retained: `owner` keeps it alive
        var out = ""
        let caseID = TextEscaping.escaped(self.caseID)
        let title = policy.title.text(language).map { " — \($0)" } ?? ""
        if language == .zh {
            out += "案件 \(caseID) — \(w.policy) \(policy.name) \(policy.version)\(policy.effective.map { "(\(w.effective) \($0))" } ?? "")\(title)\n"
        } else {
            out += "Case \(caseID) — \(w.policy) \(policy.name) \(policy.version)\(policy.effective.map { " (\(w.effective) \($0))" } ?? "")\(title)\n"
        }
        out += "  \(policy.digest)\n"
        if detail == .compact {
            out += language == .zh ? "  (精简:只列出作出决定的规则和已适用的例外规则)\n"
                                   : "  (compact: only the rules that decided and the overrides that applied)\n"
        }
        for r in [p.model.annotations.reading.text(language)].compactMap({ $0 }) { out += "  \(w.reading): \(r)\n" }
        for (n, d) in decisions.enumerated() {
            let label = d.source.label.text(language).map { "\($0) " } ?? ""
            out += "\n\(w.decision) \(n + 1): \(label)[\(d.name)] — \(w.hit): \(Self.hitNames[language]![d.hit]!) (\(d.source.location))\n"
            out += notes(d.source, w, language, indent: "  ")
            for r in d.rules where detail != .compact || r.selected {
                let mark = r.evaluated ? (r.matched ? "✓" : "✗") : "·"
                let status = !r.evaluated ? w.notEvaluated : r.matched ? (r.selected ? w.usedFor : w.notUsed) : w.notMatched
                let rl = r.source.label.text(language).map { ": \($0)" } ?? ""
                out += "  \(mark) \(r.id)\(rl) — \(status) (\(r.source.location))\n"
                if let f = r.failed { out += "      " + failureText(f, w, language) + "\n" }
                for c in r.held { out += "      \(w.because) " + conditionText(c, w, language) + "\n" }
                if r.selected { out += notes(r.source, w, language, indent: "      ") }
            }
            for o in d.overrides where detail != .compact || o.applied {
                let ol = o.source.label.text(language).map { ": \($0)" } ?? ""
                out += "  \(w.override) \(o.id)\(ol) (\(o.source.location))\n"
                switch o.outcome {
                case .applied:
                    let r = Self.operationsText(o.operations, w, language)
                    out += "      \(w.applied)\(r.isEmpty ? "" : " — \(r)")\n"
                    for c in o.scope { out += "        \(w.scope) " + conditionText(c, w, language) + "\n" }
                    for x in o.exceptions {
                        for c in x.conditions { out += "        \(w.exceptionNotHeld) \(x.id.map { "\($0): " } ?? "")" + conditionText(c, w, language) + "\n" }
                    }
                    out += notes(o.source, w, language, indent: "      ")
                case .conditionFailed(let f):
                    out += "      \(w.notApplied)" + (f.map { " — " + failureText($0, w, language) } ?? "") + "\n"
                case let .exception(id, source, condition):
                    let xl = source.label.text(language).map { " (\($0))" } ?? ""
                    out += "      \(w.notApplied) — \(w.exceptionHeld) \(id.map { "\($0): " } ?? "")`\(condition)`\(xl) (\(source.location))\n"
                    for c in o.scope { out += "        \(w.scope) " + conditionText(c, w, language) + "\n" }
                    for c in o.exceptions.last?.conditions ?? [] where !c.values.isEmpty {
                        out += "        \(w.with) " + Self.valuesText(c, compiled, language) + "\n"
                    }
                    out += notes(source, w, language, indent: "      ")
                case .outputAbsent:
                    out += "      \(w.notApplied) — \(w.outputAbsent)\n"
                }
            }
            for o in d.outputs {
                let ol = p.model.outputs.first { $0.name == o.name }?.annotations.label.text(language).map { " (\($0))" } ?? ""
                if o.raw.isAbsent {
                    let anySelected = d.rules.contains { $0.selected }
                    out += "  → \(o.name)\(ol) \(anySelected ? w.missingInput : w.none)\n"
                } else {
                    var why = o.rules.isEmpty ? "" : " (\(w.rule) \(o.rules.joined(separator: ", "))"
                    if !o.overrides.isEmpty { why += (why.isEmpty ? " (" : "; ") + "\(w.override) \(o.overrides.joined(separator: ", "))" }
                    if !why.isEmpty { why += ")" }
                    out += "  → \(o.name)\(ol) = \(p.display(o.raw, language))\(why)\n"
                    if let c = o.computed { out += computedText(c, language) }
                }
            }
        }
        // Case strings are escaped where they are quoted; this escapes what the policy's own text could hold.
        return TextEscaping.escaped(out + clocksText(language), keepingNewlines: true)
    }

    /// What an applied override did to its chain, as the text explanation says it
    /// (`replaced finance_supervisor → bu_finance_head`); used by a failing YAML test to name it.
    static func changeText(of o: OverrideExplanation, _ language: Language) -> String {
        operationsText(o.operations, language == .zh ? zh : en, language)
    }

    /// `replaced finance_supervisor → bu_finance_head; inserted legal_officer after store_manager;
    /// branch_manager not removed: not in the chain`: what each operation did, in the order they apply.
    private static func operationsText(_ operations: [ChainOperationExplanation], _ w: Words, _ language: Language) -> String {
        var parts: [String] = []
        let replaced = operations.filter { $0.kind == .replace && $0.result == .done }
        if !replaced.isEmpty { parts.append("\(w.replaced) " + replaced.map { "\($0.member) → \($0.other ?? "")" }.joined(separator: ", ")) }
        for op in operations where !(op.kind == .replace && op.result == .done) {
            parts.append(operationText(op, language))
        }
        return parts.joined(separator: "; ")
    }

    private static func operationText(_ op: ChainOperationExplanation, _ language: Language) -> String {
        let m = op.member, other = op.other ?? ""
        switch (language, op.kind, op.result) {
        case (.zh, .replace, _): return "\(m) 不在名单中,未替换"
        case (.zh, .remove, .done): return "删除 \(m)"
        case (.zh, .remove, _): return "\(m) 不在名单中,未删除"
        case (.zh, .insertAfter, .done): return "在 \(other) 之后加入 \(m)"
        case (.zh, .insertBefore, .done): return "在 \(other) 之前加入 \(m)"
        case (.zh, _, .alreadyPresent): return "\(m) 已在名单中,未重复加入"
        case (.zh, _, _): return "\(other) 不在名单中,未加入 \(m)"
        case (_, .replace, _): return "\(m) not replaced: not in the chain"
        case (_, .remove, .done): return "removed \(m)"
        case (_, .remove, _): return "\(m) not removed: not in the chain"
        case (_, .insertAfter, .done): return "inserted \(m) after \(other)"
        case (_, .insertBefore, .done): return "inserted \(m) before \(other)"
        case (_, _, .alreadyPresent): return "\(m) not inserted: already in the chain"
        case (_, _, _): return "\(m) not inserted: \(other) is not in the chain"
        }
    }

    /// `` `cost > 1000` with cost = 1,200.00 ``
    private func conditionText(_ c: ConditionValues, _ w: Words, _ language: Language) -> String {
        let values = Self.valuesText(c, compiled, language)
        return "`\(c.text)`" + (values.isEmpty ? "" : " \(w.with) \(values)")
    }

    /// `= resolved_at + 7d, with resolved_at = 2026-03-04T17:00:00+08:00`, then for working time the
    /// steps counted and skipped, as a clock's are shown.
    private func computedText(_ c: ComputedOutput, _ language: Language) -> String {
        let zh = language == .zh
        let values = zip(c.values, c.raw).map { "\($0.name) = \(Self.shown($0.name, $1, compiled, language))" }.joined(separator: ", ")
        var out = "      = \(c.text)" + (values.isEmpty ? "" : (zh ? ",其中 " : ", with ") + values) + "\n"
        if let calendar = c.calendar, !c.steps.isEmpty { out += "      \(zh ? "按工作日历" : "in working calendar") \(calendar):\n" }
        out += stepsText(c.steps, language, indent: "        ")
        return out
    }

    private static func valuesText(_ c: ConditionValues, _ p: CompiledPolicy, _ language: Language) -> String {
        zip(c.values, c.raw).map { "\($0.name) = \(shown($0.name, $1, p, language))" }.joined(separator: ", ")
    }

    /// A value as the text shows it: a known value of a string field with its label (`"henan" (河南)`).
    private static func shown(_ name: String, _ raw: Value, _ p: CompiledPolicy, _ language: Language) -> String {
        let text = p.display(raw, language)
        guard case .string(let s) = raw, let slot = p.fieldSlots[name], let label = p.model.fields[slot].known?.labels[s]?.text(language),
              label != s else { return text }
        return "\(text) (\(label))"
    }

    private func failureText(_ f: ConditionFailure, _ w: Words, _ language: Language) -> String {
        let values = zip(f.values, f.raw).map { "\($0.name) = \(Self.shown($0.name, $1, compiled, language))" }.joined(separator: ", ")
        return "\(f.unknown ? w.unknown : w.failed) `\(f.text)`" + (values.isEmpty ? "" : " \(w.with) \(values)")
    }

    private func notes(_ s: SourceNote, _ w: Words, _ language: Language, indent: String) -> String {
        var out = ""
        if let q = s.quote { out += "\(indent)\(w.source): 「\(q)」\n" }
        if let r = s.reading.text(language) { out += "\(indent)\(w.reading): \(r)\n" }
        if let n = s.note.text(language) { out += "\(indent)\(w.note): \(n)\n" }
        return out
    }
}
