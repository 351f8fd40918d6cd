import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Verdict
@testable import VerdictServer

/// "Why not?" questions on the decide endpoint (`why_not`, repeatable).
@Suite("verdict serve why-not")
struct WhyNotEndpointTests {
    static let decidePath = EndpointTests.decidePath

    @Test func answersWhyNotQuestionsBesideTheDecision() async throws {
        let service = try makeService([EndpointTests.qc])
        try await service.application().test(.router) { client in
            let q = "why_not=approver%3Dbranch_manager&why_not=signers%20contains%20finance_supervisor&lang=zh"
            let r = try await client.post(Self.decidePath + "?" + q, henanCase)
            #expect(r.status == .ok)
            let body = json(r.body)
            #expect((body["outputs"] as? [String: Any])?["approver"] as? String == "head_office")
            let answers = try #require(body["why_not"] as? [[String: Any]])
            #expect(answers.map { $0["question"] as? String } == ["approver=branch_manager", "signers contains finance_supervisor"])
            #expect(answers.map { $0["outcome"] as? String } == ["changes", "changes"])
            let alternatives = try #require(answers[1]["alternatives"] as? [[String: Any]])
            #expect(alternatives.map { $0["fields"] as? [String] } == [["region"], ["branch"]])
            let text = try #require(body["why_not_text"] as? String)
            #expect(text.contains("处理费用(含赔偿金额,元) [cost] ≤ 300.00(现为 1,200.00)"), "\(text)")
        }
    }

    @Test func aBadQuestionIsABadRequest() async throws {
        let service = try makeService([EndpointTests.qc])
        try await service.application().test(.router) { client in
            let r = try await client.post(Self.decidePath + "?why_not=aprover%3Dbranch_manager", henanCase)
            #expect(r.status == .badRequest)
            let body = json(r.body)
            #expect(body["parameter"] as? String == "why_not")
            #expect((body["detail"] as? String)?.contains("did you mean `approver`?") == true)
            let batch = try await client.post("/v1/policies/quality-complaints/decide-batch?why_not=tier", henanCase.replacingOccurrences(of: "\n", with: ""), type: "application/x-ndjson")
            #expect(batch.status == .badRequest)
        }
    }
}
