import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Verdict
import VerdictConsole
@testable import VerdictServer

/// Known values on the console (issue 37): the try page offers a field's known values as choices,
/// warns next to the field and at the top when a typed value is none of them (the case is still
/// decided, by the library), the policies page lists them; and every control has an accessible name.
@Suite("console: known values and accessible names")
struct ConsoleKnownValuesTests {
    static let policy = try! CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
    static let set = ConsoleSet(name: "quality-complaints", folder: nil, policy: policy, loadedAt: nil, testsPassed: 0, lastReload: nil)
    /// A tier-3 case of 1,200 yuan, without its region and branch.
    static let query = "policy=quality-complaints&decide=1&f.id=Q-2026-0042&f.received_at=2026-03-02T09:15&f.resolved_at=2026-03-04T17:00"
        + "&f.problem=fly&f.eaten=true&f.adverse_reaction=true&f.hospitalised=true&f.cost=1200.00"
        + "&f.media_involved=false&f.government_involved=false&f.excessive_demand=false&f.food_poisoning=false&f.batch_problem=false"

    static func context(_ language: Language) -> ConsoleContext {
        ConsoleContext(language: language, csrfToken: String(repeating: "a", count: 64), hasAuditLog: true, path: "/try")
    }

    static func enc(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }

    /// The try page after deciding the case with `region` and `branch` as typed.
    static func tried(region: String, branch: String = "洛阳", _ language: Language) throws -> (page: String, decision: Decision) {
        let form = CaseForm(FormData.parse(query + "&f.region=\(enc(region))&f.branch=\(enc(branch))"))
        let d = try policy.decide(json: form.json(for: PolicyOutline(policy)), explain: true, now: try Timestamp(rfc3339: "2026-03-05T09:00:00+08:00"))
        return (TryCasePage.render(sets: ["quality-complaints"], set: set, form: form, outcome: .decided(d), context: context(language)), d)
    }

    static func signers(_ d: Decision) -> String { "\(d["signers"].map { "\($0)" } ?? "")" }

    @Test func aFieldThatAllowsOtherValuesOffersItsKnownValuesInADatalist() throws {
        let form = CaseForm([])
        let zh = TryCasePage.render(sets: ["quality-complaints"], set: Self.set, form: form, outcome: nil, context: Self.context(.zh))
        #expect(zh.contains(#"<input type="text" id="f-region" name="f.region" value list="f-region-known""#))
        #expect(zh.contains(#"<datalist id="f-region-known"><option value="henan">河南 (henan)</option></datalist>"#))
        #expect(zh.contains(#"<datalist id="f-branch-known"><option value="zhengzhou">郑州 (zhengzhou)</option></datalist>"#))
        let en = TryCasePage.render(sets: ["quality-complaints"], set: Self.set, form: form, outcome: nil, context: Self.context(.en))
        #expect(en.contains(#"<option value="henan">Henan (henan)</option>"#))
        #expect(en.contains("other text is allowed"))
        #expect(!en.contains(#"id="not-known""#), "nothing typed, nothing to warn about")
    }

    @Test func aFieldThatRefusesOtherValuesIsAChoice() throws {
        let refusing = try CompiledPolicy.load(sources: [
            SourceFile(path: "policy.yaml", text: "policy: {name: refusing, version: \"1\", timezone: Asia/Shanghai}"),
            SourceFile(path: "schema.yaml", text: """
                fields:
                  region:
                    type: string
                    normalize: [trim, casefold, nfkc]
                    label: {en: region, zh: 区域}
                    known:
                      henan: {en: Henan, zh: 河南, also: [河南省]}
                      shaanxi: {en: Shaanxi, zh: 陕西}
                    others: refused
                roles: [a, b]
                """),
            SourceFile(path: "rules.yaml", text: """
                decisions:
                  who:
                    hit: first
                    outputs: {signer: role}
                    rules:
                      - {id: henan, when: 'region == "henan"', then: {signer: a}}
                      - {id: shaanxi, when: 'region == "shaanxi"', then: {signer: b}}
                """),
        ])
        let set = ConsoleSet(name: "refusing", folder: nil, policy: refusing, loadedAt: nil, testsPassed: 0, lastReload: nil)
        // 河南省 is henan: the choice shows it chosen.
        let page = TryCasePage.render(sets: ["refusing"], set: set, form: CaseForm(FormData.parse("f.region=%E6%B2%B3%E5%8D%97%E7%9C%81")), outcome: nil,
                                      context: Self.context(.zh))
        #expect(page.contains(#"<select id="f-region" name="f.region""#))
        #expect(page.contains(#"<option value="henan" selected>河南 (henan)</option>"#))
        #expect(page.contains(#"<option value="shaanxi">陕西 (shaanxi)</option>"#))
        #expect(!page.contains("<datalist"))
        #expect(page.contains("不接受其他值"))
    }

