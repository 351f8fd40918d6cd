import Foundation

/// Deciding cases: the public entry points and the evaluation loop.
extension CompiledPolicy {
    /// Decides a case given as JSON (an object whose members are the policy's fields).
    ///
    /// - Parameter bytes: the case as UTF-8 JSON.
    /// - Parameter explain: also record an ``Explanation`` (slower; off by default).
    /// - Throws: ``CaseError`` listing every problem with the case, or a rule conflict under `unique`.
    /// - Complexity: one pass over the rules of each decision; no allocation beyond the output slots
    ///   and the decision when `explain` is false.
    /// - Parameter now: the instant SLA clocks are judged at (pending, at risk, breached, met); without
    ///   it clocks report their deadlines but no status, so a decision depends only on the case.
    public func decide(json bytes: [UInt8], explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        try decide(prepare(json: bytes), explain: explain, now: now)
    }

    /// Decides a case given as any contiguous bytes of UTF-8 JSON (`Data`, `ArraySlice<UInt8>`),
    /// read in place; the same decision as from the same bytes in an array.
    public func decide(json bytes: some ContiguousBytes, explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        try decide(prepare(json: bytes), explain: explain, now: now)
    }

    /// Decides a case given as JSON text, read in place as UTF-8.
    public func decide(json text: String, explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        try decide(prepare(json: text), explain: explain, now: now)
    }

    /// Decides a case already parsed as a ``JSONValue``.
    package func decide(json: JSONValue, explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        var decoder = CaseDecoder(policy: self)
        let id = decoder.caseID(json)
        guard let slots = decoder.decode(json: json) else { throw CaseError(caseID: id, problems: decoder.problems) }
        return try decide(slots: slots, explain: explain, now: now)
    }

    /// Decides a case given as typed values by field name.
    ///
    /// ```swift
    /// try policy.decide(["id": .string("Q-1"), "cost": .money(Money(minorUnits: 30000)), ...])
    /// ```
    public func decide(_ values: [String: CaseValue], explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        var decoder = CaseDecoder(policy: self)
        guard let slots = decoder.decode(values: values) else {
            var id: String?
            if case .string(let s)? = values["id"] { id = s }
            throw CaseError(caseID: id, problems: decoder.problems)
        }
        return try decide(slots: slots, explain: explain, now: now)
    }

    func decide(slots: [Value], scalars: [Int64]? = nil, explain: Bool, now: Timestamp?, owner: (AnyObject & Sendable)? = nil,
                counted: Program.CountedValues? = nil) throws(CaseError) -> Decision {
        var outputs: [Value] = []
        var clocks: [ClockResult] = []
        if explain {
            let trace = try evaluate(slots, scalars: scalars, tracer: TraceRecorder(policy: self), now: now, outputs: &outputs, clocks: &clocks, counted: counted).trace
            let id = caseID(slots)
            let explanation = Explanation(caseID: id, policy: identity, now: now, trace: trace, fields: slots, outputs: outputs,
                                          clockResults: clocks, compiled: self, owner: owner ?? self)
            return Decision(caseID: id, explanation: explanation, values: outputs, clocks: clocks, now: now, compiled: self, owner: owner)
        }
        _ = try evaluate(slots, scalars: scalars, tracer: NoTracer(), now: now, outputs: &outputs, clocks: &clocks, counted: counted)
        return Decision(caseID: caseID(slots), explanation: nil, values: outputs, clocks: clocks, now: now, compiled: self, owner: owner)
    }

    @inline(__always)
    func caseID(_ slots: [Value]) -> String {
        if case .string(let s) = slots[idSlot] { return s }
        return ""
    }

    /// Runs the one evaluator over a case's slots (and their typed form, ``PreparedCase``'s, when
    /// given). `outputs` and `clocks` are overwritten; their storage is reused when they hold a
    /// previous decision's of this policy.
    ///
    /// - Parameter lists: ``Program/listCount`` lists to build collected and overridden lists in, kept by a
    ///   reused ``Decision`` (``Decision/lists``); nil to build them as new values.
    @inline(__always)
    func evaluate<T: EvaluationTracer>(_ slots: [Value], scalars: [Int64]? = nil, tracer: T, now: Timestamp?, outputs: inout [Value],
                                       clocks: inout [ClockResult], lists: UnsafeMutablePointer<[Value]>? = nil,
                                       counted: Program.CountedValues? = nil) throws(CaseError) -> T {
        if outputs.count == outputCount {
            for i in outputs.indices { outputs[i] = .absent }
        } else {
            outputs = [Value](unsafeUninitializedCapacity: outputCount) { slots, count in
                slots.initialize(repeating: .absent)
                count = outputCount
            }
        }
        do {
            return try withEvaluator(fields: slots, fieldScalars: scalars, outputs: &outputs, outputsAbsent: true, lists: lists,
                                   tracer: tracer, counted: counted) { (e: inout Evaluator<T>) throws(EvaluationError) in
                try e.run(now: now, clocks: &clocks)
                return e.tracer
            }
        } catch {
            throw caseError(error, caseID(slots))
        }
    }

