import Foundation
import Verdict
import VerdictAudit

/// Page 4: paste or load changed policy files for a set and check them: diagnostics shown in the
/// source at their line and column, the set's YAML tests, and the impact on recorded decisions.
/// The form is a POST carrying the double-submit token; nothing is ever written.
public enum DraftPage {
    /// The form for `set` with `files` (path relative to the folder, text), and the report of the last check.
    public static func render(sets: [String], set: String?, files: [(path: String, text: String)], report: DraftReport?,
                              context c: ConsoleContext) -> String {
        let w = c.words
        return ConsolePage.render(title: w.draft, tab: .draft, context: c) { h in
            h.element("form", [.init("method", "get"), .init("action", "/draft")]) { h in
                h.element("label", [.init("for", "policy")], text: w.set)
                h.text(" ")
                h.element("select", [.init("id", "policy"), .init("name", "policy")]) { h in
                    for s in sets { h.element("option", [.init("value", s), .init("selected", s == set ? "" : nil)], text: s) }
                }
                h.text(" ")
                h.element("button", [.init("type", "submit"), .init("aria-label", w.openSet), .init("title", w.openSet)], text: "→")
            }
            guard let set else { return }
            if let report { result(report, c, &h) }
            h.element("p", text: w.draftHelp)
            h.element("p", [.init("class", "muted")], text: w.neverWritten)
            h.element("form", [.init("method", "post"), .init("action", "/draft"), .init("id", "draft-form"),
                               .init("enctype", "application/x-www-form-urlencoded")]) { h in
                ConsolePage.csrfField(c, into: &h)
                h.void("input", [.init("type", "hidden"), .init("name", "policy"), .init("value", set)])
                h.element("div", [.init("class", "field")]) { h in
                    h.element("label", [.init("for", "upload")], text: w.upload)
                    h.element("span", [.init("class", "hint"), .init("id", "upload-hint")], text: w.uploadHelp)
                    h.void("input", [.init("type", "file"), .init("id", "upload"), .init("multiple", ""), .init("accept", ".yaml,.yml"),
                                     .init("data-draft-files", ""), .init("aria-describedby", "upload-hint")])
                }
                h.element("div", [.init("id", "draft-files")]) { h in
                    for (n, f) in files.enumerated() {
                        h.element("div", [.init("class", "field")]) { h in
                            h.element("label", [.init("for", "file-\(n)")], text: "\(w.file): \(f.path)")
                            h.element("textarea", [.init("id", "file-\(n)"), .init("name", "file." + f.path), .init("data-file", f.path),
                                                   .init("rows", "\(min(30, max(6, f.text.split(separator: "\n", omittingEmptySubsequences: false).count + 1)))"),
                                                   .init("spellcheck", "false")], text: f.text)
                        }
                    }
                }
                h.element("div", [.init("class", "field")]) { h in
                    h.element("label", [.init("for", "new-name")], text: w.newFileName)
                    h.void("input", [.init("type", "text"), .init("id", "new-name"), .init("name", "new_name"), .init("placeholder", "a7-new.yaml")])
                    h.element("label", [.init("for", "new-text")], text: w.newFile)
                    h.element("textarea", [.init("id", "new-text"), .init("name", "new_text"), .init("rows", "6"), .init("spellcheck", "false")], text: "")
                }
                h.element("div") { h in h.element("button", [.init("type", "submit"), .init("id", "check")], text: w.check) }
            }
        }
    }

