/// One change an override makes to its chain (a `list<enum>` output such as signers).
///
/// An override applies its operations in a fixed order, whatever order the keys are written in:
/// first every `replace` at once (one pass over the chain, so `{a: b, b: a}` swaps), then every
/// `remove`, then each `insert` in the order written, each next to the chain as it stands by then.
/// So an insert names its neighbour as it is after the replacements, and a member removed and
/// inserted again by one override moves.
struct ChainOperation: Sendable, Equatable {
    enum Kind: UInt8, Sendable {
        case replace, remove, insertBefore, insertAfter
    }
    var kind: Kind
    /// The member replaced, removed or inserted.
    var member: Value
    /// For `replace`, the member that takes its place; for an insert, the member it goes next to;
    /// `.absent` for `remove`.
    var other: Value

    static func replace(_ from: Value, with to: Value) -> ChainOperation { .init(kind: .replace, member: from, other: to) }
    static func remove(_ member: Value) -> ChainOperation { .init(kind: .remove, member: member, other: .absent) }
    static func insert(_ member: Value, after: Bool, _ anchor: Value) -> ChainOperation {
        .init(kind: after ? .insertAfter : .insertBefore, member: member, other: anchor)
    }

    /// A chain after `operations`, in the order the evaluator applies them: every replacement at
    /// once, then removals, then each insertion next to the chain as it stands (for the analyses that
    /// reason about chains: the override proofs and why-not).
    static func apply(_ operations: [ChainOperation], to chain: [Value]) -> [Value] {
        var items = chain
        let replacements = operations.filter { $0.kind == .replace }
        for i in items.indices {
            if let r = replacements.first(where: { $0.member == items[i] }) { items[i] = r.other }
        }
        for op in operations where op.kind != .replace {
            switch op.kind {
            case .remove: items.removeAll { $0 == op.member }
            case .insertBefore, .insertAfter:
                guard !items.contains(op.member), let i = items.firstIndex(of: op.other) else { continue }
                items.insert(op.member, at: op.kind == .insertAfter ? i + 1 : i)
            case .replace: break
            }
        }
        return items
    }
}

/// What one operation did when its override applied to a case.
enum ChainOperationResult: UInt8, Sendable {
    /// It changed the chain.
    case done
    /// The member it replaces or removes, or the one an insert goes next to, is not in the chain.
    case notFound
    /// An insert's member is already in the chain, so it is not added again.
    case alreadyPresent
}
