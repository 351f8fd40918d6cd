/// Generates valid cases for a policy from its schema, reproducibly from a seed.
///
/// ```swift
/// var g = CaseGenerator(policy: policy, seed: 42)
/// let line = g.nextJSON()   // {"id":"case-1","received_at":"2025-07-14T10:31:00+08:00",...}
/// ```
/// Values are drawn to exercise the policy: strings from the literals its conditions compare them
/// with (and one value none of them names), amounts clustered around the thresholds its conditions
/// use (300.00, 300.01, ...), optional fields present about 70% of the time, flags true about 20%.
/// Every value keeps within its field's bounds (`min`/`max`, `min_length`/`max_length`, and
/// `pattern`, by a random walk through the pattern's automaton); a string field for which no such
/// value is found is named in ``warnings``, and left out of cases when it may be.
/// Used for benchmarks (`verdict generate`) and for replaying changes over many cases.
public struct CaseGenerator {
    let policy: CompiledPolicy
    private var rng: SplitMix64
    private var counter = 0
    private let strings: [Int: [String]]
    private let thresholds: [Int: [Int64]]
    /// String fields no generated value satisfies (their pattern and length bounds disagree, or the
    /// pattern asks for characters the generator does not draw): one line each, naming the field.
    public let warnings: [String]
    private let unsatisfiable: Set<Int>

    /// A generator for `policy`; the same seed gives the same cases.
    ///
    /// - Parameters:
    ///   - policy: The policy whose case schema the cases follow.
    ///   - seed: The seed of the generator's random numbers: the same seed gives the same cases.
    public init(policy: CompiledPolicy, seed: UInt64) {
        self.policy = policy
        rng = SplitMix64(seed: seed)
        var strings: [Int: Set<String>] = [:]
        var thresholds: [Int: Set<Int64>] = [:]
        func visit(_ e: Expr) {
            switch e {
            case let .compare(_, .field(i), .constant(c)), let .compare(_, .constant(c), .field(i)):
                note(i, c)
            case let .inList(.field(i), values):
                for v in values { note(i, v) }
            case let .inRange(.field(i), lo, _, hi, _):
                note(i, lo)
                note(i, hi)
            case .span(_, let x), .not(let x), .present(let x), .negate(let x), .inList(let x, _), .inRange(let x, _, _, _, _),
                 .datePart(_, let x, _, _), .isWorkingTime(_, let x), .isWorkingDay(_, let x):
                visit(x)
            case .and(let xs), .or(let xs), .list(let xs): xs.forEach(visit)
            case let .compare(_, a, b), let .add(a, b), let .subtract(a, b), let .contains(a, b), let .workingTime(_, a, b), let .workingDays(_, a, b),
                 let .daysBetween(a, b):
                visit(a)
                visit(b)
            case .constant, .field, .output: break
            }
        }
        func note(_ field: Int, _ v: Value) {
            switch v {
            case .string(let s): strings[field, default: []].insert(s)
            case .money(let m), .int(let m): thresholds[field, default: []].insert(m)
            default: break
            }
        }
        for d in policy.model.decisions {
            for r in d.rules { visit(r.condition.expr) }
            for o in d.overrides {
                visit(o.condition.expr)
                for x in o.exceptions { visit(x.condition.expr) }
            }
        }
        for c in policy.model.clocks { visit(c.condition.expr) }
        self.strings = strings.mapValues { $0.sorted() + ["Other"] }
        self.thresholds = thresholds.mapValues { $0.sorted() }
        // Probe each constrained string field with its own generator, so the cases drawn stay the same.
        var probe = SplitMix64(seed: seed ^ 0x5EED)
        var warnings: [String] = [], unsatisfiable: Set<Int> = []
        for (i, f) in policy.model.fields.enumerated() where f.type == .string && !f.constraints.isEmpty {
            let pool = self.strings[i] ?? ["A", "B", "Other"]
            guard !(0..<5).contains(where: { _ in Self.text(f, pool: pool, rng: &probe) != nil }) else { continue }
            unsatisfiable.insert(i)
            let c = f.constraints
            let bounds = [c.pattern.map { "`pattern` `\($0.source)`" }, c.minLength.map { "`min_length` \($0)" }, c.maxLength.map { "`max_length` \($0)" }]
                .compactMap { $0 }.joined(separator: ", ")
            warnings.append("field `\(f.name)`: no generated string satisfies its \(bounds); "
                + (f.optional || f.defaultValue != nil ? "generated cases leave it out" : "generated cases carry one it refuses, so they are refused"))
        }
        self.warnings = warnings
        self.unsatisfiable = unsatisfiable
    }

