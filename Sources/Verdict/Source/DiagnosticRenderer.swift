/// Renders diagnostics for people (with the source line and a caret) and as JSON for tools.
public struct DiagnosticRenderer: Sendable {
    private let files: [String: SourceFile]

    /// A renderer that quotes source lines from `files` (usually ``PolicyLoadError/sources``).
    ///
    /// - Parameter files: The source files whose lines diagnostics quote; a diagnostic in another file is shown without its line.
    public init(files: [SourceFile]) {
        self.files = Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// One diagnostic as text: its place, severity and message, the source line with a caret under
    /// the span, then its notes and help.
    ///
    /// ```
    /// tiers.yaml:12:15: error: unknown field `cots`
    ///    12 |       when: cots > 300
    ///       |             ^^^^
    /// help: did you mean `cost`?
    /// ```
    public func text(_ d: Diagnostic) -> String {
        var out = d.description + "\n"
        if let loc = d.location { out += excerpt(loc) }
        for note in d.notes {
            out += "note: \(TextEscaping.escaped(note.message))" + (note.location.map { " (\(TextEscaping.escaped($0.description)))" } ?? "") + "\n"
            if let loc = note.location { out += excerpt(loc) }
        }
        if let help = d.help { out += "help: \(TextEscaping.escaped(help))\n" }
        return out
    }

    /// All diagnostics as text, with a closing count line such as `2 errors, 1 warning`.
    public func text(_ ds: [Diagnostic]) -> String {
        var out = ds.map(text).joined(separator: "\n")
        let (errors, warnings) = Self.counts(ds)
        if !ds.isEmpty { out += "\n" }
        out += "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
        return out
    }

    /// The most characters of a source line a snippet quotes: a longer line (a minified file, a
    /// 10 MB scalar) is cut to this many around the column, marked `…` where it was cut.
    public static let snippetWidth = 120

    private func excerpt(_ loc: SourceLocation) -> String {
        guard let file = files[loc.path], loc.line >= 1, loc.line <= file.lines.count else { return "" }
        let scalars = Array(file.line(loc.line).unicodeScalars)
        let column = max(0, loc.column - 1)
        var from = 0, to = scalars.count
        if scalars.count > Self.snippetWidth {
            from = max(0, min(column - Self.snippetWidth / 2, scalars.count - Self.snippetWidth))
            to = from + Self.snippetWidth
        }
        let lead = from > 0 ? "…" : "", tail = to < scalars.count ? "…" : ""
        var shown = String.UnicodeScalarView()
        shown.append(contentsOf: scalars[from..<to])
        let line = lead + TextEscaping.escaped(String(shown), keepingTabs: true) + tail
        let number = String(loc.line)
        let gutter = String(repeating: " ", count: number.count)
        // Pad by display width so the caret sits under the span even after CJK characters and escapes.
        let spanStart = min(max(column, from), to)
        let spanEnd = min(to, spanStart + loc.length)
        func columns(_ s: Unicode.Scalar) -> Int { TextEscaping.needsEscape(s) ? TextEscaping.escape(s).count : Self.width(s) }
        let padText = (lead.isEmpty ? "" : " ")
            + scalars[from..<spanStart].map { $0 == "\t" ? "\t" : String(repeating: " ", count: columns($0)) }.joined()
        let carets = max(1, scalars[spanStart..<spanEnd].reduce(0) { $0 + columns($1) })
        return " \(number) | \(line)\n \(gutter) | \(padText)\(String(repeating: "^", count: carets))\n"
    }

    /// Terminal columns a scalar takes: 2 for East Asian wide and full-width characters.
    static func width(_ s: Unicode.Scalar) -> Int {
        switch s.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// The diagnostics as a JSON document: `{"diagnostics": [...], "errors": N, "warnings": N}`.
    public func json(_ ds: [Diagnostic]) -> String {
        var w = JSONWriter()
        w.object { w in Self.writeMembers(ds, into: &w) }
        return w.output
    }

    /// Writes `diagnostics`, `errors` and `warnings` into an open object (the C library's error answer
    /// adds them to its own).
    package static func writeMembers(_ ds: [Diagnostic], into w: inout JSONWriter) {
        w.key("diagnostics")
        w.array { w in for d in ds { d.write(to: &w) } }
        let (errors, warnings) = counts(ds)
        w.field("errors", errors)
        w.field("warnings", warnings)
    }

    /// The true numbers of errors and warnings: those listed, and those a closing note says were not kept.
    public static func counts(_ ds: [Diagnostic]) -> (errors: Int, warnings: Int) {
        ds.reduce(into: (0, 0)) { n, d in
            if d.severity == .error { n.0 += 1 } else if d.severity == .warning { n.1 += 1 }
            n.0 += d.omitted.errors
            n.1 += d.omitted.warnings
        }
    }

    static func write(_ loc: SourceLocation, into w: inout JSONWriter) {
        w.field("file", loc.path)
        w.field("line", loc.line)
        w.field("column", loc.column)
    }
}
