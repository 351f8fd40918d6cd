import Foundation
import Testing
@testable import Verdict

/// The shipped quality-complaints set with its illustrative amendment 2.0.0 of 2027-01-01.
@Suite struct QualityComplaintsVersionsTests {
    @Test func theShippedAmendmentDecidesJanuary2027AndNotDecember2026() throws {
        let set = try PolicyVersions.load(directory: shippedPolicyPath("quality-complaints"))
        #expect(set.versions.map(\.identity.version) == ["1.0.0", "2.0.0"])
        #expect(set.versions.map { $0.identity.effective?.description } == ["2011-06-12", "2027-01-01"])
        #expect(set.effectiveBy == "received_at")
        #expect(set.folders == [shippedPolicyPath("quality-complaints"), shippedPolicyPath("quality-complaints") + "/versions/2.0.0"])
        let base = try String(contentsOfFile: shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", encoding: .utf8)
        func at(_ received: String) -> [UInt8] {
            Array(base.replacingOccurrences(of: #""received_at": "2026-03-02T09:15:00+08:00""#, with: #""received_at": "\#(received)""#)
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
        // The README's first case, received in March 2026, is decided by 1.0.0 as before.
        #expect(try set.decide(json: Array(base.utf8)).policy.version == "1.0.0")
    }

    @Test func theSetsOwnVersionLeavesVersionsOutOfItsFilesAndDigest() throws {
        let own = try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
        #expect(own.identity.version == "1.0.0")
        #expect(!own.sources.contains { $0.path.contains("/versions/") })
        let suite = PolicyTestSuite.load(directory: shippedPolicyPath("quality-complaints"))
        #expect(!suite.sources.contains { $0.path.contains("/versions/") })
    }
}
