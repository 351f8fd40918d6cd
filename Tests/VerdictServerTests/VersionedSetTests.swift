import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Verdict
@testable import VerdictServer

/// A set with versions by effective date, served: each case is decided by the version in force on its date.
/// The set is the illustrative example `policies/examples/quality-complaints-amended` (section A as 1.0.0,
/// an invented amendment 2.0.0 of 2027-01-01), not the shipped quality-complaints, which follows its document.
@Suite("verdict serve: policy versions")
struct VersionedSetTests {
    static let example = "examples/quality-complaints-amended"
    static let decidePath = "/v1/policies/quality-complaints-amended/decide"

    /// The Henan example, received at `received`, for 400 yuan: 1.0.0 has the division manager approve
    /// it, the example's amendment 2.0.0 (from 2027-01-01) the branch manager.
    static func caseAt(_ received: String, id: String = "Q-V") -> String {
        henanCase.replacingOccurrences(of: #""received_at": "2026-03-02T09:15:00+08:00""#, with: #""received_at": "\#(received)""#)
            .replacingOccurrences(of: "  \"resolved_at\": \"2026-03-04T17:00:00+08:00\",\n  \"last_contact_at\": \"2026-03-03T10:00:00+08:00\",\n", with: "")  // its events, dated 2026-03, would precede a later receipt
            .replacingOccurrences(of: #""cost": "1200.00""#, with: #""cost": "400.00""#)
            .replacingOccurrences(of: #""id": "Q-2026-0042""#, with: #""id": "\#(id)""#)
            .replacingOccurrences(of: "\n", with: " ")
    }

    static func version(_ r: TestResponse) -> String? { (json(r.body)["policy"] as? [String: Any])?["version"] as? String }
    static func approver(_ r: TestResponse) -> String? { (json(r.body)["outputs"] as? [String: Any])?["approver"] as? String }

    @Test func decideAndExplainPickTheVersionOfTheCase() async throws {
        let copy = try PolicyCopy(Self.example, keepVersions: true)
        defer { copy.remove() }
        let service = try makeService([copy.path])
        try await service.application().test(.router) { client in
            let december = try await client.post(Self.decidePath, Self.caseAt("2026-12-31T23:59:59+08:00"))
            #expect(december.status == .ok)
            #expect(Self.version(december) == "1.0.0" && Self.approver(december) == "division_manager")
            #expect(december.headers[.policyVersion] == "1.0.0")
            let january = try await client.post(Self.decidePath + "?explain=true&lang=en", Self.caseAt("2027-01-01T00:00:00+08:00"))
            #expect(january.status == .ok)
            #expect(Self.version(january) == "2.0.0" && Self.approver(january) == "branch_manager")
            #expect(january.headers[.policyVersion] == "2.0.0")
            #expect((json(january.body)["explanation"] as? [String: Any])?["policy"].map { ($0 as? [String: Any])?["version"] as? String } == "2.0.0")
            #expect((json(january.body)["explanation_text"] as? String)?.contains("band-up-to-500") == true)
            let early = try await client.post(Self.decidePath, Self.caseAt("2011-06-11T23:59:59+08:00"))
            #expect(early.status == .unprocessableContent)
            let problem = (json(early.body)["problems"] as? [[String: Any]])?.first ?? [:]
            #expect(problem["code"] as? String == "before-first-version" && problem["field"] as? String == "received_at")
        }
    }

    @Test func aBatchDecidesEachLineByItsOwnVersion() async throws {
        let copy = try PolicyCopy(Self.example, keepVersions: true)
        defer { copy.remove() }
        let service = try makeService([copy.path])
        try await service.application().test(.router) { client in
            let body = [Self.caseAt("2026-12-15T09:00:00+08:00", id: "A"), Self.caseAt("2027-01-15T09:00:00+08:00", id: "B")].joined(separator: "\n") + "\n"
            let r = try await client.post("/v1/policies/quality-complaints-amended/decide-batch", body, type: "application/x-ndjson")
            #expect(r.status == .ok)
            let lines = text(r.body).split(separator: "\n").map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:] }
            #expect(lines.map { ($0["policy"] as? [String: Any])?["version"] as? String } == ["1.0.0", "2.0.0"])
            #expect(lines.map { ($0["outputs"] as? [String: Any])?["approver"] as? String } == ["division_manager", "branch_manager"])
        }
    }

    @Test func theListingNamesEveryVersionAndReloadPicksUpANewVersionFolder() async throws {
        let copy = try PolicyCopy(Self.example)
        defer { copy.remove() }
        let admin = "admin-token-0123456789abcdef"
        let service = try makeService([copy.path], adminTokens: [admin])
        try await service.application().test(.router) { client in
            let before = json(try await client.get("/v1/policies/quality-complaints-amended").body)
            // One version that names `effective_by` is dated too: it lists itself with its date.
            #expect((before["versions"] as? [[String: Any]])?.map { $0["version"] as? String } == ["1.0.0"])
            #expect(Self.version(try await client.post(Self.decidePath, Self.caseAt("2027-01-15T09:00:00+08:00"))) == "1.0.0")

            // The amendment's folder arrives: a reload activates the set with both versions.
            try FileManager.default.copyItem(atPath: shippedPolicyPath(Self.example) + "/versions", toPath: copy.path + "/versions")
            let ok = try await client.post("/v1/admin/reload?policy=quality-complaints-amended", "", token: admin)
            #expect(ok.status == .ok)
            let result = (json(ok.body)["results"] as? [[String: Any]])?.first ?? [:]
            #expect(result["outcome"] as? String == "activated")
            #expect(result["tests_passed"] as? Int == 54)
            let listed = json(try await client.get("/v1/policies/quality-complaints-amended").body)
            #expect(listed["effective_by"] as? String == "received_at")
            let versions = listed["versions"] as? [[String: Any]] ?? []
            #expect(versions.map { $0["version"] as? String } == ["1.0.0", "2.0.0"])
            #expect(versions.map { $0["effective"] as? String } == ["2011-06-12", "2027-01-01"])
            #expect(versions.allSatisfy { ($0["digest"] as? String)?.hasPrefix("sha256:") == true })
            #expect(Self.version(try await client.post(Self.decidePath, Self.caseAt("2027-01-15T09:00:00+08:00"))) == "2.0.0")
            #expect(Self.version(try await client.post(Self.decidePath, Self.caseAt("2026-12-15T09:00:00+08:00"))) == "1.0.0")

            // A second folder for the same date is refused at its `effective:`; both versions keep serving.
            try FileManager.default.copyItem(atPath: copy.path + "/versions/2.0.0", toPath: copy.path + "/versions/2.0.1")
            try copy.edit("versions/2.0.1/policy.yaml", replacing: #"version: "2.0.0""#, with: #"version: "2.0.1""#)
            let refused = try await client.post("/v1/admin/reload?policy=quality-complaints-amended", "", token: admin)
            #expect(refused.status == .unprocessableContent)
            let d = ((json(refused.body)["results"] as? [[String: Any]])?.first?["diagnostics"] as? [[String: Any]])?.first ?? [:]
            #expect(d["code"] as? String == "duplicate-effective-date")
            #expect((d["file"] as? String)?.hasSuffix("versions/2.0.1/policy.yaml") == true && d["line"] as? Int == 7 && d["column"] as? Int == 14)
            #expect(Self.version(try await client.post(Self.decidePath, Self.caseAt("2027-01-15T09:00:00+08:00"))) == "2.0.0")
        }
    }

    @Test func aFailingTestOfOneVersionRefusesTheReload() async throws {
        let copy = try PolicyCopy(Self.example, keepVersions: true)
        defer { copy.remove() }
        let admin = "admin-token-0123456789abcdef"
        let service = try makeService([copy.path], adminTokens: [admin])
        try await service.application().test(.router) { client in
            let original = try #require(try await client.digest("quality-complaints-amended"))
            try copy.edit("versions/2.0.0/a5-approval.yaml", replacing: "when: cost <= 500", with: "when: cost <= 450")
            try copy.edit("versions/2.0.0/a5-approval.yaml", replacing: "when: cost in (500..1000]", with: "when: cost in (450..1000]")
            let refused = try await client.post("/v1/admin/reload", "", token: admin)
            #expect(refused.status == .unprocessableContent)
            let d = ((json(refused.body)["results"] as? [[String: Any]])?.first?["diagnostics"] as? [[String: Any]]) ?? []
            #expect(!d.isEmpty && d.allSatisfy { $0["code"] as? String == "test-failed" && ($0["file"] as? String)?.hasSuffix("versions/2.0.0/quality-complaints.test.yaml") == true })
            #expect(try await client.digest("quality-complaints-amended") == original)
        }
    }
}
