/// Counterfactual answers for one case: what would have to differ for an output to have a value.
///
/// ```swift
/// let q = try WhyNotQuestion(parsing: "approver=branch_manager", for: policy)
/// let w = try policy.whyNot([q], json: caseBytes)
/// print(w.text(.en))
/// // Why not approver = branch_manager (branch manager)?
/// //   approver is head_office (head office) in this case.
/// //   It would be branch_manager (branch manager) if
/// //     handling cost incl. compensation (yuan) [cost] ≤ 300.00 (it is 1,200.00)
/// ```
///
/// Each answer is computed from the analyser's regions of the input space (the same exact
/// reasoning over field values, including date parts, that finds gaps and overlaps), not by
/// trying cases: the region where the output would have the value is found by combining the rules
/// as the hit policy does, with the overrides that apply; each of its boxes says which fields must
/// change and to what, and the answer keeps the alternatives that change the fewest fields. Render
/// it with ``text(_:)`` or ``json()``.
public struct WhyNot: Sendable {
    /// The case's `id`.
    public let caseID: String
    /// The policy that decided the case.
    public let policy: PolicyIdentity
    /// One answer per question, in order; a question about an output alone (``WhyNotQuestion/Kind/anyOther``)
    /// gives one answer per other value it can have.
    public let answers: [WhyNotAnswer]
    let compiled: CompiledPolicy
}

extension CompiledPolicy {
    /// Answers "why not?" questions about a case given as JSON.
    ///
    /// - Parameter questions: what to ask (``WhyNotQuestion/init(parsing:for:)`` reads `approver=branch_manager`,
    ///   `tier`, `signers contains bu_finance_head`).
    /// - Parameter bytes: the case as UTF-8 JSON.
    /// - Parameter now: as for ``decide(json:explain:now:)-([UInt8],_,_)``; answers do not depend on it.
    /// - Throws: ``CaseError`` when the case cannot be decided.
    public func whyNot(_ questions: [WhyNotQuestion], json bytes: [UInt8], now: Timestamp? = nil) throws(CaseError) -> WhyNot {
        let prepared = try prepare(json: bytes)
        return try whyNot(questions, slots: prepared.slots, now: now)
    }

    /// Answers "why not?" questions about a case given as typed values by field name.
    public func whyNot(_ questions: [WhyNotQuestion], _ values: [String: CaseValue], now: Timestamp? = nil) throws(CaseError) -> WhyNot {
        var decoder = CaseDecoder(policy: self)
        guard let slots = decoder.decode(values: values) else {
            var id: String?
            if case .string(let s)? = values["id"] { id = s }
            throw CaseError(caseID: id, problems: decoder.problems)
        }
        return try whyNot(questions, slots: slots, now: now)
    }

    /// The answers for a case's slots; `outputs` are its decision's, when it has been decided already.
    func whyNot(_ questions: [WhyNotQuestion], slots: [Value], outputs: [Value]? = nil, now: Timestamp?) throws(CaseError) -> WhyNot {
        var outputs = outputs ?? []
        if outputs.isEmpty { outputs = try decide(slots: slots, explain: false, now: now).values }
        let engine = WhyNotEngine(self, slots: slots, outputs: outputs)
        var answers: [WhyNotAnswer] = []
        for q in questions { answers += engine.answer(q) }
        return WhyNot(caseID: caseID(slots), policy: identity, answers: answers, compiled: self)
    }
}

/// Turns the regions where an output would have a value into the smallest sets of field changes
/// for one case.
struct WhyNotEngine {
    let policy: CompiledPolicy
    let regions: WhyNotRegions
    let slots: [Value]
    let outputs: [Value]
    var model: CheckedPolicy { policy.model }

    init(_ policy: CompiledPolicy, slots: [Value], outputs: [Value]) {
        self.policy = policy
        regions = WhyNotRegions(policy)
        self.slots = slots
        self.outputs = outputs
    }

