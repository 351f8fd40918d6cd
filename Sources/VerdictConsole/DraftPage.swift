import Foundation
import Verdict
import VerdictAudit

/// Page 4: paste or load changed policy files for a set and check them: which version the draft is
/// made from (and the later versions it does not reach), made as an edit of it or as a new version
/// with its own effective date; diagnostics shown in the source at their line and column, each a link
/// to its line; the line diff of each changed file; the version's YAML tests; the impact on recorded
/// decisions; and the next step, the changed files to download and hand on. The form is a POST
/// carrying the double-submit token (so the draft travels with a language switch); nothing is ever written.
public enum DraftPage {
    /// The form for `set` with `files` (path relative to the version's folder, text), the version it is
    /// made from (`target`), and the report of the last check.
    public static func render(sets: [String], set: String?, files: [(path: String, text: String)], report: DraftReport?,
                              target: DraftTarget? = nil, removed: [String] = [], context c: ConsoleContext) -> String {
        let w = c.words, dw = c.draftWords
        let target = report?.target ?? target
        let other: Language = c.language == .zh ? .en : .zh
        let switchLabel = dw.keepDraft.filled(["language": other == .zh ? "中文" : "English"])
        return ConsolePage.render(title: w.draft, tab: .draft, context: c,
                                  languageForm: set == nil ? nil : (form: "draft-form", label: switchLabel)) { h in
            h.element("form", [.init("method", "get"), .init("action", "/draft")]) { h in
                h.element("label", [.init("for", "policy")], text: w.set)
                h.text(" ")
                h.element("select", [.init("id", "policy"), .init("name", "policy")]) { h in
                    for s in sets { h.element("option", [.init("value", s), .init("selected", s == set ? "" : nil)], text: s) }
                }
                if let target, target.versions.count > 1 {
                    h.text(" ")
                    h.element("label", [.init("for", "base-choice")], text: dw.versionToEdit)
                    h.text(" ")
                    h.element("select", [.init("id", "base-choice"), .init("name", "base")]) { h in
                        for (i, v) in target.versions.enumerated() {
                            h.element("option", [.init("value", v.folder), .init("selected", i == target.edited ? "" : nil)],
                                      text: v.version + (v.effective.map { " (\($0))" } ?? ""))
                        }
                    }
                }
                h.text(" ")
                h.element("button", [.init("type", "submit"), .init("aria-label", w.openSet), .init("title", w.openSet)], text: "→")
            }
            guard let set else { return }
            if let target { version(target, set: set, c, &h) }
            if let report { result(report, c, &h) }
            h.element("p", text: dw.formHelp)
            h.element("p", [.init("class", "muted")], text: w.neverWritten)
            h.element("p", [.init("id", "draft-restored"), .init("class", "warning"), .init("hidden", ""), .init("role", "status")]) { h in
                h.text(dw.restored + " ")
                h.element("button", [.init("type", "button"), .init("id", "draft-discard")], text: dw.discard)
            }
            WorkbookDraftView.form(set: set, c, &h)
            form(set: set, files: files, report: report, target: target, removed: removed, c, &h)
        }
    }

