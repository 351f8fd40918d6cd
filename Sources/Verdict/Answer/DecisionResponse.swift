/// The answer to a ``DecisionRequest``: the decision (with its explanation when one was asked), the
/// why-not answers, and the answer written in the form asked (``rendered()``).
public struct DecisionResponse: Sendable {
    /// What was asked (without the case).
    public let request: DecisionRequest
    /// The decision, by the version in force for the case; its ``Decision/explanation`` is there
    /// when the request asked for one (or its format or language needs one), showing the detail asked.
    public let decision: Decision
    /// The answers to the request's why-not questions, in order; nil when it asked none.
    public let whyNot: WhyNot?

    /// The version that decided.
    public var policy: PolicyIdentity { decision.policy }

    /// The answer in the request's ``DecisionRequest/format`` (one line of JSON without its newline,
    /// or text ending in a newline).
    public func rendered() -> String {
        var bytes: [UInt8] = []
        appendRendered(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``rendered()``'s bytes (for streaming many answers without building strings).
    public func appendRendered(to buffer: inout [UInt8]) {
        if request.format == .text {
            buffer.append(contentsOf: text.utf8)
            return
        }
        var w = JSONWriter(capacity: capacity)
        write(to: &w)
        w.append(to: &buffer)
    }

    /// Calls `body` with ``rendered()``'s bytes, written once and not copied (valid only while
    /// `body` runs).
    public func withRendered(_ body: (UnsafeRawBufferPointer) -> Void) {
        if request.format == .text {
            var text = text
            text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
            return
        }
        var w = JSONWriter(capacity: capacity)
        write(to: &w)
        w.withUnsafeBytes(body)
    }

    /// Room for the JSON answer in one allocation: an explained one is some 16–24 KB.
    package var capacity: Int { decision.explanation == nil && whyNot == nil ? 1 << 10 : 32 << 10 }

    /// Writes the JSON formats (``DecisionRequest/Format/decision`` and ``DecisionRequest/Format/explanation``);
    /// the text format is written as one JSON string.
    package func write(to w: inout JSONWriter) {
        let language = request.language
        switch request.format {
        case .decision:
            decision.write(to: &w)
            if let language, let explanation = decision.explanation {
                w.reopenObject()
                w.field("explanation_text", explanation.text(language))
                w.closeObject()
            }
            if let whyNot {
                // The answers, each with its text in both languages; `why_not_text` in the asked language.
                w.reopenObject()
                w.key("why_not")
                w.array { w in for a in whyNot.answers { a.write(to: &w) } }
                if let language { w.field("why_not_text", whyNot.text(language)) }
                w.closeObject()
            }
        case .explanation:
            if let whyNot { whyNot.write(to: &w) } else { decision.explanation?.write(to: &w) }
        case .text:
            w.string(text)
        }
    }

    /// The explanation, or the why-not answers when questions were asked, as text.
    private var text: String {
        let language = request.language ?? .en
        if let whyNot { return whyNot.text(language) }
        return decision.explanation?.text(language) ?? ""
    }
}
