import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Verdict
@testable import VerdictServer

/// `decide-batch` with a JSON array (issue 34): the form clients generated from docs/openapi.yaml
/// call. The same batch engine and limits as the JSON Lines form: each element's answer is the
/// line that form gives.
@Suite("verdict serve decide-batch as a JSON array")
struct BatchArrayTests {
    static let batchPath = "/v1/policies/quality-complaints/decide-batch"
    static let line = henanCase.replacingOccurrences(of: "\n", with: "")

    static func array(_ buffer: ByteBuffer) -> [Any]? {
        try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [Any]
    }

    @Test func theArrayAnswersAsTheLinesDo() async throws {
        let service = try makeService([EndpointTests.qc])
        try await service.application().test(.router) { client in
            let now = "?now=2026-03-05T09:00:00%2B08:00&explain=compact"
            // The elements as people write them: pretty-printed, across lines.
            let arrayBody = "[\n" + henanCase + ",\n {\"id\": \"Q-2\"},\n 5,\n" + henanCase + "\n]"
            let r = try await client.post(Self.batchPath + now, arrayBody)
            #expect(r.status == .ok)
            #expect(r.headers[.contentType] == "application/json")
            #expect(r.headers[.policyDigest]?.hasPrefix("sha256:") == true)
            let answers = try #require(Self.array(r.body))
            let lines = try await client.post(Self.batchPath + now, [Self.line, #"{"id": "Q-2"}"#, "5", Self.line].joined(separator: "\n"), type: "application/x-ndjson")
            let expected = String(buffer: lines.body).split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) }
            #expect(answers.count == 4)
            #expect(NSArray(array: answers).isEqual(to: expected), "the array's answers are the lines' answers")
            #expect((answers[0] as? [String: Any])?["explanation"] != nil)
            #expect(((answers[1] as? [String: Any])?["line"] as? Int) == 2)
        }
    }

    @Test func refusalsAndLimits() async throws {
        var limits = ServerLimits()
        limits.maxCaseBytes = 4096
        limits.maxBatchBytes = 16384
        limits.maxBatchLines = 3
        limits.maxJSONDepth = 4
        let service = try makeService([EndpointTests.qc], limits: limits)
        try await service.application().test(.router) { client in
            func code(_ body: String, _ query: String = "") async throws -> (Int, String?) {
                let r = try await client.post(Self.batchPath + query, body)
                return (Int(r.status.code), json(r.body)["type"] as? String)
            }
            #expect(try await code("[]") == (400, "urn:verdict:problem:empty-batch"))
            #expect(try await code(" [ ] ") == (400, "urn:verdict:problem:empty-batch"))
            #expect(try await code(Self.line) == (400, "urn:verdict:problem:malformed-json"))
            #expect(try await code("[" + Self.line) == (400, "urn:verdict:problem:malformed-json"))
            #expect(try await code("[" + Self.line + "] []") == (400, "urn:verdict:problem:malformed-json"))
            #expect(try await code(#"[{"a": [[[[1]]]]}]"#) == (400, "urn:verdict:problem:json-too-deep"))
            #expect(try await code("[" + Self.line + "]", "?why_not=tier") == (400, "urn:verdict:problem:invalid-parameter"))
            #expect(try await code("[" + Array(repeating: Self.line, count: 40).joined(separator: ",") + "]") == (413, "urn:verdict:problem:body-too-large"))
            // An element longer than a case may be, and past the batch's lines: error elements, as lines.
            let long = #"{"id": ""# + String(repeating: "x", count: 5000) + #""}"#
            let r = try await client.post(Self.batchPath, "[" + [Self.line, long, Self.line, Self.line, Self.line].joined(separator: ",") + "]")
            #expect(r.status == .ok)
            let answers = try #require(Self.array(r.body)) as? [[String: Any]]
            let codes = answers?.map { (($0["error"] as? [String: Any])?["problems"] as? [[String: Any]])?.first?["code"] as? String ?? "decided" }
            #expect(codes == ["decided", "body-too-large", "decided", "too-many-lines"], "\(String(buffer: r.body))")
            let wrongType = try await client.post(Self.batchPath, "[" + Self.line + "]", type: "text/plain")
            #expect(wrongType.status == .unsupportedMediaType)
            #expect(wrongType.headers[.accept]?.contains("application/json") == true)
        }
    }
}
