import Foundation
import Testing
@testable import Verdict

/// Overrides that replace, remove and insert signers: each operation, their fixed order, exceptions,
/// two overrides on one chain, and what explanations say each operation did.
@Suite("Override operations")
struct OverrideOperationsTests {
    static let schema = """
    fields:
      cost: money
      region: string
      branch: string
    roles:
      handler: {en: handler, zh: 经办人}
      store_manager: {en: store manager, zh: 店长}
      legal_officer: {en: legal officer, zh: 法务}
      compliance_officer: {en: compliance officer, zh: 合规专员}
      finance_supervisor: {en: finance supervisor, zh: 财务主管}
      bu_finance_head: {en: BU finance head, zh: 事业部财务部负责人}
      branch_manager: {en: branch manager, zh: 分公司经理}
    """

    static let rules = """
    decisions:
      approval:
        outputs: {signers: list<role>}
        rules:
          - id: small
            when: cost <= 300
            then: {signers: [handler, store_manager, finance_supervisor]}
          - id: large
            then: {signers: [handler, store_manager, finance_supervisor, branch_manager]}
        overrides:
          # The keys are written against their order: replace still applies first, insert last.
          - id: henan
            output: signers
            when: region == "Henan"
            except: {id: zhengzhou, when: branch == "Zhengzhou"}
            insert: {role: legal_officer, after: store_manager}
            remove: branch_manager
            replace: {finance_supervisor: bu_finance_head}
          # Acts on a member only the override above puts in the chain: the two compose in order.
          - id: henan-large-compliance
            output: signers
            when: [region == "Henan", cost > 1000]
            insert: {role: compliance_officer, after: legal_officer}
          - id: hebei
            output: signers
            when: region == "Hebei"
            insert:
              - {role: legal_officer, before: store_manager}
              - {role: compliance_officer, after: legal_officer}
          # A move: removed, then inserted in its new place.
          - id: hubei-move
            output: signers
            when: region == "Hubei"
            remove: [store_manager]
            insert: {role: store_manager, after: finance_supervisor}
          - id: shanxi-handler-again
            output: signers
            when: region == "Shanxi"
            insert: {role: handler, after: finance_supervisor}
          # Inserts next to the member the replacement produced.
          - id: anhui
            output: signers
            when: region == "Anhui"
            replace: {store_manager: branch_manager}
            insert: {role: legal_officer, before: branch_manager}
    """

    static let policy: CompiledPolicy = {
        let r = check(["schema.yaml": schema, "approval.yaml": rules])
        guard let p = r.policy else { fatalError("\(r.diagnostics)") }
        return p
    }()

