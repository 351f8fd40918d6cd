import Foundation

/// The dimensions of the input space the analyser reasons over: fields and outputs, and the date
/// functions of them (`month(reported_at)`, `hour(reported_at)`, `is_working_day(...)`), each with
/// its exact domain (12 months, hours 0–23, …).
///
/// A date function is a dimension of its own only while that is exact: the parts of one timestamp
/// that vary independently (year, month, weekday and the time of day: every combination is some
/// instant) may be combined; a field read both directly and through a function, or through parts
/// that constrain each other (a day of the month with a month: there is no 30 February), is not
/// analysed rather than analysed wrongly.
extension Analyzer {
    indirect enum Dimension: Hashable, Sendable, CustomStringConvertible {
        case reference(Expr.Reference)
        /// A part of a field or output read in a zone (UTC for a date, which has no zone);
        /// `members` as in ``Expr/datePart(_:_:zone:members:)``.
        case part(DatePart, Expr.Reference, Zone, members: Int32)
        /// `days_between` of two date dimensions (a date field, or `date(t)`).
        case daysBetween(Dimension, Dimension)
        /// `is_working_time` (`time`) or `is_working_day` of a dimension, in a calendar.
        case working(time: Bool, calendar: String, Dimension)

        /// The fields and outputs it is computed from.
        var references: [Expr.Reference] {
            switch self {
            case .reference(let r), .part(_, let r, _, _): return [r]
            case let .daysBetween(a, b): return a.references + b.references
            case .working(_, _, let d): return d.references
            }
        }

        /// For sorting a box's dimensions into a stable order.
        var description: String {
            switch self {
            case .reference(let r): return "\(r)"
            case let .part(p, r, z, _): return "\(r).\(p.name)@\(z.identifier)"
            case let .daysBetween(a, b): return "days(\(a),\(b))"
            case let .working(t, c, d): return "\(t ? "time" : "day")(\(d),\(c))"
            }
        }
    }

    /// The dimension a condition reads: a field or output, or a date function of one.
    static func dimension(_ e: Expr) throws(Unanalysable) -> Dimension {
        switch e {
        case .field(let i): return .reference(.field(i))
        case .output(let i): return .reference(.output(i))
        case .span(_, let inner): return try dimension(inner)
        case let .datePart(part, inner, zone, members):
            // A part of a computed instant (`hour(received_at + 2h)`) has no dimension of its own.
            let r = try reference(inner)
            return .part(part, r, zone, members: members)
        case let .daysBetween(a, b): return .daysBetween(try dateDimension(a), try dateDimension(b))
        case let .isWorkingTime(c, inner): return .working(time: true, calendar: c.name, .reference(try reference(inner)))
        case let .isWorkingDay(c, inner): return .working(time: false, calendar: c.name, try dateDimension(inner))
        default: throw Unanalysable(reason: "a condition on a computed value")
        }
    }

    /// A field or output, or `date(t)` of a timestamp.
    private static func dateDimension(_ e: Expr) throws(Unanalysable) -> Dimension {
        let d = try dimension(e)
        switch d {
        case .reference: return d
        case .part(.date, _, _, _): return d
        default: throw Unanalysable(reason: "a condition on a computed value")
        }
    }

    static func type(of d: Dimension, _ model: CheckedPolicy) -> ValueType {
        switch d {
        case .reference(let r): return type(of: r, model)
        case let .part(part, _, _, members):
            switch part {
            case .month, .weekday: return .enumeration(model.members[Int(members)].enumIndex)
            case .date: return .date
            default: return .integer
            }
        case .daysBetween: return .integer
        case .working: return .bool
        }
    }

    /// Every value a dimension can take: its type's, narrowed by a field's bounds, an output's
    /// assignments or a date part's range.
    static func domain(of d: Dimension, _ model: CheckedPolicy) -> Constraint.Values {
        switch d {
        case .reference(.output(let o)): return outputDomain(o, model) ?? full(type(of: d, model), model)
        case .reference(.field(let i)):
            // A field's bounds are part of its domain: below `min: 0` there is no gap to find.
            let c = model.fields[i].constraints
            guard c.minimum != nil || c.maximum != nil else { return full(type(of: d, model), model) }
            let lo = c.minimum.flatMap(integer) ?? .min, hi = c.maximum.flatMap(integer) ?? .max
            return .ranges(lo <= hi ? [lo...hi] : [])
        case let .part(part, _, _, _):
            if case .enumeration = type(of: d, model) { return full(type(of: d, model), model) }
            return .ranges([part.range])
        case .daysBetween, .working: return full(type(of: d, model), model)
        }
    }

    /// The dimension as the policy writes it: `cost`, `month(reported_at)`.
    static func name(of d: Dimension, _ model: CheckedPolicy) -> String {
        switch d {
        case .reference(.field(let i)): return model.fields[i].name
        case .reference(.output(let i)): return model.outputs[i].name
        case let .part(part, r, _, _): return "\(part.name)(\(name(of: .reference(r), model)))"
        case let .daysBetween(a, b): return "days_between(\(name(of: a, model)), \(name(of: b, model)))"
        case let .working(time, calendar, x): return "\(time ? "is_working_time" : "is_working_day")(\(name(of: x, model)), \"\(calendar)\")"
        }
    }

    /// Throws unless the dimensions the regions constrain vary independently, so that every box
    /// describes real cases (see ``Dimension``).
    static func independent(_ regions: [Region], _ model: CheckedPolicy) throws(Unanalysable) {
        var byReference: [Expr.Reference: Set<Dimension>] = [:]
        for region in regions {
            for box in region.boxes {
                for d in box.keys {
                    for r in d.references { byReference[r, default: []].insert(d) }
                }
            }
        }
        for (r, dims) in byReference where dims.count > 1 {
            let field = name(of: .reference(r), model)
            var parts = Set<DatePart>()
            var zones = Set<Zone>()
            for d in dims {
                guard case let .part(p, _, z, _) = d else {
                    let shown = dims.map { name(of: $0, model) }.sorted().map { "`\($0)`" }.joined(separator: " and ")
                    throw Unanalysable(reason: "\(shown), which depend on each other through `\(field)`")
                }
                parts.insert(p)
                zones.insert(z)
            }
            if zones.count > 1 {
                throw Unanalysable(reason: "parts of `\(field)` read in different zones")
            }
            let dateParts = parts.subtracting([.hour, .minute])
            let exact = dateParts.isSubset(of: [.year, .month, .weekday]) || dateParts == [.year, .day] || dateParts.count == 1
            if !exact {
                let shown = parts.map(\.name).sorted().map { "`\($0)(\(field))`" }.joined(separator: " and ")
                throw Unanalysable(reason: "\(shown), which constrain each other (not every combination is a date)")
            }
            // Where the clocks change, some hours do not exist on some days.
            if !dateParts.isEmpty, parts.count > dateParts.count, let z = zones.first, z.observesDaylightSaving {
                throw Unanalysable(reason: "a date and a time of day of `\(field)` in \(z.identifier), which changes its clocks")
            }
        }
    }
}

extension Zone {
    /// Whether the zone changes its offset after 2000 (daylight saving or a change of standard time).
    var observesDaylightSaving: Bool {
        guard identifier != "UTC", let tz = TimeZone(identifier: identifier) else { return false }
        return tz.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: 946_684_800)) != nil
    }
}
