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
        let policy: CompiledPolicy
        do { policy = try version(for: bytes, now: request.now) } catch {
            throw .refused(error, policy: fallback(request.now).identity)
        }
        var questions: [WhyNotQuestion] = []
        questions.reserveCapacity(request.whyNot.count)
        for text in request.whyNot {
            do { questions.append(try question(text, for: policy)) } catch { throw .invalidQuestion(text, error) }
        }
        let detail = request.effectiveDetail
        do {
            let prepared = try policy.prepare(json: bytes)
            var decision = try ThreadDeciders.decider(for: policy).decide(prepared, explain: detail != .none, now: request.now)
            if detail == .compact { decision.explanation = decision.explanation?.showing(.compact) }
            let whyNot = questions.isEmpty ? nil
                : try whyNot(questions, policy: policy, prepared: prepared, outputs: decision.values, json: bytes, now: request.now)
            return DecisionResponse(request: request, decision: decision, whyNot: whyNot)
        } catch {
            throw .refused(error, policy: policy.identity)
        }
    }
}
