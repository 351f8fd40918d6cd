/// The readable form of a policy set, for people who sign it off and for forms that ask for a case:
/// its fields (with enum members and their labels), each decision's rules (condition, outputs,
/// source quote, `file:line`), overrides with their exceptions, clocks, parameters and measures —
/// every text as written in the policy files. Built from a ``CompiledPolicy``; it decides nothing.
public struct PolicyOutline: Sendable {
    /// What the policy's authors wrote next to an item: label, quote, note and reading.
    public struct Notes: Sendable {
        /// Its label in English and Chinese.
        public var label: Localized
        /// The source sentence it implements, verbatim.
        public var quote: String?
        /// What its authors noted about it.
        public var note: Localized
        /// How the policy reads the source where it is silent or ambiguous.
        public var reading: Localized
        /// Where it is written.
        public var location: SourceLocation
    }

    /// One member of an enum, or one role.
    public struct Member: Sendable {
        /// Its name, as cases and rules write it.
        public var name: String
        /// Its label.
        public var label: Localized
    }

    /// A case field.
    public struct Field: Sendable {
        /// The field's name in a case.
        public var name: String
        /// Its type as authors write it: `money`, `problem_kind`, `list<role>`.
        public var type: String
        /// The kind of value it takes, for a form.
        public var kind: ValueKind
        /// True when a case may leave it out.
        public var optional: Bool
        /// The value used when a case leaves it out, as written.
        public var defaultValue: String?
        /// Personal data (never written into explanations unless loggable).
        public var personal: Bool
        /// For an enum field (or a list of one): its members, in declaration order.
        public var members: [Member]
        /// Label, quote and notes.
        public var notes: Notes
    }

    /// The kind of a field's values.
    public enum ValueKind: String, Sendable {
        /// `true` or `false`.
        case bool
        /// A whole number.
        case integer
        /// A decimal amount in the policy's currency.
        case money
        /// Text.
        case string
        /// An instant, written with an offset (or in the policy's zone).
        case timestamp
        /// A calendar date.
        case date
        /// A duration such as `2h`.
        case duration
        /// One member of an enum.
        case member
        /// A list (of members, strings or numbers).
        case list
    }

    /// One rule of a decision table.
    public struct Rule: Sendable {
        /// The rule's id.
        public var id: String
        /// Its condition as written (`cost <= 300`); empty when it always applies.
        public var condition: String
        /// The outputs it sets, as written (`approver: branch_manager, signers: [handler]`).
        public var outputs: String
        /// The same outputs one by one, so a reader can show them by label.
        public var assignments: [Assignment] = []
        /// Label, quote and notes.
        public var notes: Notes
    }

    /// One output a rule sets.
    public struct Assignment: Sendable {
        /// The output's name.
        public var output: String
        /// The value as written (`branch_manager`, `[handler, finance_supervisor]`, `cost * 2`).
        public var text: String
        /// When the value is one enum member or a list of them, their names in order (to show by
        /// label); nil for any other value.
        public var members: [String]?
    }

    /// One thing an override does to its list, by member name.
    public struct Change: Sendable, Equatable {
        /// What it does.
        public enum Kind: String, Sendable {
            /// `replace`: the member is swapped for ``PolicyOutline/Change/other``, in its place.
            case replace
            /// `remove`: the member is taken out of the list.
            case remove
            /// `insert_before`: the member is put just before ``PolicyOutline/Change/other``.
            case insertBefore = "insert_before"
            /// `insert_after`: the member is put just after ``PolicyOutline/Change/other``.
            case insertAfter = "insert_after"
        }
        /// Replace, remove, insert before or insert after.
        public var kind: Kind
        /// The member replaced, removed or inserted.
        public var member: String
        /// For a replace the member that takes its place; for an insert the member it goes next to.
        public var other: String?
    }

    /// An exception of an override.
    public struct Exception: Sendable {
        /// Its id, when it has one.
        public var id: String?
        /// Its condition as written.
        public var condition: String
        /// Label, quote and notes.
        public var notes: Notes
    }

