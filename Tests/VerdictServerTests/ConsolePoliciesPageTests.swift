import Foundation
import Testing
import Verdict
import VerdictConsole

/// The policies page as a compliance officer reads it (issue 37, item 4): a contents list of the
/// decisions and overrides, outputs and changes by label in each language, what changes between
/// versions, and the explanation of a case decided by a later version naming that version's rules.
@Suite struct ConsolePoliciesPageTests {
    let policy = try! CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
    /// The illustrative set with versions: section A as 1.0.0, an invented amendment 2.0.0 of 2027-01-01.
    let versions = try! PolicyVersions.load(directory: shippedPolicyPath("examples/quality-complaints-amended"))

    func context(_ language: Language = .en, path: String = "/") -> ConsoleContext {
        ConsoleContext(language: language, csrfToken: String(repeating: "a", count: 64), hasAuditLog: false, path: path)
    }

    /// The set as the server holds it on 2026-12-06: 1.0.0 in force, 2.0.0 scheduled.
    var versionedSet: ConsoleSet {
        ConsoleSet(name: "quality-complaints-amended", folder: nil, policy: versions.versions[0], loadedAt: nil, testsPassed: 0,
                   lastReload: nil, versions: versions.versions)
    }

    /// Every `href="#…"` of `html` between `from` and `to`.
    static func fragments(_ html: String, from: String, to: String) throws -> [String] {
        let start = try #require(html.range(of: from)), end = try #require(html.range(of: to, range: start.upperBound..<html.endIndex))
        let part = html[start.upperBound..<end.lowerBound]
        return part.components(separatedBy: "href=\"#").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
    }