    @Test func aValueTheRulesDoNotKnowIsWarnedAboutInEnglishAndTheCaseIsDecided() throws {
        let (page, d) = try Self.tried(region: "Hubei", .en)
        // Decided, with the general signers: the Henan override does not apply.
        #expect(Self.signers(d).contains("finance_supervisor") && !Self.signers(d).contains("bu_finance_head"))
        #expect(page.contains(#"data-override="henan-finance" data-applied="false""#))
        // At the top, as an alert, before the decision; and next to the field.
        let summary = try #require(page.range(of: #"<section class="warning" role="alert" id="not-known""#))
        let decision = try #require(page.range(of: #"data-override="henan-finance""#))
        #expect(summary.lowerBound < decision.lowerBound)
        let message = "“Hubei” is not one of the values the rules know for region (Henan); the case was decided with it as given, and no rule about a specific region applies to it."
        #expect(page.contains("Values the rules do not know"))
        #expect(page.contains(##"<a href="#f-region"><code>region</code></a>: "## + message))
        #expect(page.contains(#"<p class="warning" id="f-region-warning">"# + message + "</p>"))
        #expect(page.contains(#"aria-describedby="f-region-hint f-region-warning""#))
        #expect(page.contains(#"aria-invalid="true""#))
        // The branch 洛阳 is not Zhengzhou either: said too.
        #expect(page.contains("“洛阳” is not one of the values the rules know for branch (Zhengzhou)"))
    }

    @Test func theWarningInChineseAndALikelyTypo() throws {
        let (page, _) = try Self.tried(region: "湖北", branch: "郑州", .zh)
        #expect(page.contains("规则不认识的取值"))
        #expect(page.contains(#"<p class="warning" id="f-region-warning">「湖北」不是规则已知的区域取值(河南);本案按所填的值决策,针对特定区域的规则都不适用。</p>"#))
        #expect(!page.contains(#"id="f-branch-warning""#), "郑州 is Zhengzhou")
        let (typo, _) = try Self.tried(region: "Henna", .en)
        #expect(typo.contains("for region (Henan); the case was decided with it as given, and no rule about a specific region applies to it. Did you mean Henan?"))
    }

    @Test(arguments: ["河南", "HENAN", "河南省", " henan "])
    func noWarningForAKnownValueByAnyName(region: String) throws {
        let (page, d) = try Self.tried(region: region, branch: "Zhengzhou", .zh)
        #expect(!page.contains(#"id="not-known""#) && !page.contains("class=\"warning\""))
        #expect(page.contains(#"data-override="henan-finance" data-applied="false""#), "Zhengzhou keeps its finance supervisor")
        let (luoyang, l) = try Self.tried(region: region, branch: "洛阳", .zh)
        #expect(luoyang.contains(#"id="f-branch-warning""#) && !luoyang.contains(#"id="f-region-warning""#))
        #expect(Self.signers(l).contains("bu_finance_head"))
        _ = d
    }

    @Test func thePoliciesPageListsKnownValuesWithLabelsAndAliases() {
        let en = PoliciesPage.render([Self.set], context: Self.context(.en))
        #expect(en.contains("known values (other values allowed):<ul><li><code>henan</code> — Henan / 河南 · also henan province, 河南省</li></ul>"))
        #expect(en.contains("<li><code>zhengzhou</code> — Zhengzhou / 郑州 · also zhengzhou branch, 郑州分公司</li>"))
        let zh = PoliciesPage.render([Self.set], context: Self.context(.zh))
        #expect(zh.contains("已知取值 (也可填写其他值):"))
        #expect(zh.contains("又写作 henan province, 河南省"))
    }

