import Foundation
import Logging
import Synchronization
import Verdict

/// Every policy set the server serves, addressed by name, and the one way they reload.
///
/// A reload reads the folder as one consistent snapshot (see ``FolderSnapshot``), checks and compiles
/// it, runs its YAML tests against the compiled candidate, and only then swaps it in. Reloads of all
/// sets are serialised by an actor, so a watcher tick, SIGHUP and the reload endpoint never race.
public final class PolicyRegistry: Sendable {
    public let sets: [PolicySet]
    private let byName: Mutex<[String: PolicySet]>
    private let logger: Logger
    private let metrics: ServerMetrics
    private let gate = ReloadGate()
    private let recorder: (any DecisionRecorder)?

    init(folders: [String], logger: Logger, metrics: ServerMetrics, recorder: (any DecisionRecorder)? = nil) {
        self.recorder = recorder
        sets = folders.map { PolicySet(folder: $0) }
        var names: [String: PolicySet] = [:]
        for set in sets where names[set.name] == nil { names[set.name] = set }
        byName = Mutex(names)
        self.logger = logger
        self.metrics = metrics
    }

    /// The set named `name` (its manifest's name, or its folder's for a set never loaded).
    public func set(named name: String) -> PolicySet? {
        byName.withLock { $0[name] }
    }

    /// True once every set has loaded at least once.
    public var ready: Bool { sets.allSatisfy { $0.active != nil } }

    /// Reloads every set (or only `only`), one after the other; returns each attempt.
    @discardableResult
    public func reloadAll(trigger: ReloadTrigger, only: [PolicySet]? = nil) async -> [(PolicySet, ReloadAttempt)] {
        await gate.run {
            var out: [(PolicySet, ReloadAttempt)] = []
            for set in only ?? sets { out.append((set, await self.load(set, trigger: trigger))) }
            return out
        }
    }

    /// Reads, checks, tests and (when all is well) activates one set. Call inside the gate only.
    private func load(_ set: PolicySet, trigger: ReloadTrigger) async -> ReloadAttempt {
        let started = ContinuousClock.now
        let current = set.active
        var attempt = ReloadAttempt(at: Date(), trigger: trigger, outcome: .failed, candidateDigest: nil, candidateVersion: nil,
                                    diagnostics: [], testsPassed: 0, testsFailed: 0, seconds: 0)
        func finish(_ stamps: [FileStamp]?, includes: [String]?, activate candidate: ActivePolicy? = nil) -> ReloadAttempt {
            let elapsed = started.duration(to: .now)
            attempt.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            set.withState { state in
                state.lastAttempt = attempt
                if let stamps { state.loadedStamps = stamps }
                if let includes { state.includes = includes }
                if let candidate { state.active = candidate }
            }
            if let candidate { rename(set, to: candidate.versions.name) }
            report(set, attempt)
            return attempt
        }

        guard let snapshot = await FolderSnapshot.load(folder: set.folder, includes: set.includes) else {
            attempt.diagnostics = [.error(.folderChanging, "the files of `\(set.folder)` kept changing while they were read", at: nil,
                                          help: "the last good version keeps serving; the watcher tries again once the folder is quiet")]
            return finish(nil, includes: nil)
        }
        let stamps = snapshot.snapshot.stamps
        guard let versions = snapshot.versions else {
            attempt.diagnostics = snapshot.diagnostics.filter { $0.severity == .error }
            return finish(stamps, includes: snapshot.includes)
        }
        let policy = versions.latest
        attempt.candidateDigest = policy.identity.digest
        attempt.candidateVersion = versions.versions.map(\.identity.version).joined(separator: ", ")

        // A set keeps the name it is addressed by: a rename or a clash would move traffic silently.
        let known = set.active?.policy.identity.name
        if let known, known != policy.identity.name {
            attempt.diagnostics = [.error(.policyRenamed, "the policy's name changed from `\(known)` to `\(policy.identity.name)`",
                                          at: manifestLocation(policy), help: "restart the server to serve a set under a new name")]
            return finish(stamps, includes: snapshot.includes)
        }
        if let other = self.set(named: policy.identity.name), other !== set {
            attempt.diagnostics = [.error(.duplicatePolicyName, "`\(other.folder)` already serves a policy named `\(policy.identity.name)`",
                                          at: manifestLocation(policy), help: "give each policy set its own name")]
            return finish(stamps, includes: snapshot.includes)
        }

        // The candidate must pass its own YAML tests before it may serve: each version its own.
        for (version, tests) in zip(versions.versions, snapshot.versionTests) {
            let suite = PolicyTestSuite.load(sources: tests)
            let suiteErrors = suite.diagnostics.filter { $0.severity == .error }
            if !suiteErrors.isEmpty {
                attempt.diagnostics = suiteErrors
                return finish(stamps, includes: snapshot.includes)
            }
            let testReport = PolicyTestRunner.run(suite, against: version)
            attempt.testsPassed += testReport.passed
            attempt.testsFailed += testReport.failed
            attempt.diagnostics += testReport.failures.map { f in
                .error(.testFailed, "test \"\(f.test)\" failed: " + f.problems.joined(separator: "; "), at: f.location)
            }
        }
        if attempt.testsFailed > 0 { return finish(stamps, includes: snapshot.includes) }

        if let current, current.digests == versions.versions.map(\.identity.digest) {
            attempt.outcome = .unchanged
            return finish(stamps, includes: snapshot.includes)
        }
        // With a decision log, a version serves only once its exact sources are archived.
        if let recorder {
            do {
                for (version, folder) in zip(versions.versions, versions.folders) { try recorder.register(version, folder: folder) }
            } catch {
                attempt.diagnostics = [.error(.decisionLog, "the decision log could not archive this version: \(error)", at: manifestLocation(policy),
                                              help: "the last good version keeps serving; check the log's storage, then reload")]
                return finish(stamps, includes: snapshot.includes)
            }
        }
        attempt.outcome = .activated
        if let current {
            // A version that names other content than it did when it last served.
            for new in versions.versions {
                for old in current.versions.versions where old.identity.version == new.identity.version {
                    if let w = new.identity.unchangedVersion(from: old.identity) { attempt.warnings.append(w) }
                }
            }
        }
        let candidate = ActivePolicy(versions: versions, loadedAt: Date(), trigger: trigger, testsPassed: attempt.testsPassed)
        return finish(stamps, includes: snapshot.includes, activate: candidate)
    }

