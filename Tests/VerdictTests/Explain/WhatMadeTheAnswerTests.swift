import Foundation
import Testing
@testable import Verdict

/// The values that made the answer (issue 28): the deciding rule's conditions with the values they
/// read, an applied override's scope and the exceptions that did not hold, an exception that held, and a
/// decision's own quote and reading — in the structures, the JSON and the text, en and zh.
@Suite("Explanations: what made the answer")
struct WhatMadeTheAnswerTests {
    static func explain(_ branch: String) throws -> Explanation {
        let c = QualityComplaintsTests.base(["region": .string("Henan"), "branch": .string(branch), "cost": QualityComplaintsTests.yuan("1200")])
        return try #require(try qualityComplaints.decide(c, explain: true).explanation)
    }

    @Test func theDecidingRuleShowsTheValuesItCompared() throws {
        let e = try Self.explain("Luoyang")
        let approval = try #require(e.decisions.first { $0.name == "approval" })
        let high = try #require(approval.rules.first { $0.id == "band-above-1000" })
        #expect(high.selected)
        #expect(high.held.map(\.text) == ["cost > 1000"])
        #expect(high.held.first?.values.first?.name == "cost")
        #expect(high.held.first?.values.first?.value == .money(Money(minorUnits: 120000)))
        // A rule that did not match shows what failed, and nothing held.
        #expect(approval.rules.first { $0.id == "band-up-to-300" }?.held.isEmpty == true)
        #expect(e.text(.en).contains("✓ band-above-1000: above 1000 yuan — decides (") )
        #expect(e.text(.en).contains("      because `cost > 1000` with cost = 1200.00\n"))
        #expect(e.text(.zh).contains("      依据 `cost > 1000` 其中 cost = 1200.00\n"))
        let json = e.json()
        #expect(json.contains(#""id":"band-above-1000","matched":true,"selected":true,"held":[{"condition":"cost > 1000","at":"#))
        #expect(json.contains(#""values":{"cost":"1200.00"}}]"#))
    }

    @Test func anAppliedOverrideShowsItsScopeAndTheExceptionThatDidNotHold() throws {
        let e = try Self.explain("Luoyang")
        let approval = try #require(e.decisions.first { $0.name == "approval" })
        let henan = try #require(approval.overrides.first { $0.id == "henan-finance" })
        #expect(henan.applied)
        #expect(henan.scope.map(\.text) == [#"region == "henan""#])
        #expect(henan.scope.first?.values.first?.value == .string("henan"))
        #expect(henan.exceptions.count == 1)
        #expect(henan.exceptions.first?.held == false && henan.exceptions.first?.id == "zhengzhou")
        #expect(henan.exceptions.first?.conditions.first?.values.first?.value == .string("luoyang"))
        let en = e.text(.en)
        #expect(en.contains(#"        in scope: `region == "henan"` with region = "henan" (Henan)"#))
        #expect(en.contains(#"        exception does not hold: zhengzhou: `branch == "zhengzhou"` with branch = "luoyang""#))
        let zh = e.text(.zh)
        #expect(zh.contains(#"        适用范围成立: `region == "henan"` 其中 region = "henan" (河南)"#))
        #expect(zh.contains(#"        例外情形不成立: zhengzhou: `branch == "zhengzhou"` 其中 branch = "luoyang""#))
        let json = e.json()
        #expect(json.contains(#""scope":[{"condition":"region == \"henan\"","at":"#))
        #expect(json.contains(#""exceptions":[{"id":"zhengzhou","held":false,"conditions":[{"condition":"branch == \"zhengzhou\"","at":"#))
    }

    @Test func anExceptionThatHeldShowsItsValues() throws {
        let e = try Self.explain("Zhengzhou")
        let approval = try #require(e.decisions.first { $0.name == "approval" })
        let henan = try #require(approval.overrides.first { $0.id == "henan-finance" })
        #expect(!henan.applied)
        #expect(henan.exceptions.count == 1 && henan.exceptions.first?.held == true)
        let en = e.text(.en)
        #expect(en.contains("not applied — exception holds: zhengzhou:"))
        #expect(en.contains(#"        in scope: `region == "henan"` with region = "henan" (Henan)"#))
        #expect(en.contains(#"        with branch = "zhengzhou" (Zhengzhou)"#))
        #expect(e.json().contains(#""exceptions":[{"id":"zhengzhou","held":true,"#))
    }

    @Test func aDecisionsQuoteAndReadingAreInTheText() throws {
        let e = try Self.explain("Luoyang")
        let approval = try #require(e.decisions.first { $0.name == "approval" })
        let quote = try #require(approval.source.quote)
        let reading = try #require(approval.source.reading.text(.en))
        let en = e.text(.en)
        let header = try #require(en.range(of: "[approval]"))
        let after = en[header.upperBound...]
        #expect(after.contains("  source: 「\(quote)」\n"))
        #expect(after.contains("  reading: \(reading)\n"))
        if let zhReading = approval.source.reading.text(.zh) {
            #expect(e.text(.zh).contains("  解读: \(zhReading)\n"))
        }
    }

    @Test func personalDataIsNeverShownInWhatHeld() throws {
        let policy = try CompiledPolicy.load(sources: [
            SourceFile(path: "policy.yaml", text: "policy: {name: p, version: \"1\", timezone: UTC}"),
            SourceFile(path: "schema.yaml", text: """
                fields:
                  phone: {type: string, personal: true}
                """),
            SourceFile(path: "rules.yaml", text: """
                decisions:
                  d:
                    hit: first
                    outputs: {flag: bool}
                    rules:
                      - {id: has-phone, when: phone == "123", then: {flag: true}}
                      - {id: other, then: {flag: false}}
                """),
        ])
        let e = try #require(try policy.decide(json: Array(#"{"id": "x", "phone": "123"}"#.utf8), explain: true).explanation)
        #expect(!e.json().contains(#""phone":"123""#) && !e.text(.en).contains(#"phone = "123""#))
        #expect(e.text(.en).contains("personal data, not recorded"))
    }
}
