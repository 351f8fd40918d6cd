/// The `clocks` section.
extension PolicySyntaxBuilder {
    mutating func clock(_ name: Name, _ node: YAMLNode) {
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
    mutating func target(_ node: YAMLNode) -> TargetSyntax? {
        if case .scalar = node.kind { return .clock(node) }
        guard let m = reader(node, "a clock target", allowed: ["working_hours", "working_days", "calendar"]),
              let cal = m.required("calendar", &diagnostics).flatMap({ scalarName($0, "calendar") }) else { return nil }
        switch (m["working_hours"], m["working_days"]) {
        case let (h?, nil): return .workingHours(h, calendar: cal)
        case let (nil, d?): return .workingDays(d, calendar: cal)
        default:
            diagnostics.error(.invalidTarget, "a working-time target gives exactly one of `working_hours` and `working_days`", at: node.location)
            return nil
        }
    }
}
