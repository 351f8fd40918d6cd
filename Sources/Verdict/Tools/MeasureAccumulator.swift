/// Aggregate measures over a stream of decided cases, grouped, compared with their targets exactly.
///
/// ```swift
/// var acc = MeasureAccumulator(policy: policy, groupBy: "branch")
/// for line in lines { acc.add(json: line) }
/// print(acc.report().text())
/// ```
/// Memory grows with the number of groups, never with the number of cases.
public struct MeasureAccumulator {
    struct Tally {
        var selected: Int64 = 0  // cases the measure's `where` selects
        var hits: Int64 = 0      // of those, where `of` holds (share, count, per_million)
        var sum: Int64 = 0       // sum of `of` (mean), in minor units for money
        var valued: Int64 = 0    // cases with a value for `of` (mean)
    }

    let policy: CompiledPolicy
    let groupBy: Int?
    private var tallies: [String: [Tally]] = [:]
    private var groupOrder: [String] = []
    /// How many cases were decided and counted.
    public private(set) var decided: Int64 = 0
    /// How many cases could not be decided (counted by no measure).
    public private(set) var refused: Int64 = 0

    /// An empty tally of `policy`'s measures.
    ///
    /// - Parameters:
    ///   - policy: the policy that decides the cases and declares the measures.
    ///   - groupBy: a field to group by for every measure (overrides each measure's own `by`).
    public init(policy: CompiledPolicy, groupBy: String? = nil) throws(CaseError) {
        self.policy = policy
        if let groupBy {
            guard let slot = policy.fieldSlots[groupBy] else {
                throw CaseError(caseID: nil, problems: [.init(field: groupBy, code: .unknownField, message: "unknown field `\(groupBy)` for --by",
                                                              help: Suggestions.help(for: groupBy, in: policy.fieldNames, what: "fields"))])
            }
            let field = policy.model.fields[slot]
            guard !field.personal || field.loggable else {
                throw CaseError(caseID: nil, problems: [.init(field: groupBy, code: .personalField,
                                                              message: "`\(groupBy)` holds personal data: grouping by it would print its values",
                                                              help: "group by another field, or mark the field `loggable: true` if its values may be shown")])
            }
            self.groupBy = slot
        } else {
            self.groupBy = nil
        }
    }

    /// Decides one case and counts it; a case that cannot be decided is counted as refused.
    public mutating func add(json bytes: [UInt8]) {
        guard let prepared = try? policy.prepare(json: bytes), let d = try? policy.decide(prepared) else {
            refused += 1
            return
        }
        decided += 1
        // The measures' expressions run on the one evaluator, over the case and its decided outputs.
        var outputs = d.values
        policy.withEvaluator(fields: prepared.slots, outputs: &outputs, tracer: NoTracer()) { (evaluator: inout Evaluator<NoTracer>) in
            count(prepared.slots, &evaluator)
        }
    }

    /// Counts a case that was refused before it could be read (a line over the reader's length limit).
    public mutating func addRefused() {
        refused += 1
    }

    private mutating func count(_ slots: [Value], _ evaluator: inout Evaluator<NoTracer>) {
        for (mi, m) in policy.model.measures.enumerated() {
            let compiled = policy.program.measures[mi]
            guard (try? evaluator.holds(compiled.where)) == true else { continue }
            let slot = groupBy ?? m.by
            let group = slot.map { policy.display(slots[$0], nil).trimmingCharacters(in: ["\""]) } ?? "(all)"
            if tallies[group] == nil {
                tallies[group] = Array(repeating: Tally(), count: policy.model.measures.count)
                groupOrder.append(group)
            }
            tallies[group]![mi].selected += 1
            switch m.kind {
            case .mean:
                switch evaluator.value(compiled.of) {
                case .money(let v), .int(let v):
                    tallies[group]![mi].sum += v
                    tallies[group]![mi].valued += 1
                default: break
                }
            default:
                if case .bool(true) = evaluator.value(compiled.of) { tallies[group]![mi].hits += 1 }
            }
        }
    }

    /// One measure for one group: its value and whether it met its target.
    public struct Row: Sendable {
        /// The measure's name.
        public var measure: String
        /// Its label.
        public var label: Localized
        /// The group: the `by` field's value, or `(all)`.
        public var group: String
        /// How many cases the measure's `where` selected in this group.
        public var cases: Int64
        /// The value as text: `83.12%`, `143.27`, `12.5`, `42`; nil when there is nothing to measure.
        public var value: String?
        /// The target as written (`> 80%`), if any.
        public var target: String?
        /// Nil when there is no target or no value.
        public var met: Bool?
    }

