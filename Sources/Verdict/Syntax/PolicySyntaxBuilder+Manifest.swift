/// The `policy:` manifest.
extension PolicySyntaxBuilder {
    mutating func manifest(_ node: YAMLNode) {
        syntax.manifestWritten = true
        guard let m = reader(node, "policy", allowed: ["name", "version", "effective", "effective_by", "title", "timezone", "currency", "include"] + Self.annotationKeys) else { return }
        if let first = syntax.manifest {
            diagnostics.error(.duplicateDefinition, "the policy manifest is defined twice", at: node.location,
                              notes: [.init("first defined here", at: first.location)])
            return
        }
        guard let name = m.required("name", &diagnostics).flatMap({ scalarName($0, "policy name") }) else { return }
        // The service addresses a set by its name in a path: a name that cannot be one is refused here.
        if let problem = PolicyName.problem(name.text) {
            diagnostics.error(.invalidPolicyName, problem, at: name.location, help: PolicyName.rule)
        }
        let version = m.required("version", &diagnostics).flatMap { string($0, "version") } ?? ""
        var effective: CivilDate?
        if let e = m["effective"], let text = string(e, "effective date") {
            do { effective = try CivilDate(iso: text) } catch {
                diagnostics.error(.invalidDate, "`\(text)` is not a date (like 2011-06-12)", at: e.location)
            }
        }
        syntax.manifest = ManifestSyntax(
            name: name, version: version, effective: effective, effectiveLocation: m["effective"]?.location,
            effectiveBy: m["effective_by"].flatMap { scalarName($0, "effective_by field") },
            title: m["title"].map { localized($0, "title") } ?? Localized(),
            timezone: m["timezone"].flatMap { scalarName($0, "timezone") },
            currency: m["currency"].flatMap { scalarName($0, "currency") },
            include: m["include"].map { list($0, "include").compactMap { scalarName($0, "include") } } ?? [],
            annotations: annotations(m), location: node.location)
    }
}
