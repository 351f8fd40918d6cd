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
        return PreparedCase(slots: slots, policy: ObjectIdentifier(self), caseID: id)
    }

    /// Decides a prepared case.
    /// - Throws: ``CaseError`` when the case was prepared by another policy, or on a rule conflict.
    public func decide(_ prepared: PreparedCase, explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        guard prepared.policy == ObjectIdentifier(self) else {
            throw CaseError(caseID: prepared.caseID, problems: [.init(field: nil, code: .wrongPolicy,
                                                                      message: "this case was prepared for another policy; prepare it with this one")])
        }
        return try decide(slots: prepared.slots, explain: explain, now: now)
    }
}