    /// The measures so far, per group in the order groups were first seen, compared exactly with their targets.
    public func report() -> [Row] {
        var rows: [Row] = []
        for (mi, m) in policy.model.measures.enumerated() {
            for g in groupOrder.sorted() {
                guard let t = tallies[g]?[mi], t.selected > 0 else { continue }
                // The value as an exact fraction numerator / denominator.
                var num: Int128, den: Int128, text: String?
                switch m.kind {
                case .share:
                    (num, den) = (Int128(t.hits) * 100, Int128(t.selected))
                    text = Self.decimal(num, den, places: 2) + "%"
                    (num, den) = (Int128(t.hits), Int128(t.selected))
                case .perMillion:
                    (num, den) = (Int128(t.hits) * 1_000_000, Int128(t.selected))
                    text = Self.decimal(num, den, places: 1)
                case .count:
                    (num, den) = (Int128(t.hits), 1)
                    text = String(t.hits)
                case .mean:
                    var scale: Int128 = 1
                    if m.ofType == .money { for _ in 0..<policy.model.moneyScale { scale *= 10 } }
                    (num, den) = (Int128(t.sum), Int128(max(t.valued, 1)) * scale)
                    text = t.valued == 0 ? nil : Self.decimal(num, den, places: m.ofType == .money ? policy.model.moneyScale : 2)
                }
                var met: Bool?
                if let target = m.target, text != nil {
                    // Compare num/den with target (as a fraction of 1 for shares): cross-multiply, exactly.
                    let lhs = num * Int128(target.denominator), rhs = Int128(target.numerator) * den
                    switch target.op {
                    case .lt: met = lhs < rhs
                    case .le: met = lhs <= rhs
                    case .gt: met = lhs > rhs
                    case .ge: met = lhs >= rhs
                    case .eq: met = lhs == rhs
                    case .ne: met = lhs != rhs
                    }
                }
                rows.append(Row(measure: m.name, label: m.annotations.label, group: g, cases: t.selected, value: text, target: m.target?.text, met: met))
            }
        }
        return rows
    }

    /// num/den rounded half-up to `places` decimals, exactly.
    static func decimal(_ num: Int128, _ den: Int128, places: Int) -> String {
        guard den != 0 else { return "-" }
        var scale: Int128 = 1
        for _ in 0..<places { scale *= 10 }
        let negative = (num < 0) != (den < 0)
        let n = num.magnitude * UInt128(scale), d = den.magnitude
        var q = n / d
        if (n % d) * 2 >= d { q += 1 }
        let whole = q / UInt128(scale), frac = q % UInt128(scale)
        var s = (negative && q != 0 ? "-" : "") + String(whole)
        if places > 0 {
            let f = String(frac)
            s += "." + String(repeating: "0", count: places - f.count) + f
        }
        return s
    }
}

extension MeasureAccumulator {
    /// The report as an aligned table, with the counts of decided and refused cases.
    public func text(_ language: Language = .en) -> String {
        let rows = report()
        var out = "\(decided) cases decided, \(refused) refused\n"
        if policy.model.measures.isEmpty { return out + "no measures: declare them under `measures:` in the policy\n" }
        guard !rows.isEmpty else {
            let n = policy.model.measures.count
            return out + "no values: no decided case was selected by the \(n) measure\(n == 1 ? "" : "s") of the policy\n"
        }
        let header = ["measure", "group", "cases", "value", "target", "result"]
        let body = rows.map { r in
            [r.measure, TextEscaping.escaped(r.group), String(r.cases), r.value ?? "-", r.target ?? "-",
             r.met.map { $0 ? (language == .zh ? "达标" : "met") : (language == .zh ? "未达标" : "missed") } ?? "-"]
        }
        let widths = header.indices.map { i in ([header] + body).map { $0[i].count }.max()! }
        for row in [header] + body {
            out += zip(row, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces) + "\n"
        }
        return out
    }

    /// The report as JSON: `{"decided": N, "refused": N, "measures": [...]}`.
    public func json() -> String {
        var w = JSONWriter()
        w.object { w in
            w.field("decided", Int(decided))
            w.field("refused", Int(refused))
            w.key("measures")
            w.array { w in
                for r in report() {
                    w.object { w in
                        w.field("measure", r.measure)
                        w.field("group", r.group)
                        w.field("cases", Int(r.cases))
                        if let v = r.value { w.field("value", v) }
                        if let t = r.target { w.field("target", t) }
                        if let m = r.met { w.field("met", m) }
                    }
                }
            }
        }
        return w.output
    }
}
