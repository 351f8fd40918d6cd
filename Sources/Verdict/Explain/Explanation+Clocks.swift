/// Clock explanations as text and JSON: the working-time arithmetic step by step.
extension Explanation {
    /// Consecutive skipped days of the same kind, shown as one line.
    struct SkippedRun {
        var first: CivilDate
        var last: CivilDate
        var kind: WorkingCalendar.DayKind
    }

    enum StepLine {
        case counted(Timestamp, Timestamp, WorkingCalendar.DayKind)
        case skipped(SkippedRun)
    }

    static func lines(_ steps: [WorkingCalendar.Step]) -> [StepLine] {
        var out: [StepLine] = []
        for s in steps {
            switch s {
            case let .worked(a, b, kind): out.append(.counted(a, b, kind))
            case let .skipped(day, kind):
                if case .skipped(var run)? = out.last, run.kind == kind, run.last.daysSinceEpoch + 1 == day.daysSinceEpoch {
                    run.last = day
                    out[out.count - 1] = .skipped(run)
                } else {
                    out.append(.skipped(SkippedRun(first: day, last: day, kind: kind)))
                }
            }
        }
        return out
    }

    private func local(_ t: Timestamp) -> (date: String, time: String) {
        let s = t.rfc3339(in: compiled.zone)
        return (String(s.prefix(10)), String(s.dropFirst(11).prefix(5)))
    }

    private func kindText(_ k: WorkingCalendar.DayKind, _ language: Language) -> String {
        switch k {
        case .weekend: return language == .zh ? "周末" : "weekend"
        case .holiday(let l): return (language == .zh ? "节假日" : "holiday") + (l.text(language).map { " \($0)" } ?? "")
        case .adjustedWorking(let l): return (language == .zh ? "调休上班" : "adjusted working day") + (l.text(language).map { " \($0)" } ?? "")
        case .working: return language == .zh ? "工作日" : "working day"
        }
    }

    /// Working-time steps, one a line: `counted 2026-03-02 09:15–12:15`, `skipped 2026-03-07 – 2026-03-08 (weekend)`.
    func stepsText(_ steps: [WorkingCalendar.Step], _ language: Language, indent: String) -> String {
        let zh = language == .zh
        var out = ""
        for line in Self.lines(steps) {
            switch line {
            case let .counted(a, b, kind):
                let (da, ta) = local(a), (_, tb) = local(b)
                let note = kind == .working ? "" : " (\(kindText(kind, language)))"
                out += "\(indent)\(zh ? "计入" : "counted") \(da) \(ta)–\(tb)\(note)\n"
            case .skipped(let run):
                let range = run.first == run.last ? run.first.description : "\(run.first) – \(run.last)"
                out += "\(indent)\(zh ? "跳过" : "skipped") \(range) (\(kindText(run.kind, language)))\n"
            }
        }
        if steps.count >= WorkingCalendar.maxRecordedSteps {
            out += "\(indent)\(zh ? "……前 \(WorkingCalendar.maxRecordedSteps) 步之后的步骤未列出" : "… steps after the first \(WorkingCalendar.maxRecordedSteps) not listed")\n"
        }
        return out
    }

