import Testing
@testable import Verdict

@Suite("Analysis findings on broken copies of the shipped policies")
struct AnalysisTests {
    func finding(_ r: PolicyLoader.Result, _ code: String) throws -> Diagnostic {
        try #require(r.diagnostics.first { $0.code == code }, "no `\(code)` in \(r.diagnostics.map(\.description))")
    }

    @Test func gapWithAWitnessAndItsRange() throws {
        let copy = try BrokenCopy(of: "quality-complaints", [("a5-approval.yaml", "when: cost > 1000", "when: cost > 1001")])
        defer { copy.remove() }
        let d = try finding(copy.check(), "gap")
        #expect(d.message == "no rule of decision `approval` decides a case with cost = 1000.01")
        #expect(d.notes.first?.message == "every case with cost in [1000.01..1001.00] is undecided")
        #expect(d.location?.line == copy.line(of: "  approval:", in: "a5-approval.yaml"))
    }

    @Test func gapInsideAScopedCompleteness() throws {
        // Within tier 1 some settlement rule must decide; a hole between 100 and 150 yuan is found.
        let copy = try BrokenCopy(of: "quality-complaints", [("a2-handling.yaml", "when: tier == 1 and cost in (100..300]", "when: tier == 1 and cost in (150..300]")])
        defer { copy.remove() }
        let d = try finding(copy.check(), "gap")
        #expect(d.message.contains("decision `tier1_settlement`"))
        #expect(d.notes.first?.message.contains("cost in [100.01..150.00]") == true)
    }

    @Test func overlapUnderUniqueNamesACaseThatHitsBoth() throws {
        let copy = try BrokenCopy(of: "quality-complaints", [("a2-handling.yaml", "when: tier == 2\n", "when: tier >= 2\n")])
        defer { copy.remove() }
        let d = try finding(copy.check(), "unique-overlap")
        #expect(d.message == "rules `lead-tier2` and `lead-tier3` of decision `handling` overlap, but its hit policy is `unique`")
        #expect(d.notes.first?.message == "both match a case with tier = 3")
    }

    @Test func unreachableRuleNamesTheRulesThatMaskIt() throws {
        let copy = try BrokenCopy(of: "customer-complaints", [("b1-routing.yaml", "    hit: unique\n    complete: true\n    outputs:\n      route:", "    hit: first\n    complete: true\n    outputs:\n      route:"),
                                                             ("b1-routing.yaml", "when: kind == quality and absent(determination)", "when: kind == quality")])
        defer { copy.remove() }
        let r = copy.check()
        let ds = r.diagnostics.filter { $0.code == "unreachable-rule" }
        #expect(ds.map(\.message).contains("rule `quality-investigation` of decision `route` can never decide: `quality-awaiting` takes every case it matches"))
        #expect(ds.map(\.message).contains("rule `quality-customer-fault` of decision `route` can never decide: `quality-awaiting` takes every case it matches"))
        #expect(r.policy != nil)  // a warning: the policy still loads
    }

    @Test func unusedDeclarationsAreWarned() throws {
        let copy = try BrokenCopy(of: "service-standards", [
            ("schema.yaml", "  complained: {type: bool", "  note_text: {type: string, optional: true}\n  complained: {type: bool"),
            ("c1-service.yaml", "      - {id: not-fed-back, when: not fed_back, then: {missing_steps: feed_back}}\n", ""),
        ])
        defer { copy.remove() }
        let r = copy.check()
        #expect(r.diagnostics.contains { $0.code == "unused-field" && $0.message == "field `note_text` is declared but no rule reads it" })
        #expect(r.policy != nil)
        let roles = try BrokenCopy(of: "after-sales-template", [("schema.yaml", "  management: {en: company management, zh: 公司管理层}", "  management: {en: company management, zh: 公司管理层}\n  auditor: {en: auditor, zh: 审计}")])
        defer { roles.remove() }
        #expect(roles.check().diagnostics.contains { $0.code == "unused-role" && $0.message.hasPrefix("role `auditor`") })
    }

    @Test func tablesOutsideTheFragmentAreReportedNotAnalysed() throws {
        let r = PolicyLoader.check(directory: shippedPolicyPath("service-standards"))
        let note = try #require(r.diagnostics.first { $0.code == "not-analysed" })
        #expect(note.severity == .note)
        #expect(note.message == "decision `maintenance_fee` was not analysed for gaps, overlaps or unreachable rules: rule `gold-card` uses a comparison between two fields")
    }

    @Test func theUnsetTemplateIsRefusedAtItsLines() throws {
        // The template as published: the time is `[具体时间]` and the parameter has no value.
        let copy = try BrokenCopy(of: "after-sales-template", [
            ("parameters.yaml", "    value: 2h\n", "    value: ~\n"),
            ("d1-after-sales.yaml", "    target: start_processing_within", "    target: \"[具体时间]\""),
        ])
        defer { copy.remove() }
        let r = copy.check()
        #expect(r.policy == nil)
        let unset = try finding(r, "unset-parameter")
        #expect(unset.message == "parameter `start_processing_within` is not set")
        #expect(unset.location?.path.hasSuffix("parameters.yaml") == true)
        #expect(unset.location?.line == copy.line(of: "value: ~", in: "parameters.yaml"))
        let blank = try finding(r, "placeholder")
        #expect(blank.message == "`[具体时间]` is a placeholder left to be filled in")
        #expect(blank.location?.line == copy.line(of: "target: \"[具体时间]\"", in: "d1-after-sales.yaml"))
        #expect(blank.location?.column == 14)
    }

    @Test("placeholders", arguments: ["[具体时间]", "【具体金额】", "TODO", "TBD", "FIXME"])
    func placeholderWords(_ word: String) {
        #expect(PolicySyntaxBuilder.placeholder(in: "within \(word) hours") != nil)
    }

    @Test("not placeholders", arguments: ["[300..1000]", "cost in (300..1000]", "TODOS", "todo list"])
    func notPlaceholders(_ text: String) {
        #expect(PolicySyntaxBuilder.placeholder(in: text) == nil)
    }
}
