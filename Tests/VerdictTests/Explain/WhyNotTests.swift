import Foundation
import Testing
@testable import Verdict

/// "Why not?" answers on the shipped quality-complaints policy, for the shapes issue 11 asks for.
@Suite("Why not? answers")
struct WhyNotTests {
    /// The shipped example: Henan, Luoyang branch, a fly, hospitalised, 1,200.00 yuan.
    static let henan: [UInt8] = {
        let path = shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json"
        return Array(try! Data(contentsOf: URL(fileURLWithPath: path)))
    }()

    static func ask(_ text: String, _ policy: CompiledPolicy = qualityComplaints, _ bytes: [UInt8] = henan) throws -> [WhyNotAnswer] {
        let q = try WhyNotQuestion(parsing: text, for: policy)
        return try policy.whyNot([q], json: bytes).answers
    }

    static func alternatives(_ a: WhyNotAnswer) -> [WhyNotAlternative] {
        if case .changes(let alts) = a.outcome { return alts }
        return []
    }

    @Test func approverWouldBeBranchManagerIfCostAtMost300() throws {
        let answers = try Self.ask("approver=branch_manager")
        #expect(answers.count == 1)
        let a = try #require(answers.first)
        #expect(a.current == .member("head_office"))
        let alts = Self.alternatives(a)
        #expect(alts.count == 1)
        #expect(alts.first?.fields == ["cost"])
        let change = try #require(alts.first?.changes.first)
        #expect(change.condition == .ranges([WhyNotRange(lower: nil, upper: .money(Money(minorUnits: 30000)))]))
        #expect(change.current == .money(Money(minorUnits: 120000)))
        #expect(change.nearest == .money(Money(minorUnits: 30000)))
        let en = a.text(.en)
        #expect(en.contains("It would be branch_manager (branch manager) if"), "\(en)")
        #expect(en.contains("handling cost incl. compensation (yuan) [cost] ≤ 300.00 (it is 1,200.00)"), "\(en)")
        let zh = a.text(.zh)
        #expect(zh.contains("处理费用(含赔偿金额,元) [cost] ≤ 300.00(现为 1,200.00)"), "\(zh)")
    }

    @Test func signersWouldContainFinanceSupervisorOutsideHenanOrInZhengzhou() throws {
        let a = try #require(try Self.ask("signers contains finance_supervisor").first)
        let alts = Self.alternatives(a)
        #expect(alts.map(\.fields) == [["region"], ["branch"]])
        #expect(alts.first?.changes.first?.condition == .noneOf([.string("henan")]))
        #expect(alts.first?.changes.first?.current == .string("henan"))
        #expect(alts.last?.changes.first?.condition == .oneOf([.string("zhengzhou")]))
        #expect(alts.last?.changes.first?.current == .string("luoyang"))
        let en = a.text(.en)
        #expect(en.contains("region ≠ \"henan\" (it is \"henan\")"), "\(en)")
        #expect(en.contains("or if\n    branch = \"zhengzhou\" (it is \"luoyang\")"), "\(en)")
        #expect(a.text(.zh).contains("分公司 [branch] = \"zhengzhou\"(现为 \"luoyang\")"))
    }

    @Test func tierWouldBeOneWithoutHospitalAdverseReactionAndMalignantMatter() throws {
        let a = try #require(try Self.ask("tier=1").first)
        let alts = Self.alternatives(a)
        #expect(alts.count == 1)
        let alt = try #require(alts.first)
        #expect(alt.fields == ["problem", "adverse_reaction", "hospitalised"])
        let byField = Dictionary(uniqueKeysWithValues: alt.changes.map { ($0.field, $0) })
        #expect(byField["hospitalised"]?.condition == .oneOf([.bool(false)]))
        #expect(byField["adverse_reaction"]?.condition == .oneOf([.bool(false)]))
        let malignant = ["fly", "mosquito", "ant", "needle", "steel_wire", "rat_droppings"].map { OutputValue.member($0) }
        #expect(byField["problem"]?.condition == .noneOf(malignant))
        #expect(byField["problem"]?.current == .member("fly"))
        let en = a.text(.en)
        #expect(en.contains("problem is not one of fly, mosquito, ant, needle, steel_wire (steel wire), rat_droppings (rat droppings) (it is fly)"), "\(en)")
        #expect(en.contains("and hospitalised = false (it is true)"), "\(en)")
    }

