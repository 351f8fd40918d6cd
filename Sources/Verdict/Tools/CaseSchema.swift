/// The JSON Schema (draft 2020-12) of a policy set's case input, generated from its `fields`.
///
/// ```swift
/// let policy = try CompiledPolicy.load(directory: "policies/quality-complaints")
/// print(CaseSchema.json(for: policy))
/// ```
/// Callers in any language can validate a case before they send it. The schema says what the case
/// decoder accepts: a JSON object with only the declared fields (`additionalProperties: false`);
/// required fields (neither `optional` nor with a `default`) in `required`; `null` allowed where a
/// field may be left out; enums as `oneOf` of `const` members with their labels (`title` in English,
/// `x-label` with every language given); money as a decimal string (at most the currency's decimals)
/// or a JSON number; timestamps as RFC 3339 `date-time`, dates as `date`, durations as `1h`, `2d`,
/// `1d12h` or ISO 8601 (`PT1H`). A field's bounds become `minimum`/`maximum` (integers, and money given
/// as a number), `minLength`/`maxLength`/`pattern` (strings; the pattern anchored, as Verdict matches
/// the whole text), `minItems`/`maxItems` (lists), and `x-minimum`/`x-maximum` in the value's own
/// notation for money, durations, dates and timestamps. A bound naming another field (an order between
/// fields, `min: received_at`) is `x-minimum-field`/`x-maximum-field` with that field's name. The checks the schema cannot express (money with too many decimals
/// given as a JSON number, an integer beyond 64 bits) are still reported by `decide` as case errors.
public enum CaseSchema {
    /// The JSON Schema dialect this generator writes.
    public static let dialect = "https://json-schema.org/draft/2020-12/schema"

    /// The schema as compact JSON text.
    public static func json(for policy: CompiledPolicy) -> String {
        var w = JSONWriter()
        write(policy, to: &w)
        return w.output
    }

    /// Writes the schema object.
    package static func write(_ policy: CompiledPolicy, to w: inout JSONWriter) {
        let model = policy.model
        let id = policy.identity
        w.object { w in
            w.field("$schema", dialect)
            w.field("$id", "urn:verdict:policy:\(id.name):\(id.version):case")
            w.field("title", "Case for \(id.name) \(id.version)" + (id.title.en.map { " — \($0)" } ?? ""))
            w.field("description", "A case as `POST /v1/policies/\(id.name)/decide` and `verdict decide --policies` take it: a JSON object whose members are the policy's fields.")
            w.key("x-verdict-policy")
            w.object { w in
                w.field("name", id.name)
                w.field("version", id.version)
                if let e = id.effective { w.field("effective", e.description) }
                w.field("digest", id.digest)
            }
            w.field("type", "object")
            w.key("properties")
            w.object { w in
                for field in model.fields {
                    w.key(field.name)
                    writeField(field, policy, to: &w)
                }
            }
            w.key("required")
            w.array { w in
                for field in model.fields where !field.optional && field.defaultValue == nil { w.string(field.name) }
            }
            w.field("additionalProperties", false)
        }
    }

    private static func writeField(_ field: FieldInfo, _ policy: CompiledPolicy, to w: inout JSONWriter) {
        let nullable = field.optional || field.defaultValue != nil
        w.object { w in
            let label = field.annotations.label
            if let title = label.en ?? label.zh { w.field("title", title) }
            if let note = field.annotations.note.en ?? field.annotations.note.zh { w.field("description", note) }
            if !label.isEmpty { writeLabel(label, to: &w) }
            if let d = field.defaultValue {
                w.key("default")
                policy.write(d, to: &w)
            }
            if field.personal { w.field("x-personal", true) }
            // An order between two fields (`min: received_at`), which JSON Schema cannot state: the
            // other field's name; the decoder refuses a case out of order (`field-order`).
            let slot = policy.model.fields.firstIndex { $0.name == field.name }
            for o in policy.model.fieldOrders where o.declaredBy == slot {
                w.field(o.key == "min" ? "x-minimum-field" : "x-maximum-field", policy.model.fields[o.named].name)
            }
            if !field.normalization.isEmpty {
                // The decoder normalises before it checks bounds: a client validating raw input should too.
                w.key("x-normalize")
                w.array { w in for step in StringNormalization.steps where field.normalization.contains(step.step) { w.string(step.name) } }
            }
            if let known = field.known {
                // The values the rules know, and every name a case may give them by.
                w.key("examples")
                w.array { w in for v in known.values { w.string(v) } }
                w.key("x-known")
                w.object { w in
                    for v in known.values {
                        w.key(v)
                        w.array { w in for (text, value) in known.byText.sorted(by: { $0.key < $1.key }) where value == v && text != v { w.string(text) } }
                    }
                }
                if !known.othersAllowed {
                    w.key("x-others")
                    w.string("refused")
                }
            }
            if nullable {
                // Leaving the field out and giving `null` mean the same to the decoder.
                w.key("anyOf")
                w.array { w in
                    w.object { w in writeType(field.type, policy, to: &w, constraints: field.constraints) }
                    w.object { w in w.field("type", "null") }
                }
            } else {
                writeType(field.type, policy, to: &w, describe: field.annotations.note.isEmpty, constraints: field.constraints)
            }
        }
    }

