/// Generates valid cases for a policy from its schema, reproducibly from a seed.
///
/// ```swift
/// var g = CaseGenerator(policy: policy, seed: 42)
/// let line = g.nextJSON()   // {"id":"case-1","received_at":"2025-07-14T10:31:00+08:00",...}
/// ```
/// Values are drawn to exercise the policy: strings from the literals its conditions compare them
/// with (and one value none of them names), amounts clustered around the thresholds its conditions
/// use (300.00, 300.01, ...), optional fields present about 70% of the time, flags true about 20%.
/// Used for benchmarks (`verdict generate`) and for replaying changes over many cases.
public struct CaseGenerator {
    let policy: CompiledPolicy
    private var rng: SplitMix64
    private var counter = 0
    private let strings: [Int: [String]]
    private let thresholds: [Int: [Int64]]

    /// A generator for `policy`; the same seed gives the same cases.
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
    }

    /// The next case as one line of JSON (no newline).
    public mutating func nextJSON() -> String {
        counter += 1
        var w = JSONWriter()
        let base = Int64(1_735_660_800_000)  // 2025-01-01T00:00:00+08:00
        let received = base + Int64(rng.next(below: 700 * 24 * 60)) * 60_000
        w.object { w in
            for (i, f) in policy.model.fields.enumerated() {
                if f.name == "id" {
                    w.field("id", "case-\(counter)")
                    continue
                }
                if f.optional || f.defaultValue != nil, rng.next(below: 10) >= 7 { continue }
                w.key(f.name)
                write(f.type, field: i, received: received, to: &w)
            }
        }
        return w.output
    }

    private mutating func write(_ type: ValueType, field: Int, received: Int64, to w: inout JSONWriter) {
        switch type {
        case .bool: w.bool(rng.next(below: 5) == 0)
        case .string:
            let pool = strings[field] ?? ["A", "B", "Other"]
            w.string(pool[Int(rng.next(below: UInt64(pool.count)))])
        case .enumeration(let e):
            let members = policy.model.enums[e].members
            w.string(policy.model.members[Int(members[Int(rng.next(below: UInt64(members.count)))])].name)
        case .integer: w.number(bounded(Int64(rng.next(below: 100)), field))
        case .money:
            w.string(Money.format(bounded(amount(field, scale: policy.model.moneyScale), field), scale: policy.model.moneyScale))
        case .timestamp:
            let offset = Int64(rng.next(below: 5 * 24 * 60)) * 60_000
            w.string(Timestamp(millisecondsSinceEpoch: received + offset).rfc3339(in: policy.zone))
        case .date: w.string(CivilDate(daysSinceEpoch: 20089 + Int(rng.next(below: 700))).description)
        case .duration: w.string(ClockDuration.minutes(Int64(rng.next(below: 3 * 24 * 60))).description)
        case .list(let element):
            let n = rng.next(below: 4)
            w.array { w in for _ in 0..<n { write(element, field: field, received: received, to: &w) } }
        }
    }

    /// An integer or amount within the field's `min` and `max`, so generated cases stay valid.
    private func bounded(_ v: Int64, _ field: Int) -> Int64 {
        let c = policy.model.fields[field].constraints
        var x = v
        if case .int(let lo)? = c.minimum { x = max(x, lo) }
        if case .money(let lo)? = c.minimum { x = max(x, lo) }
        if case .int(let hi)? = c.maximum { x = min(x, hi) }
        if case .money(let hi)? = c.maximum { x = min(x, hi) }
        return x
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

/// A small, fast, seedable generator (SplitMix64), so generated data is the same on every machine.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
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
