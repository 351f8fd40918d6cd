import Foundation

/// How a log of schema 2 stores a decision record's bytes: the canonical bytes (what the Merkle leaf
/// hashes, and what ``StoredRecord/body`` always holds) with the JSON that every record repeats
/// written shorter. Readers decode in the storage layer; nothing above it sees the stored form.
///
/// A stored body starts with the byte 0x01 (a record of schema 1, or one edited in by hand as text,
/// starts with `{` and is read as it is). After it, the canonical bytes, except that:
/// - `0x01 n` stands for `"NAME":`, a member name from the log's name table (`verdict_names`, ids from 1);
/// - `0x02 n` stands for `"TEXT"`, a string value from the same table;
/// - `0x03 f d…` stands for an RFC 3339 timestamp string `"YYYY-MM-DDTHH:MM:SS[.mmm](Z|±HH:MM)"`:
///   `f` says whether it has milliseconds (bit 0) and its zone (bits 1–2: 0 `Z`, 1 `+`, 2 `-`), and the
///   digits follow two to a byte (high nibble first; an odd count ends with a 0 nibble).
///
/// `n` is a LEB128 number. Canonical JSON never holds a raw byte below 0x20 (they are escaped), so
/// the tokens cannot be confused with text. The table only grows (names are never renumbered), up to
/// ``maxNames``; a name it cannot hold stays written out.
public enum RecordEncoding {
    /// The first byte of an encoded body.
    public static let marker: UInt8 = 0x01
    /// The most entries a log's name table holds (an input with ever new member names cannot grow it past this).
    public static let maxNames = 4096
    /// The longest name or value put in the table, in bytes.
    static let maxNameBytes = 80

    /// A log's name table: each entry's bytes (without quotes) and their ids (from 1), found by an
    /// open-addressing hash of their bytes (no allocation per lookup).
    public struct Names: Sendable {
        public private(set) var entries: [[UInt8]] = []
        /// Ids by hash slot (0: empty); twice as many slots as entries can be.
        private var slots: [Int32] = Array(repeating: 0, count: 2 * RecordEncoding.maxNames)

        public init() {}

        /// The number of the last entry (0 for none).
        public var count: Int { entries.count }

        private static func hash(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for k in r { h = (h ^ UInt64(b[k])) &* 0x100_0000_01b3 }
            return Int(truncatingIfNeeded: h ^ (h >> 29))
        }

