/// "Why not?" answers as text for people, in English or Chinese, using the policy's labels.
extension WhyNot {
    /// The answers as text for people in `language` (English or Chinese), with the policy's labels:
    /// the value the output has in this case, and what would give the value asked about.
    ///
    /// ```
    /// Why not approver = branch_manager (branch manager)?
    ///   approver (approves) is head_office (head office) in this case.
    ///   It would be branch_manager (branch manager) if
    ///     handling cost incl. compensation (yuan) [cost] ≤ 300.00 (it is 1,200.00)
    /// ```
    public func text(_ language: Language = .en) -> String {
        let caseID = TextEscaping.escaped(self.caseID)
        var out = language == .zh
            ? "案件 \(caseID) — 政策 \(policy.name) \(policy.version)\(policy.effective.map { "(生效 \($0))" } ?? "")\n"
            : "Case \(caseID) — policy \(policy.name) \(policy.version)\(policy.effective.map { " (effective \($0))" } ?? "")\n"
        for a in answers { out += "\n" + a.text(language) }
        return TextEscaping.escaped(out, keepingNewlines: true)
    }
}

extension WhyNotAnswer {
    /// The answer as text in `language`, as ``WhyNot/text(_:)`` writes each.
    public func text(_ language: Language = .en) -> String {
        let zh = language == .zh
        let p = compiled
        guard outputSlot >= 0 else {
            if case .impossible(.unknownOutput(let s)) = outcome {
                return (zh ? "政策中没有输出项 `\(output)`" : "The policy has no output `\(output)`") + (s.map { zh ? "(是否为 `\($0)`?)" : " (did you mean `\($0)`?)" } ?? "") + "\n"
            }
            return ""
        }
        let info = p.model.outputs[outputSlot]
        let label = info.annotations.label.text(language).flatMap { $0 == info.name ? nil : $0 }
        let named = label.map { zh ? "\($0) [\(info.name)]" : "\(info.name) (\($0))" } ?? info.name
        let wanted: String
        let would: String
        switch rawTarget {
        case .equals(let v):
            let shown = v.isAbsent ? question.kind.asked?.description ?? "" : p.display(v, language)
            wanted = zh ? "为什么 \(info.name) 不是 \(shown)?" : "Why not \(info.name) = \(shown)?"
            would = zh ? "则为 \(shown)" : "It would be \(shown) if"
        case .contains(let v):
            let shown = v.isAbsent ? question.kind.asked?.description ?? "" : p.display(v, language)
            wanted = zh ? "为什么 \(info.name) 不包含 \(shown)?" : "Why does \(info.name) not contain \(shown)?"
            would = zh ? "则会包含 \(shown)" : "It would contain \(shown) if"
        case .present:
            wanted = zh ? "为什么没有 \(info.name)?" : "Why is there no \(info.name)?"
            would = zh ? "则会有 \(info.name)" : "It would apply if"
        case .otherComputed:
            wanted = zh ? "为什么 \(info.name) 不是其他值?" : "Why is \(info.name) no other value?"
            would = ""
        }
        var out = wanted + "\n"
        if rawCurrent.isAbsent {
            out += zh ? "  本案没有 \(named)。\n" : "  \(named) does not apply to this case.\n"
        } else {
            out += zh ? "  本案 \(named) 为 \(p.display(rawCurrent, language))。\n" : "  \(named) is \(p.display(rawCurrent, language)) in this case.\n"
        }
        switch outcome {
        case .already:
            if case .contains = rawTarget { out += zh ? "  已经包含。\n" : "  It already does.\n" } else { out += zh ? "  已经如此。\n" : "  It already is.\n" }
        case .changes(let alternatives):
            for (i, alt) in alternatives.enumerated() {
                if zh {
                    out += i == 0 ? "  若满足以下条件,\(would):\n" : "  或:\n"
                } else {
                    out += i == 0 ? "  \(would)\n" : "  or if\n"
                }
                for (k, c) in alt.changes.enumerated() {
                    let joiner = k == 0 ? "" : (zh ? "且 " : "and ")
                    out += "    \(joiner)\(c.text(language))\n"
                }
            }
        case .impossible(let why):
            out += "  " + why.text(language, output: info.name, value: targetText(language)) + "\n"
        case .cannotReason(let conditions):
            out += zh ? "  无法推断需要改变什么:分析器不能分析\n" : "  Verdict cannot say what would have to differ: the analyser does not reason about\n"
            for c in conditions {
                out += zh ? "    `\(c.condition)`(\(c.site)):\(c.reason)\n" : "    `\(c.condition)` (\(c.site)): \(c.reason)\n"
            }
        }
        return out
    }

