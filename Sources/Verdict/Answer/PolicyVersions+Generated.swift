/// Deciding cases of the types `verdict codegen swift` generates (``GeneratedCase``,
/// ``GeneratedOutputs``), through the one decision path.
extension PolicyVersions {
    /// Answers a request about a typed case: its JSON, with its type's schema digest set on the request
    /// (``DecisionRequest/schemaDigest``), through ``answer(_:json:)-(_,String)``.
    /// - Throws: ``DecisionRequestError/refused(_:policy:)`` with ``CaseProblemCode/schemaChanged`` when
    ///   the version that decides the case has other fields or outputs than the type was made from.
    public func answer<C: GeneratedCase>(_ request: DecisionRequest, typed: C) throws(DecisionRequestError) -> DecisionResponse {
        var request = request
        request.schemaDigest = C.schemaDigest
        return try answer(request, json: typed.caseJSON)
    }

    /// Decides a typed case with the version in force on its date.
    /// - Throws: ``CaseError``, with ``CaseProblemCode/schemaChanged`` when the deciding version's
    ///   schema digest is not the type's.
    public func decide<C: GeneratedCase>(_ typed: C, explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        do {
            return try answer(DecisionRequest(explanation: explain ? .full : .none, now: now), typed: typed).decision
        } catch {
            switch error {
            case .refused(let caseError, _): throw caseError
            case .invalidQuestion(let text, let reason):  // not asked here; kept a case error all the same
                throw CaseError(caseID: nil, problems: [.init(field: nil, code: .invalidQuestion, message: "`\(text)`: \(reason.message)")])
            }
        }
    }

    /// Decides a typed case and reads its outputs as the generated outputs type.
    /// - Throws: ``CaseError`` as the typed `decide(_:explain:now:)` above does, or when the outputs type was made
    ///   from another schema; ``OutputAccessError`` when an output cannot be read.
    public func decide<C: GeneratedCase, O: GeneratedOutputs>(_ typed: C, as outputs: O.Type, now: Timestamp? = nil) throws -> O {
        try O(decide(typed, now: now))
    }
}
