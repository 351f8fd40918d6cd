/// Builds ``PolicySyntax`` from the YAML of every file in a policy set.
///
/// Checks shape only (keys, node kinds, duplicates); names and types are the checker's job.
struct PolicySyntaxBuilder {
    private(set) var syntax = PolicySyntax()
    var diagnostics = DiagnosticBag()
    private var firstDefinition: [String: SourceLocation] = [:]

    static let sections = ["policy", "enums", "roles", "fields", "sets", "decisions", "calendars", "clocks", "parameters", "measures"]


    mutating func add(file root: YAMLNode) {
        findPlaceholders(root)
        guard let top = reader(root, "the policy file", allowed: Self.sections) else { return }
        if let node = top["parameters"] {
            for (name, value) in entries(node, "parameters") { parameter(name, value) }
        }
        if let node = top["measures"] {
            for (name, value) in entries(node, "measures") { measure(name, value) }
        }
        if let node = top["policy"] { manifest(node) }
        if let node = top["enums"] {
            for (name, value) in entries(node, "enums") { enumeration(name, value) }
        }
        if let node = top["roles"] {
            roles(node)
        }
        if let node = top["fields"] {
            for (name, value) in entries(node, "fields") { field(name, value) }
        }
        if let node = top["sets"] {
            for (name, value) in entries(node, "sets") { set(name, value) }
        }
        if let node = top["decisions"] {
            for (name, value) in entries(node, "decisions") { decision(name, value) }
        }
        if let node = top["calendars"] {
            for (name, value) in entries(node, "calendars") { calendar(name, value) }
        }
        if let node = top["clocks"] {
            for (name, value) in entries(node, "clocks") { clock(name, value) }
        }
    }

    // MARK: Sections

    private mutating func manifest(_ node: YAMLNode) {
        guard let m = reader(node, "policy", allowed: ["name", "version", "effective", "title", "timezone", "currency", "include"] + Self.annotationKeys) else { return }
        if let first = syntax.manifest {
            diagnostics.error("duplicate-definition", "the policy manifest is defined twice", at: node.location,
                              notes: [.init("first defined here", at: first.location)])
            return
        }
        guard let name = m.required("name", &diagnostics).flatMap({ scalarName($0, "policy name") }) else { return }
        let version = m.required("version", &diagnostics).flatMap { string($0, "version") } ?? ""
        var effective: CivilDate?
        if let e = m["effective"], let text = string(e, "effective date") {
            do { effective = try CivilDate(iso: text) } catch {
                diagnostics.error("invalid-date", "`\(text)` is not a date (like 2011-06-12)", at: e.location)
            }
        }
        syntax.manifest = ManifestSyntax(
            name: name, version: version, effective: effective,
            title: m["title"].map { localized($0, "title") } ?? Localized(),
            timezone: m["timezone"].flatMap { scalarName($0, "timezone") },
            currency: m["currency"].flatMap { scalarName($0, "currency") },
            include: m["include"].map { list($0, "include").compactMap { scalarName($0, "include") } } ?? [],
            annotations: annotations(m), location: node.location)
    }

    private mutating func enumeration(_ name: Name, _ node: YAMLNode) {
        guard define("enum", name) else { return }
        var members: [EnumSyntax.Member] = []
        var ann = Annotations()
        switch node.kind {
        case .sequence(let items):
            for item in items { if let n = scalarName(item, "enum member") { members.append(.init(name: n, label: Localized())) } }
        case .mapping:
            guard let m = reader(node, "enum `\(name.text)`", allowed: ["values"] + Self.annotationKeys) else { return }
            ann = annotations(m)
            if let values = m.required("values", &diagnostics) { members = enumMembers(values, name.text) }
        default:
            expected("a list of members or a mapping with `values`", for: "enum `\(name.text)`", got: node)
        }
        checkUnique(members.map(\.name), what: "member of `\(name.text)`")
        syntax.enums.append(EnumSyntax(name: name, members: members, annotations: ann))
    }

