/// Decides on one thread for a shared policy, without contending for the policy's reference count.
///
/// ```swift
/// DispatchQueue.concurrentPerform(iterations: 2) { worker in
///     let decider = policy.decider()          // one per thread
///     for c in myShare(worker) { _ = try? decider.decide(c) }
/// }
/// ```
/// Every ``Decision`` keeps what made it alive. Made by the policy, it retains the policy, whose
/// reference count all threads share (an atomic that bounces between cores); made by a decider, it
/// retains the decider, which only its own thread touches. Same results either way.
public final class Decider: Sendable {
    public let policy: CompiledPolicy

    init(policy: CompiledPolicy) { self.policy = policy }

    public func decide(_ prepared: PreparedCase, explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        guard prepared.policy == ObjectIdentifier(policy) else { return try policy.decide(prepared, explain: explain, now: now) }
        return try policy.decide(slots: prepared.slots, explain: explain, now: now, owner: self)
    }

    public func decide(json bytes: [UInt8], explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        try decide(policy.prepare(json: bytes), explain: explain, now: now)
    }
}

extension CompiledPolicy {
    /// A decider for one thread (see ``Decider``).
    public func decider() -> Decider { Decider(policy: self) }
}
