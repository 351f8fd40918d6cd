import Foundation
import Testing
@testable import Verdict

/// Change impact grouped by cause (issue 28, item 4): by rule transition, and for each output by the
/// shape of its change, so that a replay of thousands of changed cases reads in a screenful.
@Suite("Change impact")
struct ChangeImpactTests {
    /// The first band's edge moved from 300 to 400 yuan, over 2,000 generated cases.
    @Test func aBandEdgeMovedGroupsByRuleAndShape() throws {
        let copy = try BrokenCopy(of: "quality-complaints", [
            ("a5-approval.yaml", "when: cost <= 300\n", "when: cost <= 400\n"),
            ("a5-approval.yaml", "when: cost in (300..1000]", "when: cost in (400..1000]"),
        ])
        defer { copy.remove() }
        let new = try CompiledPolicy.load(directory: copy.path)
        var replay = CaseReplay(old: qualityComplaints, new: new)
        var generator = CaseGenerator(policy: qualityComplaints, seed: 11)
        // Counted independently: each case decided under both versions, straight from the library.
        var moved = 0, movedInHenan = 0, dueMoved = 0
        for _ in 0..<2000 {
            let json = Array(generator.nextJSON().utf8)
            replay.add(json: json)
            guard let a = try? qualityComplaints.decide(json: json, explain: true), let b = try? new.decide(json: json, explain: true) else { continue }
            let ra = a.explanation!.routes.first { $0.decision == "approval" }!, rb = b.explanation!.routes.first { $0.decision == "approval" }!
            if ra.rules == ["band-300-to-1000"], rb.rules == ["band-up-to-300"] {
                moved += 1
                if ra.overrides == ["henan-finance"] { movedInHenan += 1 }
                if a["report_due"] != nil { dueMoved += 1 }  // due only once resolved
            }
        }
        #expect(moved > 20 && movedInHenan > 0 && movedInHenan < moved)
        #expect(replay.changed == moved)
        let lines = replay.impact.lines(examples: 0).map { $0.replacing(#/ +/#, with: " ") }
        #expect(lines == [
            "By rule (old → new):",
            " approval: band-300-to-1000 → band-up-to-300 \(moved - movedInHenan)",
            " approval: band-300-to-1000 + henan-finance → band-up-to-300 + henan-finance \(movedInHenan)",
            "By output:",
            " signers: − branch_manager \(moved)",
            " approver: division_manager → branch_manager \(moved)",
            " report_due: 2 days earlier \(dueMoved)",
        ])
        let zh = replay.impact.lines(.zh, examples: 0).map { $0.replacing(#/ +/#, with: " ") }
        #expect(zh[0] == "按规则(旧 → 新):" && zh[3] == "按输出:")
        #expect(zh[6] == " report_due: 提前2天 \(dueMoved)")
        // Examples: the first cases of each group, in the order they were added.
        let first = replay.impact.transitions[0]
        #expect(replay.impact.lines(examples: 2)[1].hasSuffix("e.g. \(first.cases[0]), \(first.cases[1]), …"))
    }

    @Test func shapes() {
        func shape(_ a: String?, _ b: String?) -> ChangeImpact.Shape {
            ChangeImpact.shape(a.map { try! JSONReader.parse($0) }, b.map { try! JSONReader.parse($0) })
        }
        #expect(shape(#""2025-02-08T09:03:00+08:00""#, #""2025-02-06T09:03:00+08:00""#) == .shift(milliseconds: -2 * 86_400_000))
        #expect(ChangeImpact.text(shape(#""2025-02-08T09:03:00+08:00""#, #""2025-02-09T12:18:00+08:00""#)) == "1 day 3 h 15 min later")
        #expect(ChangeImpact.text(shape(#""2025-02-08T09:03:00+08:00""#, #""2025-02-09T12:18:00+08:00""#), .zh) == "推迟1天3小时15分钟")
        #expect(ChangeImpact.text(shape(#""2025-02-08T09:03:00+08:00""#, #""2025-02-08T08:58:00+08:00""#)) == "5 min earlier")
        #expect(shape(#"["handler","finance_supervisor"]"#, #"["handler","bu_finance_head","division_manager"]"#)
            == .members(added: ["bu_finance_head", "division_manager"], removed: ["finance_supervisor"]))
        #expect(ChangeImpact.text(shape(#"["a","b"]"#, #"["a","c"]"#)) == "+ c, − b")
        // Only the order changed: shown whole, not as nothing added or removed.
        #expect(shape(#"["a","b"]"#, #"["b","a"]"#) == .value(from: #"["a","b"]"#, to: #"["b","a"]"#))
        #expect(shape(#""head_office""#, #""division_manager""#) == .value(from: "head_office", to: "division_manager"))
        #expect(shape(#"3"#, nil) == .value(from: "3", to: "(absent)"))
        // A time that appears groups as one change, not one per instant.
        #expect(shape(nil, #""2025-02-06T09:03:00+08:00""#) == .value(from: "(absent)", to: "(a time)"))
    }

    @Test func aCaseRefusedByOneVersionIsATransitionOfTheWholeCase() {
        var impact = ChangeImpact()
        let decided = ChangeImpact.Outcome(decisionJSON: Array(#"{"case":"c-1","outputs":{"tier":3}}"#.utf8))
        #expect(decided.caseID == "c-1")
        let first = impact.add(caseID: "c-1", old: decided, new: nil)
        let second = impact.add(caseID: "c-2", old: nil, new: decided)
        let third = impact.add(caseID: "c-3", old: nil, new: nil)
        #expect(first && second && !third)
        #expect(impact.transitions.map { ChangeImpact.text($0.key) }.sorted() == ["case: decided → refused", "case: refused → decided"])
        #expect((impact.cases, impact.changed, impact.refusedByBoth) == (3, 2, 1))
    }

    @Test func sameRulesWithANewOutcomeNameTheTablesThatChanged() {
        var impact = ChangeImpact()
        let routes = [DecisionRoute(decision: "classify", rules: ["t3"], overrides: [], outputs: ["tier"]),
                      DecisionRoute(decision: "approval", rules: ["band-1"], overrides: [], outputs: ["approver"])]
        let before = Array(#"{"outputs":{"tier":3,"approver":"x"}}"#.utf8)
        let a = ChangeImpact.Outcome(decisionJSON: before, routes: routes)
        let b = ChangeImpact.Outcome(decisionJSON: Array(#"{"outputs":{"tier":3,"approver":"y"}}"#.utf8), routes: routes)
        impact.add(caseID: "k", old: a, new: b)
        #expect(impact.transitions.map { ChangeImpact.text($0.key) } == ["approval: band-1 (same rule, new outcome)"])
        // A recorded decision whose version is not known: the old side is unknown.
        var unknown = ChangeImpact()
        unknown.add(caseID: "k", old: ChangeImpact.Outcome(decisionJSON: before), new: b)
        #expect(unknown.transitions.map { ChangeImpact.text($0.key) } == ["approval: (not known) → band-1"])
    }

    /// Replay decides "changed" as the grouping does: by JSON value (a recorded `"3"` is not the integer 3).
    @Test func outcomesDifferByJSONValue() {
        let text = ChangeImpact.Outcome(decisionJSON: Array(#"{"outputs":{"tier":"3"}}"#.utf8))
        let number = ChangeImpact.Outcome(decisionJSON: Array(#"{"outputs":{"tier":3}}"#.utf8))
        let more = ChangeImpact.Outcome(decisionJSON: Array(#"{"outputs":{"tier":3,"lead":"x"}}"#.utf8))
        #expect(text.differs(from: number) && number.differs(from: more) && more.differs(from: number))
        #expect(!number.differs(from: ChangeImpact.Outcome(decisionJSON: Array(#"{"outputs":{"tier":3}}"#.utf8))))
        var impact = ChangeImpact()
        let changed = impact.add(caseID: "k", old: text, new: number)
        #expect(changed)
        // A negative number of examples shows none rather than trapping.
        #expect(impact.lines(examples: -1).allSatisfy { !$0.contains("e.g.") })
    }

    @Test func jsonListsEveryCaseOfEveryGroup() throws {
        var impact = ChangeImpact()
        let a = ChangeImpact.Outcome(decisionJSON: Array(#"{"outputs":{"due":"2025-02-08T09:03:00+08:00","signers":["a"]}}"#.utf8))
        let b = ChangeImpact.Outcome(decisionJSON: Array(#"{"outputs":{"due":"2025-02-06T09:03:00+08:00","signers":["a","b"]}}"#.utf8))
        for i in 0..<30 { impact.add(caseID: "c\(i)", old: a, new: b) }
        var w = JSONWriter()
        w.object { w in impact.write(to: &w) }
        let text = w.output
        #expect(text.hasPrefix(#"{"transitions":[],"outputs":[{"output":"due","shape":"shift","milliseconds":-172800000,"text":"2 days earlier","count":30,"cases":["c0","c1","#))
        #expect(text.contains(#"{"output":"signers","shape":"members","added":["b"],"removed":[],"text":"+ b","count":30,"#))
        #expect(text.contains(#""c29"]"#))
    }
}
