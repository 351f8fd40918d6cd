/// How long an SLA clock runs, as the policy wrote it and as computed.
struct ClockTarget: Sendable {
    enum Kind: Sendable {
        case clock(ClockDuration)
        case workingTime(WorkingCalendar, ClockDuration)
        case workingDays(WorkingCalendar, Int)
    }
    var kind: Kind
    /// For explanations: `3 working hours in cn-office`.
    var text: Localized

    var calendar: WorkingCalendar? {
        switch kind {
        case .clock: return nil
        case .workingTime(let c, _), .workingDays(let c, _): return c
        }
    }

    func deadline(from start: Timestamp, steps: inout [WorkingCalendar.Step]?) throws(WorkingCalendar.YearNotCovered) -> Timestamp {
        switch kind {
        case .clock(let d): return start + d
        case let .workingTime(c, d): return try c.addWorkingTime(d, to: start, steps: &steps)
        case let .workingDays(c, n): return try c.addWorkingDays(n, to: start, steps: &steps)
        }
    }
}

/// A service-level clock: from a start event, a deadline (and an at-risk point) in clock or working time.
final class CheckedClock: Sendable {
    let name: String
    let annotations: Annotations
    let location: SourceLocation
    let condition: Condition
    let start: Expr
    let startText: String
    let target: ClockTarget
    let atRisk: ClockTarget?
    /// A timestamp field that, when given, replaces the computed deadline (a time agreed with the customer).
    let agreed: Int?
    /// A timestamp field that stops the clock (the event the SLA waits for).
    let stop: Int?
    let dueOutput: Int?
    let atRiskOutput: Int?
    /// Built once, shared by every explanation that mentions the clock.
    let source: SourceNote

    init(name: String, annotations: Annotations, location: SourceLocation, condition: Condition, start: Expr, startText: String,
         target: ClockTarget, atRisk: ClockTarget?, agreed: Int?, stop: Int?, dueOutput: Int?, atRiskOutput: Int?) {
        self.name = name
        self.annotations = annotations
        self.location = location
        self.condition = condition
        self.start = start
        self.startText = startText
        self.target = target
        self.atRisk = atRisk
        self.agreed = agreed
        self.stop = stop
        self.dueOutput = dueOutput
        self.atRiskOutput = atRiskOutput
        source = SourceNote(annotations, location)
    }
}
