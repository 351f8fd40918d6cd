/// What changes between two versions of a policy set: its structure, the regions of input whose
/// result changes (for analysable tables), and, over a case file, every case decided differently.
public enum PolicyDiff {
    /// Decisions, rules, outputs and fields added, removed or changed; overrides added, removed, or
    /// changing their chain differently. The policies' text (versions, names, rule conditions) is
    /// escaped (see `TextEscaping`): a line may span lines only where a change shows before and after.
    public static func structure(old: CompiledPolicy, new: CompiledPolicy) -> [String] {
        var out: [String] = []
        func add(_ line: String) { out.append(TextEscaping.escaped(line)) }
        if old.identity.version != new.identity.version { add("version \(old.identity.version) -> \(new.identity.version)") }
        let (om, nm) = (old.model, new.model)
        for line in compare("field", om.fields.map { ($0.name, om.typeName($0.type)) }, nm.fields.map { ($0.name, nm.typeName($0.type)) }) { add(line) }
        for line in constraintChanges(om, nm) { add(line) }
        for line in compare("output", om.outputs.map { ($0.name, om.typeName($0.type)) }, nm.outputs.map { ($0.name, nm.typeName($0.type)) }) { add(line) }
        for d in om.decisions where !nm.decisions.contains(where: { $0.name == d.name }) { add("decision `\(d.name)` removed") }
        for d in nm.decisions {
            guard let o = om.decisions.first(where: { $0.name == d.name }) else {
                add("decision `\(d.name)` added")
                continue
            }
            if o.hit != d.hit { add("decision `\(d.name)`: hit policy \(o.hit.rawValue) -> \(d.hit.rawValue)") }
            for r in o.rules where !d.rules.contains(where: { $0.id == r.id }) { add("decision `\(d.name)`: rule `\(r.id)` removed") }
            for r in d.rules {
                if let p = o.rules.first(where: { $0.id == r.id }) {
                    if p.text != r.text { out.append(changed("decision `\(d.name)`: rule `\(r.id)` changed", p.text, r.text)) }
                } else {
                    add("decision `\(d.name)`: rule `\(r.id)` added: \(r.text)")
                }
            }
            for x in o.overrides where !d.overrides.contains(where: { $0.id == x.id }) { add("decision `\(d.name)`: override `\(x.id)` removed") }
            for x in d.overrides where !o.overrides.contains(where: { $0.id == x.id }) { add("decision `\(d.name)`: override `\(x.id)` added") }
            for x in d.overrides {
                guard let p = o.overrides.first(where: { $0.id == x.id }) else { continue }
                let (before, after) = (operations(p, om), operations(x, nm))
                if before != after { out.append(changed("decision `\(d.name)`: override `\(x.id)` changed", before, after)) }
            }
        }
        for c in om.clocks where !nm.clocks.contains(where: { $0.name == c.name }) { add("clock `\(c.name)` removed") }
        for c in nm.clocks where !om.clocks.contains(where: { $0.name == c.name }) { add("clock `\(c.name)` added") }
        for c in nm.clocks {
            guard let o = om.clocks.first(where: { $0.name == c.name }) else { continue }
            // A target as people read it: `4h of working time in store`, or where a per-case one comes from.
            let pairs: [(String, String?, String?)] = [("target", o.target.text.en, c.target.text.en), ("at_risk", o.atRisk?.text.en, c.atRisk?.text.en)]
            for (what, before, after) in pairs where before != after {
                out.append(changed("clock `\(c.name)`: \(what) changed", before ?? "(none)", after ?? "(none)"))
            }
        }
        return out
    }

    /// A change shown before and after, on lines of its own: `head\n    - before\n    + after`, each
    /// part escaped, so only these two line breaks remain.
    private static func changed(_ head: String, _ before: String, _ after: String) -> String {
        "\(TextEscaping.escaped(head))\n    - \(TextEscaping.escaped(before))\n    + \(TextEscaping.escaped(after))"
    }

    /// What an override does to its chain, by member name (ids differ between versions):
    /// `signers: replace finance_supervisor by bu_finance_head; insert legal_officer after store_manager`.
    private static func operations(_ o: CheckedOverride, _ model: CheckedPolicy) -> String {
        func name(_ v: Value) -> String { if case .member(let id) = v { model.members[Int(id)].name } else { "\(v)" } }
        return model.outputs[o.output].name + ": " + o.operations.map { op in
            switch op.kind {
            case .replace: "replace \(name(op.member)) by \(name(op.other))"
            case .remove: "remove \(name(op.member))"
            case .insertBefore: "insert \(name(op.member)) before \(name(op.other))"
            case .insertAfter: "insert \(name(op.member)) after \(name(op.other))"
            }
        }.joined(separator: "; ")
    }

