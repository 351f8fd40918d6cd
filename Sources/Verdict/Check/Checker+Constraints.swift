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
}
