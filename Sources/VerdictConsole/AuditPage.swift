import Foundation
import Verdict
import VerdictAudit

/// Page 3: search the decision log by case id, time range or an output's value; open a record to
/// see the auditor's page (``AuditorPage``): its explanation re-derived under the archived version,
/// the log's verification status, its inclusion proof and the checkpoint it is under.
public enum AuditPage {
    /// What the search form asks for.
    public struct Query: Sendable {
        /// A case id (exact, or the beginning of one).
        public var caseID: String
        /// Recorded at or after, as typed (RFC 3339, or a plain date: from the start of that day).
        public var since: String
        /// Recorded before, as typed (RFC 3339, or a plain date: to the end of that day).
        public var until: String
        /// An output's name.
        public var output: String
        /// The value that output must have (as the decision JSON writes it, one item of a list, or a label of either).
        public var value: String
        /// A policy set's name: only its decisions and its change history (empty: every set's).
        public var set: String

        /// The query of a search form (`case`, `since`, `until`, `output`, `value`, `set`).
        public init(_ pairs: [(String, String)]) {
            func v(_ k: String) -> String { (FormData.value(pairs, k) ?? "").trimmingCharacters(in: .whitespaces) }
            caseID = v("case")
            since = v("since")
            until = v("until")
            output = v("output")
            value = v("value")
            set = v("set")
        }

        /// True when nothing was asked (the page shows the latest decisions).
        public var isEmpty: Bool { caseID.isEmpty && since.isEmpty && until.isEmpty && output.isEmpty && value.isEmpty && set.isEmpty }
    }

    /// One recorded decision in the result list.
    public struct Row: Sendable {
        /// The record's sequence number.
        public var seq: UInt64
        /// When it was recorded.
        public var recordedAt: Timestamp
        /// The case id.
        public var caseID: String
        /// The policy set and version that decided it.
        public var policy: String
        /// Its outputs, as compact text.
        public var outputs: [(String, String)]
        /// The labels of its outputs, one per output (empty: none known).
        public var labels: [OutputLabels]

        /// A row of the result list.
        public init(seq: UInt64, recordedAt: Timestamp, caseID: String, policy: String, outputs: [(String, String)], labels: [OutputLabels] = []) {
            self.seq = seq
            self.recordedAt = recordedAt
            self.caseID = caseID
            self.policy = policy
            self.outputs = outputs
            self.labels = labels
        }
    }

    /// How the policy that decided a row names one of its outputs: the output's label, and each
    /// value (a list's items one by one) with its label.
    public struct OutputLabels: Sendable {
        /// The output's label.
        public var label: Localized
        /// The value, or a list's items, each with its label (empty when it has none).
        public var items: [(String, Localized)]

        /// The labels of one output.
        public init(label: Localized, items: [(String, Localized)]) {
            self.label = label
            self.items = items
        }
    }

    /// The search page with its results (`more`: the list was cut at its bound), or a problem with the
    /// query; below the decisions, a "Changes" section with `changes` — the steps of governed changes the
    /// log records (of the set the query names, else of every set), oldest first; without `changes`
    /// (nil), no such section.
    public static func search(_ q: Query, rows: [Row], more: Bool, problem: String?, changes: [ChangeEventView]? = nil, context c: ConsoleContext) -> String {
        let w = c.words
        return ConsolePage.render(title: w.audit, tab: .audit, context: c) { h in
            defer { if problem == nil, let changes { changeHistory(changes, set: q.set, c, &h) } }
            h.element("form", [.init("method", "get"), .init("action", "/audit"), .init("class", "case")]) { h in
                TryCasePage.textField(id: "q-case", name: "case", label: w.caseID, hint: w.caseIDHelp, value: q.caseID, required: false, c, &h)
                TryCasePage.textField(id: "q-since", name: "since", label: w.since, hint: w.rangeHelp, value: q.since, required: false, c, &h)
                TryCasePage.textField(id: "q-until", name: "until", label: w.until, hint: w.rangeHelp, value: q.until, required: false, c, &h)
                TryCasePage.textField(id: "q-output", name: "output", label: w.outputName, hint: "approver, signers, tier …", value: q.output, required: false, c, &h)
                TryCasePage.textField(id: "q-value", name: "value", label: w.outputValue, hint: w.valueHelp, value: q.value, required: false, c, &h)
                let cw = ChangeWords(c.language)
                TryCasePage.textField(id: "q-set", name: "set", label: cw.set, hint: cw.setHelp, value: q.set, required: false, c, &h)
                h.element("div") { h in h.element("button", [.init("type", "submit")], text: w.search) }
            }
            if let problem { h.element("p", [.init("class", "problem"), .init("role", "alert")], text: problem); return }
            h.element("h2", text: w.records)
            if rows.isEmpty { h.element("p", [.init("role", "status")], text: w.noRecords); return }
            // Above the list, where it is read before the rows it qualifies.
            if more { h.element("p", [.init("class", "problem"), .init("role", "status")], text: ConsoleWords.fill(w.moreRecords, ["n": "\(rows.count)"])) }
            PoliciesPage.table(caption: w.records, headers: [w.seq, w.recordedAt, w.caseID, w.policy, w.outputsOfCase], &h) { h in
                for r in rows {
                    h.element("tr") { h in
                        h.element("td") { h in h.element("a", [.init("href", "/audit/\(r.seq)")], text: "\(r.seq)") }
                        h.element("td", text: r.recordedAt.rfc3339(in: .utc))
                        h.element("td") { h in h.element("a", [.init("href", "/audit/\(r.seq)")]) { h in h.element("code", text: r.caseID) } }
                        h.element("td", text: r.policy)
                        h.element("td") { h in outputs(r, c, &h) }
                    }
                }
            }
        }
    }

