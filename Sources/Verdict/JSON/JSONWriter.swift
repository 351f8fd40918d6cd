/// Writes compact JSON in one pass, keys in the order given (so output is stable).
///
/// ```swift
/// var w = JSONWriter()
/// w.object { w in w.field("tier", 3) }
/// w.output  // {"tier":3}
/// ```
///
/// The writer owns its buffer and cannot be copied, so no write checks whether the buffer is shared
/// (an array's append does, per byte): writing is a bounds check and a store or a `memcpy`.
package struct JSONWriter: ~Copyable, @unchecked Sendable {  // owns `base` alone: not copyable, never shared
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    private var needsComma = false

    /// An empty writer.
    package init() { self.init(capacity: 512) }

    /// An empty writer with room for `capacity` bytes before it grows.
    package init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The JSON written so far, as UTF-8 (a copy).
    package var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// The JSON written so far, as text.
    package var output: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }

    /// Appends the JSON written so far to `buffer`.
    package func append(to buffer: inout [UInt8]) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
    }

    /// Calls `body` with the JSON written so far, without copying it.
    package func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Reopens the object just written (its `}` taken back), to write more members; ``closeObject()`` after.
    package mutating func reopenObject() {
        precondition(count > 0 && base[count - 1] == 125, "reopenObject: the last value written is not an object")
        count -= 1
        needsComma = base[count - 1] != 123  // after `{`, the first member
    }

    /// Closes an object reopened with ``reopenObject()``.
    package mutating func closeObject() {
        byte(125)
        needsComma = true
    }

    /// Makes room for `n` more bytes.
    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if capacity - count < n { grow(count + n) }
    }

    private mutating func grow(_ needed: Int) {
        var c = capacity * 2
        while c < needed { c *= 2 }
        let b = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        b.update(from: base, count: count)
        base.deallocate()
        base = b
        capacity = c
    }

    @inline(__always)
    private mutating func byte(_ u: UInt8) {
        reserve(1)
        base[count] = u
        count += 1
    }

    @inline(__always)
    private mutating func append(raw bytes: UnsafeBufferPointer<UInt8>) {
        guard let src = bytes.baseAddress else { return }
        reserve(bytes.count)
        (base + count).update(from: src, count: bytes.count)
        count += bytes.count
    }

    /// Appends bytes already serialised, borrowed from their buffer (appending the array itself
    /// retains and releases it, and the fragments of a policy's JSON are shared by every thread).
    @inline(__always)
    private mutating func append(_ serialised: [UInt8]) {
        serialised.withUnsafeBufferPointer { append(raw: $0) }
    }

    private mutating func separate() {
        if needsComma { byte(44) }
        needsComma = true
    }

    /// Writes an object; `body` writes its members with ``key(_:)`` and a value each, or ``field(_:_:)-(String,String)``.
    package mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        byte(123)
        needsComma = false
        body(&self)
        byte(125)
        needsComma = true
    }

    /// Writes an array; `body` writes its elements.
    package mutating func array(_ body: (inout JSONWriter) -> Void) {
        separate()
        byte(91)
        needsComma = false
        body(&self)
        byte(93)
        needsComma = true
    }

    /// Writes a member name; the next value written is its value.
    package mutating func key(_ k: String) {
        separate()
        quoted(k)
        byte(58)
        needsComma = false
    }

    /// Writes a string, escaped.
    package mutating func string(_ s: String) { separate(); quoted(s) }
    /// Writes an integer.
    package mutating func number(_ n: Int) { number(Int64(n)) }
    /// Writes an integer.
    package mutating func number(_ n: Int64) { separate(); integer(n) }
    /// Writes `true` or `false`.
    package mutating func bool(_ b: Bool) { separate(); literal(b ? "true" : "false") }
    /// Writes `null`.
    package mutating func null() { separate(); literal("null") }
    /// A member name already quoted and followed by `:` (precomputed for speed).
    mutating func key(quoted: [UInt8]) {
        separate()
        append(quoted)
        needsComma = false
    }

    /// Members of the current object already serialised (`"a":1,"b":2`, without braces), precomputed for speed.
    mutating func members(serialised: [UInt8]) {
        guard !serialised.isEmpty else { return }
        separate()
        append(serialised)
    }

    /// Members already serialised, `count` bytes of `buffer` from `start` (a policy's fragments kept in one buffer).
    mutating func members(in buffer: UnsafeBufferPointer<UInt8>, start: Int32, count: Int32) {
        guard count > 0 else { return }
        separate()
        append(raw: UnsafeBufferPointer(rebasing: buffer[Int(start)..<Int(start) + Int(count)]))
    }

    /// A member name already quoted and followed by `:`, `count` bytes of `buffer` from `start`.
    mutating func key(in buffer: UnsafeBufferPointer<UInt8>, start: Int32, count: Int32) {
        separate()
        append(raw: UnsafeBufferPointer(rebasing: buffer[Int(start)..<Int(start) + Int(count)]))
        needsComma = false
    }

    /// A value already serialised, `count` bytes of `buffer` from `start`.
    mutating func value(in buffer: UnsafeBufferPointer<UInt8>, start: Int32, count: Int32) {
        separate()
        append(raw: UnsafeBufferPointer(rebasing: buffer[Int(start)..<Int(start) + Int(count)]))
    }

    /// A value already serialised as JSON bytes (precomputed for speed).
    package mutating func value(serialised: [UInt8]) {
        separate()
        append(serialised)
    }

    /// A value already serialised, from a policy's constant JSON (appended by pointer: no retain).
    mutating func value(serialised piece: JSONPiece) {
        separate()
        append(raw: piece.bytes)
    }

    /// A key already quoted with its colon, from a policy's constant JSON (appended by pointer: no retain).
    mutating func key(quoted piece: JSONPiece) {
        separate()
        append(raw: piece.bytes)
        needsComma = false
    }

    /// A timestamp as an RFC 3339 string in `zone`.
    package mutating func timestamp(_ t: Timestamp, in zone: Zone) {
        separate()
        reserve(Timestamp.maxRFC3339Bytes + 2)
        base[count] = 34
        count += 1
        count += t.writeRFC3339(in: zone, to: base + count)
        base[count] = 34
        count += 1
    }
    /// Money as a decimal string with exactly `scale` decimals: `"300.00"`.
    mutating func money(_ minorUnits: Int64, scale: Int) {
        separate()
        byte(34)
        if minorUnits < 0 { byte(45) }
        let mag = minorUnits.magnitude
        var p: UInt64 = 1
        for _ in 0..<scale { p *= 10 }
        integer(Int64(mag / p))
        if scale > 0 {
            byte(46)
            reserve(scale)
            var frac = mag % p
            for i in stride(from: scale - 1, through: 0, by: -1) { base[count + i] = UInt8(48 + frac % 10); frac /= 10 }
            count += scale
        }
        byte(34)
    }

    private mutating func literal(_ s: StaticString) {
        append(raw: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private mutating func integer(_ n: Int64) {
        reserve(20)
        if n == 0 { base[count] = 48; count += 1; return }
        if n < 0 { base[count] = 45; count += 1 }
        var mag = n.magnitude
        var digits = 0
        var m = mag
        repeat { digits += 1; m /= 10 } while m > 0
        var i = count + digits - 1
        while mag > 0 { base[i] = UInt8(48 + mag % 10); mag /= 10; i -= 1 }
        count += digits
    }

    /// `s` quoted and escaped: runs of plain bytes copied whole; only `"`, `\` and control characters escaped.
    private mutating func quoted(_ s: String) {
        byte(34)
        var s = s
        s.withUTF8 { buffer in
            let n = buffer.count
            var start = 0, i = 0
            while i < n {
                // Eight bytes at a time while none of them needs escaping.
                if i + 8 <= n, !Self.mayNeedEscape(UnsafeRawPointer(buffer.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                    continue
                }
                let u = buffer[i]
                if u >= 0x20, u != 34, u != 92 { i += 1; continue }
                if start < i { append(raw: UnsafeBufferPointer(rebasing: buffer[start..<i])) }
                escape(u)
                i += 1
                start = i
            }
            if start < n { append(raw: UnsafeBufferPointer(rebasing: buffer[start...])) }
        }
        byte(34)
    }

    /// Whether any of a word's eight bytes may be a control character, `"` or `\` (never false
    /// when one is; rarely true when none is, then the bytes are looked at one by one).
    @inline(__always)
    private static func mayNeedEscape(_ x: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let control = (x &- 0x2020_2020_2020_2020) & ~x & highs
        let q = x ^ 0x2222_2222_2222_2222, b = x ^ 0x5C5C_5C5C_5C5C_5C5C
        let quote = (q &- ones) & ~q & highs, backslash = (b &- ones) & ~b & highs
        return (control | quote | backslash) != 0
    }

    private mutating func escape(_ u: UInt8) {
        switch u {
        case 34: byte(92); byte(34)
        case 92: byte(92); byte(92)
        case 10: byte(92); byte(110)
        case 13: byte(92); byte(114)
        case 9: byte(92); byte(116)
        default:
            let hex: StaticString = "0123456789abcdef"
            let digits = hex.utf8Start
            literal("\\u00")
            byte(digits[Int(u >> 4)])
            byte(digits[Int(u & 15)])
        }
    }

    /// Writes a member with a string value.
    package mutating func field(_ k: String, _ v: String) { key(k); string(v) }
    /// Writes a member with an integer value.
    package mutating func field(_ k: String, _ v: Int) { key(k); number(v) }
    /// Writes a member with a boolean value.
    package mutating func field(_ k: String, _ v: Bool) { key(k); bool(v) }

    /// `s` as a JSON string, quoted and escaped (for fragments serialised once).
    static func quotedBytes(_ s: String) -> [UInt8] {
        var w = JSONWriter(capacity: s.utf8.count + 8)
        w.string(s)
        return w.bytes
    }
}
