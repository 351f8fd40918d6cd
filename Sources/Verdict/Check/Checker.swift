/// Resolves names and types in a policy's syntax and builds its ``CheckedPolicy``.
///
/// Collects every diagnostic rather than stopping at the first. The model is returned even when
/// there are errors (so later passes can report more); the loader refuses to compile it then.
struct Checker {
    var model: CheckedPolicy
    var diagnostics: DiagnosticBag
    var fieldSlots: [String: Int] = [:]
    var enumByName: [String: Int] = [:]
    var setByName: [String: Int] = [:]
    var outputSlots: [String: Int] = [:]
    /// The decision whose expressions are being checked, for dependency edges.
    var currentDecision: Int?
    /// For each decision, the decisions it reads and where.
    var edges: [Int: [(to: Int, at: SourceLocation)]] = [:]
    var usedFields = Set<Int>()
    var usedSets = Set<Int>()
    /// The known values of string fields that a rule compares (see ``KnownValues``).
    var usedKnownValues = Set<KnownUse>()
    var decisionNames: [String] = []
    var decisionLocations: [SourceLocation] = []
    var calendarByName: [String: Int] = [:]
    var parameterByName: [String: Int] = [:]
    var usedMembers = Set<Int32>()
    /// Fields, parameters and outputs declared with a type that was refused: already reported, so a
    /// rule that reads one is not told it is unknown as well.
    var refusedNames = Set<String>()
    /// The built-in enums of months and weekdays, once a date function needs them.
    var builtinEnums: [DatePart: Int] = [:]
    /// Bounds that name another field (`min: received_at`), resolved once every field is declared.
    var pendingFieldOrders: [(field: String, key: String, node: YAMLNode)] = []

    static func check(_ syntax: PolicySyntax, diagnostics: inout DiagnosticBag) -> CheckedPolicy? {
        guard let manifest = syntax.manifest else {
            // A `policy:` section that could not be read has its own errors; its absence is not one more.
            if syntax.manifestWritten { return nil }
            diagnostics.error(.missingManifest, "the policy set has no `policy:` manifest", at: nil,
                              help: "add a file with `policy: {name: ..., version: ..., effective: ..., title: {en: ..., zh: ...}}`")
            return nil
        }
        var zone = Zone.shanghai
        if let tz = manifest.timezone {
            if let z = Zone(identifier: tz.text) { zone = z } else {
                diagnostics.error(.unknownTimezone, "unknown time zone `\(tz.text)`", at: tz.location,
                                  help: "use an IANA name such as `Asia/Shanghai`")
            }
        }
        let currency = manifest.currency?.text ?? "CNY"
        if let c = manifest.currency, c.text.count != 3 || !c.text.allSatisfy({ $0.isUppercase && $0.isASCII }) {
            diagnostics.error(.invalidCurrency, "`\(c.text)` is not an ISO 4217 currency code", at: c.location, help: "use a code such as `CNY`")
        }
        var checker = Checker(
            model: CheckedPolicy(name: manifest.name.text, version: manifest.version, effective: manifest.effective,
                               title: manifest.title, annotations: manifest.annotations, zone: zone,
                               currency: currency, moneyScale: Money.scale(ofCurrency: currency)),
            diagnostics: diagnostics)
        checker.model.manifestLocation = manifest.location
        checker.model.effectiveLocation = manifest.effectiveLocation
        checker.run(syntax)
        diagnostics = checker.diagnostics
        return checker.model
    }

    private mutating func run(_ syntax: PolicySyntax) {
        declareEnums(syntax.enums)
        declareFields(syntax.fields)
        if let manifest = syntax.manifest { checkEffectiveBy(manifest) }
        declareSets(syntax.sets)
        declareCalendars(syntax.calendars)
        declareParameters(syntax.parameters)
        declareOutputs(syntax.decisions)
        for (index, d) in syntax.decisions.enumerated() { checkDecision(d, index: index) }
        // Clocks run after every decision and may read their outputs; decisions cannot read clocks.
        checkClocks(syntax.clocks)
        checkMeasures(syntax.measures)
        checkCycles()
        warnUnused(syntax)
    }

