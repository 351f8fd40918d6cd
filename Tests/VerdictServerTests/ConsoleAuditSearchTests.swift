import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Verdict
import VerdictAudit
import VerdictConsole
@testable import VerdictServer

/// The audit search as a compliance officer meets it (issue 37, item 5): an output name no version
/// has is said so with a suggestion, a case id may be its beginning, an output value may be its
/// label, a plain date is that day in the policy's time zone, the "more than N" notice is above the
/// list, outputs are shown by label and the engine version is labelled as such.
@Suite("console audit search")
struct ConsoleAuditSearchTests {
    typealias Logged = ConsoleRouteTests.Logged

    static func zh(_ path: String) -> String { path + (path.contains("?") ? "&" : "?") + "lang=zh" }

    @Test func anOutputNoVersionHasIsSaidSoWithASuggestion() async throws {
        let logged = try Logged([ConsoleRouteTests.qc])
        defer { logged.close() }
        try await logged.service.application().test(.router) { client in
            #expect(try await client.post("/v1/policies/quality-complaints/decide", henanCase).status == .ok)
            let region = try await client.get("/audit?output=region&value=henan")
            #expect(region.status == .badRequest)
            let en = text(region.body)
            #expect(en.contains("“region” is not an output of any served version, and no recorded decision has it."))
            #expect(en.contains("approver"), "the served outputs are listed")
            #expect(!en.contains("No recorded decision matches."))
            let typo = text(try await client.get("/audit?output=aprover&value=head_office").body)
            #expect(typo.contains("Did you mean approver?"))
            let zh = text(try await client.get(Self.zh("/audit?output=aprover")).body)
            #expect(zh.contains("「aprover」不是任何服务中版本的输出项"))
            #expect(zh.contains("是否想填写 approver?"))
            // An output that exists, with a value no decision has, is still "no match".
            #expect(text(try await client.get("/audit?output=approver&value=branch_manager").body).contains("No recorded decision matches."))
        }
    }

    @Test func aCaseIDPrefixAndAValueLabelFind() async throws {
        let logged = try Logged([ConsoleRouteTests.qc])
        defer { logged.close() }
        try await logged.service.application().test(.router) { client in
            #expect(try await client.post("/v1/policies/quality-complaints/decide", henanCase).status == .ok)
            let prefix = text(try await client.get("/audit?case=Q-2026-00").body)
            #expect(prefix.contains(#"href="/audit/0""#))
            let other = text(try await client.get("/audit?case=Q-2027").body)
            #expect(other.contains("No recorded decision matches."))
            let labels = ["head%20office", "Head%20Office", "%E6%80%BB%E9%83%A8"]  // the last is 总部
            for value in labels {
                let found = text(try await client.get("/audit?output=approver&value=" + value).body)
                #expect(found.contains(#"href="/audit/0""#), Comment(rawValue: value))
            }
            // One item of a list output finds the lists that hold it.
            let item = text(try await client.get("/audit?output=signers&value=bu_finance_head").body)
            #expect(item.contains(#"href="/audit/0""#))
            // A label without the output's name finds it too; a label of another value does not.
            let anyOutput = text(try await client.get("/audit?value=head%20office").body)
            #expect(anyOutput.contains(#"href="/audit/0""#))
            let another = text(try await client.get("/audit?output=approver&value=branch%20manager").body)
            #expect(another.contains("No recorded decision matches."))
        }
    }

    static func t(_ text: String) -> Timestamp { try! Timestamp(rfc3339: text) }

    @Test func aPlainDateIsThatDayInThePolicysZone() throws {
        let shanghai = try #require(Zone(identifier: "Asia/Shanghai"))
        var q = AuditPage.Query([("since", "2026-12-06")])
        var (since, until) = try AuditSearch.range(q, zone: shanghai)
        #expect(since == Self.t("2026-12-06T00:00:00+08:00"))
        #expect(until == Self.t("2026-12-07T00:00:00+08:00"))
        q = AuditPage.Query([("since", "2026-12-01"), ("until", "2026-12-31")])
        (since, until) = try AuditSearch.range(q, zone: shanghai)
        #expect(since == Self.t("2026-12-01T00:00:00+08:00"))
        #expect(until == Self.t("2027-01-01T00:00:00+08:00"), "to the end of the last day")
        // RFC 3339 is still read as before (without an offset, UTC).
        q = AuditPage.Query([("since", "2026-12-06T09:00:00+08:00"), ("until", "2026-12-06T10:00")])
        (since, until) = try AuditSearch.range(q, zone: shanghai)
        #expect(since == Self.t("2026-12-06T01:00:00Z"))
        #expect(until == Self.t("2026-12-06T10:00:00Z"))
        #expect(throws: AuditSearch.QueryProblem.self) { try AuditSearch.range(AuditPage.Query([("since", "2026-02-30")]), zone: shanghai) }
    }

