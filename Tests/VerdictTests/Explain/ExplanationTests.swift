import Testing
@testable import Verdict

@Suite("Explanations")
struct ExplanationTests {
    static let henan = QualityComplaintsTests.base([
        "region": .string("Henan"), "branch": .string("Luoyang"), "cost": QualityComplaintsTests.yuan("1200"),
    ])

    @Test func failedConditionShowsTheValueCompared() throws {
        let e = try #require(try qualityComplaints.decide(Self.henan, explain: true).explanation)
        let approval = try #require(e.decisions.first { $0.name == "approval" })
        let low = try #require(approval.rules.first { $0.id == "band-up-to-300" })
        #expect(!low.matched)
        #expect(low.failed?.text == "cost <= 300")
        #expect(low.failed?.values.first?.name == "cost")
        #expect(low.failed?.values.first?.value == .money(Money(minorUnits: 120000)))
        #expect(low.source.location.path.hasSuffix("a5-approval.yaml"))
        #expect(low.source.quote?.hasPrefix("处理费用(含赔偿金额)300元以内") == true)
        let high = try #require(approval.rules.first { $0.id == "band-above-1000" })
        #expect(high.matched && high.selected)
        let signers = try #require(approval.outputs.first { $0.name == "signers" })
        #expect(signers.rules == ["band-above-1000"])
        #expect(signers.overrides == ["henan-finance"])
        #expect(e.policy.digest == qualityComplaints.identity.digest)
    }

    @Test func textInEnglish() throws {
        let text = try #require(try qualityComplaints.decide(Self.henan, explain: true).explanation).text(.en)
        #expect(text.contains("Case Q-1 — policy quality-complaints 1.0.0 (effective 2011-06-12)"))
        #expect(text.contains("✗ band-up-to-300: up to 300 yuan — did not match"))
        #expect(text.contains("not true: `cost <= 300` with cost = 1200.00"))
        #expect(text.contains("override henan-finance: Henan finance override"))
        #expect(text.contains("applied — replaced finance_supervisor → bu_finance_head"))
        #expect(text.contains("→ approver (approves) = head_office (head office) (rule band-above-1000)"))
    }

    @Test func textInChinese() throws {
        let text = try #require(try qualityComplaints.decide(Self.henan, explain: true).explanation).text(.zh)
        #expect(text.contains("案件 Q-1 — 政策 quality-complaints 1.0.0(生效 2011-06-12)"))
        #expect(text.contains("✗ band-up-to-300: 300元以内 — 未命中"))
        #expect(text.contains("条件不成立: `cost <= 300` 其中 cost = 1200.00"))
        #expect(text.contains("原文: 「河南区域除郑州分公司外财务主管一栏由事业部财务部负责人签字」"))
        #expect(text.contains("→ approver (审批人) = head_office (总部)"))
        #expect(text.contains("problem = pig_hair (猪毛)"))
    }

    @Test func zhengzhouExceptionIsExplained() throws {
        var c = Self.henan
        c["branch"] = .string("Zhengzhou")
        let text = try #require(try qualityComplaints.decide(c, explain: true).explanation).text(.en)
        #expect(text.contains("not applied — exception holds: zhengzhou: `branch == \"zhengzhou\"`"))
    }

    @Test func jsonExplanation() throws {
        let json = try qualityComplaints.decide(Self.henan, explain: true).json()
        #expect(json.contains(#""explanation":{"policy":{"name":"quality-complaints""#))
        #expect(json.contains(#""failed":{"condition":"cost <= 300","result":"false","at":""#))
        #expect(json.contains(#""values":{"cost":"1200.00"}"#))
        #expect(json.contains(#""id":"henan-finance","output":"signers","applied":true,"replaced":[{"from":"finance_supervisor","to":"bu_finance_head"}]"#))
    }

    @Test func clockWithoutItsStartDoesNotApply() throws {
        let e = try #require(try qualityComplaints.decide(QualityComplaintsTests.base(), explain: true).explanation)
        let next = try #require(e.clocks.first { $0.name == "next_contact" })
        #expect(next.result == nil)
        #expect(next.failed?.text == "last_contact_at")
        #expect(next.failed?.unknown == true)
        #expect(e.text(.en).contains("does not apply — missing `last_contact_at`"))
    }

    @Test func unknownConditionIsReportedAsUnknown() throws {
        let policy = try CompiledPolicy.load(sources: [
            SourceFile(path: "policy.yaml", text: manifestYAML),
            SourceFile(path: "schema.yaml", text: schemaYAML),
            SourceFile(path: "d.yaml", text: """
            decisions:
              d:
                outputs: {late: bool}
                rules:
                  - when: resolved_at > "2026-03-01T00:00:00+08:00" and hospitalised
                    then: {late: true}
            """),
        ])
        let d = try policy.decide(["id": .string("x"), "cost": .money(Money(minorUnits: 1)), "region": .string("r"), "branch": .string("b"),
                                   "hospitalised": .bool(true), "problem": .member("fly")], explain: true)
        #expect(d["late"] == nil)
        let rule = try #require(d.explanation?.decisions.first?.rules.first)
        #expect(rule.failed?.text == #"resolved_at > "2026-03-01T00:00:00+08:00""#)
        #expect(rule.failed?.unknown == true)
        #expect(d.explanation!.text(.en).contains("unknown (a value is absent): `resolved_at > "))
    }
}
