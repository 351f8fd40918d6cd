/// The compile stage: a checked policy, ordered and laid out as the one ``Program`` the evaluator
/// runs, sealed into an immutable ``CompiledPolicy``.
enum Compiler {
    static func compile(_ checked: CheckedPolicy, identity: PolicyIdentity, sources: [SourceFile], warnings: [Diagnostic]) -> CompiledPolicy {
        let model = order(checked)
        let program = Program(ProgramBuilder(model), clockNames: model.clocks.map(\.name))
        return CompiledPolicy(model: model, program: program, identity: identity, sources: sources, warnings: warnings)
    }

    /// Decisions sorted so each comes after the decisions it reads (stable: written order otherwise).
    /// The checker has already reported cycles; a policy with one never gets here.
    static func order(_ model: CheckedPolicy) -> CheckedPolicy {
        let n = model.decisions.count
        var order: [Int] = []
        var placed = [Bool](repeating: false, count: n)
        while order.count < n {
            guard let next = (0..<n).first(where: { i in !placed[i] && model.decisions[i].dependencies.allSatisfy { placed[$0] } }) else {
                break
            }
            placed[next] = true
            order.append(next)
        }
        var newIndex = [Int](repeating: 0, count: n)
        for (new, old) in order.enumerated() { newIndex[old] = new }
        var out = model
        out.decisions = order.map { old in
            model.decisions[old].renumbered(Set(model.decisions[old].dependencies.map { newIndex[$0] }))
        }
        for i in out.outputs.indices where out.outputs[i].decision >= 0 { out.outputs[i].decision = newIndex[out.outputs[i].decision] }
        return out
    }
}
