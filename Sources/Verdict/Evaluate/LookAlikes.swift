#if canImport(_FoundationICU)
import _FoundationICU
#endif

/// Case values that look like a text the policy compares a field with, without being it.
///
/// `region == "henan"` is false for `"Hеnan"` (a Cyrillic `е`): the rule silently does not apply, and
/// the case is routed as if it were not from Henan. For each string field the policy compares with
/// literals (`==`, `!=`, `in [...]`, a string `set`), a case value that is none of them but has the
/// same confusable skeleton as one of them (Unicode Technical Standard #39, section 4, as ICU computes
/// it) is refused with the literal it resembles, never decided silently.
///
/// Only values holding a character outside ASCII are compared: among ASCII letters the skeletons
/// treat `rn` and `m`, `l` and `1` alike, and such values are ordinary distinct codes. Invisible
/// characters (default-ignorable code points) are removed by a field's `normalize` before this check,
/// and the skeleton ignores them too, so `"He\u{200D}nan"` is either `henan` or refused.
///
/// ```swift
/// let lookAlikes = LookAlikes(model)
/// lookAlikes.resembled("Hеnan", slot: region)   // "henan" (the normalised value is "hеnan")
/// lookAlikes.resembled("henan", slot: region)   // nil: it is the literal
/// lookAlikes.resembled("河南", slot: region)     // nil: it looks like no literal
/// ```
struct LookAlikes: Sendable {
    /// Per field slot: the literals it is compared with.
    private let literals: [Set<String>]
    /// Per field slot: each literal by its key, the field's normalisation of its skeleton.
    private let bySkeleton: [[String: String]]
    /// Per field slot: its normalisation, applied to skeletons too, so that `Неnan` (a Cyrillic `Н`
    /// and `е`) resembles `henan` under `casefold` as `Henan` is `henan`.
    private let normalizations: [StringNormalization]

    init(_ model: CheckedPolicy) {
        var literals = [Set<String>](repeating: [], count: model.fields.count)
        func collect(_ e: Expr) {
            switch e {
            case let .compare(_, a, b):
                if let slot = Self.stringField(a, model), case .string(let s)? = b.constantValue { literals[slot].insert(s) }
                if let slot = Self.stringField(b, model), case .string(let s)? = a.constantValue { literals[slot].insert(s) }
                collect(a)
                collect(b)
            case let .inList(inner, values):
                if let slot = Self.stringField(inner, model) {
                    for case .string(let s) in values { literals[slot].insert(s) }
                }
                collect(inner)
            case let .contains(list, element):
                if let slot = Self.stringField(element, model), case .list(let items)? = list.constantValue {
                    for case .string(let s) in items { literals[slot].insert(s) }
                }
                // `"vip" in tags`: a text sought in a list field.
                if let slot = Self.stringField(list, model), case .string(let s)? = element.constantValue { literals[slot].insert(s) }
                collect(list)
                collect(element)
            case .span(_, let inner), .not(let inner), .present(let inner), .negate(let inner), .inRange(let inner, _, _, _, _):
                collect(inner)
            case .and(let items), .or(let items), .list(let items):
                items.forEach(collect)
            default:
                break
            }
        }
        for d in model.decisions {
            for r in d.rules { collect(r.condition.expr) }
            if let c = d.complete { collect(c.expr) }
            for o in d.overrides {
                collect(o.condition.expr)
                for x in o.exceptions { collect(x.condition.expr) }
            }
        }
        for c in model.clocks { collect(c.condition.expr) }
        for m in model.measures {
            collect(m.where.expr)
            collect(m.of)
        }
        self.literals = literals
        let normalizations = model.fields.map(\.normalization)
        self.normalizations = normalizations
        bySkeleton = literals.enumerated().map { slot, texts in
            var out: [String: String] = [:]
            for t in texts.sorted() {
                if let k = Self.skeleton(t).map(normalizations[slot].apply), out[k] == nil { out[k] = t }
            }
            return out
        }
    }

    /// The field slot of a string field read directly (through spans), else nil.
    private static func stringField(_ e: Expr, _ model: CheckedPolicy) -> Int? {
        switch e {
        case .span(_, let inner): return stringField(inner, model)
        case .field(let slot): return model.fields[slot].type == .string || model.fields[slot].type == .list(.string) ? slot : nil
        default: return nil
        }
    }

    /// Whether `slot` is compared with any literal (only then can a value of it resemble one).
    func hasLiterals(_ slot: Int) -> Bool { !literals[slot].isEmpty }

    /// Whether `value` is, as it stands, one of the literals `slot` is compared with.
    func isLiteral(_ value: String, slot: Int) -> Bool { literals[slot].contains(value) }

    /// The literal `value` (normalised; `given` as the case wrote it) looks like without being it;
    /// nil when it is a literal, is plain ASCII, or resembles none.
    func resembled(_ value: String, given: String? = nil, slot: Int) -> String? {
        guard !bySkeleton[slot].isEmpty, !value.utf8.allSatisfy({ $0 < 0x80 }), !literals[slot].contains(value) else { return nil }
        for text in [value, given ?? value] {
            if let k = Self.skeleton(text).map(normalizations[slot].apply), let literal = bySkeleton[slot][k] { return literal }
        }
        return nil
    }

    /// The characters of `value` that are not in `literal`, named: `U+0435 CYRILLIC SMALL LETTER IE`.
    static func strangers(_ value: String, _ literal: String) -> String {
        let known = Set(literal.unicodeScalars)
        var seen = Set<Unicode.Scalar>()
        let named = value.unicodeScalars.filter { !known.contains($0) && seen.insert($0).inserted }.prefix(3).map { s in
            let hex = String(s.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + (s.properties.name.map { " " + $0 } ?? "")
        }
        return named.joined(separator: ", ")
    }

    /// The confusable skeleton of `text` (UTS #39), or nil where ICU's spoof checker is not available.
    static func skeleton(_ text: String) -> String? {
        #if canImport(_FoundationICU)
        guard let checker = SpoofChecker.shared.checker, text.utf8.count <= 4096 else { return nil }
        var status = U_ZERO_ERROR
        var out = [CChar](repeating: 0, count: text.utf8.count * 4 + 16)
        let n = swift_uspoof_getSkeletonUTF8(checker, 0, text, Int32(text.utf8.count), &out, Int32(out.count), &status)
        guard status.rawValue <= 0, n >= 0, Int(n) < out.count else { return nil }
        return String(decoding: out[0..<Int(n)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #else
        return nil
        #endif
    }
}

#if canImport(_FoundationICU)
/// The one spoof checker of the process. ICU's checker may be used by many threads at once for
/// checks (skeletons) once it is configured, and it is never configured after it is opened.
private final class SpoofChecker: @unchecked Sendable {
    static let shared = SpoofChecker()
    let checker: OpaquePointer?

    private init() {
        var status = U_ZERO_ERROR
        let opened = swift_uspoof_open(&status)
        checker = status.rawValue <= 0 ? opened : nil
    }
}
#endif
