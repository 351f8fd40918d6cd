import Verdict

/// Where the service records the decisions it makes (the audit trail's decision log, for one),
/// kept behind a protocol so that the service never writes storage itself: `verdict serve --log`
/// supplies ``AuditRecorder`` (the console only reads the log, through ``ServerConfiguration/auditLog``).
///
/// A response is sent only after the decisions in it are committed: a decision the service reports
/// is a decision recorded.
public protocol DecisionRecorder: Sendable {
    /// Archives a policy version before it serves (at start-up and on every reload that activates
    /// one); a version that cannot be archived is refused, and the last good version keeps serving.
    func register(_ policy: CompiledPolicy, folder: String) throws
    /// Queues a decision and the case input exactly as received.
    func submit(_ decision: Decision, input: [UInt8])
    /// Returns once every decision queued before it is committed; throws when the log failed.
    func commit() async throws
}