    /// An override of a decision table's list output.
    public struct Override: Sendable {
        /// The override's id.
        public var id: String
        /// The output it changes.
        public var output: String
        /// Its `when` as written; empty when it always applies.
        public var condition: String
        /// Its exceptions, in the order written.
        public var exceptions: [Exception]
        /// What it does, one operation each: `replace finance_supervisor by bu_finance_head`.
        public var operations: [String]
        /// The same operations by member name, so a reader can show them by label in its language.
        public var changes: [Change] = []
        /// Label, quote and notes.
        public var notes: Notes
    }

    /// An output of a decision table.
    public struct Output: Sendable {
        /// The output's name.
        public var name: String
        /// Its type as written.
        public var type: String
        /// Its label.
        public var label: Localized
    }

    /// A decision table.
    public struct Decision: Sendable {
        /// The decision's name.
        public var name: String
        /// How its rules combine.
        public var hit: HitPolicy
        /// Its outputs, in the order declared.
        public var outputs: [Output]
        /// Its rules, in the order written.
        public var rules: [Rule]
        /// Its overrides, in the order written.
        public var overrides: [Override]
        /// Label, quote and notes.
        public var notes: Notes
    }

    /// An SLA clock.
    public struct Clock: Sendable {
        /// The clock's name.
        public var name: String
        /// When it applies, as written; empty when always.
        public var condition: String
        /// Its start as written (`received_at`).
        public var start: String
        /// Its target for people: `3 working hours in cn-office`.
        public var target: Localized
        /// Its at-risk point, when it has one.
        public var atRisk: Localized?
        /// The working calendar its target counts in, when it counts working time.
        public var calendar: String?
        /// Label, quote and notes.
        public var notes: Notes
    }

    /// A named constant of the policy.
    public struct Parameter: Sendable {
        /// The parameter's name.
        public var name: String
        /// Its type as written.
        public var type: String
        /// Its value as rules see it.
        public var value: String
        /// Label, quote and notes.
        public var notes: Notes
    }

    /// An aggregate over decided cases.
    public struct Measure: Sendable {
        /// The measure's name.
        public var name: String
        /// `share`, `mean`, `per_million` or `count`.
        public var kind: String
        /// What it measures, as written.
        public var of: String
        /// Which cases it counts, as written; empty for all.
        public var scope: String
        /// Its target (`>= 80%`), when it has one.
        public var target: String?
        /// The field it groups by, when it groups.
        public var by: String?
        /// Label, quote and notes.
        public var notes: Notes
    }

    /// Name, version, effective date, digest and title.
    public var identity: PolicyIdentity
    /// The zone timestamps without an offset are read in, and outputs are written in.
    public var zone: Zone
    /// The currency of money fields (`CNY`).
    public var currency: String
    /// Digits after the decimal point of money.
    public var moneyScale: Int
    /// How the policy as a whole reads its source.
    public var reading: Localized
    /// Case fields, in declaration order.
    public var fields: [Field]
    /// Decision tables, in evaluation order.
    public var decisions: [Decision]
    /// SLA clocks, in the order written.
    public var clocks: [Clock]
    /// Parameters, in the order written.
    public var parameters: [Parameter]
    /// Measures, in the order written.
    public var measures: [Measure]
    /// The labels of every enum member and role, by enum name and member name.
    public var memberLabels: [String: Localized]