    /// The next case as one line of JSON (no newline). A case never contradicts itself: fields the
    /// policy orders (`resolved_at: {min: received_at}`) and each clock's start and `stop` field are
    /// put in order (by swapping the two values, or moving one to the other, within their bounds).
    public mutating func nextJSON() -> String {
        counter += 1
        let base = Int64(1_735_660_800_000)  // 2025-01-01T00:00:00+08:00
        let received = base + Int64(rng.next(below: 700 * 24 * 60)) * 60_000
        // Each field's value as JSON text, and as a value where it is one the orders compare.
        var texts: [Int: String] = [:]
        var values: [Int: Value] = [:]
        for (i, f) in policy.model.fields.enumerated() where f.name != "id" {
            if f.optional || f.defaultValue != nil, unsatisfiable.contains(i) || rng.next(below: 10) >= 7 { continue }
            var w = JSONWriter()
            values[i] = write(f.type, field: i, received: received, to: &w)
            texts[i] = w.output
        }
        for i in inOrder(&values) { texts[i] = values[i].map(render) ?? nil }
        var w = JSONWriter()
        w.object { w in
            for (i, f) in policy.model.fields.enumerated() {
                if f.name == "id" {
                    w.field("id", "case-\(counter)")
                } else if let text = texts[i] {
                    w.key(f.name)
                    w.value(serialised: Array(text.utf8))
                }
            }
        }
        return w.output
    }

    /// The orders a case must keep, as (lower, upper) slots: the policy's field orders, and each
    /// clock whose start is a field and that has a `stop` field.
    private var orders: [(lower: Int, upper: Int)] {
        var out = policy.model.fieldOrders.map { ($0.lower, $0.upper) }
        for c in policy.model.clocks {
            var start = c.start
            while case .span(_, let inner) = start { start = inner }
            if case .field(let i) = start, let stop = c.stop { out.append((i, stop)) }
        }
        return out
    }

    /// Puts `values` in the orders the case must keep; the slots changed (a value removed is nil).
    private func inOrder(_ values: inout [Int: Value]) -> Set<Int> {
        let orders = self.orders
        guard !orders.isEmpty else { return [] }
        var changed: Set<Int> = []
        let fields = policy.model.fields
        func fits(_ v: Value, _ slot: Int) -> Bool { fields[slot].constraints.accepts(v) }
        // A chain (a ≤ b ≤ c) settles in as many passes as it has links.
        for _ in 0...orders.count {
            var settled = true
            for (lo, hi) in orders {
                guard let a = values[lo], let b = values[hi], let c = Value.compare(b, a), c < 0 else { continue }
                settled = false
                if fits(b, lo), fits(a, hi) {
                    values[lo] = b; values[hi] = a; changed.formUnion([lo, hi])
                } else if fits(a, hi) {
                    values[hi] = a; changed.insert(hi)
                } else if fits(b, lo) {
                    values[lo] = b; changed.insert(lo)
                } else if fields[hi].optional {
                    values[hi] = nil; changed.insert(hi)
                } else if fields[lo].optional {
                    values[lo] = nil; changed.insert(lo)
                }
            }
            if settled { break }
        }
        return changed
    }

    /// A value the orders compare as the JSON text a case gives it.
    private func render(_ v: Value) -> String {
        var w = JSONWriter()
        switch v {
        case .int(let x): w.number(x)
        case .money(let m): w.string(Money.format(m, scale: policy.model.moneyScale))
        case .time(let t): w.string(Timestamp(millisecondsSinceEpoch: t).rfc3339(in: policy.zone))
        case .date(let d): w.string(CivilDate(daysSinceEpoch: Int(d)).description)
        case .duration(let d): w.string(ClockDuration(milliseconds: d).description)
        default: break
        }
        return w.output
    }

    /// One value of `type` for `field` (`inList` for an item of a list field, whose bounds count items).
    /// Returns the value written when it is an integer, money, a timestamp, a date or a duration.
    @discardableResult
    private mutating func write(_ type: ValueType, field: Int, received: Int64, inList: Bool = false, to w: inout JSONWriter) -> Value? {
        let f = policy.model.fields[field]
        switch type {
        case .bool: w.bool(rng.next(below: 5) == 0)
        case .string:
            let pool = strings[field] ?? ["A", "B", "Other"]
            if inList {
                w.string(pool[Int(rng.next(below: UInt64(pool.count)))])
            } else {
                w.string(Self.text(f, pool: pool, rng: &rng) ?? pool[0])
            }
        case .enumeration(let e):
            let members = policy.model.enums[e].members
            w.string(policy.model.members[Int(members[Int(rng.next(below: UInt64(members.count)))])].name)
        case .integer:
            let x = within(Int64(rng.next(below: 100)), field, span: 100)
            w.number(x)
            return .int(x)
        case .money:
            let m = within(amount(field, scale: policy.model.moneyScale), field, span: 100_000)
            w.string(Money.format(m, scale: policy.model.moneyScale))
            return .money(m)
        case .timestamp:
            let offset = Int64(rng.next(below: 5 * 24 * 60)) * 60_000
            let t = within(received + offset, field, span: 700 * 86_400_000)
            w.string(Timestamp(millisecondsSinceEpoch: t).rfc3339(in: policy.zone))
            return .time(t)
        case .date:
            let d = within(20089 + Int64(rng.next(below: 700)), field, span: 700)
            w.string(CivilDate(daysSinceEpoch: Int(d)).description)
            return .date(Int32(d))
        case .duration:
            // Cases carry no negative duration, and whole minutes (or seconds) when the bounds allow.
            let d = within(ClockDuration.minutes(Int64(rng.next(below: 3 * 24 * 60))).milliseconds, field, span: 3 * 86_400_000, floor: 0)
            let lo = policy.model.fields[field].constraints.minimum.flatMap(Self.raw) ?? 0
            let rounded = [60_000, 1000, 1].map { d - d % $0 }.first { $0 >= lo } ?? d
            w.string(ClockDuration(milliseconds: rounded).description)
            return .duration(rounded)
        case .list(let element):
            var n = Int(rng.next(below: 4))
            let (lo, hi) = (f.constraints.minLength ?? 0, f.constraints.maxLength ?? Int.max)
            if n < lo || n > hi {
                let top = min(hi, lo + 3)
                n = lo + Int(rng.next(below: UInt64(top - lo + 1)))
            }
            w.array { w in for _ in 0..<n { write(element, field: field, received: received, inList: true, to: &w) } }
        }
        return nil
    }

