/// The outcome of deciding one case: its outputs, the policy that decided it, and (when asked) why.
///
/// ```swift
/// let d = try policy.decide(json: bytes, explain: true)
/// d["approver"]        // .member("branch_manager")
/// d.json()             // {"case":"Q-1","policy":{...},"outputs":{...},"explanation":{...}}
/// d.explanation?.text(.zh)
/// ```
public struct Decision: Sendable {
    public let caseID: String
    /// The explanation, when the decision was made with `explain: true`.
    public let explanation: Explanation?
    let values: [Value]
    let compiled: CompiledPolicy

    /// Name, version and digest of the policy that decided.
    public var policy: PolicyIdentity { compiled.identity }

    /// An output's value, or nil when it does not apply to this case.
    public subscript(output: String) -> OutputValue? {
        guard let slot = compiled.outputSlots[output] else { return nil }
        return compiled.outputValue(values[slot])
    }

    /// The outputs that apply, in declaration order.
    public var outputs: [(name: String, value: OutputValue)] {
        zip(compiled.model.outputs, values).compactMap { info, v in compiled.outputValue(v).map { (info.name, $0) } }
    }

    /// The decision as one line of JSON:
    /// `{"case": ID, "policy": {"name", "version", "digest"}, "outputs": {...}}`, plus `"explanation"` when recorded.
    public func json() -> String {
        var w = JSONWriter()
        write(to: &w)
        return w.output
    }

    public func write(to w: inout JSONWriter) {
        w.object { w in
            w.field("case", caseID)
            w.key("policy")
            compiled.writeIdentity(to: &w)
            w.key("outputs")
            w.object { w in
                for (info, v) in zip(compiled.model.outputs, values) where !v.isAbsent {
                    w.key(info.name)
                    compiled.write(v, to: &w)
                }
            }
            if let explanation {
                w.key("explanation")
                explanation.write(to: &w)
            }
        }
    }
}

extension CompiledPolicy {
    func writeIdentity(to w: inout JSONWriter) {
        w.object { w in
            w.field("name", identity.name)
            w.field("version", identity.version)
            if let e = identity.effective { w.field("effective", e.description) }
            w.field("digest", identity.digest)
        }
    }
}
