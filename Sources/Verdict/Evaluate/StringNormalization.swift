import Foundation

/// How a string field's value is normalised by the case decoders before any rule reads it:
/// `normalize: [trim, casefold, nfkc]` on the field.
///
/// The steps apply in a fixed order, whatever order they are listed in: `nfkc`, then `casefold`
/// (and `nfkc` once more when both are given, since folding can leave text that is not in NFKC),
/// then `trim`. The result is a fixed point: normalising it again changes nothing, so a literal
/// that normalisation changes is one no case can ever carry (the checker warns about it).
///
/// - `nfkc`: Unicode Normalization Form KC (compatibility decomposition, then canonical
///   composition; Foundation's `precomposedStringWithCompatibilityMapping`): full-width `Ｈｅｎａｎ`
///   becomes `Henan`, the ideographic space U+3000 a plain space, `ﬁ` becomes `fi`, `①` becomes `1`.
/// - `casefold`: Unicode full case folding (CaseFolding.txt, statuses C and F), independent of any
///   locale (Foundation's `folding(options: .caseInsensitive, locale: nil)`): `HENAN` and `Henan`
///   become `henan`, `Straße` becomes `strasse`, `ΣΑΣ` becomes `σασ`. Without `nfkc`, a letter with
///   a combining accent and its precomposed form stay different.
/// - `trim`: removes every Unicode `White_Space` character (space, tab, line breaks, no-break space
///   U+00A0, ideographic space U+3000, …) from both ends; spaces inside are kept.
///
/// Whichever steps are given, invisible characters go first: every default-ignorable code point
/// (`Default_Ignorable_Code_Point`: zero-width space U+200B, zero-width joiner U+200D, byte-order
/// mark U+FEFF, soft hyphen U+00AD, variation selectors, …) is removed, as NFKC_Casefold does, so
/// `"He\u{200D}nan"` and `"\u{FEFF}Henan"` are `Henan` before any other step. A value that still
/// only looks like a literal (a Cyrillic `е`) is refused by the decoders (``LookAlikes``).
struct StringNormalization: OptionSet, Sendable, Hashable {
    let rawValue: UInt8

    static let nfkc = StringNormalization(rawValue: 1)
    static let casefold = StringNormalization(rawValue: 2)
    static let trim = StringNormalization(rawValue: 4)

    /// The names a policy writes, in the order the steps apply.
    static let steps: [(name: String, step: StringNormalization)] = [("nfkc", .nfkc), ("casefold", .casefold), ("trim", .trim)]

    /// `nfkc, casefold, trim`: the steps given, in the order they apply.
    var description: String { Self.steps.filter { contains($0.step) }.map(\.name).joined(separator: ", ") }

    func apply(_ s: String) -> String {
        if isEmpty { return s }
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return applyASCII(s) }
        var out = s
        if out.unicodeScalars.contains(where: \.properties.isDefaultIgnorableCodePoint) {
            out = String(String.UnicodeScalarView(out.unicodeScalars.filter { !$0.properties.isDefaultIgnorableCodePoint }))
        }
        if contains(.nfkc) { out = out.precomposedStringWithCompatibilityMapping }
        if contains(.casefold) {
            out = out.folding(options: [.caseInsensitive], locale: nil)
            if contains(.nfkc) { out = out.precomposedStringWithCompatibilityMapping }
        }
        if contains(.trim) {
            let scalars = out.unicodeScalars
            guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
            out = String(scalars[first...last])
        }
        return out
    }

    /// The same steps for ASCII text, where NFKC changes nothing, folding is lowercasing A–Z, and the
    /// `White_Space` characters are tab, line feed, vertical tab, form feed, carriage return and space.
    private func applyASCII(_ s: String) -> String {
        var bytes = Array(s.utf8)
        if contains(.casefold) {
            for i in bytes.indices where bytes[i] >= 65 && bytes[i] <= 90 { bytes[i] += 32 }
        }
        if contains(.trim) {
            func space(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }
            let start = bytes.firstIndex { !space($0) } ?? bytes.endIndex
            let end = bytes.lastIndex { !space($0) }.map { $0 + 1 } ?? start
            bytes = Array(bytes[start..<end])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A string (or a list of strings) normalised; any other value as it is.
    func apply(_ v: Value) -> Value {
        if isEmpty { return v }
        switch v {
        case .string(let s): return .string(apply(s))
        case .list(let items): return .list(items.map { apply($0) })
        default: return v
        }
    }
}
