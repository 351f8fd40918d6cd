/// The `calendars` section.
extension PolicySyntaxBuilder {
    mutating func calendar(_ name: Name, _ node: YAMLNode) {
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
        // `years: every`: the weekly pattern holds in every year; else the list of years it covers.
        let years = m.required("years", &diagnostics)
        syntax.calendars.append(CalendarSyntax(
            name: name, annotations: annotations(m), timezone: m["timezone"].flatMap { scalarName($0, "timezone") },
            weekdays: m["weekdays"].map { list($0, "weekdays").compactMap { scalarName($0, "weekday") } },
            hours: m.required("hours", &diagnostics), adjustedHours: m["adjusted_hours"],
            years: years.flatMap { $0.scalar == "every" ? nil : list($0, "years") } ?? [],
            everyYear: years?.scalar == "every" ? years : nil,
            holidays: days("holidays"), workingDays: days("working_days")))
    }
}