    func targetText(_ language: Language) -> String {
        switch rawTarget {
        case .equals(let v), .contains(let v): return v.isAbsent ? question.kind.asked?.description ?? "" : compiled.display(v, language)
        case .present, .otherComputed: return ""
        }
    }
}

extension WhyNotImpossibility {
    /// The reason as a sentence.
    func text(_ language: Language, output: String, value: String) -> String {
        let zh = language == .zh
        switch self {
        case .notAssigned:
            return zh ? "改变本案的输入无法做到:没有规则设定 \(output) = \(value)。" : "No change to this case's inputs can give it: no rule assigns \(output) = \(value)."
        case .neverDecides(let rules):
            let r = rules.joined(separator: ", ")
            return zh ? "改变本案的输入无法做到:设定该值的规则(\(r))在任何案件中都不会起决定作用。"
                : "No change to this case's inputs can give it: the rules that assign it (\(r)) never decide any case."
        case .notInType(let s):
            let hint = s.map { zh ? "(是否为 `\($0)`?)" : " (did you mean `\($0)`?)" } ?? ""
            return zh ? "`\(value)` 不是 \(output) 的取值类型中的值\(hint),没有规则能设定它。" : "`\(value)` is not a value of \(output)'s type\(hint), so no rule can assign it."
        case .notAList:
            return zh ? "\(output) 不是名单,不包含任何成员。" : "\(output) is not a list, so it contains nothing."
        case .unknownOutput(let s):
            return (zh ? "政策中没有输出项 `\(output)`" : "The policy has no output `\(output)`") + (s.map { zh ? "(是否为 `\($0)`?)" : " (did you mean `\($0)`?)" } ?? "")
        case .onlyValue:
            return zh ? "它没有其他可能的值。" : "It can have no other value."
        case .onlyOtherVersions(let versions):
            let shown = versions.map { v in "\(v.version)" + (v.effective.map { zh ? "(\($0) 起生效)" : " (effective \($0))" } ?? "") }.joined(separator: ", ")
            return zh ? "在本案适用的政策版本下,改变本案的输入无法做到;只有其他政策版本可以:\(shown)。"
                : "No change to this case's inputs can give it under the version in force for this case; only a different policy version could: \(shown)."
        case .onlyAnotherDate(let field):
            return zh ? "除 `\(field)`(确定案件日期、从而选择政策版本的字段)外,改变本案的输入无法做到;该字段不作改变,因为不同的日期应由当日适用的版本回答。"
                : "No change to this case's inputs can give it, other than to `\(field)`, the field that dates the case and so picks its version: that field is held fixed, since another date is a question for the version in force then."
        }
    }
}

extension WhyNotChange {
    /// `handling cost incl. compensation (yuan) [cost] ≤ 300.00 (it is 1,200.00)`.
    public func text(_ language: Language = .en) -> String {
        let zh = language == .zh
        let model = compiled.model
        let f = model.fields[fieldSlot]
        var subject = self.subject
        if case .reference(.field) = dimension, let label = f.annotations.label.text(language), label != f.name {
            subject = "\(label) [\(f.name)]"
        }
        let now: String
        if currentHidden {
            now = zh ? "个人数据,不显示" : "personal data, not shown"
        } else if currentRaw.isAbsent {
            now = zh ? "现未提供" : "it is not given"
        } else {
            now = (zh ? "现为 " : "it is ") + show(currentRaw, language)
        }
        let cond = text(condition, language)
        return zh ? "\(subject) \(cond)(\(now))" : "\(subject) \(cond) (\(now))"
    }

    /// A value for text: money with thousands separated, members with their labels.
    private func show(_ v: Value, _ language: Language) -> String {
        if case .money(let m) = v { return Self.grouped(Money.format(m, scale: compiled.model.moneyScale)) }
        return compiled.display(v, language)
    }

    static func grouped(_ amount: String) -> String {
        let negative = amount.hasPrefix("-")
        let body = negative ? String(amount.dropFirst()) : amount
        let parts = body.split(separator: ".", maxSplits: 1)
        var whole = Array(parts[0])
        var out: [Character] = []
        while whole.count > 3 {
            out = [","] + whole.suffix(3) + out
            whole.removeLast(3)
        }
        let head = String(whole) + String(out)
        return (negative ? "-" : "") + head + (parts.count > 1 ? "." + parts[1] : "")
    }

    private func shown(_ v: OutputValue, _ language: Language) -> String {
        guard let raw = WhyNotQuestion.value(v, Analyzer.type(of: dimension, compiled.model).scalar, compiled.model) else { return v.description }
        return show(raw, language)
    }