    /// Bounds (`min`, `max`, `min_length`, `max_length`, `pattern`) and `normalize` of each field in
    /// both versions that changed: they change which cases are decided, and how strings are read.
    /// A bound that names a field (an order between fields) is a bound like a value:
    /// `field `cost`: `max` 100.00 added`, `field `n`: `min` 0 -> 1`,
    /// `field `resolved_at`: `min` `received_at` added`.
    private static func constraintChanges(_ om: CheckedPolicy, _ nm: CheckedPolicy) -> [String] {
        var out: [String] = []
        for f in nm.fields {
            guard let o = om.fields.first(where: { $0.name == f.name }) else { continue }
            let (a, b) = (o.constraints, f.constraints)
            let pairs: [(String, String?, String?)] = [
                ("min", a.minimum.map(om.constraintText) ?? order(om, o.name, "min"), b.minimum.map(nm.constraintText) ?? order(nm, f.name, "min")),
                ("max", a.maximum.map(om.constraintText) ?? order(om, o.name, "max"), b.maximum.map(nm.constraintText) ?? order(nm, f.name, "max")),
                ("min_length", a.minLength.map(String.init), b.minLength.map(String.init)),
                ("max_length", a.maxLength.map(String.init), b.maxLength.map(String.init)),
                ("pattern", a.pattern.map { "`\($0.source)`" }, b.pattern.map { "`\($0.source)`" }),
                ("normalize", o.normalization.isEmpty ? nil : "[\(o.normalization.description)]",
                 f.normalization.isEmpty ? nil : "[\(f.normalization.description)]"),
            ]
            for (name, before, after) in pairs where before != after {
                switch (before, after) {
                case (nil, let x?): out.append("field `\(f.name)`: `\(name)` \(x) added")
                case (let x?, nil): out.append("field `\(f.name)`: `\(name)` \(x) removed")
                default: out.append("field `\(f.name)`: `\(name)` \(before ?? "") -> \(after ?? "")")
                }
            }
        }
        return out
    }

    /// The field that `field`'s `key` bound names (`` `received_at` ``), when it names one.
    private static func order(_ m: CheckedPolicy, _ field: String, _ key: String) -> String? {
        guard let slot = m.fields.firstIndex(where: { $0.name == field }),
              let o = m.fieldOrders.first(where: { $0.declaredBy == slot && $0.key == key }) else { return nil }
        return "`\(m.fields[o.named].name)`"
    }

    /// Named, typed things removed, added, or whose type changed.
    private static func compare(_ kind: String, _ old: [(name: String, type: String)], _ new: [(name: String, type: String)]) -> [String] {
        var out: [String] = []
        for o in old where !new.contains(where: { $0.name == o.name }) { out.append("\(kind) `\(o.name)` removed") }
        for n in new {
            if let o = old.first(where: { $0.name == n.name }) {
                if o.type != n.type { out.append("\(kind) `\(n.name)`: type \(o.type) -> \(n.type)") }
            } else {
                out.append("\(kind) `\(n.name)` added")
            }
        }
        return out
    }

    /// For tables both versions can analyse: the input regions whose value of an output changes,
    /// e.g. `approval.approver: cost in [300.01..500.00]: division_manager -> branch_manager`, each
    /// line escaped (see `TextEscaping`).
    /// Needs the same fields, enums and outputs in both versions (else it says why it cannot compare).
    public static func regions(old: CompiledPolicy, new: CompiledPolicy, limit: Int = 50) -> [String] {
        let (om, nm) = (old.model, new.model)
        let sameSchema = om.fields.map { "\($0.name):\(om.typeName($0.type))" } == nm.fields.map { "\($0.name):\(nm.typeName($0.type))" }
            && om.members.map(\.name) == nm.members.map(\.name)
            && om.outputs.map { "\($0.name):\(om.typeName($0.type))" } == nm.outputs.map { "\($0.name):\(nm.typeName($0.type))" }
        guard sameSchema else { return ["regions not compared: the two versions declare different fields, members or outputs"] }
        var out: [String] = []
        for d in nm.decisions where d.hit != .collect {
            guard let o = om.decisions.first(where: { $0.name == d.name }) else { continue }
            // An unchanged table decides the same for the same inputs (its inputs may change upstream; that shows there).
            if o.hit == d.hit, o.rules.map(\.text) == d.rules.map(\.text), o.priorityOrder == d.priorityOrder { continue }
            for slot in d.outputs {
                do {
                    let before = try effective(o, output: slot, om), after = try effective(d, output: slot, nm)
                    for (r, v) in before {
                        for (s, w) in after where v != w {
                            for box in try r.intersect(s).boxes.prefix(3) {
                                let region = Analyzer.describe(box, nm)
                                out.append(TextEscaping.escaped("\(d.name).\(nm.outputs[slot].name): \(region.isEmpty ? "every case" : region): \(old.display(v, nil)) -> \(new.display(w, nil))"))
                                if out.count >= limit { return out + ["(more regions not shown)"] }
                            }
                        }
                    }
                } catch {
                    out.append(TextEscaping.escaped("\(d.name).\(nm.outputs[slot].name): not compared: \(error.reason)"))
                }
            }
        }
        return out
    }

