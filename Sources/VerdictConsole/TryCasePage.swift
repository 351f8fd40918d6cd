import Verdict

/// Page 2: a form generated from the set's fields, sent with GET (it changes nothing), and the
/// decision with its explanation below it.
public enum TryCasePage {
    /// What came of a submitted form.
    public enum Outcome: Sendable {
        /// Decided, with the explanation.
        case decided(Decision)
        /// The policy's decoder refused the case: each problem by field.
        case refused(CaseError)
        /// The form itself could not be read (a `now` that is not a time).
        case invalid(String)
    }

    /// What came of a "why not …?" question asked with the case.
    public enum WhyNotOutcome: Sendable {
        /// The library's counterfactual answers (``Verdict/WhyNot``).
        case answered(WhyNot)
        /// The question could not be read, or the case not decided.
        case invalid(String)
    }

    /// The page for the set `set` (nil: only the choice of set), the values typed, and the outcome.
    public static func render(sets: [String], set: ConsoleSet?, form: CaseForm, outcome: Outcome?, whyNot: WhyNotOutcome? = nil,
                              context c: ConsoleContext) -> String {
        let w = c.words
        return ConsolePage.render(title: w.tryCase, tab: .tryCase, context: c) { h in
            h.element("form", [.init("method", "get"), .init("action", "/try"), .init("class", "pick")]) { h in
                h.element("label", [.init("for", "policy")], text: w.set)
                h.text(" ")
                h.element("select", [.init("id", "policy"), .init("name", "policy")]) { h in
                    for s in sets { h.element("option", [.init("value", s), .init("selected", s == set?.name ? "" : nil)], text: s) }
                }
                h.text(" ")
                h.element("button", [.init("type", "submit"), .init("aria-label", w.openSet), .init("title", w.openSet)], text: "→")
            }
            guard let set, let policy = set.policy else { return }
            let outline = PolicyOutline(policy)
            // Values of fields with known values that name none of them: said before the decision,
            // which is made with them as given (a case that gives them is not refused).
            var notKnown: [(field: String, message: String)] = []
            // The version that decided the case (the one in force on its date), whose rules the
            // explanation names: its outline gives the conditions of the rules that held.
            var decidedOutline = outline
            if case .decided(let d)? = outcome {
                let decidedBy = set.versions.first { $0.identity.digest == d.policy.digest } ?? policy
                if decidedBy !== policy { decidedOutline = PolicyOutline(decidedBy) }
                notKnown = unknownValues(form, outline, decidedBy, c)
            }
            if !notKnown.isEmpty {
                h.element("section", [.init("class", "warning"), .init("role", "alert"), .init("id", "not-known"), .init("aria-labelledby", "not-known-h")]) { h in
                    h.element("h2", [.init("id", "not-known-h")], text: w.notKnownTitle)
                    h.element("ul") { h in
                        for n in notKnown {
                            h.element("li") { h in
                                h.element("a", [.init("href", "#f-" + PoliciesPage.anchor(n.field))]) { h in h.element("code", text: n.field) }
                                h.text(": " + n.message)
                            }
                        }
                    }
                }
            }
            // The outcome first, so it is what a person sees after submitting; the form, filled as sent, below.
            switch whyNot {
            case .answered(let answers)?:
                h.element("section", [.init("id", "whynot"), .init("aria-labelledby", "whynot-h")]) { h in
                    h.element("h2", [.init("id", "whynot-h")], text: w.whyNot)
                    for a in answers.answers {
                        h.element("pre", [.init("class", "whynot"), .init("data-output", a.output)], text: a.text(c.language))
                    }
                }
            case .invalid(let message)?:
                h.element("p", [.init("class", "problem"), .init("role", "alert"), .init("id", "whynot")], text: w.whyNot + ": " + message)
            case nil: break
            }
            switch outcome {
            case .decided(let d)?: ExplanationView.render(d, outline: decidedOutline, context: c, into: &h)
            case .refused(let e)?:
                h.element("section", [.init("class", "problem"), .init("role", "alert"), .init("aria-labelledby", "refused")]) { h in
                    h.element("h2", [.init("id", "refused")], text: w.caseRefused)
                    h.element("ul") { h in
                        for p in e.problems {
                            h.element("li") { h in
                                if let f = p.field { h.element("a", [.init("href", "#f-" + PoliciesPage.anchor(f))]) { h in h.element("code", text: f) }; h.text(": ") }
                                h.text(p.message)
                                if let help = p.help { h.element("span", [.init("class", "muted")], text: " — " + help) }
                            }
                        }
                    }
                }
            case .invalid(let message)?:
                h.element("p", [.init("class", "problem"), .init("role", "alert")], text: message)
            case nil: break
            }
            if outcome != nil {
                h.element("h2", [.init("id", "case")], text: w.fields)
            }
            caseForm(outline, policy, set.name, form, Dictionary(notKnown.map { ($0.field, $0.message) }, uniquingKeysWith: { a, _ in a }), c, &h)
        }
    }

