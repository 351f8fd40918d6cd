/// Validates a case against the policy's schema and fills its field slots.
///
/// Every problem is collected: missing required fields, unknown fields (with a suggestion), wrong
/// JSON types, malformed timestamps, money with too many decimals, unknown enum members. A string
/// field's `normalize:` steps are applied here (as ``FastCaseDecoder`` does), before any rule reads it.
struct CaseDecoder {
    let policy: CompiledPolicy
    var problems: [CaseError.Problem] = []
    /// True while converting a personal field that is not loggable: its problems say what is wrong
    /// without quoting the value (a case error is printed, logged and returned to clients).
    private var hiding = false

    init(policy: CompiledPolicy) { self.policy = policy }

    /// Slots from a JSON object.
    mutating func decode(json: JSONValue) -> [Value]? {
        guard case .object(let members) = json else {
            problems.append(.init(field: nil, code: .wrongType, message: "a case must be a JSON object, found \(json.kindDescription)"))
            return nil
        }
        var slots = [Value](repeating: .absent, count: policy.model.fields.count)
        var given = [Bool](repeating: false, count: slots.count)
        for (key, value) in members {
            guard let slot = slot(for: key) else { continue }
            given[slot] = true
            if case .null = value { continue }
            let field = policy.model.fields[slot]
            hiding = field.personal && !field.loggable
            defer { hiding = false }
            if let v = convert(value, to: field.type, field: key) { slots[slot] = bounded(field.normalization.apply(v), field, slot: slot, given: v) }
        }
        return finish(slots, given: given)
    }