    /// The version the draft is made from, with its dates, and each later version with what it changes.
    static func version(_ t: DraftTarget, set: String, _ c: ConsoleContext, _ h: inout HTML) {
        let dw = c.draftWords
        h.element("section", [.init("aria-labelledby", "draft-version"), .init("id", "version")]) { h in
            h.element("h2", [.init("id", "draft-version")], text: dw.editsVersion.filled(["version": t.base.version, "set": set]))
            h.element("p") { h in
                var dates: [String] = []
                if let e = t.base.effective { dates.append(dw.fromDate.filled(["date": "\(e)"])) }
                if let u = t.until { dates.append(dw.untilDate.filled(["date": "\(u)"])) } else { dates.append(dw.untilOpen) }
                h.text(dates.joined(separator: ", ") + " · ")
                h.element("span", [.init("class", "muted")], text: dw.editsVersionHelp.filled(["folder": t.base.folder.isEmpty ? set + "/" : set + "/" + t.base.folder + "/"]))
            }
            for l in t.later {
                h.element("div", [.init("class", "warning"), .init("role", "note"), .init("id", "later-\(l.version.version)")]) { h in
                    let when = l.version.effective.map { (l.scheduled ? dw.laterScheduled : dw.laterInForce).filled(["date": "\($0)"]) } ?? ""
                    h.element("p") { h in
                        h.element("strong", text: dw.laterVersion.filled(["version": l.version.version]))
                        if !when.isEmpty { h.text(", " + when) }
                    }
                    if l.changes.isEmpty {
                        h.element("p", text: dw.laterNoChanges.filled(["version": l.version.version, "edited": t.base.version]))
                    } else {
                        h.element("p", text: dw.laterChanges.filled(["version": l.version.version, "edited": t.base.version]))
                        h.element("ul", [.init("class", "changes")]) { h in
                            for line in l.changes { h.element("li") { h in h.element("code", text: line) } }
                        }
                    }
                    if t.asNew == nil, let e = l.version.effective {
                        h.element("p", text: dw.laterAdvice.filled(["version": l.version.version, "edited": t.base.version, "date": "\(e)"]))
                    }
                }
            }
        }
    }

