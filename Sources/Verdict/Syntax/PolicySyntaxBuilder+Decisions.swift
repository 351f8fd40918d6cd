/// The `decisions` section: tables, rules, overrides.
extension PolicySyntaxBuilder {
    mutating func decision(_ name: Name, _ node: YAMLNode) {
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

    mutating func rule(_ node: YAMLNode) -> RuleSyntax? {
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

    mutating func override(_ node: YAMLNode) -> OverrideSyntax? {
        guard let m = reader(node, "override", allowed: ["id", "output", "when", "except", "replace", "remove", "insert"] + Self.annotationKeys),
              let id = m.required("id", &diagnostics).flatMap({ scalarName($0, "id") }),
              let output = m.required("output", &diagnostics).flatMap({ scalarName($0, "output") }) else { return nil }
        if m["replace"] == nil, m["remove"] == nil, m["insert"] == nil {
            diagnostics.error(.missingKey, "override `\(id.text)` changes nothing: give `replace`, `remove` or `insert`", at: node.location,
                              help: "say what it does to `\(output.text)`: `replace: {FROM: TO}`, `remove: [MEMBER]` or `insert: {role: MEMBER, after: MEMBER}`")
            return nil
        }
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
        let replace = m["replace"].map { entries($0, "replace").compactMap { from, to in scalarName(to, "replacement role").map { (from, $0) } } } ?? []
        var remove: [Name] = []
        if let rn = m["remove"] {
            let items: [YAMLNode]
            if case .sequence(let list) = rn.kind { items = list } else { items = [rn] }
            remove = items.compactMap { scalarName($0, "removed role") }
        }
        var insert: [InsertSyntax] = []
        if let inode = m["insert"] {
            let items: [YAMLNode]
            if case .sequence(let list) = inode.kind { items = list } else { items = [inode] }
            insert = items.compactMap { insertion($0) }
        }
        return OverrideSyntax(id: id, annotations: annotations(m), output: output, when: conditions(m["when"]),
                              except: except, replace: replace, remove: remove, insert: insert, location: node.location)
    }

    /// `{role: legal_officer, after: store_manager}` or `{role: …, before: …}`: exactly one of the two.
    private mutating func insertion(_ node: YAMLNode) -> InsertSyntax? {
        guard let m = reader(node, "insert", allowed: ["role", "after", "before"]),
              let member = m.required("role", &diagnostics).flatMap({ scalarName($0, "role") }) else { return nil }
        switch (m["after"], m["before"]) {
        case let (a?, nil): return scalarName(a, "after").map { InsertSyntax(member: member, anchor: $0, after: true, location: node.location) }
        case let (nil, b?): return scalarName(b, "before").map { InsertSyntax(member: member, anchor: $0, after: false, location: node.location) }
        case (_?, _?):
            diagnostics.error(.overrideConflict, "insert `\(member.text)` either `after` or `before` a member, not both", at: node.location)
            return nil
        case (nil, nil):
            diagnostics.error(.missingKey, "insert `\(member.text)` needs `after` or `before`: the member it goes next to", at: node.location)
            return nil
        }
    }

    /// `when:` as one expression, or a list of expressions that must all hold.
    mutating func conditions(_ node: YAMLNode?) -> [ExprSource] {
        guard let node else { return [] }
        if case .sequence(let items) = node.kind { return items.compactMap { exprSource($0, "condition") } }
        return exprSource(node, "condition").map { [$0] } ?? []
    }
}
