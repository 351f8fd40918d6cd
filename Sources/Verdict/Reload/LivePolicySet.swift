import Foundation
import Synchronization

/// A policy set that follows its folder: each reload reads the folder as one consistent snapshot,
/// checks and compiles every version, runs the set's YAML tests against the new versions, and only
/// then swaps them in, atomically. A reload that fails in any way leaves the last good versions
/// serving and says why, at `file:line:column`.
///
/// ```swift
/// let live = try await LivePolicySet.open(folder: "policies/quality-complaints")
/// let watching = Task { await live.watch() }           // reload when the files change and settle
/// Task { for await attempt in live.events() { print(attempt.outcome, attempt.summary) } }
/// let response = try live.answer(DecisionRequest(), json: caseBytes)   // any thread, any time
/// ```
///
/// Deciding never waits for a reload: a request takes the active versions once (one reference under
/// a lock) and decides with them, on its thread's own decider, so every answer comes from exactly the
/// versions it names. `verdict serve` follows each folder it serves with one of these.
public final class LivePolicySet: Sendable {
    /// Checks a candidate after it compiled and passed its tests, before it is activated: errors
    /// refuse it (the service refuses a set whose name another folder serves, and one its decision
    /// log cannot archive).
    public typealias Check = @Sendable (LivePolicySet, PolicyVersions) -> [Diagnostic]

    /// The folder as given.
    public let folder: String
    private let check: Check?
    private let gate = ReloadGate()

    private struct State: Sendable {
        var name: String
        var active: ActivePolicy?
        var lastAttempt: ReloadAttempt?
        /// Included files of the last read, stamped with the folder's own files.
        var includes: [String] = []
        /// Stamps of the files the last load attempt read (nil before the first).
        var loadedStamps: [FileStamp]?
        var lastSources: [SourceFile] = []
        var subscribers: [Int: AsyncStream<ReloadAttempt>.Continuation] = [:]
        var nextSubscriber = 0
    }
    private let state: Mutex<State>

    /// A set that follows `folder`, not loaded yet (``reload(trigger:)`` loads it). `open(folder:check:)`
    /// makes one whose first load succeeded.
    package init(folder: String, check: Check? = nil) {
        self.folder = folder
        self.check = check
        let base = PolicyFolder.base(folder)
        let provisional = base.split(separator: "/").last.map(String.init) ?? base
        state = Mutex(State(name: provisional))
    }

    deinit {
        // A reader of `events()` ends its loop when the set is gone.
        for s in state.withLock({ Array($0.subscribers.values) }) { s.finish() }
    }

    /// Loads the set in `folder` (its own files and each version under `versions/`), runs its YAML
    /// tests, and follows the folder from then on.
    ///
    /// - Parameters:
    ///   - folder: the set's folder: its own files are one version, each folder under `versions/` another.
    ///   - check: run on every candidate before it is activated (see ``Check``).
    /// - Throws: ``PolicyLoadError`` with every error of the first load: policy errors, test-file errors
    ///   and failed tests, each at `file:line:column`.
    public static func open(folder: String, check: Check? = nil) async throws(PolicyLoadError) -> LivePolicySet {
        let live = LivePolicySet(folder: folder, check: check)
        let attempt = await live.reload(trigger: .startup)
        guard live.active != nil else {
            throw PolicyLoadError(diagnostics: attempt.diagnostics, sources: live.lastSources)
        }
        return live
    }

    /// The manifest's name once loaded; before that, the folder's last component.
    public var name: String { state.withLock { $0.name } }
    /// The versions serving now; nil only for a set that has never loaded (never for one from `open`).
    public var active: ActivePolicy? { state.withLock { $0.active } }
    /// The last reload attempt and what came of it.
    public var lastAttempt: ReloadAttempt? { state.withLock { $0.lastAttempt } }
    /// Included files of the last read (the calendars a manifest names), which a watcher stamps too.
    package var includes: [String] { state.withLock { $0.includes } }
    /// Stamps of the files the last reload read.
    package var loadedStamps: [FileStamp]? { state.withLock { $0.loadedStamps } }
    /// The files of the last read, to render its diagnostics with their source lines.
    private var lastSources: [SourceFile] { state.withLock { $0.lastSources } }

    /// Answers a decision request with the versions serving now (see ``PolicyVersions/answer(_:json:)-(_,[UInt8])``):
    /// the versions are taken once, so the answer names the versions that made it even while a reload
    /// swaps them.
    ///
    /// - Throws: ``DecisionRequestError`` as `answer` does.
    public func answer(_ request: DecisionRequest, json bytes: [UInt8]) throws(DecisionRequestError) -> DecisionResponse {
        try serving.answer(request, json: bytes)
    }

