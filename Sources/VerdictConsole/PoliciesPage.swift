import Foundation
import Verdict

/// Page 1: each set's version, digest, effective date and reload status, then the readable form of
/// the policy: a table per decision (one row per rule), overrides with their exceptions, clocks,
/// parameters and measures.
public enum PoliciesPage {
    /// The whole page for `sets`.
    public static func render(_ sets: [ConsoleSet], context: ConsoleContext) -> String {
        let w = context.words
        return ConsolePage.render(title: w.policies, tab: .policies, context: context) { h in
            if sets.isEmpty { h.element("p", text: w.noSets); return }
            h.element("nav", [.init("class", "contents"), .init("aria-labelledby", "contents-h")]) { h in
                h.element("h2", [.init("id", "contents-h")], text: w.contents)
                h.element("ul") { h in
                    for s in sets {
                        h.element("li") { h in
                            let title = s.policy.flatMap { $0.identity.title.text(context.language) }
                            h.element("a", [.init("href", "#set-" + anchor(s.name))], text: s.name + (title.map { " — " + $0 } ?? ""))
                            if let p = s.policy { contents(PolicyOutline(p), versions: s.versions.count > 1 ? s.name : nil, context, &h) }
                        }
                    }
                }
            }
            for s in sets { set(s, context, &h) }
        }
    }

