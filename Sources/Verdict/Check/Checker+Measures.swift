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
                guard let text = t.scalar else {
                    diagnostics.error(.invalidTarget, "expected a target like `>= 80%` or `< 10`, found \(t.kindName)", at: t.location)
                    continue
                }
                let parsed: (CompareOp, Int64, Int64)
                switch Self.parseTarget(text) {
                case .success(let p): parsed = p
                case .failure(let problem):
                    diagnostics.error(.invalidTarget, problem.message(TextEscaping.escaped(Suggestions.clip(text))), at: t.location, help: problem.help)
                    continue
                }
                if kind != .mean, parsed.1 < 0 {
                    diagnostics.warning(.invalidTarget, "measure `\(m.name.text)` counts cases, so its value is never below 0: the target `\(TextEscaping.escaped(text))` is always \([.gt, .ge, .ne].contains(parsed.0) ? "met" : "missed")",
                                        at: t.location, help: "a \(kind.rawValue) is at least 0; did you mean `\(parsed.0.rawValue) \(text.drop { $0 != "-" }.dropFirst())`?")
                } else if kind == .share, parsed.1 > parsed.2 {
                    diagnostics.warning(.invalidTarget, "measure `\(m.name.text)` is a share, never above 100%: the target `\(TextEscaping.escaped(text))` is always \([.lt, .le, .ne].contains(parsed.0) ? "met" : "missed")",
                                        at: t.location, help: "write a share between 0% and 100%")
                }
                target = (parsed.0, parsed.1, parsed.2, text)
            }
            model.measures.append(CheckedMeasure(name: m.name.text, kind: kind, of: of.expr, ofType: of.type,
                                                  where: condition(m.where) ?? .always, target: target, by: by,
                                                  annotations: m.annotations, location: m.name.location))
        }
    }

    /// Why a measure's target could not be read.
    enum TargetProblem: Error, Equatable {
        case notATarget, tooPrecise, tooLarge

        func message(_ text: String) -> String {
            switch self {
            case .notATarget: "expected a target like `>= 80%` or `< 10`, found `\(text)`"
            case .tooPrecise: "the target `\(text)` has more than \(Checker.maxTargetDecimals) decimals"
            case .tooLarge: "the target `\(text)` is too large: a target is at most \(Checker.maxTargetWhole) in magnitude"
            }
        }

        var help: String? {
            switch self {
            case .notATarget: "an operator (`<`, `<=`, `>`, `>=`, `==`, `!=`), then a number, with `%` for a share"
            case .tooPrecise: "round the target to \(Checker.maxTargetDecimals) decimals"
            case .tooLarge: nil
            }
        }
    }

    /// The most decimals a target may have: numerator and denominator then stay far inside `Int64`,
    /// and a report compares them with any tally without overflow.
    static let maxTargetDecimals = 9
    /// The largest whole part a target may have (a trillion).
    static let maxTargetWhole: Int64 = 1_000_000_000_000

    /// `>= 80%` → (.ge, 80, 100); `< 10` → (.lt, 10, 1); `> 0.8` → (.gt, 8, 10); `> -0.5` → (.gt, -5, 10).
    static func target(_ text: String) -> (CompareOp, Int64, Int64)? {
        try? parseTarget(text).get()
    }

    /// Reads a target exactly, or says why it cannot: digits only, bounded in size and precision, so no
    /// arithmetic on it can overflow.
    static func parseTarget(_ text: String) -> Result<(CompareOp, Int64, Int64), TargetProblem> {
        var t = Substring(text.trimmingCharacters(in: .whitespaces))
        var op: CompareOp?
        for candidate in [CompareOp.le, .ge, .eq, .ne, .lt, .gt] where t.hasPrefix(candidate.rawValue) {
            op = candidate
            t = t.dropFirst(candidate.rawValue.count)
            break
        }
        guard let op else { return .failure(.notATarget) }
        t = Substring(t.trimmingCharacters(in: .whitespaces))
        var denominator: Int64 = 1
        if t.hasSuffix("%") {
            denominator = 100
            t = t.dropLast()
        }
        let negative = t.hasPrefix("-")
        if negative { t = t.dropFirst() }
        let parts = t.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        func digits(_ s: Substring) -> Bool { !s.isEmpty && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        guard digits(parts[0]), parts.count == 1 || digits(parts[1]) else { return .failure(.notATarget) }
        let wholeDigits = parts[0].drop { $0 == "0" }
        guard wholeDigits.count <= 13, let whole = Int64(parts[0]), whole <= maxTargetWhole else { return .failure(.tooLarge) }
        var numerator = whole
        if parts.count == 2 {
            let fraction = parts[1]
            guard fraction.count <= maxTargetDecimals, let frac = Int64(fraction) else { return .failure(.tooPrecise) }
            for _ in 0..<fraction.count { numerator *= 10; denominator *= 10 }
            numerator += frac
        }
        return .success((op, negative ? -numerator : numerator, denominator))
    }
}
