import Verdict
import VerdictAudit

/// The service's decisions recorded in the decision log (`verdict serve --log`), with group commit:
/// an answer is sent once the decisions in it are committed.
public struct AuditRecorder: DecisionRecorder {
    /// The writer the decisions and policy versions go to.
    public let writer: DecisionLogWriter

    /// Records through `writer`.
    public init(writer: DecisionLogWriter) { self.writer = writer }

    /// Archives the policy version in the log.
    public func register(_ policy: CompiledPolicy, folder: String) throws { try writer.register(policy, folder: folder) }

    /// Queues the decision and its case input for the next group commit.
    public func submit(_ decision: Decision, input: [UInt8]) { writer.submit(decision: decision, input: input) }

    /// Returns once every decision queued before it is committed; throws when the log failed.
    public func commit() async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
            writer.submitMarker { result in c.resume(with: result.map { _ in }) }
        }
    }
}
