enum Analyzer {
    static func analyse(_ model: PolicyModel, diagnostics: inout DiagnosticBag) {}
}