    private func manifestLocation(_ policy: CompiledPolicy) -> SourceLocation? {
        for file in policy.sources {
            if let i = file.lines.firstIndex(where: { $0.hasPrefix("policy:") }) {
                return SourceLocation(path: file.path, line: i + 1, column: 1)
            }
        }
        return nil
    }

    /// Addresses a set by its manifest's name from its first successful load on.
    private func rename(_ set: PolicySet, to name: String) {
        byName.withLock { names in
            for (key, value) in names where value === set && key != name { names[key] = nil }
            names[name] = set
        }
        set.withState { $0.name = name }
    }

    private func report(_ set: PolicySet, _ attempt: ReloadAttempt) {
        let name = set.name
        metrics.reloaded(set: name, outcome: attempt.outcome, active: set.active)
        var metadata: Logger.Metadata = [
            "policy": .string(name), "trigger": .string(attempt.trigger.rawValue), "outcome": .string(attempt.outcome.rawValue),
            "folder": .string(set.folder), "tests_passed": .stringConvertible(attempt.testsPassed),
            "seconds": .string(String(format: "%.4f", attempt.seconds)),
        ]
        if let d = attempt.candidateDigest { metadata["candidate_digest"] = .string(d) }
        if let d = set.active?.policy.identity.digest { metadata["serving_digest"] = .string(d) }
        switch attempt.outcome {
        case .activated:
            logger.info("policy set \(name) \(attempt.candidateVersion ?? "") activated", metadata: metadata)
            for w in attempt.warnings { logger.warning("policy set \(name) activated, but \(w)", metadata: metadata) }
        case .unchanged:
            logger.info("policy set \(name) unchanged", metadata: metadata)
        case .failed:
            metadata["tests_failed"] = .stringConvertible(attempt.testsFailed)
            metadata["diagnostics"] = .array(attempt.diagnostics.map { d in .string((d.location.map { "\($0): " } ?? "") + d.message) })
            let keeps = set.active.map { "; still serving \($0.policy.identity.version) \($0.policy.identity.digest)" } ?? "; nothing serves yet"
            logger.error("reload of policy set \(name) refused: \(attempt.summary)\(keeps)", metadata: metadata)
        }
    }
}

/// Runs reloads one at a time, in the order they asked (an actor alone would interleave them at each `await`).
private actor ReloadGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            busy = true
        }
        let result = await body()
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }  // hand the gate on, still busy
        return result
    }
}
