/// What the evaluator reports while it runs, for an explanation. The evaluator is generic over its
/// tracer: with ``NoTracer`` every hook compiles away, so a decision without explanation pays nothing,
/// and a decision with one is the same run — the same rules evaluated in the same order, the same
/// outputs, the same errors.
protocol EvaluationTracer {
    /// False for ``NoTracer``: the evaluator skips the bookkeeping that only feeds the hooks.
    static var isTracing: Bool { get }
    /// A written sub-condition (a span) came out `truth`.
    mutating func computed(span: Int32, _ truth: Truth)
    /// A condition finished with `result`; `fields` and `outputs` are the slots it read.
    mutating func condition(_ condition: Program.Condition, _ result: Truth, fields: UnsafeBufferPointer<Value>, outputs: UnsafeMutableBufferPointer<Value>)
    /// A rule's condition was evaluated (rules after a `first` table's winner are not).
    mutating func rule(_ decision: Int32, _ rule: Int32, matched: Bool)
    /// A rule's outputs were used.
    mutating func selected(_ decision: Int32, _ rule: Int32)
    /// An applied override's operation (its index in the override's operations) did `result`; every
    /// operation reports, in order, before ``override(_:_:_:)`` reports `.applied`.
    mutating func operation(_ index: Int32, _ result: ChainOperationResult)
    mutating func override(_ decision: Int32, _ override: Int32, _ outcome: OverrideOutcome)
    /// A clock was considered: `result` is nil when it does not apply (its condition or start is missing).
    mutating func clock(_ clock: Int32, _ result: ClockResult?)
}

/// What happened to an override.
enum OverrideOutcome: Sendable {
    /// The list it changes does not apply to the case.
    case outputAbsent
    /// Its condition was false or unknown.
    case conditionFailed
    /// The exception at this index held.
    case exception(Int32)
    case applied
}

/// The tracer of a decision without explanation: records nothing, costs nothing.
struct NoTracer: EvaluationTracer {
    static var isTracing: Bool { false }
    @inline(__always) mutating func computed(span: Int32, _ truth: Truth) {}
    @inline(__always) mutating func condition(_ condition: Program.Condition, _ result: Truth, fields: UnsafeBufferPointer<Value>, outputs: UnsafeMutableBufferPointer<Value>) {}
    @inline(__always) mutating func rule(_ decision: Int32, _ rule: Int32, matched: Bool) {}
    @inline(__always) mutating func selected(_ decision: Int32, _ rule: Int32) {}
    @inline(__always) mutating func operation(_ index: Int32, _ result: ChainOperationResult) {}
    @inline(__always) mutating func override(_ decision: Int32, _ override: Int32, _ outcome: OverrideOutcome) {}
    @inline(__always) mutating func clock(_ clock: Int32, _ result: ClockResult?) {}
}
