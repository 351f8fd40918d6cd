/// The constant parts of a policy's explanations, serialised once when it loads: each decision's
/// name, hit policy and source note; each written condition and where it is; each field's name.
struct ExplanationFragments: Sendable {
    /// Per decision: `"decision":…,"hit":…,"at":…` and its notes, as object members.
    var decisions: [[UInt8]]
    /// Per span: `"condition":"cost <= 300"` and `"at":"…:19:15"`, as object members.
    var spans: [(condition: [UInt8], at: [UInt8])]
    /// Per field: its name quoted, with the colon of a member.
    var fieldKeys: [[UInt8]]

    init(_ model: CheckedPolicy) {
        func members(_ body: (inout JSONWriter) -> Void) -> [UInt8] {
            var w = JSONWriter()
            w.object(body)
            return Array(w.bytes.dropFirst().dropLast())
        }
        decisions = model.decisions.map { d in
            members { w in
                w.field("decision", d.name)
                w.field("hit", d.hit.rawValue)
                w.members(serialised: d.source.jsonMembers)
            }
        }
        spans = model.spans.map { span in
            (members { $0.field("condition", span.text) }, members { $0.field("at", span.location.description) })
        }
        fieldKeys = model.fields.map { f in
            var b: [UInt8] = []
            JSONWriter.appendQuoted(f.name, to: &b)
            return b + [58]
        }
    }
}
