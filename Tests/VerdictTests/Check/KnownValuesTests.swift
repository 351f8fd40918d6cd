import Foundation
import Testing
@testable import Verdict

/// A string field's known values (`known:`, issue 37): a value by any of its names decides as the
/// value, in both decoders and the typed API; `others: refused`; the checker holds rules to the list.
@Suite("known values")
struct KnownValuesTests {
    static func policy(others: String = "allowed", rule: String = #"region == "henan" and branch != "zhengzhou""#) -> [SourceFile] {
        [
            SourceFile(path: "policy.yaml", text: "policy: {name: known, version: \"1\", timezone: Asia/Shanghai}"),
            SourceFile(path: "schema.yaml", text: """
                fields:
                  region:
                    type: string
                    normalize: [trim, casefold, nfkc]
                    known:
                      henan: {en: Henan, zh: 河南, also: [河南省, Henan Province]}
                    others: \(others)
                  branch:
                    type: string
                    normalize: [trim, casefold, nfkc]
                    known:
                      zhengzhou: {en: Zhengzhou, zh: 郑州, also: [郑州分公司]}
                roles: [finance_supervisor, bu_finance_head]
                """),
            SourceFile(path: "rules.yaml", text: """
                decisions:
                  finance:
                    hit: first
                    outputs: {signer: role}
                    rules:
                      - {id: henan, when: '\(rule)', then: {signer: bu_finance_head}}
                      - {id: general, then: {signer: finance_supervisor}}
                """),
        ]
    }

    static let allowed = try! CompiledPolicy.load(sources: policy())
    static let refusing = try! CompiledPolicy.load(sources: policy(others: "refused"))

