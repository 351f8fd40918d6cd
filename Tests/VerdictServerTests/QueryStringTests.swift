import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Verdict
import VerdictConsole
@testable import VerdictServer

/// Query strings as browsers and HTTP libraries encode them (issue 34): `+` and `%20` are a space,
/// `%2B` a plus, on every route of the API and the console's GET forms, read in one place
/// (``QueryString``, on the console's ``FormData``).
@Suite("query strings")
struct QueryStringTests {
    static let decidePath = EndpointTests.decidePath

    @Test func plusAndPercent20AreSpacesAndPercent2BIsAPlus() {
        #expect(QueryString.pairs("why_not=approver+%3D+branch_manager").map { [$0.0, $0.1] } == [["why_not", "approver = branch_manager"]])
        #expect(QueryString.pairs("why_not=approver%20=%20branch_manager").map { [$0.0, $0.1] } == [["why_not", "approver = branch_manager"]])
        #expect(QueryString.pairs("now=2026-03-05T09:00:00%2B08:00&x").map { [$0.0, $0.1] } == [["now", "2026-03-05T09:00:00+08:00"], ["x", ""]])
        #expect(QueryString.pairs("q=%E6%B2%B3%E5%8D%97+%2B1").map { $0.1 } == ["河南 +1"])
        // The console's forms read the same way: one decoder.
        #expect(FormData.parse("whynot=approver+%3D+branch_manager").map { $0.1 } == ["approver = branch_manager"])
    }

    /// Python's `urlencode` (and httpx, requests) writes `+`; JavaScript's `encodeURIComponent` `%20`.
    @Test func aWhyNotQuestionWithSpacesInEitherEncoding() async throws {
        let admin = "admin-token-0123456789abcdef"
        let service = try makeService([EndpointTests.qc], adminTokens: [admin])
        try await service.application().test(.router) { client in
            for q in ["why_not=approver+%3D+branch_manager", "why_not=approver%20=%20branch_manager", "why_not=approver%20%3D%20branch_manager",
                      "why_not=signers+contains+finance_supervisor"] {
                let r = try await client.post(Self.decidePath + "?" + q, henanCase)
                #expect(r.status == .ok, "\(q): \(String(buffer: r.body))")
                let answers = json(r.body)["why_not"] as? [[String: Any]]
                #expect(answers?.count == 1 && ["changes"].contains(answers?.first?["outcome"] as? String ?? ""), "\(q)")
            }
            // `%2B` is a plus: in a time's offset, and in a question (where it is no output's name).
            let plus = try await client.post(Self.decidePath + "?now=2026-03-05T09:00:00%2B08:00", henanCase)
            #expect(plus.status == .ok && (json(plus.body)["now"] as? String)?.hasSuffix("+08:00") == true)
            let raw = try await client.post(Self.decidePath + "?now=2026-03-05T09:00:00+08:00", henanCase)
            #expect(raw.status == .ok && (json(raw.body)["now"] as? String)?.hasSuffix("+08:00") == true, "an offset's unencoded + still reads as a plus")
            let plusQuestion = try await client.post(Self.decidePath + "?why_not=approver%2B", henanCase)
            #expect(plusQuestion.status == .badRequest)
            #expect((json(plusQuestion.body)["detail"] as? String)?.contains("approver+") == true)
            // `+` and `%20` in the other parameters: explain, and an unknown parameter's name.
            let unknown = try await client.post(Self.decidePath + "?why+not=tier", henanCase)
            #expect(json(unknown.body)["parameter"] as? String == "why not")
            let explain = try await client.post(Self.decidePath + "?explain=compact", henanCase)
            #expect(explain.status == .ok && json(explain.body)["explanation"] != nil)
            // Reload's `policy`, decoded the same way (`%2D` is `-`).
            let reload = try await client.post("/v1/admin/reload?policy=quality%2Dcomplaints", "", token: admin)
            #expect(reload.status == .ok)
        }
    }

    @Test func theConsolesTryFormReadsPlusAsASpace() async throws {
        let service = try makeService([EndpointTests.qc])
        try await service.application().test(.router) { client in
            let query = "policy=quality-complaints&decide=1&f.id=Q-2026-0042&f.received_at=2026-03-02T09:15&f.resolved_at=2026-03-04T17:00"
                + "&f.region=Henan&f.branch=Luoyang&f.problem=fly&f.eaten=true&f.adverse_reaction=true&f.hospitalised=true&f.cost=1200.00"
                + "&f.media_involved=false&f.government_involved=false&f.excessive_demand=false&f.food_poisoning=false&f.batch_problem=false"
            for q in ["whynot=approver+%3D+branch_manager", "whynot=approver%20=%20branch_manager"] {
                let page = String(buffer: try await client.get("/try?" + query + "&" + q).body)
                #expect(page.contains(#"<pre class="whynot" data-output="approver">"#), "\(q)")
                #expect(page.contains("Why not approver = branch_manager"), "\(q)")
            }
        }
    }
}
