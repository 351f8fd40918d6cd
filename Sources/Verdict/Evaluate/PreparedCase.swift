/// A case validated against one policy's schema, ready to decide without parsing again.
///
/// ```swift
/// let prepared = try policy.prepare(json: bytes)
/// let d1 = try policy.decide(prepared)
/// let d2 = try policy.decide(prepared, explain: true)
/// ```
/// Useful when a case is decided more than once (explained on demand, judged at several instants)
/// and for measuring the evaluator alone.
public struct PreparedCase: Sendable {
    let slots: [Value]
    let policy: ObjectIdentifier
    public let caseID: String
}

extension CompiledPolicy {
    /// Validates a JSON case once.
    /// - Throws: ``CaseError`` listing every problem, as ``decide(json:explain:now:)`` would.
    public func prepare(json bytes: [UInt8]) throws(CaseError) -> PreparedCase {
        let slots: [Value]
        if let fast = fastDecoder.decode(bytes) {
            slots = fast
        } else {
            let json: JSONValue
            do { json = try JSONReader.parse(bytes) } catch {
                throw CaseError(caseID: nil, problems: [.init(field: nil, code: "json-syntax", message: "invalid JSON at \(error.line):\(error.column): \(error.message)")])
            }
            var decoder = CaseDecoder(policy: self)
            guard let s = decoder.decode(json: json) else { throw CaseError(caseID: decoder.caseID(json), problems: decoder.problems) }
            slots = s
        }
        var id = ""
        if case .string(let s) = slots[idSlot] { id = s }
        return PreparedCase(slots: slots, policy: ObjectIdentifier(self), caseID: id)
    }

    /// Decides a prepared case.
    /// - Throws: ``CaseError`` when the case was prepared by another policy, or on a rule conflict.
    public func decide(_ prepared: PreparedCase, explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        guard prepared.policy == ObjectIdentifier(self) else {
            throw CaseError(caseID: prepared.caseID, problems: [.init(field: nil, code: "wrong-policy",
                                                                      message: "this case was prepared for another policy; prepare it with this one")])
        }
        return try decide(slots: prepared.slots, explain: explain, now: now)
    }
}

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
