/// Finds the string value of one top-level member of a JSON object without building the document:
/// what a set with versions reads of each case (its `effective_by` date) before the version that
/// decides it parses the case in full.
///
/// The scan is shallow and conservative: it answers only for a plain shape — an object whose keys
/// have no escapes and whose member is a string without escapes — and nil (so the caller parses
/// the case in full) for anything else: escapes, a structure it does not expect, a repeated member.
/// Nested values are skipped by matching brackets outside strings, so their bytes are never decoded;
/// a number or literal elsewhere is not validated (`tru`): the version's decoder, which reads the
/// case in full next, refuses it as any case.
package enum JSONMemberScan {
    /// The result of a scan: the member's text, absent (the object has no such member), or unknown.
    package enum Result: Equatable, Sendable {
        case string(String)
        case absent
        /// The scan cannot tell: parse in full.
        case unknown
    }

    package static func string(_ key: String, in bytes: [UInt8]) -> Result {
        let wanted = Array(key.utf8)
        return bytes.withUnsafeBufferPointer { b -> Result in
            var i = 0
            let n = b.count
            func space() { while i < n, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
            /// A string at `i` (at its quote) without escapes or control bytes: its bytes' range.
            func plainString() -> Range<Int>? {
                guard i < n, b[i] == 0x22 else { return nil }
                let start = i + 1
                var j = start
                while j < n {
                    let c = b[j]
                    if c == 0x22 { i = j + 1; return start..<j }
                    if c == 0x5C || c < 0x20 { return nil }
                    j += 1
                }
                return nil
            }
            /// Skips a value at `i`: a string (escapes allowed), or anything up to the `,` or `}` that
            /// ends it at depth 0, counting brackets outside strings.
            func skipValue() -> Bool {
                var closers: [UInt8] = []  // the bracket each open one needs, innermost last
                let start = i
                while i < n {
                    let c = b[i]
                    if c == 0x22 {
                        i += 1
                        while i < n, b[i] != 0x22 { i += b[i] == 0x5C ? 2 : 1 }
                        guard i < n else { return false }
                        i += 1
                        if closers.isEmpty { return true }
                        continue
                    }
                    if c == 0x5B { closers.append(0x5D) } else if c == 0x7B { closers.append(0x7D) } else if c == 0x5D || c == 0x7D {
                        guard let expected = closers.last else { return c == 0x7D && i > start }  // the object's own `}` ends a bare value
                        guard c == expected else { return false }
                        closers.removeLast()
                        if closers.isEmpty { i += 1; return true }
                    } else if closers.isEmpty, c == 0x2C { return i > start }
                    i += 1
                }
                return false
            }
            space()
            guard i < n, b[i] == 0x7B else { return .unknown }
            i += 1
            space()
            if i < n, b[i] == 0x7D { return .absent }
            var found: Range<Int>?
            while true {
                space()
                guard let k = plainString() else { return .unknown }
                space()
                guard i < n, b[i] == 0x3A else { return .unknown }
                i += 1
                space()
                if k.count == wanted.count, wanted.withUnsafeBufferPointer({ w in (0..<w.count).allSatisfy { b[k.lowerBound + $0] == w[$0] } }) {
                    if found != nil { return .unknown }  // a repeated member: the full reader reports it
                    guard let v = plainString() else { return .unknown }
                    found = v
                } else if !skipValue() {
                    return .unknown
                }
                space()
                guard i < n else { return .unknown }
                if b[i] == 0x2C { i += 1; continue }
                if b[i] == 0x7D { break }
                return .unknown
            }
            i += 1
            space()
            guard i == n else { return .unknown }
            guard let found else { return .absent }
            return .string(String(decoding: UnsafeBufferPointer(rebasing: b[found]), as: UTF8.self))
        }
    }
}
