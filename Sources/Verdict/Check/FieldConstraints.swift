/// The constraints a field declares beyond its type: `min`/`max` for integers, money, durations,
/// dates and timestamps; `min_length`/`max_length` for strings (in Unicode scalars, as JSON Schema
/// counts) and lists (in items); `pattern` for strings (see ``TextPattern``).
///
/// A case whose value breaks one is refused with a `constraint-violated` problem that names the field
/// and the bound; both case decoders check them the same way (``violation(_:field:_:)``), the case
/// JSON Schema states them, and the analyser reasons only over the values they allow.
struct FieldConstraints: Sendable, Hashable {
    var minimum: Value?
    var maximum: Value?
    var minLength: Int?
    var maxLength: Int?
    var pattern: TextPattern?

    var isEmpty: Bool { minimum == nil && maximum == nil && minLength == nil && maxLength == nil && pattern == nil }

    /// Whether a decoded value satisfies every constraint (an absent value does).
    @inline(__always)
    func accepts(_ v: Value) -> Bool {
        switch v {
        case .absent, .failure: return true
        case .string(let s):
            if minLength != nil || maxLength != nil {
                let n = s.unicodeScalars.count
                if let m = minLength, n < m { return false }
                if let m = maxLength, n > m { return false }
            }
            return pattern?.matches(s) ?? true
        case .list(let items):
            if let m = minLength, items.count < m { return false }
            if let m = maxLength, items.count > m { return false }
            return true
        default:
            if let m = minimum, let c = Value.compare(v, m), c < 0 { return false }
            if let m = maximum, let c = Value.compare(v, m), c > 0 { return false }
            return true
        }
    }

    /// The problem with a decoded value of `field`, or nil when it satisfies every constraint.
    func violation(_ v: Value, field: String, _ model: CheckedPolicy) -> CaseError.Problem? {
        if accepts(v) { return nil }
        func problem(_ message: String, help: String? = nil) -> CaseError.Problem {
            .init(field: field, code: .constraintViolated, message: message, help: help)
        }
        switch v {
        case .string(let s):
            let n = s.unicodeScalars.count
            if let m = minLength, n < m { return problem("has \(n) character\(n == 1 ? "" : "s"), fewer than its `min_length` \(m)") }
            if let m = maxLength, n > m { return problem("has \(n) characters, more than its `max_length` \(m)") }
            return problem("\(model.constraintText(v)) does not match its `pattern` `\(pattern?.source ?? "")`")
        case .list(let items):
            let n = items.count
            if let m = minLength, n < m { return problem("has \(n) item\(n == 1 ? "" : "s"), fewer than its `min_length` \(m)") }
            return problem("has \(n) items, more than its `max_length` \(maxLength ?? 0)")
        default:
            if let m = minimum, let c = Value.compare(v, m), c < 0 {
                return problem("\(model.constraintText(v)) is below its `min` \(model.constraintText(m))")
            }
            return problem("\(model.constraintText(v)) is above its `max` \(model.constraintText(maximum ?? v))")
        }
    }
}

extension CheckedPolicy {
    /// A value as a constraint message shows it: money with its decimals, times in the policy's zone.
    func constraintText(_ v: Value) -> String {
        switch v {
        case .int(let i): return String(i)
        case .money(let m): return Money.format(m, scale: moneyScale)
        case .time(let t): return Timestamp(millisecondsSinceEpoch: t).rfc3339(in: zone)
        case .date(let d): return CivilDate(daysSinceEpoch: Int(d)).description
        case .duration(let d): return ClockDuration(milliseconds: d).description
        case .string(let s): return "\"\(s)\""
        default: return "\(v)"
        }
    }
}