    func answer(_ q: WhyNotQuestion) -> [WhyNotAnswer] {
        guard let o = policy.outputSlots[q.output] else {
            return [WhyNotAnswer(question: q, output: -1, target: .present, current: .absent,
                                 outcome: .impossible(.unknownOutput(suggestion: Suggestions.closest(to: q.output, in: policy.outputNames))), compiled: policy)]
        }
        let current = outputs[o]
        let type = model.outputs[o].type
        switch q.kind {
        case .equals(let value):
            guard let v = WhyNotQuestion.value(value, type, model) else {
                return [answer(q, o, .equals(.absent), .impossible(.notInType(suggestion: suggestion(value, type))))]
            }
            return [solve(q, o, .equals(v))]
        case .contains(let value):
            guard let element = type.element, let v = WhyNotQuestion.value(value, element, model) else {
                let s: String? = type.element.flatMap { suggestion(value, $0) }
                return [answer(q, o, .contains(.absent), .impossible(type.element == nil ? .notAList : .notInType(suggestion: s)))]
            }
            return [solve(q, o, .contains(v))]
        case .anyOther:
            let outcomes: [WhyNotRegions.Outcome]
            do { outcomes = try regions.outcomes(of: o) } catch {
                return [answer(q, o, .present, .cannotReason([unanalysed(error)]))]
            }
            var values: [Value] = []
            var computed = false
            for outcome in outcomes {
                switch outcome.source {
                case .value(let v): if !v.isAbsent, v != current, !values.contains(v) { values.append(v) }
                case .computed: computed = true
                }
            }
            values.sort { Self.order($0, $1) }
            var out: [WhyNotAnswer] = []
            if current.isAbsent { out.append(solve(q, o, .present)) }
            for v in values { out.append(solve(q, o, .equals(v))) }
            if computed, !current.isAbsent {
                let sites = outcomes.compactMap { x -> WhyNotUnanalysedCondition? in
                    guard case let .computed(_, text, _, site) = x.source else { return nil }
                    return WhyNotUnanalysedCondition(site: site, condition: "\(q.output): \(text)", reason: "a value computed per case")
                }
                out.append(answer(q, o, .otherComputed, .cannotReason(Array(Set(sites)).sorted { $0.site < $1.site })))
            }
            if out.isEmpty { out.append(answer(q, o, .otherComputed, .impossible(.onlyValue))) }
            return out
        }
    }

    private static func order(_ a: Value, _ b: Value) -> Bool {
        if let c = Value.compare(a, b) { return c < 0 }
        return "\(a)" < "\(b)"
    }

    private func suggestion(_ value: OutputValue, _ type: ValueType) -> String? {
        guard case .member(let name) = value, case .enumeration(let e) = type else { return nil }
        return Suggestions.closest(to: name, in: model.enums[e].members.map { model.members[Int($0)].name })
    }

    private func answer(_ q: WhyNotQuestion, _ o: Int, _ target: WhyNotAnswer.RawTarget, _ outcome: WhyNotAnswer.Outcome) -> WhyNotAnswer {
        WhyNotAnswer(question: q, output: o, target: target, current: outputs[o], outcome: outcome, compiled: policy)
    }

    func unanalysed(_ e: WhyNotRegions.Unreasoned) -> WhyNotUnanalysedCondition {
        WhyNotUnanalysedCondition(site: e.site, condition: e.condition, reason: e.reason)
    }

    /// Whether a value is what the target asks for.
    static func satisfies(_ v: Value, _ target: WhyNotAnswer.RawTarget) -> Bool {
        switch target {
        case .equals(let x): return v == x
        case .contains(let x): if case .list(let items) = v { return items.contains(x) } else { return false }
        case .present: return !v.isAbsent
        case .otherComputed: return false
        }
    }