    @Test func anOutputAloneAsksForEveryOtherValue() throws {
        let answers = try Self.ask("tier")
        #expect(answers.map(\.target) == [.equals(.integer(1)), .equals(.integer(2))])
        // Tier 2 needs only the hospital stay undone: a fly is malignant matter.
        let two = try #require(answers.last)
        #expect(Self.alternatives(two).first?.fields == ["hospitalised"])
        // An output that does not apply asks why it is absent.
        let settlement = try Self.ask("settlement_authority")
        #expect(settlement.first?.target == .present)
        #expect(settlement.first?.current == nil)
        #expect(Self.alternatives(settlement[0]).first?.fields.contains("cost") == true, "\(settlement[0].text(.en))")
    }

    @Test func valuesNoRuleAssignsAreImpossible() throws {
        let a = try #require(try Self.ask("approver=business_supervisor").first)
        guard case .impossible(.notAssigned) = a.outcome else { Issue.record("\(a.outcome)"); return }
        #expect(a.text(.en).contains("no rule assigns approver = business_supervisor"))
        let never = try #require(try Self.ask("signers contains office_manager").first)
        guard case .impossible(.notAssigned) = never.outcome else { Issue.record("\(never.outcome)"); return }
        // A member the output's type does not have, asked from Swift, is impossible with a suggestion.
        let clerk = try qualityComplaints.whyNot([WhyNotQuestion(output: "approver", kind: .equals(.member("head_ofice")))], json: Self.henan).answers[0]
        guard case .impossible(.notInType(let s)) = clerk.outcome else { Issue.record("\(clerk.outcome)"); return }
        #expect(s == "head_office")
    }

    @Test func alreadyTheValue() throws {
        let a = try #require(try Self.ask("tier=3").first)
        guard case .already = a.outcome else { Issue.record("\(a.outcome)"); return }
    }

    @Test func badQuestionsAreClearErrors() {
        #expect(throws: WhyNotQuestionError.self) { try WhyNotQuestion(parsing: "aprover=branch_manager", for: qualityComplaints) }
        do { _ = try WhyNotQuestion(parsing: "aprover=branch_manager", for: qualityComplaints) } catch {
            #expect(error.description.contains("did you mean `approver`?"))
        }
        do { _ = try WhyNotQuestion(parsing: "approver=clerk", for: qualityComplaints) } catch {
            #expect(error.description.contains("`clerk` is not a `role` of this policy"), "\(error)")
        }
        do { _ = try WhyNotQuestion(parsing: "tier=high", for: qualityComplaints) } catch {
            #expect(error.description.contains("`high` is not an `integer`"), "\(error)")
        }
        do { _ = try WhyNotQuestion(parsing: "approver contains handler", for: qualityComplaints) } catch {
            #expect(error.description.contains("not a list"), "\(error)")
        }
    }

    @Test func aConditionTheAnalyserDoesNotReasonAboutIsNamed() throws {
        let policy = try CompiledPolicy.load(directory: shippedPolicyPath("service-standards"))
        let json = #"{"id":"S-1","received_at":"2026-03-02T09:00:00+08:00","service_date":"2026-03-03","agreed_arrival_at":"2026-03-03T14:00:00+08:00","club_member_card":false,"warranty_end":"2025-12-31"}"#
        let a = try #require(try Self.ask("fee=free", policy, Array(json.utf8)).first)
        guard case .cannotReason(let conditions) = a.outcome else { Issue.record("\(a.outcome)"); return }
        #expect(conditions.first?.condition == "service_date <= gold_card_valid_until")
        #expect(conditions.first?.site == "gold-card")
        #expect(conditions.first?.reason == "a comparison between two fields")
        #expect(a.text(.en).contains("`service_date <= gold_card_valid_until` (gold-card): a comparison between two fields"))
        // The collected steps of the same policy are analysed.
        let done = json.dropLast() + #","recorded":true,"handled":true,"reviewed":true,"fed_back":true}"#
        let steps = try #require(try Self.ask("missing_steps contains review", policy, Array(done.utf8)).first)
        #expect(Self.alternatives(steps).first?.fields == ["reviewed"])
    }

    @Test func jsonCarriesBothLanguages() throws {
        let q = try WhyNotQuestion(parsing: "approver=branch_manager", for: qualityComplaints)
        let json = try qualityComplaints.whyNot([q], json: Self.henan).json()
        #expect(json.hasPrefix(#"{"case":"Q-2026-0042","policy":{"name":"quality-complaints""#), "\(json)")
        #expect(json.contains(#""outcome":"changes","alternatives":[{"fields":["cost"],"changes":[{"field":"cost","#), "\(json)")
        #expect(json.contains(#""condition":{"ranges":[{"max":"300.00"}]},"current":"1200.00","nearest":"300.00""#), "\(json)")
        #expect(json.contains(#""zh":"为什么 approver 不是 branch_manager (分公司经理)?"#), "\(json)")
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect((object?["why_not"] as? [Any])?.count == 1)
    }
}
