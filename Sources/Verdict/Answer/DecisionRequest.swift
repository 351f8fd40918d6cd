/// A question put to a policy set about one case: what to decide it with, and what to answer.
///
/// Every surface asks through this one request — `verdict decide` and `verdict explain`, the
/// service's `POST /v1/policies/{name}/decide` (and each line of `decide-batch`), the console's try
/// page, `verdict audit show` — and gets its answer from ``PolicyVersions/answer(_:json:)-(_,[UInt8])``: the
/// version is picked once, the case parsed once and decided once, the why-not questions answered
/// with the set's versions, and the answer written in the form asked. So one question gets one
/// answer, whatever asks it.
///
/// ```swift
/// var request = DecisionRequest(explanation: .full, now: try Timestamp(rfc3339: "2026-05-01T09:00:00+08:00"))
/// request.whyNot = ["approver=branch_manager"]
/// let response = try set.answer(request, json: caseBytes)
/// response.decision["approver"]          // .member("head_office")
/// response.whyNot?.answers.first?.text()  // "Why not approver = branch_manager …"
/// print(response.rendered())              // the service's JSON answer
/// ```
public struct DecisionRequest: Sendable {
    /// The form of ``DecisionResponse/rendered()``.
    public enum Format: String, Sendable, CaseIterable {
        /// The decision's JSON (`{"case", "policy", "outputs", …}`), with `explanation`,
        /// `explanation_text`, `why_not` and `why_not_text` as asked: the service's answer and
        /// `verdict decide`'s line.
        case decision
        /// The explanation's JSON alone — or, with why-not questions, the answers' JSON
        /// (`{"case", "policy", "answers"}`): `verdict explain --format json`.
        case explanation
        /// Text for people, in ``DecisionRequest/language`` (English when none): the explanation, or
        /// with why-not questions their answers — `verdict explain`.
        case text
    }

    /// How much of the explanation to give (``ExplanationDetail/none`` by default). The `explanation` and
    /// `text` formats explain in full unless ``ExplanationDetail/compact`` is asked.
    public var explanation: ExplanationDetail
    /// The language of the texts: with the `decision` format, a language adds `explanation_text`
    /// (and `why_not_text`) in it, and implies an explanation. Nil: no texts.
    public var language: Language?
    /// The instant SLA clocks are judged at, and the date that picks the version when the set names
    /// no `effective_by` field. Nil: clocks report deadlines only, and the current time picks.
    public var now: Timestamp?
    /// "Why not?" questions: `approver=branch_manager`, `tier`, `signers contains bu_finance_head`
    /// (``WhyNotQuestion/init(parsing:for:)``). Each is read against the version that decides the
    /// case, or else against any version of the set that has its output and value.
    public var whyNot: [String]
    /// The form of the answer.
    public var format: Format
    /// The ``CompiledPolicy/schemaDigest`` the caller's generated types were made from (`verdict
    /// codegen`): the answer refuses the case with ``CaseProblemCode/schemaChanged`` when the version
    /// that decides it has another. Nil: no check.
    public var schemaDigest: String? = nil

    /// A request about one case; by default the `decision` format, without explanation, texts or
    /// why-not questions, judged at the current time (no ``schemaDigest`` check: set it after).
    ///
    /// - Parameters:
    ///   - explanation: How much of the explanation to give: none, compact or full.
    ///   - language: The language of the texts (English or Chinese); nil for no texts.
    ///   - now: The instant clocks are judged at and the version picked by; nil for the current time.
    ///   - whyNot: "Why not?" questions, such as `approver=branch_manager`.
    ///   - format: The form of the answer: `decision`, `explanation` or `text`.
    public init(explanation: ExplanationDetail = .none, language: Language? = nil, now: Timestamp? = nil, whyNot: [String] = [],
                format: Format = .decision) {
        self.explanation = explanation
        self.language = language
        self.now = now
        self.whyNot = whyNot
        self.format = format
    }

    /// The detail the answer is decided with: the `explanation` and `text` formats and a language
    /// need an explanation, given in full unless a compact one is asked.
    var effectiveDetail: ExplanationDetail {
        if explanation != .none { return explanation }
        switch format {
        case .decision: return language != nil ? .full : .none
        case .explanation, .text: return whyNot.isEmpty ? .full : .none  // with questions, the answers are the output
        }
    }
}
