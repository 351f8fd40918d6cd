/// The keys of one YAML mapping, after unknown keys have been reported.
struct MappingReader {
    var location: SourceLocation
    var values: [String: YAMLNode] = [:]

    subscript(key: String) -> YAMLNode? { values[key] }

    func required(_ key: String, _ diagnostics: inout DiagnosticBag) -> YAMLNode? {
        if let v = values[key] { return v }
        diagnostics.error(.missingKey, "missing required key `\(key)`", at: location)
        return nil
    }
}
