/// The one place JSON text is read: every reader of JSON bytes in Verdict — ``JSONReader`` (the
/// document), the fast case decoder, ``JSONMemberScan``, the audit log's canonical form and the
/// service's depth check — takes its tokens from here, so white space, string escapes and UTF-8,
/// number grammar, nesting depth and the line and column of an error are decided once (RFC 8259,
/// strictly: no comments, no trailing commas, no leading zeros, no lone surrogates).
///
/// ```swift
/// try JSONTokenizer.scan(bytes) { (t) throws(JSONSyntaxError) in
///     while true { if try t.next() == .end { break } }
/// }
/// ```
/// ``next()`` gives the tokens of one value and then ``JSONToken/end``; it checks the grammar as it
/// goes (commas, colons, brackets that match, one value and nothing after it) and throws a
/// ``JSONSyntaxError`` at the first problem. It never allocates: strings and numbers come back as
/// ranges of the text, and ``string(_:)`` decodes a string when a reader wants one.
///
/// Nesting deeper than ``maxDepth`` is an error (hostile input cannot exhaust a reader's stack).
package struct JSONTokenizer {
    /// The nesting a reader allows unless it says otherwise (``JSONReader`` uses it).
    package static let defaultMaxDepth = 64
    /// The deepest nesting any tokenizer can follow: one bit per level, in ``kinds``.
    package static let depthCapacity = 1024

    /// The text. Memory safety: every read `bytes[k]` below comes after a check that `k < count`
    /// (or reads a position inside a range this tokenizer already checked, such as a string's bytes
    /// between its quotes). The tokenizer must not outlive the buffer: use it inside ``scan(_:maxDepth:_:)``
    /// or `withUnsafeBufferPointer`.
    private let bytes: UnsafeBufferPointer<UInt8>
    private let count: Int
    /// The offset of the next byte to read.
    package private(set) var position = 0
    /// The offset where the last token returned starts (its opening quote or bracket, its first digit).
    package private(set) var tokenStart = 0
    /// Objects and arrays open around ``position``.
    package private(set) var depth = 0
    /// The deepest nesting allowed (at most ``depthCapacity``).
    package let maxDepth: Int
    /// Whether the error thrown was nesting deeper than ``maxDepth`` (and not a syntax error).
    package private(set) var failedOnDepth = false
    private var expect = Expect.value
    /// Whether the innermost open container is an object (its bit in ``kinds``, kept at hand).
    private var inObject = false
    /// Bit `d` is set when the container at depth `d + 1` is an object.
    private var kinds = InlineArray<16, UInt64>(repeating: 0)

    private enum Expect: UInt8 {
        /// A value: at the start, after `:` or after `,` in an array.
        case value
        /// A value or `]`, after `[`.
        case firstElement
        /// A member name or `}`, after `{`.
        case firstMember
        /// `:` and then a value, after a member name.
        case colon
        /// `,` or the container's end after a value; the end of the text at depth 0.
        case separator
        /// Nothing: ``JSONToken/end`` was returned.
        case end
    }

    /// A tokenizer over `bytes`, which must stay valid while it is used.
    package init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = JSONTokenizer.defaultMaxDepth) {
        self.bytes = bytes
        count = bytes.count
        self.maxDepth = min(max(maxDepth, 0), Self.depthCapacity)
    }

    /// Runs `body` with a tokenizer over `bytes`.
    package static func scan<R, E: Error>(_ bytes: [UInt8], maxDepth: Int = JSONTokenizer.defaultMaxDepth,
                                          _ body: (inout JSONTokenizer) throws(E) -> R) throws(E) -> R {
        try bytes.withUnsafeBufferPointer { (p) throws(E) -> R in
            var t = JSONTokenizer(p, maxDepth: maxDepth)
            return try body(&t)
        }
    }

    // MARK: Tokens

    /// The next token. After the top-level value it checks that only white space follows and gives
    /// ``JSONToken/end`` (again on every later call).
    @inline(__always)
    package mutating func next() throws(JSONSyntaxError) -> JSONToken {
        skipSpace()
        switch expect {
        case .value:
            return try value()
        case .separator:
            guard depth > 0 else {
                tokenStart = position
                guard position == count else { throw fail(.textAfterValue) }
                expect = .end
                return .end
            }
            guard position < count else { throw fail(inObject ? .endInObject : .endInArray) }
            let b = bytes[position]
            if b == 0x2C {
                position += 1
                skipSpace()
                return inObject ? try key() : try value()
            }
            if b == (inObject ? 0x7D : 0x5D) { return close() }
            throw fail(inObject ? .expectedCommaInObject : .expectedCommaInArray)
        case .colon:
            guard position < count, bytes[position] == 0x3A else { throw fail(.expectedColon) }
            position += 1
            skipSpace()
            return try value()
        case .firstMember:
            if position < count, bytes[position] == 0x7D { return close() }
            return try key()
        case .firstElement:
            if position < count, bytes[position] == 0x5D { return close() }
            return try value()
        case .end:
            tokenStart = position
            return .end
        }
    }

    /// Reads the next value whole (a container with everything in it) and gives its bytes.
    package mutating func skipValue() throws(JSONSyntaxError) -> Range<Int> {
        let token = try next()
        let start = tokenStart
        if token == .beginObject || token == .beginArray { try skipContainer() }
        return start..<position
    }

    /// Reads on to the end of the object or array whose ``JSONToken/beginObject`` or
    /// ``JSONToken/beginArray`` was the last token returned.
    package mutating func skipContainer() throws(JSONSyntaxError) {
        let outer = depth - 1
        while depth > outer { _ = try next() }
    }

    @inline(__always)
    private mutating func skipSpace() {
        while position < count {
            let b = bytes[position]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            position += 1
        }
    }

    @inline(__always)
    private mutating func value() throws(JSONSyntaxError) -> JSONToken {
        tokenStart = position
        guard position < count else { throw fail(.endOfInput) }
        switch bytes[position] {
        case 0x7B:
            try open(object: true)
            return .beginObject
        case 0x5B:
            try open(object: false)
            return .beginArray
        case 0x22:
            let text = try string()
            expect = .separator
            return .string(text)
        case 0x74:
            try literal("true")
            return .bool(true)
        case 0x66:
            try literal("false")
            return .bool(false)
        case 0x6E:
            try literal("null")
            return .null
        case 0x2D, 0x30...0x39:
            let r = try number()
            expect = .separator
            return .number(r)
        default:
            throw fail(.unexpectedCharacter)
        }
    }

    @inline(__always)
    private mutating func key() throws(JSONSyntaxError) -> JSONToken {
        tokenStart = position
        guard position < count, bytes[position] == 0x22 else { throw fail(.expectedName) }
        let text = try string()
        expect = .colon
        return .key(text)
    }

    @inline(__always)
    private mutating func open(object: Bool) throws(JSONSyntaxError) {
        guard depth < maxDepth else {
            failedOnDepth = true
            throw fail(.tooDeep)
        }
        // depth < maxDepth <= depthCapacity = 16 * 64: the word index is within `kinds`.
        let word = depth >> 6, bit = UInt64(1) << UInt64(depth & 63)
        if object { kinds[word] |= bit } else { kinds[word] &= ~bit }
        depth += 1
        inObject = object
        position += 1
        expect = object ? .firstMember : .firstElement
    }

    @inline(__always)
    private mutating func close() -> JSONToken {
        tokenStart = position
        position += 1
        let wasObject = inObject
        depth -= 1
        if depth > 0 {
            let d = depth - 1
            inObject = kinds[d >> 6] & (UInt64(1) << UInt64(d & 63)) != 0
        } else {
            inObject = false
        }
        expect = .separator
        return wasObject ? .endObject : .endArray
    }

    @inline(__always)
    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let letters = word.utf8Start
        for k in 0..<word.utf8CodeUnitCount {
            guard position < count, bytes[position] == letters[k] else { throw fail(.invalidLiteral) }
            position += 1
        }
        expect = .separator
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` at ``position`` (a `-` or a digit); its range.
    @inline(__always)
    private mutating func number() throws(JSONSyntaxError) -> Range<Int> {
        let start = position
        var i = position
        @inline(__always) func digit(_ k: Int) -> Bool { k < count && bytes[k] &- 0x30 < 10 }
        if bytes[i] == 0x2D { i += 1 }  // i == position < count: checked by value()
        guard digit(i) else { position = i; throw fail(.invalidNumber) }
        if bytes[i] == 0x30 { i += 1 } else { repeat { i += 1 } while digit(i) }
        if i < count, bytes[i] == 0x2E {
            i += 1
            guard digit(i) else { position = i; throw fail(.fractionDigits) }
            repeat { i += 1 } while digit(i)
        }
        if i < count, bytes[i] | 0x20 == 0x65 {
            i += 1
            if i < count, bytes[i] == 0x2B || bytes[i] == 0x2D { i += 1 }
            guard digit(i) else { position = i; throw fail(.exponentDigits) }
            repeat { i += 1 } while digit(i)
        }
        position = i
        return start..<i
    }

    // MARK: Strings

    /// The string at ``position`` (its opening quote): escapes, control characters and UTF-8 checked.
    @inline(__always)
    private mutating func string() throws(JSONSyntaxError) -> JSONToken.Text {
        var i = position + 1
        let start = i
        var all: UInt64 = 0, escaped = false
        // Eight bytes at a time up to the first quote, backslash or control character (the closing
        // quote, in most strings), which the loop below then reads. Memory safety: a word is loaded
        // only when `i + 8 <= count`, so all eight bytes are inside `bytes`.
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            /// The high bit of each byte of `x` below `n` (n <= 0x80): exact up to the first such byte
            /// (borrows only carry upwards), which is all that is used.
            @inline(__always) func below(_ x: UInt64, _ n: UInt64) -> UInt64 { (x &- ones &* n) & ~x & highs }
            while i &+ 8 <= count {
                let w = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                let special = below(w ^ (ones &* 0x22), 1) | below(w ^ (ones &* 0x5C), 1) | below(w, 0x20)
                if special != 0 {
                    let k = special.trailingZeroBitCount >> 3  // the first special byte, 0...7
                    all |= w & ((1 << UInt64(k << 3)) &- 1)
                    i &+= k
                    break
                }
                all |= w
                i &+= 8
            }
        }
        while true {
            guard i < count else {
                position = count
                throw fail(.unterminatedString)
            }
            let b = bytes[i]
            if b == 0x22 { break }
            if b == 0x5C {
                escaped = true
                i = try escape(at: i)
                continue
            }
            if b < 0x20 {
                position = i
                throw fail(.controlCharacter)
            }
            all |= UInt64(b)
            i += 1
        }
        position = i + 1
        let ascii = all & 0x8080_8080_8080_8080 == 0
        // Escapes are ASCII as written, and decode to whole scalars: the bytes as written are valid
        // UTF-8 exactly when the decoded text is.
        if !ascii, !Self.isValidUTF8(bytes, start..<i) { throw fail(.invalidUTF8) }
        return JSONToken.Text(range: start..<i, hasEscapes: escaped, isASCII: ascii)
    }

    /// Checks the escape whose backslash is at `backslash`; the offset after it.
    private mutating func escape(at backslash: Int) throws(JSONSyntaxError) -> Int {
        var i = backslash + 1
        guard i < count else {
            position = count
            throw fail(.unterminatedString)
        }
        let e = bytes[i]
        i += 1
        switch e {
        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
            return i
        case 0x75:
            let scalar = try hex4(&i)
            if scalar >= 0xD800, scalar < 0xDC00 {
                guard i + 1 < count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 else {
                    position = i
                    throw fail(.unpairedSurrogate)
                }
                i += 2
                let low = try hex4(&i)
                guard low >= 0xDC00, low < 0xE000 else {
                    position = i
                    throw fail(.unpairedSurrogate)
                }
            } else if scalar >= 0xDC00, scalar < 0xE000 {
                position = i
                throw fail(.invalidUnicodeEscape)
            }
            return i
        default:
            position = i
            throw fail(.invalidEscape(e))
        }
    }

    /// Four hex digits at `i`, which moves past them.
    private mutating func hex4(_ i: inout Int) throws(JSONSyntaxError) -> UInt32 {
        guard i + 4 <= count else {
            position = i
            throw fail(.invalidUnicodeEscape)
        }
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let d = Self.hexValue(bytes[i]) else {
                position = i
                throw fail(.invalidUnicodeEscape)
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    private static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: UInt32(b - 0x30)
        case 0x41...0x46: UInt32(b - 0x41 + 10)
        case 0x61...0x66: UInt32(b - 0x61 + 10)
        default: nil
        }
    }

    /// Whether `bytes[r]` is well-formed UTF-8 (Unicode's table 3-7: no overlong forms, no surrogates,
    /// nothing past U+10FFFF), as `String(validating:as:)` decides.
    package static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        var i = r.lowerBound
        let end = min(r.upperBound, bytes.count)
        @inline(__always) func continuation(_ k: Int) -> Bool { bytes[k] & 0xC0 == 0x80 }
        while i < end {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            if b < 0xC2 { return false }
            if b < 0xE0 {
                guard i + 1 < end, continuation(i + 1) else { return false }
                i += 2
            } else if b < 0xF0 {
                guard i + 2 < end else { return false }
                let b1 = bytes[i + 1]
                guard b1 >= (b == 0xE0 ? 0xA0 : 0x80), b1 <= (b == 0xED ? 0x9F : 0xBF), continuation(i + 2) else { return false }
                i += 3
            } else if b < 0xF5 {
                guard i + 3 < end else { return false }
                let b1 = bytes[i + 1]
                guard b1 >= (b == 0xF0 ? 0x90 : 0x80), b1 <= (b == 0xF4 ? 0x8F : 0xBF),
                      continuation(i + 2), continuation(i + 3) else { return false }
                i += 4
            } else {
                return false
            }
        }
        return true
    }

    /// The text of a string token, its escapes decoded.
    package func string(_ text: JSONToken.Text) -> String {
        let r = text.range.clamped(to: 0..<count)
        guard text.hasEscapes else { return String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(r.count)
        var i = r.lowerBound
        // The escapes were checked when the token was read: each is whole within `r`. The reads
        // below still check their bounds.
        @inline(__always) func hex(_ k: Int) -> UInt32 {
            var v: UInt32 = 0
            for j in k..<min(k + 4, r.upperBound) { v = v << 4 | (Self.hexValue(bytes[j]) ?? 0) }
            return v
        }
        while i < r.upperBound {
            let b = bytes[i]
            guard b == 0x5C, i + 1 < r.upperBound else {
                out.append(b)
                i += 1
                continue
            }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = hex(i)
                i += 4
                if scalar >= 0xD800, scalar < 0xDC00 {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hex(i + 2) &- 0xDC00)
                    i += 6
                }
                Self.appendUTF8(scalar, to: &out)
            default: out.append(e)  // `"`, `\`, `/`
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | v >> 6))
            out.append(UInt8(0x80 | v & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | v >> 12))
            out.append(UInt8(0x80 | v >> 6 & 0x3F))
            out.append(UInt8(0x80 | v & 0x3F))
        default:
            out.append(UInt8(0xF0 | v >> 18 & 0x07))
            out.append(UInt8(0x80 | v >> 12 & 0x3F))
            out.append(UInt8(0x80 | v >> 6 & 0x3F))
            out.append(UInt8(0x80 | v & 0x3F))
        }
    }

    /// The bytes of `range` as text (a number's, which is ASCII).
    package func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range.clamped(to: 0..<count)]), as: UTF8.self)
    }

    /// Whether a string token's bytes as written are `other`.
    @inline(__always)
    package func bytes(of text: JSONToken.Text, equal other: UnsafeBufferPointer<UInt8>) -> Bool {
        let r = text.range
        guard r.count == other.count, r.upperBound <= count else { return false }
        var k = 0
        while k < r.count {
            if bytes[r.lowerBound + k] != other[k] { return false }
            k += 1
        }
        return true
    }

    // MARK: Errors

    /// An error of the reader's own (such as a repeated member) at `offset`, with its line and column.
    package func error(_ message: String, at offset: Int) -> JSONSyntaxError {
        var line = 1, column = 1
        for k in 0..<min(max(offset, 0), count) {
            let b = bytes[k]
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1  // a character's first byte: columns count characters
            }
        }
        return JSONSyntaxError(message: message, line: line, column: column)
    }

    private enum Problem {
        case endOfInput, endInObject, endInArray, textAfterValue
        case expectedName, expectedColon, expectedCommaInObject, expectedCommaInArray
        case unexpectedCharacter, invalidLiteral, tooDeep
        case invalidNumber, fractionDigits, exponentDigits
        case unterminatedString, controlCharacter, invalidUTF8, invalidEscape(UInt8), invalidUnicodeEscape, unpairedSurrogate
    }

    /// The error for `problem` at ``position``: built only when thrown, away from the token loop.
    @inline(never)
    private func fail(_ problem: Problem) -> JSONSyntaxError {
        let message = switch problem {
        case .endOfInput: "unexpected end of input"
        case .endInObject: "unexpected end of input in object"
        case .endInArray: "unexpected end of input in array"
        case .textAfterValue: "unexpected text after the JSON value"
        case .expectedName: "expected a member name in quotes"
        case .expectedColon: "expected `:` after member name"
        case .expectedCommaInObject: "expected `,` or `}` in object"
        case .expectedCommaInArray: "expected `,` or `]` in array"
        case .unexpectedCharacter: unexpectedCharacter()
        case .invalidLiteral: "invalid literal"
        case .tooDeep: "nesting deeper than \(maxDepth) levels"
        case .invalidNumber: "invalid number"
        case .fractionDigits: "invalid number: digits must follow `.`"
        case .exponentDigits: "invalid number exponent"
        case .unterminatedString: "unterminated string"
        case .controlCharacter: "control character in string"
        case .invalidUTF8: "invalid UTF-8 in string"
        case .invalidEscape(let e): "invalid escape `\\\(Character(Unicode.Scalar(e)))`"
        case .invalidUnicodeEscape: "invalid \\u escape"
        case .unpairedSurrogate: "unpaired surrogate in string"
        }
        return error(message, at: position)
    }

    /// The character at ``position``, decoded as UTF-8 (not byte by byte), in words: a byte-order mark
    /// and control characters are named, since they print as nothing or as garbage.
    private func unexpectedCharacter() -> String {
        let rest = UnsafeBufferPointer(rebasing: bytes[min(position, count)...])
        guard let first = rest.first else { return "unexpected end of input" }
        if rest.starts(with: [0xEF, 0xBB, 0xBF]) {
            return "unexpected byte-order mark (U+FEFF)" + (position == 0 ? ": JSON text must not start with one; save the case as UTF-8 without a BOM" : "")
        }
        var iterator = rest.makeIterator()
        var decoder = Unicode.UTF8.ForwardParser()
        guard case .valid(let encoded) = decoder.parseScalar(from: &iterator) else {
            return "invalid UTF-8 byte 0x\(String(first, radix: 16, uppercase: true))"
        }
        let scalar = Unicode.UTF8.decode(encoded)
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format {
            return "unexpected control character \(code)"
        }
        return "unexpected character `\(Character(scalar))` (\(code))"
    }
}