    func solve(_ q: WhyNotQuestion, _ o: Int, _ target: WhyNotAnswer.RawTarget) -> WhyNotAnswer {
        if Self.satisfies(outputs[o], target) { return answer(q, o, target, .already) }
        regions.context.reset()
        let outcomes: [WhyNotRegions.Outcome]
        do { outcomes = try regions.outcomes(of: o) } catch { return answer(q, o, target, .cannotReason([unanalysed(error)])) }
        var boxes: [Box] = []
        var unreasoned: [WhyNotUnanalysedCondition] = []
        var assigningRules: [Int] = []
        for outcome in outcomes {
            switch outcome.source {
            case .value(let v):
                if Self.satisfies(v, target) {
                    boxes += outcome.region.boxes
                    assigningRules += outcome.rules
                }
            case let .computed(ref, text, references, site):
                if case .present = target {
                    var r = outcome.region
                    do {
                        for x in references { r = try regions.intersect(r, Region(boxes: [[.reference(x): regions.presentConstraint(x)]]), site: site) }
                    } catch { unreasoned.append(unanalysed(error)); continue }
                    boxes += r.boxes
                } else if case .field(let f)? = ref, case .equals(let v) = target {
                    let c = Constraint(values: Constraint.values(of: v), absent: false)
                    do { boxes += try regions.intersect(outcome.region, Region(boxes: [[.reference(.field(f)): c]]), site: site).boxes } catch {
                        unreasoned.append(unanalysed(error))
                    }
                } else {
                    unreasoned.append(WhyNotUnanalysedCondition(site: site, condition: "\(model.outputs[o].name): \(text)", reason: "a value computed per case"))
                }
            }
        }
        if !unreasoned.isEmpty { return answer(q, o, target, .cannotReason(unreasoned)) }
        let region: Region
        do { region = try regions.substitute(Region(boxes: boxes).simplified(), site: model.decisions[model.outputs[o].decision].name, text: .constant(.absent)) } catch {
            return answer(q, o, target, .cannotReason([unanalysed(error)]))
        }
        if region.isEmpty {
            if assigns(o, target) {
                let d = model.decisions[model.outputs[o].decision]
                let rules = d.rules.filter { r in
                    if case .value(let v) = regions.source(r, o) { return Self.satisfies(v, target) }
                    return false
                }.map(\.id)
                return answer(q, o, target, .impossible(.neverDecides(rules: rules)))
            }
            return answer(q, o, target, .impossible(.notAssigned))
        }
        do { try Analyzer.independent([region], model) } catch {
            return answer(q, o, target, .cannotReason([WhyNotUnanalysedCondition(site: model.decisions[model.outputs[o].decision].name,
                                                                                   condition: model.outputs[o].name, reason: error.reason)]))
        }
        return answer(q, o, target, .changes(alternatives(region)))
    }

    /// Whether any rule or override of the output's decision could give the target at all.
    private func assigns(_ o: Int, _ target: WhyNotAnswer.RawTarget) -> Bool {
        let d = model.decisions[model.outputs[o].decision]
        var values: [Value] = d.rules.compactMap { r in
            if case .value(let v) = regions.source(r, o) { return v } else { return nil }
        }
        for override in d.overrides where override.output == o {
            for op in override.operations where op.kind != .remove { values.append(op.kind == .replace ? op.other : op.member) }
        }
        switch target {
        case .equals(let x):
            if case .list(let want) = x { return want.allSatisfy { w in values.contains { v in v == w || (v.listItems?.contains(w) ?? false) } } }
            return values.contains(x)
        case .contains(let x): return values.contains { $0 == x || ($0.listItems?.contains(x) ?? false) }
        case .present: return values.contains { !$0.isAbsent }
        case .otherComputed: return false
        }
    }

    // MARK: Alternatives

    /// The current value of a dimension in this case.
    func current(_ d: Analyzer.Dimension) -> Value {
        switch d {
        case .reference(.field(let i)): return slots[i]
        case .reference(.output(let o)): return outputs[o]
        case let .part(part, r, zone, members):
            let v = current(.reference(r))
            return withUnsafePointer(to: zone) { Value.datePart(part, v, zone: $0, members: members) }
        case let .daysBetween(a, b): return Value.daysBetween(current(a), current(b))
        case let .working(time, name, x):
            guard let c = model.calendars.firstIndex(where: { $0.name == name }) else { return .absent }
            let v = current(x)
            let table = policy.program.calendarTables[c]
            return time ? Value.isWorkingTime(table, v) : Value.isWorkingDay(table, v)
        }
    }

    func fields(of d: Analyzer.Dimension) -> [Int] {
        d.references.compactMap { if case .field(let i) = $0 { return i } else { return nil } }
    }

