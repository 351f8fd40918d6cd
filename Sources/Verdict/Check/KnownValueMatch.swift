/// What a text is, for a string field that lists the values its rules know (`known:`): one of them
/// by any of its names, none of them, or the field lists none.
///
/// ```swift
/// policy.knownValue(of: "region", for: "河南省")   // .known("henan")
/// policy.knownValue(of: "region", for: "Hubei")    // .unknown(suggestion: nil)
/// policy.knownValue(of: "region", for: "Henna")    // .unknown(suggestion: "henan")
/// policy.knownValue(of: "cost", for: "12")         // .noList
/// ```
public enum KnownValueMatch: Sendable, Hashable {
    /// The text names this known value (the value itself, one of its labels or aliases), once
    /// normalised as the field normalises a case's value: a case that gives it decides as the value.
    case known(String)
    /// The text names no known value: a case that gives it decides with it as given (no rule that
    /// compares the field with a known value matches), or is refused when the field says
    /// `others: refused`. `suggestion` is the known value it is a likely typo of, if any.
    case unknown(suggestion: String?)
    /// The field lists no known values (or is not a field of the policy).
    case noList
}

/// The values a string field's rules know, with their labels and the other ways people write them,
/// for forms and readers (``CompiledPolicy/knownValues(of:)``).
public struct KnownValueList: Sendable {
    /// One known value.
    public struct Entry: Sendable {
        /// The value as rules compare it (normalised as the field's values are).
        public var value: String
        /// Its labels.
        public var label: Localized
        /// Its other names (the `also:` aliases), normalised as the field's values are, sorted.
        public var aliases: [String]
    }

    /// The known values, in the order written.
    public var entries: [Entry]
    /// Whether a case may give a value that is none of them (`others: allowed`, the default).
    public var othersAllowed: Bool
}

extension CompiledPolicy {
    /// The values the rules know for the string field `field`, with labels and aliases; nil when it
    /// lists none (or there is no such field).
    public func knownValues(of field: String) -> KnownValueList? {
        guard let slot = fieldSlots[field], let info = model.fields[slot].known else { return nil }
        let normalization = model.fields[slot].normalization
        var aliases: [String: [String]] = [:]
        for (text, value) in info.byText where text != value {
            let label = info.labels[value] ?? Localized()
            if [label.en, label.zh].contains(where: { $0.map(normalization.apply) == text }) { continue }
            aliases[value, default: []].append(text)
        }
        return KnownValueList(
            entries: info.values.map { KnownValueList.Entry(value: $0, label: info.labels[$0] ?? Localized(), aliases: (aliases[$0] ?? []).sorted()) },
            othersAllowed: info.othersAllowed)
    }

    /// Whether `text`, as a case would give it for the string field `field`, is one of the values
    /// the rules know: it is normalised as the field's values are (`normalize:`) and looked up by
    /// every name of every known value, exactly as the case decoders do.
    public func knownValue(of field: String, for text: String) -> KnownValueMatch {
        guard let slot = fieldSlots[field], let known = model.fields[slot].known else { return .noList }
        let normalized = model.fields[slot].normalization.apply(text)
        if let value = known.value(for: normalized) { return .known(value) }
        // A short text is a whole word, not a typo: 河北 is another province, not a misspelt 河南.
        guard normalized.count >= 3, let near = Suggestions.closest(to: normalized, in: known.byText.keys.sorted()) else {
            return .unknown(suggestion: nil)
        }
        return .unknown(suggestion: known.byText[near])
    }
}
