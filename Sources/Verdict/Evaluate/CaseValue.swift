/// A case field's value given from Swift, for ``CompiledPolicy/decide(_:explain:now:)-([String:CaseValue],_,_)``.
public enum CaseValue: Sendable, Hashable {
    case string(String)
    case bool(Bool)
    case integer(Int64)
    case money(Money)
    case timestamp(Timestamp)
    case date(CivilDate)
    case duration(ClockDuration)
    /// An enum member or role, by name.
    case member(String)
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