    static func result(_ r: DraftReport, _ c: ConsoleContext, _ h: inout HTML) {
        let w = c.words
        h.element("section", [.init("aria-labelledby", "draft-result"), .init("id", "report")]) { h in
            h.element("h2", [.init("id", "draft-result")], text: "\(w.set): \(r.set)")
            h.element("p", [.init("class", r.loads ? "good" : "problem"), .init("role", r.loads ? "status" : "alert")]) { h in
                h.text(r.loads ? w.draftLoads : w.draftFails)
                if let d = r.digest { h.text(" "); h.element("code", text: d) }
            }
            h.element("h3", text: w.changedFiles)
            if r.changed.isEmpty { h.element("p", text: w.noChanges) } else {
                h.element("ul") { h in for f in r.changed { h.element("li") { h in h.element("code", text: f) } } }
            }
            let all = r.diagnostics + r.testDiagnostics
            if !all.isEmpty {
                let errors = all.filter { $0.severity == .error }.count
                h.element("h3", text: "\(w.diagnostics) (\(errors) \(w.errors), \(all.count - errors) \(w.warnings))")
                h.element("ol", [.init("class", "diagnostics")]) { h in
                    for d in all { h.element("li", [.init("class", "diagnostic")]) { h in diagnostic(d, r.files, c, &h) } }
                }
            }
            if let t = r.tests {
                h.element("h3", text: w.testsRun)
                h.element("p", [.init("class", t.failed == 0 ? "good" : "problem"), .init("id", "tests")],
                          text: "\(t.passed) \(w.passed), \(t.failed) \(w.failed)")
                if !t.failures.isEmpty {
                    h.element("ul") { h in
                        for f in t.failures {
                            h.element("li") { h in
                                h.element("code", text: "\(f.location.path):\(f.location.line)")
                                h.text(" \(f.test): " + f.problems.joined(separator: "; "))
                            }
                        }
                    }
                }
            }
            if c.hasAuditLog, r.loads {
                h.element("h3", text: w.impact)
                h.element("p", [.init("class", "muted")], text: w.impactHelp)
                if let p = r.replayProblem { h.element("p", [.init("class", "problem")], text: p) }
                if let rp = r.replay {
                    h.element("p", [.init("id", "impact")], text: "\(rp.decisions) · \(w.unchanged) \(rp.unchanged) · \(w.changedCases) \(rp.changedCases) · \(w.cannotDecide) \(rp.failures.count)")
                    if rp.notRead > 0 { h.element("p", [.init("class", "muted")], text: "\(rp.notRead) \(w.olderNotRead)") }
                    if rp.changes.isEmpty { h.element("p", text: w.noImpact) } else {
                        PoliciesPage.table(caption: w.impact, headers: [w.outputName, w.change, w.cases], &h) { h in
                            for (change, cases) in rp.changes.sorted(by: { ($0.key.output, $0.key.from, $0.key.to) < ($1.key.output, $1.key.from, $1.key.to) }) {
                                h.element("tr") { h in
                                    h.element("td") { h in h.element("code", text: change.output) }
                                    h.element("td") { h in h.element("code", text: "\(change.from) → \(change.to)") }
                                    h.element("td", text: "\(cases.count): " + cases.prefix(20).joined(separator: ", ") + (cases.count > 20 ? " …" : ""))
                                }
                            }
                        }
                    }
                    if !rp.failures.isEmpty {
                        h.element("ul") { h in
                            for f in rp.failures.prefix(20) { h.element("li") { h in h.element("code", text: f.caseID); h.text(" (#\(f.seq)): " + f.message) } }
                        }
                    }
                }
            }
        }
    }

    /// A diagnostic with the lines around it, the line at fault marked and a caret under its column.
    static func diagnostic(_ d: Diagnostic, _ files: [(path: String, text: String)], _ c: ConsoleContext, _ h: inout HTML) {
        h.element("p") { h in
            h.element("span", [.init("class", "tag")], text: d.severity.rawValue)
            h.text(" ")
            if let l = d.location { h.element("code", [.init("class", "at")], text: "\(l.path):\(l.line):\(l.column)"); h.text(": ") }
            h.text(d.message)
            h.text(" ")
            h.element("span", [.init("class", "muted")], text: "[\(d.code)]")
            if let help = d.help { h.element("span", [.init("class", "muted")], text: " — " + help) }
        }
        guard let l = d.location, let file = files.first(where: { $0.path == l.path }) else { return }
        let lines = file.text.split(separator: "\n", omittingEmptySubsequences: false)
        guard l.line >= 1, l.line <= lines.count else { return }
        let first = max(1, l.line - 2), last = min(lines.count, l.line + 2)
        h.element("div", [.init("class", "source"), .init("role", "group"), .init("aria-label", "\(l.path) \(c.words.line) \(l.line)")]) { h in
            h.element("ol", [.init("start", "\(first)")]) { h in
                for n in first...last {
                    let text = String(lines[n - 1]).replacingOccurrences(of: "\r", with: "")
                    h.element("li", [.init("class", n == l.line ? "at" : nil)]) { h in
                        h.text(text.isEmpty ? " " : text)
                        if n == l.line {
                            h.text("\n")
                            h.element("span", [.init("class", "caret"), .init("aria-label", "\(c.words.column) \(l.column)")],
                                      text: String(repeating: " ", count: max(0, l.column - 1)) + String(repeating: "^", count: max(1, min(l.length, 80))))
                        }
                    }
                }
            }
        }
        for n in d.notes { h.element("p", [.init("class", "muted")], text: (n.location.map { "\($0.path):\($0.line): " } ?? "") + n.message) }
    }
}
