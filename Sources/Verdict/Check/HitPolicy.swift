/// How a decision table chooses among matching rules (DMN's hit policies).
public enum HitPolicy: String, Sendable, CaseIterable {
    /// The first matching rule in written order.
    case first
    /// At most one rule may match; an overlap is a load-time error when provable, a case error otherwise.
    case unique
    /// The matching rule whose value of the priority output comes first in the declared order.
    case priority
    /// Every matching rule; list outputs gather their values in rule order, without repeats.
    case collect
}
