import Foundation

/// The fast path from JSON bytes to field slots, for well-formed cases.
///
/// It reads the object in one pass, matches member names and enum members by their bytes (no
/// `String` per key; the next slot in schema order is tried first, as generated and exported cases
/// keep that order), and parses money, integers and timestamps straight from the bytes. Anything it
/// does not expect — an escape in a string, an unknown field, a wrong type, a missing field —
/// returns nil, and the careful decoder (``CaseDecoder``) runs instead to report every problem.
struct FastCaseDecoder: Sendable {
    /// The field names' bytes, one after another: field `s` is `nameBytes[nameStart[s]..<nameStart[s + 1]]`.
    private let nameBytes: [UInt8]
    private let nameStart: [Int]
    private let types: [ValueType]
    private let defaults: [Value?]
    private let required: [Bool]
    /// Each enum's members: enum `e` is `memberNames[memberStart[e]..<memberStart[e + 1]]`, their
    /// bytes in `memberBytes`.
    private let memberBytes: [UInt8]
    private let memberNames: [MemberName]
    private let memberStart: [Int]
    private let normalizations: [StringNormalization]
    private let scale: Int
    /// Each field's bounds, nil where it has none: a value outside them is left to the careful
    /// decoder, which reports it.
    private let constraints: [FieldConstraints?]
    /// The `id` field's slot: an id with DEL or a C1 control is left to the careful decoder, which
    /// refuses it (C0 controls never pass ``rawString``).
    private let idSlot: Int?

    /// An enum member's name, as `memberBytes[start..<start+count]`, and its id.
    private struct MemberName: Sendable {
        var start: Int
        var count: Int
        var id: Int32
    }

    /// Values that look like a literal without being it are left to the careful decoder, which refuses them.
    private let lookAlikes: LookAlikes

    init(model: CheckedPolicy, lookAlikes: LookAlikes) {
        self.lookAlikes = lookAlikes
        var bytes: [UInt8] = [], starts = [0]
        for f in model.fields {
            bytes.append(contentsOf: f.name.utf8)
            starts.append(bytes.count)
        }
        nameBytes = bytes
        nameStart = starts
        types = model.fields.map(\.type)
        defaults = model.fields.map(\.defaultValue)
        required = model.fields.map { !$0.optional && $0.defaultValue == nil }
        var memberBytes: [UInt8] = [], memberNames: [MemberName] = [], memberStart = [0]
        for e in model.enums {
            for id in e.members {
                let name = model.members[Int(id)].name.utf8
                memberNames.append(MemberName(start: memberBytes.count, count: name.count, id: id))
                memberBytes.append(contentsOf: name)
            }
            memberStart.append(memberNames.count)
        }
        self.memberBytes = memberBytes
        self.memberNames = memberNames
        self.memberStart = memberStart
        scale = model.moneyScale
        constraints = model.fields.map { $0.constraints.isEmpty ? nil : $0.constraints }
        normalizations = model.fields.map(\.normalization)
        idSlot = model.fields.firstIndex { $0.name == "id" }
    }

    func decode(_ bytes: [UInt8]) -> [Value]? {
        bytes.withUnsafeBufferPointer { p in
            nameBytes.withUnsafeBufferPointer { names in
                memberBytes.withUnsafeBufferPointer { members in decode(p, names: names, members: members) }
            }
        }
    }

