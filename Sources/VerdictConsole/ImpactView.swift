import Verdict
import VerdictAudit

/// A change's impact on recorded decisions, as the console shows it: the library's grouping
/// (``ChangeImpact``) by rule transition and by the shape of each output's change, each as a table
/// with a bar chart beside it — the chart server-rendered SVG (no script), scaled with the page so it
/// stays readable at 200% zoom, and described for screen readers by its title and the table beside it.
/// Outputs and members show by their labels in the page's language; each example case links to its
/// records in the audit search.
public enum ImpactView {
    /// How many groups of each kind a chart and table show (the rest are summed in one row).
    static let shown = 12
    /// How many example cases a row links to.
    static let examples = 5

    /// The replay's counts, its groups as charts and tables, and the cases the draft cannot decide.
    public static func render(_ rp: AuditTrail.Replay, outline: PolicyOutline?, _ c: ConsoleContext, _ h: inout HTML) {
        let w = c.words, zh = c.language == .zh
        h.element("p", [.init("id", "impact")], text: "\(rp.decisions) · \(w.unchanged) \(rp.unchanged) · \(w.changedCases) \(rp.changedCases) · \(w.cannotDecide) \(rp.failures.count)")
        if rp.notRead > 0 { h.element("p", [.init("class", "muted")], text: "\(rp.notRead) \(w.olderNotRead)") }
        let impact = rp.impact
        if impact.changed == 0 { h.element("p", text: w.noImpact) }
        let labels = Labels(outline: outline, language: c.language)

        let transitions = impact.transitions
        if !transitions.isEmpty {
            let title = zh ? "按规则(旧 → 新)" : "By rule (old → new)"
            let rows = transitions.prefix(shown).map { g in
                Row(label: labels.transition(g.key), count: g.count, cases: g.cases)
            } + rest(transitions.dropFirst(shown).map(\.count), zh ? "其他规则变化" : "other rule transitions")
            section(id: "impact-rules", title: title, headers: [zh ? "决策表" : "Decision", zh ? "规则变化" : "Rules", w.cases], rows: rows,
                    cells: transitions.prefix(shown).map { [labels.decision($0.key.decision), labels.route($0.key)] }, c, &h)
        }
        let changes = impact.outputChanges
        if !changes.isEmpty {
            let title = zh ? "按输出" : "By output"
            var rows: [Row] = [], cells: [[String]] = []
            for g in changes.prefix(shown) {
                let change = labels.shape(g.key)
                rows.append(Row(label: labels.output(g.key.output) + ": " + change, count: g.count, cases: g.cases))
                cells.append([labels.output(g.key.output), change])
            }
            rows += rest(changes.dropFirst(shown).map(\.count), zh ? "其他输出变化" : "other output changes")
            section(id: "impact-outputs", title: title, headers: [w.outputName, w.change, w.cases], rows: rows, cells: cells, c, &h)
        }
        if !rp.failures.isEmpty {
            h.element("ul") { h in
                for f in rp.failures.prefix(20) {
                    h.element("li") { h in
                        h.element("a", [.init("href", "/audit/\(f.seq)")]) { h in h.element("code", text: f.caseID) }
                        h.text(": " + f.message)
                    }
                }
            }
        }
    }

    struct Row {
        var label: String
        var count: Int
        var cases: [String]
    }

    /// The groups past the first `shown`, summed in one row (none when there are none).
    static func rest(_ counts: [Int], _ label: String) -> [Row] {
        counts.isEmpty ? [] : [Row(label: "\(label) (\(counts.count))", count: counts.reduce(0, +), cases: [])]
    }