    /// The draft form: how the draft is made (an edit or a new version), the files, each with its
    /// numbered lines, a new file, and the check.
    static func form(set: String, files: [(path: String, text: String)], report: DraftReport?, target: DraftTarget?, removed: [String] = [],
                     _ c: ConsoleContext, _ h: inout HTML) {
        let w = c.words, dw = c.draftWords
        let marked = Set((report.map { $0.diagnostics + $0.testDiagnostics } ?? []).compactMap { $0.location?.path })
        h.element("form", [.init("method", "post"), .init("action", "/draft"), .init("id", "draft-form"),
                           .init("enctype", "application/x-www-form-urlencoded"), .init("data-draft-key", set + "|" + (target?.base.folder ?? "")),
                           .init("data-fresh", report == nil ? "1" : nil)]) { h in
            ConsolePage.csrfField(c, into: &h)
            h.void("input", [.init("type", "hidden"), .init("name", "policy"), .init("value", set)])
            if let target {
                h.void("input", [.init("type", "hidden"), .init("name", "base"), .init("value", target.base.folder)])
            }
            if report != nil { h.void("input", [.init("type", "hidden"), .init("name", "checked"), .init("value", "1")]) }
            if target != nil {
                let isNew = target?.asNew != nil
                h.element("fieldset", [.init("class", "field")]) { h in
                    h.element("legend", text: dw.asWhat)
                    h.element("div") { h in
                        h.void("input", [.init("type", "radio"), .init("id", "as-edit"), .init("name", "as"), .init("value", "edit"), .init("checked", isNew ? nil : "")])
                        h.element("label", [.init("for", "as-edit"), .init("class", "inline")], text: dw.asEdit)
                    }
                    h.element("div") { h in
                        h.void("input", [.init("type", "radio"), .init("id", "as-new"), .init("name", "as"), .init("value", "new"), .init("checked", isNew ? "" : nil)])
                        h.element("label", [.init("for", "as-new"), .init("class", "inline")], text: dw.asNew)
                    }
                }
                h.element("div", [.init("class", "field")]) { h in
                    h.element("label", [.init("for", "new-version")], text: dw.newVersion)
                    h.element("span", [.init("class", "hint"), .init("id", "new-version-hint")], text: dw.newVersionHelp)
                    h.void("input", [.init("type", "text"), .init("id", "new-version"), .init("name", "new_version"), .init("value", target?.asNew?.version ?? ""),
                                     .init("aria-describedby", "new-version-hint"), .init("autocomplete", "off")])
                }
                h.element("div", [.init("class", "field")]) { h in
                    h.element("label", [.init("for", "new-effective")], text: dw.newEffective)
                    h.element("span", [.init("class", "hint"), .init("id", "new-effective-hint")], text: dw.newEffectiveHelp)
                    h.void("input", [.init("type", "text"), .init("id", "new-effective"), .init("name", "new_effective"), .init("value", target?.asNew?.effective ?? ""),
                                     .init("placeholder", "2027-01-01"), .init("aria-describedby", "new-effective-hint"), .init("autocomplete", "off")])
                }
            }
            h.element("div", [.init("class", "field")]) { h in
                h.element("label", [.init("for", "upload")], text: w.upload)
                h.element("span", [.init("class", "hint"), .init("id", "upload-hint")], text: w.uploadHelp)
                h.void("input", [.init("type", "file"), .init("id", "upload"), .init("multiple", ""), .init("accept", ".yaml,.yml"),
                                 .init("data-draft-files", ""), .init("aria-describedby", "upload-hint")])
            }
            h.element("div", [.init("id", "draft-files")]) { h in
                for (n, f) in files.enumerated() {
                    let lines = sourceLines(f.text)
                    h.element("div", [.init("class", "field draft-file")]) { h in
                        h.element("label", [.init("for", "file-\(n)")], text: "\(w.file): \(f.path)")
                        h.element("textarea", [.init("id", "file-\(n)"), .init("name", "file." + f.path), .init("data-file", f.path),
                                               .init("aria-describedby", "listing-\(n)-summary"),
                                               .init("rows", "\(min(30, max(6, lines.count + 1)))"), .init("spellcheck", "false")], text: f.text)
                        // Removing a file is part of a draft too (a proposal can remove it); its text stays here to take back.
                        h.element("div", [.init("class", "remove-file")]) { h in
                            h.void("input", [.init("type", "checkbox"), .init("id", "remove-\(n)"), .init("name", "remove." + f.path), .init("value", "1"),
                                             .init("checked", (report?.removed ?? removed).contains(f.path) ? "" : nil)])
                            h.text(" ")
                            h.element("label", [.init("for", "remove-\(n)")], text: dw.removeFile.filled(["file": f.path]))
                        }
                        // The numbered lines of the file as submitted: the target of each diagnostic's link.
                        h.element("details", [.init("class", "listing"), .init("id", "listing-\(n)"), .init("open", marked.contains(f.path) ? "" : nil)]) { h in
                            h.element("summary", [.init("id", "listing-\(n)-summary")], text: dw.listingOf.filled(["file": f.path]) + " (\(lines.count))")
                            h.element("ol", [.init("class", "lines"), .init("aria-label", dw.listingOf.filled(["file": f.path]))]) { h in
                                for (i, line) in lines.enumerated() {
                                    h.element("li", [.init("id", "f\(n)-L\(i + 1)")], text: line.isEmpty ? " " : line)
                                }
                            }
                        }
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

    static func sourceLines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).replacingOccurrences(of: "\r", with: "") }
        if lines.count > 1, lines.last == "" { lines.removeLast() }
        return lines
    }

    static func result(_ r: DraftReport, _ c: ConsoleContext, _ h: inout HTML) {
        let w = c.words, dw = c.draftWords
        h.element("section", [.init("aria-labelledby", "draft-result"), .init("id", "report")]) { h in
            h.element("h2", [.init("id", "draft-result")], text: "\(w.set): \(r.set)")
            if let wb = r.workbook, !WorkbookDraftView.outcome(wb, c, &h) { return }
            if !r.formProblems.isEmpty {
                h.element("div", [.init("class", "problem"), .init("role", "alert"), .init("id", "form-problems")]) { h in
                    h.element("p", text: dw.formProblem)
                    h.element("ul") { h in for p in r.formProblems { h.element("li", text: p) } }
                }
                return
            }
            h.element("p", [.init("class", r.loads ? "good" : "problem"), .init("role", r.loads ? "status" : "alert")]) { h in
                h.text(r.loads ? w.draftLoads : w.draftFails)
                if let d = r.digest { h.text(" "); h.element("code", text: d) }
            }
            if let t = r.target, let n = t.asNew {
                h.element("p", [.init("id", "new-version-note")]) { h in
                    h.text(dw.newVersionIs.filled(["version": n.version, "date": n.effective, "edited": t.base.version]) + " ")
                    h.text(dw.newVersionFolder.filled(["folder": r.set + "/" + n.folder + "/"]))
                }
            }
            if !r.checkedWith.isEmpty {
                h.element("p", [.init("class", "muted")], text: dw.versionsTogether.filled(["versions": r.checkedWith.joined(separator: ", ")]))
            }
            h.element("h3", text: w.changedFiles)
            if r.changed.isEmpty { h.element("p", text: w.noChanges) } else {
                h.element("ul") { h in for f in r.changed { h.element("li") { h in h.element("code", text: r.target?.pathInSet(f) ?? f) } } }
            }
            if !r.diffs.isEmpty { diffs(r.diffs, c, &h) }
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
                h.element("p", [.init("class", t.failed == 0 ? "good" : "problem"), .init("id", "tests")]) { h in
                    h.text("\(t.passed) \(w.passed), \(t.failed) \(w.failed)")
                    if let t = r.target { h.text(" — " + dw.testsOfVersion.filled(["version": t.asNew?.version ?? t.base.version])) }
                }
                if let served = r.served, served.versions > 1 {
                    h.element("p", [.init("class", "muted"), .init("id", "tests-scope")],
                              text: dw.testsOfVersionUnchanged.filled(["total": "\(served.testsPassed)", "count": "\(served.versions)"]))
                }
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
            if c.hasAuditLog, r.loads { impact(r, c, &h) }
            if r.canHandOn, !r.changed.isEmpty { nextStep(r, c, &h) }
            if r.canHandOn, !r.changed.isEmpty || !r.removed.isEmpty || r.target?.asNew != nil, c.hasProposals { ProposalPages.proposeForm(r, c, &h) }
        }
    }

    /// The impact on recorded decisions: the draft's replay of the set's recorded cases, grouped by cause
    /// (see ``ImpactView``).
    static func impact(_ r: DraftReport, _ c: ConsoleContext, _ h: inout HTML) {
        let w = c.words
        h.element("h3", text: w.impact)
        h.element("p", [.init("class", "muted")], text: w.impactHelp)
        if let p = r.replayProblem { h.element("p", [.init("class", "problem")], text: p) }
        if let rp = r.replay { ImpactView.render(rp, outline: r.outline, c, &h) }
    }

    /// Each changed file's line diff: a table per file, removed and added lines marked in words as
    /// well as colour, the line numbers before and after.
    static func diffs(_ diffs: [(path: String, diff: LineDiff)], _ c: ConsoleContext, _ h: inout HTML) {
        let dw = c.draftWords
        h.element("h3", [.init("id", "diff-title")], text: dw.diffTitle)
        for (n, (path, d)) in diffs.enumerated() {
            let summary = dw.diffSummary.filled(["file": path, "removed": "\(d.removed)", "added": "\(d.added)"])
            h.element("div", [.init("class", "scroll diff"), .init("role", "region"), .init("tabindex", "0"), .init("aria-labelledby", "diff-\(n)")]) { h in
                h.element("table", [.init("class", "diff")]) { h in
                    h.element("caption", [.init("id", "diff-\(n)")], text: summary)
                    h.element("thead") { h in
                        h.element("tr") { h in
                            h.element("th", [.init("scope", "col")], text: dw.oldLine)
                            h.element("th", [.init("scope", "col")], text: dw.newLine)
                            h.element("th", [.init("scope", "col")]) { h in h.element("span", [.init("class", "vh")], text: dw.diffTitle) }
                        }
                    }
                    for (k, hunk) in d.hunks.enumerated() {
                        h.element("tbody") { h in
                            if k > 0 {
                                h.element("tr", [.init("class", "gap")]) { h in h.element("td", [.init("colspan", "3")], text: "⋯") }
                            }
                            for line in hunk {
                                let cls: String? = line.kind == .removed ? "removed" : line.kind == .added ? "added" : nil
                                h.element("tr", [.init("class", cls)]) { h in
                                    h.element("td", [.init("class", "num")], text: line.old.map(String.init) ?? "")
                                    h.element("td", [.init("class", "num")], text: line.new.map(String.init) ?? "")
                                    h.element("td", [.init("class", "code")]) { h in
                                        switch line.kind {
                                        case .removed:
                                            h.element("del") { h in h.element("span", [.init("class", "vh")], text: dw.removed + ": "); h.text("− " + line.text) }
                                        case .added:
                                            h.element("ins") { h in h.element("span", [.init("class", "vh")], text: dw.added + ": "); h.text("+ " + line.text) }
                                        case .kept:
                                            h.text("  " + line.text)
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

    /// What to do with a draft that loads and passes its tests: download its files, with its digest, and
    /// put them in the served folder.
    static func nextStep(_ r: DraftReport, _ c: ConsoleContext, _ h: inout HTML) {
        let dw = c.draftWords
        h.element("section", [.init("aria-labelledby", "next-step"), .init("id", "next")]) { h in
            h.element("h3", [.init("id", "next-step")], text: dw.nextStep)
            h.element("p", text: dw.nextStepHelp)
            h.element("ul", [.init("aria-label", dw.handOnFiles)]) { h in
                for f in r.handOn { h.element("li") { h in h.element("code", text: r.set + "/" + f.path) } }
            }
            h.element("p") { h in
                h.element("button", [.init("type", "submit"), .init("form", "draft-form"), .init("formaction", "/draft/download"),
                                     .init("id", "download"), .init("aria-describedby", "download-help")], text: dw.download)
                h.text(" ")
                h.element("span", [.init("class", "muted"), .init("id", "download-help")], text: dw.downloadHelp)
            }
            h.element("p", [.init("id", "activation")], text: dw.activation.filled(["digest": r.digest ?? ""]))
        }
    }

    /// A diagnostic with the lines around it, the line at fault marked and a caret under its column;
    /// its `file:line:column` a link to that line of the file in the form.
    static func diagnostic(_ d: Diagnostic, _ files: [(path: String, text: String)], _ c: ConsoleContext, _ h: inout HTML) {
        let index = d.location.flatMap { l in files.firstIndex { $0.path == l.path } }
        h.element("p") { h in
            h.element("span", [.init("class", "tag")], text: d.severity.rawValue)
            h.text(" ")
            if let l = d.location {
                if let n = index {
                    h.element("a", [.init("class", "at"), .init("href", "#f\(n)-L\(l.line)"), .init("data-textarea", "file-\(n)"),
                                    .init("data-line", "\(l.line)"), .init("data-column", "\(l.column)"), .init("title", c.draftWords.jumpToLine)]) { h in
                        h.element("code", text: "\(l.path):\(l.line):\(l.column)")
                    }
                } else {
                    h.element("code", [.init("class", "at")], text: "\(l.path):\(l.line):\(l.column)")
                }
                h.text(": ")
            }
            h.text(d.message)
            h.text(" ")
            h.element("span", [.init("class", "muted")], text: "[\(d.code)]")
            if let help = d.help { h.element("span", [.init("class", "muted")], text: " — " + help) }
        }
        guard let l = d.location, let n = index else { return }
        let lines = files[n].text.split(separator: "\n", omittingEmptySubsequences: false)
        guard l.line >= 1, l.line <= lines.count else { return }
        let first = max(1, l.line - 2), last = min(lines.count, l.line + 2)
        h.element("div", [.init("class", "source"), .init("role", "group"), .init("aria-label", "\(l.path) \(c.words.line) \(l.line)")]) { h in
            h.element("ol", [.init("start", "\(first)")]) { h in
                for k in first...last {
                    let text = String(lines[k - 1]).replacingOccurrences(of: "\r", with: "")
                    h.element("li", [.init("class", k == l.line ? "at" : nil)]) { h in
                        h.text(text.isEmpty ? " " : text)
                        if k == l.line {
                            h.text("\n")
                            h.element("span", [.init("class", "caret"), .init("aria-label", "\(c.words.column) \(l.column)")],
                                      text: String(repeating: " ", count: max(0, l.column - 1)) + String(repeating: "^", count: max(1, min(l.length, 80))))
                        }
                    }
                }
            }
        }
        for note in d.notes { h.element("p", [.init("class", "muted")], text: (note.location.map { "\($0.path):\($0.line): " } ?? "") + note.message) }
    }
}
