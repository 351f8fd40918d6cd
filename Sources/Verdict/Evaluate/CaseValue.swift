/// A case field's value given from Swift, for ``CompiledPolicy/decide(_:explain:now:)-([String:CaseValue],_,_)``.
public enum CaseValue: Sendable, Hashable {
    /// A value for a `string` field.
    case string(String)
    /// A value for a `bool` field.
    case bool(Bool)
    /// A value for an `integer` field, a signed 64-bit whole number.
    case integer(Int64)
    /// A value for a `money` field, exact in minor units; its scale must be the field currency's.
    case money(Money)
    /// A value for a `timestamp` field: an instant in epoch milliseconds.
    case timestamp(Timestamp)
    /// A value for a `date` field: a calendar day, without a time or zone.
    case date(CivilDate)
    /// A value for a `duration` field, in milliseconds.
    case duration(ClockDuration)
    /// An enum member or role, by name.
    case member(String)
    /// A value for a `list` field, each item of the list's element type.
    case list([CaseValue])
    /// Same as leaving the field out.
    case null
}

extension CaseValue {
    /// The value in words, for a message: `the string "1200.00"`, `the integer 5`, `a list of 2 values`.
    var shown: String {
        switch self {
        case .string(let s): "the string \"\(TextEscaping.escaped(s))\""
        case .bool(let b): "the boolean \(b)"
        case .integer(let i): "the integer \(i)"
        case .money(let m): "the amount \(m)"
        case .timestamp(let t): "the timestamp \(t)"
        case .date(let d): "the date \(d)"
        case .duration(let d): "the duration \(d)"
        case .member(let m): "the member `\(TextEscaping.escaped(m))`"
        case .list(let items): "a list of \(items.count) value\(items.count == 1 ? "" : "s")"
        case .null: "null"
        }
    }
}
