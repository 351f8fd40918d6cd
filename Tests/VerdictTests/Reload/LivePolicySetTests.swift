import Foundation
import Synchronization
import Testing
@testable import Verdict

/// The library's live policy set: a folder followed, each change checked and tested before it serves,
/// the last good versions kept, reloads reported as events, answers from many threads during reloads.
@Suite struct LivePolicySetTests {
    static func policy(limit: String = "300", name: String = "approvals") -> String {
        """
        policy:
          name: \(name)
          version: "1.0.\(limit)"
          effective: 2026-01-01
        fields:
          cost: money
        roles:
          branch_manager: {en: branch manager}
          division_manager: {en: division manager}
        decisions:
          approval:
            hit: unique
            complete: true
            outputs:
              approver: role
            rules:
              - id: low
                when: cost <= \(limit)
                then: {approver: branch_manager}
              - id: high
                when: cost > \(limit)
                then: {approver: division_manager}
        """
    }

    static let tests = """
        tests:
          - name: a small cost is the branch manager's
            case: {cost: 100}
            expect: {approver: branch_manager}
        """

    /// A fresh folder holding the policy (and its tests), removed by the caller.
    static func folder(_ files: [String: String]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url.path
    }

    static func approver(_ live: LivePolicySet, _ cost: String) throws -> String? {
        let response = try live.answer(DecisionRequest(), json: Array(#"{"id": "c-1", "cost": "\#(cost)"}"#.utf8))
        guard case let .member(m)? = response.decision["approver"] else { return nil }
        return m
    }

    @Test func opensDecidesAndReloadsOnlyWhatChecksAndTestsClean() async throws {
        let dir = try Self.folder(["policy.yaml": Self.policy(), "approvals.test.yaml": Self.tests])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let live = try await LivePolicySet.open(folder: dir)
        #expect(live.name == "approvals")
        #expect(try Self.approver(live, "400") == "division_manager")
        let first = try #require(live.active).policy.identity.digest

        // A broken edit: refused at its place, the last good version keeps serving.
        try Self.policy().replacingOccurrences(of: "cost: money", with: "cost: mony")
            .write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        let broken = await live.reload()
        #expect(broken.outcome == .failed)
        #expect(broken.diagnostics.contains { $0.location?.path.hasSuffix("policy.yaml") == true && $0.location?.line == 6 })
        #expect(live.active?.policy.identity.digest == first)
        #expect(try Self.approver(live, "400") == "division_manager")

        // An edit its own tests refuse (the limit under the tested 100).
        try Self.policy(limit: "50").write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        let failing = await live.reload()
        #expect(failing.outcome == .failed)
        #expect(failing.testsFailed == 1)
        #expect(failing.diagnostics.first?.code == DiagnosticCode.testFailed.rawValue)
        #expect(live.active?.policy.identity.digest == first)

        // A good edit: activated, the new rule decides.
        try Self.policy(limit: "500").write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        let good = await live.reload()
        #expect(good.outcome == .activated)
        #expect(good.testsPassed == 1)
        #expect(try Self.approver(live, "400") == "branch_manager")
        #expect(await live.reload().outcome == .unchanged)
    }

    @Test func aRenameIsRefusedAndAFirstLoadThatFailsThrowsLocatedErrors() async throws {
        let dir = try Self.folder(["policy.yaml": Self.policy()])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let live = try await LivePolicySet.open(folder: dir)
        try Self.policy(name: "other").write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        let renamed = await live.reload()
        #expect(renamed.outcome == .failed)
        #expect(renamed.diagnostics.first?.code == DiagnosticCode.policyRenamed.rawValue)
        #expect(live.name == "approvals")

        let bad = try Self.folder(["policy.yaml": Self.policy().replacingOccurrences(of: "cost <= 300", with: "cots <= 300")])
        defer { try? FileManager.default.removeItem(atPath: bad) }
        do {
            _ = try await LivePolicySet.open(folder: bad)
            Issue.record("a set with errors opened")
        } catch {
            #expect(error.diagnostics.contains { $0.message.contains("cots") })
            #expect(error.description.contains("policy.yaml:"))  // rendered with its source lines
        }
    }

    @Test func aCheckOfTheCallersRunsBeforeActivation() async throws {
        let dir = try Self.folder(["policy.yaml": Self.policy()])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let allowed = Mutex(true)
        let live = try await LivePolicySet.open(folder: dir) { _, versions in
            allowed.withLock { $0 } ? [] : [.error(.decisionLog, "not now: \(versions.name)", at: nil)]
        }
        allowed.withLock { $0 = false }
        try Self.policy(limit: "500").write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        let refused = await live.reload()
        #expect(refused.outcome == .failed)
        #expect(refused.diagnostics.first?.message == "not now: approvals")
        #expect(try Self.approver(live, "400") == "division_manager")
    }

    @Test func eventsAndTheWatcherFollowTheFolder() async throws {
        let dir = try Self.folder(["policy.yaml": Self.policy()])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let live = try await LivePolicySet.open(folder: dir)
        let events = live.events()
        let watcher = Task { await live.watch(every: .milliseconds(20), quiet: .milliseconds(60)) }
        defer { watcher.cancel() }
        try await Task.sleep(for: .milliseconds(50))
        try Self.policy(limit: "500").write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
        // The watcher reloads once the file has held still; the event says so (waiting 60 s at most).
        let seen = await withTaskGroup(of: ReloadAttempt?.self) { group in
            group.addTask { for await attempt in events { return attempt }; return nil }
            group.addTask { try? await Task.sleep(for: .seconds(60)); return nil }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        #expect(seen?.outcome == .activated)
        #expect(seen?.trigger == .watch)
        #expect(try Self.approver(live, "400") == "branch_manager")
    }

    /// Answers from two threads while the folder flips between two versions: each answer is the one
    /// its named version gives, never a mix.
    @Test func answersDuringReloadsNameTheVersionThatMadeThem() async throws {
        let dir = try Self.folder(["policy.yaml": Self.policy()])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let live = try await LivePolicySet.open(folder: dir)
        let stop = Atomic(false)
        let wrong = Atomic(0)
        let answered = Atomic(0)
        let threads = (0..<2).map { _ in
            Thread {
                while !stop.load(ordering: .relaxed) {
                    guard let r = try? live.answer(DecisionRequest(), json: Array(#"{"id": "c-2", "cost": "400"}"#.utf8)) else { wrong.add(1, ordering: .relaxed); continue }
                    let expected = r.policy.version == "1.0.500" ? "branch_manager" : "division_manager"
                    if case .member(expected)? = r.decision["approver"] {} else { wrong.add(1, ordering: .relaxed) }
                    answered.add(1, ordering: .relaxed)
                }
            }
        }
        threads.forEach { $0.start() }
        for i in 0..<6 {
            try Self.policy(limit: i % 2 == 0 ? "500" : "300").write(toFile: dir + "/policy.yaml", atomically: true, encoding: .utf8)
            #expect(await live.reload().outcome == .activated)
        }
        stop.store(true, ordering: .relaxed)
        try await Task.sleep(for: .milliseconds(50))
        #expect(wrong.load(ordering: .relaxed) == 0)
        #expect(answered.load(ordering: .relaxed) > 0)
    }

    @Test func aSetWithVersionsDecidesEachCaseByItsDate() async throws {
        let live = try await LivePolicySet.open(folder: shippedPolicyPath("examples/quality-complaints-amended"))
        let versions = try #require(live.active).versions.versions
        #expect(versions.count >= 2)
        let henan = try String(contentsOfFile: shippedPolicyPath("quality-complaints/examples/henan-tier3.json"), encoding: .utf8)
        let in2026 = try live.answer(DecisionRequest(), json: Array(henan.utf8))
        let in2027 = try live.answer(DecisionRequest(), json: Array(henan.replacingOccurrences(of: "2026-03-0", with: "2027-03-0").utf8))
        #expect(in2026.policy.version == versions[0].identity.version)
        #expect(in2027.policy.version == versions[versions.count - 1].identity.version)
    }
}
