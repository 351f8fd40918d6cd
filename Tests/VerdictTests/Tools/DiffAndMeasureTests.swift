import Foundation
import Testing
@testable import Verdict

@Suite("Diff and measures")
struct DiffAndMeasureTests {
    @Test func raisingThe300Threshold() throws {
        let copy = try BrokenCopy(of: "quality-complaints", [
            ("a5-approval.yaml", "when: cost <= 300\n", "when: cost <= 500\n"),
            ("a5-approval.yaml", "when: cost in (300..1000]", "when: cost in (500..1000]"),
        ])
        defer { copy.remove() }
        let new = try CompiledPolicy.load(directory: copy.path)
        let structure = PolicyDiff.structure(old: qualityComplaints, new: new)
        #expect(structure.count == 2)
        #expect(structure[0].hasPrefix("decision `approval`: rule `band-up-to-300` changed\n    - when: cost <= 300;"))
        #expect(PolicyDiff.regions(old: qualityComplaints, new: new) == [
            "approval.signers: cost in [300.01..500.00]: [handler, finance_supervisor, branch_manager] -> [handler, finance_supervisor]",
            "approval.approver: cost in [300.01..500.00]: division_manager -> branch_manager",
            "approval.report_due: not compared: rule `band-up-to-300` computes its value",
        ])
        var replay = CaseReplay(old: qualityComplaints, new: new)
        var generator = CaseGenerator(policy: qualityComplaints, seed: 5)
        for _ in 0..<500 { replay.add(json: Array(generator.nextJSON().utf8)) }
        #expect(replay.cases == 500)
        #expect(replay.changed > 0)
        #expect(replay.impact.changedOutputs.first { $0.output == "approver" }?.cases == replay.changed)
        // Grouped by cause: the one rule transition, and the approver's one change.
        let t = replay.impact.transitions
        #expect(t.map { ChangeImpact.text($0.key) } == ["approval: band-300-to-1000 → band-up-to-300",
                                                         "approval: band-300-to-1000 + henan-finance → band-up-to-300 + henan-finance"])
        #expect(t.reduce(0) { $0 + $1.count } == replay.changed)
        #expect(replay.impact.outputChanges.contains { ChangeImpact.text($0.key.shape) == "division_manager → branch_manager" && $0.key.output == "approver" && $0.count == replay.changed })
    }

    @Test func anOverrideThatNowInsertsASigner() throws {
        let copy = try BrokenCopy(of: "quality-complaints", [
            ("a5-approval.yaml", "          finance_supervisor: bu_finance_head\n",
             "          finance_supervisor: bu_finance_head\n        insert: {role: division_manager, after: handler}\n"),
        ])
        defer { copy.remove() }
        let new = try CompiledPolicy.load(directory: copy.path)
        #expect(PolicyDiff.structure(old: qualityComplaints, new: new) == [
            "decision `approval`: override `henan-finance` changed\n    - signers: replace finance_supervisor by bu_finance_head\n    + signers: replace finance_supervisor by bu_finance_head; insert division_manager after handler",
        ])
    }

    @Test func changedBoundsAndNormalizationAreChanges() throws {
        let copy = try BrokenCopy(of: "quality-complaints", [
            ("schema.yaml", "    min: 0\n", "    min: 1\n    max: 100\n"),
            ("schema.yaml", "  branch:\n    type: string\n    normalize: [trim, casefold, nfkc]\n", "  branch:\n    type: string\n    normalize: [trim]\n    max_length: 40\n"),
        ])
        defer { copy.remove() }
        let new = try CompiledPolicy.load(directory: copy.path)
        #expect(PolicyDiff.structure(old: qualityComplaints, new: new) == [
            "field `branch`: `max_length` 40 added",
            "field `branch`: `normalize` [nfkc, casefold, trim] -> [trim]",
            "field `cost`: `min` 0.00 -> 1.00",
            "field `cost`: `max` 100.00 added",
        ])
        // Cases the new bounds refuse are decided differently, not skipped as refused by both.
        var replay = CaseReplay(old: qualityComplaints, new: new)
        for c in cases([["cost": "\"80\""], ["cost": "\"120\""], ["cost": "\"0\""]]) { replay.add(json: c) }
        #expect(replay.cases == 3)
        #expect(replay.changed == 2)
        #expect(replay.refused == 0)
        #expect(replay.impact.transitions.map { "\(ChangeImpact.text($0.key)) \($0.cases)" } == ["case: decided → refused [\"c\", \"c\"]"])
    }

    @Test func changedOrdersBetweenFieldsAreBoundChanges() throws {
        let copy = try BrokenCopy(of: "quality-complaints", [
            ("schema.yaml", "    max: approved_at                     # the report is filled in once the case is resolved (A5)\n", ""),
            ("schema.yaml", "    max: last_contact_at                 # the first call comes no later than the last\n", "    max: resolved_at\n"),
        ])
        defer { copy.remove() }
        let new = try CompiledPolicy.load(directory: copy.path)
        #expect(PolicyDiff.structure(old: qualityComplaints, new: new) == [
            "field `resolved_at`: `max` `approved_at` removed",
            "field `first_contact_at`: `max` `last_contact_at` -> `resolved_at`",
        ])
        #expect(PolicyDiff.structure(old: new, new: qualityComplaints) == [
            "field `resolved_at`: `max` `approved_at` added",
            "field `first_contact_at`: `max` `resolved_at` -> `last_contact_at`",
        ])
    }

    @Test func identicalVersionsDifferNowhere() {
        #expect(PolicyDiff.structure(old: qualityComplaints, new: qualityComplaints).isEmpty)
        #expect(PolicyDiff.regions(old: qualityComplaints, new: qualityComplaints).isEmpty)
    }

    func cases(_ items: [[String: String]]) -> [[UInt8]] {
        items.map { extra in
            var base: [String: String] = ["id": "\"c\"", "received_at": "\"2026-03-02T09:15:00+08:00\"", "region": "\"Shaanxi\"", "branch": "\"Xi'an\"",
                                          "problem": "\"pig_hair\"", "eaten": "false", "adverse_reaction": "false", "hospitalised": "false",
                                          "media_involved": "false", "government_involved": "false", "excessive_demand": "false",
                                          "food_poisoning": "false", "batch_problem": "false", "cost": "\"80\""]
            for (k, v) in extra { base[k] = v }
            return Array(("{" + base.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}").utf8)
        }
    }

    @Test func sectionAMeasuresByBranch() throws {
        var acc = try MeasureAccumulator(policy: qualityComplaints)
        // Xi'an: tier-1 costs 80, 120, 100 → 2 of 3 successes, mean 100.00. Yan'an: one fly (tier 2) and one tier-1 at 50.
        for c in cases([["cost": "\"80\""], ["cost": "\"120\""], ["cost": "100"],
                        ["branch": "\"Yan'an\"", "problem": "\"fly\""], ["branch": "\"Yan'an\"", "cost": "\"50\""], ["problem": "\"fyl\""]]) {
            acc.add(json: c)
        }
        #expect(acc.decided == 5)
        #expect(acc.refused == 1)
        let rows = acc.report()
        let share = try #require(rows.first { $0.measure == "tier1_share" })
        #expect(share.value == "80.00%")
        #expect(share.met == false)  // the source wants more than 80%
        // Groups are the normalised branch (the shipped policy trims and case-folds it).
        #expect(rows.first { $0.measure == "tier1_success_rate" && $0.group == "xi'an" }?.value == "66.67%")
        #expect(rows.first { $0.measure == "tier1_mean_cost" && $0.group == "xi'an" }?.value == "100.00")
        #expect(rows.first { $0.measure == "tier1_mean_cost" && $0.group == "yan'an" }?.value == "50.00")
        #expect(acc.text().contains("tier1_share         (all)   5      80.00%   > 80%   missed"))
    }

    @Test func serviceControlsPerMillion() throws {
        let policy = try CompiledPolicy.load(directory: shippedPolicyPath("service-standards"))
        var acc = try MeasureAccumulator(policy: policy)
        var generator = CaseGenerator(policy: policy, seed: 11)
        for _ in 0..<1000 { acc.add(json: Array(generator.nextJSON().utf8)) }
        let rows = acc.report()
        #expect(rows.map(\.measure) == ["complaint_rate", "late_rate", "missed_rate"])
        #expect(rows.allSatisfy { $0.target == "< 10" && $0.met == false })  // random cases complain far more than 10 per million
        #expect(acc.json().contains(#""measure":"complaint_rate","group":"(all)","cases":1000"#))
    }

    @Test func exactDecimals() {
        #expect(MeasureAccumulator.decimal(2, 3, places: 2) == "0.67")
        #expect(MeasureAccumulator.decimal(1, 8, places: 2) == "0.13")
        #expect(MeasureAccumulator.decimal(-1, 3, places: 1) == "-0.3")
        #expect(Checker.target(">= 80%").map { [$0.1, $0.2] } == [80, 100])
        #expect(Checker.target("< 0.5").map { [$0.1, $0.2] } == [5, 10])
        #expect(Checker.target("80%") == nil)
    }

    @Test func personalDataNeverReachesAnExplanation() throws {
        let policy = try CompiledPolicy.load(sources: [
            SourceFile(path: "policy.yaml", text: manifestYAML),
            SourceFile(path: "d.yaml", text: """
            fields:
              phone: {type: string, personal: true}
              vip_phone: {type: string, personal: true, loggable: true}
            decisions:
              d:
                outputs: {vip: bool}
                rules:
                  - when: phone == "1" and vip_phone == "2"
                    then: {vip: true}
            """),
        ])
        let d = try policy.decide(["id": .string("x"), "phone": .string("13800000000"), "vip_phone": .string("13900000000")], explain: true)
        let text = d.explanation!.text(.en) + d.json()
        #expect(!text.contains("13800000000"))
        #expect(text.contains("[personal data, not recorded]"))
        let vip = try policy.decide(["id": .string("x"), "phone": .string("1"), "vip_phone": .string("13900000000")], explain: true)
        #expect(vip.json().contains("13900000000"))  // marked loggable
    }
}