    /// An id fragment from a name: letters, digits, `-` and `_` kept, everything else `_`.
    static func anchor(_ s: String) -> String {
        String(s.unicodeScalars.map { ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") && $0.isASCII ? Character($0) : "_" })
    }

    static func time(_ d: Date) -> String { d.formatted(.iso8601) }

    static func set(_ s: ConsoleSet, _ c: ConsoleContext, _ h: inout HTML) {
        let w = c.words
        h.element("section", [.init("class", "set"), .init("id", "set-" + anchor(s.name)), .init("aria-labelledby", "h-" + anchor(s.name))]) { h in
            let title = s.policy.flatMap { $0.identity.title.text(c.language) }
            h.element("h2", [.init("id", "h-" + anchor(s.name))], text: s.name + (title.map { " — " + $0 } ?? ""))
            h.element("dl", [.init("class", "facts")]) { h in
                func fact(_ k: String, _ v: String, code: Bool = false) {
                    h.element("dt", text: k)
                    h.element("dd") { h in if code { h.element("code", text: v) } else { h.text(v) } }
                }
                fact(w.status, s.policy == nil ? w.notLoaded : w.loaded)
                if let p = s.policy {
                    fact(w.version, p.identity.version)
                    fact(w.effective, p.identity.effective?.description ?? "—")
                    fact(w.digest, p.identity.digest, code: true)
                }
                if let at = s.loadedAt { fact(w.loadedAt, time(at)) }
                if let f = s.folder { fact(w.folder, f, code: true) }
                if let r = s.lastReload {
                    fact(w.lastReload, "\(time(r.at)) · \(r.trigger) · \(r.outcome) · \(w.tests): \(r.testsPassed) \(w.passed), \(r.testsFailed) \(w.failed)")
                }
            }
            if let r = s.lastReload, !r.diagnostics.isEmpty {
                h.element("div", [.init("class", "problem"), .init("role", "status")]) { h in
                    h.element("p", text: w.diagnostics)
                    h.element("ul") { h in
                        for d in r.diagnostics { h.element("li") { h in h.element("code", text: d.location.map { "\($0): " } ?? ""); h.text(d.message) } }
                    }
                }
            }
            if let p = s.policy {
                h.element("p") { h in
                    h.element("a", [.init("href", ConsoleLink.to("/try", [("policy", s.name)]))], text: w.tryCase)
                    h.text(" · ")
                    h.element("a", [.init("href", ConsoleLink.to("/draft", [("policy", s.name)]))], text: w.draft)
                    // The tables of the folder's own files, as `verdict table export` writes them (issue 33).
                    h.text(" · ")
                    h.element("a", [.init("href", ConsoleLink.to("/table.xlsx", [("policy", s.name)]))], text: w.downloadTables)
                }
                if s.versions.count > 1 { versions(s, inForce: p, c, &h) }
                outline(PolicyOutline(p), p, c, &h, download: s.versions.count > 1 ? nil : s.name)
                for v in s.versions where v !== p {
                    h.element("details", [.init("class", "version")]) { h in
                        h.element("summary", text: "\(w.version) \(v.identity.version) (\(w.effective) \(v.identity.effective?.description ?? "—"))")
                        outline(PolicyOutline(v), v, c, &h)
                    }
                }
            }
        }
    }

    static func notes(_ n: PolicyOutline.Notes, _ c: ConsoleContext, _ h: inout HTML) {
        if let q = n.quote { h.element("div") { h in h.element("span", [.init("class", "quote"), .init("lang", "zh-Hans")], text: q) } }
        if let r = n.reading.text(c.language) { h.element("div", [.init("class", "muted")], text: c.words.reading + ": " + r) }
        if let t = n.note.text(c.language) { h.element("div", [.init("class", "muted")], text: c.words.note + ": " + t) }
    }

    /// The cells every row of a rule, override or clock table starts with: its id, its label and its
    /// condition (`always` when it has none).
    static func leadingCells(id: String, notes: PolicyOutline.Notes, condition: String, _ c: ConsoleContext, _ h: inout HTML) {
        h.element("td") { h in h.element("code", text: id) }
        h.element("td", text: notes.label.text(c.language) ?? "")
        h.element("td") { h in h.element("code", [.init("class", "cond")], text: condition.isEmpty ? c.words.always : condition) }
    }

    static func location(_ l: SourceLocation, _ h: inout HTML) {
        h.element("code", [.init("class", "loc")], text: "\(l.path.split(separator: "/").last.map(String.init) ?? l.path):\(l.line)")
    }

    /// - Parameter download: the set's name, to offer each table as xlsx (`/table.xlsx`), when the
    ///   outline is of the folder's own files.
    static func outline(_ o: PolicyOutline, _ policy: CompiledPolicy, _ c: ConsoleContext, _ h: inout HTML, download: String? = nil) {
        let w = c.words
        let id = anchor(o.identity.name + "-" + o.identity.version)
        if let r = o.reading.text(c.language) { h.element("p", [.init("class", "muted")], text: w.reading + ": " + r) }
        for (n, d) in o.decisions.enumerated() {
            h.element("section", [.init("class", "decision"), .init("id", "\(id)-\(anchor(d.name))")]) { h in
                h.element("h3", text: "\(w.decision) \(n + 1): " + c.text(d.notes.label, or: d.name) + " [\(d.name)]")
                h.element("p") { h in
                    h.text("\(w.hit): ")
                    h.element("code", text: d.hit.rawValue)
                    h.text(" · \(w.outputs): ")
                    h.text(d.outputs.map { o in c.text(o.label, or: o.name) == o.name ? o.name : "\(c.text(o.label, or: o.name)) (\(o.name))" }.joined(separator: ", "))
                    h.text(" · ")
                    location(d.notes.location, &h)
                    if let download {
                        h.text(" · ")
                        h.element("a", [.init("href", ConsoleLink.to("/table.xlsx", [("policy", download), ("decision", d.name)]))], text: w.downloadTable)
                    }
                }
                notes(d.notes, c, &h)
                table(caption: "\(w.rule) — \(d.name)", headers: [w.rule, w.label, w.condition, w.outputs, w.quote, w.location], &h) { h in
                    for r in d.rules {
                        h.element("tr") { h in
                            leadingCells(id: r.id, notes: r.notes, condition: r.condition, c, &h)
                            h.element("td") { h in assignments(r, d, o, c, &h) }
                            h.element("td") { h in notes(r.notes, c, &h) }
                            h.element("td") { h in location(r.notes.location, &h) }
                        }
                    }
                }
                if !d.overrides.isEmpty {
                    h.element("h4", text: w.overrides)
                    table(caption: "\(w.overrides) — \(d.name)", headers: [w.rule, w.label, w.condition, w.operations, w.exceptions, w.quote, w.location], &h) { h in
                        for ov in d.overrides {
                            h.element("tr", [.init("id", "\(id)-\(anchor(d.name))-\(anchor(ov.id))")]) { h in
                                leadingCells(id: ov.id, notes: ov.notes, condition: ov.condition, c, &h)
                                h.element("td") { h in changes(ov, d, o, c, &h) }
                                h.element("td") { h in
                                    if ov.exceptions.isEmpty { h.text("—") }
                                    h.element("ul") { h in
                                        for x in ov.exceptions {
                                            h.element("li") { h in
                                                if let xid = x.id { h.element("code", text: xid); h.text(": ") }
                                                h.element("code", [.init("class", "cond")], text: x.condition)
                                                if let l = x.notes.label.text(c.language) { h.text(" — " + l) }
                                                h.text(" ")
                                                location(x.notes.location, &h)
                                            }
                                        }
                                    }
                                }
                                h.element("td") { h in notes(ov.notes, c, &h) }
                                h.element("td") { h in location(ov.notes.location, &h) }
                            }
                        }
                    }
                }
            }
        }
        if !o.clocks.isEmpty {
            h.element("h3", text: w.clocks)
            table(caption: w.clocks, headers: [w.rule, w.label, w.condition, w.start, w.target, w.atRisk, w.calendar, w.quote, w.location], &h) { h in
                for k in o.clocks {
                    h.element("tr") { h in
                        leadingCells(id: k.name, notes: k.notes, condition: k.condition, c, &h)
                        h.element("td") { h in h.element("code", text: k.start) }
                        h.element("td", text: k.target.text(c.language) ?? "")
                        h.element("td", text: k.atRisk?.text(c.language) ?? "—")
                        h.element("td", text: k.calendar ?? "—")
                        h.element("td") { h in notes(k.notes, c, &h) }
                        h.element("td") { h in location(k.notes.location, &h) }
                    }
                }
            }
        }
        if !o.parameters.isEmpty {
            h.element("h3", text: w.parameters)
            table(caption: w.parameters, headers: [w.rule, w.label, w.type, w.value, w.quote, w.location], &h) { h in
                for p in o.parameters {
                    h.element("tr") { h in
                        h.element("td") { h in h.element("code", text: p.name) }
                        h.element("td", text: p.notes.label.text(c.language) ?? "")
                        h.element("td") { h in h.element("code", text: p.type) }
                        h.element("td") { h in h.element("code", text: p.value) }
                        h.element("td") { h in notes(p.notes, c, &h) }
                        h.element("td") { h in location(p.notes.location, &h) }
                    }
                }
            }
        }
        if !o.measures.isEmpty {
            h.element("h3", text: w.measures)
            table(caption: w.measures, headers: [w.rule, w.label, w.type, w.of, w.scope, w.by, w.target, w.location], &h) { h in
                for m in o.measures {
                    h.element("tr") { h in
                        h.element("td") { h in h.element("code", text: m.name) }
                        h.element("td", text: m.notes.label.text(c.language) ?? "")
                        h.element("td") { h in h.element("code", text: m.kind) }
                        h.element("td") { h in h.element("code", text: m.of) }
                        h.element("td") { h in h.element("code", text: m.scope.isEmpty ? w.always : m.scope) }
                        h.element("td", text: m.by ?? "—")
                        h.element("td", text: m.target ?? "—")
                        h.element("td") { h in location(m.notes.location, &h) }
                    }
                }
            }
        }
        h.element("h3", text: w.fields)
        table(caption: w.fields, headers: [w.field, w.label, w.type, w.required, w.location], &h) { h in
            for f in o.fields {
                h.element("tr") { h in
                    h.element("td") { h in h.element("code", text: f.name) }
                    h.element("td", text: f.notes.label.text(c.language) ?? "")
                    h.element("td") { h in
                        h.element("code", text: f.type)
                        if !f.members.isEmpty {
                            h.text(": " + f.members.map { m in m.label.text(c.language).map { "\(m.name) (\($0))" } ?? m.name }.joined(separator: ", "))
                        }
                        if let list = policy.knownValues(of: f.name) { knownValues(list, c, &h) }
                    }
                    h.element("td", text: (f.optional ? w.optional : w.required) + (f.defaultValue.map { " · \(w.defaultValue) \($0)" } ?? "") + (f.personal ? " · \(w.personal)" : ""))
                    h.element("td") { h in location(f.notes.location, &h) }
                }
            }
        }
    }

    /// The contents of a set: its versions (when it has several), then each decision of the version
    /// in force, each with its overrides, linking to their sections.
    static func contents(_ o: PolicyOutline, versions setName: String?, _ c: ConsoleContext, _ h: inout HTML) {
        let w = c.words
        let id = anchor(o.identity.name + "-" + o.identity.version)
        h.element("ul") { h in
            if let setName { h.element("li") { h in h.element("a", [.init("href", "#versions-" + anchor(setName))], text: w.versions) } }
            for (n, d) in o.decisions.enumerated() {
                h.element("li") { h in
                    h.element("a", [.init("href", "#\(id)-\(anchor(d.name))")], text: "\(w.decision) \(n + 1): " + c.text(d.notes.label, or: d.name))
                    h.text(" ")
                    h.element("code", [.init("class", "muted")], text: d.name)
                    if d.overrides.isEmpty { return }
                    h.element("ul") { h in
                        for ov in d.overrides {
                            h.element("li") { h in
                                h.element("a", [.init("href", "#\(id)-\(anchor(d.name))-\(anchor(ov.id))")],
                                          text: w.overrides + ": " + c.text(ov.notes.label, or: ov.id))
                                h.text(" ")
                                h.element("code", [.init("class", "muted")], text: ov.id)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The set's versions by effective date, each with what changes from the version before (the
    /// library's structural diff, ``PolicyDiff/structure(old:new:)``), listed below the table.
    static func versions(_ s: ConsoleSet, inForce p: CompiledPolicy, _ c: ConsoleContext, _ h: inout HTML) {
        let w = c.words
        let diffs = zip(s.versions, s.versions.dropFirst()).map { PolicyDiff.structure(old: $0, new: $1).filter { !$0.hasPrefix("version ") } }
        let set = anchor(s.name)
        func diffID(_ v: CompiledPolicy) -> String { "changes-\(set)-\(anchor(v.identity.version))" }
        h.element("h3", [.init("id", "versions-" + set)], text: w.versions)
        table(caption: "\(w.versions) — \(s.name)", headers: [w.version, w.effective, w.digest, w.status, w.changesColumn], &h) { h in
            for (i, v) in s.versions.enumerated() {
                h.element("tr", [.init("class", v === p ? "decides" : nil)]) { h in
                    h.element("td", text: v.identity.version)
                    h.element("td", text: v.identity.effective?.description ?? "—")
                    h.element("td") { h in h.element("code", [.init("class", "digest")], text: v.identity.digest) }
                    h.element("td", text: v === p ? w.inForce : "")
                    h.element("td") { h in
                        if i == 0 { h.text("—"); return }
                        let lines = diffs[i - 1]
                        if lines.isEmpty { h.text(w.noStructuralChange); return }
                        h.element("a", [.init("href", "#" + diffID(v))], text: ConsoleWords.fill(w.changesCount, ["n": "\(lines.count)"]))
                    }
                }
            }
        }
        for (i, v) in s.versions.enumerated().dropFirst() {
            let old = s.versions[i - 1]
            h.element("section", [.init("class", "version-diff"), .init("id", diffID(v)), .init("aria-labelledby", diffID(v) + "-h")]) { h in
                h.element("h4", [.init("id", diffID(v) + "-h")],
                          text: ConsoleWords.fill(w.changesFrom, ["old": old.identity.version, "new": v.identity.version,
                                                                  "date": v.identity.effective?.description ?? "—"]))
                if diffs[i - 1].isEmpty { h.element("p", text: w.noStructuralChange); return }
                h.element("ul", [.init("class", "diff")]) { h in
                    for line in diffs[i - 1] { h.element("li") { h in h.element("code", text: line) } }
                }
            }
        }
    }

    /// What a rule sets, each output by its label and each member by its label in the page's language,
    /// with the output and value as written beside it.
    static func assignments(_ r: PolicyOutline.Rule, _ d: PolicyOutline.Decision, _ o: PolicyOutline, _ c: ConsoleContext, _ h: inout HTML) {
        if r.assignments.isEmpty { h.element("code", text: r.outputs); return }
        h.element("ul", [.init("class", "plain")]) { h in
            for a in r.assignments {
                let output = d.outputs.first { $0.name == a.output }
                let value = a.members.map { names in
                    let labels = names.map { m in output.flatMap { o.label(ofMember: m, in: $0.type)?.text(c.language) } ?? m }
                    return output?.type.hasPrefix("list<") == true ? labels.joined(separator: listSeparator(c)) : labels.joined()
                }
                let shown = c.text(output?.label ?? Localized(), or: a.output) + ": " + (value ?? a.text), written = a.output + ": " + a.text
                h.element("li") { h in
                    // Written beside, unless it reads the same (an output without a label set to a number).
                    if shown == written { h.element("code", text: written); return }
                    h.text(shown + " ")
                    h.element("code", [.init("class", "muted")], text: written)
                }
            }
        }
    }

    /// What an override does to its list, in the page's language with members by label, and the
    /// operations as written beside.
    static func changes(_ ov: PolicyOutline.Override, _ d: PolicyOutline.Decision, _ o: PolicyOutline, _ c: ConsoleContext, _ h: inout HTML) {
        let w = c.words
        let output = d.outputs.first { $0.name == ov.output }
        func label(_ m: String) -> String { output.flatMap { o.label(ofMember: m, in: $0.type)?.text(c.language) } ?? m }
        h.text(c.text(output?.label ?? Localized(), or: ov.output) + ":")
        h.element("ul", [.init("class", "plain")]) { h in
            for x in ov.changes {
                let template = switch x.kind {
                case .replace: w.replaceBy
                case .remove: w.removeMember
                case .insertBefore: w.insertBeforeMember
                case .insertAfter: w.insertAfterMember
                }
                h.element("li", text: ConsoleWords.fill(template, ["member": label(x.member), "other": x.other.map(label) ?? ""]))
            }
        }
        h.element("code", [.init("class", "muted")], text: ov.output + ": " + ov.operations.joined(separator: "; "))
    }

    static func listSeparator(_ c: ConsoleContext) -> String { c.language == .zh ? "、" : ", " }

    /// A string field's known values in its row of the fields table: each value with its labels in
    /// both languages and its other names, and whether other values are allowed.
    static func knownValues(_ list: KnownValueList, _ c: ConsoleContext, _ h: inout HTML) {
        let w = c.words
        h.element("div", [.init("class", "known")]) { h in
            h.text(w.knownValues + " (" + (list.othersAllowed ? w.othersAllowed : w.othersRefused) + "):")
            h.element("ul") { h in
                for e in list.entries {
                    h.element("li") { h in
                        h.element("code", text: e.value)
                        let labels = [e.label.en, e.label.zh].compactMap { $0 }.filter { $0 != e.value }
                        if !labels.isEmpty { h.text(" — " + labels.joined(separator: " / ")) }
                        if !e.aliases.isEmpty { h.text(" · \(w.knownAlso) " + e.aliases.joined(separator: ", ")) }
                    }
                }
            }
        }
    }

    /// A table in a horizontally scrolling box (so the page itself never needs a fixed width).
    static func table(caption: String, headers: [String], _ h: inout HTML, _ rows: (inout HTML) -> Void) {
        h.element("div", [.init("class", "scroll"), .init("role", "region"), .init("aria-label", caption), .init("tabindex", "0")]) { h in
            h.element("table") { h in
                h.element("caption", text: caption)
                h.element("thead") { h in h.element("tr") { h in for t in headers { h.element("th", [.init("scope", "col")], text: t) } } }
                h.element("tbody", [], rows)
            }
        }
    }
}