    private func decode(_ p: UnsafeBufferPointer<UInt8>, names: UnsafeBufferPointer<UInt8>, members: UnsafeBufferPointer<UInt8>) -> [Value]? {
        let n = p.count
        let fieldCount = types.count
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
        /// Whether the bytes at `r` are `table[start..<start+count]`.
        @inline(__always) func equal(_ r: Range<Int>, _ table: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Bool {
            r.count == count && memcmp(p.baseAddress! + r.lowerBound, table.baseAddress! + start, count) == 0
        }
        @inline(__always) func isName(_ r: Range<Int>, _ s: Int) -> Bool {
            equal(r, names, nameStart[s], nameStart[s + 1] - nameStart[s])
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
        /// A JSON integer written without a fraction or an exponent; nil for any other number, or
        /// one that does not fit (the careful decoder decides those).
        func integer(_ r: Range<Int>) -> Int64? {
            var k = r.lowerBound
            let negative = p[k] == 45
            if negative { k += 1 }
            var v: Int64 = 0
            while k < r.upperBound {
                let c = p[k]
                guard c >= 48, c <= 57 else { return nil }
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = negative ? m.subtractingReportingOverflow(Int64(c - 48)) : m.addingReportingOverflow(Int64(c - 48))
                if o1 || o2 { return nil }
                v = a
                k += 1
            }
            return v
        }


        space()
        guard i < n, p[i] == 123 else { return nil }
        i += 1
        var slots = [Value](unsafeUninitializedCapacity: fieldCount) { b, count in
            b.initialize(repeating: .absent)
            count = fieldCount
        }
        var seen = [Bool](repeating: false, count: fieldCount)
        var expected = 0
        space()
        if i < n, p[i] == 125 { i += 1 } else {
            while true {
                space()
                guard let key = rawString() else { return nil }
                var slot = -1
                if expected < fieldCount, isName(key, expected) { slot = expected } else {
                    for s in 0..<fieldCount where isName(key, s) { slot = s; break }
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
                    let v: Value
                    switch types[slot] {
                    case .bool:
                        if literal("true") { v = .bool(true) } else if literal("false") { v = .bool(false) } else { return nil }
                    case .string:
                        guard let r = rawString() else { return nil }
                        let bytes = UnsafeBufferPointer(rebasing: p[r])
                        // ASCII is valid UTF-8 as it stands; other text is validated, and invalid UTF-8 is left
                        // to the careful decoder, which reports it (never repaired here).
                        let text: String
                        let ascii = bytes.allSatisfy { $0 < 0x80 }
                        if ascii {
                            text = String(decoding: bytes, as: UTF8.self)
                        } else {
                            guard let valid = String(validating: bytes, as: UTF8.self) else { return nil }
                            text = valid
                        }
                        let normalized = normalizations[slot].apply(text)
                        if slot == idSlot, normalized.unicodeScalars.contains(where: CaseDecoder.isControl) { return nil }
                        // Text beyond ASCII that is not a literal of the field may only look like one.
                        if !ascii, lookAlikes.hasLiterals(slot), !lookAlikes.isLiteral(normalized, slot: slot) { return nil }
                        v = .string(normalized)
                    case .enumeration(let e):
                        guard let r = rawString() else { return nil }
                        var id: Int32?
                        for m in memberStart[e]..<memberStart[e + 1] {
                            let name = memberNames[m]
                            if equal(r, members, name.start, name.count) { id = name.id; break }
                        }
                        guard let id else { return nil }
                        v = .member(id)
                    case .money:
                        let r: Range<Int>
                        if p[i] == 34 { guard let q = rawString() else { return nil }; r = q } else { r = number(); guard isJSONNumber(r) else { return nil } }
                        guard let units = money(r) else { return nil }
                        v = .money(units)
                    case .integer:
                        let r = number()
                        guard isJSONNumber(r), let x = integer(r) else { return nil }
                        v = .int(x)
                    case .timestamp:
                        guard let r = rawString(), case .some(.some(let ms)) = Timestamp.parse(UnsafeBufferPointer(rebasing: p[r])) else { return nil }
                        // Within a day of 0001 or 9999 the date depends on the zone: the careful decoder checks it.
                        guard Value.timeRange.contains(ms) else { return nil }
                        v = .time(ms)
                    case .date:
                        guard let r = rawString(), let text = String(validating: UnsafeBufferPointer(rebasing: p[r]), as: UTF8.self),
                              let d = try? CivilDate(iso: text) else { return nil }
                        v = .date(Int32(d.daysSinceEpoch))
                    case .duration:
                        guard let r = rawString(), let text = String(validating: UnsafeBufferPointer(rebasing: p[r]), as: UTF8.self),
                              let d = try? ClockDuration(text: text) else { return nil }
                        v = .duration(d.milliseconds)
                    default:
                        return nil
                    }
                    if let c = constraints[slot], !c.accepts(v) { return nil }
                    slots[slot] = v
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
        for s in 0..<fieldCount where slots[s].isAbsent {
            if let d = defaults[s] { slots[s] = d } else if required[s] { return nil }
        }
        return slots
    }
}
