import Testing
import Verdict

/// The public question a form asks before deciding (issue 37): is a typed text one of the values the
/// rules know for a field, by any of its names, after the field's normalisation?
@Suite("known value match")
struct KnownValueMatchTests {
    static let policy = try! CompiledPolicy.load(sources: [
        SourceFile(path: "policy.yaml", text: "policy: {name: known-match, version: \"1\", timezone: Asia/Shanghai}"),
        SourceFile(path: "schema.yaml", text: """
            fields:
              region:
                type: string
                normalize: [trim, casefold, nfkc]
                known:
                  henan: {en: Henan, zh: 河南, also: [河南省, Henan Province]}
              branch:
                type: string
                known:
                  zhengzhou: {en: Zhengzhou, zh: 郑州, also: [郑州分公司]}
                others: refused
              note: {type: string, optional: true}
              cost: {type: money, min: 0, optional: true}
            roles: [finance_supervisor, bu_finance_head]
            """),
        SourceFile(path: "rules.yaml", text: """
            decisions:
              finance:
                hit: first
                outputs: {signer: role}
                rules:
                  - {id: henan, when: 'region == "henan" and branch == "zhengzhou"', then: {signer: bu_finance_head}}
                  - {id: general, then: {signer: finance_supervisor}}
            """),
    ])

    @Test(arguments: ["henan", "Henan", "HENAN", " 河南 ", "河南省", "henan province", "Ｈｅｎａｎ"])
    func everyNameIsTheKnownValue(text: String) {
        #expect(Self.policy.knownValue(of: "region", for: text) == .known("henan"))
    }

    @Test func otherTextsAreUnknownWithALikelyTypoSuggested() {
        #expect(Self.policy.knownValue(of: "region", for: "Hubei") == .unknown(suggestion: nil))
        #expect(Self.policy.knownValue(of: "region", for: "湖北") == .unknown(suggestion: nil))
        // 河北 is a province of its own, one character from 河南: never suggested.
        #expect(Self.policy.knownValue(of: "region", for: "河北") == .unknown(suggestion: nil))
        #expect(Self.policy.knownValue(of: "region", for: "Henna") == .unknown(suggestion: "henan"))
        #expect(Self.policy.knownValue(of: "region", for: "河南 省") == .unknown(suggestion: "henan"))
        // Without normalisation, only the exact texts are known.
        #expect(Self.policy.knownValue(of: "branch", for: "郑州分公司") == .known("zhengzhou"))
        #expect(Self.policy.knownValue(of: "branch", for: "Zhengzhou") == .known("zhengzhou"))
        #expect(Self.policy.knownValue(of: "branch", for: "ZHENGZHOU") == .unknown(suggestion: "zhengzhou"))
    }

    @Test func fieldsWithoutAListAndUnknownFields() {
        #expect(Self.policy.knownValue(of: "note", for: "henan") == .noList)
        #expect(Self.policy.knownValue(of: "cost", for: "12") == .noList)
        #expect(Self.policy.knownValue(of: "nowhere", for: "henan") == .noList)
        #expect(Self.policy.knownValues(of: "note") == nil)
    }

    @Test func theListHasLabelsAliasesAndWhetherOthersAreAllowed() throws {
        let region = try #require(Self.policy.knownValues(of: "region"))
        #expect(region.othersAllowed)
        #expect(region.entries.map(\.value) == ["henan"])
        #expect(region.entries[0].label == Localized(en: "Henan", zh: "河南"))
        #expect(region.entries[0].aliases == ["henan province", "河南省"])
        let branch = try #require(Self.policy.knownValues(of: "branch"))
        #expect(!branch.othersAllowed)
        #expect(branch.entries[0].aliases == ["郑州分公司"])
    }

    /// The answer agrees with the decoder: what it calls known decides as the value.
    @Test(arguments: ["河南省", "Hubei", "HENAN"])
    func theMatchAgreesWithTheDecision(text: String) throws {
        let d = try Self.policy.decide(["id": .string("K"), "region": .string(text), "branch": .string("郑州分公司")])
        let known = Self.policy.knownValue(of: "region", for: text) == .known("henan")
        #expect(d["signer"] == .member(known ? "bu_finance_head" : "finance_supervisor"))
    }
}