    /// The smallest sets of field changes that put the case in `region`, nearest first.
    func alternatives(_ region: Region) -> [WhyNotAlternative] {
        struct Candidate {
            var fields: Set<Int>
            var box: Box
        }
        var candidates: [Candidate] = []
        for box in region.boxes {
            var changed = Set<Int>()
            for (d, c) in box where !c.admits(current(d)) { changed.formUnion(fields(of: d)) }
            guard !changed.isEmpty else { continue }
            let kept = box.filter { d, _ in !Set(fields(of: d)).isDisjoint(with: changed) }
            candidates.append(Candidate(fields: changed, box: kept))
        }
        guard let fewest = candidates.map(\.fields.count).min() else { return [] }
        candidates = candidates.filter { $0.fields.count == fewest }
        // Alternatives that change the same fields and differ in one condition are one alternative.
        var merged = true
        while merged {
            merged = false
            outer: for i in candidates.indices {
                for j in candidates.indices where j > i && candidates[i].fields == candidates[j].fields {
                    let a = candidates[i].box, b = candidates[j].box
                    guard Set(a.keys) == Set(b.keys) else { continue }
                    let differing = a.keys.filter { a[$0] != b[$0] }
                    if differing.isEmpty { candidates.remove(at: j); merged = true; break outer }
                    guard differing.count == 1, let d = differing.first, let u = a[d]!.values.union(b[d]!.values) else { continue }
                    candidates[i].box[d] = Constraint(values: u, absent: a[d]!.absent || b[d]!.absent)
                    candidates.remove(at: j)
                    merged = true
                    break outer
                }
            }
        }
        // An alternative whose every condition is within another's (on the same fields) adds nothing.
        candidates = candidates.enumerated().filter { i, a in
            !candidates.enumerated().contains { j, b in
                j != i && Set(a.box.keys) == Set(b.box.keys) && Region.contains(b.box, a.box) && (!Region.contains(a.box, b.box) || j < i)
            }
        }.map(\.element)
        var out: [(WhyNotAlternative, Int64)] = []
        for c in candidates {
            var changes: [WhyNotChange] = []
            var distance: Int64 = 0
            for (d, constraint) in c.box.sorted(by: { order($0.key, $1.key) }) {
                let field = fields(of: d).first { c.fields.contains($0) } ?? fields(of: d).first ?? 0
                let now = current(d)
                let near = nearest(constraint, now, d)
                if let n = near.flatMap(Analyzer.integer), let x = Analyzer.integer(now) {
                    distance = distance &+ (n > x ? n &- x : x &- n)
                }
                changes.append(WhyNotChange(field: field, dimension: d, constraint: constraint, currentRaw: now,
                                            nearestRaw: near.flatMap { fieldValue($0, d, field) }, compiled: policy))
            }
            out.append((WhyNotAlternative(changes: changes), distance))
        }
        return out.sorted { a, b in
            if a.1 != b.1 { return a.1 < b.1 }
            let fa = a.0.changes.map(\.fieldSlot), fb = b.0.changes.map(\.fieldSlot)
            if fa != fb { return fa.lexicographicallyPrecedes(fb) }
            return a.0.changes.map(\.subject).joined(separator: ",") < b.0.changes.map(\.subject).joined(separator: ",")
        }.map(\.0)
    }

    private func order(_ a: Analyzer.Dimension, _ b: Analyzer.Dimension) -> Bool {
        let fa = fields(of: a).first ?? -1, fb = fields(of: b).first ?? -1
        return fa != fb ? fa < fb : a.description < b.description
    }

    /// The value of the dimension nearest the current one that the constraint allows, when one can be named.
    func nearest(_ c: Constraint, _ now: Value, _ d: Analyzer.Dimension) -> Value? {
        let type = Analyzer.type(of: d, model)
        switch c.values {
        case .bools(let s): return s.count == 1 ? .bool(s.first!) : (c.absent ? .absent : nil)
        case .members(let s):
            if case .enumeration(let e) = type, let m = model.enums[e].members.first(where: { s.contains($0) }) { return .member(m) }
        case .strings(let inc, _):
            if let s = inc?.sorted().first { return .string(s) }
        case .ranges(let rs):
            guard !rs.isEmpty else { break }
            let x = Analyzer.integer(now) ?? Self.origin(type)
            var best: Int64?
            for r in rs {
                let p = min(max(x, r.lowerBound), r.upperBound)
                if best == nil || p.distance(to: x).magnitude < best!.distance(to: x).magnitude { best = p }
            }
            if let b = best { return Self.value(b, type) }
        }
        return c.absent ? .absent : nil
    }

    private static func origin(_ t: ValueType) -> Int64 {
        t == .timestamp ? 1_767_225_600_000 : 0  // 2026-01-01T00:00:00Z for a timestamp with no value to start from
    }

    static func value(_ x: Int64, _ t: ValueType) -> Value? {
        switch t {
        case .integer: return .int(x)
        case .money: return .money(x)
        case .timestamp: return .time(x)
        case .date: return Int32(exactly: x).map { .date($0) }
        case .duration: return .duration(x)
        default: return nil
        }
    }

    /// The nearest value of the field itself (a dimension read through a date function has none).
    private func fieldValue(_ v: Value, _ d: Analyzer.Dimension, _ field: Int) -> Value? {
        if case .reference(.field(field)) = d { return v }
        return nil
    }
}

extension Value {
    var listItems: [Value]? {
        if case .list(let items) = self { return items }
        return nil
    }
}
