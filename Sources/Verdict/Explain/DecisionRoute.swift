/// How one decision table routed a case: the rules that decided it and the overrides that applied.
///
/// What a change impact groups cases by (see ``ChangeImpact``): two versions that route a case
/// through different rules, or apply a different override, changed it for that reason. Read from the
/// explanation's trace without building the explanation (no values, no text).
public struct DecisionRoute: Sendable, Hashable {
    /// The decision table's name.
    public var decision: String
    /// The ids of the rules selected, in the order the hit policy selected them (empty: none matched).
    public var rules: [String]
    /// The ids of the overrides that applied, in the order they were tried.
    public var overrides: [String]
    /// The outputs the table decides.
    public var outputs: [String]

    /// A route.
    ///
    /// - Parameters:
    ///   - decision: The decision table's name.
    ///   - rules: The ids of the rules selected, in the order the hit policy selected them.
    ///   - overrides: The ids of the overrides that applied, in the order they were tried.
    ///   - outputs: The outputs the table decides.
    public init(decision: String, rules: [String], overrides: [String], outputs: [String] = []) {
        self.decision = decision
        self.rules = rules
        self.overrides = overrides
        self.outputs = outputs
    }

    /// `band-up-to-300`, `band-up-to-300 + henan-finance`, `no rule`: the rules, then the overrides.
    public var description: String {
        (rules.isEmpty ? "no rule" : rules.joined(separator: ", ")) + overrides.map { " + " + $0 }.joined()
    }
}

extension Explanation {
    /// For each decision table in evaluation order, the rules that decided and the overrides that
    /// applied (cheap: read from the trace, without building ``decisions``).
    public var routes: [DecisionRoute] { compiled.routes(trace) }
}

extension CompiledPolicy {
    func routes(_ trace: Trace) -> [DecisionRoute] {
        var out = model.decisions.map { d in
            DecisionRoute(decision: d.name, rules: [], overrides: [], outputs: d.outputs.map { model.outputs[$0].name })
        }
        for event in trace.events {
            switch event {
            case let .selected(d, r):
                out[Int(d)].rules.append(model.decisions[Int(d)].rules[Int(r)].id)
            case let .override(d, o, .applied, _, _, _):
                out[Int(d)].overrides.append(model.decisions[Int(d)].overrides[Int(o)].id)
            case .rule, .override, .clock:
                break
            }
        }
        return out
    }
}
