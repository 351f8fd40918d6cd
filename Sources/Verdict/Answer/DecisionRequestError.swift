/// Why a ``DecisionRequest`` got no answer.
public enum DecisionRequestError: Error, Sendable, CustomStringConvertible {
    /// The case could not be decided — it is not JSON, a field is missing or malformed, a rule
    /// conflict under `unique`, a date before every version — by `policy`, the version that read it
    /// (the one in force at the decision time when the case's own date could not place it).
    case refused(CaseError, policy: PolicyIdentity)
    /// A why-not question (as given) that no version of the set can read.
    case invalidQuestion(String, WhyNotQuestionError)

    /// The problems as a ``CaseError`` (a question that cannot be read is a problem of the request,
    /// with the code `invalid-question` and no field).
    public var caseError: CaseError {
        switch self {
        case .refused(let error, _): return error
        case let .invalidQuestion(text, error):
            return CaseError(caseID: nil, problems: [.init(field: nil, code: .invalidQuestion,
                                                           message: "the why-not question `\(TextEscaping.escaped(text))` cannot be read: \(error.message)",
                                                           help: error.help)])
        }
    }

    /// The case's problems (see ``CaseError``), or the question and what is wrong with it.
    public var description: String {
        switch self {
        case .refused(let error, _): return error.description
        case let .invalidQuestion(text, error): return "`\(TextEscaping.escaped(text))`: \(error)"
        }
    }
}
