/// The fast path from JSON bytes to field slots, for well-formed cases.
///
/// It reads the object in one pass, matches member names and enum members by their bytes (no
/// `String` per key; the next slot in schema order is tried first, as generated and exported cases
/// keep that order), and parses money, integers and timestamps straight from the bytes. Anything it
/// does not expect — an escape in a string, an unknown field, a wrong type, a missing field —
/// returns nil, and the careful decoder (``CaseDecoder``) runs instead to report every problem.
struct FastCaseDecoder: Sendable {
    private let names: [[UInt8]]
    private let types: [ValueType]
    private let defaults: [Value?]
    private let required: [Bool]
    private let members: [[(name: [UInt8], id: Int32)]]
    private let normalizations: [StringNormalization]
    private let scale: Int
    /// Each field's bounds, nil where it has none: a value outside them is left to the careful
    /// decoder, which reports it.
    private let constraints: [FieldConstraints?]

    init(model: CheckedPolicy) {
        names = model.fields.map { Array($0.name.utf8) }
        types = model.fields.map(\.type)
        defaults = model.fields.map(\.defaultValue)
        required = model.fields.map { !$0.optional && $0.defaultValue == nil }
        members = model.enums.map { e in e.members.map { (Array(model.members[Int($0)].name.utf8), $0) } }
        scale = model.moneyScale
        constraints = model.fields.map { $0.constraints.isEmpty ? nil : $0.constraints }
        normalizations = model.fields.map(\.normalization)
    }

    func decode(_ bytes: [UInt8]) -> [Value]? {
        bytes.withUnsafeBufferPointer { decode($0) }
    }

    private func decode(_ p: UnsafeBufferPointer<UInt8>) -> [Value]? {
        let n = p.count
        var i = 0
        @inline(__always) func space() { while i < n, p[i] == 32 || p[i] == 10 || p[i] == 13 || p[i] == 9 { i += 1 } }
        /// The bytes of a string without escapes; nil for anything else.
        @inline(__always) func rawString() -> Range<Int>? {
            guard i < n, p[i] == 34 else { return nil }
            let start = i + 1
            var j = start
            while j < n, p[j] != 34 {
                if p[j] == 92 || p[j] < 0x20 { return nil }
                j += 1
            }
            guard j < n else { return nil }
            i = j + 1
            return start..<j
        }
        @inline(__always) func equal(_ r: Range<Int>, _ name: [UInt8]) -> Bool {
            guard r.count == name.count else { return false }
            var k = 0
            for x in r { if p[x] != name[k] { return false }; k += 1 }
            return true
        }
        @inline(__always) func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard i + count <= n else { return false }
            for k in 0..<count where p[i + k] != word.utf8Start[k] { return false }
            i += count
            return true
        }
        func number() -> Range<Int> {
            let start = i
            while i < n, (p[i] >= 48 && p[i] <= 57) || p[i] == 45 || p[i] == 46 || p[i] == 43 || p[i] == 101 || p[i] == 69 { i += 1 }
            return start..<i
        }
        /// Whether the bytes are a JSON number: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?` (no `01`, no `+1`).
        func isJSONNumber(_ r: Range<Int>) -> Bool {
            var k = r.lowerBound
            func digits() -> Int { let s = k; while k < r.upperBound, p[k] >= 48, p[k] <= 57 { k += 1 }; return k - s }
            if k < r.upperBound, p[k] == 45 { k += 1 }
            guard k < r.upperBound else { return false }
            if p[k] == 48 { k += 1 } else if digits() == 0 { return false }
            if k < r.upperBound, p[k] == 46 { k += 1; if digits() == 0 { return false } }
            if k < r.upperBound, p[k] == 101 || p[k] == 69 {
                k += 1
                if k < r.upperBound, p[k] == 43 || p[k] == 45 { k += 1 }
                if digits() == 0 { return false }
            }
            return k == r.upperBound
        }
        func money(_ r: Range<Int>) -> Int64? {
            var k = r.lowerBound
            guard k < r.upperBound else { return nil }
            let negative = p[k] == 45
            if negative { k += 1 }
            var units: Int64 = 0, decimals = -1, any = false
            while k < r.upperBound {
                let c = p[k]
                if c == 46, decimals < 0, any { decimals = 0 } else if c >= 48, c <= 57 {
                    if decimals >= 0 { decimals += 1; if decimals > scale { return nil } }
                    let (m, o1) = units.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(Int64(c - 48))
                    if o1 || o2 { return nil }
                    units = a
                    any = true
                } else { return nil }
                k += 1
            }
            guard any, decimals != 0 else { return nil }
            for _ in max(decimals, 0)..<scale {
                let (m, o) = units.multipliedReportingOverflow(by: 10)
                if o { return nil }  // the careful decoder reports it
                units = m
            }
            return negative ? -units : units
        }

