/// How long an SLA clock runs, as the policy wrote it and as computed.
struct ClockTarget: Sendable {
    enum Kind: Sendable {
        case clock(ClockDuration)
        case workingTime(WorkingCalendar, ClockDuration)
        case workingDays(WorkingCalendar, Int)
        /// A per-case target: the value a decision gave an output, in clock time, working time or
        /// working days (`target: {working_hours: response_time, calendar: store}`).
        case output(PerCase)
    }

    /// A target read from a decision output for each case.
    struct PerCase: Sendable {
        enum Unit: Sendable {
            case clockTime
            case workingTime(WorkingCalendar)
            case workingDays(WorkingCalendar)
        }
        var unit: Unit
        /// The output's slot, its name, and the decision that gives it.
        var output: Int
        var name: String
        var decision: Int
        /// Whether the output is an `integer` (whole working hours or days) rather than a `duration`.
        var integer: Bool
    }

    var kind: Kind
    /// For explanations: `3 working hours in cn-office`; for a per-case target, where it comes from.
    var text: Localized

    var calendar: WorkingCalendar? {
        switch kind {
        case .clock: return nil
        case .workingTime(let c, _), .workingDays(let c, _): return c
        case .output(let p):
            switch p.unit {
            case .clockTime: return nil
            case .workingTime(let c), .workingDays(let c): return c
            }
        }
    }

    /// The per-case output this target reads, if any.
    var perCase: PerCase? {
        if case .output(let p) = kind { return p }
        return nil
    }

    /// The target of one case, read from its outputs: itself for a fixed target; for a per-case one,
    /// the fixed target its output gives (nil when the output is absent or not a usable amount).
    func resolved(_ outputs: [Value]) -> Kind? {
        guard case .output(let p) = kind else { return kind }
        let amount: Int64
        switch outputs[p.output] {
        case .duration(let ms) where !p.integer: amount = ms
        case .int(let n) where p.integer: amount = n
        default: return nil
        }
        guard amount >= 0 else { return nil }
        switch p.unit {
        case .clockTime: return .clock(ClockDuration(milliseconds: amount))
        case .workingTime(let c):
            if !p.integer { return .workingTime(c, ClockDuration(milliseconds: amount)) }
            let (ms, o) = amount.multipliedReportingOverflow(by: 3_600_000)
            return o ? nil : .workingTime(c, ClockDuration(milliseconds: ms))
        case .workingDays(let c): return Int(exactly: amount).map { .workingDays(c, $0) }
        }
    }

    func deadline(from start: Timestamp, outputs: [Value], steps: inout [WorkingCalendar.Step]?) throws(WorkingCalendar.YearNotCovered) -> Timestamp? {
        switch resolved(outputs) {
        case .clock(let d)?: return start + d
        case let .workingTime(c, d)?: return try c.addWorkingTime(d, to: start, steps: &steps)
        case let .workingDays(c, n)?: return try c.addWorkingDays(n, to: start, steps: &steps)
        case .output?, nil: return nil
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