    static func decide(_ region: String, _ branch: String = "Kaifeng", cost: String) throws -> Decision {
        try VerdictTests.decide(policy, #"{"id": "c", "cost": "\#(cost)", "region": "\#(region)", "branch": "\#(branch)"}"#, explain: true)
    }

    static func signers(_ d: Decision) -> [String] {
        guard case .list(let items)? = d["signers"] else { return [] }
        return items.map { if case .member(let m) = $0 { m } else { "\($0)" } }
    }

    @Test(arguments: [
        ("Henan", "Kaifeng", "200", ["handler", "store_manager", "legal_officer", "bu_finance_head"]),
        ("Henan", "Kaifeng", "500", ["handler", "store_manager", "legal_officer", "bu_finance_head"]),
        ("Henan", "Kaifeng", "1200", ["handler", "store_manager", "legal_officer", "compliance_officer", "bu_finance_head"]),
        ("Henan", "Zhengzhou", "1200", ["handler", "store_manager", "finance_supervisor", "branch_manager"]),
        ("Hebei", "Baoding", "200", ["handler", "legal_officer", "compliance_officer", "store_manager", "finance_supervisor"]),
        ("Hubei", "Wuhan", "200", ["handler", "finance_supervisor", "store_manager"]),
        ("Shanxi", "Taiyuan", "200", ["handler", "store_manager", "finance_supervisor"]),
        ("Anhui", "Hefei", "200", ["handler", "legal_officer", "branch_manager", "finance_supervisor"]),
        ("Jiangsu", "Nanjing", "500", ["handler", "store_manager", "finance_supervisor", "branch_manager"]),
    ])
    func chain(_ region: String, _ branch: String, _ cost: String, _ expected: [String]) throws {
        #expect(Self.signers(try Self.decide(region, branch, cost: cost)) == expected)
    }

    /// The same chains without a tracer: the one evaluator gives the same outputs either way.
    @Test func sameChainWithoutExplanation() throws {
        for region in ["Henan", "Hebei", "Hubei", "Shanxi", "Anhui"] {
            let json = #"{"id": "c", "cost": "1200", "region": "\#(region)", "branch": "Kaifeng"}"#
            let plain = try VerdictTests.decide(Self.policy, json)
            let traced = try VerdictTests.decide(Self.policy, json, explain: true)
            #expect(Self.signers(plain) == Self.signers(traced))
        }
    }

    @Test func eachOperationSaysWhatItDid() throws {
        let e = try #require(try Self.decide("Henan", cost: "200").explanation)
        let henan = try #require(e.decisions[0].overrides.first { $0.id == "henan" })
        #expect(henan.applied)
        #expect(henan.operations == [
            .init(kind: .replace, member: "finance_supervisor", other: "bu_finance_head", result: .done),
            .init(kind: .remove, member: "branch_manager", other: nil, result: .notFound),
            .init(kind: .insertAfter, member: "legal_officer", other: "store_manager", result: .done),
        ])
        guard case .applied(let replaced) = henan.outcome else { Issue.record("not applied"); return }
        #expect(replaced.map { "\($0.from)>\($0.to)" } == ["finance_supervisor>bu_finance_head"])
        let signers = try #require(e.decisions[0].outputs.first { $0.name == "signers" })
        #expect(signers.overrides == ["henan"])
    }

    @Test func textInEnglish() throws {
        let text = try #require(try Self.decide("Henan", cost: "200").explanation).text(.en)
        #expect(text.contains("applied — replaced finance_supervisor → bu_finance_head; branch_manager not removed: not in the chain; inserted legal_officer after store_manager\n"))
        let large = try #require(try Self.decide("Henan", cost: "500").explanation).text(.en)
        #expect(large.contains("applied — replaced finance_supervisor → bu_finance_head; removed branch_manager; inserted legal_officer after store_manager\n"))
        let hebei = try #require(try Self.decide("Hebei", cost: "200").explanation).text(.en)
        #expect(hebei.contains("applied — inserted legal_officer before store_manager; inserted compliance_officer after legal_officer\n"))
        let shanxi = try #require(try Self.decide("Shanxi", cost: "200").explanation).text(.en)
        #expect(shanxi.contains("applied — handler not inserted: already in the chain\n"))
    }

    @Test func textInChinese() throws {
        let text = try #require(try Self.decide("Henan", cost: "200").explanation).text(.zh)
        #expect(text.contains("已适用 — 替换 finance_supervisor → bu_finance_head; branch_manager 不在名单中,未删除; 在 store_manager 之后加入 legal_officer\n"))
        let hebei = try #require(try Self.decide("Hebei", cost: "200").explanation).text(.zh)
        #expect(hebei.contains("已适用 — 在 store_manager 之前加入 legal_officer; 在 legal_officer 之后加入 compliance_officer\n"))
        let shanxi = try #require(try Self.decide("Shanxi", cost: "200").explanation).text(.zh)
        #expect(shanxi.contains("已适用 — handler 已在名单中,未重复加入\n"))
    }

    @Test func json() throws {
        let json = try Self.decide("Henan", cost: "200").json()
        #expect(json.contains(#""id":"henan","output":"signers","applied":true,"replaced":[{"from":"finance_supervisor","to":"bu_finance_head"}],"operations":[{"op":"replace","from":"finance_supervisor","to":"bu_finance_head","result":"done"},{"op":"remove","role":"branch_manager","result":"not-found"},{"op":"insert","role":"legal_officer","after":"store_manager","result":"done"}]"#))
        let hebei = try Self.decide("Hebei", cost: "200").json()
        #expect(hebei.contains(#""operations":[{"op":"insert","role":"legal_officer","before":"store_manager","result":"done"},{"op":"insert","role":"compliance_officer","after":"legal_officer","result":"done"}]"#))
    }

    /// At Zhengzhou the exception stops the first override, so the second finds no legal officer to
    /// follow: it applies, and says its insert found nothing to act on.
    @Test func anExceptionAndTheOverrideAfterIt() throws {
        let e = try #require(try Self.decide("Henan", "Zhengzhou", cost: "1200").explanation)
        let overrides = e.decisions[0].overrides
        guard case .exception(let id, _, _)? = overrides.first(where: { $0.id == "henan" })?.outcome else {
            Issue.record("the exception did not hold"); return
        }
        #expect(id == "zhengzhou")
        let second = try #require(overrides.first { $0.id == "henan-large-compliance" })
        #expect(second.applied)
        #expect(second.operations.map(\.result) == [.notFound])
        let text = e.text(.en)
        #expect(text.contains("applied — compliance_officer not inserted: legal_officer is not in the chain\n"))
        #expect(e.text(.zh).contains("已适用 — legal_officer 不在名单中,未加入 compliance_officer\n"))
        #expect(try Self.decide("Henan", "Zhengzhou", cost: "1200").json().contains(
            #""operations":[{"op":"insert","role":"compliance_officer","after":"legal_officer","result":"not-found"}]"#))
        // The chain did not change, so the output names no override.
        #expect(e.decisions[0].outputs.first { $0.name == "signers" }?.overrides == [])
        #expect(!(try Self.decide("Henan", "Zhengzhou", cost: "1200").json()).contains(#""rules":["large"],"overrides""#))
    }

    @Test func overridesThatDoNotApplyReportNoOperations() throws {
        let e = try #require(try Self.decide("Jiangsu", cost: "500").explanation)
        #expect(e.decisions[0].overrides.allSatisfy { !$0.applied && $0.operations.isEmpty })
        #expect(!(try Self.decide("Jiangsu", cost: "500").json()).contains(#""operations""#))
    }

    // MARK: What the checker refuses

    struct Refusal: CustomTestStringConvertible, Sendable {
        var name: String
        var override: String
        var code: String
        var message: String
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "removing a role no rule puts in the chain", override: """
            remove: [⟨branch_manager]
        """, code: "override-unused-role", message: "no rule of `approval` puts `branch_manager` in `signers`, so override `o` can never apply"),
        Refusal(name: "inserting next to a role no rule puts in the chain", override: """
            insert: {role: legal_officer, after: ⟨branch_manager}
        """, code: "override-unused-role", message: "no rule of `approval` puts `branch_manager` in `signers`, so override `o` can never apply"),
        Refusal(name: "inserting a role next to itself", override: """
            insert: {role: handler, before: ⟨handler}
        """, code: "override-conflict", message: "override `o` inserts `handler` next to itself"),
        Refusal(name: "inserting next to a role the same override replaced", override: """
            replace: {store_manager: branch_manager}
            insert: {role: legal_officer, after: ⟨store_manager}
        """, code: "override-conflict", message: "override `o` has already replaced `store_manager`, so it is no longer in `signers` here"),
        Refusal(name: "removing a role the same override replaced", override: """
            replace: {store_manager: branch_manager}
            remove: ⟨store_manager
        """, code: "override-conflict", message: "override `o` has already replaced `store_manager`, so it is no longer in `signers` here"),
        Refusal(name: "inserting next to a role the same override removed", override: """
            remove: store_manager
            insert: {role: legal_officer, after: ⟨store_manager}
        """, code: "override-conflict", message: "override `o` has already removed `store_manager`, so it is no longer in `signers` here"),
        Refusal(name: "inserting one role twice", override: """
            insert:
              - {role: legal_officer, after: handler}
              - {role: ⟨legal_officer, before: store_manager}
        """, code: "override-conflict", message: "override `o` inserts `legal_officer` twice"),
        Refusal(name: "removing one role twice", override: """
            remove: [handler, ⟨handler]
        """, code: "override-conflict", message: "override `o` removes `handler` twice"),
        Refusal(name: "an insert both after and before", override: """
            insert: ⟨{role: legal_officer, after: handler, before: store_manager}
        """, code: "override-conflict", message: "insert `legal_officer` either `after` or `before` a member, not both"),
        Refusal(name: "an insert next to nothing", override: """
            insert: ⟨{role: legal_officer}
        """, code: "missing-key", message: "insert `legal_officer` needs `after` or `before`: the member it goes next to"),
        Refusal(name: "inserting a member that is not a role", override: """
            insert: {role: ⟨lawyer, after: handler}
        """, code: "unknown-member", message: "`lawyer` is not a member of `role`"),
    ]

    @Test(arguments: refusals)
    func refused(_ r: Refusal) throws {
        let source = """
        decisions:
          approval:
            outputs: {signers: list<role>}
            rules:
              - then: {signers: [handler, store_manager]}
            overrides:
              - id: o
                output: signers

        """ + r.override.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"
        let (text, line, column) = marked(source)
        let result = check(["schema.yaml": Self.schema, "rules.yaml": text])
        let found = try #require(errors(result).first { $0.code == r.code }, "no `\(r.code)` in \(result.diagnostics)")
        #expect(found.message == r.message)
        #expect(found.location?.path == "rules.yaml")
        #expect(found.location?.line == line)
        #expect(found.location?.column == column)
        #expect(result.policy == nil)
    }

    @Test func anOverrideThatChangesNothingIsRefused() throws {
        let result = check(["schema.yaml": Self.schema, "rules.yaml": """
        decisions:
          approval:
            outputs: {signers: list<role>}
            rules:
              - then: {signers: [handler]}
            overrides:
              - id: o
                output: signers
                when: region == "Henan"
        """])
        let found = try #require(errors(result).first { $0.code == "missing-key" })
        #expect(found.message == "override `o` changes nothing: give `replace`, `remove` or `insert`")
        #expect(found.location?.line == 7)
    }

    /// An earlier override of the chain may add the member a later one acts on; one that no rule and
    /// no earlier override adds is refused, and the message says both were considered.
    @Test func laterOverridesSeeWhatEarlierOnesMayAdd() throws {
        let result = check(["schema.yaml": Self.schema, "rules.yaml": """
        decisions:
          approval:
            outputs: {signers: list<role>}
            rules:
              - then: {signers: [handler]}
            overrides:
              - {id: first, output: signers, insert: {role: legal_officer, after: handler}}
              - {id: second, output: signers, remove: legal_officer}
              - {id: third, output: signers, remove: store_manager}
        """])
        #expect(errors(result).map(\.message) == [
            "no rule of `approval` nor an earlier override puts `store_manager` in `signers`, so override `third` can never apply",
        ])
    }

    /// A chain a rule computes is known only per case: operations on it are not refused.
    @Test func computedChainsAreNotRefused() throws {
        let result = check(["schema.yaml": Self.schema, "rules.yaml": """
        decisions:
          approval:
            outputs: {signers: list<role>}
            rules:
              - then: {signers: [handler]}
          second:
            outputs: {more: list<role>}
            rules:
              - then: {more: signers}
            overrides:
              - {id: o, output: more, insert: {role: legal_officer, after: branch_manager}}
        """])
        #expect(errors(result).isEmpty, "\(result.diagnostics)")
    }
}