        space()
        guard i < n, p[i] == 123 else { return nil }
        i += 1
        var slots = [Value](repeating: .absent, count: names.count)
        var seen = [Bool](repeating: false, count: names.count)
        var expected = 0
        space()
        if i < n, p[i] == 125 { i += 1 } else {
            while true {
                space()
                guard let key = rawString() else { return nil }
                var slot = -1
                if expected < names.count, equal(key, names[expected]) { slot = expected } else {
                    for s in names.indices where equal(key, names[s]) { slot = s; break }
                }
                guard slot >= 0, !seen[slot] else { return nil }
                seen[slot] = true
                expected = slot + 1
                space()
                guard i < n, p[i] == 58 else { return nil }
                i += 1
                space()
                guard i < n else { return nil }
                if p[i] == 110 {
                    guard literal("null"), !required[slot] else { return nil }
                } else {
                    switch types[slot] {
                    case .bool:
                        if literal("true") { slots[slot] = .bool(true) } else if literal("false") { slots[slot] = .bool(false) } else { return nil }
                    case .string:
                        guard let r = rawString() else { return nil }
                        // Invalid UTF-8 is left to the careful decoder, which reports it (never repaired here).
                        guard let text = String(validating: UnsafeBufferPointer(rebasing: p[r]), as: UTF8.self) else { return nil }
                        slots[slot] = .string(normalizations[slot].apply(text))
                    case .enumeration(let e):
                        guard let r = rawString() else { return nil }
                        guard let m = members[e].first(where: { equal(r, $0.name) }) else { return nil }
                        slots[slot] = .member(m.id)
                    case .money:
                        let r: Range<Int>
                        if p[i] == 34 { guard let q = rawString() else { return nil }; r = q } else { r = number(); guard isJSONNumber(r) else { return nil } }
                        guard let units = money(r) else { return nil }
                        slots[slot] = .money(units)
                    case .integer:
                        let r = number()
                        guard isJSONNumber(r), let v = Int64(String(decoding: UnsafeBufferPointer(rebasing: p[r]), as: UTF8.self)) else { return nil }
                        slots[slot] = .int(v)
                    case .timestamp:
                        guard let r = rawString(), case .some(.some(let ms)) = Timestamp.parse(UnsafeBufferPointer(rebasing: p[r])) else { return nil }
                        slots[slot] = .time(ms)
                    case .date:
                        guard let r = rawString(), let text = String(validating: UnsafeBufferPointer(rebasing: p[r]), as: UTF8.self),
                              let d = try? CivilDate(iso: text) else { return nil }
                        slots[slot] = .date(Int32(d.daysSinceEpoch))
                    case .duration:
                        guard let r = rawString(), let text = String(validating: UnsafeBufferPointer(rebasing: p[r]), as: UTF8.self),
                              let d = try? ClockDuration(text: text) else { return nil }
                        slots[slot] = .duration(d.milliseconds)
                    default:
                        return nil
                    }
                    if let c = constraints[slot], !c.accepts(slots[slot]) { return nil }
                }
                space()
                guard i < n else { return nil }
                if p[i] == 44 { i += 1; continue }
                if p[i] == 125 { i += 1; break }
                return nil
            }
        }
        space()
        guard i == n else { return nil }
        for s in slots.indices where slots[s].isAbsent {
            if let d = defaults[s] { slots[s] = d } else if required[s] { return nil }
        }
        return slots
    }
}
