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
