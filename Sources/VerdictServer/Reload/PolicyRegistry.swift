import Foundation
import Logging
import Synchronization
import Verdict

/// Every policy set the server serves, addressed by name, and the one way they reload.
///
/// Each set is the library's ``LivePolicySet`` (a consistent snapshot of the folder, checked,
/// compiled and tested before it is swapped in), with the service's own checks before activation.
/// Reloads of all sets are serialised by one gate, so a watcher tick, SIGHUP and the reload endpoint
/// never race, and each attempt is logged and counted.
public final class PolicyRegistry: Sendable {
    package let sets: [LivePolicySet]
    private let byName: Mutex<[String: LivePolicySet]>
    private let logger: Logger
    private let metrics: ServerMetrics
    private let gate = ReloadGate()
    /// The trigger of the load in progress (loads are serialised by `gate`), for its version events.
    private let loading = Mutex<ReloadTrigger?>(nil)

    /// The service's checks, given to each set before the registry exists (each set is made with them).
    private final class ServiceChecks: Sendable {
        struct Weak { weak var registry: PolicyRegistry? }
        let registry = Mutex(Weak())
        func run(_ set: LivePolicySet, _ versions: PolicyVersions) -> [Diagnostic] {
            guard let registry = registry.withLock({ $0.registry }) else {
                // The registry is gone (the service stopped): nothing may activate unchecked, unarchived.
                return [.error(.decisionLog, "the service that serves `\(set.folder)` has stopped: nothing is activated", at: nil)]
            }
            return registry.serviceChecks(set, versions)
        }
    }
    private let recorder: (any DecisionRecorder)?

    init(folders: [String], logger: Logger, metrics: ServerMetrics, recorder: (any DecisionRecorder)? = nil) {
        self.recorder = recorder
        let checks = ServiceChecks()
        sets = folders.map { LivePolicySet(folder: $0) { set, versions in checks.run(set, versions) } }
        var names: [String: LivePolicySet] = [:]
        for set in sets where names[set.name] == nil { names[set.name] = set }
        byName = Mutex(names)
        self.logger = logger
        self.metrics = metrics
        checks.registry.withLock { $0.registry = self }
    }

    /// The set named `name` (its manifest's name, or its folder's for a set never loaded).
    package func set(named name: String) -> LivePolicySet? {
        byName.withLock { $0[name] }
    }

    /// True once every set has loaded at least once.
    public var ready: Bool { sets.allSatisfy { $0.active != nil } }

    /// Reloads every set (or only `only`), one after the other; returns each attempt.
    @discardableResult
    public func reloadAll(trigger: ReloadTrigger, only: [LivePolicySet]? = nil) async -> [(LivePolicySet, ReloadAttempt)] {
        await gate.run {
            var out: [(LivePolicySet, ReloadAttempt)] = []
            for set in only ?? sets { out.append((set, await self.load(set, trigger: trigger))) }
            return out
        }
    }

    /// Inside the reload gate (so no watcher tick, SIGHUP or reload request reads the folder halfway):
    /// runs `write` — an approved proposal's files written into the set's folder — then reloads the set
    /// with the trigger `change`. When the reload refuses the new files, or serves something `accept`
    /// does not accept (the files on disk were not only the proposal's), `undo` puts the old files back
    /// and the set is reloaded from them before the gate opens, so the folder again holds what serves.
    /// When `write` fails, nothing is reloaded and its error is thrown.
    package func applyChange(_ set: LivePolicySet, write: @Sendable () throws -> Void, undo: @Sendable () throws -> Void,
                             accept: @Sendable (ReloadAttempt) -> Bool) async throws -> ReloadAttempt {
        let result: Result<ReloadAttempt, any Error> = await gate.run {
            do { try write() } catch { return .failure(error) }
            let attempt = await self.load(set, trigger: .change)
            if attempt.outcome == .failed || !accept(attempt) {
                do {
                    try undo()
                    if attempt.outcome == .activated { _ = await self.load(set, trigger: .change) }
                } catch {
                    logger.critical("policy set \(set.name): the refused change could not be undone: \(error); its folder no longer holds what serves",
                                    metadata: ["policy": .string(set.name)])
                }
            }
            return .success(attempt)
        }
        return try result.get()
    }

