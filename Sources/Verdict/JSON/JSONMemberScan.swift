/// Finds the string value of one top-level member of a JSON object without building the document:
/// what a set with versions reads of each case (its `effective_by` date) before the version that
/// decides it parses the case in full.
///
/// The scan is shallow and conservative: it answers only for a plain shape — one well-formed object
/// whose keys have no escapes and whose member is a string without escapes — and `.unknown` (so the
/// caller parses the case in full) for anything else: escapes there, another shape, a repeated member,
/// a syntax error anywhere. The text is read by ``JSONTokenizer``, so it is checked as the full reader
/// checks it; nested values are skipped without being decoded. (A repeated member other than the one
/// sought is not looked for: the full reader reports it.)
package enum JSONMemberScan {
    /// The result of a scan: the member's text, absent (the object has no such member), or unknown.
    package enum Result: Equatable, Sendable {
        case string(String)
        case absent
        /// The scan cannot tell: parse in full.
        case unknown
    }

    package static func string(_ key: String, in bytes: [UInt8]) -> Result {
        bytes.withUnsafeBufferPointer { string(key, in: $0) }
    }

    /// The same, over bytes held elsewhere, read in place.
    package static func string(_ key: String, in bytes: UnsafeBufferPointer<UInt8>) -> Result {
        let wanted = Array(key.utf8)
        return wanted.withUnsafeBufferPointer { wanted in
            var t = JSONTokenizer(bytes)
            return scan(&t, for: wanted)
        }
    }

    private static func scan(_ t: inout JSONTokenizer, for wanted: UnsafeBufferPointer<UInt8>) -> Result {
        do {
            guard try t.next() == .beginObject else { return .unknown }
            var found: JSONToken.Text?
            while case .key(let k) = try t.next() {  // else the object's end
                guard !k.hasEscapes else { return .unknown }
                if t.bytes(of: k, equal: wanted) {
                    if found != nil { return .unknown }  // a repeated member: the full reader reports it
                    guard case .string(let v) = try t.next(), !v.hasEscapes else { return .unknown }
                    found = v
                } else {
                    _ = try t.skipValue()
                }
            }
            guard try t.next() == .end else { return .unknown }
            guard let found else { return .absent }
            return .string(t.string(found))
        } catch {
            return .unknown
        }
    }
}
