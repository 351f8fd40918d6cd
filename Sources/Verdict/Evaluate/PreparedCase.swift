import Foundation

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
    /// The slots' typed form (``Value/scalar``), made once here so deciding copies it and converts nothing.
    let scalars: [Int64]
    /// The serial number of the policy that prepared this case (see ``CompiledPolicy``'s `serial`).
    let policy: UInt64
    /// The case's `id`.
    public let caseID: String
}

extension CompiledPolicy {
    /// Validates a JSON case once.
    /// - Throws: ``CaseError`` listing every problem, as deciding the same JSON would.
    public func prepare(json bytes: [UInt8]) throws(CaseError) -> PreparedCase {
        if let fast = fastDecoder.decode(bytes) { return prepared(fast) }
        let json: JSONValue
        do { json = try JSONReader.parse(bytes) } catch { throw Self.syntax(error) }
        return try prepared(json)
    }

    /// Validates a JSON case given as any contiguous bytes (`Data`, `ArraySlice<UInt8>`, a buffer),
    /// read in place without a copy; the same as from the bytes in an array.
    public func prepare(json bytes: some ContiguousBytes) throws(CaseError) -> PreparedCase {
        let result = bytes.withUnsafeBytes { raw -> Swift.Result<PreparedCase, CaseError> in
            do throws(CaseError) { return .success(try prepare(buffer: raw.assumingMemoryBound(to: UInt8.self))) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Validates a JSON case given as text, read in place as UTF-8 (a native string is not copied).
    public func prepare(json text: String) throws(CaseError) -> PreparedCase {
        var text = text
        let result = text.withUTF8 { p -> Swift.Result<PreparedCase, CaseError> in
            do throws(CaseError) { return .success(try prepare(buffer: p)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Validates a JSON case read in place from `p`, which must stay valid for the call.
    package func prepare(buffer p: UnsafeBufferPointer<UInt8>) throws(CaseError) -> PreparedCase {
        if let fast = fastDecoder.decode(buffer: p) { return prepared(fast) }
        let json: JSONValue
        do { json = try JSONReader.parse(buffer: p) } catch { throw Self.syntax(error) }
        return try prepared(json)
    }

    private static func syntax(_ error: JSONSyntaxError) -> CaseError {
        CaseError(caseID: nil, problems: [.init(field: nil, code: .jsonSyntax, message: "invalid JSON at \(error.line):\(error.column): \(error.message)")])
    }

    /// The careful decoder's reading of a parsed case.
    private func prepared(_ json: JSONValue) throws(CaseError) -> PreparedCase {
        var decoder = CaseDecoder(policy: self)
        guard let slots = decoder.decode(json: json) else { throw CaseError(caseID: decoder.caseID(json), problems: decoder.problems) }
        return prepared(slots)
    }

    @inline(__always)
    private func prepared(_ slots: [Value]) -> PreparedCase {
        var id = ""
        if case .string(let s) = slots[idSlot] { id = s }
        return PreparedCase(slots: slots, scalars: slots.map(\.scalar), policy: serial, caseID: id)
    }

    /// Decides a prepared case.
    /// - Throws: ``CaseError`` when the case was prepared by another policy (`wrong-policy`: see
    ///   ``PreparedCase``), or when it cannot be decided.
    public func decide(_ prepared: PreparedCase, explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        guard prepared.policy == serial else {
            throw CaseError(caseID: prepared.caseID, problems: [.init(field: nil, code: .wrongPolicy,
                                                                      message: "this case was prepared for another policy; prepare it with this one")])
        }
        return try decide(slots: prepared.slots, scalars: prepared.scalars, explain: explain, now: now)
    }
}
