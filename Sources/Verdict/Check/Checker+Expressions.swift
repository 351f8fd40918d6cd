/// Type checking of expressions: bidirectional, so literals take their type from what they meet
/// (`cost <= 300` reads 300 as money; `problem == fly` reads `fly` as a member of the field's enum).
extension Checker {
    struct Typed {
        var expr: Expr
        var type: ValueType
    }

    /// Parses and checks an expression written in the policy.
    mutating func check(_ source: ExprSource, expected: ValueType?) -> Typed? {
        let syntax: ExprSyntax
        do {
            syntax = try ExprParser.parse(source.text)
        } catch {
            diagnostics.error(.expressionSyntax, error.message, at: source.location(error.start, error.end), help: error.help)
            return nil
        }
        guard let typed = check(syntax, in: source, expected: expected) else {
            markFieldsRead(syntax)
            return nil
        }
        return typed
    }

    /// Counts the fields an expression in error names as read, so a mistake in a rule or override
    /// does not also bring a false "declared but no rule reads it" warning for a field it reads.
    mutating func markFieldsRead(_ sources: [ExprSource]) {
        for source in sources {
            if let syntax = try? ExprParser.parse(source.text) { markFieldsRead(syntax) }
        }
    }

    private mutating func markFieldsRead(_ syntax: ExprSyntax) {
        if case .name(let n) = syntax.kind, let slot = fieldSlots[n] { usedFields.insert(slot) }
        for child in syntax.kind.children { markFieldsRead(child) }
    }

    /// Checks a condition: the expression must be a `bool`.
    mutating func condition(_ sources: [ExprSource]) -> Condition? {
        if sources.isEmpty { return .always }
        var parts: [Expr] = []
        var ok = true
        for s in sources {
            guard let t = check(s, expected: .bool) else { ok = false; continue }
            guard t.type == .bool else {
                diagnostics.error(.typeMismatch, "a condition must be true or false, but this is \(aTypeName(t.type))", at: s.wholeLocation)
                ok = false
                continue
            }
            parts.append(t.expr)
        }
        guard ok else { return nil }
        return Condition(parts.count == 1 ? parts[0] : .and(parts))
    }

    mutating func span(_ s: ExprSyntax, _ src: ExprSource, _ e: Expr) -> Expr {
        model.spans.append(SpanInfo(text: src.slice(s.start, s.end), location: src.location(s.start, s.end), references: e.references,
                                    computed: e.computedSpans))
        return .span(model.spans.count - 1, e)
    }

    /// A usage help's argument: the one written at `index` when it is a name, else the policy's first
    /// field of one of `types` (`TIMESTAMP` when it has none), so a help names the policy's own fields.
    func argument(_ args: [ExprSyntax], _ index: Int, _ types: [ValueType]) -> String {
        if index < args.count, case .name(let n) = args[index].kind { return n }
        let fields = model.fields.filter { types.contains($0.type) }.map(\.name)
        return fields.first ?? (types.first.map { typeName($0).uppercased() } ?? "VALUE")
    }

    /// The first of `names` in declaration order, or `placeholder`.
    func declaredField(among names: [String], or placeholder: String) -> String {
        names.compactMap { n in fieldSlots[n].map { (n, $0) } }.min { $0.1 < $1.1 }?.0 ?? placeholder
    }

    /// The policy's first calendar, for a usage help (`CALENDAR` when it declares none).
    func declaredCalendar() -> String {
        calendarByName.min { $0.value < $1.value }?.key ?? "CALENDAR"
    }

    /// `month(t) in [6, 7, 8]`: months and weekdays are written by name, so the numbers are shown as
    /// the names they stand for (`jun, jul, aug`; weekdays from 1, Monday, to 7, Sunday).
    func dateNames(_ type: ValueType, _ numbers: [ExprSyntax], _ src: ExprSource) -> String? {
        guard case .enumeration(let e) = type,
              let part = builtinEnums.first(where: { $0.value == e })?.key, let names = part.memberNames else { return nil }
        var shown: [String] = []
        for n in numbers {
            guard case .number(let text) = n.kind, let i = Int(text) else { return nil }
            guard (1...names.count).contains(i) else {
                return "\(part == .month ? "months" : "weekdays") are written by name: \(names.map(\.name).joined(separator: ", "))"
            }
            shown.append(names[i - 1].name)
        }
        guard !shown.isEmpty else { return nil }
        return "\(part == .month ? "months" : "weekdays") are written by name: write `\(shown.joined(separator: ", "))`"
    }

