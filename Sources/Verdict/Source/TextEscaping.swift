/// Makes control characters visible in text meant for a terminal or a log.
///
/// Case strings and policy text reach `explain` output, diagnostics, stderr and log lines; raw, an
/// `ESC]0;…BEL` retitles the terminal, `ESC[2J` clears it, and `\r\n` forges a line. Text output
/// writes them as escapes instead (`\u{1B}`, `\r`, `\n`); JSON output escapes them already.
///
/// ```swift
/// TextEscaping.escaped("Q-1\u{1B}[2J")   // "Q-1\\u{1B}[2J"
/// ```
package enum TextEscaping {
    /// Whether a scalar is escaped: C0 controls, DEL, C1 controls, and the bidirectional and line
    /// separators that reorder or break a line (U+2028, U+2029, U+202A–U+202E, U+2066–U+2069).
    @inline(__always)
    package static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// `text` with every control character escaped; `keepingTabs` leaves tabs as they are (a quoted
    /// source line keeps its layout), `keepingNewlines` leaves line feeds (a whole rendered text).
    package static func escaped(_ text: some StringProtocol, keepingTabs: Bool = false, keepingNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return String(text) }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            guard needsEscape(s), !(keepingTabs && s == "\t"), !(keepingNewlines && s == "\n") else { out.append(s); continue }
            out.append(contentsOf: escape(s).unicodeScalars)
        }
        return String(out)
    }

    /// The escape written for one scalar.
    package static func escape(_ s: Unicode.Scalar) -> String {
        switch s {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default: return "\\u{" + String(s.value, radix: 16, uppercase: true) + "}"
        }
    }
}
