/// How much of an explanation to give (``DecisionRequest/explanation``; the service's `explain`
/// parameter, `verdict decide --explanation`).
public enum ExplanationDetail: String, Sendable, CaseIterable {
    /// No explanation: the decision alone.
    case none
    /// What made the answer: for each decision table, the rules that decided and the overrides that
    /// applied, with their sources; the rules that did not match, and the overrides that did not
    /// apply, are left out. The JSON says `"detail": "compact"`.
    case compact
    /// Every rule of every decision table, matched or not (with the values its failing condition
    /// compared), and every override, applied or not and why.
    case full
}
