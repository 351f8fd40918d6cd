/// The schema sections: `enums`, `roles`, `fields`, `sets`.
extension PolicySyntaxBuilder {
    mutating func enumeration(_ name: Name, _ node: YAMLNode) {
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
    mutating func enumMembers(_ node: YAMLNode, _ owner: String) -> [EnumSyntax.Member] {
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

    mutating func roles(_ node: YAMLNode) {
        let name = Name(text: "role", location: node.location)
        guard define("enum", name) else { return }
        let members = enumMembers(node, "roles")
        checkUnique(members.map(\.name), what: "role")
        syntax.enums.append(EnumSyntax(name: name, members: members, annotations: Annotations()))
    }

    mutating func field(_ name: Name, _ node: YAMLNode) {
        guard define("field", name) else { return }
        if case .scalar(let t, _) = node.kind {
            syntax.fields.append(FieldSyntax(name: name, type: TypeSyntax(text: t, location: node.location), optional: false,
                                             defaultValue: nil, personal: false, loggable: false, annotations: Annotations()))
            return
        }
        guard let m = reader(node, "field `\(name.text)`", allowed: ["type", "values", "optional", "default", "personal", "loggable", "normalize", "known", "others"] + Self.constraintKeys + Self.annotationKeys) else { return }
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
                diagnostics.error(.invalidType, "a field with `values` has type `enum`", at: t.location)
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
            annotations: annotations(m),
            constraints: ConstraintSyntax(min: m["min"], max: m["max"], minLength: m["min_length"], maxLength: m["max_length"], pattern: m["pattern"]),
            normalize: m["normalize"], known: m["known"].map { knownValues($0, name.text) } ?? [], knownLocation: m["known"]?.location,
            others: m["others"]))
    }

    /// `known: [henan, shaanxi]`, or a mapping of each value to its labels and aliases:
    /// `henan: {en: Henan, zh: 河南, also: [河南省]}` (a plain text is its label in both languages).
    mutating func knownValues(_ node: YAMLNode, _ field: String) -> [KnownValueSyntax] {
        switch node.kind {
        case .sequence(let items):
            return items.compactMap { scalarName($0, "known value of `\(field)`").map { KnownValueSyntax(name: $0, label: Localized(), also: []) } }
        case .mapping:
            return entries(node, "known values of `\(field)`").map { name, value in
                if case .null = value.kind { return KnownValueSyntax(name: name, label: Localized(), also: []) }
                if case .scalar(let s, _) = value.kind { return KnownValueSyntax(name: name, label: Localized(en: s, zh: s), also: []) }
                guard let m = reader(value, "known value `\(name.text)` of `\(field)`", allowed: ["en", "zh", "also"]) else {
                    return KnownValueSyntax(name: name, label: Localized(), also: [])
                }
                var also: [Name] = []
                if let a = m["also"] {
                    switch a.kind {
                    case .sequence(let items): also = items.compactMap { scalarName($0, "also") }
                    case .scalar: also = scalarName(a, "also").map { [$0] } ?? []
                    default: expected("a list of texts", for: "`also`", got: a)
                    }
                }
                return KnownValueSyntax(name: name, label: Localized(en: m["en"].flatMap { string($0, "en") }, zh: m["zh"].flatMap { string($0, "zh") }),
                                        also: also)
            }
        default:
            expected("a list or mapping of values", for: "`known` of `\(field)`", got: node)
            return []
        }
    }

    /// The keys of a field's bounds (see ``FieldConstraints``).
    static let constraintKeys = ["min", "max", "min_length", "max_length", "pattern"]

    mutating func set(_ name: Name, _ node: YAMLNode) {
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
}
