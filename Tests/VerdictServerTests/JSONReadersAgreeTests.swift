import Foundation
import Testing
@testable import Verdict
@testable import VerdictAudit
@testable import VerdictServer

/// The five readers of JSON bytes — the full reader, the fast case decoder, the member scan, the
/// audit log's fast canonical form and the service's depth check — all read through `JSONTokenizer`,
/// and agree where their jobs overlap, on generated cases and on many broken copies of them: a reader
/// that answers answers only for text the full reader accepts, and answers what the full reader's
/// value gives.
@Suite struct JSONReadersAgreeTests {
    static let policy = try! CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))

    /// The nesting of arrays and objects in a value.
    static func depth(_ v: JSONValue) -> Int {
        switch v {
        case .array(let items): 1 + (items.map(depth).max() ?? 0)
        case .object(let members): 1 + (members.map { depth($0.value) }.max() ?? 0)
        default: 0
        }
    }

    static func texts() -> [[UInt8]] {
        var generator = CaseGenerator(policy: policy, seed: 5)
        var texts = (0..<150).map { _ in Array(generator.nextJSON().utf8) }
        texts += [
            #"{}"#, #"[]"#, #""a""#, "1", #"{"a": 1, "a": 2}"#, #"{"received_at": "2026-01-01T00:00:00Z", "received_at": "x"}"#,
            #"{"a": 1-2}"#, #"{"a": 01}"#, #"{"a": 1.}"#, #"{"a": -}"#, #"{"a": tru}"#, #"{"a": [1, 2}"#, #"{"a": "x\u0041"}"#,
            #"{"received\u005fat": "2026-01-01T00:00:00Z"}"#, #"{"a": {"b": [[[[1]]]]}, "received_at": "2026-01-01T00:00:00Z"}"#,
            #"{"a": "]}\"[{", "b": [{"c": "\ud83d\ude00"}]}"#, #"{"a": "\ud800"}"#, #"{"a": 1} x"#, #"{"a": 1,}"#,
            String(repeating: "[", count: 70) + String(repeating: "]", count: 70),
            #"{"id": "Q-1", "#, "\u{FEFF}{}",
        ].map { Array($0.utf8) }
        // Invalid UTF-8 in a string value and in a key.
        texts.append(Array(#"{"a": ""#.utf8) + [0xFF] + Array(#""}"#.utf8))
        texts.append(Array(#"{""#.utf8) + [0xC0, 0x80] + Array(#"": 1}"#.utf8))
        // Broken copies of the generated cases.
        var rng = SplitMix64(seed: 9)
        let alphabet = Array(#"{}[]",:\ -.e019tfnu"#.utf8) + [0x01, 0x0A, 0xC3, 0xA9, 0xFF]
        for base in texts.prefix(150) {
            for _ in 0..<8 {
                var b = base
                let k = Int(rng.next(below: UInt64(b.count)))
                let c = alphabet[Int(rng.next(below: UInt64(alphabet.count)))]
                switch rng.next(below: 4) {
                case 0: b[k] = c
                case 1: b.insert(c, at: k)
                case 2: b.remove(at: k)
                default: b = Array(b[..<k])
                }
                texts.append(b)
            }
        }
        return texts
    }

    @Test func theFiveReadersAgree() throws {
        var accepted = 0, refused = 0, fastDecoded = 0, scanned = 0, canonical = 0
        for text in Self.texts() {
            let shown = String(decoding: text, as: UTF8.self)
            let full = Result { () throws(JSONSyntaxError) in try JSONReader.parse(text) }
            let value = try? full.get()
            if value != nil { accepted += 1 } else { refused += 1 }
            let repeated = if case .failure(let e) = full { e.message.hasPrefix("duplicate member") } else { false }

            // The fast case decoder: slots only for text the full reader accepts, and the careful decoder's slots.
            if let slots = Self.policy.fastDecoder.decode(text) {
                fastDecoded += 1
                let value = try #require(value, "the fast decoder read text the full reader refuses: \(shown)")
                var careful = CaseDecoder(policy: Self.policy)
                #expect(careful.decode(json: value) == slots, "\(shown)")
            }

            // The member scan: an answer only where the full reader has one (or finds another member repeated).
            for key in ["received_at", "id"] {
                let scan = JSONMemberScan.string(key, in: text)
                guard scan != .unknown else { continue }
                scanned += 1
                guard let value else {
                    #expect(repeated, "the member scan answered for text the full reader refuses: \(shown)")
                    continue
                }
                guard case .object(let members) = value else { Issue.record("answered for a non-object: \(shown)"); continue }
                switch members.first(where: { $0.key == key })?.value {
                case nil: #expect(scan == .absent, "\(shown)")
                case .string(let s)?: #expect(scan == .string(s), "\(shown)")
                case let other?: Issue.record("answered \(scan) for \(other): \(shown)")
                }
            }

            // The canonical form's fast path: only for text the full reader accepts, and the general form's bytes.
            if let fast = CanonicalJSON.fastObject(text, dropping: ["id"]) {
                canonical += 1
                let value = try #require(value, "the canonical fast path copied text the full reader refuses: \(shown)")
                var general: [UInt8] = []
                CanonicalJSON.write(value, to: &general, dropping: ["id"])
                #expect(fast == general, "\(shown)")
            }

            // The depth check: the full reader's depth for text it accepts.
            if let value {
                for limit in [1, 2, 3, 16] {
                    #expect(BodyReader.exceedsDepth(text, limit: limit) == (Self.depth(value) > limit), "\(limit): \(shown)")
                }
            } else if case .failure(let e) = full, e.message.hasPrefix("nesting deeper") {
                #expect(BodyReader.exceedsDepth(text, limit: 16), "\(shown)")
            }
        }
        // Every reader answered often, and both kinds of text were seen.
        #expect(accepted >= 200 && refused >= 600, "\(accepted) accepted, \(refused) refused")
        #expect(fastDecoded >= 100 && scanned >= 300 && canonical >= 150, "\(fastDecoded) decoded, \(scanned) scanned, \(canonical) canonical")
    }

    /// Text that one reader let through before the readers shared the tokenizer: each now leaves it to
    /// the full reader, which refuses it.
    @Test func bugsOneReaderHadAreGoneFromAll() throws {
        // The canonical form's fast path copied numbers outside the grammar, invalid UTF-8 and a repeated member.
        for text in [#"{"a": 1-2}"#, #"{"a": 01}"#, #"{"a": 1.}"#, #"{"a": 1, "a": 2}"#] {
            #expect(CanonicalJSON.fastObject(Array(text.utf8), dropping: []) == nil, "\(text)")
            #expect(throws: JSONSyntaxError.self) { try CanonicalJSON.canonical(Array(text.utf8)) }
        }
        let badUTF8 = Array(#"{"a": ""#.utf8) + [0xFF] + Array(#""}"#.utf8)
        #expect(throws: JSONSyntaxError.self) { try CanonicalJSON.canonical(badUTF8) }
        // The member scan answered past a broken value elsewhere.
        #expect(JSONMemberScan.string("received_at", in: Array(#"{"a": tru, "received_at": "2027-01-01T00:00:00Z"}"#.utf8)) == .unknown)
        #expect(JSONMemberScan.string("received_at", in: Array(#"{"a": [1, 2}], "received_at": "x"}"#.utf8)) == .unknown)
        // The depth check reads up to the first syntax error, which the case decoder then reports where it is.
        #expect(!BodyReader.exceedsDepth(Array("[x, [[[1]]]]".utf8), limit: 2))
        #expect(BodyReader.exceedsDepth(Array("[[[1]]]".utf8), limit: 2))
        #expect(!BodyReader.exceedsDepth(Array("[[1]]".utf8), limit: 2))
        #expect(BodyReader.exceedsDepth(ArraySlice(Array("[[[1]]]".utf8)), limit: 2))
    }
}
