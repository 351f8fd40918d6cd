/// The values the date functions in a failed condition computed (`month(reported_at) = jul`), for
/// explanations. They are computed again, when the explanation is read, by the same evaluator over the
/// case's fields and the outputs it decided: a condition reads only fields and the outputs of earlier
/// decisions, which are final when it runs, so this is the value it compared.
extension CompiledPolicy {
    /// Each date function written in the span, with its text and value; a value computed from
    /// personal data that is not loggable is not shown.
    func computedValues(ofSpan span: Int, _ e: Explanation) -> [(text: String, value: Value)] {
        model.spans[span].computed.compactMap { id -> (String, Value)? in
            let info = model.spans[id]
            let personal = info.references.contains { r in
                if case .field(let i) = r { return model.fields[i].personal && !model.fields[i].loggable }
                return false
            }
            if personal { return (info.text, .string("[personal data, not recorded]")) }
            guard let root = program.spanOfInstruction.firstIndex(of: Int32(id)) else { return nil }
            var outputs = e.outputs
            let v = withEvaluator(fields: e.fields, outputs: &outputs, tracer: NoTracer()) { (evaluator: inout Evaluator<NoTracer>) in
                evaluator.value(Int32(root))
            }
            return (info.text, v)
        }
    }
}
