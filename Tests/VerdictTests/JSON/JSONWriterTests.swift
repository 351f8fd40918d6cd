import Foundation
import Testing
@testable import Verdict

/// The writer owns a raw buffer and escapes eight bytes at a time: its output must be the JSON the
/// byte-by-byte escaper gives, parse back to the same values, and survive growing past its capacity.
@Suite struct JSONWriterTests {
    /// Strings with the characters that need escaping at every position of an eight-byte word, and
    /// bytes next to them that look alike to a word-wide test (0x1F/0x20, 0x21/0x23, 0x5B/0x5D, UTF-8).
    static let strings: [String] = {
        var s = ["", "a", "plain ascii text, longer than eight bytes", "报销超过 300 元由分公司经理审批", "\u{7F}\u{80}é"]
        for special in ["\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}", "\u{0}"] {
            for position in 0..<17 {
                s.append(String(repeating: "x", count: position) + special + String(repeating: "#] !", count: 3))
            }
        }
        s.append(String(repeating: "\u{20}\u{21}\u{23}\u{5B}\u{5D}\u{7E}", count: 5))
        return s
    }()

    /// The escaping the writer documents, byte by byte: `\"`, `\\`, `\n`, `\r`, `\t`, other
    /// control characters as `\u00XX`, everything else (UTF-8 included) as it is.
    static func escapedByteByByte(_ s: String) -> [UInt8] {
        var out: [UInt8] = [34]
        for u in s.utf8 {
            switch u {
            case 34: out += [92, 34]
            case 92: out += [92, 92]
            case 10: out += [92, 110]
            case 13: out += [92, 114]
            case 9: out += [92, 116]
            case 0..<0x20: out += Array(String(format: "\\u%04x", u).utf8)
            default: out.append(u)
            }
        }
        return out + [34]
    }

    @Test func stringsAreEscapedAsTheByteEscaperDoes() throws {
        for s in Self.strings {
            var w = JSONWriter(capacity: 1)  // grows on the first bytes
            w.string(s)
            #expect(w.bytes == Self.escapedByteByByte(s), "\(s.debugDescription)")
            #expect(JSONWriter.quotedBytes(s) == w.bytes)
            let back = try JSONSerialization.jsonObject(with: Data(w.bytes), options: [.fragmentsAllowed]) as? String
            #expect(back == s, "\(s.debugDescription)")
        }
    }

    @Test func documentsParseBackAndGrowPastTheirCapacity() throws {
        var w = JSONWriter(capacity: 16)
        w.array { w in
            for (i, s) in Self.strings.enumerated() {
                w.object { w in
                    w.field("i", i)
                    w.field("s", s)
                    w.field("even", i % 2 == 0)
                    w.key("n"); w.number(Int64.min + Int64(i))
                    w.key("none"); w.null()
                }
            }
        }
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(w.bytes)) as? [[String: Any]])
        #expect(parsed.count == Self.strings.count)
        for (i, object) in parsed.enumerated() {
            #expect(object["s"] as? String == Self.strings[i])
            #expect(object["i"] as? Int == i)
            #expect(object["even"] as? Bool == (i % 2 == 0))
            #expect(object["none"] is NSNull)
        }
        #expect(w.output.contains(#""n":-9223372036854775808,"#))
        var more: [UInt8] = Array("prefix ".utf8)
        w.append(to: &more)
        #expect(more == Array("prefix ".utf8) + w.bytes)
    }

    @Test func numbersAndMoney() {
        var w = JSONWriter()
        w.array { w in
            for n: Int64 in [0, 7, -7, 10, 99, 100, 1_000_000, .max, .min] { w.number(n) }
            w.money(-30_005, scale: 2)
            w.money(300, scale: 0)
            w.money(5, scale: 3)
        }
        #expect(w.output == #"[0,7,-7,10,99,100,1000000,9223372036854775807,-9223372036854775808,"-300.05","300","0.005"]"#)
    }

    @Test func timestampsAsRFC3339() throws {
        let cases: [(String, Zone, String)] = [
            ("2026-03-02T09:00:00+08:00", .shanghai, "2026-03-02T09:00:00+08:00"),
            ("2026-03-02T09:00:00.5+08:00", .shanghai, "2026-03-02T09:00:00.500+08:00"),
            ("2026-03-02T09:00:00.042Z", .shanghai, "2026-03-02T17:00:00.042+08:00"),
            ("2026-12-31T23:59:59Z", .utc, "2026-12-31T23:59:59Z"),
            ("0001-01-01T00:00:00Z", .utc, "0001-01-01T00:00:00Z"),
            ("1900-01-01T00:00:00Z", .shanghai, "1900-01-01T00:00:00Z"),  // +08:05:43 then: written in UTC
        ]
        for (text, zone, expected) in cases {
            let t = try Timestamp(rfc3339: text)
            var w = JSONWriter(capacity: 1)
            w.timestamp(t, in: zone)
            #expect(w.output == "\"\(expected)\"", "\(text)")
            #expect(t.rfc3339(in: zone) == expected)
            #expect(try Timestamp(rfc3339: expected) == t)
        }
        // Years outside 0–9999 (reachable from the library API) are written whole.
        let far = Timestamp(millisecondsSinceEpoch: 400_000_000_000_000)
        #expect(far.rfc3339(in: .utc).prefix { $0 != "-" }.count == 5)
        let early = Timestamp(millisecondsSinceEpoch: -70_000_000_000_000)
        #expect(early.rfc3339(in: .utc).hasPrefix("-"))
    }

    @Test func anObjectReopenedTakesMoreMembers() {
        var w = JSONWriter()
        w.object { w in w.field("a", 1) }
        w.reopenObject()
        w.field("b", "two")
        w.closeObject()
        #expect(w.output == #"{"a":1,"b":"two"}"#)
        var empty = JSONWriter()
        empty.object { _ in }
        empty.reopenObject()
        empty.field("only", true)
        empty.closeObject()
        #expect(empty.output == #"{"only":true}"#)
    }
}
