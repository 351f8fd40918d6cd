import Foundation
/// Checking of working-time calendars, the working-time functions and SLA clocks.
extension Checker {
    static let weekdayNames = ["mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7]

    mutating func declareCalendars(_ calendars: [CalendarSyntax]) {
        for c in calendars {
            var zone = model.zone
            if let tz = c.timezone {
                if let z = Zone(identifier: tz.text) { zone = z } else {
                    diagnostics.error(.unknownTimezone, "unknown time zone `\(tz.text)`", at: tz.location, help: "use an IANA name such as `Asia/Shanghai`")
                }
            }
            var weekdays = Set<Int>()
            for w in c.weekdays ?? [] {
                if let d = Self.weekdayNames[w.text] { weekdays.insert(d) } else {
                    diagnostics.error(.unknownWeekday, "unknown weekday `\(w.text)`", at: w.location,
                                      help: Suggestions.help(for: w.text, in: Array(Self.weekdayNames.keys), what: "weekdays"))
                }
            }
            var periods: [WorkingCalendar.Period] = []
            var byWeekday: [Int: [WorkingCalendar.Period]] = [:]
            switch c.hours?.kind {
            case .sequence?:
                periods = periodList(c.hours!)
                if c.weekdays == nil {
                    diagnostics.error(.missingKey, "calendar `\(c.name.text)` needs `weekdays` when `hours` is one list", at: c.name.location,
                                      help: "add `weekdays: [mon, tue, wed, thu, fri]`, or give `hours` per weekday")
                }
            case .mapping(let pairs)?:
                for (k, v) in pairs {
                    guard let key = k.scalar, let d = Self.weekdayNames[key] else {
                        diagnostics.error(.unknownWeekday, "unknown weekday `\(k.scalar ?? "")`", at: k.location,
                                          help: Suggestions.help(for: k.scalar ?? "", in: Array(Self.weekdayNames.keys), what: "weekdays"))
                        continue
                    }
                    byWeekday[d] = periodList(v)
                }
                if c.weekdays == nil { weekdays = Set(byWeekday.keys) }
                for d in weekdays where byWeekday[d] == nil {
                    diagnostics.error(.missingHours, "weekday `\(Self.weekdayNames.first { $0.value == d }!.key)` is a working day of calendar `\(c.name.text)` but has no hours",
                                      at: c.hours!.location)
                }
                periods = byWeekday[1] ?? byWeekday.sorted { $0.key < $1.key }.first?.value ?? []
            default:
                if let h = c.hours {
                    diagnostics.error(.wrongNodeKind, "expected a list of periods or a mapping from weekday to periods for `hours`, found \(h.kindName)", at: h.location)
                }
            }
            let adjusted = c.adjustedHours.map { periodList($0) }
            var years = Set<Int>()
            for y in c.years {
                if let n = y.scalar.flatMap({ Int($0) }), Self.calendarYears.contains(n) { years.insert(n) } else {
                    diagnostics.error(.invalidLiteral, Self.yearProblem(y.scalar), at: y.location)
                }
            }
            let everyYear = c.everyYear != nil
            if everyYear, !(1...7).contains(where: { weekdays.contains($0) && !(byWeekday[$0] ?? periods).isEmpty }) {
                diagnostics.error(.missingHours, "calendar `\(c.name.text)` has `years: every` but no working weekday with hours, so no deadline in it could ever fall",
                                  at: c.everyYear!.location, help: "give it `weekdays` and `hours`, or list the years it covers")
            }
            let holidays = days(c.holidays, years: everyYear ? nil : years, calendar: c.name.text, what: "holiday")
            let working = days(c.workingDays, years: everyYear ? nil : years, calendar: c.name.text, what: "adjusted working day")
            let holidayDates = Set(holidays.map(\.date))
            for (w, s) in zip(working, c.workingDays) where holidayDates.contains(w.date) {
                diagnostics.error(.calendarConflict, "\(w.date) is both a holiday and an adjusted working day", at: s.location)
            }
            calendarByName[c.name.text] = model.calendars.count
            model.calendars.append(WorkingCalendar(name: c.name.text, label: c.annotations.label, zone: zone, weekdays: weekdays,
                                                   periods: periods, periodsByWeekday: byWeekday, adjustedPeriods: adjusted,
                                                   years: years, everyYear: everyYear, holidays: holidays, adjustedWorkingDays: working))
        }
    }

    /// A YAML list of `09:00-12:00` periods, in order and without overlaps.
    private mutating func periodList(_ node: YAMLNode) -> [WorkingCalendar.Period] {
        guard case .sequence(let items) = node.kind else {
            diagnostics.error(.wrongNodeKind, "expected a list of working periods like `09:00-12:00`, found \(node.kindName)", at: node.location)
            return []
        }
        var periods: [WorkingCalendar.Period] = []
        for h in items {
            guard let text = h.scalar, let p = Self.period(text) else {
                diagnostics.error(.invalidHours, "expected working hours like `09:00-12:00`, found `\(h.scalar ?? h.kindName)`", at: h.location)
                continue
            }
            if let last = periods.last, p.start < last.end {
                diagnostics.error(.invalidHours, "working hours `\(text)` overlap or are out of order", at: h.location,
                                  help: "list the periods of a day in order, without overlaps")
            }
            periods.append(p)
        }
        return periods
    }

    /// `09:00-12:00` as minutes after midnight.
    static func period(_ text: String) -> WorkingCalendar.Period? {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        func minutes(_ s: String) -> Int? {
            let hm = s.split(separator: ":")
            guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440 else { return nil }
            return h * 60 + m
        }
        guard parts.count == 2, let a = minutes(parts[0]), let b = minutes(parts[1]), a < b else { return nil }
        return WorkingCalendar.Period(start: a, end: b)
    }

    /// The years a calendar may list: published holiday tables, with room for any real one.
    static let calendarYears = 1901...2999

    /// Why a `years:` entry is not a year a calendar can list: out of the range (which it gives), or
    /// not a year at all.
    static func yearProblem(_ text: String?) -> String {
        let range = "\(calendarYears.lowerBound)–\(calendarYears.upperBound)"
        guard let text else { return "expected a year from \(range), such as 2026" }
        guard let n = Int(text) else {
            return "expected a year from \(range), such as 2026, found `\(Suggestions.clip(text))`"
        }
        return "\(n) is outside the years a calendar can list, \(range)"
    }

    /// The dated entries, each in a year the calendar lists (`years` nil: a calendar of every year).
    private mutating func days(_ entries: [CalendarSyntax.DaySyntax], years: Set<Int>?, calendar: String, what: String) -> [WorkingCalendar.Day] {
        var out: [WorkingCalendar.Day] = []
        for e in entries {
            guard let from = date(e.from) else { continue }
            let to = e.to.flatMap { date($0) } ?? from
            if to < from {
                diagnostics.error(.emptyRange, "this \(what) range ends before it starts", at: e.location)
                continue
            }
            for d in from.daysSinceEpoch...to.daysSinceEpoch {
                let day = CivilDate(daysSinceEpoch: d)
                if let years, !years.contains(day.year) {
                    diagnostics.error(.calendarYear, "\(what) \(day) is in \(day.year), which calendar `\(calendar)` does not list under `years`", at: e.location)
                    break
                }
                out.append(WorkingCalendar.Day(date: day, label: e.label))
            }
        }
        return out
    }

    private mutating func date(_ node: YAMLNode) -> CivilDate? {
        guard let text = node.scalar else {
            diagnostics.error(.invalidDate, "expected a date like 2026-10-01", at: node.location)
            return nil
        }
        do { return try CivilDate(iso: text) } catch {
            diagnostics.error(.invalidDate, error.description, at: node.location)
            return nil
        }
    }

    func calendarHelp(_ name: String) -> String? {
        model.calendars.isEmpty ? "declare it under `calendars:` or include a shared calendar file from the manifest"
                                : Suggestions.help(for: name, in: model.calendars.map(\.name), what: "calendars")
    }

    // MARK: Clocks

    mutating func checkClocks(_ clocks: [ClockSyntax]) {
        for c in clocks {
            let condition = condition(c.when) ?? .always
            guard let start = check(c.start, expected: .timestamp) else { continue }
            guard start.type == .timestamp else {
                diagnostics.error(.typeMismatch, "a clock starts at a `timestamp`, but this is \(aTypeName(start.type))", at: c.start.wholeLocation)
                continue
            }
            guard let deadline = target(c.target) else { continue }
            let atRisk = c.atRisk.flatMap { target($0) }
            let agreed = c.agreed.flatMap { timestampField($0, "agreed") }
            let stop = c.stop.flatMap { timestampField($0, "stop") }
            let due = c.dueOutput.flatMap { clockOutput($0, c) }
            let risk = c.atRiskOutput.flatMap { clockOutput($0, c) }
            if c.atRiskOutput != nil, c.atRisk == nil {
                diagnostics.error(.missingKey, "clock `\(c.name.text)` names an `at_risk` output but has no `at_risk` target", at: c.atRiskOutput!.location)
            }
            model.clocks.append(CheckedClock(name: c.name.text, annotations: c.annotations, location: c.location, condition: condition,
                                              start: start.expr, startText: c.start.text, target: deadline, atRisk: atRisk,
                                              agreed: agreed, stop: stop, dueOutput: due, atRiskOutput: risk))
        }
    }

    private mutating func timestampField(_ name: Name, _ key: String) -> Int? {
        guard let slot = fieldSlots[name.text] else {
            diagnostics.error(.unknownName, "unknown field `\(name.text)` in `\(key)`", at: name.location,
                              help: Suggestions.help(for: name.text, in: Array(fieldSlots.keys), what: "fields"))
            return nil
        }
        usedFields.insert(slot)
        guard model.fields[slot].type == .timestamp else {
            diagnostics.error(.typeMismatch, "`\(key)` needs a timestamp field, but `\(name.text)` is \(aTypeName(model.fields[slot].type))", at: name.location)
            return nil
        }
        return slot
    }

    private mutating func clockOutput(_ name: Name, _ c: ClockSyntax) -> Int? {
        if fieldSlots[name.text] != nil || setByName[name.text] != nil || outputSlots[name.text] != nil {
            diagnostics.error(.nameClash, "output `\(name.text)` is already the name of a field, set or output", at: name.location)
            return nil
        }
        outputSlots[name.text] = model.outputs.count
        model.outputs.append(OutputInfo(name: name.text, type: .timestamp, decision: -1, annotations: c.annotations, location: name.location))
        return model.outputs.count - 1
    }

    private mutating func target(_ t: TargetSyntax) -> ClockTarget? {
        switch t {
        case .clock(let node):
            guard let text = node.scalar else { return nil }
            if let p = parameterByName[text] {
                guard case .duration(let ms) = model.parameters[p].value else {
                    diagnostics.error(.typeMismatch, "parameter `\(text)` is \(aTypeName(model.parameters[p].type)), not a `duration`", at: node.location,
                                      help: model.parameters[p].type == .integer ? "for whole working hours write `{working_hours: \(text), calendar: NAME}`" : nil)
                    return nil
                }
                let d = ClockDuration(milliseconds: ms)
                return ClockTarget(kind: .clock(d), text: Localized(en: "\(d) in clock time (parameter \(text))", zh: "自然时间 \(d)(参数 \(text))"))
            }
            if let o = decisionOutput(text) {
                guard model.outputs[o].type == .duration else {
                    diagnostics.error(.typeMismatch, "output `\(text)` is \(aTypeName(model.outputs[o].type)); a target in clock time needs a `duration` output (like 4h)",
                                      at: node.location, help: model.outputs[o].type == .integer ? "for whole working hours write `{working_hours: \(text), calendar: NAME}`" : nil)
                    return nil
                }
                return perCase(o, .clockTime, integer: false, en: "`\(text)` of clock time, per case", zh: "自然时间,按本案的 `\(text)`")
            }
            if text.unicodeScalars.first.map({ CharacterSet.letters.contains($0) }) == true, (try? ClockDuration(text: text)) == nil {
                unknownTargetName(text, node)
                return nil
            }
            do {
                let d = try ClockDuration(text: text)
                return ClockTarget(kind: .clock(d), text: Localized(en: "\(d) in clock time", zh: "自然时间 \(d)"))
            } catch {
                diagnostics.error(.invalidLiteral, error.description, at: node.location,
                                  help: model.calendars.first.map { "for working time write `{working_hours: 3, calendar: \($0.name)}`" }
                                    ?? "for working time write `{working_hours: 3, calendar: NAME}`, NAME a calendar under `calendars:`")
                return nil
            }
        case let .workingHours(node, cal), let .workingDays(node, cal):
            guard let ci = calendarByName[cal.text] else {
                diagnostics.error(.unknownCalendar, "unknown calendar `\(cal.text)`", at: cal.location, help: calendarHelp(cal.text))
                return nil
            }
            let calendar = model.calendars[ci]
            let text = node.scalar ?? ""
            let days: Bool
            if case .workingDays = t { days = true } else { days = false }
            let what = days ? "a target in working days needs an `integer`" : "a target in working hours needs a `duration` (like 4h) or an `integer` (whole hours)"
            if let p = parameterByName[text] {
                switch model.parameters[p].value {
                case .int(let n) where n > 0 && (!days || Int(exactly: n) != nil):
                    if days { return workingDays(calendar, Int(n), cal.text, parameter: text) }
                    let (ms, o) = n.multipliedReportingOverflow(by: 3_600_000)
                    if !o { return workingTime(calendar, ClockDuration(milliseconds: ms), cal.text, parameter: text) }
                case .duration(let ms) where !days && ms > 0:
                    return workingTime(calendar, ClockDuration(milliseconds: ms), cal.text, parameter: text)
                case .int, .duration:
                    if model.parameters[p].type == .integer || (model.parameters[p].type == .duration && !days) {
                        let shown: String
                        if case .duration(let ms) = model.parameters[p].value { shown = ClockDuration(milliseconds: ms).description } else if case .int(let n) = model.parameters[p].value { shown = String(n) } else { shown = "?" }
                        diagnostics.error(.invalidTarget, "parameter `\(text)` is \(shown): a working-time target must be more than zero", at: node.location)
                        return nil
                    }
                default: break
                }
                diagnostics.error(.typeMismatch, "parameter `\(text)` is \(aTypeName(model.parameters[p].type)); \(what)", at: node.location)
                return nil
            }
            if let o = decisionOutput(text) {
                let type = model.outputs[o].type
                guard type == .integer || (type == .duration && !days) else {
                    diagnostics.error(.typeMismatch, "output `\(text)` is \(aTypeName(type)); \(what)", at: node.location)
                    return nil
                }
                let integer = type == .integer
                if days {
                    return perCase(o, .workingDays(calendar), integer: true, en: "`\(text)` working days in \(cal.text), per case",
                                   zh: "\(cal.text) 日历工作日,按本案的 `\(text)`")
                }
                return perCase(o, .workingTime(calendar), integer: integer,
                               en: integer ? "`\(text)` working hours in \(cal.text), per case" : "`\(text)` of working time in \(cal.text), per case",
                               zh: "\(cal.text) 日历工作时间,按本案的 `\(text)`")
            }
            if days {
                guard let n = Int(text), n > 0 else {
                    if text.unicodeScalars.first.map({ CharacterSet.letters.contains($0) }) == true { unknownTargetName(text, node); return nil }
                    diagnostics.error(.invalidLiteral, "expected a whole number of working days, found `\(text)`", at: node.location)
                    return nil
                }
                return workingDays(calendar, n, cal.text, parameter: nil)
            }
            let d: ClockDuration
            if let h = Int64(text), h > 0 { d = .hours(h) } else if let parsed = try? ClockDuration(text: text), parsed.milliseconds > 0 { d = parsed } else {
                if text.unicodeScalars.first.map({ CharacterSet.letters.contains($0) }) == true, (try? ClockDuration(text: text)) == nil {
                    unknownTargetName(text, node)
                    return nil
                }
                diagnostics.error(.invalidLiteral, "expected a number of working hours (like 3) or a duration (like 90m), found `\(text)`", at: node.location)
                return nil
            }
            return workingTime(calendar, d, cal.text, parameter: nil)
        }
    }

    /// The slot of a decision's output named `name` (not a clock's: those are instants).
    private func decisionOutput(_ name: String) -> Int? {
        guard let o = outputSlots[name], model.outputs[o].decision >= 0 else { return nil }
        return o
    }

    private mutating func unknownTargetName(_ text: String, _ node: YAMLNode) {
        if outputSlots[text] != nil {
            diagnostics.error(.typeMismatch, "`\(text)` is an instant a clock gives, not an amount of time: a target names a parameter or a decision's output",
                              at: node.location, help: "give the target in a decision output of type `duration` or `integer`")
            return
        }
        let names = Array(parameterByName.keys) + model.outputs.filter { $0.decision >= 0 }.map(\.name)
        diagnostics.error(.unknownName, "unknown parameter or output `\(text)`", at: node.location,
                          help: Suggestions.help(for: text, in: names, what: "parameters and outputs")
                              ?? "declare it under `parameters:`, or as an output of a decision, to give the target per case")
    }

    private func perCase(_ o: Int, _ unit: ClockTarget.PerCase.Unit, integer: Bool, en: String, zh: String) -> ClockTarget {
        let decision = model.outputs[o].decision
        let p = ClockTarget.PerCase(unit: unit, output: o, name: model.outputs[o].name, decision: decision, integer: integer)
        let name = decisionNames[decision]
        return ClockTarget(kind: .output(p), text: Localized(en: "\(en) (an output of decision `\(name)`)", zh: "\(zh)(决策 `\(name)` 的输出)"))
    }

    private func workingTime(_ c: WorkingCalendar, _ d: ClockDuration, _ name: String, parameter: String?) -> ClockTarget {
        let p: (en: String, zh: String) = parameter.map { (" (parameter \($0))", "(参数 \($0))") } ?? ("", "")
        return ClockTarget(kind: .workingTime(c, d), text: Localized(en: "\(d) of working time in \(name)\(p.en)", zh: "\(name) 日历 \(d) 工作时间\(p.zh)"))
    }

    private func workingDays(_ c: WorkingCalendar, _ n: Int, _ name: String, parameter: String?) -> ClockTarget {
        let p: (en: String, zh: String) = parameter.map { (" (parameter \($0))", "(参数 \($0))") } ?? ("", "")
        return ClockTarget(kind: .workingDays(c, n), text: Localized(en: "\(n) working day\(n == 1 ? "" : "s") in \(name)\(p.en)", zh: "\(name) 日历 \(n) 个工作日\(p.zh)"))
    }
}
