/// Builds ``PolicySyntax`` from the YAML of every file in a policy set.
///
/// Checks shape only (keys, node kinds, duplicates); names and types are the checker's job.
struct PolicySyntaxBuilder {
    var syntax = PolicySyntax()
    var diagnostics = DiagnosticBag()
    var firstDefinition: [String: SourceLocation] = [:]

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

    // MARK: Readers shared by the sections

    mutating func list(_ node: YAMLNode, _ what: String) -> [YAMLNode] {
        if case .sequence(let items) = node.kind { return items }
        expected("a list", for: "`\(what)`", got: node)
        return []
    }

    // MARK: Annotations

    static let annotationKeys = ["label", "note", "quote", "reading"]

    mutating func annotations(_ m: MappingReader) -> Annotations {
        Annotations(label: m["label"].map { localized($0, "label") } ?? Localized(),
                    note: m["note"].map { localized($0, "note") } ?? Localized(),
                    quote: m["quote"].flatMap { string($0, "quote") },
                    reading: m["reading"].map { localized($0, "reading") } ?? Localized())
    }

    /// A plain string (used for both languages) or `{en: ..., zh: ...}`.
    mutating func localized(_ node: YAMLNode, _ what: String) -> Localized {
        if case .scalar(let s, _) = node.kind { return Localized(en: s, zh: s) }
        guard let m = reader(node, what, allowed: Language.allCases.map(\.rawValue)) else { return Localized() }
        return Localized(en: m["en"].flatMap { string($0, "en") }, zh: m["zh"].flatMap { string($0, "zh") })
    }

    mutating func reader(_ node: YAMLNode, _ what: String, allowed: [String]) -> MappingReader? {
        guard case .mapping(let pairs) = node.kind else {
            expected("a mapping", for: what, got: node)
            return nil
        }
        var r = MappingReader(location: node.location)
        for (k, v) in pairs {
            guard let key = k.scalar else {
                diagnostics.error(.invalidKey, "keys must be plain names", at: k.location)
                continue
            }
            if !allowed.contains(key) {
                diagnostics.error(.unknownKey, "unknown key `\(key)` in \(what)", at: k.location,
                                  help: Suggestions.help(for: key, in: allowed, what: "keys"))
                continue
            }
            r.values[key] = v
        }
        return r
    }

    mutating func entries(_ node: YAMLNode, _ what: String) -> [(Name, YAMLNode)] {
        guard case .mapping(let pairs) = node.kind else {
            if case .null = node.kind { return [] }
            expected("a mapping", for: "`\(what)`", got: node)
            return []
        }
        return pairs.compactMap { k, v in
            guard let key = k.scalar else {
                diagnostics.error(.invalidKey, "keys must be plain names", at: k.location)
                return nil
            }
            return (Name(text: key, location: k.location), v)
        }
    }

    mutating func expected(_ what: String, for context: String, got node: YAMLNode) {
        diagnostics.error(.wrongNodeKind, "expected \(what) for \(context), found \(node.kindName)", at: node.location)
    }

    mutating func string(_ node: YAMLNode, _ what: String) -> String? {
        if case .scalar(let s, _) = node.kind { return s }
        expected("text", for: "`\(what)`", got: node)
        return nil
    }

    mutating func scalarName(_ node: YAMLNode, _ what: String) -> Name? {
        string(node, what).map { Name(text: $0, location: node.location) }
    }

    mutating func bool(_ node: YAMLNode, _ what: String) -> Bool? {
        switch node.scalar {
        case "true"?: return true
        case "false"?: return false
        default:
            diagnostics.error(.wrongNodeKind, "expected `true` or `false` for `\(what)`", at: node.location)
            return nil
        }
    }

    mutating func exprSource(_ node: YAMLNode, _ what: String) -> ExprSource? {
        string(node, what).map { ExprSource(text: $0, node: node) }
    }

    /// Records a definition; a second one with the same kind and name is an error.
    mutating func define(_ kind: String, _ name: Name) -> Bool {
        let key = kind + ":" + name.text
        if let first = firstDefinition[key] {
            diagnostics.error(.duplicateDefinition, "\(kind) `\(name.text)` is defined twice", at: name.location,
                              notes: [.init("first defined here", at: first)])
            return false
        }
        firstDefinition[key] = name.location
        return true
    }

    mutating func checkUnique(_ names: [Name], what: String) {
        var seen: [String: SourceLocation] = [:]
        for n in names {
            if let first = seen[n.text] {
                diagnostics.error(.duplicateDefinition, "\(what) `\(n.text)` is defined twice", at: n.location,
                                  notes: [.init("first defined here", at: first)])
            } else {
                seen[n.text] = n.location
            }
        }
    }
}
