/// An aggregate over many decided cases, optionally grouped and held to a target.
struct CheckedMeasure: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        /// The share of cases (among those `where` selects) for which `of` holds, as a percentage.
        case share
        /// The mean of `of` (money or integer) over the cases `where` selects.
        case mean
        /// Cases for which `of` holds, per million cases `where` selects.
        case perMillion = "per_million"
        /// How many cases (among those `where` selects) `of` holds for.
        case count
    }
    var name: String
    var kind: Kind
    var of: Expr
    var ofType: ValueType
    var `where`: Condition
    /// Comparison and bound, exact: `>= 80%` is (.ge, 80, 100).
    var target: (op: CompareOp, numerator: Int64, denominator: Int64, text: String)?
    var by: Int?
    var annotations: Annotations
    var location: SourceLocation
}