    /// Where each value of an output is decided: one region per rule (minus what earlier or
    /// better-ranked rules take), plus the region where no rule decides (absent).
    static func effective(_ d: CheckedDecision, output slot: Int, _ model: CheckedPolicy) throws(Analyzer.Unanalysable) -> [(Region, Value)] {
        var regions: [Region] = []
        for r in d.rules { regions.append(try Analyzer.truth(of: r.condition.expr, model).t) }
        try Analyzer.independent(regions, model)
        var out: [(Region, Value)] = []
        var taken = Region.empty
        for (i, r) in d.rules.enumerated() {
            guard let a = r.assignments.first(where: { $0.output == slot }) else {
                taken = taken.union(regions[i])
                continue
            }
            guard let v = a.value.constantValue else { throw Analyzer.Unanalysable(reason: "rule `\(r.id)` computes its value") }
            var mine = regions[i]
            if d.hit == .first { mine = try mine.intersect(taken.complement(model)) }
            if d.hit == .priority, let p = d.priorityOutput, let rank = rank(r, p, d) {
                let better = d.rules.enumerated().filter { j, other in
                    guard j != i, let rj = self.rank(other, p, d) else { return false }
                    return rj < rank || (rj == rank && j < i)
                }.reduce(Region.empty) { $0.union(regions[$1.offset]) }
                mine = try mine.intersect(better.complement(model))
            }
            out.append((mine, v))
            taken = taken.union(regions[i])
        }
        out.append((try taken.complement(model), .absent))
        return out
    }

    private static func rank(_ r: CheckedRule, _ p: Int, _ d: CheckedDecision) -> Int? {
        r.assignments.first { $0.output == p }?.value.constantValue.flatMap { d.priorityOrder.firstIndex(of: $0) }
    }
}

/// Replays cases under two versions and groups what changed by cause (see ``ChangeImpact``).
public struct CaseReplay {
    let old: PolicyVersions
    let new: PolicyVersions
    /// What changed, grouped by rule transition and by the shape of each output's change.
    public private(set) var impact = ChangeImpact()
    /// How many cases were replayed.
    public var cases: Int { impact.cases }
    /// How many were decided differently (or refused by one version only).
    public var changed: Int { impact.changed }
    /// How many both versions refused.
    public var refused: Int { impact.refusedByBoth }

    /// A replay of cases under an old and a new version of a policy (or set of versions).
    ///
    /// - Parameters:
    ///   - old: The set the cases are decided by first.
    ///   - new: The set they are decided by again, to compare.
    public init(old: PolicyVersions, new: PolicyVersions) {
        self.old = old
        self.new = new
    }

    /// A replay of cases under an old and a new version of a policy.
    ///
    /// - Parameters:
    ///   - old: The version the cases are decided by first.
    ///   - new: The version they are decided by again, to compare.
    public init(old: CompiledPolicy, new: CompiledPolicy) {
        self.init(old: PolicyVersions(old), new: PolicyVersions(new))
    }

    /// Decides one case under both versions, as every surface asks (one decision request each, with
    /// the routes read from its trace), and adds it to ``impact``; returns whether it changed.
    @discardableResult
    public mutating func add(json bytes: [UInt8]) -> Bool {
        let a = Self.outcome(old, bytes), b = Self.outcome(new, bytes)
        return impact.add(caseID: b?.caseID ?? a?.caseID ?? "?", old: a, new: b)
    }

    /// Counts a case both versions refuse before reading it (a line over the reader's length limit).
    public mutating func addRefusedByBoth() {
        impact.add(caseID: "?", old: nil, new: nil)
    }

    /// A case's outcome under `set`, with its routes; nil when the set refuses it.
    public static func outcome(_ set: PolicyVersions, _ bytes: [UInt8], now: Timestamp? = nil) -> ChangeImpact.Outcome? {
        guard let d = try? set.answer(DecisionRequest(explanation: .compact, now: now), json: bytes).decision else { return nil }
        var json: [UInt8] = []
        d.withoutExplanation.appendJSON(to: &json)
        return ChangeImpact.Outcome(decisionJSON: json, routes: d.explanation?.routes)
    }

    /// The totals and the grouped changes, as text (escaped).
    public var summary: String {
        var out = "\(cases) cases, \(changed) decided differently, \(refused) refused by both\n"
        for line in impact.lines() { out += line + "\n" }
        return out
    }
}
