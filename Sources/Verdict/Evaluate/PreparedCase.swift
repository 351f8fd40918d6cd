/// A case validated against one policy's schema, ready to decide without parsing again.
///
/// ```swift
/// let prepared = try policy.prepare(json: bytes)
/// let d1 = try policy.decide(prepared)
/// let d2 = try policy.decide(prepared, explain: true)
/// ```
/// Useful when a case is decided more than once (explained on demand, judged at several instants)
/// and for measuring the evaluator alone.
///
/// A prepared case is decided only by the policy that prepared it (or a ``Decider`` of that policy):
/// any other policy — another version, another compilation of the same files, or one made after the
/// first was freed — throws a ``CaseError`` with the code `wrong-policy` and never reads the slots.
/// The policy is named by its serial number, which no other policy in the process is ever given,
/// not by its address, which a later policy can reuse. A prepared case does not keep its policy
/// alive (that would put a shared reference count on every case a ``Decider`` prepares); it needs
/// not: its slots are plain values, read only after the serial matches.
public struct PreparedCase: Sendable {
    let slots: [Value]
    /// The serial number of the policy that prepared this case (see ``CompiledPolicy``'s `serial`).
    let policy: UInt64
    /// The case's `id`.
    public let caseID: String
}

extension CompiledPolicy {
    /// Validates a JSON case once.
    /// - Throws: ``CaseError`` listing every problem, as deciding the same JSON would.
    public func prepare(json bytes: [UInt8]) throws(CaseError) -> PreparedCase {
        let slots: [Value]
        if let fast = fastDecoder.decode(bytes) {
            slots = fast
        } else {
            let json: JSONValue
            do { json = try JSONReader.parse(bytes) } catch {
                throw CaseError(caseID: nil, problems: [.init(field: nil, code: .jsonSyntax, message: "invalid JSON at \(error.line):\(error.column): \(error.message)")])
            }
            var decoder = CaseDecoder(policy: self)
            guard let s = decoder.decode(json: json) else { throw CaseError(caseID: decoder.caseID(json), problems: decoder.problems) }
            slots = s
        }
        var id = ""
        if case .string(let s) = slots[idSlot] { id = s }
        return PreparedCase(slots: slots, policy: serial, caseID: id)
    }

    /// Decides a prepared case.
    /// - Throws: ``CaseError`` when the case was prepared by another policy (`wrong-policy`: see
    ///   ``PreparedCase``), or when it cannot be decided.
    public func decide(_ prepared: PreparedCase, explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        guard prepared.policy == serial else {
            throw CaseError(caseID: prepared.caseID, problems: [.init(field: nil, code: .wrongPolicy,
                                                                      message: "this case was prepared for another policy; prepare it with this one")])
        }
        return try decide(slots: prepared.slots, explain: explain, now: now)
    }
}
