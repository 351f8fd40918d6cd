/// A decided output, typed for Swift callers.
public enum OutputValue: Sendable, Hashable, CustomStringConvertible {
    /// A `bool` output: `true` or `false`.
    case bool(Bool)
    /// An `integer` output, a signed 64-bit whole number.
    case integer(Int64)
    /// A `money` output, exact in minor units with its currency's scale (`300.00` is 30000 at scale 2).
    case money(Money)
    /// A `string` output, as written by the rule or read from the case.
    case string(String)
    /// A `timestamp` output: an instant in epoch milliseconds, printed in RFC 3339 (UTC).
    case timestamp(Timestamp)
    /// A `date` output: a calendar day (`2026-03-31`), without a time or zone.
    case date(CivilDate)
    /// A `duration` output, in milliseconds (`2h30m`).
    case duration(ClockDuration)
    /// An enum member or role, by name.
    case member(String)
    /// A `list` output, its items in the order the policy gave them.
    case list([OutputValue])

    /// Plain text: `3`, `300.00`, `branch_manager`, `[handler, finance_supervisor]`.
    public var description: String {
        switch self {
        case .bool(let b): return String(b)
        case .integer(let i): return String(i)
        case .money(let m): return m.description
        case .string(let s): return s
        case .timestamp(let t): return t.description
        case .date(let d): return d.description
        case .duration(let d): return d.description
        case .member(let m): return m
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        }
    }
}

extension CompiledPolicy {
    /// The public form of a runtime value.
    func outputValue(_ v: Value) -> OutputValue? {
        switch v {
        case .absent, .failure: return nil
        case .bool(let b): return .bool(b)
        case .int(let i): return .integer(i)
        case .money(let m): return .money(Money(minorUnits: m, scale: model.moneyScale))
        case .string(let s): return .string(s)
        case .time(let t): return .timestamp(Timestamp(millisecondsSinceEpoch: t))
        case .date(let d): return .date(CivilDate(daysSinceEpoch: Int(d)))
        case .duration(let d): return .duration(ClockDuration(milliseconds: d))
        case .member(let id): return .member(model.members[Int(id)].name)
        case .list(let items): return .list(items.compactMap(outputValue))
        }
    }

    /// Writes a value in the decision JSON shape: integers and booleans as JSON values, money as a
    /// decimal string, timestamps as RFC 3339 in the policy's zone, members by name, lists as arrays.
    func write(_ v: Value, to w: inout JSONWriter) {
        switch v {
        case .absent, .failure: w.null()
        case .bool(let b): w.bool(b)
        case .int(let i): w.number(i)
        case .money(let m): w.money(m, scale: model.moneyScale)
        case .string(let s): w.string(s)
        case .time(let t): w.timestamp(Timestamp(millisecondsSinceEpoch: t), in: model.zone)
        case .date(let d): w.string(CivilDate(daysSinceEpoch: Int(d)).description)
        case .duration(let d): w.string(ClockDuration(milliseconds: d).description)
        case .member(let id): w.value(serialised: memberJSON[Int(id)])
        case .list(let items): w.array { w in for item in items { write(item, to: &w) } }
        }
    }

    /// A value as people read it; members carry their label in the given language: `pig_hair (猪毛)`;
    /// in Chinese a boolean is `是`/`否` and a duration is in Chinese units.
    func display(_ v: Value, _ language: Language?) -> String {
        switch v {
        case .absent: return language == .zh ? "(无)" : "(absent)"
        case .failure(let f): return "(\(f))"
        case .money(let m): return Money.format(m, scale: model.moneyScale)
        case .time(let t): return Timestamp(millisecondsSinceEpoch: t).rfc3339(in: model.zone)
        case .string(let s): return "\"\(TextEscaping.escaped(s))\""  // text output: a case string cannot drive the terminal
        case .member(let id):
            let m = model.members[Int(id)]
            if let language, let label = m.label.text(language), label != m.name { return "\(m.name) (\(label))" }
            return m.name
        case .list(let items): return "[" + items.map { display($0, language) }.joined(separator: ", ") + "]"
        // In Chinese text, yes/no and durations in Chinese units (`是`, `2天12小时`); JSON and English keep `true`, `2d12h`.
        case .bool(let b) where language == .zh: return b ? "是" : "否"
        case .duration(let ms) where language == .zh: return ClockDuration(milliseconds: ms).text(.zh)
        default: return outputValue(v)?.description ?? ""
        }
    }
}
