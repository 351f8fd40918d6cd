import Foundation

/// The one entry point for a decision request (see ``DecisionRequest``).
extension PolicyVersions {
    /// Answers a decision request about one case given as UTF-8 JSON.
    ///
    /// The version in force for the case is picked once (by its `effective_by` date, or the
    /// request's `now`); the why-not questions are read against it (or else against any version that
    /// has their output and value); the case is parsed once and decided once, by this thread's own
    /// decider of that version (see ``Decider``), with the explanation asked; the why-not questions
    /// are answered from the same parsed case and outputs, with the set's other versions where only
    /// they can give a value (``WhyNotImpossibility/onlyOtherVersions(_:)``).
    ///
    /// - Throws: ``DecisionRequestError/refused(_:policy:)`` when the case cannot be decided,
    ///   ``DecisionRequestError/invalidQuestion(_:_:)`` when a question cannot be read.
    public func answer(_ request: DecisionRequest, json bytes: [UInt8]) throws(DecisionRequestError) -> DecisionResponse {
        try bytes.withUnsafeBufferPointer { (p) throws(DecisionRequestError) -> DecisionResponse in
            try answer(request, buffer: p, array: bytes)
        }
    }

    /// Answers a decision request about one case given as any contiguous bytes of UTF-8 JSON (`Data`,
    /// a slice), read in place (copied once only when why-not questions are asked of a set with
    /// several versions); the same answer as from the bytes in an array.
    public func answer(_ request: DecisionRequest, json bytes: some ContiguousBytes) throws(DecisionRequestError) -> DecisionResponse {
        let result = bytes.withUnsafeBytes { raw -> Swift.Result<DecisionResponse, DecisionRequestError> in
            do throws(DecisionRequestError) { return .success(try answer(request, buffer: raw.assumingMemoryBound(to: UInt8.self), array: nil)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Answers a decision request about one case given as JSON text, read in place as UTF-8.
    public func answer(_ request: DecisionRequest, json text: String) throws(DecisionRequestError) -> DecisionResponse {
        var text = text
        let result = text.withUTF8 { p -> Swift.Result<DecisionResponse, DecisionRequestError> in
            do throws(DecisionRequestError) { return .success(try answer(request, buffer: p, array: nil)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Answers a decision request about the case in `bytes` (UTF-8 JSON, read in place) and hands the
    /// answer, as ``DecisionResponse/rendered()`` writes it, to `render` — without building an array
    /// or a string of it: for callers that copy the answer on (the C library writes it into its
    /// caller's buffer). The same answer as ``answer(_:json:)-(_,[UInt8])`` gives; the bytes `render`
    /// gets are valid only while it runs.
    ///
    /// - Throws: as ``answer(_:json:)-(_,[UInt8])`` does; `render` is not called then.
    public func answer(_ request: DecisionRequest, json bytes: UnsafeRawBufferPointer,
                       rendered render: (UnsafeRawBufferPointer) -> Void) throws(DecisionRequestError) {
        try answer(request, buffer: bytes.assumingMemoryBound(to: UInt8.self), array: nil).withRendered(render)
    }

    /// The answer from the case's bytes in place; `array` is the same bytes when the caller holds them
    /// as an array (other versions read them again to answer why-not).
    private func answer(_ request: DecisionRequest, buffer bytes: UnsafeBufferPointer<UInt8>, array: [UInt8]?) throws(DecisionRequestError) -> DecisionResponse {
        let policy: CompiledPolicy
        do { policy = try version(forBuffer: bytes, now: request.now) } catch {
            throw .refused(error, policy: fallback(request.now).identity)
        }
        if let expected = request.schemaDigest, expected != policy.schemaDigest {
            throw .refused(Self.schemaChanged(expected, policy: policy, caseID: { if case .string(let id) = JSONMemberScan.string("id", in: bytes) { id } else { nil } }()), policy: policy.identity)
        }
        var questions: [WhyNotQuestion] = []
        questions.reserveCapacity(request.whyNot.count)
        for text in request.whyNot {
            do { questions.append(try question(text, for: policy)) } catch { throw .invalidQuestion(text, error) }
        }
        let detail = request.effectiveDetail
        do {
            let prepared = try policy.prepare(buffer: bytes)
            var decision = try ThreadDeciders.decider(for: policy).decide(prepared, explain: detail != .none, now: request.now)
            if detail == .compact { decision.explanation = decision.explanation?.showing(.compact) }
            let whyNot = questions.isEmpty ? nil
                : try whyNot(questions, policy: policy, prepared: prepared, outputs: decision.values, json: array ?? Array(bytes), now: request.now)
            return DecisionResponse(request: request, decision: decision, whyNot: whyNot)
        } catch {
            throw .refused(error, policy: policy.identity)
        }
    }
}

extension PolicyVersions {
    /// The refusal of a case whose generated types were made from another schema than `policy`'s.
    static func schemaChanged(_ expected: String, policy: CompiledPolicy, caseID: String?) -> CaseError {
        let id = policy.identity
        return CaseError(caseID: caseID, problems: [CaseError.Problem(
            field: nil, code: .schemaChanged,
            message: "the case's types were generated from schema \(expected), but \(id.name) \(id.version) has schema \(policy.schemaDigest): its fields or outputs have changed since",
            help: "run `verdict codegen` for \(id.name) again and rebuild with the new types")])
    }
}