    @Test func aPlainDateFindsTheDaysDecisions() async throws {
        let logged = try Logged([ConsoleRouteTests.qc])
        defer { logged.close() }
        try await logged.service.application().test(.router) { client in
            #expect(try await client.post("/v1/policies/quality-complaints/decide", henanCase).status == .ok)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
            let d = calendar.dateComponents([.year, .month, .day], from: Date())
            let today = String(format: "%04d-%02d-%02d", d.year!, d.month!, d.day!)
            let found = try await client.get("/audit?since=\(today)")
            #expect(found.status == .ok)
            #expect(text(found.body).contains(#"href="/audit/0""#))
            #expect(text(try await client.get("/audit?until=\(AuditSearch.dayAfter(today)!)&since=\(AuditSearch.dayAfter(today)!)").body)
                .contains("No recorded decision matches."))
            #expect(try await client.get("/audit?since=2026-13-01").status == .badRequest)
        }
    }

    static func context(_ language: Language) -> ConsoleContext {
        ConsoleContext(language: language, csrfToken: String(repeating: "a", count: 64), hasAuditLog: true, path: "/audit")
    }

    @Test(arguments: [Language.en, .zh]) func theMoreNoticeIsAboveTheListAndOutputsAreByLabel(_ language: Language) throws {
        let row = AuditPage.Row(seq: 7, recordedAt: try Timestamp(rfc3339: "2026-12-06T01:00:00Z"), caseID: "Q-1", policy: "quality-complaints 1.0.0",
                                outputs: [("approver", "head_office"), ("signers", #"["handler","branch_manager"]"#)],
                                labels: [.init(label: Localized(en: "approves", zh: "审批人"), items: [("head_office", Localized(en: "head office", zh: "总部"))]),
                                         .init(label: Localized(en: "sign in this order", zh: "依次签字"),
                                               items: [("handler", Localized(en: "handler", zh: "经办人")), ("branch_manager", Localized())])])
        let page = AuditPage.search(AuditPage.Query([]), rows: [row], more: true, problem: nil, context: Self.context(language))
        let notice = language == .en ? "More than 1 decisions match; the first 1 are shown." : "符合条件的记录超过 1 条,仅显示前 1 条"
        let at = try #require(page.range(of: notice))
        let table = try #require(page.range(of: "<table"))
        #expect(at.lowerBound < table.lowerBound, "the notice is above the list")
        if language == .en {
            #expect(page.contains(#"approves: head office <code class="muted">approver=head_office</code>"#))
            #expect(page.contains("sign in this order: handler, branch_manager"))
        } else {
            #expect(page.contains(#"审批人: 总部 <code class="muted">approver=head_office</code>"#))
            #expect(page.contains("依次签字: 经办人, branch_manager"))
        }
        // Without labels (a version missing from the archive) the recorded text is shown.
        let bare = AuditPage.Row(seq: 8, recordedAt: row.recordedAt, caseID: "Q-2", policy: "x 1", outputs: [("tier", "3")])
        #expect(AuditPage.search(AuditPage.Query([]), rows: [bare], more: false, problem: nil, context: Self.context(language))
            .contains(#"tier: 3 <code class="muted">tier=3</code>"#))
    }

    @Test func theRecordNamesTheEngineVersionAsSuch() async throws {
        let logged = try Logged([ConsoleRouteTests.qc])
        defer { logged.close() }
        try await logged.service.application().test(.router) { client in
            #expect(try await client.post("/v1/policies/quality-complaints/decide", henanCase).status == .ok)
            #expect(text(try await client.get("/audit/0").body).contains("<dt>Engine</dt><dd>Verdict "))
            #expect(text(try await client.get(Self.zh("/audit/0")).body).contains("<dt>引擎版本</dt><dd>Verdict "))
            // The list shows the served policy's labels.
            let list = text(try await client.get("/audit?case=Q-2026-0042").body)
            #expect(list.contains(#"approves: head office <code class="muted">approver=head_office</code>"#))
            let zh = text(try await client.get(Self.zh("/audit?case=Q-2026-0042")).body)
            #expect(zh.contains(#"审批人: 总部 <code class="muted">approver=head_office</code>"#))
        }
    }
}