    /// Reloads one set (the library's snapshot → check → test → swap, with the service's own checks
    /// before activation), then addresses it by its name and reports the attempt. Call inside the gate only.
    private func load(_ set: LivePolicySet, trigger: ReloadTrigger) async -> ReloadAttempt {
        loading.withLock { $0 = trigger }
        let attempt = await set.reload(trigger: trigger)
        loading.withLock { $0 = nil }
        if attempt.outcome == .activated { rename(set, to: set.name) }
        report(set, attempt)
        return attempt
    }

    /// With a decision log, the versions that began and ended serving go to its version history.
    private func recordVersions(_ set: LivePolicySet, before: [PolicyIdentity], after: [PolicyIdentity], trigger: String) throws {
        guard let recorder else { return }
        let was = Swift.Set(before.map(\.digest)), now = Swift.Set(after.map(\.digest))
        let activated = after.filter { !was.contains($0.digest) }, retired = before.filter { !now.contains($0.digest) }
        guard !activated.isEmpty || !retired.isEmpty else { return }
        try recorder.versionsChanged(set: set.name, activated: activated, retired: retired, trigger: trigger)
    }

    /// The service stops: every version serving ends, recorded with the trigger `stop`.
    public func stopped() {
        for set in sets {
            do {
                try recordVersions(set, before: set.active?.versions.versions.map(\.identity) ?? [], after: [], trigger: "stop")
            } catch {
                logger.error("policy set \(set.name): the decision log could not record the end of its versions' service: \(error)",
                             metadata: ["policy": .string(set.name), "trigger": .string("stop")])
            }
        }
    }

    /// What the service checks of a candidate before it serves, besides what every live set checks: no
    /// other folder serves a set of its name, and with a decision log, its exact sources are archived.
    private func serviceChecks(_ set: LivePolicySet, _ versions: PolicyVersions) -> [Diagnostic] {
        let policy = versions.latest
        if let other = self.set(named: policy.identity.name), other !== set {
            return [.error(.duplicatePolicyName, "`\(other.folder)` already serves a policy named `\(policy.identity.name)`",
                           at: LivePolicySet.manifestLocation(policy), help: "give each policy set its own name")]
        }
        if let recorder {
            do {
                for (version, folder) in zip(versions.versions, versions.folders) { try recorder.register(version, folder: folder) }
            } catch {
                return [.error(.decisionLog, "the decision log could not archive this version: \(error)", at: LivePolicySet.manifestLocation(policy),
                               help: "the last good version keeps serving; check the log's storage, then reload")]
            }
            // Nothing refuses the candidate after this check, so it is recorded as activated here, before
            // it serves: every decision it makes is numbered after its `activated` event. (Recorded after
            // the swap, decisions of the new version committed in between came before their version's
            // activation in the log.)
            // A version whose activation could not be recorded does not serve: its decisions would have no
            // version history before them.
            let trigger = loading.withLock { $0 } ?? .call
            do {
                try recordVersions(set, before: set.active?.versions.versions.map(\.identity) ?? [], after: versions.versions.map(\.identity),
                                   trigger: trigger.rawValue)
            } catch {
                return [.error(.decisionLog, "the decision log could not record this version's activation: \(error)", at: LivePolicySet.manifestLocation(policy),
                               help: "the last good version keeps serving; check the log's storage, then reload")]
            }
        }
        return []
    }

    /// Addresses a set by its manifest's name from its first successful load on.
    private func rename(_ set: LivePolicySet, to name: String) {
        byName.withLock { names in
            for (key, value) in names where value === set && key != name { names[key] = nil }
            names[name] = set
        }
    }

    private func report(_ set: LivePolicySet, _ attempt: ReloadAttempt) {
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