    /// Gives `body` an evaluator over these slots for as long as it runs (the evaluator reads and
    /// writes them in place), with their typed slots on the stack beside them.
    ///
    /// - Parameter fieldScalars: the fields' typed slots when known (``PreparedCase``), else computed.
    /// - Parameter outputsAbsent: every output is absent (a new decision), so their typed slots need
    ///   no reading.
    /// - Parameter lists: ``Program/listCount`` lists for ``Evaluator/lists``, or nil (lists built as new values).
    @inline(__always)
    func withEvaluator<T: EvaluationTracer, R, E: Error>(fields: [Value], fieldScalars: [Int64]? = nil, outputs: inout [Value],
                                                         outputsAbsent: Bool = false, lists: UnsafeMutablePointer<[Value]>? = nil,
                                                         tracer: T, counted: Program.CountedValues? = nil,
                                                         _ body: (inout Evaluator<T>) throws(E) -> R) throws(E) -> R {
        try fields.withUnsafeBufferPointer { (f) throws(E) -> R in
            try outputs.withUnsafeMutableBufferPointer { (o) throws(E) -> R in
                try withUnsafeTemporaryAllocation(of: Int64.self, capacity: f.count + o.count) { (scalars) throws(E) -> R in
                    let s = scalars.baseAddress!
                    if let fieldScalars, fieldScalars.count == f.count {
                        fieldScalars.withUnsafeBufferPointer { s.initialize(from: $0.baseAddress!, count: f.count) }
                    } else {
                        for i in 0..<f.count { (s + i).initialize(to: f[i].scalar) }
                    }
                    if outputsAbsent {
                        (s + f.count).initialize(repeating: Value.noScalar, count: o.count)
                    } else {
                        for i in 0..<o.count { (s + f.count + i).initialize(to: o[i].scalar) }
                    }
                    var evaluator = Evaluator(program: program, fields: f, outputs: o, scalars: s, lists: lists, tracer: tracer, counted: counted)
                    return try body(&evaluator)
                }
            }
        }
    }

    /// The case error for an evaluation that stopped.
    func caseError(_ error: EvaluationError, _ caseID: String) -> CaseError {
        switch error {
        case let .conflict(d, a, b):
            let decision = model.decisions[Int(d)]
            let first = decision.rules[Int(a)], second = decision.rules[Int(b)]
            return CaseError(caseID: caseID, problems: [.init(
                field: nil, code: .ruleConflict,
                message: "rules `\(first.id)` and `\(second.id)` of decision `\(decision.name)` both match, but its hit policy is `unique`",
                help: "fix the policy so at most one rule matches (\(second.location))")])
        case let .failed(failure, site):
            let place: String
            switch site {
            case let .rule(d, r): place = "rule `\(model.decisions[Int(d)].rules[Int(r)].id)`"
            case let .override(d, o): place = "override `\(model.decisions[Int(d)].overrides[Int(o)].id)`"
            case .clock(let c): place = "clock `\(model.clocks[Int(c)].name)`"
            }
            if case .clock(let c) = site, let problem = inconsistentClock(failure, model.clocks[Int(c)]) {
                return CaseError(caseID: caseID, problems: [problem])
            }
            return CaseError(caseID: caseID, problems: [.init(field: nil, code: failure.code, message: "\(failure) (needed by \(place))")])
        }
    }

    /// The problem of a clock the case contradicts, naming the clock, its fields and their times in the
    /// policy's zone; nil for any other failure.
    private func inconsistentClock(_ failure: EvaluationFailure, _ clock: CheckedClock) -> CaseError.Problem? {
        func time(_ ms: Int64) -> String { Timestamp(millisecondsSinceEpoch: ms).rfc3339(in: model.zone) }
        let start = "its start `\(clock.startText)`"
        switch failure {
        case let .stopBeforeStart(s, t):
            let stop = clock.stop.map { model.fields[$0].name } ?? "stop"
            return .init(field: stop, code: .inconsistentClock,
                         message: "clock `\(clock.name)` stops at `\(stop)` \(time(t)), before \(start) \(time(s)): the case contradicts itself",
                         help: "correct the record: an event cannot come before the clock that waits for it starts")
        default:
            return nil
        }
    }
}