    /// Each string field whose typed value names none of the values its rules know (by the library's
    /// own lookup, after the field's normalisation), with the warning in the page's language. A field
    /// that refuses other values is left to the decoder, which refuses the case.
    static func unknownValues(_ form: CaseForm, _ o: PolicyOutline, _ policy: CompiledPolicy, _ c: ConsoleContext) -> [(field: String, message: String)] {
        var found: [(field: String, message: String)] = []
        for f in o.fields where f.kind == .string {
            guard let typed = form.value(f.name), let list = policy.knownValues(of: f.name), list.othersAllowed,
                  case .unknown(let suggestion) = policy.knownValue(of: f.name, for: typed) else { continue }
            let label = { (value: String) in list.entries.first { $0.value == value }.flatMap { $0.label.text(c.language) } ?? value }
            found.append((f.name, c.words.notKnown(typed, field: c.text(f.notes.label, or: f.name), known: list.entries.map { label($0.value) },
                                                   suggestion: suggestion.map(label))))
        }
        return found
    }

    /// A known value as choices show it: `河南 (henan)`, or the value alone when it has no label.
    static func choiceText(_ e: KnownValueList.Entry, _ c: ConsoleContext) -> String {
        guard let label = e.label.text(c.language), label != e.value else { return e.value }
        return "\(label) (\(e.value))"
    }

    static func caseForm(_ o: PolicyOutline, _ policy: CompiledPolicy, _ name: String, _ form: CaseForm, _ notKnown: [String: String],
                         _ c: ConsoleContext, _ h: inout HTML) {
        let w = c.words
        h.element("form", [.init("method", "get"), .init("action", "/try"), .init("class", "case"), .init("id", "case-form")]) { h in
            h.void("input", [.init("type", "hidden"), .init("name", "policy"), .init("value", name)])
            h.void("input", [.init("type", "hidden"), .init("name", "decide"), .init("value", "1")])
            h.element("p", [.init("class", "muted")], text: "\(w.policy) \(o.identity.name) \(o.identity.version) · \(o.zone.identifier) · \(o.currency)")
            if !o.fields.contains(where: { $0.name == "id" }) {
                textField(id: "f-id", name: "f.id", label: w.caseID, hint: nil, value: form.value("id") ?? "", required: true, c, &h)
            }
            for f in o.fields {
                let id = "f-" + PoliciesPage.anchor(f.name)
                let label = c.text(f.notes.label, or: f.name)
                let status = f.optional || f.defaultValue != nil ? w.optional : w.required
                var hint = "\(f.name) · \(f.type) · \(status)" + (f.defaultValue.map { " · \(w.defaultValue) \($0)" } ?? "")
                switch f.kind {
                case .timestamp: hint += " · " + w.timestampHelp + " (\(o.zone.identifier))"
                case .money: hint += " · " + w.moneyHelp + " (\(o.currency))"
                case .list where f.members.isEmpty: hint += " · " + w.listHelp
                default: break
                }
                if f.personal { hint += " · " + w.personal }
                let required = !(f.optional || f.defaultValue != nil)
                switch f.kind {
                case .member:
                    h.element("div", [.init("class", "field")]) { h in
                        h.element("label", [.init("for", id)], text: label)
                        h.element("span", [.init("class", "hint"), .init("id", id + "-hint")], text: hint)
                        h.element("select", [.init("id", id), .init("name", "f." + f.name), .init("aria-describedby", id + "-hint"),
                                             .init("required", required ? "" : nil)]) { h in
                            h.element("option", [.init("value", "")], text: w.choose)
                            for m in f.members {
                                let text = m.label.text(c.language).flatMap { $0 == m.name ? nil : "\($0) — \(m.name)" } ?? m.name
                                h.element("option", [.init("value", m.name), .init("selected", form.value(f.name) == m.name ? "" : nil)], text: text)
                            }
                        }
                    }
                case .list where !f.members.isEmpty:
                    h.element("fieldset", [.init("class", "field"), .init("id", id)]) { h in
                        h.element("legend", text: label)
                        h.element("span", [.init("class", "hint")], text: hint)
                        let chosen = Set(form.values[f.name] ?? [])
                        for (k, m) in f.members.enumerated() {
                            let mid = "\(id)-\(k)"
                            h.element("div") { h in
                                h.void("input", [.init("type", "checkbox"), .init("id", mid), .init("name", "f." + f.name), .init("value", m.name),
                                                 .init("checked", chosen.contains(m.name) ? "" : nil)])
                                h.element("label", [.init("for", mid)], text: m.label.text(c.language).map { "\($0) — \(m.name)" } ?? m.name)
                            }
                        }
                    }
                case .bool:
                    h.element("div", [.init("class", "field")]) { h in
                        h.element("label", [.init("for", id)], text: label)
                        h.element("span", [.init("class", "hint"), .init("id", id + "-hint")], text: hint)
                        h.element("select", [.init("id", id), .init("name", "f." + f.name), .init("aria-describedby", id + "-hint")]) { h in
                            for (v, t) in [("", w.boolUnset), ("true", w.boolYes), ("false", w.boolNo)] {
                                h.element("option", [.init("value", v), .init("selected", (form.value(f.name) ?? "") == v ? "" : nil)], text: t)
                            }
                        }
                    }
                case .list:
                    h.element("div", [.init("class", "field")]) { h in
                        h.element("label", [.init("for", id)], text: label)
                        h.element("span", [.init("class", "hint"), .init("id", id + "-hint")], text: hint)
                        h.element("textarea", [.init("id", id), .init("name", "f." + f.name), .init("rows", "3"), .init("aria-describedby", id + "-hint")],
                                  text: (form.values[f.name] ?? []).joined(separator: "\n"))
                    }
                case .string where policy.knownValues(of: f.name) != nil:
                    knownField(f, policy.knownValues(of: f.name)!, id: id, label: label, hint: hint, required: required, warning: notKnown[f.name],
                               policy, form, c, &h)
                default:
                    textField(id: id, name: "f." + f.name, label: label, hint: hint, value: form.values[f.name]?.first ?? "", required: required, c, &h,
                              inputMode: f.kind == .money ? "decimal" : f.kind == .integer ? "numeric" : nil)
                }
            }
            textField(id: "whynot-q", name: "whynot", label: w.whyNot, hint: w.whyNotHelp, value: form.whyNot, required: false, c, &h)
            textField(id: "now", name: "now", label: w.now, hint: w.nowHelp + " · " + w.timestampHelp + " (\(o.zone.identifier))", value: form.now, required: false, c, &h)
            h.element("div") { h in h.element("button", [.init("type", "submit"), .init("id", "decide")], text: w.submit) }
        }
    }