    // MARK: Declarations

    private mutating func declareEnums(_ enums: [EnumSyntax]) {
        for e in enums {
            if let part = DatePart.named(e.name.text), let members = part.memberNames {
                // `month(t)` and `weekday(t)` return the built-in enum of that name; a second would be ambiguous.
                diagnostics.error(.nameClash, "enum `\(e.name.text)` has the name of the built-in enum of \(part == .month ? "months" : "weekdays") (`\(members.first!.name)` … `\(members.last!.name)`) that `\(part.name)(t)` returns",
                                  at: e.name.location, help: "rename it, or use the built-in `\(part.name)`: a field, output or set may be of type `\(part.name)`")
                continue
            }
            let index = model.enums.count
            var info = EnumInfo(name: e.name.text, members: [], byName: [:], location: e.name.location)
            for m in e.members where info.byName[m.name.text] == nil {
                let id = Int32(model.members.count)
                model.members.append(MemberInfo(enumIndex: index, name: m.name.text, label: m.label, location: m.name.location))
                info.members.append(id)
                info.byName[m.name.text] = id
            }
            if info.members.isEmpty {
                diagnostics.error(.emptyEnum, "enum `\(e.name.text)` has no members", at: e.name.location)
            }
            enumByName[e.name.text] = index
            model.enums.append(info)
        }
    }

    private mutating func declareFields(_ fields: [FieldSyntax]) {
        if !fields.contains(where: { $0.name.text == "id" }) {
            let loc = SourceLocation(path: fields.first?.name.location.path ?? "", line: 0, column: 0)
            addField(FieldInfo(name: "id", type: .string, optional: false, defaultValue: nil, loggable: true,
                               annotations: Annotations(label: Localized(en: "case id", zh: "案件编号")), location: loc))
        }
        for f in fields {
            guard let type = resolveType(f.type) else { refusedNames.insert(f.name.text); continue }
            if f.name.text == "id", type != .string {
                diagnostics.error(.invalidType, "the case id field `id` must be a `string`", at: f.type.location)
            }
            var normalization = StringNormalization()
            if let n = f.normalize { normalization = self.normalization(n, field: f.name.text, type: type) }
            var defaultValue: Value?
            if let d = f.defaultValue {
                // A default stands for what the case would have said: normalised like a given value.
                defaultValue = literal(d, as: type).map { normalization.apply($0) }
                if f.optional {
                    diagnostics.warning(.redundantOptional, "field `\(f.name.text)` has a default, so it is never absent", at: d.location,
                                        help: "remove `optional: true`")
                }
            }
            let constraints = fieldConstraints(f, type, defaultValue: defaultValue)
            var info = FieldInfo(name: f.name.text, type: type, optional: f.optional && f.defaultValue == nil,
                                 defaultValue: defaultValue, loggable: f.loggable || f.name.text == "id",
                                 annotations: f.annotations, location: f.name.location, personal: f.personal, constraints: constraints,
                                 normalization: normalization)
            info.known = knownValues(f, type: type, normalization: normalization)
            if let known = info.known, case .string(let d)? = defaultValue {
                info.defaultValue = .string(known.value(for: d) ?? d)
            }
            addField(info)
        }
        resolveFieldOrders()
    }

