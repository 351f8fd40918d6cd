import Foundation

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
/// retains the decider, which only its own thread touches. A decider also holds its own copies of the
/// policy's constants (a signer chain an output is assigned from, a name), so the outputs of its
/// decisions share no storage with another thread's. Same results either way.
///
/// What a decider hands out is safe to keep: a ``Decision`` and its ``Explanation`` hold the decider
/// (and so the policy) for as long as they live, and can be read after every other reference to the
/// policy and the decider is gone. A ``PreparedCase`` prepared by another policy is refused with
/// `wrong-policy`, as the policy itself refuses it: the check compares the policy's serial number,
/// never an address.
public final class Decider: Sendable {
    /// The policy this decider decides by (its ``identity`` is what each of its decisions names as
    /// ``Decision/policy``).
    public let policy: CompiledPolicy

    /// Name, version and digest of the policy this decider decides by: the ``Decision/policy`` of
    /// every decision it makes.
    public var identity: PolicyIdentity { policy.identity }

    /// This decider's own copies of the program's constants and of the names clock results carry
    /// (see ``Program/CountedValues``).
    private let constants: FlatArray<Value>
    private let clockNames: FlatArray<String>
    private let calendarNames: FlatArray<String>
    var counted: Program.CountedValues {
        Program.CountedValues(constants: constants.buffer, clocks: clockNames.buffer, calendars: calendarNames.buffer)
    }

    init(policy: CompiledPolicy) {
        self.policy = policy
        // New storage for each string and list, so this thread's retains touch only its own copies.
        constants = FlatArray(policy.program.constants.map(\.ownCopy))
        clockNames = FlatArray(policy.program.clockNames.map(\.ownCopy))
        calendarNames = FlatArray(policy.program.calendarNames.map(\.ownCopy))
    }

    /// Decides a prepared case: the same decision the policy itself would make.
    /// - Throws: ``CaseError`` when the case was prepared by another policy (`wrong-policy`), or
    ///   cannot be decided (a calendar year not covered, an overflow, a `unique` conflict).
    public func decide(_ prepared: PreparedCase, explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        guard prepared.policy == policy.serial else { return try policy.decide(prepared, explain: explain, now: now) }
        return try policy.decide(slots: prepared.slots, scalars: prepared.scalars, explain: explain, now: now, owner: self, counted: counted)
    }

    /// Decides a case given as UTF-8 JSON bytes.
    /// - Throws: ``CaseError`` listing every problem with the case.
    public func decide(json bytes: [UInt8], explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        try decide(policy.prepare(json: bytes), explain: explain, now: now)
    }

    /// Decides a case given as any contiguous bytes of UTF-8 JSON (`Data`, a slice), read in place.
    public func decide(json bytes: some ContiguousBytes, explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        try decide(policy.prepare(json: bytes), explain: explain, now: now)
    }

    /// Decides a case given as JSON text, read in place as UTF-8.
    public func decide(json text: String, explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        try decide(policy.prepare(json: text), explain: explain, now: now)
    }
}

extension Decider {
    /// A decision to decide into with ``decide(_:now:into:)``: it holds no outputs yet.
    public func reusableDecision() -> Decision {
        Decision(caseID: "", explanation: nil, values: [], clocks: [], now: nil, compiled: policy, owner: self)
    }

    /// Decides a prepared case into `decision`, reusing its storage for the outputs and clocks.
    ///
    /// ```swift
    /// var d = decider.reusableDecision()
    /// for c in cases { try decider.decide(c, into: &d); use(d["approver"]) }
    /// ```
    /// Once `decision` has held one decision of this policy, deciding allocates nothing for outputs
    /// and clocks, nor for the lists an override or a `collect` table builds once they have been as
    /// long before (unless an earlier decision's list is still referenced elsewhere). Same results as
    /// ``decide(_:explain:now:)``; no explanation. A case prepared by another policy throws
    /// `wrong-policy`, and `decision` is left as it was.
    public func decide(_ prepared: PreparedCase, now: Timestamp? = nil, into decision: inout Decision) throws(CaseError) {
        guard prepared.policy == policy.serial else {
            decision = try policy.decide(prepared, now: now)
            return
        }
        if decision.compiled !== policy {
            // Another policy's results: nothing of them is reused (a clock result there names its clock).
            decision.clocks.removeAll()
            decision.lists.removeAll()
        }
        var outputs: [Value] = []
        var clocks: [ClockResult] = []
        var lists: [[Value]] = []
        swap(&outputs, &decision.values)
        swap(&clocks, &decision.clocks)
        swap(&lists, &decision.lists)
        if lists.count != policy.program.listCount { lists = [[Value]](repeating: [], count: policy.program.listCount) }
        try lists.withUnsafeMutableBufferPointer { (l) throws(CaseError) in
            _ = try policy.evaluate(prepared.slots, scalars: prepared.scalars, tracer: NoTracer(), now: now, outputs: &outputs, clocks: &clocks,
                                    lists: l.baseAddress, counted: counted)
        }
        swap(&outputs, &decision.values)
        swap(&clocks, &decision.clocks)
        swap(&lists, &decision.lists)
        decision.caseID = prepared.caseID
        decision.now = now
        decision.explanation = nil
        if decision.compiled !== policy {
            decision.compiled = policy
            decision.owner = self
        }
    }
}

extension CompiledPolicy {
    /// A decider for one thread (see ``Decider``).
    public func decider() -> Decider { Decider(policy: self) }
}