    /// A string field with known values: a text box offering them (`<datalist>`) when other values are
    /// allowed, a choice of them when not; the warning for a typed value that is none of them below it.
    static func knownField(_ f: PolicyOutline.Field, _ list: KnownValueList, id: String, label: String, hint: String, required: Bool, warning: String?,
                           _ policy: CompiledPolicy, _ form: CaseForm, _ c: ConsoleContext, _ h: inout HTML) {
        let w = c.words
        let typed = form.values[f.name]?.first ?? ""
        let hint = hint + " · " + (list.othersAllowed ? w.knownHint : w.othersRefused)
        let described = [id + "-hint", warning == nil ? nil : id + "-warning"].compactMap { $0 }.joined(separator: " ")
        h.element("div", [.init("class", "field")]) { h in
            h.element("label", [.init("for", id)], text: label)
            h.element("span", [.init("class", "hint"), .init("id", id + "-hint")], text: hint)
            if list.othersAllowed {
                h.void("input", [.init("type", "text"), .init("id", id), .init("name", "f." + f.name), .init("value", typed), .init("list", id + "-known"),
                                 .init("aria-describedby", described), .init("required", required ? "" : nil), .init("autocomplete", "off"),
                                 .init("aria-invalid", warning == nil ? nil : "true")])
                h.element("datalist", [.init("id", id + "-known")]) { h in
                    for e in list.entries { h.element("option", [.init("value", e.value)], text: choiceText(e, c)) }
                }
            } else {
                let chosen: String? = form.value(f.name).flatMap { t in
                    if case .known(let v) = policy.knownValue(of: f.name, for: t) { return v }
                    return nil
                }
                h.element("select", [.init("id", id), .init("name", "f." + f.name), .init("aria-describedby", described),
                                     .init("required", required ? "" : nil)]) { h in
                    h.element("option", [.init("value", "")], text: w.choose)
                    for e in list.entries {
                        h.element("option", [.init("value", e.value), .init("selected", chosen == e.value ? "" : nil)], text: choiceText(e, c))
                    }
                    // A value sent that is none of them stays as sent, so the decoder's refusal names it.
                    if let t = form.value(f.name), chosen == nil { h.element("option", [.init("value", t), .init("selected", "")], text: t) }
                }
            }
            if let warning { h.element("p", [.init("class", "warning"), .init("id", id + "-warning")], text: warning) }
        }
    }

    static func textField(id: String, name: String, label: String, hint: String?, value: String, required: Bool, _ c: ConsoleContext,
                          _ h: inout HTML, inputMode: String? = nil) {
        h.element("div", [.init("class", "field")]) { h in
            h.element("label", [.init("for", id)], text: label)
            if let hint { h.element("span", [.init("class", "hint"), .init("id", id + "-hint")], text: hint) }
            h.void("input", [.init("type", "text"), .init("id", id), .init("name", name), .init("value", value),
                             .init("aria-describedby", hint == nil ? nil : id + "-hint"), .init("required", required ? "" : nil),
                             .init("inputmode", inputMode), .init("autocomplete", "off")])
        }
    }
}
