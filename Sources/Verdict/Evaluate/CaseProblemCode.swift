/// Every code a problem with a case can carry (see ``CaseError``): stable names for callers to match.
public enum CaseProblemCode: String, Sendable, CaseIterable {
    /// A required field is not in the case.
    case missingField = "missing-field"
    /// The case has a field the policy does not declare.
    case unknownField = "unknown-field"
    /// A value of the wrong JSON type (a number where a string is expected, ...), or a case that is not an object.
    case wrongType = "wrong-type"
    /// A value of the right JSON type that is not a value of the field's type (a malformed timestamp,
    /// money with too many decimals, an unknown enum member).
    case invalidValue = "invalid-value"
    /// A value outside a bound its field declares (`min`, `max`, `min_length`, `max_length`), or a
    /// string that does not match the field's `pattern`. The message names the bound.
    case constraintViolated = "constraint-violated"
    /// Two fields the policy orders (a bound naming another field, `resolved_at: {min: received_at}`)
    /// are given out of order: the case contradicts itself. The message names both fields and values.
    case fieldOrder = "field-order"
    /// A clock the case contradicts: its `stop` event is before its start (a clock never "met" before
    /// it began). The problem names the clock, the `stop` field and both times.
    case inconsistentClock = "inconsistent-clock"
    /// The case is not valid JSON.
    case jsonSyntax = "json-syntax"
    /// Two rules of a `unique` table match the case.
    case ruleConflict = "rule-conflict"
    /// A prepared case was decided by another policy than the one that prepared it.
    case wrongPolicy = "wrong-policy"
    /// `measure --by` names a personal field that is not loggable: its values would be printed as group names.
    case personalField = "personal-field"
    /// A working-time computation reached a year the calendar does not cover.
    case calendarYear = "calendar-year"
    /// `working_hours_after` or `working_days_after` was given a negative amount by the case: working
    /// time only runs forward (a negative constant is refused when the policy is checked).
    case negativeWorkingTime = "negative-working-time"
    /// A clock's per-case target (the decision output it names) is below zero for the case.
    case negativeTarget = "negative-target"
    /// The case is longer than the reader accepts (`--max-line-bytes`, 1 MiB by default, for a line of
    /// a batch or a `--case` file): it is refused unread, and the batch goes on with the next line.
    case caseTooLarge = "case-too-large"
    /// The case's date (its `effective_by` field, or the decision time) is before the effective date of
    /// every version of a versioned set: no version was in force. The message names the date and the earliest version.
    case beforeFirstVersion = "before-first-version"
    /// A string that looks like a text the policy compares its field with (the same confusable
    /// skeleton, Unicode TS #39) without being it: `Hеnan` with a Cyrillic `е`. The message names the
    /// text it resembles and the characters that differ.
    case lookAlike = "look-alike"
    /// A why-not question asked with the case names an output or value that no version of the set
    /// has (see ``DecisionRequestError/invalidQuestion(_:_:)``).
    case invalidQuestion = "invalid-question"
    /// An arithmetic result too large for its type, or a time outside the years 0001–9999.
    case arithmeticOverflow = "arithmetic-overflow"
    /// A batch's reader refused a line, or stopped the batch, at a limit of its own rather than for
    /// anything in the case. The JSON's `code` is that reader's own: `too-many-lines` (a
    /// ``DecisionBatch``), and the service's `body-too-large`, `json-too-deep`, `request-timeout`,
    /// `decision-log-unavailable` (docs/operating.md); this raw value is never written.
    case readerLimit = "reader-limit"
    /// The case came from types `verdict codegen` generated for other fields or outputs than those of
    /// the version that decides it (``DecisionRequest/schemaDigest``): generate them again.
    case schemaChanged = "schema-changed"
}

extension CaseProblemCode: CustomStringConvertible {
    /// The raw value, as the JSON and the command line show it: `missing-field`.
    public var description: String { rawValue }
}