    /// The keywords of one type, written into the enclosing object.
    private static func writeType(_ type: ValueType, _ policy: CompiledPolicy, to w: inout JSONWriter, describe: Bool = true,
                                  constraints c: FieldConstraints = FieldConstraints()) {
        let model = policy.model
        // Bounds JSON Schema cannot state on a string (money as text, times, durations) are given as
        // `x-minimum`/`x-maximum` in the value's own notation; the decoder checks them all.
        if let m = c.minimum, type != .integer { w.field("x-minimum", model.constraintText(m)) }
        if let m = c.maximum, type != .integer { w.field("x-maximum", model.constraintText(m)) }
        if let n = c.minLength { w.field(type == .string ? "minLength" : "minItems", n) }
        if let n = c.maxLength { w.field(type == .string ? "maxLength" : "maxItems", n) }
        if let p = c.pattern { w.field("pattern", p.schemaPattern) }
        switch type {
        case .bool:
            w.field("type", "boolean")
        case .integer:
            w.field("type", "integer")
            w.key("minimum"); w.number(c.minimum.flatMap(Analyzer.integer) ?? Int64.min)
            w.key("maximum"); w.number(c.maximum.flatMap(Analyzer.integer) ?? Int64.max)
        case .string:
            w.field("type", "string")
        case .money:
            let scale = model.moneyScale
            if describe { w.field("description", "an exact amount in \(model.currency) with at most \(scale) decimal\(scale == 1 ? "" : "s"), as a string such as \"300.00\" or a JSON number") }
            w.key("anyOf")
            w.array { w in
                w.object { w in
                    w.field("type", "string")
                    w.field("pattern", scale > 0 ? "^[+-]?[0-9]+(\\.[0-9]{1,\(scale)})?$" : "^[+-]?[0-9]+$")
                }
                w.object { w in
                    w.field("type", "number")
                    if let m = c.minimum { w.key("minimum"); w.value(serialised: Array(model.constraintText(m).utf8)) }
                    if let m = c.maximum { w.key("maximum"); w.value(serialised: Array(model.constraintText(m).utf8)) }
                }
            }
        case .timestamp:
            w.field("type", "string")
            w.field("format", "date-time")
            if describe { w.field("description", "an RFC 3339 timestamp with an offset, such as \"2026-03-02T09:15:00+08:00\"") }
        case .date:
            w.field("type", "string")
            w.field("format", "date")
            w.field("pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
        case .duration:
            w.field("type", "string")
            w.field("pattern", "^-?(([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?|P([0-9]+W)?([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+S)?)?)$")
            if describe { w.field("description", "a duration such as \"1h\", \"2d\", \"1d12h\" or ISO 8601 \"PT1H\"") }
        case .enumeration(let e):
            let info = model.enums[e]
            w.field("type", "string")
            w.field("x-enum", info.name)
            w.key("oneOf")
            w.array { w in
                for id in info.members {
                    let member = model.members[Int(id)]
                    w.object { w in
                        w.field("const", member.name)
                        if let title = member.label.en ?? member.label.zh { w.field("title", title) }
                        if !member.label.isEmpty { writeLabel(member.label, to: &w) }
                    }
                }
            }
        case .list(let element):
            w.field("type", "array")
            w.key("items")
            w.object { w in writeType(element, policy, to: &w) }
        }
    }

    private static func writeLabel(_ label: Localized, to w: inout JSONWriter) {
        w.key("x-label")
        w.object { w in
            if let en = label.en { w.field("en", en) }
            if let zh = label.zh { w.field("zh", zh) }
        }
    }
}