    /// A string field's `known:` values and `others:`, each text normalised as the field's values are.
    private mutating func knownValues(_ f: FieldSyntax, type: ValueType, normalization: StringNormalization) -> KnownValues? {
        if f.known.isEmpty {
            if let o = f.others {
                diagnostics.error(.invalidType, "`others` says whether values besides the `known` ones are allowed, but `\(f.name.text)` lists no `known` values", at: o.location)
            }
            return nil
        }
        guard type == .string else {
            diagnostics.error(.typeMismatch, "`known` lists the values of a `string` field, but `\(f.name.text)` is \(kindOf(type, field: f.name.text))",
                              at: f.knownLocation ?? f.name.location, help: type == .string ? nil : "an enum lists its members with `values`")
            return nil
        }
        var othersAllowed = true
        if let o = f.others {
            switch o.scalar {
            case "allowed"?: othersAllowed = true
            case "refused"?: othersAllowed = false
            default: diagnostics.error(.wrongNodeKind, "expected `allowed` or `refused` for `others`", at: o.location)
            }
        }
        var known = KnownValues(values: [], labels: [:], byText: [:], othersAllowed: othersAllowed, location: f.knownLocation ?? f.name.location)
        var whereWritten: [String: SourceLocation] = [:]
        for v in f.known {
            let value = normalization.apply(v.name.text)
            if value != v.name.text {
                diagnostics.warning(.unnormalizedLiteral, "field `\(f.name.text)` is normalised (\(normalization.description)), so its known value is \(quoted(value)), not \(quoted(v.name.text))",
                                    at: v.name.location, help: "write \(quoted(value))")
            }
            if known.labels[value] != nil {
                diagnostics.error(.duplicateDefinition, "known value \(quoted(value)) of `\(f.name.text)` is listed twice", at: v.name.location)
                continue
            }
            known.values.append(value)
            known.labels[value] = v.label
            let texts = [(v.name.text, v.name.location)] + [v.label.en, v.label.zh].compactMap { $0.map { ($0, v.name.location) } }
                + v.also.map { ($0.text, $0.location) }
            for (text, location) in texts {
                let key = normalization.apply(text)
                if let other = known.byText[key], other != value {
                    diagnostics.error(.ambiguousValue, "\(quoted(text)) names two known values of `\(f.name.text)`: \(quoted(other)) and \(quoted(value))",
                                      at: location, notes: whereWritten[key].map { [.init("first named here", at: $0)] } ?? [],
                                      help: "give it to one value only")
                    continue
                }
                known.byText[key] = value
                whereWritten[key] = whereWritten[key] ?? location
            }
        }
        return known
    }

    /// A string as the policy writes it: `"Henan "`.
    func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A field's `normalize:` — one step or a list of `trim`, `casefold`, `nfkc` — for a string field.
    private mutating func normalization(_ node: YAMLNode, field: String, type: ValueType) -> StringNormalization {
        guard type == .string || type == .list(.string) else {
            diagnostics.error(.typeMismatch, "`normalize` applies to `string` fields, but `\(field)` is \(kindOf(type, field: field))", at: node.location)
            return []
        }
        let items: [YAMLNode]
        if case .sequence(let list) = node.kind { items = list } else { items = [node] }
        if items.isEmpty {
            diagnostics.warning(.redundantNormalization, "`normalize` lists no steps, so `\(field)` is kept as the case gives it", at: node.location,
                                help: "remove `normalize`, or name steps: \(StringNormalization.steps.map(\.name).joined(separator: ", "))")
        }
        var out: StringNormalization = []
        for item in items {
            guard let name = item.scalar else {
                diagnostics.error(.wrongNodeKind, "expected a step name for `normalize`, found \(item.kindName)", at: item.location)
                continue
            }
            guard let step = StringNormalization.steps.first(where: { $0.name == name }) else {
                diagnostics.error(.unknownNormalization, "unknown normalisation `\(name)`", at: item.location,
                                  help: Suggestions.help(for: name, in: StringNormalization.steps.map(\.name), what: "steps"))
                continue
            }
            if !out.insert(step.step).inserted {
                diagnostics.warning(.redundantNormalization, "step `\(name)` is listed twice in the `normalize` of `\(field)`", at: item.location,
                                    help: "each step applies once, in a fixed order (nfkc, casefold, trim): remove the repeat")
            }
        }
        return out
    }

