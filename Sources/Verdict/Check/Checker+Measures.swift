/// Checking of aggregate measures.
extension Checker {
    mutating func checkMeasures(_ measures: [MeasureSyntax]) {
        for m in measures {
            guard let kind = CheckedMeasure.Kind(rawValue: m.kind.text) else {
                diagnostics.error(.unknownMeasureKind, "unknown measure kind `\(m.kind.text)`", at: m.kind.location,
                                  help: Suggestions.help(for: m.kind.text, in: CheckedMeasure.Kind.allCases.map(\.rawValue), what: "kinds"))
                continue
            }
            guard let of = check(m.of, expected: kind == .mean ? nil : .bool) else { continue }
            if kind == .mean, of.type != .money, of.type != .integer {
                diagnostics.error(.typeMismatch, "a `mean` needs a `money` or `integer` value, but this is \(aTypeName(of.type))", at: m.of.wholeLocation)
                continue
            }
            if kind != .mean, of.type != .bool {
                diagnostics.error(.typeMismatch, "a `\(kind.rawValue)` counts cases where a condition holds, but this is \(aTypeName(of.type))", at: m.of.wholeLocation)
                continue
            }
            var by: Int?
            if let b = m.by {
                if let slot = fieldSlots[b.text], model.fields[slot].personal, !model.fields[slot].loggable {
                    diagnostics.error(.personalData, "measure `\(m.name.text)` groups by `\(b.text)`, which holds personal data: its values would be printed as group names",
                                      at: b.location, help: "group by another field, or mark `\(b.text)` `loggable: true` if its values may be shown")
                } else if let slot = fieldSlots[b.text] { by = slot; usedFields.insert(slot) } else {
                    diagnostics.error(.unknownName, "unknown field `\(b.text)` in `by`", at: b.location,
                                      help: Suggestions.help(for: b.text, in: Array(fieldSlots.keys), what: "fields"))
                }
            }
            var target: (CompareOp, Int64, Int64, String)?
            if let t = m.target {
                guard let text = t.scalar, let parsed = Self.target(text) else {
                    diagnostics.error(.invalidTarget, "expected a target like `>= 80%` or `< 10`, found `\(t.scalar ?? t.kindName)`", at: t.location)
                    continue
                }
                target = (parsed.0, parsed.1, parsed.2, text)
            }
            model.measures.append(CheckedMeasure(name: m.name.text, kind: kind, of: of.expr, ofType: of.type,
                                                  where: condition(m.where) ?? .always, target: target, by: by,
                                                  annotations: m.annotations, location: m.name.location))
        }
    }

    /// `>= 80%` → (.ge, 80, 100); `< 10` → (.lt, 10, 1); `> 0.8` → (.gt, 8, 10).
    static func target(_ text: String) -> (CompareOp, Int64, Int64)? {
        var t = Substring(text.trimmingCharacters(in: .whitespaces))
        var op: CompareOp?
        for candidate in [CompareOp.le, .ge, .eq, .ne, .lt, .gt] where t.hasPrefix(candidate.rawValue) {
            op = candidate
            t = t.dropFirst(candidate.rawValue.count)
            break
        }
        guard let op else { return nil }
        t = Substring(t.trimmingCharacters(in: .whitespaces))
        var denominator: Int64 = 1
        if t.hasSuffix("%") {
            denominator = 100
            t = t.dropLast()
        }
        let parts = t.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = Int64(parts[0]) else { return nil }
        var numerator = whole
        if parts.count == 2 {
            guard let frac = Int64(parts[1]), !parts[1].isEmpty else { return nil }
            for _ in 0..<parts[1].count { numerator *= 10; denominator *= 10 }
            numerator += frac
        }
        return (op, numerator, denominator)
    }
}
