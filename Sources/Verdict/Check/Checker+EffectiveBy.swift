/// `effective_by:`, the case field whose date picks the version of a versioned set.
extension Checker {
    /// The policy's required timestamp and date fields, the ones `effective_by` may name.
    var effectiveByHelp: String {
        let names = model.fields.filter { ($0.type == .timestamp || $0.type == .date) && !$0.optional && $0.defaultValue == nil }.map { "`\($0.name)`" }
        return names.isEmpty ? "declare a required timestamp or date field that says when a case happened, and name it"
            : "name the timestamp or date field that says when a case happened: " + names.joined(separator: ", ")
    }

    /// The field must be declared, a `timestamp` or a `date`, and present in every case (no `optional`,
    /// no `default`): a case without it could not be placed in time. The set needs an effective date.
    mutating func checkEffectiveBy(_ manifest: ManifestSyntax) {
        guard let by = manifest.effectiveBy else { return }
        model.effectiveByLocation = by.location
        if manifest.effective == nil {
            diagnostics.error(.missingEffectiveDate, "`effective_by: \(by.text)` picks a version by date, but this version has no `effective` date",
                              at: manifest.location, help: "add `effective: YYYY-MM-DD`, the first day this version applies")
        }
        guard let slot = fieldSlots[by.text] else {
            let fields = model.fields.map(\.name).filter { $0 != "id" }
            diagnostics.error(.effectiveBy, "`effective_by` names `\(by.text)`, which is not a field of the policy", at: by.location,
                              help: Suggestions.closest(to: by.text, in: fields).map { "did you mean `\($0)`?" }
                                  ?? effectiveByHelp)
            return
        }
        let field = model.fields[slot]
        usedFields.insert(slot)
        guard field.type == .timestamp || field.type == .date else {
            diagnostics.error(.effectiveBy, "`effective_by` names `\(by.text)`, \(kindOf(field.type, field: by.text)): it must be a `timestamp` or a `date`",
                              at: by.location, notes: [.init("`\(by.text)` is declared here", at: field.location)],
                              help: effectiveByHelp)
            return
        }
        if field.optional || field.defaultValue != nil {
            diagnostics.error(.effectiveBy, "`effective_by` names `\(by.text)`, which a case may leave out (it is \(field.optional ? "optional" : "given a default")): a case without it could not be placed in time",
                              at: by.location, notes: [.init("`\(by.text)` is declared here", at: field.location)],
                              help: "make `\(by.text)` required in every version")
            return
        }
        model.effectiveBy = slot
    }
}