    /// What kind of value a field holds, with its article, for messages: "an `integer`", "a
    /// `list<string>`", "an enum" for one whose `values:` are inline (its type is named after the
    /// field, so naming it would say "`c` is a `c`"), "an enum `problem_kind`" for a declared one.
    func kindOf(_ type: ValueType, field: String) -> String {
        if case .enumeration(let e) = type {
            let name = model.enums[e].name
            return name == field ? "an enum" : "an enum `\(name)`"
        }
        return aTypeName(type)
    }

    /// A type's name with the article it takes: "an `integer`", "a `money`".
    func aTypeName(_ type: ValueType) -> String {
        let name = typeName(type)
        return ("aeiou".contains(name.first ?? "x") ? "an" : "a") + " `\(name)`"
    }

    private mutating func addField(_ f: FieldInfo) {
        fieldSlots[f.name] = model.fields.count
        model.fields.append(f)
    }

    private mutating func declareSets(_ sets: [SetSyntax]) {
        for s in sets {
            if fieldSlots[s.name.text] != nil {
                diagnostics.error(.nameClash, "set `\(s.name.text)` has the name of a field", at: s.name.location,
                                  help: "names in expressions must be unique across fields, sets and outputs")
                continue
            }
            let type: ValueType
            if let t = ValueType.primitiveNames[s.of.text] {
                type = t
            } else if let e = enumByName[s.of.text] {
                type = .enumeration(e)
            } else if let f = fieldSlots[s.of.text] {
                type = model.fields[f].type.element ?? model.fields[f].type
            } else if let part = DatePart.named(s.of.text), part.memberNames != nil {
                // A set of months or weekdays, for `month(t) in peak_season`.
                type = .enumeration(builtinEnum(part))
            } else {
                diagnostics.error(.unknownType, "unknown type or field `\(s.of.text)` in `of`", at: s.of.location,
                                  help: Suggestions.help(for: s.of.text, in: typeNames + Array(fieldSlots.keys), what: "types and fields"))
                continue
            }
            var members: [Value] = []
            var seen: Set<Value> = []
            for node in s.members {
                if let v = literal(node, as: type) {
                    if !seen.insert(v).inserted {
                        diagnostics.warning(.duplicateMember, "`\(node.scalar ?? "")` is listed twice in set `\(s.name.text)`", at: node.location)
                    } else {
                        members.append(v)
                    }
                }
            }
            setByName[s.name.text] = model.sets.count
            model.sets.append(SetInfo(name: s.name.text, type: type, members: members, annotations: s.annotations, location: s.name.location))
        }
    }

    private mutating func declareParameters(_ parameters: [ParameterSyntax]) {
        for p in parameters {
            if fieldSlots[p.name.text] != nil || setByName[p.name.text] != nil {
                diagnostics.error(.nameClash, "parameter `\(p.name.text)` has the name of a field or set", at: p.name.location)
                continue
            }
            guard let type = resolveType(p.type), let node = p.value, let value = literal(node, as: type) else { refusedNames.insert(p.name.text); continue }
            parameterByName[p.name.text] = model.parameters.count
            model.parameters.append(ParameterInfo(name: p.name.text, type: type, value: value, annotations: p.annotations, location: p.name.location))
        }
    }

    private mutating func declareOutputs(_ decisions: [DecisionSyntax]) {
        decisionNames = decisions.map(\.name.text)
        decisionLocations = decisions.map(\.name.location)
        for (index, d) in decisions.enumerated() {
            for o in d.outputs {
                if fieldSlots[o.name.text] != nil || setByName[o.name.text] != nil {
                    diagnostics.error(.nameClash, "output `\(o.name.text)` has the name of a field or set", at: o.name.location,
                                      help: "names in expressions must be unique across fields, sets and outputs")
                    continue
                }
                guard let type = resolveType(o.type) else { refusedNames.insert(o.name.text); continue }
                outputSlots[o.name.text] = model.outputs.count
                model.outputs.append(OutputInfo(name: o.name.text, type: type, decision: index, annotations: o.annotations, location: o.name.location))
            }
        }
    }