    static func signer(_ p: CompiledPolicy, _ region: String, _ branch: String) throws -> OutputValue? {
        try p.decide(json: Array(#"{"id": "K", "region": "\#(region)", "branch": "\#(branch)"}"#.utf8))["signer"]
    }

    @Test(arguments: ["河南", "河南省", "HENAN", " Henan Province ", "henan", "Ｈｅｎａｎ"])
    func everyNameOfAKnownValueDecidesAsIt(region: String) throws {
        #expect(try Self.signer(Self.allowed, region, "洛阳") == .member("bu_finance_head"))
        #expect(try Self.signer(Self.allowed, region, "郑州") == .member("finance_supervisor"))
        #expect(try Self.signer(Self.allowed, region, "郑州分公司") == .member("finance_supervisor"))
    }

    @Test func theFullDecoderAndTheTypedValuesAgree() throws {
        // Escaped text goes to the full decoder; typed values to the decoder of values.
        let escaped = Array(#"{"id": "K", "region": "\u6cb3\u5357", "branch": "\u90d1\u5dde"}"#.utf8)
        #expect(try Self.allowed.decide(json: escaped)["signer"] == .member("finance_supervisor"))
        let escapedLuoyang = Array(#"{"id": "K", "region": "\u6cb3\u5357", "branch": "x"}"#.utf8)
        #expect(try Self.allowed.decide(json: escapedLuoyang)["signer"] == .member("bu_finance_head"))
        let typed = try Self.allowed.decide(["id": .string("K"), "region": .string("河南省"), "branch": .string("洛阳")])
        #expect(typed["signer"] == .member("bu_finance_head"))
    }

    @Test func theExplanationShowsTheKnownValue() throws {
        let e = try #require(try Self.allowed.decide(json: Array(#"{"id": "K", "region": "河南", "branch": "洛阳"}"#.utf8), explain: true).explanation)
        #expect(e.text(.en).contains(#"region = "henan" (Henan)"#))
        #expect(e.text(.zh).contains(#"region = "henan" (河南)"#))
    }

    @Test func otherValuesAreDecidedAsTheyAreOrRefused() throws {
        #expect(try Self.signer(Self.allowed, "陕西", "西安") == .member("finance_supervisor"))
        #expect {
            _ = try Self.signer(Self.refusing, "Hennan", "x")
        } throws: { error in
            guard let e = error as? CaseError, let p = e.problems.first else { return false }
            return p.field == "region" && p.code == .invalidValue && p.message.contains("`hennan` is not one of the known values")
                && p.help == "did you mean `henan`?"
        }
        #expect(try Self.signer(Self.refusing, "河南", "x") == .member("bu_finance_head"))
    }

    static func diagnostics(_ rule: String, schema: String? = nil) -> [Diagnostic] {
        var files = policy(rule: rule)
        if let schema { files[1] = SourceFile(path: "schema.yaml", text: schema) }
        return PolicyLoader.check(sources: files).diagnostics
    }

    @Test func aRuleMustNameAKnownValueByTheValue() {
        let typo = Self.diagnostics(#"region == "hennan""#)
        let e = typo.first { $0.code == "unknown-value" }
        #expect(e?.severity == .error && e?.message.contains(#""hennan" is not a known value of `region`"#) == true)
        #expect(e?.help == "did you mean `henan`?")
        let label = Self.diagnostics(#"region == "河南""#)
        #expect(label.contains { $0.code == "unknown-value" && $0.message.contains(#"another way of writing "henan""#) && $0.help == #"write "henan""# })
        let listed = Self.diagnostics(#"region in ["henan", "河南省"]"#)
        #expect(listed.filter { $0.code == "unknown-value" }.count == 1)
        #expect(Self.diagnostics(#"region == "henan" and branch != "zhengzhou""#).allSatisfy { $0.severity != .error })
    }

    @Test func aKnownValueNoRuleComparesIsAWarning() {
        let d = Self.diagnostics(#"region == "henan" and branch != region"#)
        let unused = d.filter { $0.code == "unused-value" }
        #expect(unused.count == 1 && unused.first?.severity == .warning && unused.first?.message.contains(#""zhengzhou" of `branch`"#) == true)
    }

    @Test func ambiguousNamesAndMisplacedKeysAreErrors() {
        let ambiguous = Self.diagnostics(#"region == "henan""#, schema: """
            fields:
              region:
                type: string
                known:
                  henan: {zh: 河南, also: [豫]}
                  hebei: {zh: 河北, also: [豫]}
              branch: string
            roles: [finance_supervisor, bu_finance_head]
            """)
        #expect(ambiguous.contains { $0.code == "ambiguous-value" && $0.severity == .error })
        let onInteger = Self.diagnostics(#"region == "henan""#, schema: """
            fields:
              region: string
              branch: string
              size: {type: integer, known: [a]}
            roles: [finance_supervisor, bu_finance_head]
            """)
        #expect(onInteger.contains { $0.code == "type-mismatch" && $0.message.contains("`known` lists the values of a `string` field") })
        let badOthers = Self.diagnostics(#"region == "henan""#, schema: """
            fields:
              region: {type: string, known: [henan], others: maybe}
              branch: string
            roles: [finance_supervisor, bu_finance_head]
            """)
        #expect(badOthers.contains { $0.code == "wrong-node-kind" && $0.message.contains("`allowed` or `refused`") })
    }

    @Test func theShippedSetDecidesChineseNames() throws {
        let base = Array(try Data(contentsOf: URL(fileURLWithPath: shippedPolicyPath("quality-complaints/examples/henan-tier3.json"))))
        let text = String(decoding: base, as: UTF8.self)
        func signers(_ region: String, _ branch: String) throws -> OutputValue? {
            let json = text.replacingOccurrences(of: #""Henan""#, with: "\"\(region)\"").replacingOccurrences(of: #""Luoyang""#, with: "\"\(branch)\"")
            return try qualityComplaints.decide(json: Array(json.utf8))["signers"]
        }
        let henan = try signers("河南", "洛阳")
        #expect(henan == .list([.member("handler"), .member("bu_finance_head"), .member("branch_manager"), .member("division_manager")]))
        #expect(try signers("河南省", "郑州") == .list([.member("handler"), .member("finance_supervisor"), .member("branch_manager"), .member("division_manager")]))
    }
}