    /// The most change steps the page lists (the latest; a note says when some were left out).
    public static let changeLimit = 200

    /// The "Changes" section: each step of a governed change — when, which step, the proposal, the set,
    /// who, the reason or comment, and the base and candidate digests (a rollback's archived digest too),
    /// each a leaf of the log's tree, with its sequence number.
    static func changeHistory(_ all: [ChangeEventView], set: String, _ c: ConsoleContext, _ h: inout HTML) {
        let w = ChangeWords(c.language)
        h.element("h2", [.init("id", "changes")], text: w.changes)
        h.element("p", text: w.intro)
        guard !all.isEmpty else { h.element("p", [.init("role", "status")], text: set.isEmpty ? w.none : w.noneOfSet(set)); return }
        let steps = all.suffix(changeLimit)
        if steps.count < all.count { h.element("p", [.init("class", "problem"), .init("role", "status")], text: w.more(steps.count, all.count)) }
        PoliciesPage.table(caption: w.changes, headers: [c.words.seq, c.words.recordedAt, w.step, w.proposal, w.set, w.by, w.reason, w.digests], &h) { h in
            for s in steps {
                h.element("tr", [.init("data-step", s.step.rawValue)]) { h in
                    h.element("td", text: "\(s.seq)")
                    h.element("td", text: s.recordedAt.rfc3339(in: .utc))
                    h.element("td", text: w.step(s.step))
                    h.element("td") { h in h.element("code", text: s.proposal) }
                    h.element("td", text: s.set)
                    h.element("td", text: s.by == "service" ? w.service : s.by)
                    h.element("td", text: s.reason)
                    h.element("td") { h in
                        h.element("code", [.init("title", s.baseDigest)], text: short(s.baseDigest))
                        h.text(" → ")
                        h.element("code", [.init("title", s.candidateDigest)], text: short(s.candidateDigest))
                        if let r = s.rollbackOf {
                            h.text(" " + w.rollbackOf + " ")
                            h.element("code", [.init("title", r)], text: short(r))
                        }
                    }
                }
            }
        }
    }

    /// A digest shortened for a table: its first 12 hex digits (the whole one is its title).
    static func short(_ digest: String) -> String {
        String((digest.hasPrefix("sha256:") ? digest.dropFirst("sha256:".count) : Substring(digest)).prefix(12))
    }

    /// The change history's words, in English and Chinese.
    struct ChangeWords {
        let zh: Bool
        init(_ language: Language) { zh = language == .zh }
        var changes: String { zh ? "变更" : "Changes" }
        var intro: String {
            zh ? "策略集受控变更的每个步骤(提出、批准、驳回、启用、拒绝启用、撤回、回滚),与决定记录在同一棵默克尔树中:谁、何时、为什么,以及基准和候选版本的摘要。"
                : "Each step of a governed change to a policy set (proposed, approved, rejected, activated, refused, withdrawn, rolled back), recorded in the same Merkle tree as the decisions: who, when, why, and the base and candidate versions' digests."
        }
        var none: String { zh ? "日志中没有记录任何变更步骤。" : "The log records no change step." }
        func noneOfSet(_ set: String) -> String { zh ? "日志中没有策略集 \(set) 的变更步骤。" : "The log records no change step of set \(set)." }
        func more(_ shown: Int, _ all: Int) -> String {
            zh ? "共 \(all) 个变更步骤,只列出最近的 \(shown) 个(用 verdict audit changes 查看全部)。"
                : "Only the latest \(shown) of \(all) change steps are listed (verdict audit changes lists them all)."
        }
        var set: String { zh ? "策略集" : "Policy set" }
        var setHelp: String { zh ? "只看此策略集的决定和变更" : "only this set's decisions and changes" }
        var step: String { zh ? "步骤" : "Step" }
        var proposal: String { zh ? "提案" : "Proposal" }
        var by: String { zh ? "执行人" : "By" }
        var reason: String { zh ? "理由或意见" : "Reason or comment" }
        var digests: String { zh ? "基准 → 候选" : "Base → candidate" }
        var service: String { zh ? "服务" : "the service" }
        var rollbackOf: String { zh ? "回滚至" : "rolls back to" }
        func step(_ s: PendingChangeEvent.Step) -> String {
            zh ? s.chinese : s.rawValue
        }
    }

    /// A row's outputs by label, each with its recorded `name=value` in a muted code beside it.
    static func outputs(_ r: Row, _ c: ConsoleContext, _ h: inout HTML) {
        h.element("ul", [.init("class", "outputs")]) { h in
            for (i, (name, value)) in r.outputs.enumerated() {
                let l = i < r.labels.count ? r.labels[i] : nil
                h.element("li", [.init("data-output", name)]) { h in
                    let values = l.map { $0.items.map { item, label in c.text(label, or: item) }.joined(separator: ", ") } ?? value
                    h.text(c.text(l?.label ?? Localized(), or: name) + ": " + values + " ")
                    h.element("code", [.init("class", "muted")], text: "\(name)=\(value)")
                }
            }
        }
    }

    /// One record: the auditor's page (``AuditorPage``) in the console's frame — its facts, whether
    /// re-deciding reproduced it, the log's verification, the case input, the explanation under the
    /// archived version, its inclusion proof and checkpoint, and the proof's download link. It prints
    /// as the auditor's page (the frame and the link are not printed).
    public static func record(_ record: AuditorPage.Record, verification: Result<VerifyReport, Error>, context c: ConsoleContext) -> String {
        let v = record.derived.record
        return ConsolePage.render(title: "\(c.words.audit): \(v.caseID) #\(v.seq)", tab: .audit, context: c) { h in
            AuditorPage.render(record, verification: verification, proofLink: true, context: c, into: &h)
        }
    }
}
