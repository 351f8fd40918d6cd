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
        var sum: Int128 = 0      // sum of `of` (mean), in minor units for money: 2^63 cases of the largest value fit
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
                    tallies[group]![mi].sum += Int128(v)
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
                    (num, den) = (t.sum, Int128(max(t.valued, 1)) * scale)
                    text = t.valued == 0 ? nil : Self.decimal(num, den, places: m.ofType == .money ? policy.model.moneyScale : 2)
                }
                var met: Bool?
                if let target = m.target, text != nil {
                    // Compare num/den with the target's fraction exactly (shares as a fraction of 1).
                    let order = Self.compare(num, den, Int128(target.numerator), Int128(target.denominator))
                    switch target.op {
                    case .lt: met = order < 0
                    case .le: met = order <= 0
                    case .gt: met = order > 0
                    case .ge: met = order >= 0
                    case .eq: met = order == 0
                    case .ne: met = order != 0
                    }
                }
                rows.append(Row(measure: m.name, label: m.annotations.label, group: g, cases: t.selected, value: text, target: m.target?.text, met: met))
            }
        }
        return rows
    }

    /// The sign of a/b − c/d (−1, 0 or 1) for positive denominators, exactly and without overflow
    /// whatever the magnitudes: whole parts first, then the remainders' reciprocals, as a continued
    /// fraction is compared.
    static func compare(_ a: Int128, _ b: Int128, _ c: Int128, _ d: Int128) -> Int {
        precondition(b > 0 && d > 0, "denominators are positive")
        // Floor division, so that each remainder is in 0..<denominator.
        func floorDiv(_ n: Int128, _ m: Int128) -> (Int128, Int128) {
            var q = n / m, r = n % m
            if r < 0 { q -= 1; r += m }
            return (q, r)
        }
        var (a, b, c, d) = (a, b, c, d)
        var sign = 1
        while true {
            let (q1, r1) = floorDiv(a, b), (q2, r2) = floorDiv(c, d)
            if q1 != q2 { return q1 < q2 ? -sign : sign }
            // Equal whole parts: compare r1/b with r2/d, which is the reverse of b/r1 against d/r2.
            if r1 == 0 || r2 == 0 { return r1 == r2 ? 0 : (r1 == 0 ? -sign : sign) }
            (a, b, c, d) = (b, r1, d, r2)
            sign = -sign
        }
    }

    /// num/den rounded half-up to `places` decimals, exactly, by long division (no product of the
    /// tally with a power of ten, so no overflow whatever the tally).
    static func decimal(_ num: Int128, _ den: Int128, places: Int) -> String {
        guard den != 0 else { return "-" }
        let negative = (num < 0) != (den < 0)
        let n = num.magnitude, d = den.magnitude
        var whole = n / d
        var remainder = n % d
        var digits: [UInt8] = []
        for _ in 0..<places {
            // remainder < d ≤ 2^127, so the product is computed in two halves to stay exact.
            let (high, low) = remainder.multipliedFullWidth(by: 10)
            let (q, r) = d.dividingFullWidth((high, low))
            digits.append(UInt8(q))
            remainder = r
        }
        // Half-up: round away when the rest is at least half of d (compare 2·rest with d, overflow-free).
        if remainder >= d - remainder {
            var i = digits.count - 1
            while i >= 0 {
                if digits[i] < 9 { digits[i] += 1; break }
                digits[i] = 0
                i -= 1
            }
            if i < 0 { whole += 1 }
        }
        let zero = whole == 0 && digits.allSatisfy { $0 == 0 }
        var s = (negative && !zero ? "-" : "") + String(whole)
        if places > 0 { s += "." + String(decoding: digits.map { $0 + 0x30 }, as: UTF8.self) }
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