    mutating func error(_ code: DiagnosticCode, _ message: String, _ s: ExprSyntax, _ src: ExprSource, help: String? = nil) -> Typed? {
        diagnostics.error(code, message, at: src.location(s.start, s.end), help: help)
        return nil
    }

    /// Whether a node takes its type from the other side: literals and names that are not fields or outputs.
    private func isContextual(_ s: ExprSyntax) -> Bool {
        switch s.kind {
        case .number, .string, .list: return true
        case .name(let n): return fieldSlots[n] == nil && outputSlots[n] == nil && parameterByName[n] == nil
        case .negate(let inner): return isContextual(inner)
        default: return false
        }
    }

    mutating func check(_ s: ExprSyntax, in src: ExprSource, expected: ValueType?) -> Typed? {
        switch s.kind {
        case .bool(let b):
            return Typed(expr: .constant(.bool(b)), type: .bool)
        case .number(let text):
            switch expected {
            case .money?:
                guard let v = literal(text, as: .money, at: src.location(s.start, s.end)) else { return nil }
                return Typed(expr: .constant(v), type: .money)
            case .duration?:
                return error(.typeMismatch, "a duration needs a unit", s, src, help: "write `\(text)h`, `\(text)d` or `\(text)m`")
            case .integer? where Int64(text) == nil && WholeNumber.isWritten(text):
                // A whole number beyond 64 bits met by an integer: its range, not money's, is the problem.
                return error(.invalidLiteral, WholeNumber.problem(text), s, src)
            default:
                if let i = Int64(text) { return Typed(expr: .constant(.int(i)), type: .integer) }
                guard let v = literal(text, as: .money, at: src.location(s.start, s.end)) else { return nil }
                return Typed(expr: .constant(v), type: .money)
            }
        case .string(let text):
            switch expected {
            case .timestamp?, .date?:
                guard let v = literal(text, as: expected!, at: src.location(s.start, s.end)) else { return nil }
                return Typed(expr: .constant(v), type: expected!)
            case .enumeration(let e)?:
                return error(.typeMismatch, "enum members are written without quotes", s, src,
                             help: model.enums[e].byName[text] != nil ? "write `\(text)`" : nil)
            case .money?, .integer?:
                return error(.typeMismatch, "cannot compare `\(typeName(expected!))` with `string`", s, src,
                             help: "write the amount as a number, without quotes")
            default:
                return Typed(expr: .constant(.string(text)), type: .string)
            }
        case .duration(let text):
            do {
                return Typed(expr: .constant(.duration(try ClockDuration(text: text).milliseconds)), type: .duration)
            } catch {
                return self.error(.invalidLiteral, "\(error)", s, src)
            }
        case .name(let n):
            return name(n, s, src, expected: expected)
        case .not(let inner):
            guard let t = check(inner, in: src, expected: .bool) else { return nil }
            guard t.type == .bool else { return error(.typeMismatch, "`not` needs a condition, found \(aTypeName(t.type))", inner, src) }
            return Typed(expr: span(s, src, .not(t.expr)), type: .bool)
        case .and, .or:
            let isAnd: Bool
            if case .and = s.kind { isAnd = true } else { isAnd = false }
            var items: [ExprSyntax] = []
            flatten(s, and: isAnd, into: &items)
            var exprs: [Expr] = []
            for item in items {
                guard let t = check(item, in: src, expected: .bool) else { return nil }
                guard t.type == .bool else {
                    return error(.typeMismatch, "`\(isAnd ? "and" : "or")` joins conditions, but this is \(aTypeName(t.type))", item, src)
                }
                exprs.append(t.expr)
            }
            return Typed(expr: span(s, src, isAnd ? .and(exprs) : .or(exprs)), type: .bool)
        case let .compare(op, lhs, rhs):
            let swapped = isContextual(lhs) && !isContextual(rhs)
            guard let first = check(swapped ? rhs : lhs, in: src, expected: nil),
                  let second = check(swapped ? lhs : rhs, in: src, expected: first.type) else { return nil }
            let (a, b) = swapped ? (second, first) : (first, second)
            guard a.type == b.type else {
                let help = [a.type, b.type].contains(.string) && [a.type, b.type].contains(.money) ? "write the amount as a number, without quotes"
                    : dateNames(a.type, [swapped ? lhs : rhs], src) ?? dateNames(b.type, [swapped ? rhs : lhs], src)
                return error(.typeMismatch, "cannot compare `\(typeName(a.type))` with `\(typeName(b.type))`", s, src, help: help)
            }
            if op == .eq || op == .ne {
                warnIfNeverProduced(lhs, rhs, src, negated: op == .ne)
                warnIfNeverProduced(rhs, lhs, src, negated: op == .ne)
            }
            if op != .eq, op != .ne, !a.type.isOrdered {
                return error(.typeMismatch, "`\(op.rawValue)` needs ordered values, but `\(typeName(a.type))` has no order", s, src,
                             help: "use `==`, `!=` or `in`")
            }
            return Typed(expr: span(s, src, .compare(op, a.expr, b.expr)), type: .bool)
        case let .member(lhs, rhs, negated):
            guard let m = member(lhs, rhs, s, src, negated: negated) else { return nil }
            return Typed(expr: span(s, src, negated ? .not(m) : m), type: .bool)
        case .range:
            return error(.misplacedRange, "a range can only follow `in`", s, src, help: "write `… in \(src.slice(s.start, s.end))`")
        case .list(let items):
            let elementType = expected?.element
            var exprs: [Expr] = []
            var type = elementType
            for item in items {
                guard let t = check(item, in: src, expected: type) else { return nil }
                if let type, t.type != type {
                    return error(.typeMismatch, "list items must all be `\(typeName(type))`, found \(aTypeName(t.type))", item, src)
                }
                type = t.type
                exprs.append(t.expr)
            }
            guard let type else { return error(.typeMismatch, "cannot tell the type of an empty list here", s, src) }
            return Typed(expr: .list(exprs), type: .list(type))
        case .negate(let inner):
            guard let t = check(inner, in: src, expected: expected) else { return nil }
            guard [.integer, .money, .duration].contains(t.type) else {
                return error(.typeMismatch, "cannot negate \(aTypeName(t.type))", s, src)
            }
            if let c = Expr.negate(t.expr).constantValue {
                if case .failure(let f) = c { return error(.constantOverflow, "`\(src.slice(s.start, s.end))` cannot be computed: \(f)", s, src) }
                return Typed(expr: .constant(c), type: t.type)
            }
            return Typed(expr: .negate(t.expr), type: t.type)
        case let .arith(op, lhs, rhs):
            return arithmetic(op, lhs, rhs, s, src)
        case let .call(name, args):
            return call(name, args, s, src)
        }
    }

