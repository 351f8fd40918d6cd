/// The evaluation loop without explanation, over the flat ``Program``.
///
/// Same hit-policy and override semantics as ``CompiledPolicy/run(_:caseID:now:tracer:)``, which the
/// explanation path uses; `FastPathAgreementTests` decides thousands of generated cases both ways.
extension CompiledPolicy {
    func runFast(_ fields: [Value], caseID: String, now: Timestamp?) throws(CaseError) -> ([Value], [ClockResult]) {
        var runner = ProgramRunner(program: program,
                                   state: EvaluationState(fields: fields, outputs: [Value](repeating: .absent, count: outputCount)))
        try decideAll(&runner, caseID: caseID)
        let clocks = try runClocksFast(&runner, caseID: caseID, now: now)
        return (runner.state.outputs, clocks)
    }

    private func runClocksFast(_ runner: inout ProgramRunner, caseID: String, now: Timestamp?) throws(CaseError) -> [ClockResult] {
        unowned(unsafe) let p = program
        if p.clocks.isEmpty { return [] }
        var results: [ClockResult] = []
        results.reserveCapacity(p.clocks.count)
        func deadline(_ t: ProgramBuilder.Target, _ start: Int64) throws(WorkingCalendar.YearNotCovered) -> Int64? {
            switch t.kind {
            case 1: return start &+ t.amount
            case 2: return try p.calendars[Int(t.calendar)].addWorkingTime(Duration(milliseconds: t.amount), to: Timestamp(millisecondsSinceEpoch: start)).millisecondsSinceEpoch
            case 3: return try p.calendars[Int(t.calendar)].addWorkingDays(Int(t.amount), to: Timestamp(millisecondsSinceEpoch: start)).millisecondsSinceEpoch
            default: return nil
            }
        }
        for ci in 0..<p.clocks.count {
            let c = p.clocks[ci]
            let (applies, failure) = runner.holds(c.condition)
            if let failure { throw failed(failure, caseID, "clock `\(model.clocks[ci].name)`") }
            guard applies, case .time(let s) = runner.eval(c.start) else { continue }
            do {
                let computed = try deadline(c.target, s)!
                let risk = try deadline(c.atRisk, s)
                var agreed: Int64?
                if c.agreed >= 0, case .time(let t) = runner.state.fields[Int(c.agreed)] { agreed = t }
                var stopped: Timestamp?
                if c.stop >= 0, case .time(let t) = runner.state.fields[Int(c.stop)] { stopped = Timestamp(millisecondsSinceEpoch: t) }
                let due = agreed ?? computed
                if c.dueOutput >= 0 { runner.state.outputs[Int(c.dueOutput)] = .time(due) }
                if c.atRiskOutput >= 0, let risk { runner.state.outputs[Int(c.atRiskOutput)] = .time(risk) }
                var result = ClockResult(name: p.clockNames[ci], index: ci, start: Timestamp(millisecondsSinceEpoch: s),
                                         computedDue: Timestamp(millisecondsSinceEpoch: computed), agreed: agreed.map(Timestamp.init(millisecondsSinceEpoch:)),
                                         due: Timestamp(millisecondsSinceEpoch: due), atRisk: agreed == nil ? risk.map(Timestamp.init(millisecondsSinceEpoch:)) : nil,
                                         stoppedAt: stopped, calendar: c.target.kind >= 2 ? p.calendars[Int(c.target.calendar)].name : nil)
                if let now { try result.judge(at: now, in: c.target.kind >= 2 ? p.calendars.baseAddress! + Int(c.target.calendar) : nil) }
                results.append(result)
            } catch {
                throw failed(error, caseID, "clock `\(model.clocks[ci].name)`")
            }
        }
        return results
    }

    private func decideAll(_ runner: inout ProgramRunner, caseID: String) throws(CaseError) {
        unowned(unsafe) let p = program
        for di in p.decisions.indices {
            let d = p.decisions[di]
            var chosen: Int32 = -1
            var chosenRank = Int.max
            var ri = d.ruleStart
            while ri < d.ruleStart + d.ruleCount {
                defer { ri += 1 }
                let rule = p.rules[Int(ri)]
                let (matched, failure) = runner.holds(rule.condition)
                if let failure { throw failed(failure, caseID, "rule `\(model.decisions[di].rules[Int(ri - d.ruleStart)].id)`") }
                guard matched else { continue }
                switch d.hit {
                case .first:
                    chosen = ri
                    ri = d.ruleStart + d.ruleCount
                case .unique:
                    if chosen >= 0 {
                        let decision = model.decisions[di]
                        throw conflict(decision, decision.rules[Int(chosen - d.ruleStart)], decision.rules[Int(ri - d.ruleStart)], caseID)
                    }
                    chosen = ri
                case .priority:
                    var rank = Int.max - 1
                    for k in rule.assignmentStart..<rule.assignmentStart + rule.assignmentCount where p.assignments[Int(k)].output == d.priorityOutput {
                        let v = runner.eval(p.assignments[Int(k)].value)
                        for j in 0..<Int(d.priorityCount) where runner.constants[Int(d.priorityStart) + j] == v { rank = j; break }
                    }
                    if rank < chosenRank { chosen = ri; chosenRank = rank }
                case .collect:
                    for k in rule.assignmentStart..<rule.assignmentStart + rule.assignmentCount {
                        let a = p.assignments[Int(k)]
                        let v = runner.eval(a.value)
                        if case .failure(let f) = v { throw failed(f, caseID, "decision `\(model.decisions[di].name)`") }
                        runner.state.outputs[Int(a.output)] = Self.gather(runner.state.outputs[Int(a.output)], v)
                    }
                }
            }
            if chosen >= 0, d.hit != .collect {
                let rule = p.rules[Int(chosen)]
                for k in rule.assignmentStart..<rule.assignmentStart + rule.assignmentCount {
                    let a = p.assignments[Int(k)]
                    let v = runner.eval(a.value)
                    if case .failure(let f) = v { throw failed(f, caseID, "rule `\(model.decisions[di].rules[Int(chosen - d.ruleStart)].id)`") }
                    runner.state.outputs[Int(a.output)] = v
                }
            }
            for oi in d.overrideStart..<d.overrideStart + d.overrideCount {
                let o = p.overrides[Int(oi)]
                guard case .list(var items) = runner.state.outputs[Int(o.output)] else { continue }
                guard runner.holds(o.condition).0 else { continue }
                var excepted = false
                for k in o.exceptionStart..<o.exceptionStart + o.exceptionCount where runner.holds(runner.children[Int(k)]).0 {
                    excepted = true
                    break
                }
                if excepted { continue }
                var changed = false
                for i in items.indices {
                    for k in 0..<Int(o.replacementCount) where runner.constants[Int(o.replacementStart) + 2 * k] == items[i] {
                        items[i] = runner.constants[Int(o.replacementStart) + 2 * k + 1]
                        changed = true
                        break
                    }
                }
                if changed { runner.state.outputs[Int(o.output)] = .list(items) }
            }
        }
    }
}