    /// Members as a list of names, or a mapping from name to label.
    private mutating func enumMembers(_ node: YAMLNode, _ owner: String) -> [EnumSyntax.Member] {
        switch node.kind {
        case .sequence(let items):
            return items.compactMap { scalarName($0, "member of `\(owner)`").map { .init(name: $0, label: Localized()) } }
        case .mapping:
            return entries(node, "members of `\(owner)`").map { .init(name: $0.0, label: localized($0.1, "label")) }
        default:
            expected("a list or mapping of members", for: "`\(owner)`", got: node)
            return []
        }
    }

    private mutating func roles(_ node: YAMLNode) {
        let name = Name(text: "role", location: node.location)
        guard define("enum", name) else { return }
        let members = enumMembers(node, "roles")
        checkUnique(members.map(\.name), what: "role")
        syntax.enums.append(EnumSyntax(name: name, members: members, annotations: Annotations()))
    }

    private mutating func field(_ name: Name, _ node: YAMLNode) {
        guard define("field", name) else { return }
        if case .scalar(let t, _) = node.kind {
            syntax.fields.append(FieldSyntax(name: name, type: TypeSyntax(text: t, location: node.location), optional: false,
                                             defaultValue: nil, personal: false, loggable: false, annotations: Annotations()))
            return
        }
        guard let m = reader(node, "field `\(name.text)`", allowed: ["type", "values", "optional", "default", "personal", "loggable"] + Self.annotationKeys) else { return }
        var type: TypeSyntax
        if let values = m["values"] {
            // An inline enum: its type is named after the field.
            let members = enumMembers(values, name.text)
            checkUnique(members.map(\.name), what: "member of `\(name.text)`")
            if define("enum", name) {
                syntax.enums.append(EnumSyntax(name: name, members: members, annotations: Annotations()))
            }
            type = TypeSyntax(text: name.text, location: values.location)
            if let t = m["type"], t.scalar != "enum" {
                diagnostics.error("invalid-type", "a field with `values` has type `enum`", at: t.location)
            }
        } else if let t = m.required("type", &diagnostics), let text = string(t, "type") {
            type = TypeSyntax(text: text, location: t.location)
        } else {
            return
        }
        syntax.fields.append(FieldSyntax(
            name: name, type: type,
            optional: m["optional"].flatMap { bool($0, "optional") } ?? false,
            defaultValue: m["default"], personal: m["personal"].flatMap { bool($0, "personal") } ?? false,
            loggable: m["loggable"].flatMap { bool($0, "loggable") } ?? false,
            annotations: annotations(m)))
    }

    private mutating func set(_ name: Name, _ node: YAMLNode) {
        guard define("set", name) else { return }
        guard let m = reader(node, "set `\(name.text)`", allowed: ["of", "members"] + Self.annotationKeys) else { return }
        guard let of = m.required("of", &diagnostics).flatMap({ scalarName($0, "of") }),
              let membersNode = m.required("members", &diagnostics) else { return }
        guard case .sequence(let items) = membersNode.kind else {
            expected("a list", for: "`members`", got: membersNode)
            return
        }
        syntax.sets.append(SetSyntax(name: name, of: of, members: items, annotations: annotations(m)))
    }

