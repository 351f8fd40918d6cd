import Foundation
import HummingbirdTesting
import Testing
@testable import VerdictServer

/// Issue 29, item 5: a reload that serves other content under the version already serving says so.
@Suite("Reload version warning")
struct ReloadVersionWarningTests {
    @Test func aReloadWithNewContentUnderTheSameVersionLogsAWarning() async throws {
        let copy = try PolicyCopy("quality-complaints")
        defer { copy.remove() }
        let admin = "admin-token-0123456789abcdef"
        let log = CapturedLog()
        let service = try makeService([copy.path], adminTokens: [admin], log: log)
        try await service.application().test(.router) { client in
            let original = try #require(try await client.digest("quality-complaints"))
            try copy.edit("a5-approval.yaml", replacing: "decisions:", with: "# the same version, other content\ndecisions:")
            let ok = try await client.post("/v1/admin/reload?policy=quality-complaints", "", token: admin)
            #expect(ok.status == .ok)
            let result = (json(ok.body)["results"] as? [[String: Any]])?.first ?? [:]
            #expect(result["outcome"] as? String == "activated")
            let digest = try #require((result["serving"] as? [String: Any])?["digest"] as? String)
            let expected = "policy set quality-complaints activated, but the content changed (\(original.prefix(19))… → \(digest.prefix(19))…) while the version stayed 1.0.0: give the new content its own `version`"
            #expect(log.all.contains { $0.contains("warning") && $0.contains(expected) }, "\(log.all)")

            // A new version says nothing more.
            let before = log.all.filter { $0.contains("while the version stayed") }.count
            try copy.edit("policy.yaml", replacing: #"version: "1.0.0""#, with: #"version: "1.0.1""#)
            #expect(try await client.post("/v1/admin/reload?policy=quality-complaints", "", token: admin).status == .ok)
            #expect(log.all.filter { $0.contains("while the version stayed") }.count == before)
        }
    }
}