    func clocksText(_ language: Language) -> String {
        guard !clocks.isEmpty else { return "" }
        let zh = language == .zh
        var out = ""
        for (n, c) in clocks.enumerated() {
            let label = c.source.label.text(language).map { "\($0) " } ?? ""
            out += "\n\(zh ? "时限" : "Clock") \(n + 1): \(label)[\(c.name)] (\(c.source.location))\n"
            guard let r = c.result else {
                out += "  \(zh ? "不适用" : "does not apply")"
                if c.failed == nil, let t = c.targetSource, t.value == nil {
                    out += zh ? " — 决策 `\(t.decision)` 没有规则为本案设定时限 `\(t.output)`,时限未启动"
                              : " — no rule of decision `\(t.decision)` set its target `\(t.output)` for this case, so the clock did not start"
                }
                if let f = c.failed {
                    out += " — \(f.unknown ? (zh ? "缺少" : "missing") : (zh ? "条件不成立:" : "not true:")) `\(f.text)`"
                }
                out += "\n"
                continue
            }
            out += "  \(zh ? "起点" : "start"): \(c.startText) = \(r.start.rfc3339(in: compiled.zone)); \(zh ? "时限" : "target"): \(targetText(c, language))\n"
            if let a = c.atRiskSource, let line = Self.sourceText(a, zh ? "预警点" : "at-risk point", language) { out += "  \(line)\n" }
            out += stepsText(c.steps, language, indent: "    ")
            if let a = r.agreed {
                out += "  → \(zh ? "约定时间" : "agreed time") \(a.rfc3339(in: compiled.zone)) \(zh ? "取代计算期限" : "replaces the computed") \(r.computedDue.rfc3339(in: compiled.zone))\n"
            }
            out += "  → \(zh ? "期限" : "due") \(r.due.rfc3339(in: compiled.zone))"
            if let risk = r.atRisk { out += "; \(zh ? "预警" : "at risk from") \(risk.rfc3339(in: compiled.zone))" }
            out += "\n"
            if let s = r.stoppedAt { out += "  \(zh ? "完成于" : "stopped at") \(s.rfc3339(in: compiled.zone))\n" }
            if let status = r.status, let now = r.now {
                let names: [ClockResult.Status: String] = zh
                    ? [.notStarted: "尚未开始(判定时间早于起点)", .pending: "进行中", .atRisk: "临近超时", .breached: "已超时", .met: "按时完成", .metLate: "超时完成"]
                    : [.notStarted: "not started (judged before its start)", .pending: "pending", .atRisk: "at risk", .breached: "breached", .met: "met", .metLate: "met late"]
                var line = "  \(zh ? "状态" : "status") (\(zh ? "截至" : "at") \(now.rfc3339(in: compiled.zone))): \(names[status]!)"
                if let rem = r.remaining { line += ", " + Self.amountText(rem, r, from: now, to: r.due, zh ? "剩余" : "remaining", language) }
                if let over = r.overdue { line += ", " + Self.amountText(over, r, from: r.due, to: r.stoppedAt ?? now, zh ? "逾期" : "overdue", language) }
                out += line + "\n"
            }
            out += notes(c.source, language)
        }
        return out
    }

    /// The time remaining or overdue, in the units of the clock's calendar: clock time in days, hours
    /// and minutes (`2d22h45m overdue`, `逾期 2天22小时45分钟`); working time in that calendar's working
    /// hours and minutes, with the calendar time between the same two instants beside it
    /// (`3,396 working hours 54 min overdue (283d4h10m in calendar time)`,
    /// `逾期 3,396个工作小时54分钟(日历时间 283天4小时10分钟)`).
    static func amountText(_ amount: ClockDuration, _ r: ClockResult, from a: Timestamp, to b: Timestamp, _ word: String,
                           _ language: Language) -> String {
        let zh = language == .zh
        guard r.calendar != nil else { return zh ? "\(word) \(amount.text(.zh))" : "\(amount) \(word)" }
        let elapsed = calendarTime(from: a, to: b)
        return zh ? "\(word) \(amount.workingText(.zh))(日历时间 \(elapsed.text(.zh)))"
                  : "\(amount.workingText(.en)) \(word) (\(elapsed) in calendar time)"
    }

    /// The clock time from `a` to `b` (zero when `b` is not later), to the minute as the steps show it
    /// when `a` and `b` fall on whole minutes.
    static func calendarTime(from a: Timestamp, to b: Timestamp) -> ClockDuration {
        ClockDuration(milliseconds: max(0, b.millisecondsSinceEpoch - a.millisecondsSinceEpoch))
    }

    /// The target for people, its amount in the units of its calendar: `3 working hours in cn-office`,
    /// `cn-office 日历 3个工作小时`, `1h in clock time`, `自然时间 1小时`.
    /// A per-case target also says where it came from: `4 working hours in store (response_time, set by
    /// rule `serious` of decision `severity` at rules.yaml:21)`.
    private func targetText(_ c: ClockExplanation, _ language: Language) -> String {
        let zh = language == .zh
        let target = compiled.model.clocks[c.index].target
        switch target.resolved(outputs) {
        case .clock(let d)?:
            let amount = zh ? "自然时间 \(d.text(.zh))" : "\(d) in clock time"
            return amount + (c.targetSource.flatMap { Self.sourceText($0, nil, language) }.map { zh ? "(\($0))" : " (\($0))" } ?? "")
        case let .workingTime(cal, d)?:
            let amount = zh ? "\(cal.name) 日历 \(d.workingText(.zh))" : "\(d.workingText(.en)) in \(cal.name)"
            return amount + (c.targetSource.flatMap { Self.sourceText($0, nil, language) }.map { zh ? "(\($0))" : " (\($0))" } ?? "")
        case let .workingDays(cal, n)? where c.targetSource != nil:
            let amount = zh ? "\(cal.name) 日历 \(n) 个工作日" : "\(n) working day\(n == 1 ? "" : "s") in \(cal.name)"
            return amount + (c.targetSource.flatMap { Self.sourceText($0, nil, language) }.map { zh ? "(\($0))" : " (\($0))" } ?? "")
        case .workingDays?, .output?, nil: return c.target.text(language) ?? ""
        }
    }

