import Foundation
import Verdict
import VerdictAudit
import VerdictChanges

/// The console's pages of governed changes (issue 32): the list of proposals (`/proposals`), one
/// proposal with its review (`/proposals/ID`), the "Propose this change" form under a checked draft, and
/// the rollback form. Every POST form carries the double-submit token; the buttons shown are the ones
/// the signed-in person may use (the server checks the role again on every POST).
public enum ProposalPages {
    /// What the signed-in person may do with one proposal.
    public struct Actions: Sendable, Equatable {
        /// Approve and reject (an approver, not its author, the proposal open).
        public var review = false
        /// Withdraw (its author, or an admin, the proposal open).
        public var withdraw = false
        /// Bring up to date (its author, or an admin, the proposal open and its base no longer serving).
        public var update = false
        /// The viewer is its author and an approver: the page says why there is no Approve button.
        public var ownProposalNote = false

        /// Actions.
        public init(review: Bool = false, withdraw: Bool = false, update: Bool = false, ownProposalNote: Bool = false) {
            self.review = review
            self.withdraw = withdraw
            self.update = update
            self.ownProposalNote = ownProposalNote
        }
    }

    /// Why an action was refused: a code (for a title in the page's language) and the reason as the
    /// service gave it.
    public struct Refusal: Sendable {
        /// `own-proposal`, `stale-base`, …
        public var code: String
        /// The reason, as the store or the check said it.
        public var detail: String

        /// A refusal.
        public init(code: String, detail: String) {
            self.code = code
            self.detail = detail
        }
    }

    /// A version the decision log archived that no longer serves: what a rollback may bring back.
    public struct EarlierVersion: Sendable {
        /// The set.
        public var set: String
        /// Its `version` and digest.
        public var version: String
        public var digest: String
        /// When it served (RFC 3339).
        public var from: String
        public var until: String

        /// An earlier version.
        public init(set: String, version: String, digest: String, from: String, until: String) {
            self.set = set
            self.version = version
            self.digest = digest
            self.from = from
            self.until = until
        }
    }

    // MARK: - The list

    /// The list of proposals, the latest first, with a filter by set and state; below it, the rollback
    /// forms (`earlier`, for an editor) and a problem with the filter or the last action (`refusal`).
    public static func list(_ rows: [Proposal], sets: [String], set: String?, state: String?, earlier: [EarlierVersion],
                            canPropose: Bool, refusal: Refusal?, context c: ConsoleContext) -> String {
        let cw = c.changeWords
        return ConsolePage.render(title: cw.proposals, tab: .proposals, context: c) { h in
            if let refusal { refused(refusal, c, &h) }
            h.element("form", [.init("method", "get"), .init("action", "/proposals"), .init("class", "case")]) { h in
                h.element("label", [.init("for", "p-set")], text: cw.filterSet)
                h.text(" ")
                h.element("select", [.init("id", "p-set"), .init("name", "set")]) { h in
                    h.element("option", [.init("value", ""), .init("selected", set == nil ? "" : nil)], text: cw.anySet)
                    for s in sets { h.element("option", [.init("value", s), .init("selected", s == set ? "" : nil)], text: s) }
                }
                h.text(" ")
                h.element("label", [.init("for", "p-state")], text: cw.filterState)
                h.text(" ")
                h.element("select", [.init("id", "p-state"), .init("name", "state")]) { h in
                    h.element("option", [.init("value", ""), .init("selected", state == nil ? "" : nil)], text: cw.anyState)
                    for s in ["open", "approved", "rejected", "activated", "refused", "withdrawn"] {
                        h.element("option", [.init("value", s), .init("selected", s == state ? "" : nil)], text: cw.stateName(s))
                    }
                }
                h.text(" ")
                h.element("button", [.init("type", "submit")], text: cw.show)
            }
            if !canPropose { h.element("p", [.init("class", "muted")], text: cw.viewOnly) }
            if rows.isEmpty {
                h.element("p", [.init("id", "no-proposals")], text: cw.noProposals)
            } else {
                h.element("div", [.init("class", "scroll"), .init("role", "region"), .init("tabindex", "0"), .init("aria-labelledby", "proposals-caption")]) { h in
                    h.element("table", [.init("id", "proposals")]) { h in
                        h.element("caption", [.init("id", "proposals-caption")], text: cw.listCaption)
                        h.element("thead") { h in
                            h.element("tr") { h in
                                for title in [cw.id, cw.filterSet, cw.state, cw.author, cw.reason, cw.created, cw.updated] {
                                    h.element("th", [.init("scope", "col")], text: title)
                                }
                            }
                        }
                        h.element("tbody") { h in
                            for p in rows {
                                h.element("tr", [.init("data-state", p.state.rawValue)]) { h in
                                    h.element("th", [.init("scope", "row")]) { h in
                                        h.element("a", [.init("href", ConsoleLink.to("/proposals/" + p.id))], text: p.id)
                                    }
                                    h.element("td", text: p.set)
                                    h.element("td") { h in h.element("span", [.init("class", "state state-" + p.state.rawValue)], text: cw.stateName(p.state.rawValue)) }
                                    h.element("td", text: p.author)
                                    h.element("td", text: p.reason.count > 160 ? String(p.reason.prefix(160)) + "…" : p.reason)
                                    h.element("td", text: p.createdAt)
                                    h.element("td", text: p.updatedAt)
                                }
                            }
                        }
                    }
                }
            }
            if canPropose { rollback(earlier, c, &h) }
        }
    }