    /// The condition as the text answer words it, in the field's own terms: `≤ 300.00`,
    /// `> 1,000.00`, `= zhengzhou`, `is left out`.
    public func conditionText(_ language: Language = .en) -> String { text(condition, language) }

    private func text(_ c: WhyNotCondition, _ language: Language) -> String {
        let zh = language == .zh
        switch c {
        case .oneOf(let vs):
            return vs.count == 1 ? "= \(shown(vs[0], language))" : (zh ? "为以下之一:" : "is one of ") + vs.map { shown($0, language) }.joined(separator: ", ")
        case .noneOf(let vs):
            if vs.isEmpty { return zh ? "为任意值" : "is any value" }
            return vs.count == 1 ? "≠ \(shown(vs[0], language))" : (zh ? "不是以下任何一个:" : "is not one of ") + vs.map { shown($0, language) }.joined(separator: ", ")
        case .ranges(let rs):
            return rs.map { range($0, language) }.joined(separator: zh ? " 或 " : " or ")
        case .absent:
            return zh ? "不提供" : "is left out"
        case .orAbsent(let inner):
            return text(inner, language) + (zh ? " 或不提供" : " or is left out")
        }
    }

    /// `≤ 300.00`, `> 1,000.00`, `between 100.01 and 300.00`: a bound one unit past a round value
    /// is shown as strict.
    private func range(_ r: WhyNotRange, _ language: Language) -> String {
        let zh = language == .zh
        let type = Analyzer.type(of: dimension, compiled.model)
        let unit = Self.roundUnit(type, compiled.model.moneyScale)
        func raw(_ v: OutputValue?) -> Int64? { v.flatMap { WhyNotQuestion.value($0, type, compiled.model) }.flatMap(Analyzer.integer) }
        func show(_ x: Int64) -> String { WhyNotEngine.value(x, type).map { self.show($0, language) } ?? String(x) }
        let lo = raw(r.lower), hi = raw(r.upper)
        func lower(_ l: Int64) -> String {
            if let unit, l != .min, (l - 1) % unit == 0 { return "> \(show(l - 1))" }
            return "≥ \(show(l))"
        }
        func upper(_ h: Int64) -> String {
            if let unit, h != .max, (h + 1) % unit == 0 { return "< \(show(h + 1))" }
            return "≤ \(show(h))"
        }
        switch (lo, hi) {
        case let (l?, h?) where l == h: return "= \(show(l))"
        case let (l?, h?): return zh ? "\(lower(l)) 且 \(upper(h))" : "\(lower(l)) and \(upper(h))"
        case let (l?, nil): return lower(l)
        case let (nil, h?): return upper(h)
        default: return zh ? "为任意值" : "is any value"
        }
    }

    /// The unit a written bound is usually a multiple of: a whole currency unit, a second.
    static func roundUnit(_ t: ValueType, _ scale: Int) -> Int64? {
        switch t {
        case .money:
            var p: Int64 = 1
            for _ in 0..<scale { p *= 10 }
            return p > 1 ? p : nil
        case .timestamp, .duration: return 1000
        default: return nil
        }
    }
}

extension ValueType {
    /// The type itself, or a list's element type.
    var scalar: ValueType { element ?? self }
}

/// `≤ 300.00`, `≥ 300.01`, `300.01 … 1000.00`, `any value`: a range as plain text (the answer's own
/// text, ``WhyNotChange/conditionText(_:)``, also shows strict bounds and grouped digits).
extension WhyNotRange: CustomStringConvertible {
    /// The range as plain text: `≤ 300.00`, `300.01 … 1000.00`, `any value`.
    public var description: String {
        switch (lower, upper) {
        case let (l?, h?): l == h ? "= \(l)" : "\(l) … \(h)"
        case let (l?, nil): "≥ \(l)"
        case let (nil, h?): "≤ \(h)"
        case (nil, nil): "any value"
        }
    }
}

/// `≤ 300.00`, `one of a, b`, `≠ henan`, `absent`, `≤ 300.00, or absent`: a condition as plain text.
extension WhyNotCondition: CustomStringConvertible {
    /// The condition as plain text: `≤ 300.00`, `one of a, b`, `≠ henan`, `absent`.
    public var description: String {
        switch self {
        case .oneOf(let vs): vs.count == 1 ? "= \(vs[0])" : "one of " + vs.map(\.description).joined(separator: ", ")
        case .noneOf(let vs): vs.isEmpty ? "any value" : vs.count == 1 ? "≠ \(vs[0])" : "none of " + vs.map(\.description).joined(separator: ", ")
        case .ranges(let rs): rs.map(\.description).joined(separator: " or ")
        case .absent: "absent"
        case .orAbsent(let inner): "\(inner), or absent"
        }
    }
}
