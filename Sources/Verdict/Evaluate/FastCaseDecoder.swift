import Foundation

/// The fast path from JSON bytes to field slots, for well-formed cases.
///
/// It reads the object in one pass of ``JSONTokenizer`` (which decides what is JSON, as for every
/// reader), matches member names and enum members by their bytes (no
/// `String` per key; the next slot in schema order is tried first, as generated and exported cases
/// keep that order), and parses money, integers and timestamps straight from the bytes. Anything it
/// does not expect — an escape in a string, an unknown field, a wrong type, a missing field, a
/// syntax error — returns nil, and the careful decoder (``CaseDecoder``) runs instead to report every problem.
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
    /// Each field's known values (``KnownValues``), for a string field that lists them.
    private let known: [KnownValues?]
    private let scale: Int
    /// Each field's bounds, nil where it has none: a value outside them is left to the careful
    /// decoder, which reports it.
    private let constraints: [FieldConstraints?]
    private let orders: [FieldOrder]
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
        orders = model.fieldOrders
        normalizations = model.fields.map(\.normalization)
        known = model.fields.map(\.known)
        idSlot = model.fields.firstIndex { $0.name == "id" }
    }

    func decode(_ bytes: [UInt8]) -> [Value]? {
        bytes.withUnsafeBufferPointer { p in decode(buffer: p) }
    }

    /// The same, over bytes held elsewhere (`Data`, a `String`'s UTF-8, a buffer), read in place.
    @inline(__always)
    func decode(buffer p: UnsafeBufferPointer<UInt8>) -> [Value]? {
        nameBytes.withUnsafeBufferPointer { names in
            memberBytes.withUnsafeBufferPointer { members in
                var t = JSONTokenizer(p)
                do { return try decode(&t, p, names: names, members: members) } catch { return nil }
            }
        }
    }

    /// The slots of the case `t` reads from `p`; nil for any case the careful decoder must see, and
    /// the tokenizer's error for text that is not JSON (the caller answers nil too).
    @inline(__always)
    private func decode(_ t: inout JSONTokenizer, _ p: UnsafeBufferPointer<UInt8>, names: UnsafeBufferPointer<UInt8>,
                        members: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> [Value]? {
        let fieldCount = types.count
        /// Whether the bytes at `r` (a range the tokenizer gave, inside `p`) are `table[start..<start+count]`.
        @inline(__always) func equal(_ r: Range<Int>, _ table: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Bool {
            r.count == count && (count == 0 || memcmp(p.baseAddress! + r.lowerBound, table.baseAddress! + start, count) == 0)
        }
        @inline(__always) func isName(_ r: Range<Int>, _ s: Int) -> Bool {
            equal(r, names, nameStart[s], nameStart[s + 1] - nameStart[s])
        }
        // The ranges below come from the tokenizer: within `p`, a number's checked against JSON's grammar.
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

        guard case .beginObject = try t.next() else { return nil }
        var slots = [Value](unsafeUninitializedCapacity: fieldCount) { b, count in
            b.initialize(repeating: .absent)
            count = fieldCount
        }
        var seen = [Bool](repeating: false, count: fieldCount)
        var expected = 0
        while case .key(let name) = try t.next() {  // else the object's end
            guard !name.hasEscapes else { return nil }
            let key = name.range
            var slot = -1
            if expected < fieldCount, isName(key, expected) { slot = expected } else {
                for s in 0..<fieldCount where isName(key, s) { slot = s; break }
            }
            guard slot >= 0, !seen[slot] else { return nil }
            seen[slot] = true
            expected = slot + 1
            let token = try t.next()
            if case .null = token {
                guard !required[slot] else { return nil }
                continue
            }
            let v: Value
            switch (types[slot], token) {
            case (.bool, .bool(let b)):
                v = .bool(b)
            case (.string, .string(let s)) where !s.hasEscapes:
                // The tokenizer checked the bytes are UTF-8.
                let text = String(decoding: UnsafeBufferPointer(rebasing: p[s.range]), as: UTF8.self)
                var normalized = normalizations[slot].apply(text)
                if let known = known[slot] {
                    // A known value by any of its names (河南, HENAN) decides as the value; an unknown one
                    // where others are refused goes to the full decoder, which says why.
                    if let value = known.value(for: normalized) { normalized = value } else if !known.othersAllowed { return nil }
                }
                if slot == idSlot, normalized.unicodeScalars.contains(where: CaseDecoder.isControl) { return nil }
                // Text beyond ASCII that is not a literal of the field may only look like one.
                if !s.isASCII, lookAlikes.hasLiterals(slot), !lookAlikes.isLiteral(normalized, slot: slot) { return nil }
                v = .string(normalized)
            case (.enumeration(let e), .string(let s)) where !s.hasEscapes:
                var id: Int32?
                for m in memberStart[e]..<memberStart[e + 1] {
                    let name = memberNames[m]
                    if equal(s.range, members, name.start, name.count) { id = name.id; break }
                }
                guard let id else { return nil }
                v = .member(id)
            case (.money, .string(let s)) where !s.hasEscapes:
                guard let units = money(s.range) else { return nil }
                v = .money(units)
            case (.money, .number(let r)):
                guard let units = money(r) else { return nil }
                v = .money(units)
            case (.integer, .number(let r)):
                guard let x = integer(r) else { return nil }
                v = .int(x)
            case (.timestamp, .string(let s)) where !s.hasEscapes:
                guard case .some(.some(let ms)) = Timestamp.parse(UnsafeBufferPointer(rebasing: p[s.range])) else { return nil }
                // Within a day of 0001 or 9999 the date depends on the zone: the careful decoder checks it.
                guard Value.timeRange.contains(ms) else { return nil }
                v = .time(ms)
            case (.date, .string(let s)) where !s.hasEscapes:
                guard let d = try? CivilDate(iso: String(decoding: UnsafeBufferPointer(rebasing: p[s.range]), as: UTF8.self)) else { return nil }
                v = .date(Int32(d.daysSinceEpoch))
            case (.duration, .string(let s)) where !s.hasEscapes:
                guard let d = try? ClockDuration(text: String(decoding: UnsafeBufferPointer(rebasing: p[s.range]), as: UTF8.self)) else { return nil }
                v = .duration(d.milliseconds)
            default:
                // Another type, an escape, a nested value: the careful decoder reads it.
                return nil
            }
            if let c = constraints[slot], !c.accepts(v) { return nil }
            slots[slot] = v
        }
        guard case .end = try t.next() else { return nil }
        for s in 0..<fieldCount where slots[s].isAbsent {
            if let d = defaults[s] { slots[s] = d } else if required[s] { return nil }
        }
        // Fields out of the order the policy declares: the careful decoder says which.
        if !orders.isEmpty, !slots.withUnsafeBufferPointer({ p in orders.allSatisfy { $0.holds(p) } }) { return nil }
        return slots
    }
}
