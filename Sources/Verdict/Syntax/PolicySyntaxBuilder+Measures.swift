/// The `measures` section.
extension PolicySyntaxBuilder {
    mutating func measure(_ name: Name, _ node: YAMLNode) {
        guard define("measure", name) else { return }
        guard let m = reader(node, "measure `\(name.text)`", allowed: ["kind", "of", "where", "target", "by"] + Self.annotationKeys),
              let kind = m.required("kind", &diagnostics).flatMap({ scalarName($0, "kind") }),
              let of = m.required("of", &diagnostics).flatMap({ exprSource($0, "of") }) else { return }
        syntax.measures.append(MeasureSyntax(name: name, kind: kind, of: of, where: conditions(m["where"]), target: m["target"],
                                             by: m["by"].flatMap { scalarName($0, "by") }, annotations: annotations(m)))
    }
}
