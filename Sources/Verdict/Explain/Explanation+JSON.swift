/// The explanation's JSON shape (stable; documented in the README under "JSON shapes").
extension Explanation {
    public func write(to w: inout JSONWriter) {
        let p = compiled
        w.object { w in
            w.key("policy")
            p.writeIdentity(to: &w)
            if !p.model.annotations.reading.isEmpty || !p.model.annotations.note.isEmpty {
                Self.writeNotes(p.model.annotations, to: &w)
            }
            w.key("decisions")
            w.array { w in
                for d in decisions {
                    w.object { w in
                        w.field("decision", d.name)
                        w.field("hit", d.hit.rawValue)
                        Self.write(d.source, to: &w)
                        w.key("rules")
                        w.array { w in
                            for r in d.rules {
                                w.object { w in
                                    w.field("id", r.id)
                                    if !r.evaluated { w.field("evaluated", false) }
                                    w.field("matched", r.matched)
                                    w.field("selected", r.selected)
                                    if let f = r.failed { w.key("failed"); write(f, to: &w) }
                                    Self.write(r.source, to: &w)
                                }
                            }
                        }
                        if !d.overrides.isEmpty {
                            w.key("overrides")
                            w.array { w in
                                for o in d.overrides {
                                    w.object { w in
                                        w.field("id", o.id)
                                        w.field("output", o.output)
                                        w.field("applied", o.applied)
                                        switch o.outcome {
                                        case .applied(let pairs):
                                            w.key("replaced")
                                            w.array { w in for (f, t) in pairs { w.object { w in w.field("from", f); w.field("to", t) } } }
                                        case .conditionFailed(let f):
                                            w.field("reason", "condition")
                                            if let f { w.key("failed"); write(f, to: &w) }
                                        case let .exception(id, source, condition):
                                            w.field("reason", "exception")
                                            w.key("exception")
                                            w.object { w in
                                                if let id { w.field("id", id) }
                                                w.field("condition", condition)
                                                Self.write(source, to: &w)
                                            }
                                        case .outputAbsent:
                                            w.field("reason", "output-absent")
                                        }
                                        Self.write(o.source, to: &w)
                                    }
                                }
                            }
                        }
                        w.key("outputs")
                        w.object { w in
                            for o in d.outputs where !o.raw.isAbsent {
                                w.key(o.name)
                                w.object { w in
                                    w.key("value")
                                    p.write(o.raw, to: &w)
                                    w.key("rules")
                                    w.array { w in for r in o.rules { w.string(r) } }
                                    if !o.overrides.isEmpty {
                                        w.key("overrides")
                                        w.array { w in for r in o.overrides { w.string(r) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            writeClocks(to: &w)
        }
    }

    private func write(_ f: ConditionFailure, to w: inout JSONWriter) {
        w.object { w in
            w.field("condition", f.text)
            w.field("result", f.unknown ? "unknown" : "false")
            w.field("at", f.location.description)
            w.key("values")
            w.object { w in
                for ((name, _), raw) in zip(f.values, f.raw) {
                    w.key(name)
                    compiled.write(raw, to: &w)
                }
            }
        }
    }

    private static func write(_ s: SourceNote, to w: inout JSONWriter) {
        w.members(serialised: s.jsonMembers)
    }

    /// A source note's members: `at`, then `label`, `quote`, `note`, `reading` where given.
    static func write(location: SourceLocation, annotations a: Annotations, to w: inout JSONWriter) {
        w.field("at", location.description)
        if !a.label.isEmpty { writeLocalized("label", a.label, to: &w) }
        if let q = a.quote { w.field("quote", q) }
        if !a.note.isEmpty { writeLocalized("note", a.note, to: &w) }
        if !a.reading.isEmpty { writeLocalized("reading", a.reading, to: &w) }
    }

    private static func writeNotes(_ a: Annotations, to w: inout JSONWriter) {
        if !a.note.isEmpty { writeLocalized("note", a.note, to: &w) }
        if !a.reading.isEmpty { writeLocalized("reading", a.reading, to: &w) }
    }

    private static func writeLocalized(_ key: String, _ l: Localized, to w: inout JSONWriter) {
        w.key(key)
        w.object { w in
            if let en = l.en { w.field("en", en) }
            if let zh = l.zh { w.field("zh", zh) }
        }
    }
}
