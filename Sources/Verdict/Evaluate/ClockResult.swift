/// An SLA clock for one case: its deadline and, judged at an instant, its status.
///
/// ```swift
/// let d = try policy.decide(json: bytes, now: Timestamp(Date()))
/// d.clocks.first?.status      // .atRisk
/// d.clocks.first?.remaining   // 45m of working time left
/// ```
public struct ClockResult: Sendable, Equatable {
    /// Where a clock stands at an instant.
    public enum Status: String, Sendable {
        /// Judged at an instant before its start (a case dated after the decision's "now"): nothing
        /// of it has run, so it has no time remaining or overdue; its deadline stands.
        case notStarted = "not_started"
        /// Running, before its at-risk point.
        case pending
        /// Running, past its at-risk point but not its deadline.
        case atRisk = "at_risk"
        /// Running and past its deadline.
        case breached
        /// Stopped on or before its deadline.
        case met
        /// Stopped after its deadline.
        case metLate = "met_late"
    }

    /// The clock's name, as the policy declares it.
    public var name: String
    /// The clock's position in the policy.
    public var index: Int
    /// When the clock started.
    public var start: Timestamp
    /// The deadline the target gives.
    public var computedDue: Timestamp
    /// A time agreed with the customer, which replaces the computed deadline.
    public var agreed: Timestamp?
    /// The deadline in force: the agreed time when there is one, else the computed one.
    public var due: Timestamp
    /// When the clock becomes at risk, if the policy sets an `at_risk` point.
    public var atRisk: Timestamp?
    /// When the event the clock waits for happened.
    public var stoppedAt: Timestamp?
    /// The name of the calendar whose working time the clock counts (nil: clock time).
    public var calendar: String?
    /// Set by judging at an instant.
    public var now: Timestamp?
    /// The status at ``now``; nil when the clock was not judged at an instant.
    public var status: Status?
    /// Time left before the deadline (working time for a working-time clock).
    public var remaining: ClockDuration?
    /// Time past the deadline (working time for a working-time clock).
    public var overdue: ClockDuration?

    /// Computes the status at `now`, with the working or clock time remaining or overdue; before the
    /// clock's start it is ``Status/notStarted``, whatever the case says of its stop.
    mutating func judge(at now: Timestamp, in calendar: CalendarTable?) throws(WorkingCalendar.YearNotCovered) {
        self.now = now
        func span(_ a: Timestamp, _ b: Timestamp) throws(WorkingCalendar.YearNotCovered) -> ClockDuration {
            if let calendar { return try calendar.workingTime(from: a, to: b) }
            return ClockDuration(milliseconds: max(0, b.millisecondsSinceEpoch - a.millisecondsSinceEpoch))
        }
        if now < start {
            status = .notStarted
        } else if let stoppedAt {
            status = stoppedAt <= due ? .met : .metLate
            if stoppedAt > due { overdue = try span(due, stoppedAt) }
        } else if now > due {
            status = .breached
            overdue = try span(due, now)
        } else {
            status = atRisk.map { now >= $0 } == true ? .atRisk : .pending
            remaining = try span(now, due)
        }
    }
}