    private func flatten(_ s: ExprSyntax, and: Bool, into items: inout [ExprSyntax]) {
        switch s.kind {
        case let .and(a, b) where and, let .or(a, b) where !and:
            flatten(a, and: and, into: &items)
            flatten(b, and: and, into: &items)
        default:
            items.append(s)
        }
    }

    private mutating func name(_ n: String, _ s: ExprSyntax, _ src: ExprSource, expected: ValueType?) -> Typed? {
        // A name that is both a field and a member of the enum expected here means the member when the
        // field's type does not fit (`return_ground: not_as_described` beside a bool field `not_as_described`).
        if case .enumeration(let e)? = expected, let id = model.enums[e].byName[n],
           fieldSlots[n].map({ model.fields[$0].type != expected }) ?? false {
            usedMembers.insert(id)
            return Typed(expr: .constant(.member(id)), type: .enumeration(e))
        }
        if let slot = fieldSlots[n] {
            usedFields.insert(slot)
            let t = model.fields[slot].type
            return Typed(expr: t == .bool ? span(s, src, .field(slot)) : .field(slot), type: t)
        }
        if let slot = outputSlots[n] {
            let output = model.outputs[slot]
            if let d = currentDecision {
                if output.decision == d {
                    return error(.selfReference, "decision `\(decisionNames[d])` reads its own output `\(n)`", s, src,
                                 help: "a decision can read the outputs of other decisions only")
                }
                edges[d, default: []].append((output.decision, src.location(s.start, s.end)))
            }
            return Typed(expr: output.type == .bool ? span(s, src, .output(slot)) : .output(slot), type: output.type)
        }
        if setByName[n] != nil {
            return error(.misplacedSet, "set `\(n)` can only follow `in`", s, src, help: "write `x in \(n)`")
        }
        if let p = parameterByName[n] {
            return Typed(expr: .constant(model.parameters[p].value), type: model.parameters[p].type)
        }
        let enumType: Int? = {
            if case .enumeration(let e)? = expected { return e }
            if case .list(.enumeration(let e))? = expected { return e }
            return nil
        }()
        if let e = enumType {
            guard let id = model.enums[e].byName[n] else {
                let names = model.enums[e].members.map { model.members[Int($0)].name }
                return error(.unknownMember, "`\(n)` is not a member of `\(model.enums[e].name)`", s, src,
                             help: Suggestions.help(for: n, in: names, what: "members"))
            }
            usedMembers.insert(id)
            return Typed(expr: .constant(.member(id)), type: .enumeration(e))
        }
        // Declared, but its type was refused: that error is the news.
        if refusedNames.contains(n) { return nil }
        let names = Array(fieldSlots.keys) + Array(outputSlots.keys) + Array(setByName.keys) + Array(parameterByName.keys)
        return error(.unknownName, "unknown field or output `\(n)`", s, src, help: Suggestions.help(for: n, in: names, what: "names"))
    }

