/// Writes compact JSON in one pass, keys in the order given (so output is stable).
///
/// ```swift
/// var w = JSONWriter()
/// w.object { w in w.field("tier", 3) }
/// w.output  // {"tier":3}
/// ```
package struct JSONWriter: Sendable {
    /// The JSON written so far, as UTF-8.
    package private(set) var bytes: [UInt8] = []
    private var needsComma = false

    /// An empty writer.
    package init() { bytes.reserveCapacity(512) }

    /// Continues writing after what `bytes` holds (a reused buffer: `removeAll(keepingCapacity:)` first).
    package init(appendingTo buffer: [UInt8]) { bytes = buffer }

    /// The JSON written so far, as text.
    package var output: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends bytes already serialised. Copied from their buffer, borrowed: appending the array
    /// itself retains and releases it, and the fragments of a policy's JSON are shared by every thread.
    @inline(__always)
    private mutating func append(_ serialised: [UInt8]) {
        serialised.withUnsafeBufferPointer { bytes.append(contentsOf: $0) }
    }

    private mutating func separate() {
        if needsComma { bytes.append(44) }
        needsComma = true
    }

    /// Writes an object; `body` writes its members with ``key(_:)`` and a value each, or ``field(_:_:)-(String,String)``.
    package mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(123)
        needsComma = false
        body(&self)
        bytes.append(125)
        needsComma = true
    }

    /// Writes an array; `body` writes its elements.
    package mutating func array(_ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(91)
        needsComma = false
        body(&self)
        bytes.append(93)
        needsComma = true
    }

    /// Writes a member name; the next value written is its value.
    package mutating func key(_ k: String) {
        separate()
        Self.appendQuoted(k, to: &bytes)
        bytes.append(58)
        needsComma = false
    }

    /// Writes a string, escaped.
    package mutating func string(_ s: String) { separate(); Self.appendQuoted(s, to: &bytes) }
    /// Writes an integer.
    package mutating func number(_ n: Int) { number(Int64(n)) }
    /// Writes an integer.
    package mutating func number(_ n: Int64) { separate(); Self.appendInteger(n, to: &bytes) }
    /// Writes `true` or `false`.
    package mutating func bool(_ b: Bool) { separate(); bytes.append(contentsOf: b ? [116, 114, 117, 101] : [102, 97, 108, 115, 101]) }
    /// Writes `null`.
    package mutating func null() { separate(); bytes.append(contentsOf: [110, 117, 108, 108]) }
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

    /// A value already serialised as JSON bytes (precomputed for speed).
    package mutating func value(serialised: [UInt8]) {
        separate()
        append(serialised)
    }

    /// A timestamp as an RFC 3339 string in `zone`.
    package mutating func timestamp(_ t: Timestamp, in zone: Zone) {
        separate()
        bytes.append(34)
        t.appendRFC3339(in: zone, to: &bytes)
        bytes.append(34)
    }
    /// Money as a decimal string with exactly `scale` decimals: `"300.00"`.
    mutating func money(_ minorUnits: Int64, scale: Int) {
        separate()
        bytes.append(34)
        if minorUnits < 0 { bytes.append(45) }
        let mag = minorUnits.magnitude
        var p: UInt64 = 1
        for _ in 0..<scale { p *= 10 }
        Self.appendInteger(Int64(mag / p), to: &bytes)
        if scale > 0 {
            bytes.append(46)
            var frac = mag % p
            var digits = [UInt8](repeating: 48, count: scale)
            for i in stride(from: scale - 1, through: 0, by: -1) { digits[i] = UInt8(48 + frac % 10); frac /= 10 }
            bytes.append(contentsOf: digits)
        }
        bytes.append(34)
    }

    static func appendInteger(_ n: Int64, to out: inout [UInt8]) {
        if n == 0 { out.append(48); return }
        if n < 0 { out.append(45) }
        var mag = n.magnitude
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &tmp) { buf in
            while mag > 0 { buf[count] = UInt8(48 + mag % 10); mag /= 10; count += 1 }
            for i in stride(from: count - 1, through: 0, by: -1) { out.append(buf[i]) }
        }
    }

    /// Writes a member with a string value.
    package mutating func field(_ k: String, _ v: String) { key(k); string(v) }
    /// Writes a member with an integer value.
    package mutating func field(_ k: String, _ v: Int) { key(k); number(v) }
    /// Writes a member with a boolean value.
    package mutating func field(_ k: String, _ v: Bool) { key(k); bool(v) }

    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(34)
        let fast: Void? = s.utf8.withContiguousStorageIfAvailable { buffer in
            // Runs of plain bytes are copied whole; only `"`, `\` and control characters are escaped.
            var start = 0
            for i in 0..<buffer.count {
                let u = buffer[i]
                if u >= 0x20, u != 34, u != 92 { continue }
                if start < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<i])) }
                escape(u, to: &out)
                start = i + 1
            }
            if start < buffer.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start...])) }
        }
        if fast == nil {
            for u in s.utf8 {
                if u >= 0x20, u != 34, u != 92 { out.append(u) } else { escape(u, to: &out) }
            }
        }
        out.append(34)
    }

    private static func escape(_ u: UInt8, to out: inout [UInt8]) {
        switch u {
        case 34: out.append(92); out.append(34)
        case 92: out.append(92); out.append(92)
        case 10: out.append(92); out.append(110)
        case 13: out.append(92); out.append(114)
        case 9: out.append(92); out.append(116)
        default:
            let hex: StaticString = "0123456789abcdef"
            let digits = hex.utf8Start
            out.append(contentsOf: [92, 117, 48, 48, digits[Int(u >> 4)], digits[Int(u & 15)]])
        }
    }
}