        /// The slot holding `b[r]`'s id, or the empty slot where it would go.
        private func slot(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> (slot: Int, id: Int?) {
            let mask = slots.count - 1
            var i = Self.hash(b, r) & mask
            while true {
                let id = Int(slots[i])
                if id == 0 { return (i, nil) }
                let e = entries[id - 1]
                if e.count == r.count, e.withUnsafeBufferPointer({ p in memcmp(p.baseAddress!, b.baseAddress! + r.lowerBound, r.count) == 0 }) {
                    return (i, id)
                }
                i = (i + 1) & mask
            }
        }

        /// Adds entries read from the table, numbered from `count + 1` on; false when `id` is not the
        /// next or the table is full.
        @discardableResult
        public mutating func load(id: Int, name: [UInt8]) -> Bool {
            guard id == entries.count + 1, entries.count < RecordEncoding.maxNames else { return false }
            let found = name.withUnsafeBufferPointer { slot($0, 0..<name.count) }
            entries.append(name)
            if found.id == nil { slots[found.slot] = Int32(id) }
            return true
        }

        func id(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int? { r.count == 0 ? nil : slot(b, r).id }

        /// The id of `b[r]`, adding it when it is new and there is room (nil when there is none).
        mutating func intern(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, added: inout [(id: Int, name: [UInt8])]) -> Int? {
            guard r.count > 0 else { return nil }
            let found = slot(b, r)
            if let id = found.id { return id }
            guard entries.count < RecordEncoding.maxNames, r.count <= RecordEncoding.maxNameBytes else { return nil }
            let key = Array(UnsafeBufferPointer(rebasing: b[r]))
            entries.append(key)
            slots[found.slot] = Int32(entries.count)
            added.append((entries.count, key))
            return entries.count
        }

        func entry(_ id: Int) -> [UInt8]? { id >= 1 && id <= entries.count ? entries[id - 1] : nil }
    }

    /// The stored form of a record's canonical bytes; names new to the table are added to `names` and
    /// listed in `added` (the caller stores them in the same transaction). The canonical bytes as they
    /// are when they hold a raw control byte (never written by Verdict).
    public static func encode(_ body: [UInt8], names: inout Names, added: inout [(id: Int, name: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count / 2 + 16)
        out.append(marker)
        let n = body.count
        var i = 0
        var ok = true
        body.withUnsafeBufferPointer { b in
            while i < n {
                let c = b[i]
                if c < 0x20 { ok = false; return }
                if c != 34 { out.append(c); i += 1; continue }
                // A string: find its closing quote (a backslash escapes the next byte).
                var j = i + 1
                var escaped = false
                while j < n && b[j] != 34 {
                    if b[j] < 0x20 { ok = false; return }
                    if b[j] == 92 { escaped = true; j += 1 }
                    j += 1
                }
                guard j < n else { ok = false; return }
                let content = i + 1..<j
                if j + 1 < n && b[j + 1] == 58 {
                    // A member name.
                    if !escaped, let id = names.intern(b, content, added: &added) {
                        out.append(0x01)
                        appendNumber(id, to: &out)
                        i = j + 2
                        continue
                    }
                } else if !escaped {
                    if appendTimestamp(b, content, to: &out) { i = j + 1; continue }
                    let id = tableValue(b, content) ? names.intern(b, content, added: &added) : names.id(b, content)
                    if let id {
                        out.append(0x02)
                        appendNumber(id, to: &out)
                        i = j + 1
                        continue
                    }
                }
                out.append(contentsOf: b[i...j])
                i = j + 1
            }
        }
        return ok ? out : body
    }

    /// Whether a string value is worth a table entry: a word-like symbol (lower-case letters, `_`, `-`;
    /// an enumeration's value, a policy's name) or a policy digest. Other values (ids, amounts, free
    /// text) are written out unless the table holds them already, so the table does not fill with them.
    private static func tableValue(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        if r.count == 71, b[r.lowerBound] == 115, b[r.lowerBound + 6] == 58 { return true }  // sha256:…
        guard r.count >= 2, r.count <= 40 else { return false }
        for k in r {
            let c = b[k]
            if !((c >= 97 && c <= 122) || c == 95 || c == 45) { return false }
        }
        return true
    }

    private static func appendNumber(_ v: Int, to out: inout [UInt8]) {
        var v = UInt(v)
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    /// `YYYY-MM-DDTHH:MM:SS[.mmm](Z|±HH:MM)` as token 0x03; false (nothing written) for anything else.
    private static func appendTimestamp(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, to out: inout [UInt8]) -> Bool {
        let len = r.count
        guard len == 20 || len == 24 || len == 25 || len == 29 else { return false }
        let s = r.lowerBound
        guard b[s + 4] == 45, b[s + 7] == 45, b[s + 10] == 84, b[s + 13] == 58, b[s + 16] == 58 else { return false }
        var k = s + 19
        var flags: UInt8 = 0
        let hasFraction = b[k] == 46
        if hasFraction {
            guard len == 24 || len == 29, isDigit(b[k + 1]), isDigit(b[k + 2]), isDigit(b[k + 3]) else { return false }
            flags |= 1
            k += 4
        }
        let rest = r.upperBound - k
        if b[k] == 90 {
            guard rest == 1 else { return false }
        } else if b[k] == 43 || b[k] == 45 {
            guard rest == 6, isDigit(b[k + 1]), isDigit(b[k + 2]), b[k + 3] == 58, isDigit(b[k + 4]), isDigit(b[k + 5]) else { return false }
            flags |= b[k] == 43 ? 2 : 4
        } else {
            return false
        }
        // The digits in order: date and time, then milliseconds, then the offset (positions in `b`).
        var positions: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) =
            (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 0, 0, 0, 0, 0, 0, 0)
        var count = 14
        withUnsafeMutableBytes(of: &positions) { raw in
            let p = raw.bindMemory(to: Int.self)
            if hasFraction { p[14] = 20; p[15] = 21; p[16] = 22; count = 17 }
            if flags & 6 != 0 {
                let z = k - s
                p[count] = z + 1; p[count + 1] = z + 2; p[count + 2] = z + 4; p[count + 3] = z + 5
                count += 4
            }
            for d in 0..<count where !isDigit(b[s + p[d]]) { count = -1; return }
            out.append(0x03)
            out.append(flags)
            var d = 0
            while d < count {
                let hi = b[s + p[d]] - 48
                let lo = d + 1 < count ? b[s + p[d + 1]] - 48 : 0
                out.append(hi << 4 | lo)
                d += 2
            }
        }
        return count > 0
    }

    /// The canonical bytes of a stored body: a body that does not start with ``marker`` as it is; an
    /// encoded one decoded with `names`. Nil when it cannot be decoded (an id the table does not hold,
    /// a token cut short, a byte that is neither text nor a token): edited or corrupted.
    public static func decode(_ stored: [UInt8], names: Names) -> [UInt8]? {
        guard stored.first == marker else { return stored }
        return stored.withUnsafeBufferPointer { b in decode(b, names: names) }
    }

    /// The separator after each of a timestamp's digit runs (four digits, then five of two): `YYYY-MM-DDTHH:MM:SS`.
    private static let timestampSeparators: [UInt8] = [45, 45, 84, 58, 58, 0]

    /// The decoding itself: one pass that checks every token and counts the bytes they stand for, then
    /// one that writes them through a pointer into an array of that size (no growth, no check per byte).
    /// Neither holds its state in a nested function or closure (a captured variable is checked for
    /// exclusive access at every use, which was most of the cost of reading an encoded log).
    static func decode(_ b: UnsafeBufferPointer<UInt8>, names: Names) -> [UInt8]? {
        guard let count = decodedCount(b, names: names) else { return nil }
        return [UInt8](unsafeUninitializedCapacity: count) { out, written in
            written = write(b, names: names, to: out.baseAddress!)
            precondition(written == count)
        }
    }

    /// The number of canonical bytes `b` stands for; nil when it cannot be decoded (an id the table
    /// does not hold, a token cut short, a byte that is neither text nor a token).
    static func decodedCount(_ b: UnsafeBufferPointer<UInt8>, names: Names) -> Int? {
        let n = b.count
        var count = 0
        var i = 1
        while i < n {
            var j = i
            while j < n && b[j] >= 0x20 { j += 1 }
            count += j - i
            i = j
            guard i < n else { break }
            let t = b[i]
            i += 1
            switch t {
            case 0x01, 0x02:
                guard let id = readID(b, &i), id >= 1, id <= names.entries.count else { return nil }
                count += names.entries[id - 1].count + (t == 0x01 ? 3 : 2)
            case 0x03:
                guard i < n else { return nil }
                let flags = b[i]
                i += 1
                guard flags & ~7 == 0, flags & 6 != 6 else { return nil }
                let digits = 14 + (flags & 1 == 1 ? 3 : 0) + (flags & 6 != 0 ? 4 : 0)
                let packed = (digits + 1) / 2
                guard n - i >= packed else { return nil }
                // Digit k is the high (even k) or low (odd k) half of packed byte k / 2; an odd count
                // leaves a last low half of 0.
                for k in 0..<digits {
                    let v = b[i + k >> 1]
                    if (k & 1 == 0 ? v >> 4 : v & 15) > 9 { return nil }
                }
                if digits & 1 == 1, b[i + packed - 1] & 15 != 0 { return nil }
                i += packed
                // "YYYY-MM-DDTHH:MM:SS" (21 with its quotes), ".mmm", then "Z" or "±HH:MM".
                count += 21 + (flags & 1 == 1 ? 4 : 0) + (flags & 6 == 0 ? 1 : 6)
            default:
                return nil
            }
        }
        return count
    }

    /// A name's id at `b[i...]`: a little-endian base-128 number of at most four bytes; `i` moves past
    /// it. Nil when it is cut short or longer.
    @inline(__always)
    private static func readID(_ b: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> Int? {
        var id = 0, shift = 0
        while i < b.count, shift < 28 {
            let c = b[i]
            i += 1
            id |= Int(c & 0x7F) << shift
            if c < 0x80 { return id }
            shift += 7
        }
        return nil
    }

    /// Writes the canonical bytes of `b`, which ``decodedCount(_:names:)`` found decodable, to `out`;
    /// gives how many it wrote.
    private static func write(_ b: UnsafeBufferPointer<UInt8>, names: Names, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let n = b.count
        var o = 0
        var i = 1
        while i < n {
            // Text up to the next token, copied at once.
            var j = i
            while j < n && b[j] >= 0x20 { j += 1 }
            if j > i {
                (out + o).update(from: b.baseAddress! + i, count: j - i)
                o += j - i
            }
            i = j
            guard i < n else { break }
            let t = b[i]
            i += 1
            switch t {
            case 0x01, 0x02:
                let id = readID(b, &i)!  // checked by decodedCount
                out[o] = 34
                o += 1
                names.entries[id - 1].withUnsafeBufferPointer { e in
                    if e.count > 0 { (out + o).update(from: e.baseAddress!, count: e.count) }
                }
                o += names.entries[id - 1].count
                out[o] = 34
                o += 1
                if t == 0x01 { out[o] = 58; o += 1 }
            default:
                let flags = b[i]
                i += 1
                let digits = 14 + (flags & 1 == 1 ? 3 : 0) + (flags & 6 != 0 ? 4 : 0)
                let base = i
                i += (digits + 1) / 2
                var d = 0
                out[o] = 34
                o += 1
                // YYYY-MM-DDTHH:MM:SS[.mmm](Z|±HH:MM), the separators put back between the digit runs.
                for (k, after) in timestampSeparators.enumerated() {
                    for _ in 0..<(k == 0 ? 4 : 2) {
                        let v = b[base + d >> 1]
                        out[o] = (d & 1 == 0 ? v >> 4 : v & 15) + 48
                        o += 1
                        d += 1
                    }
                    if after != 0 { out[o] = after; o += 1 }
                }
                if flags & 1 == 1 {
                    out[o] = 46
                    o += 1
                    for _ in 0..<3 {
                        let v = b[base + d >> 1]
                        out[o] = (d & 1 == 0 ? v >> 4 : v & 15) + 48
                        o += 1
                        d += 1
                    }
                }
                if flags & 6 == 0 {
                    out[o] = 90
                    o += 1
                } else {
                    out[o] = flags & 2 != 0 ? 43 : 45
                    o += 1
                    for k in 0..<4 {
                        if k == 2 { out[o] = 58; o += 1 }
                        let v = b[base + d >> 1]
                        out[o] = (d & 1 == 0 ? v >> 4 : v & 15) + 48
                        o += 1
                        d += 1
                    }
                }
                out[o] = 34
                o += 1
            }
        }
        return o
    }
}
