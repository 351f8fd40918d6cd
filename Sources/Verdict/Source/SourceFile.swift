/// One policy source file held in memory, with a line index for locations.
///
/// ```swift
/// let file = SourceFile(path: "tiers.yaml", text: "a: 1\nb: 2\n")
/// file.line(2)  // "b: 2"
/// ```
public struct SourceFile: Sendable, Hashable {
    /// The path as the user gave it (relative to the policy folder when loaded from one).
    public let path: String
    /// The whole text, UTF-8.
    public let text: String
    /// The lines of `text`, without their terminators.
    public let lines: [Substring]

    /// A file with the path diagnostics show and its whole text.
    ///
    /// `text` is kept exactly (a byte-order mark included, so the digest covers the file's bytes);
    /// ``lines`` leave a leading byte-order mark out, as columns do.
    ///
    /// - Parameters:
    ///   - path: The path diagnostics show.
    ///   - text: The whole text of the file, kept exactly.
    public init(path: String, text: String) {
        self.path = path
        self.text = text
        // A byte-order mark is part of the text (and the digest) but of no line.
        let body = text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
        self.lines = Self.lines(of: body)
    }

    /// The lines as LibYAML counts them, so a location's line is one the file has: broken by LF, CRLF,
    /// a lone CR, NEL, LS or PS. (Split by `Character`, CRLF is one character and a lone CR no break.)
    static func lines(of text: String) -> [Substring] {
        let u = text.unicodeScalars
        var lines: [Substring] = []
        var start = u.startIndex, i = u.startIndex
        while i < u.endIndex {
            let c = u[i]
            guard c == "\n" || c == "\r" || c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}" else { i = u.index(after: i); continue }
            lines.append(Substring(u[start..<i]))
            var next = u.index(after: i)
            if c == "\r", next < u.endIndex, u[next] == "\n" { next = u.index(after: next) }
            start = next
            i = next
        }
        lines.append(Substring(u[start..<u.endIndex]))
        return lines
    }

    /// The file read from its bytes, which must be UTF-8; otherwise where the first invalid byte is.
    ///
    /// Unlike Foundation's decoding, a byte-order mark is kept in ``text``, so nothing of the file
    /// escapes the digest.
    package static func decode(path: String, bytes: [UInt8]) -> Result<SourceFile, Refusal> {
        if let text = String(validating: bytes, as: UTF8.self) { return .success(SourceFile(path: path, text: text)) }
        let offset = firstInvalidUTF8(bytes)
        let at = location(ofByte: offset, in: bytes, path: path)
        let byte = String(bytes[offset], radix: 16, uppercase: true)
        return .failure(Refusal(diagnostic: .error(.invalidEncoding, "`\(path)` is not UTF-8 text: byte 0x\(byte.count == 1 ? "0" + byte : byte) at \(at.line):\(at.column) is not valid UTF-8",
                               at: at, help: "save the file as UTF-8")))
    }

    /// Why a file's bytes are not a source file.
    package struct Refusal: Error {
        package var diagnostic: Diagnostic
    }

    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var decoder = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return bytes.count
            case .error: return offset
            }
        }
    }

    /// The 1-based line and column (in Unicode scalars, as LibYAML counts) of a byte offset.
    static func location(ofByte offset: Int, in bytes: [UInt8], path: String) -> SourceLocation {
        var line = 1, column = 1
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let end = min(offset, bytes.count)
        while i < end {
            if bytes[i] == 0x0A { line += 1; column = 1 } else if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return SourceLocation(path: path, line: line, column: column)
    }

    /// The text of a 1-based line, or an empty string past the end.
    public func line(_ number: Int) -> Substring {
        number >= 1 && number <= lines.count ? lines[number - 1] : ""
    }

    /// Two files are equal when they have the same path and the same text.
    public static func == (a: SourceFile, b: SourceFile) -> Bool { a.path == b.path && a.text == b.text }
    /// Hashes the path only (equal files have equal paths).
    public func hash(into h: inout Hasher) { h.combine(path) }
}

/// A 1-based `line:column` position in a source file; columns count Unicode scalars, as LibYAML does.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file, as ``SourceFile/path`` gives it.
    public var path: String
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, in Unicode scalars.
    public var column: Int
    /// How many columns the span covers (at least 1), for the caret line.
    public var length: Int

    /// A position, and how many columns the span covers (at least 1).
    ///
    /// - Parameters:
    ///   - path: The file's path, as diagnostics show it.
    ///   - line: The line, from 1.
    ///   - column: The column, from 1, in Unicode scalars.
    ///   - length: How many columns the span covers (at least 1).
    public init(path: String, line: Int, column: Int, length: Int = 1) {
        self.path = path
        self.line = line
        self.column = column
        self.length = max(1, length)
    }

    /// `path:line:column`
    public var description: String { "\(path):\(line):\(column)" }

    /// Source order: by path, then line, then column.
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.path, a.line, a.column) < (b.path, b.line, b.column)
    }

    /// The location `offset` columns to the right on the same line.
    func advanced(by offset: Int, length: Int = 1) -> SourceLocation {
        SourceLocation(path: path, line: line, column: column + offset, length: length)
    }
}