    private mutating func decision(_ name: Name, _ node: YAMLNode) {
        guard define("decision", name) else { return }
        guard let m = reader(node, "decision `\(name.text)`",
                             allowed: ["hit", "priority", "complete", "outputs", "rules", "overrides"] + Self.annotationKeys) else { return }
        let hit = m["hit"].flatMap { scalarName($0, "hit") } ?? Name(text: "first", location: node.location)
        var priority: PrioritySyntax?
        if let pn = m["priority"], let pm = reader(pn, "priority", allowed: ["output", "order"]),
           let output = pm.required("output", &diagnostics).flatMap({ scalarName($0, "output") }),
           let orderNode = pm.required("order", &diagnostics) {
            if case .sequence(let items) = orderNode.kind {
                priority = PrioritySyntax(output: output, order: items.compactMap { exprSource($0, "priority value") }, location: pn.location)
            } else {
                expected("a list of values, highest priority first", for: "`order`", got: orderNode)
            }
        }
        var outputs: [OutputSyntax] = []
        if let on = m.required("outputs", &diagnostics) {
            for (oname, onode) in entries(on, "outputs") {
                guard define("output", oname) else { continue }
                if case .scalar(let t, _) = onode.kind {
                    outputs.append(OutputSyntax(name: oname, type: TypeSyntax(text: t, location: onode.location), annotations: Annotations()))
                } else if let om = reader(onode, "output `\(oname.text)`", allowed: ["type"] + Self.annotationKeys),
                          let t = om.required("type", &diagnostics), let text = string(t, "type") {
                    outputs.append(OutputSyntax(name: oname, type: TypeSyntax(text: text, location: t.location), annotations: annotations(om)))
                }
            }
        }
        var rules: [RuleSyntax] = []
        if let rn = m.required("rules", &diagnostics) {
            if case .sequence(let items) = rn.kind {
                rules = items.compactMap { rule($0) }
            } else {
                expected("a list of rules", for: "`rules`", got: rn)
            }
        }
        checkUnique(rules.compactMap(\.id), what: "rule id in `\(name.text)`")
        var overrides: [OverrideSyntax] = []
        if let ovn = m["overrides"] {
            if case .sequence(let items) = ovn.kind {
                overrides = items.compactMap { override($0) }
            } else {
                expected("a list of overrides", for: "`overrides`", got: ovn)
            }
        }
        syntax.decisions.append(DecisionSyntax(name: name, annotations: annotations(m), hit: hit, priority: priority,
                                               complete: m["complete"].flatMap { exprSource($0, "complete") },
                                               outputs: outputs, rules: rules, overrides: overrides))
    }

    private mutating func rule(_ node: YAMLNode) -> RuleSyntax? {
        guard let m = reader(node, "rule", allowed: ["id", "when", "then"] + Self.annotationKeys) else { return nil }
        var then: [(Name, ValueSyntax)] = []
        if let tn = m.required("then", &diagnostics) {
            for (oname, vnode) in entries(tn, "then") {
                if case .sequence(let items) = vnode.kind {
                    then.append((oname, .list(items.compactMap { exprSource($0, "list item") }, vnode.location)))
                } else if let e = exprSource(vnode, "value of `\(oname.text)`") {
                    then.append((oname, .expr(e)))
                }
            }
        }
        return RuleSyntax(id: m["id"].flatMap { scalarName($0, "id") }, annotations: annotations(m),
                          when: conditions(m["when"]), then: then, location: node.location)
    }

    private mutating func override(_ node: YAMLNode) -> OverrideSyntax? {
        guard let m = reader(node, "override", allowed: ["id", "output", "when", "except", "replace"] + Self.annotationKeys),
              let id = m.required("id", &diagnostics).flatMap({ scalarName($0, "id") }),
              let output = m.required("output", &diagnostics).flatMap({ scalarName($0, "output") }),
              let rn = m.required("replace", &diagnostics) else { return nil }
        var except: [ExceptionSyntax] = []
        if let en = m["except"] {
            let items: [YAMLNode]
            if case .sequence(let list) = en.kind { items = list } else { items = [en] }
            for item in items {
                if case .scalar = item.kind {
                    except.append(ExceptionSyntax(id: nil, annotations: Annotations(), when: conditions(item), location: item.location))
                } else if let em = reader(item, "exception", allowed: ["id", "when"] + Self.annotationKeys) {
                    except.append(ExceptionSyntax(id: em["id"].flatMap { scalarName($0, "id") }, annotations: annotations(em),
                                                  when: conditions(em.required("when", &diagnostics)), location: item.location))
                }
            }
        }
        let replace = entries(rn, "replace").compactMap { from, to in scalarName(to, "replacement role").map { (from, $0) } }
        return OverrideSyntax(id: id, annotations: annotations(m), output: output, when: conditions(m["when"]),
                              except: except, replace: replace, location: node.location)
    }

