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
    /// a nested array or object goes through the general path. Nil when the fast path does not apply.
    static func fastObject(_ b: [UInt8], dropping: Set<String>) -> [UInt8]? {
        let n = b.count
        var i = 0
        @inline(__always) func skip() { while i < n, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 } }
        skip()
        guard i < n, b[i] == 123 else { return nil }
        i += 1
        var members: [(key: Range<Int>, value: Range<Int>, nested: Bool)] = []
        members.reserveCapacity(32)
        skip()
        if i < n, b[i] == 125 {
            i += 1
        } else {
            while true {
                skip()
                guard i < n, b[i] == 34 else { return nil }
                let ks = i + 1
                i += 1
                while i < n, b[i] != 34 { if b[i] == 92 || b[i] < 0x20 { return nil }; i += 1 }
                guard i < n else { return nil }
                let key = ks..<i
                i += 1
                skip()
                guard i < n, b[i] == 58 else { return nil }
                i += 1
                skip()
                guard i < n else { return nil }
                let vs = i
                var nested = false
                switch b[i] {
                case 34:
                    i += 1
                    while i < n, b[i] != 34 { if b[i] == 92 || b[i] < 0x20 { return nil }; i += 1 }
                    guard i < n else { return nil }
                    i += 1
                case 123, 91:
                    nested = true
                    var depth = 0, inString = false
                    while i < n {
                        let c = b[i]
                        if inString {
                            if c == 92 { i += 1 } else if c == 34 { inString = false }
                        } else if c == 34 {
                            inString = true
                        } else if c == 123 || c == 91 {
                            depth += 1
                        } else if c == 125 || c == 93 {
                            depth -= 1
                            if depth == 0 { i += 1; break }
                        }
                        i += 1
                    }
                    guard depth == 0 else { return nil }
                default:
                    while i < n, b[i] != 44, b[i] != 125, b[i] != 32, b[i] != 9, b[i] != 10, b[i] != 13 { i += 1 }
                    guard i > vs else { return nil }
                    // Only a number or a literal is copied; anything else goes to the general path (and its error).
                    let token = b[vs..<i]
                    let literal = token.elementsEqual("true".utf8) || token.elementsEqual("false".utf8) || token.elementsEqual("null".utf8)
                    let number = (b[vs] == 45 || (b[vs] >= 48 && b[vs] <= 57))
                        && token.allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 43 || $0 == 46 || $0 == 101 || $0 == 69 }
                    guard literal || number else { return nil }
                }
                members.append((key, vs..<i, nested))
                skip()
                guard i < n else { return nil }
                if b[i] == 44 { i += 1; continue }
                guard b[i] == 125 else { return nil }
                i += 1
                break
            }
        }
        skip()
        guard i == n else { return nil }
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