    /// Slots from typed Swift values.
    mutating func decode(values: [String: CaseValue]) -> [Value]? {
        var slots = [Value](repeating: .absent, count: policy.model.fields.count)
        var given = [Bool](repeating: false, count: slots.count)
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let slot = slot(for: key) else { continue }
            given[slot] = true
            if case .null = value { continue }
            let field = policy.model.fields[slot]
            hiding = field.personal && !field.loggable
            defer { hiding = false }
            if let v = convert(value, to: field.type, field: key) { slots[slot] = bounded(field.normalization.apply(v), field, slot: slot, given: v) }
        }
        return finish(slots, given: given)
    }

    /// The value, or absent with a problem when it breaks one of the field's bounds (the same check
    /// as ``FastCaseDecoder``'s).
    private mutating func bounded(_ v: Value, _ field: FieldInfo, slot: Int, given: Value) -> Value {
        var v = v
        if let known = field.known, case .string(let text) = v {
            // A known value by any of its names (河南, HENAN) decides as the value.
            if let value = known.value(for: text) {
                v = .string(value)
            } else if !known.othersAllowed {
                let shown = hiding ? Self.hidden : "`\(TextEscaping.escaped(text))`"
                problems.append(.init(field: field.name, code: .invalidValue,
                                      message: "\(shown) is not one of the known values of `\(field.name)`, and no other is allowed",
                                      help: hiding ? nil : Suggestions.help(for: text, in: known.values, what: "known values")))
                return .absent
            }
        }
        if let problem = lookAlike(v, given: given, field, slot: slot) {
            problems.append(problem)
            return .absent
        }
        if field.name == "id", case .string(let id) = v, let problem = Self.controlInID(id) {
            problems.append(problem)
            return .absent
        }
        if field.constraints.isEmpty { return v }
        guard var problem = field.constraints.violation(v, field: field.name, policy.model) else { return v }
        if hiding {
            problem.message = problem.message.replacingOccurrences(of: policy.model.constraintText(v), with: Self.hidden)
            problem.help = nil
        }
        problems.append(problem)
        return .absent
    }

    /// A problem when a string (or a string of a list) looks like a literal the policy compares the
    /// field with, without being it (``LookAlikes``): `Hеnan` with a Cyrillic `е` is not `henan`.
    private func lookAlike(_ v: Value, given: Value, _ field: FieldInfo, slot: Int) -> CaseError.Problem? {
        func strings(_ v: Value) -> [String] {
            switch v {
            case .string(let s): [s]
            case .list(let items): items.compactMap { if case .string(let s) = $0 { s } else { nil } }
            default: []
            }
        }
        for (text, raw) in zip(strings(v), strings(given)) {
            guard let literal = policy.lookAlikes.resembled(text, given: raw, slot: slot) else { continue }
            let shown = hiding ? Self.hidden : "`\(TextEscaping.escaped(text))`"
            return .init(field: field.name, code: .lookAlike,
                         message: "\(shown) looks like \"\(literal)\", which the policy compares `\(field.name)` with, but is not it: it holds \(LookAlikes.strangers(text, literal))",
                         help: "write \"\(literal)\" if that is meant; a look-alike character would silently skip the rules that name it")
        }
        return nil
    }

    private mutating func slot(for key: String) -> Int? {
        if let s = policy.fieldSlots[key] { return s }
        problems.append(.init(field: key, code: .unknownField, message: "unknown field `\(Suggestions.clip(key))`",
                              help: Suggestions.help(for: key, in: policy.fieldNames, what: "fields")))
        return nil
    }

    private mutating func finish(_ slots: [Value], given: [Bool]) -> [Value]? {
        var slots = slots
        for (i, f) in policy.model.fields.enumerated() where slots[i].isAbsent {
            if let d = f.defaultValue {
                slots[i] = d
            } else if !f.optional, !given[i] || problems.allSatisfy({ $0.field != f.name }) {
                problems.append(.init(field: f.name, code: .missingField,
                                      message: given[i] ? "required field is null" : "missing required field"))
            }
        }
        if problems.isEmpty {
            let fields = policy.model.fields
            for order in policy.model.fieldOrders {
                if let p = order.violation(slots, policy.model, hidden: { fields[$0].personal && !fields[$0].loggable }) { problems.append(p) }
            }
        }
        return problems.isEmpty ? slots : nil
    }

    /// A case id holding a control character (C0, DEL or C1, NUL included) is refused: an id is
    /// printed, logged and indexed as text, where such a character is cut, hidden or acted on.
    /// ``FastCaseDecoder`` leaves such an id to this decoder.
    static func controlInID(_ id: String) -> CaseError.Problem? {
        guard let (offset, scalar) = id.unicodeScalars.enumerated().first(where: { Self.isControl($0.element) }) else { return nil }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return .init(field: "id", code: .invalidValue,
                     message: "the case id holds a control character (\(code) at character \(offset + 1)): control characters are not allowed in ids",
                     help: "give an id of printable characters, such as \"Q-2026-0042\"")
    }

    /// C0 controls (NUL included), DEL and C1 controls.
    static func isControl(_ s: Unicode.Scalar) -> Bool { s.value < 0x20 || (0x7F...0x9F).contains(s.value) }

    /// The case's `id` as given, even when the rest of the case is invalid (for error lines).
    func caseID(_ json: JSONValue) -> String? {
        if case .string(let s)? = json["id"] { return s }
        if case .number(let n)? = json["id"] { return n }
        return nil
    }

    private mutating func wrong(_ field: String, _ expected: String, _ found: String) -> Value? {
        problems.append(.init(field: field, code: .wrongType, message: "expected \(expected), found \(found)"))
        return nil
    }

    /// A value that does not fit its field; `value` is the text the message quotes, replaced by a
    /// placeholder in a personal field's message.
    private mutating func invalid(_ field: String, _ message: String, value: String, help: String? = nil) -> Value? {
        let shown = hiding ? message.replacingOccurrences(of: "`\(value)`", with: Self.hidden) : message
        problems.append(.init(field: field, code: .invalidValue, message: shown, help: hiding ? nil : help))
        return nil
    }

    /// What a personal field's problem shows instead of its value.
    static let hidden = "the value (personal data, not shown)"

    /// An instant whose date in the policy's zone is within the years 0001–9999 (what `year(t)` and
    /// `date(t)` can give); any other is refused, quoting `text`.
    private mutating func timestamp(_ t: Timestamp, text: String, field: String) -> Value? {
        guard let date = t.dateOutsideYears(in: policy.model.zone) else { return .time(t.millisecondsSinceEpoch) }
        return invalid(field, Timestamp.outsideYears(text, date, zone: policy.model.zone), value: text)
    }

    private mutating func member(_ name: String, enum e: Int, field: String) -> Value? {
        let info = policy.model.enums[e]
        if let id = info.byName[name] { return .member(id) }
        return invalid(field, "`\(Suggestions.clip(name))` is not a member of `\(info.name)`", value: name,
                       help: Suggestions.help(for: name, in: info.members.map { policy.model.members[Int($0)].name }, what: "members"))
    }

    private mutating func convert(_ json: JSONValue, to type: ValueType, field: String) -> Value? {
        switch (type, json) {
        case (.bool, .bool(let b)): return .bool(b)
        case (.bool, _): return wrong(field, "true or false", json.kindDescription)
        case (.integer, .number(let n)):
            if let i = Int64(n) { return .int(i) }
            return invalid(field, WholeNumber.problem(n), value: n)
        case (.integer, _): return wrong(field, "a whole number", json.kindDescription)
        case (.money, .number(let n)), (.money, .string(let n)):
            do { return .money(try Money(parsing: n, scale: policy.model.moneyScale).minorUnits) } catch {
                return invalid(field, error.description, value: n, help: "give an exact amount in \(policy.model.currency), like \"300.00\"")
            }
        case (.money, _): return wrong(field, "an amount (a number or a string such as \"300.00\")", json.kindDescription)
        case (.string, .string(let s)): return .string(s)
        case (.string, _): return wrong(field, "a string", json.kindDescription)
        case (.timestamp, .string(let s)):
            do { return timestamp(try Timestamp(rfc3339: s), text: s, field: field) } catch { return invalid(field, error.description, value: s) }
        case (.timestamp, _): return wrong(field, "an RFC 3339 timestamp string", json.kindDescription)
        case (.date, .string(let s)):
            do { return .date(Int32(try CivilDate(iso: s).daysSinceEpoch)) } catch { return invalid(field, error.description, value: s) }
        case (.date, _): return wrong(field, "a date string (YYYY-MM-DD)", json.kindDescription)
        case (.duration, .string(let s)):
            do { return .duration(try ClockDuration(text: s).milliseconds) } catch { return invalid(field, error.description, value: s) }
        case (.duration, _): return wrong(field, "a duration string such as \"2h\"", json.kindDescription)
        case (.enumeration(let e), .string(let s)): return member(s, enum: e, field: field)
        case (.enumeration(let e), _): return wrong(field, "one of the members of `\(policy.model.enums[e].name)` as a string", json.kindDescription)
        case (.list(let element), .array(let items)):
            var out: [Value] = []
            for (i, item) in items.enumerated() {
                guard let v = convert(item, to: element, field: "\(field)[\(i)]") else { continue }
                out.append(v)
            }
            return out.count == items.count ? .list(out) : nil
        case (.list, _): return wrong(field, "an array", json.kindDescription)
        }
    }

    private mutating func convert(_ value: CaseValue, to type: ValueType, field: String) -> Value? {
        switch (type, value) {
        case (.bool, .bool(let b)): return .bool(b)
        case (.integer, .integer(let i)): return .int(i)
        case (.money, .money(let m)):
            guard m.scale <= policy.model.moneyScale else { return invalid(field, "`\(m)` has more than \(policy.model.moneyScale) decimal places", value: "\(m)") }
            var units = m.minorUnits
            for _ in m.scale..<policy.model.moneyScale {
                let (next, overflow) = units.multipliedReportingOverflow(by: 10)
                if overflow { return invalid(field, MoneyFormatError.outOfRange("\(m)", scale: policy.model.moneyScale).description, value: "\(m)") }
                units = next
            }
            return .money(units)
        case (.string, .string(let s)): return .string(s)
        case (.timestamp, .timestamp(let t)): return timestamp(t, text: t.description, field: field)
        case (.date, .date(let d)): return .date(Int32(d.daysSinceEpoch))
        case (.duration, .duration(let d)): return .duration(d.milliseconds)
        case (.enumeration(let e), .member(let s)), (.enumeration(let e), .string(let s)): return member(s, enum: e, field: field)
        case (.list(let element), .list(let items)):
            var out: [Value] = []
            for (i, item) in items.enumerated() {
                if let v = convert(item, to: element, field: "\(field)[\(i)]") { out.append(v) }
            }
            return out.count == items.count ? .list(out) : nil
        default:
            let expected = type == .money ? "an amount of type `money`, as `.money(try Money(parsing: \"300.00\"))`" : "a value of type `\(policy.typeName(type))`"
            return wrong(field, expected, hiding ? "a value of another type (personal data, not shown)" : value.shown)
        }
    }
}