    /// The outline of `policy`.
    ///
    /// - Parameter policy: The compiled policy to outline.
    public init(_ policy: CompiledPolicy) {
        let m = policy.model
        func notes(_ a: Annotations, _ l: SourceLocation) -> Notes {
            Notes(label: a.label, quote: a.quote, note: a.note, reading: a.reading, location: l)
        }
        func text(_ c: Condition) -> String { c.isAlways ? "" : policy.spanText(c.expr) }
        func members(_ t: ValueType) -> [Member] {
            switch t {
            case .enumeration(let e): return m.enums[e].members.map { Member(name: m.members[Int($0)].name, label: m.members[Int($0)].label) }
            case .list(let inner): return members(inner)
            default: return []
            }
        }
        func memberNames(_ v: Value?) -> [String]? {
            switch v {
            case .member(let id)?: return [m.members[Int(id)].name]
            case .list(let items)?:
                var names: [String] = []
                for item in items { guard case .member(let id) = item else { return nil }; names.append(m.members[Int(id)].name) }
                return names
            default: return nil
            }
        }
        func kind(_ t: ValueType) -> ValueKind {
            switch t {
            case .bool: .bool
            case .integer: .integer
            case .money: .money
            case .string: .string
            case .timestamp: .timestamp
            case .date: .date
            case .duration: .duration
            case .enumeration: .member
            case .list: .list
            }
        }
        identity = policy.identity
        zone = m.zone
        currency = m.currency
        moneyScale = m.moneyScale
        reading = m.annotations.reading
        fields = m.fields.map { f in
            Field(name: f.name, type: m.typeName(f.type), kind: kind(f.type), optional: f.optional,
                  defaultValue: f.defaultValue.map { policy.display($0, nil) }, personal: f.personal,
                  members: members(f.type), notes: notes(f.annotations, f.location))
        }
        decisions = m.decisions.map { d in
            Decision(
                name: d.name, hit: d.hit,
                outputs: d.outputs.map { Output(name: m.outputs[$0].name, type: m.typeName(m.outputs[$0].type), label: m.outputs[$0].annotations.label) },
                rules: d.rules.map { r in
                    // `text` is `when: …; then: …` as written.
                    let then = r.text.range(of: "; then: ", options: .backwards).map { String(r.text[$0.upperBound...]) } ?? ""
                    let assignments = r.assignments.map { a in
                        Assignment(output: m.outputs[a.output].name, text: a.text, members: memberNames(a.value.constantValue))
                    }
                    return Rule(id: r.id, condition: text(r.condition), outputs: then, assignments: assignments, notes: notes(r.annotations, r.location))
                },
                overrides: d.overrides.map { o in
                    func name(_ v: Value) -> String { policy.display(v, nil) }
                    return Override(
                        id: o.id, output: m.outputs[o.output].name, condition: text(o.condition),
                        exceptions: o.exceptions.map { Exception(id: $0.id, condition: text($0.condition), notes: notes($0.annotations, $0.location)) },
                        operations: o.operations.map { op in
                            switch op.kind {
                            case .replace: "replace \(name(op.member)) by \(name(op.other))"
                            case .remove: "remove \(name(op.member))"
                            case .insertBefore: "insert \(name(op.member)) before \(name(op.other))"
                            case .insertAfter: "insert \(name(op.member)) after \(name(op.other))"
                            }
                        },
                        changes: o.operations.map { op in
                            let kind: Change.Kind = switch op.kind {
                            case .replace: .replace
                            case .remove: .remove
                            case .insertBefore: .insertBefore
                            case .insertAfter: .insertAfter
                            }
                            return Change(kind: kind, member: name(op.member), other: op.kind == .remove ? nil : name(op.other))
                        },
                        notes: notes(o.annotations, o.location))
                },
                notes: notes(d.annotations, d.location))
        }
        clocks = m.clocks.map { c in
            Clock(name: c.name, condition: text(c.condition), start: c.startText, target: c.target.text, atRisk: c.atRisk?.text,
                  calendar: c.target.calendar?.name, notes: notes(c.annotations, c.location))
        }
        parameters = m.parameters.map { p in
            Parameter(name: p.name, type: m.typeName(p.type), value: policy.display(p.value, nil), notes: notes(p.annotations, p.location))
        }
        measures = m.measures.map { x in
            Measure(name: x.name, kind: x.kind.rawValue, of: policy.spanText(x.of), scope: text(x.where), target: x.target?.text,
                    by: x.by.map { m.fields[$0].name }, notes: notes(x.annotations, x.location))
        }
        var labels: [String: Localized] = [:]
        for e in m.enums {
            for id in e.members where !m.members[Int(id)].label.isEmpty { labels[e.name + "." + m.members[Int(id)].name] = m.members[Int(id)].label }
        }
        memberLabels = labels
    }

    /// The label of member `name` of the enum named `type` (`role`, `problem_kind`), when it has one.
    public func label(ofMember name: String, in type: String) -> Localized? {
        let element = type.hasPrefix("list<") && type.hasSuffix(">") ? String(type.dropFirst(5).dropLast()) : type
        return memberLabels[element + "." + name]
    }
}
