/// The constant parts of a policy's explanations, serialised once when it loads: each decision's
/// name, hit policy and source note; each rule's id and source note; each written condition and
/// where it is; each field's and output's name; the member names explanations use; each clock's
/// name, source and target.
///
/// All but the clocks' parts are kept in one buffer, `bytes`, and found by a ``Piece`` each: writing
/// an explanation borrows the buffer once and retains nothing per part.
struct ExplanationFragments: Sendable {
    /// The fragments, one after another.
    let bytes: [UInt8]
    /// Per decision: `"decision":…,"hit":…,"at":…` and its notes, as object members.
    let decision: [Piece]
    /// Per rule, at `firstRule[decision] + rule`: its `"id":"…"` member, and its source note's members.
    let ruleID: [Piece], ruleSource: [Piece]
    /// Per decision: where its rules start in `ruleID` and `ruleSource`; where its outputs start in `assigning`.
    let firstRule: [Int], firstOutput: [Int]
    /// Per decision and output (in the decision's order): the rules that assign it, as a stretch of `assigningRules`.
    let assigning: [Piece]
    let assigningRules: [Int32]
    /// By rule state (0 not evaluated, 1 not matched, 2 matched; +4 selected): its members.
    let ruleState: [Piece]
    /// Per span: `"condition":"cost <= 300"` and `"at":"…:19:15"`, as object members.
    let spanCondition: [Piece], spanAt: [Piece]
    /// Per field and per output: its name quoted, with the colon of a member.
    let fieldKey: [Piece], outputKey: [Piece]
    /// Per field: whether its values are left out of explanations (personal data that is not loggable).
    let hiddenField: [Bool]
    /// The member names and constant members explanations are written with.
    let key: Keys
    /// Per clock, as object members: `"clock":…,"at":…` before `applies`, and its quote, start and
    /// target after it.
    let clocks: [(head: [UInt8], tail: [UInt8])]

    /// A stretch of `bytes`: `start` and `count`.
    struct Piece: Sendable {
        var start: Int32
        var count: Int32
    }

    /// Quoted member names (with their colon) and constant members.
    struct Keys: Sendable {
        var rules, outputs, value, overrides, values, failed: Piece
        var resultFalse, resultUnknown: Piece
    }

    init(_ model: CheckedPolicy) {
        var bytes: [UInt8] = []
        func piece(_ b: [UInt8]) -> Piece {
            defer { bytes += b }
            return Piece(start: Int32(bytes.count), count: Int32(b.count))
        }
        func members(_ body: (inout JSONWriter) -> Void) -> Piece {
            var w = JSONWriter()
            w.object(body)
            return piece(Array(w.bytes.dropFirst().dropLast()))
        }
        func quotedKey(_ k: String) -> Piece {
            piece(JSONWriter.quotedBytes(k) + [58])
        }
        key = Keys(rules: quotedKey("rules"), outputs: quotedKey("outputs"), value: quotedKey("value"),
                   overrides: quotedKey("overrides"), values: quotedKey("values"), failed: quotedKey("failed"),
                   resultFalse: piece(Array(#""result":"false""#.utf8)), resultUnknown: piece(Array(#""result":"unknown""#.utf8)))
        decision = model.decisions.map { d in
            members { w in
                w.field("decision", d.name)
                w.field("hit", d.hit.rawValue)
                w.members(serialised: d.source.jsonMembers)
            }
        }
        ruleState = (0..<8).map { state in
            piece(Array(((state & 3 == 0 ? #""evaluated":false,"# : "") + #""matched":\#(state & 3 == 2),"selected":\#(state & 4 != 0)"#).utf8))
        }
        var ruleID: [Piece] = [], ruleSource: [Piece] = [], firstRule: [Int] = [], firstOutput: [Int] = []
        var assigning: [Piece] = [], assigningRules: [Int32] = []
        for d in model.decisions {
            firstRule.append(ruleID.count)
            firstOutput.append(assigning.count)
            for rule in d.rules {
                ruleID.append(piece(rule.idJSON))
                ruleSource.append(piece(rule.source.jsonMembers))
            }
            for slot in d.outputs {
                let start = assigningRules.count
                for (ri, rule) in d.rules.enumerated() where rule.assignments.contains(where: { $0.output == slot }) {
                    assigningRules.append(Int32(ri))
                }
                assigning.append(Piece(start: Int32(start), count: Int32(assigningRules.count - start)))
            }
        }
        (self.ruleID, self.ruleSource, self.firstRule, self.firstOutput) = (ruleID, ruleSource, firstRule, firstOutput)
        (self.assigning, self.assigningRules) = (assigning, assigningRules)
        spanCondition = model.spans.map { span in members { $0.field("condition", span.text) } }
        spanAt = model.spans.map { span in members { $0.field("at", span.location.description) } }
        fieldKey = model.fields.map { quotedKey($0.name) }
        outputKey = model.outputs.map { quotedKey($0.name) }
        hiddenField = model.fields.map { $0.personal && !$0.loggable }
        self.bytes = bytes
        clocks = model.clocks.map { c in
            var head = JSONWriter(), tail = JSONWriter()
            head.object { w in
                w.field("clock", c.name)
                w.field("at", c.source.location.description)
            }
            tail.object { w in
                if let q = c.source.quote { w.field("quote", q) }
                w.field("start", c.startText)
                w.key("target")
                w.object { w in
                    if let en = c.target.text.en { w.field("en", en) }
                    if let zh = c.target.text.zh { w.field("zh", zh) }
                }
            }
            return (Array(head.bytes.dropFirst().dropLast()), Array(tail.bytes.dropFirst().dropLast()))
        }
    }
}

extension JSONWriter {
    /// A fragment of an explanation's buffer, as object members.
    @inline(__always)
    mutating func members(_ p: ExplanationFragments.Piece, in bytes: UnsafeBufferPointer<UInt8>) {
        members(in: bytes, start: p.start, count: p.count)
    }

    /// A fragment of an explanation's buffer that is a quoted member name with its colon.
    @inline(__always)
    mutating func key(_ p: ExplanationFragments.Piece, in bytes: UnsafeBufferPointer<UInt8>) {
        key(in: bytes, start: p.start, count: p.count)
    }
}
