import Foundation
import Synchronization
import Testing
import Verdict
import VerdictAudit
@testable import VerdictServer

/// A version's `activated` event is recorded before the version serves, so that in the decision log
/// every decision a version makes is numbered after its activation (found by the two-instance run of
/// issue 30: recorded after the swap, decisions of the new version committed in between came first).
@Suite("version events before the swap")
struct VersionEventOrderTests {
    /// Records nothing but what the set served when each version event was recorded.
    final class Spy: DecisionRecorder, @unchecked Sendable {
        struct Seen: Equatable { var activated: [String]; var retired: [String]; var servingThen: String?; var trigger: String }
        let service = Mutex<VerdictService?>(nil)
        let seen = Mutex<[Seen]>([])
        func register(_ policy: CompiledPolicy, folder: String) throws {}
        func recording() -> any DecisionRecording { Recording() }
        func versionsChanged(set: String, activated: [PolicyIdentity], retired: [PolicyIdentity], trigger: String) throws {
            let serving = service.withLock { $0 }?.registry.set(named: set)?.active?.policy.identity.digest
            seen.withLock { $0.append(Seen(activated: activated.map(\.digest), retired: retired.map(\.digest), servingThen: serving, trigger: trigger)) }
        }
        struct Recording: DecisionRecording {
            func submit(_ decision: Decision, input: [UInt8]) {}
            func commit() async throws {}
        }
    }

    @Test func theActivationIsRecordedWhileTheOldVersionStillServes() async throws {
        let copy = try PolicyCopy("quality-complaints")
        defer { copy.remove() }
        let spy = Spy()
        var config = ServerConfiguration(policyFolders: [copy.path])
        config.reloadOnSIGHUP = false
        config.watchInterval = nil
        config.recorder = spy
        let service = VerdictService(configuration: config, logger: CapturedLog().logger())
        spy.service.withLock { $0 = service }

        #expect(await service.registry.reloadAll(trigger: .startup).allSatisfy { $0.1.outcome == .activated })
        let first = try #require(service.registry.set(named: "quality-complaints")?.active?.policy.identity.digest)
        try copy.edit("policy.yaml", replacing: #"version: "1.0.0""#, with: #"version: "1.0.1""#)
        #expect(await service.registry.reloadAll(trigger: .request).allSatisfy { $0.1.outcome == .activated })
        let second = try #require(service.registry.set(named: "quality-complaints")?.active?.policy.identity.digest)
        #expect(first != second)
        // A reload that changes nothing records nothing.
        #expect(await service.registry.reloadAll(trigger: .request).allSatisfy { $0.1.outcome == .unchanged })
        #expect(spy.seen.withLock { $0 } == [
            Spy.Seen(activated: [first], retired: [], servingThen: nil, trigger: "startup"),
            Spy.Seen(activated: [second], retired: [first], servingThen: first, trigger: "request"),
        ])
    }
}
