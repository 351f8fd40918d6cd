import Foundation
import Testing
@testable import Verdict

/// The one JSON tokenizer every reader uses: escapes, numbers at the grammar's edges, depth, error
/// positions, truncated and broken text (never a crash), and the reader built on it, which must
/// answer exactly as the reader before it did (values, and errors with their message, line and column).
@Suite struct JSONTokenizerTests {
    /// Every token of `text`, or its error.
    static func tokens(_ text: String, maxDepth: Int = JSONTokenizer.defaultMaxDepth) -> Swift.Result<[JSONToken], JSONSyntaxError> {
        Result { () throws(JSONSyntaxError) -> [JSONToken] in
            try JSONTokenizer.scan(Array(text.utf8), maxDepth: maxDepth) { (t) throws(JSONSyntaxError) -> [JSONToken] in
                var out: [JSONToken] = []
                while true {
                    let token = try t.next()
                    out.append(token)
                    if token == .end { return out }
                }
            }
        }
    }

    static func error(_ text: String, maxDepth: Int = JSONTokenizer.defaultMaxDepth) -> String? {
        if case .failure(let e) = tokens(text, maxDepth: maxDepth) { return e.description }
        return nil
    }

    /// The text of the one string `text` is, decoded.
    static func decoded(_ text: String) throws -> String {
        try JSONTokenizer.scan(Array(text.utf8)) { (t) throws(JSONSyntaxError) -> String in
            guard case .string(let s) = try t.next() else { throw t.error("not a string", at: 0) }
            _ = try t.next()
            return t.string(s)
        }
    }

    // MARK: Tokens

