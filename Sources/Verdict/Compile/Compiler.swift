/// The last stage before evaluation: puts decisions in dependency order and renumbers what points at them.
enum Compiler {
    /// Decisions sorted so each comes after the decisions it reads (stable: written order otherwise).
    /// The checker has already reported cycles; a policy with one never gets here.
    static func order(_ model: PolicyModel) -> PolicyModel {
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