    /// The rollback forms: one per earlier version, each with its reason.
    static func rollback(_ earlier: [EarlierVersion], _ c: ConsoleContext, _ h: inout HTML) {
        let cw = c.changeWords
        h.element("section", [.init("aria-labelledby", "rollback-title"), .init("id", "rollback")]) { h in
            h.element("h2", [.init("id", "rollback-title")], text: cw.rollbackTitle)
            h.element("p", [.init("class", "muted")], text: cw.rollbackHelp)
            if earlier.isEmpty { h.element("p", text: cw.noEarlier); return }
            for (n, v) in earlier.enumerated() {
                let short = String(v.digest.split(separator: ":").last.map(String.init)?.prefix(12) ?? "")
                h.element("form", [.init("method", "post"), .init("action", "/proposals/rollback"), .init("class", "rollback"),
                                   .init("aria-labelledby", "rb-\(n)-title")]) { h in
                    ConsolePage.csrfField(c, into: &h)
                    h.void("input", [.init("type", "hidden"), .init("name", "set"), .init("value", v.set)])
                    h.void("input", [.init("type", "hidden"), .init("name", "digest"), .init("value", v.digest)])
                    h.element("h3", [.init("id", "rb-\(n)-title")]) { h in
                        h.text("\(v.set) \(v.version) ")
                        h.element("code", text: v.digest)
                    }
                    h.element("p", [.init("class", "muted")], text: cw.servedFrom.filled(["from": v.from, "until": v.until]))
                    reasonField(id: "rb-\(n)-reason", c, &h)
                    h.element("button", [.init("type", "submit")], text: cw.rollbackButton.filled(["digest": short]))
                }
            }
        }
    }

    // MARK: - One proposal