    @Test func tokensOfADocument() throws {
        let text = #" {"a": [1, -2.5e3, "x"], "b": {}, "c": [], "d": true, "e": false, "f": null} "#
        let tokens = try Self.tokens(text).get()
        #expect(tokens.count == 21)
        #expect(tokens.first == .beginObject && tokens.last == .end)
        guard case .key(let a) = tokens[1], case .number(let n) = tokens[4] else { Issue.record("\(tokens)"); return }
        let bytes = Array(text.utf8)
        #expect(Array(bytes[a.range]) == Array("a".utf8))
        #expect(Array(bytes[n]) == Array("-2.5e3".utf8))
        #expect(tokens[6] == .endArray && tokens[8] == .beginObject && tokens[9] == .endObject)
        #expect(tokens[16] == .bool(false) && tokens[18] == .null && tokens[19] == .endObject)
        // After the end, the end again.
        #expect(try JSONTokenizer.scan(Array("1".utf8)) { (t) throws(JSONSyntaxError) in [try t.next(), try t.next(), try t.next()] }
            == [.number(0..<1), .end, .end])
    }

    @Test func skipValueGivesTheValuesBytes() throws {
        let text = #"{"a": {"b": [1, {"c": "]}"}]}, "d": "e\"", "f": 12}"#
        let bytes = Array(text.utf8)
        let ranges = try JSONTokenizer.scan(bytes) { (t) throws(JSONSyntaxError) -> [String] in
            _ = try t.next()
            var out: [String] = []
            while case .key = try t.next() { out.append(String(decoding: bytes[try t.skipValue()], as: UTF8.self)) }
            return out
        }
        #expect(ranges == [#"{"b": [1, {"c": "]}"}]}"#, #""e\"""#, "12"])
    }

    // MARK: Strings

    @Test(arguments: [
        (#""plain""#, "plain"),
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
        (#""\u0041\u00e9\u4E2D\u0000""#, "Aé中\u{0}"),
        (#""\ud83d\ude00 \uD834\uDD1E""#, "😀 𝄞"),
        (#""\uDBFF\uDFFF""#, "\u{10FFFF}"),
        (#""é中😀 raw""#, "é中😀 raw"),
        (#""a\u00e9b\nc""#, "a\u{e9}b\nc"),
        (#""""#, ""),
    ])
    func escapesDecode(_ text: String, _ expected: String) throws {
        #expect(try Self.decoded(text) == expected)
    }

    @Test(arguments: [
        (#""\ud800""#, "1:8: unpaired surrogate in string"),  // a lone high surrogate at the end
        (#""\ud800x""#, "1:8: unpaired surrogate in string"),
        (#""\ud800\n""#, "1:8: unpaired surrogate in string"),  // another escape, not a low surrogate
        (#""\ud800\ud800""#, "1:14: unpaired surrogate in string"),  // high then high
        (#""\ud800\u0041""#, "1:14: unpaired surrogate in string"),
        (#""\udc00""#, "1:8: invalid \\u escape"),  // a lone low surrogate
        (#""\ude00\ud83d""#, "1:8: invalid \\u escape"),  // a pair the wrong way round
        (#""\u12""#, "1:4: invalid \\u escape"),  // too few digits: at the first
        (#""\u12"}"#, "1:6: invalid \\u escape"),  // at the first that is no digit
        (#""\u00g0""#, "1:6: invalid \\u escape"),
        (#""\ud800\u12""#, "1:10: invalid \\u escape"),
        (#""\x""#, "1:4: invalid escape `\\x`"),
        (#""\'""#, "1:4: invalid escape `\\'`"),
        (#""\U0041""#, "1:4: invalid escape `\\U`"),
        ("\"a\u{1}b\"", "1:3: control character in string"),
        ("\"tab\there\"", "1:5: control character in string"),
        ("\"abc", "1:5: unterminated string"),
        ("\"abc\\", "1:6: unterminated string"),
        ("\"\\u", "1:4: invalid \\u escape"),
    ])
    func brokenStringsSayWhereAndWhy(_ text: String, _ message: String) {
        #expect(Self.error(text) == message, "\(text)")
        #expect(Result { () throws(JSONSyntaxError) in try LegacyJSONReader.parse(Array(text.utf8)) }.failureDescription == message)
    }

    /// Strings are scanned eight bytes at a time: a special byte (quote, backslash, control character,
    /// non-ASCII, invalid UTF-8) at every offset of strings of every length up to 40 is found as the
    /// reader before the tokenizer found it, and an unterminated string never reads past the text.
    @Test func specialBytesAtEveryOffset() {
        let specials: [[UInt8]] = [[0x5C, 0x22], [0x5C, 0x5C], [0x5C, 0x6E], [0x5C, 0x75, 0x30, 0x30, 0x65, 0x39], [0x01], [0x1F], [0x09],
                                   [0xC3, 0xA9], [0xE4, 0xB8, 0xAD], [0xFF], [0x80], [0x7F], [0x20], [0x5C, 0x71], [0x22]]
        for length in 0...40 {
            for offset in 0...length {
                for special in specials {
                    var text: [UInt8] = [0x22] + Array(repeating: 0x61, count: length)
                    text.insert(contentsOf: special, at: 1 + offset)
                    for candidate in [text + [0x22], text, text + [0x22, 0x20, 0x31]] {
                        let old = Result { () throws(JSONSyntaxError) in try LegacyJSONReader.parse(candidate) }
                        let new = Result { () throws(JSONSyntaxError) in try JSONReader.parse(candidate) }
                        #expect(old == new, "\(candidate)")
                    }
                }
            }
        }
    }

    @Test func invalidUTF8IsReportedAfterTheString() {
        for bytes: [UInt8] in [[0xFF], [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE4, 0xB8], [0x80]] {
            let text = [0x5B, 0x22] + bytes + [0x22, 0x5D]  // ["…"]
            let e = Result { () throws(JSONSyntaxError) in try JSONTokenizer.scan(text) { (t) throws(JSONSyntaxError) in while try t.next() != .end {} } }
            guard case .failure(let error) = e else { Issue.record("accepted \(bytes)"); continue }
            #expect(error.message == "invalid UTF-8 in string")
            #expect(error.line == 1)
        }
        // A control character after the bad bytes is found first, as the reader always did.
        #expect(Self.error(String(decoding: [0x22, 0xFF, 0x01, 0x22], as: UTF8.self)) != nil)
        let first = Result { () throws(JSONSyntaxError) in try JSONReader.parse([0x22, 0xFF, 0x01, 0x22]) }
        #expect(first.failureDescription == "1:3: control character in string")
    }

    /// The tokenizer's UTF-8 check decides as the standard library's on every byte string tried.
    @Test func utf8CheckAgreesWithTheStandardLibrary() {
        var rng = SplitMix64(seed: 11)
        let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                                    0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        for _ in 0..<20_000 {
            let bytes = (0..<Int(rng.next() % 7)).map { _ in interesting[Int(rng.next() % UInt64(interesting.count))] }
            let ours = bytes.withUnsafeBufferPointer { JSONTokenizer.isValidUTF8($0, 0..<bytes.count) }
            #expect(ours == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes.map { String($0, radix: 16) })")
        }
    }

    // MARK: Numbers

    @Test(arguments: ["0", "-0", "7", "-7", "10", "0.0", "0.5", "-0.5", "1e5", "1E5", "1e+5", "1e-5", "1E-05", "-0.5e-0",
                      "123456789012345678901234567890.123456789012345678901234567890e123456789", "3.14159", "9007199254740993"])
    func numbersInTheGrammarKeepTheirText(_ text: String) throws {
        #expect(try Self.tokens(text).get() == [.number(0..<text.utf8.count), .end])
        #expect(try JSONReader.parse(text) == .number(text))
        #expect(try JSONReader.parse("[\(text)]") == .array([.number(text)]))
    }

    @Test(arguments: [
        ("-", "1:2: invalid number"),
        ("-a", "1:2: invalid number"),
        ("--1", "1:2: invalid number"),
        ("+1", "1:1: unexpected character `+` (U+002B)"),
        (".5", "1:1: unexpected character `.` (U+002E)"),
        ("01", "1:2: unexpected text after the JSON value"),
        ("-01", "1:3: unexpected text after the JSON value"),
        ("1.", "1:3: invalid number: digits must follow `.`"),
        ("1.e5", "1:3: invalid number: digits must follow `.`"),
        ("1e", "1:3: invalid number exponent"),
        ("1e+", "1:4: invalid number exponent"),
        ("1E-x", "1:4: invalid number exponent"),
        ("0x10", "1:2: unexpected text after the JSON value"),
        ("[1 2]", "1:4: expected `,` or `]` in array"),
        ("{\"a\": 1.5.5}", "1:10: expected `,` or `}` in object"),
        ("1e5e5", "1:4: unexpected text after the JSON value"),
    ])
    func numbersOutsideTheGrammarAreRefused(_ text: String, _ message: String) {
        #expect(Self.error(text) == message, "\(text)")
        #expect(Result { () throws(JSONSyntaxError) in try LegacyJSONReader.parse(Array(text.utf8)) }.failureDescription == message)
    }

    // MARK: Depth

    @Test func depthIsLimited() throws {
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try JSONReader.parse(deepest) != .null)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(Self.error(tooDeep) == "1:65: nesting deeper than 64 levels")
        #expect(Self.error(String(repeating: #"{"a":"#, count: 3), maxDepth: 2) == "1:11: nesting deeper than 2 levels")
        #expect(Self.error("[[1]]", maxDepth: 2) == nil)
        // A hostile depth is refused at the limit, not read to its end.
        #expect(Self.error(String(repeating: "[", count: 100_000)) == "1:65: nesting deeper than 64 levels")
        // The limit is clamped to what the tokenizer can follow.
        let capacity = JSONTokenizer.depthCapacity
        #expect(Self.error(String(repeating: "[", count: capacity + 1), maxDepth: .max) == "1:\(capacity + 1): nesting deeper than \(capacity) levels")
        var t = [UInt8]().withUnsafeBufferPointer { JSONTokenizer($0, maxDepth: -5) }
        #expect(t.maxDepth == 0)
        #expect(throws: JSONSyntaxError.self) { _ = try t.next() }
    }

    @Test func failedOnDepthTellsDepthFromSyntax() throws {
        func failedOnDepth(_ text: String, _ limit: Int) -> Bool {
            Array(text.utf8).withUnsafeBufferPointer { p in
                var t = JSONTokenizer(p, maxDepth: limit)
                do { while try t.next() != .end {}; return false } catch { return t.failedOnDepth }
            }
        }
        #expect(failedOnDepth("[[[1]]]", 2))
        #expect(!failedOnDepth("[[[1]]]", 3))
        #expect(!failedOnDepth("[[x", 2))
        #expect(!failedOnDepth("[[1]]]", 2))
    }

    /// Objects and arrays nest in any mix across the tokenizer's words of bits (64 levels each), and
    /// each closes with its own bracket.
    @Test func mixedNestingPastSixtyFourLevels() throws {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<50 {
            let depth = 60 + Int(rng.next() % 200)
            var open = "", close = ""
            for _ in 0..<depth {
                if rng.next() % 2 == 0 { open += #"{"k": "#; close = "}" + close } else { open += "[0, "; close = "]" + close }
            }
            let text = open + "true" + close
            #expect(Self.error(text, maxDepth: 300) == nil)
            #expect(Self.error(text, maxDepth: depth - 1)?.hasSuffix("nesting deeper than \(depth - 1) levels") == true)
            // The wrong bracket somewhere inside is refused.
            let k = Int(rng.next() % UInt64(depth))
            var wrong = Array(close)
            wrong[k] = wrong[k] == "}" ? "]" : "}"
            #expect(Self.error(open + "true" + String(wrong), maxDepth: 300) != nil)
        }
    }

    // MARK: Errors

    @Test(arguments: [
        ("", "1:1: unexpected end of input"),
        ("   \n ", "2:2: unexpected end of input"),
        ("{", "1:2: expected a member name in quotes"),
        ("{\"a\"", "1:5: expected `:` after member name"),
        ("{\"a\":", "1:6: unexpected end of input"),
        ("{\"a\": 1", "1:8: unexpected end of input in object"),
        ("{\"a\": 1,", "1:9: expected a member name in quotes"),
        ("{\"a\": 1,}", "1:9: expected a member name in quotes"),
        ("{\"a\" 1}", "1:6: expected `:` after member name"),
        ("{\"a\": 1 \"b\": 2}", "1:9: expected `,` or `}` in object"),
        ("{\"a\": 1]", "1:8: expected `,` or `}` in object"),
        ("{1: 2}", "1:2: expected a member name in quotes"),
        ("[", "1:2: unexpected end of input"),
        ("[1", "1:3: unexpected end of input in array"),
        ("[1,]", "1:4: unexpected character `]` (U+005D)"),
        ("[1}", "1:3: expected `,` or `]` in array"),
        ("]", "1:1: unexpected character `]` (U+005D)"),
        ("tru", "1:4: invalid literal"),
        ("nul", "1:4: invalid literal"),
        ("trUe", "1:3: invalid literal"),
        ("true false", "1:6: unexpected text after the JSON value"),
        ("{}{}", "1:3: unexpected text after the JSON value"),
        ("{\n  \"名前\": 1,\n  \"b\": x\n}", "3:8: unexpected character `x` (U+0078)"),
        ("{\"中文\": tru}", "1:11: invalid literal"),
        ("\u{FEFF}{}", "1:1: unexpected byte-order mark (U+FEFF): JSON text must not start with one; save the case as UTF-8 without a BOM"),
        ("[\u{FEFF}]", "1:2: unexpected byte-order mark (U+FEFF)"),
        ("[\u{200B}]", "1:2: unexpected control character U+200B"),
        ("[\u{7}]", "1:2: unexpected control character U+0007"),
        ("[é]", "1:2: unexpected character `é` (U+00E9)"),
        ("// comment\n{}", "1:1: unexpected character `/` (U+002F)"),
        ("{'a': 1}", "1:2: expected a member name in quotes"),
        ("NaN", "1:1: unexpected character `N` (U+004E)"),
    ])
    func syntaxErrorsSayWhereAndWhy(_ text: String, _ message: String) {
        #expect(Self.error(text) == message, "\(text.debugDescription)")
        #expect(Result { () throws(JSONSyntaxError) in try JSONReader.parse(text) }.failureDescription == message)
        #expect(Result { () throws(JSONSyntaxError) in try LegacyJSONReader.parse(Array(text.utf8)) }.failureDescription == message)
    }

    @Test func invalidUTF8OutsideStringsIsNamed() {
        let e = Result { () throws(JSONSyntaxError) in try JSONReader.parse([0x5B, 0xFF, 0x5D]) }
        #expect(e.failureDescription == "1:2: invalid UTF-8 byte 0xFF")
        #expect(Result { () throws(JSONSyntaxError) in try JSONReader.parse([0x5B, 0xE4, 0xB8]) }.failureDescription == "1:2: invalid UTF-8 byte 0xE4")
    }

    /// Every prefix of a document is refused with a position inside it (never a crash, never a value).
    @Test func truncatedTextIsRefusedAtItsEnd() throws {
        let text = Array(#"{"id": "Q-1", "s": "a\"\u00e9\ud83d\ude00中", "n": [-1.5e+3, 0, true, false, null, {"x": {}}]}"#.utf8)
        for k in 0..<text.count {
            let prefix = Array(text[..<k])
            let result = Result { () throws(JSONSyntaxError) in try JSONReader.parse(prefix) }
            guard case .failure(let e) = result else { Issue.record("a prefix of \(k) bytes was accepted"); continue }
            #expect(e.line == 1 && e.column >= 1 && e.column <= k + 1, "\(k): \(e)")
        }
        #expect(try JSONReader.parse(text) != .null)
    }

    // MARK: The reader as it was

    /// The reader built on the tokenizer gives what the reader before it gave — the same value, or the
    /// same error with the same line and column — on documents and on many broken copies of them.
    @Test func readerAnswersAsTheReaderBeforeIt() throws {
        let documents = [
            #"{"id": "Q-1", "cost": 300.10, "region": "河南", "tags": ["a", "b\n"], "nested": {"x": [1, -2e3, {"y": null}]}, "ok": true}"#,
            #"[1, 2.5, -0.0, 1E+2, "\u00e9\ud83d\ude00", "\\\"\/\b\f\n\r\t", {}, [], false]"#,
            "{\n  \"a\" : \"line\",\n\t\"b\":[ 1 ,2 ]\r\n}\n",
            #"{"a": {"a": {"a": {"a": "deep"}}}, "b": "\u4e2d\u6587"}"#,
            #""just a string""#, "-12.5e-3", "true", "null",
        ]
        var rng = SplitMix64(seed: 2024)
        let alphabet = Array(#"{}[]",:\/ -+.eE0123456789truefalsn"#.utf8) + [0x00, 0x0A, 0x09, 0x7F, 0xC3, 0xA9, 0xE4, 0xB8, 0xAD, 0xED, 0xA0, 0xFF, 0xEF, 0xBB, 0xBF]
        var compared = 0, refused = 0
        for document in documents {
            let bytes = Array(document.utf8)
            var texts = [bytes]
            for _ in 0..<600 {
                var b = bytes
                for _ in 0...(rng.next() % 3) {
                    let k = Int(rng.next() % UInt64(b.count + 1))
                    let c = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                    switch rng.next() % 4 {
                    case 0 where k < b.count: b[k] = c
                    case 1: b.insert(c, at: k)
                    case 2 where k < b.count: b.remove(at: k)
                    default: b = Array(b[..<k])
                    }
                }
                texts.append(b)
            }
            for text in texts {
                let old = Result { () throws(JSONSyntaxError) in try LegacyJSONReader.parse(text) }
                let new = Result { () throws(JSONSyntaxError) in try JSONReader.parse(text) }
                compared += 1
                if case .failure = old { refused += 1 }
                switch (old, new) {
                case let (.success(a), .success(b)): #expect(a == b, "\(String(decoding: text, as: UTF8.self))")
                case let (.failure(a), .failure(b)): #expect(a == b, "\(String(decoding: text, as: UTF8.self)): \(a) then, \(b) now")
                default: Issue.record("\(String(decoding: text, as: UTF8.self)): \(old) then, \(new) now")
                }
            }
        }
        // Both kinds were compared.
        #expect(refused > compared / 3 && refused < compared - compared / 10, "\(refused) of \(compared) refused")
    }
}

extension Result where Failure == JSONSyntaxError {
    var failureDescription: String? {
        if case .failure(let e) = self { return e.description }
        return nil
    }
}