    /// Names other languages give Verdict's types (`boolean` for `bool`), for the did-you-mean of an unknown type.
    static let typeSynonyms: [String: String] = [
        "boolean": "bool", "int": "integer", "long": "integer", "number": "integer", "str": "string", "text": "string",
        "datetime": "timestamp", "instant": "timestamp", "time": "timestamp", "decimal": "money", "currency": "money",
        "amount": "money", "interval": "duration", "array": "list<T>", "list": "list<T>",
    ]

    var typeNames: [String] { Array(ValueType.primitiveNames.keys) + model.enums.map(\.name) }

    /// `string`, `money`, an enum's name, `role`, or `list<T>`.
    mutating func resolveType(_ t: TypeSyntax) -> ValueType? {
        let text = t.text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("list<"), text.hasSuffix(">") {
            let inner = TypeSyntax(text: String(text.dropFirst(5).dropLast()), location: t.location)
            return resolveType(inner).map { .list($0) }
        }
        if let p = ValueType.primitiveNames[text] { return p }
        if let e = enumByName[text] { return .enumeration(e) }
        if let part = DatePart.named(text), part.memberNames != nil { return .enumeration(builtinEnum(part)) }
        let hint = text == "enum" ? "list the members with `values: [...]`"
            : Self.typeSynonyms[text.lowercased()].map { "did you mean `\($0)`?" }
            ?? Suggestions.help(for: text, in: typeNames + ["list<T>"], what: "types")
        diagnostics.error(.unknownType, "unknown type `\(text)`", at: t.location, help: hint)
        return nil
    }

    func typeName(_ t: ValueType) -> String { model.typeName(t) }

    /// A YAML scalar read as a constant of `type` (set members, defaults).
    mutating func literal(_ node: YAMLNode, as type: ValueType) -> Value? {
        guard let text = node.scalar else {
            diagnostics.error(.wrongNodeKind, "expected a single `\(typeName(type))` value, found \(node.kindName)", at: node.location)
            return nil
        }
        return literal(text, as: type, at: node.location)
    }

    mutating func literal(_ text: String, as type: ValueType, at location: SourceLocation) -> Value? {
        switch model.parseLiteral(text, as: type) {
        case .success(let v):
            if case .member(let id) = v { usedMembers.insert(id) }
            return v
        case .failure(let problem):
            diagnostics.error(problem.code, problem.message, at: location, help: problem.help)
            return nil
        }
    }

    // MARK: Unused declarations

    private mutating func warnUnused(_ syntax: PolicySyntax) {
        // Personal fields are declared so cases may carry them (and explanations keep them out); no rule need read them.
        for (i, f) in model.fields.enumerated() where !usedFields.contains(i) && f.name != "id" && !f.personal {
            diagnostics.warning(.unusedField, "field `\(f.name)` is declared but no rule reads it", at: f.location,
                                help: "remove it, or use it in a condition")
        }
        for (i, s) in model.sets.enumerated() where !usedSets.contains(i) {
            diagnostics.warning(.unusedSet, "set `\(s.name)` is declared but never used", at: s.location)
        }
        for (i, f) in model.fields.enumerated() where usedFields.contains(i) {
            for value in f.known?.values ?? [] where !usedKnownValues.contains(KnownUse(field: i, value: value)) {
                diagnostics.warning(.unusedValue, "known value \(quoted(value)) of `\(f.name)` is never compared by a rule", at: f.known!.location,
                                    help: "a case may still give it; remove it from `known` if no case should")
            }
        }
        if let roles = enumByName["role"] {
            for id in model.enums[roles].members where !usedMembers.contains(id) {
                let m = model.members[Int(id)]
                diagnostics.warning(.unusedRole, "role `\(m.name)` is declared but no rule, override or set names it", at: m.location)
            }
        }
    }
}

import Foundation

/// A known value of a field that a rule compares.
struct KnownUse: Hashable {
    var field: Int
    var value: String
}
