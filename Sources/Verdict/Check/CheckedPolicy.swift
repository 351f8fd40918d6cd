/// The resolved parts of a policy set, as the checker builds them and the compiled policy keeps them.

/// Everything the checker resolved; the compiler orders it and seals it into a ``CompiledPolicy``.
struct CheckedPolicy: Sendable {
    var name: String
    var version: String
    var effective: CivilDate?
    var title: Localized
    /// Where the manifest and its `effective:` are written (for the checks across versions).
    var manifestLocation: SourceLocation? = nil
    var effectiveLocation: SourceLocation? = nil
    /// The slot of the `effective_by:` field, whose date picks the version (nil: the decision time).
    var effectiveBy: Int? = nil
    var effectiveByLocation: SourceLocation? = nil
    var annotations: Annotations
    var zone: Zone
    var currency: String
    var moneyScale: Int
    var fields: [FieldInfo] = []
    /// Orders between fields (a bound that names another field: `min: received_at`), checked when a case is decoded.
    var fieldOrders: [FieldOrder] = []
    var enums: [EnumInfo] = []
    var members: [MemberInfo] = []
    var sets: [SetInfo] = []
    var outputs: [OutputInfo] = []
    var decisions: [CheckedDecision] = []
    var spans: [SpanInfo] = []
    var calendars: [WorkingCalendar] = []
    /// Evaluated after every decision, in written order.
    var clocks: [CheckedClock] = []
    var parameters: [ParameterInfo] = []
    var measures: [CheckedMeasure] = []
}

struct FieldInfo: Sendable {
    var name: String
    var type: ValueType
    var optional: Bool
    /// Used when the case omits the field (then it is never absent).
    var defaultValue: Value?
    var loggable: Bool
    var annotations: Annotations
    var location: SourceLocation
    /// Personal data: never written into explanations unless also `loggable`.
    var personal: Bool = false
    /// Bounds on its values (`min: 0`), checked when a case is decoded.
    var constraints = FieldConstraints()
    /// Applied by the case decoders to a string (or list of strings) before any rule reads it.
    var normalization: StringNormalization = []
    /// The values the rules know, with their labels and aliases (a string field's `known:`).
    var known: KnownValues?
}

struct EnumInfo: Sendable {
    var name: String
    /// Global member ids, in declaration order.
    var members: [Int32]
    var byName: [String: Int32]
    var location: SourceLocation
}

struct MemberInfo: Sendable {
    var enumIndex: Int
    var name: String
    var label: Localized
    var location: SourceLocation
}

struct SetInfo: Sendable {
    var name: String
    var type: ValueType
    var members: [Value]
    var annotations: Annotations
    var location: SourceLocation
}

struct OutputInfo: Sendable {
    var name: String
    var type: ValueType
    /// Index of the producing decision in ``CheckedPolicy/decisions``; -1 for an SLA clock's output.
    var decision: Int
    var annotations: Annotations
    var location: SourceLocation
}

/// A sub-expression as written, for explanations: `cost <= 300` at approval.yaml:14:15.
struct SpanInfo: Sendable {
    var text: String
    var location: SourceLocation
    /// The fields and outputs it reads (filled in once the expression is built).
    var references: [Expr.Reference] = []
    /// The date functions written inside it (`month(reported_at)` in `month(reported_at) in [jun, jul]`),
    /// as span ids: an explanation shows the value each computed.
    var computed: [Int] = []
}

struct ParameterInfo: Sendable {
    var name: String
    var type: ValueType
    var value: Value
    var annotations: Annotations
    var location: SourceLocation
}

extension CheckedPolicy {
    /// A type as policy authors write it: `money`, `problem_kind`, `list<role>`.
    func typeName(_ t: ValueType) -> String {
        switch t {
        case .bool: return "bool"
        case .integer: return "integer"
        case .money: return "money"
        case .string: return "string"
        case .timestamp: return "timestamp"
        case .date: return "date"
        case .duration: return "duration"
        case .enumeration(let e): return enums[e].name
        case .list(let inner): return "list<\(typeName(inner))>"
        }
    }
}

extension CompiledPolicy {
    func typeName(_ t: ValueType) -> String { model.typeName(t) }
}
