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
                h.element("button", [.init("type", "submit")], text: "→")
            }
            guard let set, let policy = set.policy else { return }
            let outline = PolicyOutline(policy)
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
            case .decided(let d)?: ExplanationView.render(d, outline: outline, context: c, into: &h)
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
            caseForm(outline, set.name, form, c, &h)
        }
    }

    static func caseForm(_ o: PolicyOutline, _ name: String, _ form: CaseForm, _ c: ConsoleContext, _ h: inout HTML) {
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
