/// The constant parts of a policy's explanations, serialised once when it loads: each decision's
/// name, hit policy and source note; each written condition and where it is; each field's name;
/// each clock's name, source and target.
struct ExplanationFragments: Sendable {
    /// Per decision: `"decision":…,"hit":…,"at":…` and its notes, as object members.
    var decisions: [[UInt8]]
    /// Per span: `"condition":"cost <= 300"` and `"at":"…:19:15"`, as object members.
    var spans: [(condition: [UInt8], at: [UInt8])]
    /// Per field: its name quoted, with the colon of a member.
    var fieldKeys: [[UInt8]]
    /// Per clock, as object members: `"clock":…,"at":…` before `applies`, and its quote, start and
    /// target after it.
    var clocks: [(head: [UInt8], tail: [UInt8])]

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
        clocks = model.clocks.map { c in
            (members { w in
                w.field("clock", c.name)
                w.field("at", c.source.location.description)
            }, members { w in
                if let q = c.source.quote { w.field("quote", q) }
                w.field("start", c.startText)
                w.key("target")
                w.object { w in
                    if let en = c.target.text.en { w.field("en", en) }
                    if let zh = c.target.text.zh { w.field("zh", zh) }
                }
            })
        }
        fieldKeys = model.fields.map { f in
            var b: [UInt8] = []
            JSONWriter.appendQuoted(f.name, to: &b)
            return b + [58]
        }
    }
}
