import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing
import Verdict
@testable import VerdictServer

/// Issue 27: what once killed `verdict serve` — one console request, one file saved into a watched
/// folder — is refused with a diagnostic while the service keeps answering.
@Suite("verdict serve under hostile input")
struct HostileRequestTests {
    static let decidePath = "/v1/policies/quality-complaints/decide"

    /// The measure that overflowed the checker, and the list nested 5,000 deep that overflowed the parser's stack.
    static let overflowingMeasure = "measures:\n  x:\n    kind: share\n    of: hospitalised\n    target: \">= 99.999999999999999999%\"\n"
    static let deepList = "decisions:\n  deep:\n    hit: first\n    outputs:\n      o: {type: bool}\n    rules:\n      - id: r\n        when: \"1 in "
        + String(repeating: "[", count: 5000) + "1" + String(repeating: "]", count: 5000) + "\"\n        then: {o: true}\n"

    @Test func filesThatCrashedAReloadAreRefusedAndTheServiceKeepsServing() async throws {
        let copy = try PolicyCopy("quality-complaints")
        defer { copy.remove() }
        let admin = "admin-token-0123456789abcdef"
        let service = try makeService([copy.path], adminTokens: [admin])
        try await service.application().test(.router) { client in
            let original = try #require(try await client.digest("quality-complaints"))
            for (name, text, message) in [("x-measure.yaml", Self.overflowingMeasure, "has more than 9 decimals"),
                                          ("x-deep.yaml", Self.deepList, "expression nests too deeply")] {
                try text.write(toFile: copy.path + "/" + name, atomically: true, encoding: .utf8)
                let refused = try await client.post("/v1/admin/reload", "", token: admin)
                #expect(refused.status == .unprocessableContent, "\(name)")
                let result = (json(refused.body)["results"] as? [[String: Any]])?.first ?? [:]
                let d = (result["diagnostics"] as? [[String: Any]])?.first ?? [:]
                #expect((d["file"] as? String)?.hasSuffix(name) == true, "\(name)")
                #expect((d["message"] as? String ?? "").contains(message), "\(name): \(d)")
                #expect(try await client.post(Self.decidePath, henanCase).status == .ok)
                #expect(try await client.digest("quality-complaints") == original)
                try FileManager.default.removeItem(atPath: copy.path + "/" + name)
            }
            // A FIFO named like a policy file is refused without waiting for a writer.
            #expect(mkfifo(copy.path + "/x-fifo.yaml", 0o644) == 0)
            let fifo = try await client.post("/v1/admin/reload", "", token: admin)
            #expect(fifo.status == .unprocessableContent)
            #expect(text(fifo.body).contains("is a FIFO, not a regular file: not read"))
            #expect(try await client.post(Self.decidePath, henanCase).status == .ok)
        }
    }

    @Test func consoleDraftsThatCrashedTheServiceAreCheckedAndRefused() async throws {
        let service = try makeService([shippedPolicyPath("quality-complaints")])
        let csrf = ConsoleSessions.newFormToken()
        try await service.application().test(.router) { client in
            for (text, message) in [(Self.overflowingMeasure, "has more than 9 decimals"), (Self.deepList, "expression nests too deeply")] {
                let body = [("policy", "quality-complaints"), ("new_name", "x-hostile.yaml"), ("new_text", text), ("csrf", csrf)]
                    .map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
                var headers = HTTPFields()
                headers[.cookie] = "verdict_csrf=\(csrf)"
                headers[.contentType] = "application/x-www-form-urlencoded"
                let r = try await client.execute(uri: "/draft", method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(r.status == .unprocessableContent)
                #expect(String(buffer: r.body).contains(message))
            }
            #expect(try await client.post(Self.decidePath, henanCase).status == .ok)
        }
    }
}
