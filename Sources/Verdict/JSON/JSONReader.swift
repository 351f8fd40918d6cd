/// A strict RFC 8259 JSON reader over UTF-8 bytes: builds the ``JSONValue`` of a document from
/// ``JSONTokenizer``'s tokens, and refuses a repeated member.
///
/// ```swift
/// let v = try JSONReader.parse(Array(#"{"cost": 300.01}"#.utf8))
/// ```
/// Cost: one pass, no backtracking; nesting is capped at 64 levels so hostile input cannot
/// exhaust the stack.
package enum JSONReader {
    static let maxDepth = JSONTokenizer.defaultMaxDepth

    /// Parses one JSON document; trailing non-space bytes are an error.
    package static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try JSONTokenizer.scan(bytes, maxDepth: maxDepth) { (t) throws(JSONSyntaxError) -> JSONValue in
            let v = try value(try t.next(), &t)
            _ = try t.next()  // the end, or the text after the value as an error
            return v
        }
    }

    /// Parses one JSON document from bytes held elsewhere (`Data`, a `String`'s UTF-8), read in place.
    package static func parse(buffer p: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        var t = JSONTokenizer(p, maxDepth: maxDepth)
        let v = try value(try t.next(), &t)
        _ = try t.next()
        return v
    }

    /// Parses one JSON document from text.
    package static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// The value that starts with `token`. Recursion is bounded by the tokenizer's depth limit.
    private static func value(_ token: JSONToken, _ t: inout JSONTokenizer) throws(JSONSyntaxError) -> JSONValue {
        switch token {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let r): return .number(t.text(r))
        case .string(let s): return .string(t.string(s))
        case .beginArray:
            var items: [JSONValue] = []
            while true {
                let next = try t.next()
                if next == .endArray { return .array(items) }
                items.append(try value(next, &t))
            }
        case .beginObject:
            var members: [(key: String, value: JSONValue)] = []
            while case .key(let k) = try t.next() {  // else the object's end
                let key = t.string(k)
                if members.contains(where: { $0.key == key }) { throw t.error("duplicate member `\(key)`", at: t.position) }
                members.append((key, try value(try t.next(), &t)))
            }
            return .object(members)
        case .endObject, .endArray, .key, .end:
            // The tokenizer gives a value's first token here; should that ever fail, say so rather than crash.
            throw t.error("unexpected token", at: t.tokenStart)
        }
    }
}
