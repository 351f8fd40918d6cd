import Foundation
import Verdict
import VerdictAudit

/// The service's decisions recorded in the decision log (`verdict serve --log`), with group commit:
/// an answer is sent once the decisions in it are committed.
///
/// The writer recovers: a batch that cannot be written (a full disk) fails its own decisions with
/// 503, the log is probed while it cannot be written (``unavailableReason`` says why, and `/readyz`
/// answers 503), and decisions are recorded again as soon as it can.
public struct AuditRecorder: DecisionRecorder {
    /// The writer the decisions and policy versions go to.
    public let writer: DecisionLogWriter
    /// Whether versions starting and stopping service are recorded as events (`verdict serve --log` does).
    public let versionHistory: Bool

    /// Records through `writer`, which is made to recover from failures; with `versionHistory`, also
    /// each version's activation and retirement (``versionsChanged(set:activated:retired:trigger:)``).
    public init(writer: DecisionLogWriter, versionHistory: Bool = false) {
        self.writer = writer
        self.versionHistory = versionHistory
        writer.recoverFromFailures()
    }

    /// Archives the policy version in the log.
    public func register(_ policy: CompiledPolicy, folder: String) throws { try writer.register(policy, folder: folder) }

    public func recording() -> any DecisionRecording { Recording(writer: writer) }

    /// One event per version, leaves of the log's tree (``PendingVersionEvent``), committed before it returns.
    public func versionsChanged(set: String, activated: [PolicyIdentity], retired: [PolicyIdentity], trigger: String) throws {
        guard versionHistory else { return }
        let now = Timestamp(Date())
        let events = retired.map { PendingVersionEvent(kind: .retired, set: set, version: $0.version, digest: $0.digest, trigger: trigger, instance: PendingVersionEvent.processInstance, recordedAt: now) }
            + activated.map { PendingVersionEvent(kind: .activated, set: set, version: $0.version, digest: $0.digest, trigger: trigger, instance: PendingVersionEvent.processInstance, recordedAt: now) }
        // Each version activated is archived with its event, whether or not it decides anything.
        _ = try writer.log.appendVersionEvents(events, policies: activated.compactMap { writer.archive(digest: $0.digest) })
    }

    /// One change event, a leaf of the log's tree (``PendingChangeEvent``), committed before it returns
    /// (whether or not ``versionHistory`` is on: a governed change is always recorded).
    public func changeRecorded(_ event: PendingChangeEvent) throws {
        _ = try writer.log.appendChangeEvents([event])
    }

    public var unavailableReason: String? { writer.outageReason.map(publicMessage) }

    public func observeOutages(_ observer: @escaping @Sendable (Error?) -> Void) { writer.recoverFromFailures(observer) }

    public func publicMessage(_ error: Error) -> String {
        (error as? AuditError)?.publicMessage ?? "the decision could not be recorded (the server's log says why)"
    }

    /// One request's decisions: each one's acknowledgement is heard, so the commit fails when any of
    /// them was not recorded (whichever batch of the writer it went in).
    final class Recording: DecisionRecording, @unchecked Sendable {
        let writer: DecisionLogWriter
        private let lock = NSLock()
        private var failure: Error?

        init(writer: DecisionLogWriter) { self.writer = writer }

        /// Queues the decision and its case input for the next group commit.
        func submit(_ decision: Decision, input: [UInt8]) {
            writer.submit(decision: decision, input: input, ack: .callback { [self] result in
                guard case .failure(let e) = result else { return }
                lock.lock()
                if failure == nil { failure = e }
                lock.unlock()
            })
        }

        private var firstFailure: Error? { lock.withLock { failure } }

        /// Returns once the decisions submitted before are acknowledged (in order, so theirs come
        /// first); throws the first that failed.
        func commit() async throws {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
                writer.submitMarker { result in c.resume(with: result.map { _ in }) }
            }
            if let f = firstFailure { throw f }
        }
    }
}