    /// One proposal: who, why, base → candidate, the check, each file's diff, the reviews and the outcome;
    /// then the forms `actions` allows; `serving` is the digest serving now in its version folder (nil
    /// when the set is not served), `refusal` why the last action was not done.
    public static func one(_ p: Proposal, actions: Actions, serving: String?, refusal: Refusal?, context c: ConsoleContext) -> String {
        let cw = c.changeWords
        return ConsolePage.render(title: cw.proposal.filled(["id": p.id]) + " — " + p.set, tab: .proposals, context: c) { h in
            if let refusal { refused(refusal, c, &h) }
            h.element("p", [.init("id", "state")]) { h in
                h.text(cw.state + ": ")
                h.element("strong", [.init("class", "state state-" + p.state.rawValue)], text: cw.stateName(p.state.rawValue))
            }
            h.element("dl", [.init("class", "facts"), .init("id", "facts")]) { h in
                fact(cw.author, p.author, &h)
                fact(cw.created, p.createdAt, &h)
                fact(cw.updated, p.updatedAt, &h)
                if let from = p.madeFrom {
                    h.element("dt", text: cw.versionFolder)
                    h.element("dd", [.init("id", "new-version")],
                              text: p.version + " — " + ConsoleWords.fill(cw.newVersionMadeFrom, ["version": p.newVersionName ?? "",
                                                                             "date": p.newVersionEffective ?? "—",
                                                                             "from": from.isEmpty ? cw.ownFiles : from]))
                } else {
                    fact(cw.versionFolder, p.version.isEmpty ? cw.ownFiles : p.version, &h)
                }
                h.element("dt", text: cw.reason)
                h.element("dd", [.init("id", "reason"), .init("class", "reason")], text: p.reason)
                h.element("dt", text: cw.digests)
                h.element("dd", [.init("id", "digests")]) { h in
                    h.element("code", [.init("title", cw.base)], text: p.baseDigest)
                    h.text(" → ")
                    h.element("code", [.init("title", cw.candidate)], text: p.candidateDigest)
                    if serving == p.candidateDigest { h.text(" (" + cw.servingNow + ")") }
                }
                if let r = p.rollbackOf {
                    h.element("dt", text: cw.rollbackOf)
                    h.element("dd") { h in h.element("code", text: r) }
                }
            }
            if p.state == .open, let serving, serving != p.baseDigest {
                h.element("p", [.init("class", "warning"), .init("role", "note"), .init("id", "stale")],
                          text: cw.stale.filled(["base": String(p.baseDigest.prefix(19)), "serving": String(serving.prefix(19))]))
            }
            h.element("section", [.init("aria-labelledby", "check-title"), .init("id", "check")]) { h in
                h.element("h2", [.init("id", "check-title")], text: cw.check)
                h.element("ul") { h in
                    h.element("li", [.init("class", p.check.testsFailed == 0 ? "good" : "problem"), .init("id", "check-tests")],
                              text: cw.testsSummary.filled(["passed": "\(p.check.testsPassed)", "failed": "\(p.check.testsFailed)"]))
                    h.element("li", [.init("id", "check-replayed")], text: cw.replayed.filled(["n": "\(p.check.replayed)"]))
                    h.element("li", [.init("id", "check-changed")], text: cw.changedDecisions.filled(["n": "\(p.check.changedDecisions)"]))
                }
                if !p.check.warnings.isEmpty {
                    h.element("h3", text: cw.warnings)
                    h.element("ul") { h in for w in p.check.warnings { h.element("li") { h in h.element("code", text: w) } } }
                }
            }
            h.element("section", [.init("aria-labelledby", "files-title"), .init("id", "files")]) { h in
                h.element("h2", [.init("id", "files-title")], text: cw.files)
                h.element("ul") { h in
                    for f in p.changes {
                        let words = f.text == nil ? cw.fileRemoved : f.before == nil ? cw.fileAdded : cw.fileEdited
                        h.element("li") { h in h.element("code", text: words.filled(["file": p.pathInSet(f)])) }
                    }
                }
                DraftPage.diffs(p.changes.map { (path: p.pathInSet($0), diff: LineDiff(old: $0.before ?? "", new: $0.text ?? "")) }, c, &h)
            }
            h.element("section", [.init("aria-labelledby", "reviews-title"), .init("id", "reviews")]) { h in
                h.element("h2", [.init("id", "reviews-title")], text: cw.reviews)
                if p.reviews.isEmpty { h.element("p", text: cw.noReviews) }
                for r in p.reviews {
                    h.element("div", [.init("class", "review")]) { h in
                        h.element("p") { h in
                            h.element("strong", text: (r.approved ? cw.approvedBy : cw.rejectedBy).filled(["name": r.by, "at": r.at]))
                        }
                        if !r.comment.isEmpty { h.element("blockquote", text: r.comment) }
                    }
                }
            }
            h.element("section", [.init("aria-labelledby", "outcome-title"), .init("id", "outcome")]) { h in
                h.element("h2", [.init("id", "outcome-title")], text: cw.outcome)
                if p.outcome.isEmpty {
                    h.element("p", text: cw.noOutcome)
                } else {
                    h.element("ul", [.init("class", p.state == .activated ? "good" : "problem")]) { h in
                        for o in p.outcome { h.element("li", text: o) }
                    }
                }
            }
            forms(p, actions, c, &h)
        }
    }

    static func fact(_ name: String, _ value: String, _ h: inout HTML) {
        h.element("dt", text: name)
        h.element("dd", text: value)
    }

    /// The forms of the actions allowed: review (approve with an optional comment, reject with a
    /// required one), and for its author withdraw and bring up to date.
    static func forms(_ p: Proposal, _ a: Actions, _ c: ConsoleContext, _ h: inout HTML) {
        let cw = c.changeWords
        if a.ownProposalNote { h.element("p", [.init("class", "muted"), .init("id", "own-proposal")], text: cw.ownProposal) }
        if a.review {
            h.element("section", [.init("aria-labelledby", "review-title"), .init("id", "review")]) { h in
                h.element("h2", [.init("id", "review-title")], text: cw.reviewActions)
                h.element("p", [.init("class", "muted")], text: cw.reviewHelp)
                h.element("form", [.init("method", "post"), .init("action", "/proposals/\(p.id)/approve"), .init("id", "approve-form")]) { h in
                    ConsolePage.csrfField(c, into: &h)
                    h.void("input", [.init("type", "hidden"), .init("name", "revision"), .init("value", String(p.revision))])
                    commentField(id: "approve-comment", required: false, c, &h)
                    h.element("button", [.init("type", "submit"), .init("id", "approve")], text: cw.approve)
                }
                h.element("form", [.init("method", "post"), .init("action", "/proposals/\(p.id)/reject"), .init("id", "reject-form")]) { h in
                    ConsolePage.csrfField(c, into: &h)
                    commentField(id: "reject-comment", required: true, c, &h)
                    h.element("button", [.init("type", "submit"), .init("id", "reject")], text: cw.reject)
                }
            }
        }
        if a.withdraw || a.update {
            h.element("section", [.init("aria-labelledby", "author-title"), .init("id", "author-actions")]) { h in
                h.element("h2", [.init("id", "author-title")], text: cw.authorActions)
                if a.update {
                    h.element("form", [.init("method", "post"), .init("action", "/proposals/\(p.id)/update"), .init("class", "inline-form")]) { h in
                        ConsolePage.csrfField(c, into: &h)
                        h.element("button", [.init("type", "submit"), .init("id", "update")], text: cw.bringUpToDate)
                    }
                }
                if a.withdraw {
                    h.element("form", [.init("method", "post"), .init("action", "/proposals/\(p.id)/withdraw"), .init("class", "inline-form")]) { h in
                        ConsolePage.csrfField(c, into: &h)
                        h.element("button", [.init("type", "submit"), .init("id", "withdraw")], text: cw.withdraw)
                    }
                }
            }
        }
    }