    /// Every form control of `html` that a person can reach has an accessible name: an `aria-label`,
    /// a `<label for>` naming its id, or (a button) words of its own. The names of those without.
    static func unnamedControls(_ html: String) -> [String] {
        var unnamed: [String] = []
        let controls = try! NSRegularExpression(pattern: #"<(input|select|textarea|button)\b([^>]*)>"#)
        let ns = html as NSString
        for m in controls.matches(in: html, range: NSRange(location: 0, length: ns.length)) {
            let tag = ns.substring(with: m.range(at: 1)), attributes = ns.substring(with: m.range(at: 2))
            func attribute(_ name: String) -> String? {
                guard let r = attributes.range(of: #"(^|\s)"# + name + #"="([^"]*)""#, options: .regularExpression) else { return nil }
                return String(attributes[r].split(separator: "\"", omittingEmptySubsequences: false)[1])
            }
            if attribute("type") == "hidden" { continue }
            if let label = attribute("aria-label"), !label.isEmpty { continue }
            if let id = attribute("id"), html.contains(#"<label for="\#(id)""#) { continue }
            if tag == "button" {
                let after = ns.substring(from: m.range.location + m.range.length)
                let words = after.prefix { $0 != "<" }
                if words.contains(where: { $0.isLetter }) { continue }
            }
            unnamed.append(ns.substring(with: m.range))
        }
        return unnamed
    }

    @Test(arguments: Language.allCases)
    func everyControlOfEveryPageHasAnAccessibleName(language: Language) throws {
        let c = Self.context(language)
        let (tried, _) = try Self.tried(region: "Hubei", language)
        let pages = [
            ("policies", PoliciesPage.render([Self.set], context: c)),
            ("try", TryCasePage.render(sets: ["quality-complaints", "other"], set: nil, form: CaseForm([]), outcome: nil, context: c)),
            ("try a case", tried),
            ("draft", DraftPage.render(sets: ["quality-complaints"], set: "quality-complaints", files: [(path: "a.yaml", text: "x: 1")], report: nil, context: c)),
            ("audit", AuditPage.search(AuditPage.Query([]), rows: [], more: false, problem: nil, context: c)),
            ("sign in", ConsolePage.signIn(next: "/", failed: true, context: c)),
        ]
        for (name, html) in pages {
            #expect(Self.unnamedControls(html).isEmpty, "\(name): \(Self.unnamedControls(html))")
        }
        // The "→" buttons that open a set say so.
        let open = language == .zh ? "打开所选政策" : "Open the chosen set"
        #expect(pages[1].1.contains(#"<button type="submit" aria-label="\#(open)" title="\#(open)">→</button>"#))
        #expect(pages[3].1.contains(#"aria-label="\#(open)""#))
        // The checker itself finds a control without a name.
        #expect(Self.unnamedControls(#"<form><button type="submit">→</button><input type="text" id="x"></form>"#).count == 2)
    }

    /// The route: GET /try with region=湖北 decides the case and warns.
    @Test func theTryRouteDecidesAndWarnsAboutAnUnknownRegion() async throws {
        let service = try makeService([shippedPolicyPath("quality-complaints")])
        try await service.application().test(.router) { client in
            let r = try await client.get("/try?" + Self.query + "&f.region=\(Self.enc("湖北"))&f.branch=\(Self.enc("武汉"))&lang=zh")
            #expect(r.status == .ok)
            let page = text(r.body)
            #expect(page.contains(#"<section class="warning" role="alert" id="not-known""#))
            #expect(page.contains("「湖北」不是规则已知的区域取值(河南)"))
            #expect(page.contains(#"data-override="henan-finance" data-applied="false""#), "decided, the Henan override not applied")
            #expect(page.range(of: #"data-output="approver">.*?head_office"#, options: .regularExpression) != nil)
            let henan = text(try await client.get("/try?" + Self.query + "&f.region=\(Self.enc("河南"))&f.branch=\(Self.enc("洛阳"))&lang=zh").body)
            #expect(!henan.contains(#"id="f-region-warning""#))
            #expect(henan.contains(#"data-override="henan-finance" data-applied="true""#))
        }
    }
}
