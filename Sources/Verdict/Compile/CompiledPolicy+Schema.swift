/// The field metadata an audit log needs: which fields hold personal data and whether any rule reads them.
///
/// Added for the decision log (issue 10): a field marked `personal: true` that no rule, override,
/// clock or measure reads is kept out of recorded inputs, because re-deciding never needs it.
public struct FieldSchema: Sendable, Hashable {
    /// The field's name.
    public var name: String
    /// The type as policy authors write it: `money`, `problem`, `list<role>`.
    public var type: String
    /// The case may leave it out (it is optional or has a default).
    public var omittable: Bool
    /// It holds personal data (`personal: true`).
    public var personal: Bool
    /// Its personal value may still be written to logs (`loggable: true`).
    public var loggable: Bool
    /// Some rule condition or value, override, exception, clock or measure reads it.
    public var read: Bool
}

/// The version of the Verdict library, recorded with every logged decision.
public enum VerdictVersion {
    /// This build of the library, as `major.minor.patch`.
    public static let current = "0.10.0"
}

extension CompiledPolicy {
    /// Every declared field, in slot order, with what an audit log needs to know about it.
    public var fieldSchema: [FieldSchema] {
        let read = fieldsRead
        return model.fields.enumerated().map { i, f in
            FieldSchema(name: f.name, type: model.typeName(f.type), omittable: f.optional || f.defaultValue != nil,
                        personal: f.personal, loggable: f.loggable, read: read.contains(i))
        }
    }

    /// Slots of the fields some part of the policy reads.
    private var fieldsRead: Set<Int> {
        var out = Set<Int>()
        func add(_ e: Expr) {
            for case .field(let i) in e.references { out.insert(i) }
        }
        func add(_ c: Condition) { add(c.expr) }
        for d in model.decisions {
            for r in d.rules {
                add(r.condition)
                for a in r.assignments { add(a.value) }
            }
            for o in d.overrides {
                add(o.condition)
                for e in o.exceptions { add(e.condition) }
            }
            if let c = d.complete { add(c) }
        }
        for c in model.clocks {
            add(c.condition)
            add(c.start)
            if let a = c.agreed { out.insert(a) }
            if let s = c.stop { out.insert(s) }
        }
        for m in model.measures {
            add(m.of)
            add(m.where)
            if let b = m.by { out.insert(b) }
        }
        out.insert(idSlot)
        return out
    }
}
