import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Verdict
@testable import VerdictServer

/// Every endpoint and every error status, in process.
@Suite("verdict serve endpoints")
struct EndpointTests {
    static let qc = shippedPolicyPath("quality-complaints")
    static let decidePath = "/v1/policies/quality-complaints/decide"
    static let shipped = try! CompiledPolicy.load(directory: qc)

    @Test func healthReadyAndMetrics() async throws {
        let service = try makeService([Self.qc])
        try await service.application().test(.router) { client in
            let health = try await client.get("/healthz")
            #expect(health.status == .ok)
            #expect(json(health.body)["status"] as? String == "alive")
            let ready = try await client.get("/readyz")
            #expect(ready.status == .ok)
            #expect(json(ready.body)["policies"] as? [String] == ["quality-complaints"])
            try await client.post(Self.decidePath, henanCase)
            let metrics = try await client.get("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            let body = text(metrics.body)
            #expect(body.contains(#"verdict_http_requests_total{method="POST",route="/v1/policies/{name}/decide",status="200"} 1"#))
            #expect(body.contains(#"verdict_decisions_total{policy="quality-complaints",outcome="decided"} 1"#))
            #expect(body.contains(#"verdict_reloads_total{policy="quality-complaints",outcome="activated"} 1"#))
            #expect(body.contains(#"verdict_policy_reload_failed{policy="quality-complaints"} 0"#))
            #expect(body.contains("verdict_http_request_duration_seconds_bucket"))
        }
    }

    @Test func decideAnswersTheCLIsJSONAndNamesTheVersion() async throws {
        let service = try makeService([Self.qc])
        try await service.application().test(.router) { client in
            let now = "2026-03-05T09:00:00+08:00"
            let r = try await client.post(Self.decidePath + "?now=\(now.replacingOccurrences(of: "+", with: "%2B"))", henanCase)
            #expect(r.status == .ok)
            #expect(r.headers[.contentType] == "application/json")
            let expected = try Self.shipped.decide(json: Array(henanCase.utf8), now: Timestamp(rfc3339: now)).json()
            #expect(text(r.body) == expected)
            #expect(r.headers[.policyDigest] == Self.shipped.identity.digest)
            #expect(r.headers[.policyVersion] == "1.0.0")
            let policy = json(r.body)["policy"] as? [String: Any]
            #expect(policy?["digest"] as? String == Self.shipped.identity.digest)
            #expect((json(r.body)["outputs"] as? [String: Any])?["tier"] as? Int == 3)
        }
    }

    @Test func decideExplains() async throws {
        let service = try makeService([Self.qc])
        try await service.application().test(.router) { client in
            let plain = try await client.post(Self.decidePath, henanCase)
            #expect(json(plain.body)["explanation"] == nil)
            let explained = try await client.post(Self.decidePath + "?explain=true", henanCase)
            #expect(explained.status == .ok)
            let explanation = json(explained.body)["explanation"] as? [String: Any]
            #expect((explanation?["decisions"] as? [Any])?.isEmpty == false)
            #expect(json(explained.body)["explanation_text"] == nil)
            let zh = try await client.post(Self.decidePath + "?explain=true&lang=zh", henanCase)
            let zhText = json(zh.body)["explanation_text"] as? String ?? ""
            #expect(zhText.contains("问题分类"))
            let en = try await client.post(Self.decidePath + "?lang=en", henanCase)
            #expect((json(en.body)["explanation_text"] as? String ?? "").contains("Classification tier"))
        }
    }

    /// Each error status, as problem details naming what went wrong.
    @Test func errorStatuses() async throws {
        var limits = ServerLimits()
        limits.maxCaseBytes = 2048
        limits.maxJSONDepth = 4
        let service = try makeService([Self.qc], limits: limits)
        try await service.application().test(.router) { client in
            func expectProblem(_ r: TestResponse, _ status: HTTPResponse.Status, _ code: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
                #expect(r.status == status, sourceLocation: sourceLocation)
                #expect(r.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
                let body = json(r.body)
                #expect(body["type"] as? String == "urn:verdict:problem:\(code)", sourceLocation: sourceLocation)
                #expect(body["status"] as? Int == Int(status.code), sourceLocation: sourceLocation)
                #expect(body["title"] is String, sourceLocation: sourceLocation)
            }
            // 400: malformed JSON, too deep, bad parameters.
            let malformed = try await client.post(Self.decidePath, #"{"id": "Q-1", "cost": }"#)
            expectProblem(malformed, .badRequest, "malformed-json")
            #expect(malformed.headers[.policyDigest] == Self.shipped.identity.digest)
            expectProblem(try await client.post(Self.decidePath, #"{"id": [[[[["deep"]]]]]}"#), .badRequest, "json-too-deep")
            let badNow = try await client.post(Self.decidePath + "?now=yesterday", henanCase)
            expectProblem(badNow, .badRequest, "invalid-parameter")
            #expect(json(badNow.body)["parameter"] as? String == "now")
            expectProblem(try await client.post(Self.decidePath + "?lang=fr", henanCase), .badRequest, "invalid-parameter")
            expectProblem(try await client.post(Self.decidePath + "?explain=maybe", henanCase), .badRequest, "invalid-parameter")
            expectProblem(try await client.post(Self.decidePath + "?verbose=1", henanCase), .badRequest, "invalid-parameter")
            // 404: an unknown set, an unknown route.
            let unknown = try await client.post("/v1/policies/quality-complaint/decide", henanCase)
            expectProblem(unknown, .notFound, "unknown-policy")
            #expect((json(unknown.body)["detail"] as? String ?? "").contains("`quality-complaints`"))
            expectProblem(try await client.get("/v1/policies/nope/schema"), .notFound, "unknown-policy")
            expectProblem(try await client.get("/v2/anything"), .notFound, "not-found")
            // 413: larger than the case limit.
            let big = #"{"id": "Q-1", "region": ""# + String(repeating: "x", count: 4096) + #""}"#
            expectProblem(try await client.post(Self.decidePath, big), .contentTooLarge, "body-too-large")
            // 415: wrong or missing content type.
            let form = try await client.post(Self.decidePath, henanCase, type: "application/x-www-form-urlencoded")
            expectProblem(form, .unsupportedMediaType, "unsupported-media-type")
            expectProblem(try await client.post(Self.decidePath, henanCase, type: nil), .unsupportedMediaType, "unsupported-media-type")
            #expect(try await client.post(Self.decidePath, henanCase, type: "application/json; charset=utf-8").status == .ok)
            // 422: a case the policy refuses, with the per-field problems.
            let invalid = try await client.post(Self.decidePath, henanCase.replacingOccurrences(of: #""fly""#, with: #""fyl""#)
                .replacingOccurrences(of: #""cost": "1200.00""#, with: #""cost": "12.345""#))
            expectProblem(invalid, .unprocessableContent, "invalid-case")
            let body = json(invalid.body)
            #expect(body["case"] as? String == "Q-2026-0042")
            let problems = body["problems"] as? [[String: Any]] ?? []
            #expect(problems.contains { $0["field"] as? String == "problem" && $0["code"] as? String == "invalid-value" && ($0["help"] as? String ?? "").contains("fly") })
            #expect(problems.contains { $0["field"] as? String == "cost" })
            #expect((body["policy"] as? [String: Any])?["digest"] as? String == Self.shipped.identity.digest)
            let missing = try await client.post(Self.decidePath, #"{"id": "Q-2"}"#)
            expectProblem(missing, .unprocessableContent, "invalid-case")
            #expect((json(missing.body)["problems"] as? [[String: Any]] ?? []).contains { $0["code"] as? String == "missing-field" })
        }
    }

    @Test func policySetThatNeverLoadedIs503AndNotReady() async throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let service = try makeService([Self.qc, empty.path])
        try await service.application().test(.router) { client in
            let ready = try await client.get("/readyz")
            #expect(ready.status == .serviceUnavailable)
            #expect(json(ready.body)["not_loaded"] as? [String] == [empty.lastPathComponent])
            let r = try await client.post("/v1/policies/\(empty.lastPathComponent)/decide", henanCase)
            #expect(r.status == .serviceUnavailable)
            #expect(json(r.body)["type"] as? String == "urn:verdict:problem:policy-not-loaded")
            // The other set serves all the same.
            #expect(try await client.post(Self.decidePath, henanCase).status == .ok)
            let list = json(try await client.get("/v1/policies").body)["policies"] as? [[String: Any]] ?? []
            let broken = list.first { $0["name"] as? String == empty.lastPathComponent }
            #expect(broken?["loaded"] as? Bool == false)
            let attempt = broken?["last_reload"] as? [String: Any]
            #expect(attempt?["outcome"] as? String == "failed")
            #expect((attempt?["diagnostics"] as? [[String: Any]])?.first?["code"] as? String == "empty-policy-folder")
        }
    }

    @Test func policiesListAndSchema() async throws {
        let service = try makeService([Self.qc, shippedPolicyPath("customer-complaints")])
        try await service.application().test(.router) { client in
            let r = try await client.get("/v1/policies")
            #expect(r.status == .ok)
            let list = json(r.body)["policies"] as? [[String: Any]] ?? []
            #expect(list.map { $0["name"] as? String } == ["quality-complaints", "customer-complaints"])
            let qc = list[0]
            #expect(qc["version"] as? String == "1.0.0")
            #expect(qc["effective"] as? String == "2011-06-12")
            #expect(qc["digest"] as? String == Self.shipped.identity.digest)
            #expect(qc["folder"] as? String == Self.qc)
            #expect((qc["loaded_at"] as? String)?.hasSuffix("Z") == true)
            let attempt = qc["last_reload"] as? [String: Any]
            #expect(attempt?["ok"] as? Bool == true)
            #expect(attempt?["trigger"] as? String == "startup")
            #expect((attempt?["tests_passed"] as? Int ?? 0) > 0)

            let schema = try await client.get("/v1/policies/quality-complaints/schema")
            #expect(schema.status == .ok)
            #expect(schema.headers[.contentType] == "application/schema+json")
            #expect(text(schema.body) == CaseSchema.json(for: Self.shipped))
            let s = json(schema.body)
            #expect(s["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
            #expect(s["additionalProperties"] as? Bool == false)
            let required = s["required"] as? [String] ?? []
            #expect(required.contains("received_at") && required.contains("id") && !required.contains("resolved_at"))
            let properties = s["properties"] as? [String: Any] ?? [:]
            let problem = properties["problem"] as? [String: Any]
            let members = problem?["oneOf"] as? [[String: Any]] ?? []
            #expect(members.contains { $0["const"] as? String == "fly" && ($0["x-label"] as? [String: String])?["zh"] == "苍蝇" })
            let resolved = properties["resolved_at"] as? [String: Any]
            #expect((resolved?["anyOf"] as? [[String: Any]])?.contains { $0["type"] as? String == "null" } == true)
            let cost = properties["cost"] as? [String: Any]
            #expect((cost?["anyOf"] as? [[String: Any]])?.contains { $0["pattern"] != nil } == true)
            #expect(json(try await client.get("/v1/policies/customer-complaints/schema").body)["$id"] as? String
                == "urn:verdict:policy:customer-complaints:1.0.0:case")
        }
    }

    @Test func batchStreamsLinesAndGoesOnPastBadOnes() async throws {
        var limits = ServerLimits()
        limits.maxBatchLines = 5
        limits.maxCaseBytes = 1024
        let service = try makeService([Self.qc], limits: limits)
        let one = henanCase.replacingOccurrences(of: "\n", with: "")
        try await service.application().test(.router) { client in
            let path = "/v1/policies/quality-complaints/decide-batch"
            let r = try await client.post(path, [one, #"{"id": "bad", "problem": "fyl"}"#, "", "not json", one.replacingOccurrences(of: "Q-2026-0042", with: "Q-9")].joined(separator: "\n"),
                                          type: "application/x-ndjson")
            #expect(r.status == .ok)
            #expect(r.headers[.contentType] == "application/x-ndjson")
            #expect(r.headers[.policyDigest] == Self.shipped.identity.digest)
            let lines = text(r.body).split(separator: "\n").map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:] }
            #expect(lines.count == 4)
            #expect(lines[0]["case"] as? String == "Q-2026-0042")
            #expect(lines[1]["case"] as? String == "bad" && lines[1]["line"] as? Int == 2 && lines[1]["error"] != nil)
            #expect(lines[2]["line"] as? Int == 4 && ((lines[2]["error"] as? [String: Any])?["problems"] as? [[String: Any]])?.first?["code"] as? String == "json-syntax")
            #expect(lines[3]["case"] as? String == "Q-9")

            // Past the line limit: an error line, and the rest is not read.
            let many = Array(repeating: one, count: 6).joined(separator: "\n")
            let capped = text(try await client.post(path, many, type: "application/jsonl").body).split(separator: "\n")
            #expect(capped.count == 6)
            #expect(capped.last?.contains("too-many-lines") == true)
            // A line longer than the case limit: its error line, then the next line is decided.
            let long = #"{"id": "long", "region": ""# + String(repeating: "x", count: 2000) + #""}"#
            let mixed = text(try await client.post(path, long + "\n" + one, type: "application/x-ndjson").body).split(separator: "\n")
            #expect(mixed.count == 2 && mixed[0].contains("body-too-large") && mixed[1].contains("Q-2026-0042"))
            // Explanations in a batch.
            let explained = text(try await client.post(path + "?explain=true", one, type: "application/x-ndjson").body)
            #expect(explained.contains(#""explanation":"#))

            let wrongType = try await client.post(path, one, type: "text/plain")
            #expect(wrongType.status == .unsupportedMediaType)
            // application/json is the batch as a JSON array (BatchArrayTests): one case alone is not one.
            let notArray = try await client.post(path, one, type: "application/json")
            #expect(notArray.status == .badRequest && json(notArray.body)["type"] as? String == "urn:verdict:problem:malformed-json")
            #expect(try await client.post("/v1/policies/none/decide-batch", one, type: "application/x-ndjson").status == .notFound)
        }
    }

    @Test func tokensGuardTheAPIAndReload() async throws {
        let log = CapturedLog()
        let api = "api-token-0123456789abcdef", admin = "admin-token-0123456789abcdef"
        let service = try makeService([Self.qc], tokens: [api], adminTokens: [admin], log: log)
        try await service.application().test(.router) { client in
            let none = try await client.post(Self.decidePath, henanCase)
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(json(none.body)["type"] as? String == "urn:verdict:problem:unauthorized")
            let wrong = try await client.post(Self.decidePath, henanCase, token: "wrong-token-0123456789abcdef")
            #expect(wrong.status == .unauthorized)
            #expect(json(wrong.body)["type"] as? String == "urn:verdict:problem:invalid-token")
            #expect(try await client.post(Self.decidePath, henanCase, token: api).status == .ok)
            #expect(try await client.post(Self.decidePath, henanCase, token: admin).status == .ok)
            #expect(try await client.get("/v1/policies", token: api).status == .ok)
            #expect(try await client.get("/v1/policies").status == .unauthorized)
            #expect(try await client.get("/v1/policies/quality-complaints/schema").status == .unauthorized)
            // Reload needs the admin token.
            #expect(try await client.post("/v1/admin/reload", "").status == .unauthorized)
            let scoped = try await client.post("/v1/admin/reload", "", token: api)
            #expect(scoped.status == .forbidden)
            #expect(json(scoped.body)["type"] as? String == "urn:verdict:problem:insufficient-scope")
            #expect(try await client.post("/v1/admin/reload", "", token: admin).status == .ok)
            // Health, readiness and metrics stay open.
            #expect(try await client.get("/healthz").status == .ok)
            #expect(try await client.get("/readyz").status == .ok)
            #expect(try await client.get("/metrics").status == .ok)
        }
        #expect(!log.all.isEmpty)
        #expect(!log.all.contains { $0.contains(api) || $0.contains(admin) })
    }

    @Test func reloadNeedsATokenEvenWhenDecideDoesNot() async throws {
        let admin = "admin-token-0123456789abcdef"
        let open = try makeService([Self.qc])
        try await open.application().test(.router) { client in
            #expect(try await client.post(Self.decidePath, henanCase).status == .ok)
            let r = try await client.post("/v1/admin/reload", "")
            #expect(r.status == .forbidden)
            #expect(json(r.body)["type"] as? String == "urn:verdict:problem:reload-disabled")
        }
        let adminOnly = try makeService([Self.qc], adminTokens: [admin])
        try await adminOnly.application().test(.router) { client in
            #expect(try await client.post(Self.decidePath, henanCase).status == .ok)
            #expect(try await client.post("/v1/admin/reload", "").status == .unauthorized)
            let ok = try await client.post("/v1/admin/reload", "", token: admin)
            #expect(ok.status == .ok)
            let results = json(ok.body)["results"] as? [[String: Any]] ?? []
            #expect(results.first?["outcome"] as? String == "unchanged")
            // The list is open here, but folders and diagnostics only for a caller with a token.
            let anonymous = (json(try await client.get("/v1/policies").body)["policies"] as? [[String: Any]])?.first
            #expect(anonymous?["folder"] == nil && anonymous?["digest"] != nil)
            #expect((anonymous?["last_reload"] as? [String: Any])?["diagnostics"] == nil)
            let privileged = (json(try await client.get("/v1/policies", token: admin).body)["policies"] as? [[String: Any]])?.first
            #expect(privileged?["folder"] as? String == Self.qc)
            let unknown = try await client.post("/v1/admin/reload?policy=nope", "", token: admin)
            #expect(unknown.status == .notFound)
        }
    }

    @Test func tokenFilesAndConstantTimeCompare() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-tokens-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try "# rotated 2026-12\nfirst-token-0123456789abcdef\n\n  second-token-0123456789abcdef  \n".write(to: file, atomically: true, encoding: .utf8)
        let set = try TokenSet.load(file: file.path)
        #expect(set.contains(Array("first-token-0123456789abcdef".utf8)))
        #expect(set.contains(Array("second-token-0123456789abcdef".utf8)))
        #expect(!set.contains(Array("first-token-0123456789abcdeF".utf8)))
        #expect(!set.contains(Array("".utf8)))
        #expect(throws: TokenSet.LoadError.self) { try TokenSet(tokens: ["short"]) }
        #expect(throws: TokenSet.LoadError.self) { try TokenSet(tokens: []) }
        #expect(throws: TokenSet.LoadError.self) { try TokenSet.load(file: "/nonexistent/tokens") }
    }

    @Test func jsonLinesLogging() async throws {
        let log = CapturedLog()
        var config = ServerConfiguration(policyFolders: [Self.qc])
        config.reloadOnSIGHUP = false
        config.watchInterval = nil
        let service = VerdictService(configuration: config, logger: log.logger(format: .json))
        _ = try await service.application().test(.router) { client in
            try await client.post(Self.decidePath, henanCase)
        }
        let lines = log.all.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        #expect(lines.count == log.all.count)
        let request = lines.first { $0["path"] as? String == Self.decidePath }
        #expect(request?["status"] as? Int == 200)
        #expect(request?["policy_digest"] as? String == Self.shipped.identity.digest)
        #expect(request?["level"] as? String == "info")
        #expect(lines.contains { $0["outcome"] as? String == "activated" && $0["trigger"] as? String == "startup" })
    }

    @Test func depthScanIgnoresBracketsInStrings() {
        #expect(!BodyReader.exceedsDepth(Array(#"{"a": "[[[[[[[[\"]]]"}"#.utf8), limit: 2))
        #expect(BodyReader.exceedsDepth(Array(#"{"a": [[1]]}"#.utf8), limit: 2))
        #expect(!BodyReader.exceedsDepth(Array(#"{"a": [1]}"#.utf8), limit: 2))
    }

    @Test func routeLabelsAreBounded() {
        #expect(ServiceMiddleware<BasicRequestContext>.route("/v1/policies/anything/decide") == "/v1/policies/{name}/decide")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/v1/policies/x") == "/v1/policies/{name}")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/v1/policies/x/decide-batch") == "/v1/policies/{name}/decide-batch")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/v1/policies/x/schema") == "/v1/policies/{name}/schema")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/healthz") == "/healthz")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/v1/admin/reload") == "/v1/admin/reload")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/v1/policies//decide") == "/v1/policies/{name}")
        #expect(ServiceMiddleware<BasicRequestContext>.route("//v1/policies/x/decide") == "/v1/policies/{name}/decide")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/v1/policies/x/decide/more") == "other")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/v1/policies/x/unknown") == "other")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/random/\(UUID())") == "other")
        // Parts are compared as bytes: a prefix, a longer part, a trailing slash, many parts, no part.
        #expect(ServiceMiddleware<BasicRequestContext>.route("/v1/policies/x/decide/") == "/v1/policies/{name}/decide")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/v1/policies/x/decid") == "other")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/v1/policies/x/decidex") == "other")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/v1/policies") == "/v1/policies")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/metrics") == "/metrics")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/readyz") == "/readyz")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/a/b/c/d/e/f/g") == "other")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/") == "other")
        #expect(ServiceMiddleware<BasicRequestContext>.route("") == "other")
        #expect(ServiceMiddleware<BasicRequestContext>.route("/v1/policies/河南/decide") == "/v1/policies/{name}/decide")
    }
}
