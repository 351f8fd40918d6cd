/// A parsed condition or value expression, before names are resolved.
///
/// `start` and `end` are offsets in Unicode scalars within the expression text, so a diagnostic
/// can point at the exact token inside a YAML scalar.
struct ExprSyntax: Sendable {
    indirect enum Kind: Sendable {
        case name(String)
        /// A number exactly as written (`300`, `300.01`); its type comes from context.
        case number(String)
        case string(String)
        case duration(String)
        case bool(Bool)
        case not(ExprSyntax)
        case negate(ExprSyntax)
        case and(ExprSyntax, ExprSyntax)
        case or(ExprSyntax, ExprSyntax)
        case arith(ArithOp, ExprSyntax, ExprSyntax)
        case compare(CompareOp, ExprSyntax, ExprSyntax)
        /// `x in S` / `x not in S`, where S is a set name, a list, a range or a list-valued expression.
        case member(ExprSyntax, ExprSyntax, negated: Bool)
        /// `[a..b]`, `(a..b]`, ...: the brackets say which ends are included.
        case range(lower: ExprSyntax, lowerInclusive: Bool, upper: ExprSyntax, upperInclusive: Bool)
        case list([ExprSyntax])
        case call(String, [ExprSyntax])
    }

    var kind: Kind
    var start: Int
    var end: Int
    /// Levels of nesting: 1 for a name or literal; `a and b and c` is 3 (a chain nests to the left).
    let depth: Int

    init(kind: Kind, start: Int, end: Int) {
        self.kind = kind
        self.start = start
        self.end = end
        depth = 1 + (kind.children.map(\.depth).max() ?? 0)
    }
}

extension ExprSyntax.Kind {
    var children: [ExprSyntax] {
        switch self {
        case .name, .number, .string, .duration, .bool: return []
        case .not(let e), .negate(let e): return [e]
        case let .and(a, b), let .or(a, b), let .arith(_, a, b), let .compare(_, a, b), let .member(a, b, _): return [a, b]
        case let .range(lower, _, upper, _): return [lower, upper]
        case .list(let items), .call(_, let items): return items
        }
    }
}

enum CompareOp: String, Sendable, Hashable {
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="

    var negated: CompareOp {
        switch self {
        case .eq: return .ne
        case .ne: return .eq
        case .lt: return .ge
        case .le: return .gt
        case .gt: return .le
        case .ge: return .lt
        }
    }

    /// The same test with its operands swapped: `3 < x` is `x > 3`.
    var flipped: CompareOp {
        switch self {
        case .eq, .ne: return self
        case .lt: return .gt
        case .le: return .ge
        case .gt: return .lt
        case .ge: return .le
        }
    }
}

enum ArithOp: String, Sendable, Hashable {
    case add = "+", sub = "-"
}

/// An expression as it stands in a policy file: its text and where that text starts.
struct ExprSource: Sendable {
    var text: String
    var node: YAMLNode

    func location(_ start: Int, _ end: Int) -> SourceLocation {
        node.location(atOffset: start, length: max(1, end - start))
    }

    var wholeLocation: SourceLocation { location(0, text.unicodeScalars.count) }

    /// The text of a span, for explanations: `cost <= 300`.
    func slice(_ start: Int, _ end: Int) -> String {
        let scalars = Array(text.unicodeScalars)
        let s = max(0, min(start, scalars.count)), e = max(s, min(end, scalars.count))
        var out = ""
        out.unicodeScalars.append(contentsOf: scalars[s..<e])
        return out
    }
}
