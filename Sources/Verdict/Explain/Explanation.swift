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
    /// Unowned: `owner` holds the policy for as long as this explanation lives.
    unowned(unsafe) let compiled: CompiledPolicy
    /// What keeps the policy alive: the policy, or the ``Decider`` that made the decision (one per
    /// thread), as for ``Decision``: a reference to the shared policy would be an atomic count that
    /// every thread writes on every explained decision.
    let owner: AnyObject & Sendable
    /// How much ``json()`` and ``text(_:)`` show: ``ExplanationDetail/full`` (every rule), or
    /// ``ExplanationDetail/compact`` (the rules that decided and the overrides that applied). The
    /// structures (``decisions``, ``clocks``) are whole either way.
    public internal(set) var detail: ExplanationDetail = .full

    /// The same explanation, shown with `detail` (``ExplanationDetail/none`` is shown in full).
    public func showing(_ detail: ExplanationDetail) -> Explanation {
        var e = self
        e.detail = detail == .compact ? .compact : .full
        return e
    }

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
    /// The clock's position in the policy (its serialised parts in ``ExplanationFragments/clocks``).
    var index: Int
    /// For a per-case target (a decision output): the output, its value, and the rule that set it.
    /// With no rule setting it, the clock did not start (``result`` is nil).
    public var targetSource: ClockTargetSource? = nil
    /// The same for a per-case `at_risk` point.
    public var atRiskSource: ClockTargetSource? = nil
}

/// Where a clock's per-case target came from: `response_time` = 4h, set by rule `serious` of
/// decision `severity`.
public struct ClockTargetSource: Sendable {
    /// The decision output the target names.
    public var output: String
    /// Its value in this case; nil when no rule set it.
    public var value: OutputValue?
    /// The decision that gives the output.
    public var decision: String
    /// The ids of the rules that set it in this case (empty: none did).
    public var rules: [String]
    /// Where the first of those rules is written.
    public var location: SourceLocation?
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
    /// For a rule that matched: each written condition of its `when`, with the values it read in this
    /// case — what made it match (empty for a rule without `when`).
    public var held: [ConditionValues] = []
}

/// A written condition that held (or an exception that did not), with the values it read in this case.
public struct ConditionValues: Sendable {
    /// The condition as written: `cost > 1000`.
    public var text: String
    /// Where the condition is written.
    public var location: SourceLocation
    /// The fields and outputs it read (and the date functions it computed), with their values in
    /// this case; personal data that is not loggable is never shown.
    public var values: [(name: String, value: OutputValue?)]
    let raw: [Value]
}

/// One exception of an override, as this case met it.
public struct ExceptionExplanation: Sendable {
    /// The exception's id, when it has one.
    public var id: String?
    /// Where it is written, with its label and quote.
    public var source: SourceNote
    /// Whether it held (and so kept the override from applying).
    public var held: Bool
    /// Its conditions, with the values they read.
    public var conditions: [ConditionValues]
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
        /// It applied: each role it replaced, and by whom (every operation, with what it did, is in ``OverrideExplanation/operations``).
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
    /// When it applied: what each of its operations did, in the order they apply (replacements,
    /// removals, insertions), including those that found nothing to act on. Empty otherwise.
    public var operations: [ChainOperationExplanation]
    /// When its `when` held (it applied, or an exception held): each written condition of its scope,
    /// with the values it read.
    public var scope: [ConditionValues] = []
    /// When its `when` held: its exceptions in the order they are tried, up to the one that held —
    /// each that did not hold (so it applied), with the values it read.
    public var exceptions: [ExceptionExplanation] = []

    /// Whether it applied: its condition held and none of its exceptions did (``operations`` says what it changed).
    public var applied: Bool {
        if case .applied = outcome { return true }
        return false
    }
}

/// What one operation of an applied override did to its chain: `inserted legal_officer after store_manager`,
/// or that it found nothing to act on.
public struct ChainOperationExplanation: Sendable, Equatable {
    /// Which operation it is.
    public enum Kind: String, Sendable {
        /// `replace: {from: to}`: `member` became `other`.
        case replace
        /// `remove`: `member` was taken out.
        case remove
        /// `insert: {role: member, before: other}`.
        case insertBefore = "insert-before"
        /// `insert: {role: member, after: other}`.
        case insertAfter = "insert-after"
    }
    /// What it did in this case.
    public enum Result: String, Sendable {
        /// It changed the chain.
        case done
        /// The member it replaces or removes, or the one an insert goes next to, is not in the chain.
        case notFound = "not-found"
        /// The member an insert adds is already in the chain (a chain names a member once).
        case alreadyPresent = "already-present"
    }
    /// Which operation it is.
    public var kind: Kind
    /// The member replaced, removed or inserted.
    public var member: String
    /// For a replacement, the member that takes its place; for an insert, the member it goes next to.
    public var other: String?
    /// What it did in this case.
    public var result: Result
}

/// One output of a decision table and where its value came from.
public struct OutputExplanation: Sendable {
    /// The output's name.
    public var name: String
    /// Its value; nil when it does not apply to the case.
    public var value: OutputValue?
    /// The id of the rule whose value this is (the last one, for `collect`).
    public var rules: [String]
    /// Overrides that changed it (an override that applied but found nothing to act on is not named).
    public var overrides: [String]
    /// When the deciding rule computes it (`resolved_at + 7d`, `working_hours_after(…)`): the
    /// expression, the values it read, and for working time the steps counted and skipped. Nil for
    /// a value written as a constant.
    public var computed: ComputedOutput?
    let raw: Value
}

/// How a rule's expression computed an output: `resolved_at + 7d` with resolved_at = 2026-03-04T17:00,
/// and for `working_hours_after` / `working_days_after` the working-time arithmetic, step by step, as
/// a clock shows it.
public struct ComputedOutput: Sendable {
    /// The expression as written.
    public var text: String
    /// The fields and outputs it read, with their values in this case (personal data not recorded
    /// shows as such).
    public var values: [(name: String, value: OutputValue?)]
    /// The working calendar it counts in, for working-time arithmetic.
    public var calendar: String?
    /// The working time counted and the days skipped (empty unless it adds working time to a field
    /// or an output).
    public var steps: [WorkingCalendar.Step]
    let raw: [Value]
}