    private mutating func member(_ lhs: ExprSyntax, _ rhs: ExprSyntax, _ s: ExprSyntax, _ src: ExprSource, negated: Bool) -> Expr? {
        var setType: ValueType?
        if case .name(let n) = rhs.kind, let i = setByName[n] { setType = model.sets[i].type }
        guard let l = check(lhs, in: src, expected: setType) else { return nil }
        switch rhs.kind {
        case let .range(lo, loIncl, hi, hiIncl):
            guard l.type.isOrdered else {
                _ = error(.typeMismatch, "a range needs ordered values, but `\(typeName(l.type))` has no order", rhs, src)
                return nil
            }
            guard let a = check(lo, in: src, expected: l.type), let b = check(hi, in: src, expected: l.type) else { return nil }
            guard a.type == l.type, b.type == l.type else {
                _ = error(.typeMismatch, "the range's ends must be `\(typeName(l.type))`", rhs, src)
                return nil
            }
            guard let lv = a.expr.constantValue, let hv = b.expr.constantValue else {
                _ = error(.nonConstant, "a range's ends must be constants", rhs, src)
                return nil
            }
            let c = Value.compare(lv, hv) ?? 0
            if c > 0 || (c == 0 && !(loIncl && hiIncl)) {
                _ = error(.emptyRange, c > 0 ? "range `\(src.slice(rhs.start, rhs.end))` is empty: its low end is above its high end"
                                               : "range `\(src.slice(rhs.start, rhs.end))` is empty",
                          rhs, src, help: c > 0 ? "write the low end first: `\(loIncl ? "[" : "(")\(src.slice(hi.start, hi.end))..\(src.slice(lo.start, lo.end))\(hiIncl ? "]" : ")")`" : nil)
                return nil
            }
            return .inRange(l.expr, lower: lv, lowerInclusive: loIncl, upper: hv, upperInclusive: hiIncl)
        case .list(let items):
            var values: [Value] = []
            for item in items {
                guard let t = check(item, in: src, expected: l.type) else { return nil }
                guard t.type == l.type else {
                    _ = error(.typeMismatch, "cannot compare `\(typeName(l.type))` with `\(typeName(t.type))`", item, src,
                              help: dateNames(l.type, items, src))
                    return nil
                }
                guard let v = t.expr.constantValue else {
                    _ = error(.nonConstant, "list items after `in` must be constants", item, src)
                    return nil
                }
                warnIfNeverProduced(lhs, item, src, item: true)
                values.append(v)
            }
            return .inList(l.expr, values)
        case .name(let n) where setByName[n] != nil:
            let i = setByName[n]!
            usedSets.insert(i)
            guard model.sets[i].type == l.type else {
                _ = error(.typeMismatch, "set `\(n)` holds `\(typeName(model.sets[i].type))` values, not `\(typeName(l.type))`", rhs, src)
                return nil
            }
            if case .name(let f) = lhs.kind, let slot = fieldSlots[f], let known = model.fields[slot].known {
                for case .string(let text) in model.sets[i].members {
                    checkKnown(text, field: slot, known, at: model.sets[i].location, what: "a member of set `\(n)`")
                }
            }
            if let (field, normalization) = normalized(lhs) {
                for case .string(let text) in model.sets[i].members where normalization.apply(text) != text {
                    diagnostics.warning(.unnormalizedLiteral, "field `\(field)` is normalised (\(normalization.description)), so it is never \(quoted(text)), a member of set `\(n)`",
                                        at: src.location(rhs.start, rhs.end), help: "write \(quoted(normalization.apply(text))) in the set")
                }
            }
            return .inList(l.expr, model.sets[i].members)
        default:
            guard let r = check(rhs, in: src, expected: .list(l.type)) else { return nil }
            guard r.type == .list(l.type) else {
                _ = error(.typeMismatch, "`in` needs a set, a list, a range or a `list<\(typeName(l.type))>`, found \(aTypeName(r.type))", rhs, src)
                return nil
            }
            warnIfNeverProduced(rhs, lhs, src, negated: negated)
            return .contains(list: r.expr, element: l.expr)
        }
    }

