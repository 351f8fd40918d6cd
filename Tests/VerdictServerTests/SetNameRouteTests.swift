import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Verdict
@testable import VerdictServer

/// Issue 27, item 16: a set whose name is not ASCII is reached by its percent-encoded name, on every
/// route that names a set; an escape that decodes to no set is a 404 that says so.
@Suite("verdict serve set names in paths")
struct SetNameRouteTests {
    static let name = "服务标准"
    static let encoded = "%E6%9C%8D%E5%8A%A1%E6%A0%87%E5%87%86"

    /// The shipped quality-complaints set, renamed `服务标准`.
    static func renamed() throws -> PolicyCopy {
        let copy = try PolicyCopy("quality-complaints")
        try copy.edit("policy.yaml", replacing: "name: quality-complaints", with: "name: \(name)")
        return copy
    }

    @Test func aPercentEncodedNameReachesItsSet() async throws {
        let copy = try Self.renamed()
        defer { copy.remove() }
        let service = try makeService([copy.path])
        try await service.application().test(.router) { client in
            let decided = try await client.post("/v1/policies/\(Self.encoded)/decide", henanCase)
            #expect(decided.status == .ok, "\(text(decided.body))")
            #expect((json(decided.body)["policy"] as? [String: Any])?["name"] as? String == Self.name)
            let batch = try await client.post("/v1/policies/\(Self.encoded)/decide-batch", henanCase.replacingOccurrences(of: "\n", with: ""),
                                              type: "application/x-ndjson")
            #expect(batch.status == .ok, "\(text(batch.body))")
            let one = try await client.get("/v1/policies/\(Self.encoded)")
            #expect(one.status == .ok)
            #expect(json(one.body)["name"] as? String == Self.name)
            #expect(try await client.get("/v1/policies/\(Self.encoded)/schema").status == .ok)
            // Lower-case hex decodes the same.
            #expect(try await client.post("/v1/policies/\(Self.encoded.lowercased())/decide", henanCase).status == .ok)
        }
    }

    @Test func overTheWireTheNameIsPercentEncoded() throws {
        // A request line is ASCII (RFC 9112): the built server decodes the escapes, and refuses the
        // name's UTF-8 bytes sent unencoded as a malformed request (400) before any route sees them.
        let copy = try Self.renamed()
        defer { copy.remove() }
        let server = try EndToEndTests.Server(["--policies", copy.path, "--watch-interval", "0"])
        defer { server.stop() }
        let encoded = try HTTP.request(port: server.port, "POST", "/v1/policies/\(Self.encoded)/decide", body: henanCase)
        #expect(encoded.status == 200, "\(encoded.body)")
        #expect((encoded.json["policy"] as? [String: Any])?["name"] as? String == Self.name)
        #expect(try HTTP.request(port: server.port, "POST", "/v1/policies/\(Self.name)/decide", body: henanCase).status == 400)
    }

    @Test func anEscapeThatNamesNoSetIsAnUnknownPolicy() async throws {
        let service = try makeService([shippedPolicyPath("quality-complaints")])
        try await service.application().test(.router) { client in
            // `quality%2Dcomplaints` decodes to the set's name; `%E6%9C` is not UTF-8, `%ZZ` not an escape.
            #expect(try await client.post("/v1/policies/quality%2Dcomplaints/decide", henanCase).status == .ok)
            for segment in ["%E6%9C", "%ZZ", "a%2Fb"] {
                let r = try await client.post("/v1/policies/\(segment)/decide", henanCase)
                #expect(r.status == .notFound, "\(segment)")
                #expect(json(r.body)["type"] as? String == "urn:verdict:problem:unknown-policy", "\(segment)")
            }
            let slash = try await client.post("/v1/policies/a%2Fb/decide", henanCase)
            #expect(json(slash.body)["detail"] as? String == "no policy set is named `a/b`; this server serves `quality-complaints`")
        }
    }
}
