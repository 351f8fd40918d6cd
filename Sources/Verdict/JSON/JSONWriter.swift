/// Writes compact JSON in one pass, keys in the order given (so output is stable).
///
/// ```swift
/// var w = JSONWriter()
/// w.object { w in w.field("tier", 3) }
/// w.output  // {"tier":3}
/// ```
public struct JSONWriter: Sendable {
    public private(set) var output = ""
    private var needsComma = false

    public init() { output.reserveCapacity(256) }

    private mutating func separate() {
        if needsComma { output.append(",") }
        needsComma = true
    }

    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        output.append("{")
        needsComma = false
        body(&self)
        output.append("}")
        needsComma = true
    }

    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        separate()
        output.append("[")
        needsComma = false
        body(&self)
        output.append("]")
        needsComma = true
    }

    /// Writes a member name; the next value written is its value.
    public mutating func key(_ k: String) {
        separate()
        Self.appendQuoted(k, to: &output)
        output.append(":")
        needsComma = false
    }

    public mutating func string(_ s: String) { separate(); Self.appendQuoted(s, to: &output) }
    public mutating func number(_ n: Int) { separate(); output.append(String(n)) }
    public mutating func number(_ n: Int64) { separate(); output.append(String(n)) }
    /// A number given as exact decimal text, such as `300.00`.
    public mutating func rawNumber(_ text: String) { separate(); output.append(text) }
    public mutating func bool(_ b: Bool) { separate(); output.append(b ? "true" : "false") }
    public mutating func null() { separate(); output.append("null") }
    /// Writes already-serialised JSON as the next value.
    public mutating func raw(_ json: String) { separate(); output.append(json) }

    public mutating func field(_ k: String, _ v: String) { key(k); string(v) }
    public mutating func field(_ k: String, _ v: Int) { key(k); number(v) }
    public mutating func field(_ k: String, _ v: Bool) { key(k); bool(v) }

    static func appendQuoted(_ s: String, to out: inout String) {
        out.append("\"")
        var plain = true
        for u in s.utf8 where u < 0x20 || u == 0x22 || u == 0x5C { plain = false; break }
        if plain {
            out.append(s)
        } else {
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out.append("\\\"")
                case "\\": out.append("\\\\")
                case "\n": out.append("\\n")
                case "\r": out.append("\\r")
                case "\t": out.append("\\t")
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
        }
        out.append("\"")
    }
}
