import Foundation
import Verdict

/// The canonical form in which a case's input is recorded: one line, no insignificant white space,
/// object members sorted by the bytes of their names (UTF-8), strings escaped as Verdict writes them,
/// numbers exactly as received (never reformatted: `300.10` stays `300.10`). Canonicalising canonical
/// JSON gives the same bytes, so a record can be re-checked from its text alone.
public enum CanonicalJSON {
    /// The canonical bytes of `json`, leaving out the top-level members named in `dropping`.
    package static func canonical(_ json: [UInt8], dropping: Set<String> = []) throws(JSONSyntaxError) -> [UInt8] {
        if let fast = fastObject(json, dropping: dropping) { return fast }
        let value = try JSONReader.parse(json)
        var out: [UInt8] = []
        out.reserveCapacity(json.count)
        write(value, to: &out, dropping: dropping)
        return out
    }

    /// The same bytes as the general path, for the usual case: an object whose names and string
    /// values hold no escapes. Scalars are copied as they are (their bytes are already canonical);
    /// a nested array or object goes through the general path. Nil when the fast path does not apply
    /// (and for text that is not JSON, or repeats a member: the general path reports it).
    static func fastObject(_ b: [UInt8], dropping: Set<String>) -> [UInt8]? {
        let n = b.count
        var members: [(key: Range<Int>, value: Range<Int>, nested: Bool)] = []
        members.reserveCapacity(32)
        let plain = JSONTokenizer.scan(b) { t -> Bool in
            do {
                guard try t.next() == .beginObject else { return false }
                while case .key(let key) = try t.next() {  // else the object's end
                    guard !key.hasEscapes else { return false }
                    let token = try t.next()
                    let start = t.tokenStart
                    var nested = false
                    switch token {
                    case .string(let s): guard !s.hasEscapes else { return false }
                    case .beginObject, .beginArray:
                        try t.skipContainer()
                        nested = true
                    default: break  // a number or a literal, copied as written
                    }
                    members.append((key.range, start..<t.position, nested))
                }
                return try t.next() == .end
            } catch {
                return false
            }
        }
        guard plain else { return nil }
        let dropKeys = dropping.isEmpty ? [] : dropping.map { Array($0.utf8) }
        b.withUnsafeBufferPointer { p in
            members.sort { x, y in
                var i = x.key.lowerBound, j = y.key.lowerBound
                while i < x.key.upperBound, j < y.key.upperBound {
                    if p[i] != p[j] { return p[i] < p[j] }
                    i += 1
                    j += 1
                }
                return i == x.key.upperBound && j < y.key.upperBound
            }
        }
        // A repeated member: the general path reports it.
        for k in members.indices.dropFirst() where b[members[k].key] == b[members[k - 1].key] { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(n)
        out.append(123)
        var first = true
        for m in members {
            if !dropKeys.isEmpty, dropKeys.contains(where: { $0.elementsEqual(b[m.key]) }) { continue }
            if !first { out.append(44) }
            first = false
            out.append(34)
            out.append(contentsOf: b[m.key])
            out.append(34)
            out.append(58)
            if m.nested {
                guard let v = try? JSONReader.parse(Array(b[m.value])) else { return nil }
                write(v, to: &out)
            } else {
                out.append(contentsOf: b[m.value])
            }
        }
        out.append(125)
        return out
    }

    package static func write(_ value: JSONValue, to out: inout [UInt8], dropping: Set<String> = []) {
        switch value {
        case .null: out.append(contentsOf: [110, 117, 108, 108])
        case .bool(let b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): quote(s, to: &out)
        case .array(let items):
            out.append(91)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(44) }
                write(item, to: &out)
            }
            out.append(93)
        case .object(let members):
            out.append(123)
            var first = true
            // Sorted by UTF-8 bytes (String's `<` compares Unicode scalars, which orders UTF-8 the same way).
            let sorted = members.sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
            for m in sorted where dropping.isEmpty || !dropping.contains(m.key) {
                if !first { out.append(44) }
                first = false
                quote(m.key, to: &out)
                out.append(58)
                write(m.value, to: &out)
            }
            out.append(125)
        }
    }

    /// Escapes as Verdict's `JSONWriter` does (`\"`, `\\`, `\n`, `\r`, `\t`, other controls as `\u00XX`; the rest as UTF-8).
    static func quote(_ s: String, to out: inout [UInt8]) {
        out.append(34)
        for u in s.utf8 {
            switch u {
            case 34: out.append(92); out.append(34)
            case 92: out.append(92); out.append(92)
            case 10: out.append(92); out.append(110)
            case 13: out.append(92); out.append(114)
            case 9: out.append(92); out.append(116)
            case 0..<0x20:
                let hex: [UInt8] = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]
                out.append(contentsOf: [92, 117, 48, 48, hex[Int(u >> 4)], hex[Int(u & 15)]])
            default: out.append(u)
            }
        }
        out.append(34)
    }
}