    /// `when:` as one expression, or a list of expressions that must all hold.
    private mutating func conditions(_ node: YAMLNode?) -> [ExprSource] {
        guard let node else { return [] }
        if case .sequence(let items) = node.kind { return items.compactMap { exprSource($0, "condition") } }
        return exprSource(node, "condition").map { [$0] } ?? []
    }

    private mutating func parameter(_ name: Name, _ node: YAMLNode) {
        guard define("parameter", name) else { return }
        guard let m = reader(node, "parameter `\(name.text)`", allowed: ["type", "value"] + Self.annotationKeys),
              let t = m.required("type", &diagnostics), let text = string(t, "type") else { return }
        var value = m["value"]
        if case .null? = value?.kind { value = nil }
        if value == nil {
            diagnostics.error("unset-parameter", "parameter `\(name.text)` is not set", at: (m["value"] ?? node).location,
                              help: "give it a `value:`; a policy with an unset parameter does not load")
        }
        syntax.parameters.append(ParameterSyntax(name: name, type: TypeSyntax(text: text, location: t.location), value: value, annotations: annotations(m)))
    }

    private mutating func measure(_ name: Name, _ node: YAMLNode) {
        guard define("measure", name) else { return }
        guard let m = reader(node, "measure `\(name.text)`", allowed: ["kind", "of", "where", "target", "by"] + Self.annotationKeys),
              let kind = m.required("kind", &diagnostics).flatMap({ scalarName($0, "kind") }),
              let of = m.required("of", &diagnostics).flatMap({ exprSource($0, "of") }) else { return }
        syntax.measures.append(MeasureSyntax(name: name, kind: kind, of: of, where: conditions(m["where"]), target: m["target"],
                                             by: m["by"].flatMap { scalarName($0, "by") }, annotations: annotations(m)))
    }