    /// A string for field `f` within its bounds: one from the pool when it satisfies them (always,
    /// for an unbounded field), else one drawn to fit (by the pattern, or letters of a length within
    /// the bounds); nil when 20 draws satisfy none. Checked as the decoders check: after normalising.
    static func text(_ f: FieldInfo, pool: [String], rng: inout SplitMix64) -> String? {
        let c = f.constraints
        func valid(_ s: String) -> Bool { c.accepts(.string(f.normalization.apply(s))) }
        let pick = pool[Int(rng.next(below: UInt64(pool.count)))]
        if c.isEmpty || valid(pick) { return pick }
        let lo = c.minLength ?? 0, hi = max(c.maxLength ?? max(lo, 12), lo)
        for _ in 0..<20 {
            let s: String?
            if let p = c.pattern {
                s = p.sample(minLength: lo, maxLength: hi) { rng.next(below: $0) }
            } else {
                let n = lo + Int(rng.next(below: UInt64(min(hi, lo + 12) - lo + 1)))
                s = String(String.UnicodeScalarView((0..<n).map { _ in Unicode.Scalar(UInt8(97 + rng.next(below: 26))) }))
            }
            if let s, valid(s) { return s }
        }
        return nil
    }

    /// `v` when it is within the field's `min` and `max`, else a value drawn between them (or within
    /// `span` of the one bound there is), so generated cases stay valid; `floor` is a lower bound of
    /// the type's own (no negative durations).
    private mutating func within(_ v: Int64, _ field: Int, span: Int64, floor: Int64? = nil) -> Int64 {
        let c = policy.model.fields[field].constraints
        let hi = c.maximum.flatMap(Self.raw)
        let lo = [c.minimum.flatMap(Self.raw), floor].compactMap { $0 }.max()
        if lo.map({ v >= $0 }) ?? true, hi.map({ v <= $0 }) ?? true { return v }
        if let l = lo, let h = hi, l > h { return v }  // a maximum below the type's floor: nothing fits
        switch (lo, hi) {
        case let (l?, h?):
            let width = UInt64(bitPattern: h &- l)
            return l &+ Int64(bitPattern: width == .max ? rng.next() : rng.next(below: width + 1))
        case let (l?, nil):
            return l &+ Int64(rng.next(below: min(UInt64(span), UInt64(bitPattern: Int64.max &- l)) + 1))
        case let (nil, h?):
            return h &- Int64(rng.next(below: min(UInt64(span), UInt64(bitPattern: h &- Int64.min)) + 1))
        case (nil, nil):
            return v
        }
    }

    /// A bound's value in the units the generator draws in (minor units, milliseconds, days).
    private static func raw(_ v: Value) -> Int64? {
        switch v {
        case .int(let x), .money(let x), .time(let x), .duration(let x): x
        case .date(let d): Int64(d)
        default: nil
        }
    }

    /// Half the time near a threshold the policy uses (one minor unit either side), else anywhere up to 2× the largest.
    private mutating func amount(_ field: Int, scale: Int) -> Int64 {
        let ts = thresholds[field] ?? []
        if !ts.isEmpty, rng.next(below: 2) == 0 {
            let t = ts[Int(rng.next(below: UInt64(ts.count)))]
            return max(0, t + Int64(rng.next(below: 3)) - 1)
        }
        let top = max(ts.last ?? 100_000, 1) * 2
        return Int64(rng.next(below: UInt64(top)))
    }
}

/// A small, fast, seedable generator (SplitMix64), so generated data is the same on every machine
/// (the tests' seeded logs use it too).
package struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<n` (n > 0), by rejection so there is no modulo bias.
    mutating func next(below n: UInt64) -> UInt64 {
        let limit = UInt64.max - UInt64.max % n
        while true {
            let x = next()
            if x < limit { return x % n }
        }
    }
}
