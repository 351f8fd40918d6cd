/// What one traced evaluation did, as a few arrays of plain values: which rules were evaluated and
/// matched, which were selected, what each override did, which clocks applied, and for each
/// condition that was not true the smallest written part that was not, with the values it read.
///
/// Recorded by ``TraceRecorder`` while the evaluator runs; an ``Explanation`` is built from it only
/// when someone reads one.
struct Trace: Sendable {
    enum Event: Sendable {
        /// A rule's condition was evaluated; `failure` indexes `failures` (-1: it matched).
        case rule(decision: Int32, rule: Int32, matched: Bool, failure: Int32)
        case selected(decision: Int32, rule: Int32)
        /// For an applied override, `operations[operationStart..<operationStart+operationCount]` is what
        /// each of its operations did, in order (none otherwise).
        case override(decision: Int32, override: Int32, outcome: OverrideOutcome, failure: Int32, operationStart: Int32, operationCount: Int32)
        /// `result` indexes the decision's clocks (-1: does not apply); `failure` indexes `failures`.
        case clock(Int32, result: Int32, failure: Int32)
    }

    /// A written sub-condition that was not true: its span, whether it was unknown rather than
    /// false, and the values of the fields and outputs it reads (`values[valueStart...]`, one per
    /// reference of the span, in the span's order).
    struct Failure: Sendable {
        var span: Int32
        var unknown: Bool
        var valueStart: Int32
    }

    var events: [Event] = []
    var failures: [Failure] = []
    var values: [Value] = []
    var operations: [ChainOperationResult] = []
}

/// The tracer that records a ``Trace``.
struct TraceRecorder: EvaluationTracer {
    static var isTracing: Bool { true }
    // The program's tables it reads, not the program: a strong reference would be retained and
    // released on every read (see ``Evaluator``).
    /// The policy's written sub-expressions, for the fields and outputs each reads.
    let spans: UnsafeBufferPointer<Program.SpanReferences>
    let references: UnsafeBufferPointer<Int32>
    let conjunctTrees: UnsafeBufferPointer<Program.ConjunctTree>
    let conjunctChildren: UnsafeBufferPointer<Int32>
    var trace = Trace()
    /// Each span's last value in the current condition, valid where `spanGeneration` matches `generation`.
    private var spanTruth: [Truth]
    private var spanGeneration: [UInt32]
    private var generation: UInt32 = 1
    private var lastFailure: Int32 = -1
    private var operationStart: Int32 = 0
    private var clockCount: Int32 = 0

    init(policy: CompiledPolicy) {
        spans = policy.program.spanReferences
        references = policy.program.references
        conjunctTrees = policy.program.conjunctTrees
        conjunctChildren = policy.program.conjunctChildren
        spanTruth = [Truth](repeating: .unknown, count: spans.count)
        spanGeneration = [UInt32](repeating: 0, count: spans.count)
        // Room for one event per rule, override and clock, and a failure (with a few values) per rule:
        // the arrays grow once, not as the run goes.
        let rules = policy.program.rules.count
        trace.events.reserveCapacity(rules + policy.program.overrides.count + policy.program.clocks.count + 8)
        trace.failures.reserveCapacity(rules + policy.program.overrides.count)
        trace.values.reserveCapacity(2 * rules + 8)
    }

    mutating func computed(span: Int32, _ truth: Truth) {
        spanTruth[Int(span)] = truth
        spanGeneration[Int(span)] = generation
    }

    mutating func condition(_ c: Program.Condition, _ result: Truth, fields: UnsafeBufferPointer<Value>, outputs: UnsafeMutableBufferPointer<Value>) {
        defer { generation &+= 1 }
        lastFailure = -1
        if result == .true { return }
        guard c.tree >= 0, let span = firstNotTrue(c.tree), span >= 0 else { return }
        let refs = spans[Int(span)]
        let start = Int32(trace.values.count)
        for k in 0..<Int(refs.count) {
            let r = references[Int(refs.start) + k]
            trace.values.append(r >= 0 ? fields[Int(r)] : outputs[Int(-r - 1)])
        }
        trace.failures.append(.init(span: span, unknown: spanTruth[Int(span)] != .false, valueStart: start))
        lastFailure = Int32(trace.failures.count - 1)
    }

    /// The smallest written part of a condition tree that was not true (-1: every part was true).
    private func firstNotTrue(_ t: Int32) -> Int32? {
        let node = conjunctTrees[Int(t)]
        if node.span >= 0 {
            guard spanGeneration[Int(node.span)] == generation else { return nil }  // not evaluated
            if spanTruth[Int(node.span)] == .true { return -1 }
        }
        for k in 0..<Int(node.childCount) {
            if let s = firstNotTrue(conjunctChildren[Int(node.childStart) + k]), s >= 0 { return s }
        }
        return node.span
    }

    mutating func rule(_ decision: Int32, _ rule: Int32, matched: Bool) {
        trace.events.append(.rule(decision: decision, rule: rule, matched: matched, failure: matched ? -1 : lastFailure))
        lastFailure = -1
    }

    mutating func selected(_ decision: Int32, _ rule: Int32) {
        trace.events.append(.selected(decision: decision, rule: rule))
    }

    mutating func operation(_ index: Int32, _ result: ChainOperationResult) {
        trace.operations.append(result)
    }

    mutating func override(_ decision: Int32, _ override: Int32, _ outcome: OverrideOutcome) {
        // Only an applied override reports operations, all of them just before this.
        let end = Int32(trace.operations.count)
        let failure: Int32 = if case .conditionFailed = outcome { lastFailure } else { -1 }
        trace.events.append(.override(decision: decision, override: override, outcome: outcome, failure: failure,
                                      operationStart: operationStart, operationCount: end - operationStart))
        operationStart = end
        lastFailure = -1
    }

    mutating func clock(_ clock: Int32, _ result: ClockResult?) {
        if result != nil {
            trace.events.append(.clock(clock, result: clockCount, failure: -1))
            clockCount += 1
        } else {
            trace.events.append(.clock(clock, result: -1, failure: lastFailure))
        }
        lastFailure = -1
    }
}