    /// The field a node names, when it is a field whose values are normalised.
    private func normalized(_ s: ExprSyntax) -> (field: String, normalization: StringNormalization)? {
        guard case .name(let n) = s.kind, let slot = fieldSlots[n], !model.fields[slot].normalization.isEmpty else { return nil }
        return (n, model.fields[slot].normalization)
    }

    /// Warns, at the literal, when `field == literal` (or `literal in field`, `field in [literal]`)
    /// can never hold because the field's normalisation never produces the literal: `region ==
    /// "Henan "` under `trim`. Normalising is idempotent, so a literal it changes is never a value.
    /// A string parameter stands for its value, so `region == home` with `home: "Henan"` is caught too.
    /// Under `!=` and `not in` the comparison always holds instead; a list item after `in` is one
    /// alternative among others, so only that item never matches.
    private mutating func warnIfNeverProduced(_ field: ExprSyntax, _ other: ExprSyntax, _ src: ExprSource,
                                              negated: Bool = false, item: Bool = false) {
        checkKnown(field, other, src)
        warnIfSpaced(field, other, src)
        guard let (name, normalization) = normalized(field) else { return }
        let text: String
        var parameter: String?
        var notes: [Diagnostic.Note] = []
        switch other.kind {
        case .string(let t): text = t
        case .name(let n):
            guard fieldSlots[n] == nil, outputSlots[n] == nil, let p = parameterByName[n],
                  case .string(let t) = model.parameters[p].value else { return }
            text = t
            parameter = n
            notes = [.init("parameter `\(n)`", at: model.parameters[p].location)]
        default: return
        }
        let produced = normalization.apply(text)
        guard produced != text else { return }
        let outcome = item ? "this item can never match" : negated ? "this comparison always holds" : "this comparison can never match"
        let what = parameter.map { "\(quoted(text)), the value of parameter `\($0)`" } ?? quoted(text)
        diagnostics.warning(.unnormalizedLiteral, "field `\(name)` is normalised (\(normalization.description)), so it is never \(what): \(outcome)",
                            at: src.location(other.start, other.end), notes: notes,
                            help: parameter.map { "give `\($0)` the value \(quoted(produced))" } ?? "write \(quoted(produced))")
    }

