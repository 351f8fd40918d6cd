/// Why a case was decided as it was: every decision table, every rule considered and whether it
/// matched, the first failing condition of each rule that did not (with the values it compared),
/// which rule set each output, and each override applied or not and why — each with its file:line
/// and the source text it implements.
///
/// Render it with ``json()`` (JSON) or ``text(_:)`` (English or Chinese, using the policy's labels).
///
/// An explanation is recorded as a compact trace (a few arrays of plain values) while the decision is made (by the same
/// evaluator that decides without one) and built into these structures only when read.
public struct Explanation: Sendable {
    /// The case's `id`.
    public let caseID: String
    /// The policy version that decided the case.
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
    /// The clock's name, as the policy declares it.
    public var name: String
    /// Where the clock is declared, with its label and quote.
    public var source: SourceNote
    /// Nil when the clock does not apply to the case (its condition failed or its start is absent).
    public var result: ClockResult?
    /// Why it does not apply, when its condition failed.
    public var failed: ConditionFailure?
    /// The start as written (`received_at`, `t + 2h`).
    public var startText: String
    /// The target as written for people (`3 working hours`, `3个工作小时`).
    public var target: Localized
    /// The working periods counted and the days skipped, for a working-time target.
    public var steps: [WorkingCalendar.Step]
}

/// Where a rule comes from, and what its authors said about it. Built once per rule when the policy
/// loads and shared by every explanation that mentions the rule.
public final class SourceNote: Sendable {
    /// Where it is written.
    public let location: SourceLocation
    /// Its label in English and Chinese.
    public let label: Localized
    /// The source sentence it implements, in the original language.
    public let quote: String?
    /// What its authors noted about it.
    public let note: Localized
    /// How the policy reads the source where it is silent or ambiguous.
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

/// How one decision table decided: its rules, its overrides and the outputs it set.
public struct DecisionExplanation: Sendable {
    /// The decision's name.
    public var name: String
    /// How its rules combine.
    public var hit: HitPolicy
    /// Where it is declared, with its label and quote.
    public var source: SourceNote
    /// Every rule, in the order written.
    public var rules: [RuleExplanation]
    /// Every override, in the order written.
    public var overrides: [OverrideExplanation]
    /// Every output, in the order declared.
    public var outputs: [OutputExplanation]
}

/// One rule of a decision table, as this case met it.
public struct RuleExplanation: Sendable {
    /// The rule's id.
    public var id: String
    /// Where it is written, with its label and quote.
    public var source: SourceNote
    /// False for the rules after a `first` table's winner: they are not evaluated.
    public var evaluated: Bool
    /// Whether its condition held.
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
    /// Where the condition is written.
    public var location: SourceLocation
    /// True when the condition was unknown rather than false (it read an absent value).
    public var unknown: Bool
    /// The fields and outputs it read, with their values in this case.
    public var values: [(name: String, value: OutputValue?)]
    let raw: [Value]
}

/// One override of a decision table: whether it changed an output for this case, and why not when it did not.
public struct OverrideExplanation: Sendable {
    /// What the override did.
    public enum Outcome: Sendable {
        /// It applied: each role it replaced, and by whom.
        case applied(replaced: [(from: String, to: String)])
        /// Its `when` did not hold (the failure, when the condition read values).
        case conditionFailed(ConditionFailure?)
        /// An exception inside the override's scope held, so it did not apply.
        case exception(id: String?, source: SourceNote, condition: String)
        /// The list it changes does not apply to this case.
        case outputAbsent
    }
    /// The override's id.
    public var id: String
    /// The output it changes.
    public var output: String
    /// Where it is written, with its label and quote.
    public var source: SourceNote
    /// What it did for this case.
    public var outcome: Outcome

    /// Whether it changed the output.
    public var applied: Bool {
        if case .applied = outcome { return true }
        return false
    }
}

/// One output of a decision table and where its value came from.
public struct OutputExplanation: Sendable {
    /// The output's name.
    public var name: String
    /// Its value; nil when it does not apply to the case.
    public var value: OutputValue?
    /// The id of the rule whose value this is (the last one, for `collect`).
    public var rules: [String]
    /// Overrides that changed it.
    public var overrides: [String]
    let raw: Value
}
