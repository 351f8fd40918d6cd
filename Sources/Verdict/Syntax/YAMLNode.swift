
/// A YAML node with its source location: the raw material of the policy syntax tree.
///
/// Built by ``YAMLLoader`` from LibYAML's events so that every node keeps its mark; scalars keep their text untyped,
/// because what a scalar means (an expression, a money amount, a name) depends on where it stands.
struct YAMLNode: Sendable {
    enum Kind: Sendable {
        case scalar(String, quoted: Bool)
        case mapping([(key: YAMLNode, value: YAMLNode)])
        case sequence([YAMLNode])
        case null
    }

    var kind: Kind
    var location: SourceLocation
    /// Columns between the node's mark and its first content character (1 for a quoted scalar).
    var contentOffset: Int = 0
    /// True when the scalar spans several lines (block or folded): offsets within it are approximate.
    var multiline = false

    /// What kind of YAML this is, in words, for "expected a mapping, found a list".
    var kindName: String {
        switch kind {
        case .scalar: return "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .null: return "nothing"
        }
    }

    var scalar: String? {
        if case let .scalar(s, _) = kind { return s }
        return nil
    }

    /// The location of a span `offset` scalars into this scalar's content, `length` long.
    func location(atOffset offset: Int, length: Int) -> SourceLocation {
        if multiline { return location.advanced(by: contentOffset, length: 1) }
        return location.advanced(by: contentOffset + offset, length: length)
    }
}

