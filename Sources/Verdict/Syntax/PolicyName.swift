/// Which names a policy set may have.
///
/// A set is addressed by its name: in the service's paths (`/v1/policies/{name}/decide`), in the
/// decision log and on the command line. So a name is one path segment that reads the same
/// everywhere: 1 to 64 Unicode scalars, each a letter or decimal digit of any script, a combining
/// mark (after the first), `-`, `_` or `.`; the first is a letter or digit. `quality-complaints`,
/// `服务标准`, `v2.1` and `售后_2026` are names; `x y`, `a/b`, `.hidden`, `-x`, `a%20b` and the
/// empty string are not (a space, slash or percent sign would need escaping in a path; a leading
/// dot or dash reads as a hidden file or an option).
///
/// ```swift
/// PolicyName.problem("服务标准")   // nil
/// PolicyName.problem("a/b")       // "the policy name `a/b` holds `/` (U+002F) at character 2"
/// ```
public enum PolicyName {
    /// The most Unicode scalars a name has.
    public static let maxScalars = 64

    /// The rule, as a diagnostic's help says it.
    public static let rule = "a policy name is 1 to \(maxScalars) letters, digits, `-`, `_` or `.`, starting with a letter or digit: the service addresses the set by it, as in /v1/policies/NAME/decide"

    /// Why `name` is not a valid policy name, or nil when it is.
    public static func problem(_ name: String) -> String? {
        let scalars = Array(name.unicodeScalars)
        guard let first = scalars.first else { return "the policy name is empty" }
        if scalars.count > maxScalars {
            return "the policy name is \(scalars.count) characters long, over the limit of \(maxScalars)"
        }
        let shown = TextEscaping.escaped(Suggestions.clip(name))
        guard isLetterOrDigit(first) else {
            return "the policy name `\(shown)` starts with \(describe(first)): a name starts with a letter or digit"
        }
        for (i, s) in scalars.enumerated().dropFirst() where !isAllowed(s) {
            return "the policy name `\(shown)` holds \(describe(s)) at character \(i + 1)"
        }
        return nil
    }

    /// A letter (any script) or a decimal digit.
    static func isLetterOrDigit(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber: return true
        default: return false
        }
    }

    /// What a name may hold after its first scalar: letters, digits, combining marks, `-`, `_`, `.`.
    static func isAllowed(_ s: Unicode.Scalar) -> Bool {
        if s == "-" || s == "_" || s == "." || isLetterOrDigit(s) { return true }
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// A scalar as a message names it: `/` (U+002F), a space (U+0020), a control character (U+000A),
    /// an invisible character (U+200B).
    static func describe(_ s: Unicode.Scalar) -> String {
        let hex = String(s.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        if TextEscaping.needsEscape(s) { return "a control character (\(code))" }
        if s.properties.isWhitespace { return "a space (\(code))" }
        if s.properties.generalCategory == .format || s.properties.isDefaultIgnorableCodePoint { return "an invisible character (\(code))" }
        return "`\(s)` (\(code))"
    }
}