    /// Text a template leaves for its user to fill in: `[具体时间]`, `TODO`, `TBD`, `FIXME`, `XXX`.
    private mutating func findPlaceholders(_ node: YAMLNode) {
        switch node.kind {
        case .scalar(let text, _):
            if let found = Self.placeholder(in: text) {
                let offset = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: found.lowerBound.samePosition(in: text.unicodeScalars)!)
                diagnostics.error("placeholder", "`\(text[found])` is a placeholder left to be filled in", at: node.location(atOffset: offset, length: text[found].unicodeScalars.count),
                                  help: "replace it with the value your organisation uses (a `parameters:` entry can hold it)")
            }
        case .mapping(let pairs):
            // Source quotes and notes may cite the template's blanks; only policy values must not hold one.
            for (k, v) in pairs where !Self.annotationKeys.contains(k.scalar ?? "") { findPlaceholders(v) }
        case .sequence(let items): items.forEach { findPlaceholders($0) }
        case .null: break
        }
    }

    static func placeholder(in text: String) -> Range<String.Index>? {
        // A bracketed phrase containing Chinese, as templates write blanks: [具体时间], 【具体时间】.
        for (open, close) in [("[", "]"), ("【", "】")] {
            var search = text.startIndex
            while let o = text.range(of: open, range: search..<text.endIndex),
                  let c = text.range(of: close, range: o.upperBound..<text.endIndex) {
                let inner = text[o.upperBound..<c.lowerBound]
                if inner.unicodeScalars.contains(where: { (0x4E00...0x9FFF).contains($0.value) }) { return o.lowerBound..<c.upperBound }
                search = o.upperBound
            }
        }
        for word in ["TODO", "TBD", "FIXME", "XXX"] {
            if let r = text.range(of: word) {
                let before = r.lowerBound == text.startIndex ? nil : text[text.index(before: r.lowerBound)]
                let after = r.upperBound == text.endIndex ? nil : text[r.upperBound]
                if !(before?.isLetter ?? false), !(after?.isLetter ?? false) { return r }
            }
        }
        return nil
    }

    private mutating func calendar(_ name: Name, _ node: YAMLNode) {
        guard define("calendar", name) else { return }
        guard let m = reader(node, "calendar `\(name.text)`",
                             allowed: ["timezone", "weekdays", "hours", "adjusted_hours", "years", "holidays", "working_days"] + Self.annotationKeys) else { return }
        func days(_ key: String) -> [CalendarSyntax.DaySyntax] {
            guard let n = m[key] else { return [] }
            return list(n, key).compactMap { item in
                guard let dm = reader(item, "an entry of `\(key)`", allowed: ["date", "from", "to", "label"]) else { return nil }
                let label = dm["label"].map { localized($0, "label") } ?? Localized()
                if let d = dm["date"] {
                    return .init(from: d, to: nil, label: label, location: item.location)
                }
                guard let from = dm.required("from", &diagnostics), let to = dm.required("to", &diagnostics) else { return nil }
                return .init(from: from, to: to, label: label, location: item.location)
            }
        }
        syntax.calendars.append(CalendarSyntax(
            name: name, annotations: annotations(m), timezone: m["timezone"].flatMap { scalarName($0, "timezone") },
            weekdays: m["weekdays"].map { list($0, "weekdays").compactMap { scalarName($0, "weekday") } },
            hours: m.required("hours", &diagnostics), adjustedHours: m["adjusted_hours"],
            years: m.required("years", &diagnostics).map { list($0, "years") } ?? [],
            holidays: days("holidays"), workingDays: days("working_days")))
    }

    private mutating func clock(_ name: Name, _ node: YAMLNode) {
        guard define("clock", name) else { return }
        guard let m = reader(node, "clock `\(name.text)`",
                             allowed: ["when", "start", "target", "at_risk", "agreed", "stop", "outputs"] + Self.annotationKeys),
              let start = m.required("start", &diagnostics).flatMap({ exprSource($0, "start") }),
              let targetNode = m.required("target", &diagnostics), let parsedTarget = target(targetNode) else { return }
        var due: Name?, risk: Name?
        if let o = m["outputs"], let om = reader(o, "outputs of clock `\(name.text)`", allowed: ["due", "at_risk"]) {
            due = om["due"].flatMap { scalarName($0, "due") }
            risk = om["at_risk"].flatMap { scalarName($0, "at_risk") }
        }
        syntax.clocks.append(ClockSyntax(
            name: name, annotations: annotations(m), when: conditions(m["when"]), start: start, target: parsedTarget,
            atRisk: m["at_risk"].flatMap { target($0) }, agreed: m["agreed"].flatMap { scalarName($0, "agreed") },
            stop: m["stop"].flatMap { scalarName($0, "stop") }, dueOutput: due, atRiskOutput: risk, location: name.location))
    }

    /// `2d` (clock time), or `{working_hours: 3, calendar: cn-office}` / `{working_days: 5, calendar: cn-office}`.
    private mutating func target(_ node: YAMLNode) -> TargetSyntax? {
        if case .scalar = node.kind { return .clock(node) }
        guard let m = reader(node, "a clock target", allowed: ["working_hours", "working_days", "calendar"]),
              let cal = m.required("calendar", &diagnostics).flatMap({ scalarName($0, "calendar") }) else { return nil }
        switch (m["working_hours"], m["working_days"]) {
        case let (h?, nil): return .workingHours(h, calendar: cal)
        case let (nil, d?): return .workingDays(d, calendar: cal)
        default:
            diagnostics.error("invalid-target", "a working-time target gives exactly one of `working_hours` and `working_days`", at: node.location)
            return nil
        }
    }

    private mutating func list(_ node: YAMLNode, _ what: String) -> [YAMLNode] {
        if case .sequence(let items) = node.kind { return items }
        expected("a list", for: "`\(what)`", got: node)
        return []
    }

    // MARK: Annotations

    static let annotationKeys = ["label", "note", "quote", "reading"]

    private mutating func annotations(_ m: MappingReader) -> Annotations {
        Annotations(label: m["label"].map { localized($0, "label") } ?? Localized(),
                    note: m["note"].map { localized($0, "note") } ?? Localized(),
                    quote: m["quote"].flatMap { string($0, "quote") },
                    reading: m["reading"].map { localized($0, "reading") } ?? Localized())
    }

    /// A plain string (used for both languages) or `{en: ..., zh: ...}`.
    private mutating func localized(_ node: YAMLNode, _ what: String) -> Localized {
        if case .scalar(let s, _) = node.kind { return Localized(en: s, zh: s) }
        guard let m = reader(node, what, allowed: Language.allCases.map(\.rawValue)) else { return Localized() }
        return Localized(en: m["en"].flatMap { string($0, "en") }, zh: m["zh"].flatMap { string($0, "zh") })
    }

    // MARK: Node helpers

    private mutating func reader(_ node: YAMLNode, _ what: String, allowed: [String]) -> MappingReader? {
        guard case .mapping(let pairs) = node.kind else {
            expected("a mapping", for: what, got: node)
            return nil
        }
        var r = MappingReader(location: node.location)
        for (k, v) in pairs {
            guard let key = k.scalar else {
                diagnostics.error("invalid-key", "keys must be plain names", at: k.location)
                continue
            }
            if !allowed.contains(key) {
                diagnostics.error("unknown-key", "unknown key `\(key)` in \(what)", at: k.location,
                                  help: Suggestions.help(for: key, in: allowed, what: "keys"))
                continue
            }
            r.values[key] = v
        }
        return r
    }

    private mutating func entries(_ node: YAMLNode, _ what: String) -> [(Name, YAMLNode)] {
        guard case .mapping(let pairs) = node.kind else {
            if case .null = node.kind { return [] }
            expected("a mapping", for: "`\(what)`", got: node)
            return []
        }
        return pairs.compactMap { k, v in
            guard let key = k.scalar else {
                diagnostics.error("invalid-key", "keys must be plain names", at: k.location)
                return nil
            }
            return (Name(text: key, location: k.location), v)
        }
    }

    private mutating func expected(_ what: String, for context: String, got node: YAMLNode) {
        diagnostics.error("wrong-node-kind", "expected \(what) for \(context), found \(node.kindName)", at: node.location)
    }

    private mutating func string(_ node: YAMLNode, _ what: String) -> String? {
        if case .scalar(let s, _) = node.kind { return s }
        expected("text", for: "`\(what)`", got: node)
        return nil
    }

    private mutating func scalarName(_ node: YAMLNode, _ what: String) -> Name? {
        string(node, what).map { Name(text: $0, location: node.location) }
    }

    private mutating func bool(_ node: YAMLNode, _ what: String) -> Bool? {
        switch node.scalar {
        case "true"?: return true
        case "false"?: return false
        default:
            diagnostics.error("wrong-node-kind", "expected `true` or `false` for `\(what)`", at: node.location)
            return nil
        }
    }

    private mutating func exprSource(_ node: YAMLNode, _ what: String) -> ExprSource? {
        string(node, what).map { ExprSource(text: $0, node: node) }
    }

    /// Records a definition; a second one with the same kind and name is an error.
    private mutating func define(_ kind: String, _ name: Name) -> Bool {
        let key = kind + ":" + name.text
        if let first = firstDefinition[key] {
            diagnostics.error("duplicate-definition", "\(kind) `\(name.text)` is defined twice", at: name.location,
                              notes: [.init("first defined here", at: first)])
            return false
        }
        firstDefinition[key] = name.location
        return true
    }

    private mutating func checkUnique(_ names: [Name], what: String) {
        var seen: [String: SourceLocation] = [:]
        for n in names {
            if let first = seen[n.text] {
                diagnostics.error("duplicate-definition", "\(what) `\(n.text)` is defined twice", at: n.location,
                                  notes: [.init("first defined here", at: first)])
            } else {
                seen[n.text] = n.location
            }
        }
    }
}

/// The keys of one YAML mapping, after unknown keys have been reported.
struct MappingReader {
    var location: SourceLocation
    var values: [String: YAMLNode] = [:]

    subscript(key: String) -> YAMLNode? { values[key] }

    func required(_ key: String, _ diagnostics: inout DiagnosticBag) -> YAMLNode? {
        if let v = values[key] { return v }
        diagnostics.error("missing-key", "missing required key `\(key)`", at: location)
        return nil
    }
}
