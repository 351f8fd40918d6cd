import Foundation
import Testing
@testable import Verdict

/// The example set with versions, `policies/examples/quality-complaints-amended`: section A as 1.0.0
/// and its illustrative amendment 2.0.0 of 2027-01-01 (not the document, which
/// `policies/quality-complaints` follows for every date: see ``QualityComplaintsTests``).
@Suite struct QualityComplaintsVersionsTests {
    static let amended = shippedPolicyPath("examples/quality-complaints-amended")

    @Test func theExampleAmendmentDecidesJanuary2027AndNotDecember2026() throws {
        let set = try PolicyVersions.load(directory: Self.amended)
        #expect(set.versions.map(\.identity.version) == ["1.0.0", "2.0.0"])
        #expect(set.versions.map { $0.identity.effective?.description } == ["2011-06-12", "2027-01-01"])
        #expect(set.effectiveBy == "received_at")
        #expect(set.folders == [Self.amended, Self.amended + "/versions/2.0.0"])
        #expect(set.versions.allSatisfy { $0.identity.name == "quality-complaints-amended" })
        let base = try String(contentsOfFile: shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", encoding: .utf8)
        func at(_ received: String) -> [UInt8] {
            Array(base.replacingOccurrences(of: #""received_at": "2026-03-02T09:15:00+08:00""#, with: #""received_at": "\#(received)""#)
            .replacingOccurrences(of: "  \"resolved_at\": \"2026-03-04T17:00:00+08:00\",\n  \"last_contact_at\": \"2026-03-03T10:00:00+08:00\",\n", with: "")  // its events, dated 2026-03, would precede a later receipt
                .replacingOccurrences(of: #""cost": "1200.00""#, with: #""cost": "400.00""#).utf8)
        }
        let december = try set.decide(json: at("2026-12-15T10:00:00+08:00"), explain: true)
        #expect(december.policy.version == "1.0.0")
        #expect(december["approver"] == .member("division_manager"))
        #expect(december.explanation?.policy.version == "1.0.0")
        let january = try set.decide(json: at("2027-01-04T10:00:00+08:00"), explain: true)
        #expect(january.policy.version == "2.0.0")
        #expect(january["approver"] == .member("branch_manager"))
        #expect(january.explanation?.policy.version == "2.0.0")
        #expect(january.explanation?.text(.en).contains("2.0.0") == true)
        // The README's first case, received in March 2026, is decided by 1.0.0.
        #expect(try set.decide(json: Array(base.utf8)).policy.version == "1.0.0")
    }

    /// The example's 1.0.0 is a copy of the shipped set: every rule file the same but for its schema line
    /// (one folder deeper); only the manifest (name, title, note) says it is the example.
    @Test func theExamplesFirstVersionIsTheShippedSet() throws {
        let shipped = shippedPolicyPath("quality-complaints")
        let files = try FileManager.default.contentsOfDirectory(atPath: shipped).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count == 11)
        func body(_ path: String) throws -> Substring { try String(contentsOfFile: path, encoding: .utf8).drop { $0 != "\n" } }
        for f in files where f != "policy.yaml" && !f.hasSuffix(".test.yaml") {
            #expect(try body(shipped + "/" + f) == body(Self.amended + "/" + f), "\(f) differs from the shipped set's")
        }
        let shippedSet = try CompiledPolicy.load(directory: shipped), example = try PolicyVersions.load(directory: Self.amended).versions[0]
        #expect(example.identity.name == "quality-complaints-amended" && example.identity.version == shippedSet.identity.version)
        #expect(example.model.decisions.map(\.name) == shippedSet.model.decisions.map(\.name))
        let manifest = try String(contentsOfFile: Self.amended + "/policy.yaml", encoding: .utf8)
        #expect(manifest.contains("ILLUSTRATIVE EXAMPLE, NOT THE DOCUMENT") && manifest.contains("illustrative amendment"))
    }

    @Test func theSetsOwnVersionLeavesVersionsOutOfItsFilesAndDigest() throws {
        let own = try CompiledPolicy.load(ownVersionOf: Self.amended)
        #expect(own.identity.version == "1.0.0")
        #expect(!own.sources.contains { $0.path.contains("/versions/") })
        let suite = PolicyTestSuite.load(directory: Self.amended)
        #expect(!suite.sources.contains { $0.path.contains("/versions/") })
    }
}