    /// `province == "Guangdong "`: a literal with spaces at an end, against a string field that keeps
    /// them (no `trim`), matches only a case that gives the same spaces, which is rarely what was meant.
    /// A field that trims is warned about above (it never holds the literal); one with `known` values
    /// has the literal checked against them.
    private mutating func warnIfSpaced(_ field: ExprSyntax, _ other: ExprSyntax, _ src: ExprSource) {
        guard case .name(let n) = field.kind, let slot = fieldSlots[n], model.fields[slot].type.element ?? model.fields[slot].type == .string,
              model.fields[slot].known == nil, case .string(let text) = other.kind else { return }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed != text, !trimmed.isEmpty, model.fields[slot].normalization.apply(text) == text else { return }
        let ends = text.first!.isWhitespace && text.last!.isWhitespace ? "begins and ends" : text.first!.isWhitespace ? "begins" : "ends"
        diagnostics.warning(.spacedLiteral, "\(quoted(text)) \(ends) with a space, which field `\(n)` keeps: only a case that gives the same space matches",
                            at: src.location(other.start, other.end),
                            help: "write \(quoted(trimmed)), and add `normalize: [trim]` to `\(n)` so that a case's spaces are dropped too")
    }

    /// `field == "literal"` where the field lists its `known` values: the literal must name one by the
    /// value itself (an alias or label never reaches a rule: a case's alias decides as its value).
    private mutating func checkKnown(_ field: ExprSyntax, _ other: ExprSyntax, _ src: ExprSource) {
        guard case .name(let n) = field.kind, let slot = fieldSlots[n], let known = model.fields[slot].known else { return }
        let text: String
        switch other.kind {
        case .string(let t): text = t
        case .name(let p):
            guard fieldSlots[p] == nil, outputSlots[p] == nil, let i = parameterByName[p], case .string(let t) = model.parameters[i].value else { return }
            text = t
        default: return
        }
        checkKnown(text, field: slot, known, at: src.location(other.start, other.end), what: quoted(text))
    }

    private mutating func checkKnown(_ text: String, field slot: Int, _ known: KnownValues, at location: SourceLocation, what: String) {
        let info = model.fields[slot]
        let normalized = info.normalization.apply(text)
        if known.labels[normalized] != nil {
            usedKnownValues.insert(KnownUse(field: slot, value: normalized))
            return
        }
        if let value = known.value(for: normalized) {
            usedKnownValues.insert(KnownUse(field: slot, value: value))
            diagnostics.error(.unknownValue, "\(what) is another way of writing \(quoted(value)), a known value of `\(info.name)`: a case that gives it decides as \(quoted(value)), so this never matches",
                              at: location, help: "write \(quoted(value))")
            return
        }
        diagnostics.error(.unknownValue, "\(what) is not a known value of `\(info.name)`", at: location,
                          notes: [.init("the known values are listed here", at: known.location)],
                          help: Suggestions.help(for: normalized, in: known.values, what: "known values") ?? "add it to `known`")
    }

    private mutating func arithmetic(_ op: ArithOp, _ lhs: ExprSyntax, _ rhs: ExprSyntax, _ s: ExprSyntax, _ src: ExprSource) -> Typed? {
        let swapped = isContextual(lhs) && !isContextual(rhs)
        guard let first = check(swapped ? rhs : lhs, in: src, expected: nil) else { return nil }
        let hint: ValueType? = first.type == .timestamp || first.type == .date ? .duration : first.type
        guard let second = check(swapped ? lhs : rhs, in: src, expected: hint) else { return nil }
        let (a, b) = swapped ? (second, first) : (first, second)
        let result: ValueType?
        switch (op, a.type, b.type) {
        case (_, .timestamp, .duration): result = .timestamp
        case (.add, .duration, .timestamp): result = .timestamp
        case (.sub, .timestamp, .timestamp): result = .duration
        case (_, .date, .duration): result = .date
        case (_, .duration, .duration): result = .duration
        case (_, .integer, .integer): result = .integer
        case (_, .money, .money): result = .money
        default: result = nil
        }
        guard let result else {
            return error(.typeMismatch, "cannot \(op == .add ? "add" : "subtract") `\(typeName(b.type))` \(op == .add ? "to" : "from") `\(typeName(a.type))`", s, src)
        }
        let e: Expr = op == .add ? .add(a.expr, b.expr) : .subtract(a.expr, b.expr)
        if let c = e.constantValue {
            if case .failure(let f) = c { return error(.constantOverflow, "`\(src.slice(s.start, s.end))` cannot be computed: \(f)", s, src) }
            return Typed(expr: .constant(c), type: result)
        }
        return Typed(expr: e, type: result)
    }