    /// Answers a decision request about a case given as any contiguous bytes (`Data`, a buffer), read
    /// in place, with the versions serving now.
    public func answer(_ request: DecisionRequest, json bytes: some ContiguousBytes) throws(DecisionRequestError) -> DecisionResponse {
        try serving.answer(request, json: bytes)
    }

    /// The versions serving now, taken once.
    private var serving: PolicyVersions {
        guard let active else {
            // Only a set made inside the package without `open` can get here (the service's registry keeps
            // those to itself and never answers through them); `open` activates or throws.
            preconditionFailure("LivePolicySet.answer before the set's first load: make it with LivePolicySet.open(folder:)")
        }
        return active.versions
    }

    /// The reload attempts from now on, as they finish (the newest 16 are kept for a slow reader).
    /// Each call gives a sequence of its own; it ends when the reader stops reading or the set is gone.
    public func events() -> AsyncStream<ReloadAttempt> {
        AsyncStream(bufferingPolicy: .bufferingNewest(16)) { continuation in
            let id = state.withLock { s in
                let id = s.nextSubscriber
                s.nextSubscriber += 1
                s.subscribers[id] = continuation
                return id
            }
            continuation.onTermination = { [weak self] _ in
                _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
            }
        }
    }

    /// Follows the folder until the task is cancelled: every `interval` it compares the stamps (size,
    /// modification time, inode) of the set's files and includes with those it loaded, and reloads
    /// once they have changed and then held still for `quiet`. Polling is portable and cheap: a `stat`
    /// per file per interval.
    public func watch(every interval: Duration = .seconds(1), quiet: Duration = .milliseconds(500)) async {
        var changes = FolderChanges()
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            if changes.due(FolderSnapshot.stamps(folder: folder, includes: includes), loaded: loadedStamps, quiet: quiet) {
                await reload(trigger: .watch)
            }
        }
    }

    /// Reads, checks, tests and (when all is well) activates the set; one reload at a time.
    @discardableResult
    public func reload(trigger: ReloadTrigger = .call) async -> ReloadAttempt {
        await gate.run { await self.load(trigger: trigger) }
    }

    private func load(trigger: ReloadTrigger) async -> ReloadAttempt {
        let started = ContinuousClock.now
        let current = active
        var attempt = ReloadAttempt(at: Date(), trigger: trigger)
        var sources: [SourceFile] = []
        func finish(_ stamps: [FileStamp]?, includes: [String]?, activate candidate: ActivePolicy? = nil) -> ReloadAttempt {
            let elapsed = started.duration(to: .now)
            attempt.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let subscribers = state.withLock { state in
                state.lastAttempt = attempt
                if let stamps { state.loadedStamps = stamps }
                if let includes { state.includes = includes }
                state.lastSources = candidate == nil ? sources : []
                if let candidate {
                    state.active = candidate
                    state.name = candidate.versions.name
                }
                return Array(state.subscribers.values)
            }
            for s in subscribers { s.yield(attempt) }
            return attempt
        }

        guard let snapshot = await FolderSnapshot.load(folder: folder, includes: includes) else {
            attempt.diagnostics = [.error(.folderChanging, "the files of `\(folder)` kept changing while they were read", at: nil,
                                          help: "the last good version keeps serving; the watcher tries again once the folder is quiet")]
            return finish(nil, includes: nil)
        }
        let stamps = snapshot.snapshot.stamps
        sources = snapshot.snapshot.policyFiles + snapshot.snapshot.testFiles
        guard let versions = snapshot.versions else {
            attempt.diagnostics = snapshot.diagnostics.filter { $0.severity == .error }
            return finish(stamps, includes: snapshot.includes)
        }
        let policy = versions.latest
        attempt.candidateDigest = policy.identity.digest
        attempt.candidateVersion = versions.versions.map(\.identity.version).joined(separator: ", ")

        // A set keeps the name it is addressed by: a rename would move its traffic silently.
        if let known = current?.policy.identity.name, known != policy.identity.name {
            attempt.diagnostics = [.error(.policyRenamed, "the policy's name changed from `\(known)` to `\(policy.identity.name)`",
                                          at: Self.manifestLocation(policy), help: "restart the server to serve a set under a new name")]
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
        if let check {
            let errors = check(self, versions).filter { $0.severity == .error }
            if !errors.isEmpty {
                attempt.diagnostics = errors
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

    /// The `policy:` line of the manifest, where a diagnostic about the whole set points.
    package static func manifestLocation(_ policy: CompiledPolicy) -> SourceLocation? {
        for file in policy.sources {
            if let i = file.lines.firstIndex(where: { $0.hasPrefix("policy:") }) {
                return SourceLocation(path: file.path, line: i + 1, column: 1)
            }
        }
        return nil
    }
}
