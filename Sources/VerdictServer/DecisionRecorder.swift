import Verdict
import VerdictAudit

/// Where the service records the decisions it makes (the audit trail's decision log, for one),
/// kept behind a protocol so that the service never writes storage itself: `verdict serve --log`
/// supplies ``AuditRecorder`` (the console only reads the log, through ``ServerConfiguration/auditLog``).
///
/// A response is sent only after the decisions in it are committed: a decision the service reports
/// is a decision recorded. Each request records through its own ``DecisionRecording``, so that its
/// commit fails exactly when one of its own decisions was not recorded.
public protocol DecisionRecorder: Sendable {
    /// Archives a policy version before it serves (at start-up and on every reload that activates
    /// one); a version that cannot be archived is refused, and the last good version keeps serving.
    func register(_ policy: CompiledPolicy, folder: String) throws
    /// A new group of decisions, committed together (one request's).
    func recording() -> any DecisionRecording
    /// Why decisions cannot be recorded now, in words for callers (never a file path or a database
    /// location), or nil when they can: `/readyz` answers 503 with it, and batches are refused.
    var unavailableReason: String? { get }
    /// Hears each change, on any thread: the full error when recording stops working, nil when it
    /// works again (the operator's log says so).
    func observeOutages(_ observer: @escaping @Sendable (_ error: Error?) -> Void)
    /// The words a caller is told for an error of this recorder (no paths or locations).
    func publicMessage(_ error: Error) -> String
    /// Records that versions of the set `set` began (`activated`) or ended (`retired`) serving, and why
    /// (`trigger`: `startup`, `watch`, `signal`, `request`, `stop`): the log's version history.
    func versionsChanged(set: String, activated: [PolicyIdentity], retired: [PolicyIdentity], trigger: String) throws
    /// Records one step of a governed policy change (proposed, approved, rejected, activated, refused,
    /// withdrawn, rolled back) as a leaf of the log's tree, committed before it returns: the log's
    /// change history (``PendingChangeEvent``). A step that cannot be recorded throws, and the caller
    /// must not take the step.
    func changeRecorded(_ event: PendingChangeEvent) throws
}

/// One request's decisions on their way to the log.
public protocol DecisionRecording: Sendable {
    /// Queues a decision and the case input exactly as received.
    func submit(_ decision: Decision, input: [UInt8])
    /// Returns once every decision submitted here is committed; throws when one of them was not.
    func commit() async throws
}

extension DecisionRecorder {
    /// A recorder that cannot tell is taken as available.
    public var unavailableReason: String? { nil }
    public func observeOutages(_ observer: @escaping @Sendable (_ error: Error?) -> Void) {}
    public func publicMessage(_ error: Error) -> String { "the decision could not be recorded (the server's log says why)" }
    /// A recorder without a version history records none.
    public func versionsChanged(set: String, activated: [PolicyIdentity], retired: [PolicyIdentity], trigger: String) throws {}
    /// A recorder without a change history cannot record a step, so the step is refused: a governed
    /// change is never taken unrecorded.
    public func changeRecorded(_ event: PendingChangeEvent) throws {
        throw AuditError(.usage, "this service keeps no decision log, so it cannot record a governed change (start it with `verdict serve --log`)")
    }
}
