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
    public init(path: String, text: String) {
        self.path = path
        self.text = text
        self.lines = Self.lines(of: text)
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

    /// The text of a 1-based line, or an empty string past the end.
    public func line(_ number: Int) -> Substring {
        number >= 1 && number <= lines.count ? lines[number - 1] : ""
    }

    public static func == (a: SourceFile, b: SourceFile) -> Bool { a.path == b.path && a.text == b.text }
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
    public init(path: String, line: Int, column: Int, length: Int = 1) {
        self.path = path
        self.line = line
        self.column = column
        self.length = max(1, length)
    }

    /// `path:line:column`
    public var description: String { "\(path):\(line):\(column)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.path, a.line, a.column) < (b.path, b.line, b.column)
    }

    /// The location `offset` columns to the right on the same line.
    func advanced(by offset: Int, length: Int = 1) -> SourceLocation {
        SourceLocation(path: path, line: line, column: column + offset, length: length)
    }
}