    @Test func theContentsListEveryDecisionAndOverrideAndEachLinkLands() throws {
        let set = ConsoleSet(name: "quality-complaints", folder: nil, policy: policy, loadedAt: nil, testsPassed: 0, lastReload: nil)
        let page = PoliciesPage.render([set], context: context())
        let links = try Self.fragments(page, from: "<nav class=\"contents\"", to: "</nav>")
        let outline = PolicyOutline(policy)
        // The set, each decision, each override: in the order of the page.
        #expect(links.count == 1 + outline.decisions.count + outline.decisions.reduce(0) { $0 + $1.overrides.count })
        #expect(links.contains("quality-complaints-1_0_0-approval"))
        #expect(links.contains("quality-complaints-1_0_0-approval-henan-finance"))
        for link in links { #expect(page.contains("id=\"\(link)\""), "the contents link #\(link) lands on an element of the page") }
        // Listed by label, the name beside.
        #expect(page.contains(">Decision 5: Report signing and approval</a> <code class=\"muted\">approval</code>"))
        #expect(page.contains(">Overrides: Henan finance override</a> <code class=\"muted\">henan-finance</code>"))
        // Before the first set's section: at the top.
        let nav = try #require(page.range(of: "<nav class=\"contents\"")), section = try #require(page.range(of: "<section class=\"set\""))
        #expect(nav.lowerBound < section.lowerBound)
    }

    @Test func outputsAndChangesAreShownByLabelInChinese() throws {
        let set = ConsoleSet(name: "quality-complaints", folder: nil, policy: policy, loadedAt: nil, testsPassed: 0, lastReload: nil)
        let zh = PoliciesPage.render([set], context: context(.zh))
        // The first band's outputs: output labels and member labels in Chinese, the codes muted beside.
        #expect(zh.contains("<li>依次签字: 经办业务员、财务主管 <code class=\"muted\">signers: [handler, finance_supervisor]</code></li>"))
        #expect(zh.contains("<li>审批人: 分公司经理 <code class=\"muted\">approver: branch_manager</code></li>"))
        // The Henan override's change, in Chinese words with the members by label.
        #expect(zh.contains("依次签字:<ul class=\"plain\"><li>将财务主管替换为事业部财务部负责人</li></ul>"))
        #expect(zh.contains("<code class=\"muted\">signers: replace finance_supervisor by bu_finance_head</code>"))
        let en = PoliciesPage.render([set], context: context(.en))
        #expect(en.contains("<li>approves: branch manager <code class=\"muted\">approver: branch_manager</code></li>"))
        #expect(en.contains("<li>replace finance supervisor by business unit finance department head</li>"))
        // A value that is no member (a timestamp computed from a field) is shown as written.
        #expect(en.contains("<li>report due: resolved_at + 5d <code class=\"muted\">report_due: resolved_at + 5d</code></li>"))
        // Said once when the label and the value read as written (the tier's English label is `tier`).
        #expect(en.contains("<li><code>tier: 3</code></li>") && !en.contains("tier: 3 <code"))
    }

    @Test func theOutlineGivesEachAssignmentAndChangeByName() throws {
        let approval = try #require(PolicyOutline(policy).decisions.first { $0.name == "approval" })
        let rule = try #require(approval.rules.first { $0.id == "band-up-to-300" })
        #expect(rule.assignments.map(\.output) == ["signers", "approver", "head_office_action", "report_due"])
        #expect(rule.assignments.map(\.members) == [["handler", "finance_supervisor"], ["branch_manager"], ["file"], nil])
        let henan = try #require(approval.overrides.first { $0.id == "henan-finance" })
        let change = try #require(henan.changes.first)
        #expect(henan.changes.count == 1)
        #expect(change.kind == .replace && change.member == "finance_supervisor" && change.other == "bu_finance_head")
    }

    @Test func theVersionsTableSaysWhatChangesBetweenVersions() throws {
        let en = PoliciesPage.render([versionedSet], context: context(.en))
        let structure = PolicyDiff.structure(old: versions.versions[0], new: versions.versions[1])
        #expect(structure.contains("decision `approval`: rule `band-up-to-300` removed"))
        // The table's row of 2.0.0 links to the list of changes, which is the library's diff line by line.
        #expect(en.contains("<th scope=\"col\">Changes from the version before</th>"))
        let count = structure.filter { !$0.hasPrefix("version ") }.count
        #expect(en.contains("<a href=\"#changes-quality-complaints-amended-2_0_0\">\(count) changes (listed below)</a>"))
        #expect(en.contains("<h4 id=\"changes-quality-complaints-amended-2_0_0-h\">What changes from 1.0.0 to 2.0.0 (in force from 2027-01-01)</h4>"))
        for line in structure where !line.hasPrefix("version ") {
            #expect(en.contains("<li><code>" + html(line) + "</code></li>"), "the diff line \(line)")
        }
        #expect(en.contains("rule `band-up-to-500` added: when: cost &lt;= 500"))
        let zh = PoliciesPage.render([versionedSet], context: context(.zh))
        #expect(zh.contains("从 1.0.0 到 2.0.0 的变化(2027-01-01 起生效)"))
        #expect(zh.contains("<th scope=\"col\">与前一版本相比的变化</th>"))
        #expect(zh.contains(">\(count) 处变化(见下方列表)</a>"))
        // The contents list links to the versions.
        #expect(try Self.fragments(en, from: "<nav class=\"contents\"", to: "</nav>").contains("versions-quality-complaints-amended"))
        #expect(en.contains("id=\"versions-quality-complaints-amended\""))
    }

    /// Issue 37: a 2027 case is decided by 2.0.0 while 1.0.0 is in force; the explanation named
    /// 2.0.0's rules but looked their conditions up in 1.0.0's outline (where band-up-to-500 does not
    /// exist), and a rule without a quote showed nothing in its Source cell, not even its note.
    @Test func aCaseDecidedByALaterVersionShowsThatVersionsConditionAndSource() throws {
        let json = try Data(contentsOf: URL(fileURLWithPath: shippedPolicyPath("examples/quality-complaints-amended") + "/examples/amount-400-2027-01-01.json"))
        let decision = try versions.decide(json: Array(json), explain: true)
        #expect(decision.policy.version == "2.0.0")
        for language in [Language.en, .zh] {
            let page = TryCasePage.render(sets: ["quality-complaints-amended"], set: versionedSet, form: CaseForm([]), outcome: .decided(decision),
                                          context: context(language, path: "/try"))
            let start = try #require(page.range(of: "<tr class=\"decides\" data-rule=\"band-up-to-500\">"))
            let row = page[start.lowerBound..<(try #require(page.range(of: "</tr>", range: start.upperBound..<page.endIndex))).upperBound]
            #expect(row.contains("<code class=\"cond\">cost &lt;= 500</code>"), "the Condition cell of the deciding row: \(row)")
            let rule = try #require(PolicyOutline(versions.versions[1]).decisions.first { $0.name == "approval" }?.rules.first { $0.id == "band-up-to-500" })
            let note = try #require(rule.notes.note.text(language))
            #expect(row.contains(html(note)) && (note.hasPrefix("Illustrative amendment") || note.hasPrefix("示例修订")), "the Source cell of the deciding row: \(row)")
            #expect(row.contains("a5-approval.yaml:"))
        }
    }

    /// `s` as the page's writer escapes text.
    func html(_ s: String) -> String {
        var h = HTML()
        h.text(s)
        return h.text
    }
}
