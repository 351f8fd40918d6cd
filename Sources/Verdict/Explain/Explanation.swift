/// Why a case was decided as it was: every decision table, every rule considered and whether it
/// matched, the first failing condition of each rule that did not (with the values it compared),
/// which rule set each output, and each override applied or not and why — each with its file:line
/// and the source text it implements.
///
/// Render it with ``write(to:)`` (JSON) or ``text(_:)`` (English or Chinese, using the policy's labels).
///
/// An explanation is recorded as a compact trace (a few arrays of plain values) while the decision is made (by the same
/// evaluator that decides without one) and built into these structures only when read.
public struct Explanation: Sendable {
    public let caseID: String
    public let policy: PolicyIdentity
    /// The instant clocks were judged at, when one was given.
    public let now: Timestamp?
    let trace: Trace
    let fields: [Value]
    let outputs: [Value]
    let clockResults: [ClockResult]
    let compiled: CompiledPolicy

    /// Every decision table in evaluation order: each rule (evaluated or not), each override, each output.
    public var decisions: [DecisionExplanation] { compiled.decisionExplanations(self) }
    /// Every SLA clock considered, in the policy's order.
    public var clocks: [ClockExplanation] { compiled.clockExplanations(self) }
}

/// How an SLA clock's deadline was computed: the start, the target, the calendar, the working
/// periods counted and the days skipped (holidays, weekends), and the result.
public struct ClockExplanation: Sendable {
    public var name: String
    public var source: SourceNote
    /// Nil when the clock does not apply to the case (its condition failed or its start is absent).
    public var result: ClockResult?
    public var failed: ConditionFailure?
    public var startText: String
    public var target: Localized
    public var steps: [WorkingCalendar.Step]
}

/// Where a rule comes from, and what its authors said about it. Built once per rule when the policy
/// loads and shared by every explanation that mentions the rule.
public final class SourceNote: Sendable {
    public let location: SourceLocation
    public let label: Localized
    public let quote: String?
    public let note: Localized
    public let reading: Localized
    /// Its members of an explanation's JSON (`"at":…,"label":{…},"quote":…`), serialised once.
    let jsonMembers: [UInt8]

    init(_ a: Annotations, _ location: SourceLocation) {
        self.location = location
        label = a.label
        quote = a.quote
        note = a.note
        reading = a.reading
        var w = JSONWriter()
        w.object { w in Explanation.write(location: location, annotations: a, to: &w) }
        jsonMembers = Array(w.bytes.dropFirst().dropLast())
    }
}

public struct DecisionExplanation: Sendable {
    public var name: String
    public var hit: HitPolicy
    public var source: SourceNote
    public var rules: [RuleExplanation]
    public var overrides: [OverrideExplanation]
    public var outputs: [OutputExplanation]
}

public struct RuleExplanation: Sendable {
    public var id: String
    public var source: SourceNote
    /// False for the rules after a `first` table's winner: they are not evaluated.
    public var evaluated: Bool
    public var matched: Bool
    /// Whether this rule's outputs were used (a matching rule may lose under `first` or `priority`).
    public var selected: Bool
    /// For a rule that did not match: the smallest written condition that was not true.
    public var failed: ConditionFailure?
}

/// A condition that did not hold, with the values it read.
public struct ConditionFailure: Sendable {
    /// The condition as written: `cost <= 300`.
    public var text: String
    public var location: SourceLocation
    /// True when the condition was unknown rather than false (it read an absent value).
    public var unknown: Bool
    /// The fields and outputs it read, with their values in this case.
    public var values: [(name: String, value: OutputValue?)]
    let raw: [Value]
}

public struct OverrideExplanation: Sendable {
    public enum Outcome: Sendable {
        case applied(replaced: [(from: String, to: String)])
        case conditionFailed(ConditionFailure?)
        /// An exception inside the override's scope held, so it did not apply.
        case exception(id: String?, source: SourceNote, condition: String)
        /// The list it changes does not apply to this case.
        case outputAbsent
    }
    public var id: String
    public var output: String
    public var source: SourceNote
    public var outcome: Outcome

    public var applied: Bool {
        if case .applied = outcome { return true }
        return false
    }
}

public struct OutputExplanation: Sendable {
    public var name: String
    public var value: OutputValue?
    /// The id of the rule whose value this is (the last one, for `collect`).
    public var rules: [String]
    /// Overrides that changed it.
    public var overrides: [String]
    let raw: Value
}
