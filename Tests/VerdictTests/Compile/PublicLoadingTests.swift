import Testing
import Verdict  // not @testable: this file sees only what a library user sees (and, within this package, `package` symbols)

/// Loading, deciding and reading JSON the one documented way: `CompiledPolicy.load`, then `json()`.
@Suite("Loading a policy from Swift")
struct PublicLoadingTests {
    static let policy = """
        policy: {name: approvals, version: "1.0.0", effective: 2026-01-01}
        fields: {cost: money}
        roles: {clerk: {en: clerk, zh: 职员}, manager: {en: manager, zh: 经理}}
        decisions:
          approval:
            hit: first
            outputs: {approver: role}
            rules:
              - {id: small, when: cost <= 300, then: {approver: clerk}}
              - {id: large, when: true, then: {approver: manager}}
        """

    @Test func inMemoryFilesLoadDecideAndExplainAsJSON() throws {
        let policy = try CompiledPolicy.load(sources: [SourceFile(path: "approvals.yaml", text: Self.policy)])
        #expect(policy.identity.name == "approvals")
        let d = try policy.decide(json: Array(#"{"id": "A-1", "cost": "1200.00"}"#.utf8), explain: true)
        #expect(d["approver"] == .member("manager"))
        let explanation = try #require(d.explanation)
        #expect(explanation.json().hasPrefix(#"{"policy":{"name":"approvals""#))
        #expect(explanation.json().contains(#""id":"large","matched":true"#))
    }

    @Test func aPolicyWithErrorsThrowsEveryDiagnosticWithItsSources() {
        let broken = Self.policy.replacingOccurrences(of: "cost <= 300", with: "cots <= 300")
        #expect {
            _ = try CompiledPolicy.load(sources: [SourceFile(path: "approvals.yaml", text: broken)])
        } throws: { error in
            guard let error = error as? PolicyLoadError else { return false }
            let rendered = DiagnosticRenderer(files: error.sources).text(error.diagnostics)
            return error.diagnostics.contains { $0.severity == .error && $0.location?.line == 9 }
                && rendered.contains("approvals.yaml:9:") && rendered.contains("cots")
        }
    }

    @Test func aCaseErrorIsJSONTooWithItsCodes() throws {
        let policy = try CompiledPolicy.load(sources: [SourceFile(path: "approvals.yaml", text: Self.policy)])
        #expect {
            _ = try policy.decide(json: Array(#"{"id": "A-2", "cost": "12.345"}"#.utf8))
        } throws: { error in
            guard let error = error as? CaseError else { return false }
            let json = error.json()
            return error.caseID == "A-2" && json.contains(#""field":"cost""#) && json.contains(#""code":"#)
        }
    }
}
