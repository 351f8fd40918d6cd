/// The values of a string field that the rules know (`known:`), with their labels and the other
/// ways people write them, and whether a case may give any other value (`others:`).
///
/// ```yaml
/// region:
///   type: string
///   normalize: [trim, casefold, nfkc]
///   known:
///     henan: {en: Henan, zh: 河南, also: [河南省, 豫]}
///     shaanxi: {en: Shaanxi, zh: 陕西, also: [陕西省]}
///   others: allowed
/// ```
///
/// A case's value, once normalised, decides as the known value it names: the value itself, one of
/// its labels, or one of its aliases — so `河南`, `河南省` and `HENAN` are all `henan`. Every text is
/// normalised as the field normalises a case's value before it is looked up.
struct KnownValues: Sendable {
    /// The values, normalised, in the order written.
    var values: [String]
    /// Each value's labels.
    var labels: [String: Localized]
    /// Every way of writing a value — the value, its labels, its aliases — normalised, to the value.
    var byText: [String: String]
    /// Whether a case may give a value that is none of them (`others: allowed`, the default);
    /// `refused` makes such a case invalid, with the nearest known value suggested.
    var othersAllowed: Bool
    /// Where `known:` is written.
    var location: SourceLocation

    /// The known value a normalised text names, if any.
    @inline(__always)
    func value(for text: String) -> String? {
        byText[text]
    }
}
