/// Checking of a field's bounds: each applies to the types it can bound, is a value of the field's
/// type (or a count), and the bounds and the default agree.
extension Checker {
    mutating func fieldConstraints(_ f: FieldSyntax, _ type: ValueType, defaultValue: Value?) -> FieldConstraints {
        let c = f.constraints
        let name = f.name.text
        var out = FieldConstraints()
        let bounded: Set<ValueType> = [.integer, .money, .duration, .date, .timestamp]
        for (key, node) in [("min", c.min), ("max", c.max)] {
            guard let node else { continue }
            if let text = node.scalar, Self.isFieldName(text) {
                // Another field as the bound: an order between two fields, resolved once all are declared.
                pendingFieldOrders.append((name, key, node))
                continue
            }
            guard bounded.contains(type) else {
                diagnostics.error(.invalidConstraint, "`\(key)` bounds integers, money, durations, dates and timestamps, not the `\(typeName(type))` field `\(name)`",
                                  at: node.location, help: type == .string || type.element != nil ? "bound its length with `\(key)_length`" : nil)
                continue
            }
            guard let v = literal(node, as: type) else { continue }
            if key == "min" { out.minimum = v } else { out.maximum = v }
        }
        for (key, node) in [("min_length", c.minLength), ("max_length", c.maxLength)] {
            guard let node else { continue }
            guard type == .string || type.element != nil else {
                diagnostics.error(.invalidConstraint, "`\(key)` bounds the length of strings and lists, not of the `\(typeName(type))` field `\(name)`",
                                  at: node.location, help: bounded.contains(type) ? "bound its value with `\(key == "min_length" ? "min" : "max")`" : nil)
                continue
            }
            guard let text = node.scalar, let n = Int(text), n >= 0 else {
                diagnostics.error(.invalidConstraint, "`\(key)` is a whole number of \(type == .string ? "characters" : "items"), at least 0", at: node.location)
                continue
            }
            if key == "min_length" { out.minLength = n } else { out.maxLength = n }
        }
        if let node = c.pattern {
            if type != .string {
                diagnostics.error(.invalidConstraint, "`pattern` applies to strings, not to the `\(typeName(type))` field `\(name)`", at: node.location)
            } else if let text = node.scalar {
                do { out.pattern = try TextPattern(text) } catch {
                    diagnostics.error(.invalidConstraint, error.message, at: node.location,
                                      help: "patterns use a linear-time subset of regular expressions: see `pattern` in the language reference")
                }
            } else {
                diagnostics.error(.wrongNodeKind, "expected a pattern in quotes, found \(node.kindName)", at: node.location)
            }
        }
        if let lo = out.minimum, let hi = out.maximum, let order = Value.compare(lo, hi), order > 0 {
            diagnostics.error(.invalidConstraint, "field `\(name)` has `min` \(model.constraintText(lo)) above its `max` \(model.constraintText(hi))", at: c.max!.location)
        }
        if let lo = out.minLength, let hi = out.maxLength, lo > hi {
            diagnostics.error(.invalidConstraint, "field `\(name)` has `min_length` \(lo) above its `max_length` \(hi)", at: c.maxLength!.location)
        }
        if let d = defaultValue, let problem = out.violation(d, field: name, model), let node = f.defaultValue {
            diagnostics.error(.invalidConstraint, "the default of `\(name)` breaks its bounds: \(problem.message.hasPrefix("has ") ? "it " : "")\(problem.message)", at: node.location)
        }
        return out
    }

    /// Whether a bound is written as a name (`received_at`) rather than a value: no literal of a
    /// bounded type (a number, an amount, a duration, a date or a timestamp) starts with a letter.
    static func isFieldName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.properties.isAlphabetic && first.isASCII) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// Each bound that names a field becomes a ``FieldOrder``: the field must be declared, not be the
    /// field itself, and be of the same type, one that has an order (an integer, money, a duration,
    /// a date or a timestamp).
    mutating func resolveFieldOrders() {
        let ordered: Set<ValueType> = [.integer, .money, .duration, .date, .timestamp]
        for (name, key, node) in pendingFieldOrders {
            guard let slot = fieldSlots[name] else { continue }
            let other = node.scalar ?? ""
            let type = model.fields[slot].type
            guard ordered.contains(type) else {
                diagnostics.error(.invalidConstraint, "`\(key)` orders integers, money, durations, dates and timestamps, not the `\(typeName(type))` field `\(name)`", at: node.location)
                continue
            }
            guard let otherSlot = fieldSlots[other] else {
                if refusedNames.contains(other) { continue }
                diagnostics.error(.unknownName, "`\(key)` of field `\(name)` names `\(other)`, which is not a field", at: node.location,
                                  help: Suggestions.help(for: other, in: model.fields.map(\.name), what: "fields")
                                      ?? "a bound is a value of the field's type (`\(key): 0`), or the name of another field of the same type")
                continue
            }
            guard otherSlot != slot else {
                diagnostics.error(.invalidConstraint, "`\(key)` of field `\(name)` names the field itself", at: node.location)
                continue
            }
            let otherType = model.fields[otherSlot].type
            guard otherType == type else {
                diagnostics.error(.typeMismatch, "`\(key): \(other)` compares the `\(typeName(type))` field `\(name)` with the `\(typeName(otherType))` field `\(other)`: they cannot be ordered",
                                  at: node.location, help: "a field can only be bounded by another field of the same type")
                continue
            }
            usedFields.insert(otherSlot)
            let (lower, upper) = key == "min" ? (otherSlot, slot) : (slot, otherSlot)
            model.fieldOrders.append(FieldOrder(lower: lower, upper: upper, declaredBy: slot, key: key))
        }
        pendingFieldOrders = []
    }
}