    /// A heading, the chart, and the table: `cells` are the leading cells of each shown group's row.
    static func section(id: String, title: String, headers: [String], rows: [Row], cells: [[String]], _ c: ConsoleContext, _ h: inout HTML) {
        h.element("section", [.init("class", "impact"), .init("aria-labelledby", id)]) { h in
            h.element("h4", [.init("id", id)], text: title)
            h.element("figure", [.init("class", "chart")]) { h in
                chart(rows, title: title, id: id, c, &h)
                h.element("figcaption", [.init("class", "muted")], text: c.language == .zh ? "\(title):每组的案件数(条形图,数字同下表)" : "\(title): cases in each group (bars; the table below has the same numbers)")
            }
            PoliciesPage.table(caption: title, headers: headers, &h) { h in
                for (i, row) in rows.enumerated() {
                    h.element("tr") { h in
                        if i < cells.count {
                            for (k, text) in cells[i].enumerated() {
                                h.element("td") { h in if k == 0 { h.text(text) } else { h.element("span", [.init("class", "change")], text: text) } }
                            }
                        } else {
                            h.element("td", [.init("colspan", "\(headers.count - 1)")], text: row.label)
                        }
                        h.element("td") { h in
                            h.element("strong", text: "\(row.count)")
                            for (k, id) in row.cases.prefix(examples).enumerated() {
                                h.text(k == 0 ? " · " : ", ")
                                h.element("a", [.init("href", ConsoleLink.to("/audit", [("case", id)]))]) { h in h.element("code", text: id) }
                            }
                            if row.cases.count > examples { h.text(" …") }
                        }
                    }
                }
            }
        }
    }

    /// A horizontal bar chart: one bar a group, its label above it and its count at its end. Sized
    /// in the page's units (`width: 100%`, a viewBox), so zooming scales text and bars together.
    static func chart(_ rows: [Row], title: String, id: String, _ c: ConsoleContext, _ h: inout HTML) {
        let width = 640, labelHeight = 18, barHeight = 16, gap = 10, barSpace = 560
        let rowHeight = labelHeight + barHeight + gap
        let height = rows.count * rowHeight + 4
        let top = max(1, rows.map(\.count).max() ?? 1)
        h.element("svg", [.init("xmlns", "http://www.w3.org/2000/svg"), .init("viewBox", "0 0 \(width) \(height)"), .init("width", "100%"),
                          .init("role", "img"), .init("aria-labelledby", "\(id)-chart-title"), .init("class", "bars"),
                          .init("preserveAspectRatio", "xMinYMin meet")]) { h in
            h.element("title", [.init("id", "\(id)-chart-title")], text: title)
            for (i, row) in rows.enumerated() {
                let y = i * rowHeight
                let length = max(2, row.count * barSpace / top)
                h.element("text", [.init("x", "0"), .init("y", "\(y + 14)"), .init("class", "bar-label")], text: clipped(row.label, 84))
                h.element("rect", [.init("x", "0"), .init("y", "\(y + labelHeight)"), .init("width", "\(length)"), .init("height", "\(barHeight)"),
                                .init("class", "bar"), .init("rx", "2")])
                h.element("text", [.init("x", "\(length + 6)"), .init("y", "\(y + labelHeight + 13)"), .init("class", "bar-count")], text: "\(row.count)")
            }
        }
    }

    static func clipped(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }

    /// Outputs, members and decision tables by their labels in the page's language (names when the policy gives none).
    struct Labels {
        var outline: PolicyOutline?
        var language: Language

        func decision(_ name: String) -> String {
            if name.isEmpty { return language == .zh ? "整个案件" : "the whole case" }
            guard let d = outline?.decisions.first(where: { $0.name == name }) else { return name }
            return d.notes.label.text(language) ?? name
        }

        func output(_ name: String) -> String {
            let base = name.hasSuffix(".status") ? String(name.dropLast(7)) : name
            for d in outline?.decisions ?? [] {
                if let o = d.outputs.first(where: { $0.name == base }) { return o.label.text(language) ?? name }
            }
            return name
        }

        func member(_ m: String, of output: String) -> String {
            guard let outline else { return m }
            for d in outline.decisions {
                if let o = d.outputs.first(where: { $0.name == output }) { return outline.label(ofMember: m, in: o.type)?.text(language) ?? m }
            }
            return m
        }

        func route(_ t: ChangeImpact.Transition) -> String { ChangeImpact.routeText(t, language) }

        func transition(_ t: ChangeImpact.Transition) -> String { decision(t.decision) + ": " + route(t) }

        func shape(_ c: ChangeImpact.OutputChange) -> String {
            switch c.shape {
            case let .members(added, removed):
                return (added.map { "+ " + member($0, of: c.output) } + removed.map { "− " + member($0, of: c.output) }).joined(separator: ", ")
            case let .value(from, to):
                return member(from, of: c.output) + " → " + member(to, of: c.output)
            case .shift:
                return ChangeImpact.text(c.shape, language)
            }
        }
    }
}