    /// `response_time = 4h, set by rule `serious` of decision `severity` at rules.yaml:21`, after `what`
    /// (`at-risk point: response_time = 1h, set by …`) when given; nil when no rule set it.
    package static func sourceText(_ s: ClockTargetSource, _ what: String?, _ language: Language) -> String? {
        guard !s.rules.isEmpty else { return nil }
        let rules = s.rules.map { "`\($0)`" }.joined(separator: ", ")
        let at = s.location.map { language == .zh ? ",\($0)" : " at \($0)" } ?? ""
        var shown = s.value?.description ?? ""
        if language == .zh, case .duration(let d)? = s.value { shown = d.text(.zh) }
        let value = " = \(shown)"
        if language == .zh {
            return (what.map { "\($0): " } ?? "") + "`\(s.output)`\(value),由决策 `\(s.decision)` 的规则 \(rules) 设定\(at)"
        }
        return (what.map { "\($0): " } ?? "") + "\(s.output)\(value), set by rule\(s.rules.count == 1 ? "" : "s") \(rules) of decision `\(s.decision)`\(at)"
    }

    private func notes(_ s: SourceNote, _ language: Language) -> String {
        var out = ""
        if let q = s.quote { out += "  \(language == .zh ? "原文" : "source"): 「\(q)」\n" }
        if let r = s.reading.text(language) { out += "  \(language == .zh ? "解读" : "reading"): \(r)\n" }
        return out
    }

    /// `{"output":"response_time","value":"4h","decision":"severity","rules":["serious"],"at":"rules.yaml:21"}`;
    /// `value` null and `rules` empty when no rule set it.
    static func write(_ s: ClockTargetSource, to w: inout JSONWriter) {
        w.object { w in
            w.field("output", s.output)
            w.key("value")
            switch s.value {
            case .duration(let d)?: w.string(d.description)
            case .integer(let n)?: w.number(n)
            default: w.null()
            }
            w.field("decision", s.decision)
            w.key("rules")
            w.array { w in for r in s.rules { w.string(r) } }
            if let at = s.location { w.field("at", at.description) }
        }
    }

    /// Working-time steps as JSON: `{"counted_from":…,"counted_to":…}`, `{"skipped_from":…,"skipped_to":…,"reason":"weekend"}`.
    func writeSteps(_ steps: [WorkingCalendar.Step], to w: inout JSONWriter) {
        // Past `WorkingCalendar.maxRecordedSteps` the steps stop; the last element says so.
        w.array { w in
            defer { if steps.count >= WorkingCalendar.maxRecordedSteps { w.object { w in w.field("more_steps_not_listed", true) } } }
            for line in Self.lines(steps) {
                w.object { w in
                    switch line {
                    case let .counted(a, b, kind):
                        w.key("counted_from"); w.timestamp(a, in: compiled.zone)
                        w.key("counted_to"); w.timestamp(b, in: compiled.zone)
                        if case .adjustedWorking = kind { w.field("adjusted_working_day", true) }
                    case .skipped(let run):
                        w.field("skipped_from", run.first.description)
                        w.field("skipped_to", run.last.description)
                        w.field("reason", kindText(run.kind, .en))
                        if case .holiday(let l) = run.kind, let zh = l.zh { w.field("label_zh", zh) }
                    }
                }
            }
        }
    }

    func writeClocks(to w: inout JSONWriter) {
        let clocks = self.clocks  // computed: read once
        guard !clocks.isEmpty else { return }
        w.key("clocks")
        w.array { w in
            for c in clocks {
                w.object { w in
                    w.members(serialised: compiled.explanationJSON.clocks[c.index].head)
                    w.field("applies", c.result != nil)
                    w.members(serialised: compiled.explanationJSON.clocks[c.index].tail)
                    if let t = c.targetSource { w.key("target_from"); Self.write(t, to: &w) }
                    if let t = c.atRiskSource { w.key("at_risk_from"); Self.write(t, to: &w) }
                    if let r = c.result {
                        w.key("steps")
                        writeSteps(c.steps, to: &w)
                        w.key("computed_due"); w.timestamp(r.computedDue, in: compiled.zone)
                        // Working time is in `remaining`/`overdue` of the result; beside it, the clock time.
                        if r.calendar != nil, let now = r.now {
                            if r.remaining != nil { w.field("remaining_clock_time", Self.calendarTime(from: now, to: r.due).description) }
                            if r.overdue != nil { w.field("overdue_clock_time", Self.calendarTime(from: r.due, to: r.stoppedAt ?? now).description) }
                        }
                        w.key("result")
                        compiled.write(r, to: &w)
                    }
                }
            }
        }
    }
}
