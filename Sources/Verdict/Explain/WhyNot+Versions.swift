/// "Why not?" answers for a set with several versions: each case is answered by the version in force
/// for it, and a value no change of the case's inputs gives under that version, but another version
/// would, says so.
extension PolicyVersions {
    /// Answers "why not?" questions about a case given as JSON with the version in force for it
    /// (see `version(for:now:)`).
    ///
    /// The field that picks the version (`effective_by`) is held fixed: an alternative that would
    /// change it is left out, since another date is another version's question. Where no change of
    /// the case's inputs gives the value under the version in force but another version of the set
    /// would (already, or with changes), the answer is ``WhyNotImpossibility/onlyOtherVersions(_:)``.
    ///
    /// - Parameter questions: read with ``WhyNotQuestion/init(parsing:for:)`` against any version
    ///   (``latest``, say): versions share their outputs' names where they share outputs.
    /// - Parameter bytes: the case as UTF-8 JSON.
    /// - Parameter now: the decision time, which picks the version when the set names no `effective_by`.
    /// - Throws: ``CaseError`` when the case cannot be decided, or is dated before every version.
    public func whyNot(_ questions: [WhyNotQuestion], json bytes: [UInt8], now: Timestamp? = nil) throws(CaseError) -> WhyNot {
        let policy = try version(for: bytes, now: now)
        return try whyNot(questions, policy: policy, prepared: policy.prepare(json: bytes), outputs: nil, json: bytes, now: now)
    }

    /// The answers for a case already prepared (and perhaps decided, `outputs`) by `policy`, the
    /// version in force for it; `bytes` are read again only by another version, where just another
    /// version can give a value.
    func whyNot(_ questions: [WhyNotQuestion], policy: CompiledPolicy, prepared: PreparedCase, outputs: [Value]?,
                json bytes: [UInt8], now: Timestamp?) throws(CaseError) -> WhyNot {
        let answered = try policy.whyNot(questions, slots: prepared.slots, outputs: outputs, now: now)
        guard isDated else { return answered }
        let held = effectiveBy.flatMap { policy.fieldSlots[$0] }
        var answers: [WhyNotAnswer] = []
        for a in answered.answers {
            var a = a
            if let held, case .changes(let alternatives) = a.outcome {
                let kept = alternatives.filter { !$0.changes.contains { $0.fieldSlot == held } }
                if kept.count != alternatives.count {
                    a = a.with(kept.isEmpty ? .impossible(.onlyAnotherDate(field: policy.model.fields[held].name)) : .changes(kept))
                }
            }
            if case .impossible(let why) = a.outcome, why.isAboutThePolicy {
                let others = versions.filter { $0 !== policy }.filter { other in
                    guard let q = try? WhyNotQuestion(parsing: a.question.description, for: other),
                          let w = try? other.whyNot([q], json: bytes, now: now) else { return false }
                    return w.answers.contains { b in
                        guard b.target == a.target else { return false }
                        switch b.outcome {
                        case .already, .changes: return true
                        case .impossible, .cannotReason: return false
                        }
                    }
                }
                if !others.isEmpty { a = a.with(.impossible(.onlyOtherVersions(others.map(\.identity)))) }
            }
            answers.append(a)
        }
        return WhyNot(caseID: answered.caseID, policy: answered.policy, answers: answers, compiled: answered.compiled)
    }
}

extension PolicyVersions {
    /// A why-not question read against `policy` (the version in force for the case), or else against
    /// the latest version that has its output and value; the error is the one `policy` gives.
    public func question(_ text: String, for policy: CompiledPolicy) throws(WhyNotQuestionError) -> WhyNotQuestion {
        do { return try WhyNotQuestion(parsing: text, for: policy) } catch {
            for v in versions.reversed() where v !== policy {
                if let q = try? WhyNotQuestion(parsing: text, for: v) { return q }
            }
            throw error
        }
    }
}

extension WhyNotImpossibility {
    /// Reasons that lie in the rules of the version (not in the question).
    var isAboutThePolicy: Bool {
        switch self {
        case .notAssigned, .neverDecides, .onlyAnotherDate: return true
        default: return false
        }
    }
}

extension WhyNotAnswer {
    /// The same answer with another outcome.
    func with(_ outcome: Outcome) -> WhyNotAnswer {
        WhyNotAnswer(question: question, output: outputSlot, target: rawTarget, current: rawCurrent, outcome: outcome, compiled: compiled)
    }
}