    static func commentField(id: String, required: Bool, _ c: ConsoleContext, _ h: inout HTML) {
        let cw = c.changeWords
        h.element("div", [.init("class", "field")]) { h in
            h.element("label", [.init("for", id)], text: cw.comment)
            h.element("span", [.init("class", "hint"), .init("id", id + "-hint")], text: required ? cw.commentRequired : cw.commentOptional)
            h.element("textarea", [.init("id", id), .init("name", "comment"), .init("rows", "3"), .init("maxlength", "2000"),
                                   .init("required", required ? "" : nil), .init("aria-describedby", id + "-hint")], text: "")
        }
    }

    static func reasonField(id: String, _ c: ConsoleContext, _ h: inout HTML) {
        let cw = c.changeWords
        h.element("div", [.init("class", "field")]) { h in
            h.element("label", [.init("for", id)], text: cw.reasonLabel)
            h.element("span", [.init("class", "hint"), .init("id", id + "-hint")], text: cw.reasonHint)
            h.element("textarea", [.init("id", id), .init("name", "reason"), .init("rows", "3"), .init("maxlength", "2000"), .init("required", ""),
                                   .init("aria-describedby", id + "-hint")], text: "")
        }
    }

    /// Why the last action was not done, as an alert: a title in the page's language and the reason.
    static func refused(_ r: Refusal, _ c: ConsoleContext, _ h: inout HTML) {
        h.element("div", [.init("class", "problem"), .init("role", "alert"), .init("id", "refusal")]) { h in
            h.element("p") { h in h.element("strong", text: c.changeWords.refusalTitle(r.code)) }
            h.element("p", text: r.detail)
        }
    }

    // MARK: - Under a checked draft

    /// The "Propose this change" form under a draft that loads and passes its tests: the checked changed
    /// files travel in hidden fields (what was checked is what is proposed), with a required reason. A
    /// draft made as a new version cannot be proposed (a proposal edits a served version's folder).
    public static func proposeForm(_ r: DraftReport, _ c: ConsoleContext, _ h: inout HTML) {
        let cw = c.changeWords
        h.element("section", [.init("aria-labelledby", "propose-title"), .init("id", "propose")]) { h in
            h.element("h3", [.init("id", "propose-title")], text: cw.proposeTitle)
            h.element("p", [.init("class", "muted")], text: cw.proposeHelp)
            h.element("form", [.init("method", "post"), .init("action", "/proposals"), .init("id", "propose-form")]) { h in
                ConsolePage.csrfField(c, into: &h)
                h.void("input", [.init("type", "hidden"), .init("name", "policy"), .init("value", r.set)])
                h.void("input", [.init("type", "hidden"), .init("name", "base"), .init("value", r.target?.base.folder ?? "")])
                if let n = r.target?.asNew {
                    // A new version: its name and date, and every file it will have.
                    h.void("input", [.init("type", "hidden"), .init("name", "as"), .init("value", "new")])
                    h.void("input", [.init("type", "hidden"), .init("name", "new_version"), .init("value", n.version)])
                    h.void("input", [.init("type", "hidden"), .init("name", "new_effective"), .init("value", n.effective)])
                }
                for f in r.files where r.target?.asNew != nil || r.changed.contains(f.path) {
                    h.void("input", [.init("type", "hidden"), .init("name", "file." + f.path), .init("value", f.text)])
                }
                for path in r.removed {
                    h.void("input", [.init("type", "hidden"), .init("name", "remove." + path), .init("value", "1")])
                }
                reasonField(id: "propose-reason", c, &h)
                h.element("button", [.init("type", "submit"), .init("id", "propose-button")], text: cw.proposeButton)
            }
        }
    }
}