    private mutating func call(_ name: String, _ args: [ExprSyntax], _ s: ExprSyntax, _ src: ExprSource) -> Typed? {
        switch name {
        case "present", "absent":
            guard args.count == 1, case .name(let n) = args[0].kind else {
                return error(.invalidCall, "`\(name)` takes one field or output name", s, src,
                             help: "write `\(name)(\(declaredField(among: fieldSlots.keys.filter { model.fields[fieldSlots[$0]!].optional }.sorted(), or: "FIELD")))`")
            }
            guard let t = self.name(n, args[0], src, expected: nil) else { return nil }
            let test: Expr = .present(t.expr.unwrapped)
            if case .field(let slot) = t.expr.unwrapped, !model.fields[slot].optional {
                diagnostics.warning(.alwaysPresent, "field `\(n)` is required, so `\(name)(\(n))` is always \(name == "present")",
                                    at: src.location(s.start, s.end))
            }
            return Typed(expr: span(s, src, name == "present" ? test : .not(test)), type: .bool)
        case "working_hours_after", "working_days_after":
            let days = name == "working_days_after"
            let usage = "`\(name)(\(argument(args, 0, [.timestamp])), \(args.count > 1 ? src.slice(args[1].start, args[1].end) : "N"), \"\(declaredCalendar())\")`"
            guard args.count == 3, case .string(let cal) = args[2].kind else {
                return error(.invalidCall, "`\(name)` takes a timestamp, an amount and a calendar name in quotes", s, src, help: "write \(usage)")
            }
            guard let ci = calendarByName[cal] else {
                return error(.unknownCalendar, "unknown calendar `\(cal)`", args[2], src, help: calendarHelp(cal))
            }
            guard let start = check(args[0], in: src, expected: .timestamp) else { return nil }
            guard start.type == .timestamp else {
                return error(.typeMismatch, "`\(name)` starts from a `timestamp`, not \(aTypeName(start.type))", args[0], src)
            }
            guard let amount = check(args[1], in: src, expected: .integer) else { return nil }
            guard amount.type == .integer || (!days && amount.type == .duration) else {
                return error(.typeMismatch, days ? "the number of working days must be an `integer`" : "the working time must be an `integer` of hours or a `duration`", args[1], src)
            }
            if let c = amount.expr.constantValue, case .int(let n) = c, n < 0 {
                return error(.invalidLiteral, "`\(name)` counts working time forward; `\(n)` is negative", args[1], src,
                             help: "working time before an instant is not defined: give a positive amount")
            }
            if let c = amount.expr.constantValue, case .duration(let d) = c, d < 0 {
                return error(.invalidLiteral, "`\(name)` counts working time forward; `\(ClockDuration(milliseconds: d))` is negative", args[1], src,
                             help: "working time before an instant is not defined: give a positive amount")
            }
            let calendar = model.calendars[ci]
            return Typed(expr: days ? .workingDays(calendar, start.expr, amount.expr) : .workingTime(calendar, start.expr, amount.expr), type: .timestamp)
        case _ where Self.dateFunctionNames.contains(name):
            return dateFunction(name, args, s, src)
        default:
            return error(.unknownFunction, "unknown function `\(name)`", s, src,
                         help: Suggestions.help(for: name, in: ["present", "absent", "working_hours_after", "working_days_after"] + Self.dateFunctionNames,
                                                what: "functions"))
        }
    }
}
