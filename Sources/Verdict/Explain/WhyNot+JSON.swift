/// "Why not?" answers as JSON (the shape is documented in docs/library.md).
extension WhyNot {
    /// The answers as one line of JSON:
    /// `{"case": ID, "policy": {...}, "why_not": [{"question", "output", "target", "current", "outcome", ...}]}`.
    public func json() -> String {
        var w = JSONWriter()
        write(to: &w)
        return w.output
    }

    package func write(to w: inout JSONWriter) {
        w.object { w in
            w.field("case", caseID)
            w.key("policy")
            compiled.writeIdentity(to: &w)
            w.key("why_not")
            w.array { w in for a in answers { a.write(to: &w) } }
        }
    }
}

extension WhyNotAnswer {
    /// The answer as one line of JSON, as ``WhyNot/json()`` writes each.
    public func json() -> String {
        var w = JSONWriter()
        write(to: &w)
        return w.output
    }

    /// `{"question": "approver=branch_manager", "output": "approver", "target": {"equals": "branch_manager"},
    /// "current": "head_office", "outcome": "changes", "alternatives": [[{"field": "cost", ...}]], "text": {"en", "zh"}}`.
    package func write(to w: inout JSONWriter) {
        let p = compiled
        w.object { w in
            w.field("question", question.description)
            w.field("output", output)
            w.key("target")
            w.object { w in
                switch rawTarget {
                case .equals(let v):
                    w.key("equals")
                    if v.isAbsent { w.string(question.kind.asked?.description ?? "") } else { p.write(v, to: &w) }
                case .contains(let v):
                    w.key("contains")
                    if v.isAbsent { w.string(question.kind.asked?.description ?? "") } else { p.write(v, to: &w) }
                case .present: w.field("present", true)
                case .otherComputed: w.field("other", true)
                }
            }
            if outputSlot >= 0 {
                w.key("current")
                p.write(rawCurrent, to: &w)
            }
            switch outcome {
            case .already: w.field("outcome", "already")
            case .changes(let alternatives):
                w.field("outcome", "changes")
                w.key("alternatives")
                w.array { w in
                    for alt in alternatives {
                        w.object { w in
                            w.key("fields")
                            w.array { w in for f in alt.fields { w.string(f) } }
                            w.key("changes")
                            w.array { w in for c in alt.changes { c.write(to: &w) } }
                        }
                    }
                }
            case .impossible(let why):
                w.field("outcome", "impossible")
                w.key("reason")
                w.object { w in
                    switch why {
                    case .notAssigned: w.field("code", "not-assigned")
                    case .neverDecides(let rules):
                        w.field("code", "never-decides")
                        w.key("rules")
                        w.array { w in for r in rules { w.string(r) } }
                    case .notInType(let s):
                        w.field("code", "not-in-type")
                        if let s { w.field("did_you_mean", s) }
                    case .notAList: w.field("code", "not-a-list")
                    case .unknownOutput(let s):
                        w.field("code", "unknown-output")
                        if let s { w.field("did_you_mean", s) }
                    case .onlyValue: w.field("code", "only-value")
                    case .onlyAnotherDate(let field):
                        w.field("code", "only-another-date")
                        w.field("field", field)
                    case .onlyOtherVersions(let versions):
                        w.field("code", "only-other-versions")
                        w.key("versions")
                        w.array { w in
                            for v in versions {
                                w.object { w in
                                    w.field("version", v.version)
                                    if let e = v.effective { w.field("effective", e.description) }
                                    w.field("digest", v.digest)
                                }
                            }
                        }
                    }
                }
            case .cannotReason(let conditions):
                w.field("outcome", "cannot-reason")
                w.key("unanalysed")
                w.array { w in
                    for c in conditions {
                        w.object { w in
                            w.field("site", c.site)
                            w.field("condition", c.condition)
                            w.field("reason", c.reason)
                        }
                    }
                }
            }
            w.key("text")
            w.object { w in
                w.field("en", text(.en))
                w.field("zh", text(.zh))
            }
        }
    }
}

extension WhyNotChange {
    /// `{"field": "cost", "subject": "cost", "condition": {...}, "current": "1200.00", "nearest": "300.00", "label": {...}, "text": {...}}`.
    func write(to w: inout JSONWriter) {
        let p = compiled
        let f = p.model.fields[fieldSlot]
        w.object { w in
            w.field("field", field)
            if subject != field { w.field("subject", subject) }
            if !f.annotations.label.isEmpty {
                w.key("label")
                w.object { w in
                    if let en = f.annotations.label.en { w.field("en", en) }
                    if let zh = f.annotations.label.zh { w.field("zh", zh) }
                }
            }
            w.key("condition")
            Self.write(condition, to: &w)
            if currentHidden {
                w.field("current", "[personal data, not recorded]")
            } else {
                w.key("current")
                p.write(currentRaw, to: &w)
            }
            if let n = nearestRaw {
                w.key("nearest")
                p.write(n, to: &w)
            }
            w.key("text")
            w.object { w in
                w.field("en", text(.en))
                w.field("zh", text(.zh))
            }
        }
    }

    /// `{"one_of": [...]}`, `{"none_of": [...]}`, `{"ranges": [{"min": ..., "max": ...}]}`, `{"absent": true}`,
    /// with `"or_absent": true` when leaving the field out also does.
    static func write(_ c: WhyNotCondition, orAbsent: Bool = false, to w: inout JSONWriter) {
        if case .orAbsent(let inner) = c { write(inner, orAbsent: true, to: &w); return }
        w.object { w in
            switch c {
            case .oneOf(let vs):
                w.key("one_of")
                w.array { w in for v in vs { write(v, to: &w) } }
            case .noneOf(let vs):
                w.key("none_of")
                w.array { w in for v in vs { write(v, to: &w) } }
            case .ranges(let rs):
                w.key("ranges")
                w.array { w in
                    for r in rs {
                        w.object { w in
                            if let l = r.lower { w.key("min"); write(l, to: &w) }
                            if let u = r.upper { w.key("max"); write(u, to: &w) }
                        }
                    }
                }
            case .absent: w.field("absent", true)
            case .orAbsent: break
            }
            if orAbsent { w.field("or_absent", true) }
        }
    }

    /// A value as decisions write it: numbers and booleans as JSON values, the rest as strings.
    static func write(_ v: OutputValue, to w: inout JSONWriter) {
        switch v {
        case .bool(let b): w.bool(b)
        case .integer(let i): w.number(i)
        case .list(let items): w.array { w in for i in items { write(i, to: &w) } }
        case .timestamp(let t): w.string(t.description)
        default: w.string(v.description)
        }
    }
}
