/// The outcome of deciding one case: its outputs, the policy that decided it, and (when asked) why.
///
/// ```swift
/// let d = try policy.decide(json: bytes, explain: true)
/// d["approver"]        // .member("branch_manager")
/// try d.member("approver")   // "branch_manager"; throws OutputAccessError for a name the policy has not
/// d.json()             // {"case":"Q-1","policy":{...},"outputs":{...},"explanation":{...}}
/// d.explanation?.text(.zh)
/// ```
public struct Decision: Sendable {
    /// The case's `id`.
    public internal(set) var caseID: String
    /// The explanation, when the decision was made with `explain: true`.
    public internal(set) var explanation: Explanation?
    var values: [Value]
    /// Storage for the lists a `collect` table or an override builds, one per list output, kept from one
    /// decision to the next when this decision is reused (``Decider/decide(_:now:into:)``).
    var lists: [[Value]] = []
    /// The SLA clocks that apply to this case, in the policy's order.
    public internal(set) var clocks: [ClockResult]
    /// The instant clocks were judged at, when one was given.
    public internal(set) var now: Timestamp?
    /// What keeps the policy alive: the policy itself, or the ``Decider`` that made this decision
    /// (one per thread, so its reference count is not shared between cores).
    var owner: AnyObject & Sendable
    /// Unowned: `owner` holds the policy for as long as this decision lives.
    unowned(unsafe) var compiled: CompiledPolicy

    init(caseID: String, explanation: Explanation?, values: [Value], clocks: [ClockResult], now: Timestamp?,
         compiled: CompiledPolicy, owner: (AnyObject & Sendable)? = nil) {
        self.caseID = caseID
        self.explanation = explanation
        self.values = values
        self.clocks = clocks
        self.now = now
        self.owner = owner ?? compiled
        self.compiled = compiled
    }

    /// The same decision without its explanation.
    public var withoutExplanation: Decision {
        Decision(caseID: caseID, explanation: nil, values: values, clocks: clocks, now: now, compiled: compiled, owner: owner)
    }

    /// Name, version and digest of the policy that decided: the `identity` of the ``CompiledPolicy``
    /// (``Decider/identity``, ``PolicyVersions/versions``) whose version decided the case.
    public var policy: PolicyIdentity { compiled.identity }

    /// An output's value, or nil when it does not apply to this case — and nil too for a name the
    /// policy has no output of (`decision["aprover"]`). To tell the two apart, read it with
    /// ``value(_:)`` or a typed accessor (``member(_:)``, ``money(_:)``, ...), which throw
    /// ``OutputAccessError`` for an unknown name or a type the output does not have.
    public subscript(output: String) -> OutputValue? {
        guard let slot = compiled.outputSlots[output], slot < values.count else { return nil }
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

    /// Appends the decision's JSON to a byte buffer (for streaming many decisions without building strings).
    public func appendJSON(to buffer: inout [UInt8]) {
        var w = JSONWriter(capacity: explanation == nil ? 1 << 10 : 32 << 10)  // an explanation is some 16–24 KB
        write(to: &w)
        w.append(to: &buffer)
    }

    package func write(to w: inout JSONWriter) {
        w.object { w in
            w.field("case", caseID)
            w.key("policy")
            w.value(serialised: compiled.identityJSON)
            w.key("outputs")
            w.object { w in
                for slot in values.indices where !values[slot].isAbsent {
                    w.key(quoted: compiled.outputKeyJSON[slot])
                    compiled.write(values[slot], to: &w)
                }
            }
            if let now, !compiled.model.clocks.isEmpty {
                w.key("now")
                w.timestamp(now, in: compiled.zone)
            }
            if !clocks.isEmpty {
                w.key("clocks")
                w.object { w in
                    for c in clocks {
                        w.key(quoted: compiled.clockKeyJSON[c.index])
                        compiled.write(c, to: &w)
                    }
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
    /// `{"status": "at_risk", "due": ..., "at_risk": ..., "remaining": "45m", "calendar": "cn-office", ...}`
    func write(_ c: ClockResult, to w: inout JSONWriter) {
        w.object { w in
            if let s = c.status { w.field("status", s.rawValue) }
            w.key("start"); w.timestamp(c.start, in: zone)
            w.key("due"); w.timestamp(c.due, in: zone)
            if let r = c.atRisk { w.key("at_risk"); w.timestamp(r, in: zone) }
            if let a = c.agreed { w.key("agreed"); w.timestamp(a, in: zone) }
            if let s = c.stoppedAt { w.key("stopped_at"); w.timestamp(s, in: zone) }
            if let r = c.remaining { w.field("remaining", r.description) }
            if let o = c.overdue { w.field("overdue", o.description) }
            if let cal = c.calendar { w.field("calendar", cal) }
        }
    }

    func writeIdentity(to w: inout JSONWriter) {
        w.value(serialised: identityJSON)
    }
}
