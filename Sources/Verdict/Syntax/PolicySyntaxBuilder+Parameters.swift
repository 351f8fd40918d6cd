/// The `parameters` section.
extension PolicySyntaxBuilder {
    mutating func parameter(_ name: Name, _ node: YAMLNode) {
        guard define("parameter", name) else { return }
        guard let m = reader(node, "parameter `\(name.text)`", allowed: ["type", "value"] + Self.annotationKeys),
              let t = m.required("type", &diagnostics), let text = string(t, "type") else { return }
        var value = m["value"]
        if case .null? = value?.kind { value = nil }
        if value == nil {
            diagnostics.error(.unsetParameter, "parameter `\(name.text)` is not set", at: (m["value"] ?? node).location,
                              help: "give it a `value:`; a policy with an unset parameter does not load")
        }
        syntax.parameters.append(ParameterSyntax(name: name, type: TypeSyntax(text: text, location: t.location), value: value, annotations: annotations(m)))
    }
}
