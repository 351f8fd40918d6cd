/// Reading a decision's outputs by name, typed.
///
/// ```swift
/// try decision.member("approver")     // "head_office"; nil when no rule set it for this case
/// try decision.members("signers")     // ["handler", "bu_finance_head", ...]
/// try decision.money("cost_cap")      // Money
/// try decision.time("report_due")     // Timestamp
/// try decision.member("aprover")      // throws OutputAccessError: did you mean `approver`?
/// try decision.money("approver")      // throws OutputAccessError: a `role`, not money
/// ```
/// Each accessor throws ``OutputAccessError`` when the policy has no output of that name or the
/// output's declared type is not the one it reads (whatever this case decided), and returns nil only
/// when the output does not apply to this case. The subscript (`decision["approver"]`) answers nil
/// for both an output that does not apply and a name the policy does not have.
extension Decision {
    /// An output's value, nil when no rule set it for this case.
    /// - Throws: ``OutputAccessError`` when the policy has no output `name`.
    public func value(_ name: String) throws(OutputAccessError) -> OutputValue? {
        try read(name, asked: "any value", fits: { _ in true }) { $0 }
    }

    /// An output that is an enum member or a role, by name.
    public func member(_ name: String) throws(OutputAccessError) -> String? {
        try read(name, asked: "a member", fits: { if case .enumeration = $0 { true } else { false } }) { $0.asMember }
    }

    /// An output that is a list of enum members or roles (a chain of signers, who is notified), by name.
    public func members(_ name: String) throws(OutputAccessError) -> [String]? {
        try read(name, asked: "a list of members", fits: { if case .list(.enumeration) = $0 { true } else { false } }) { $0.asMembers }
    }

    /// An output that is a list, of any element type.
    public func list(_ name: String) throws(OutputAccessError) -> [OutputValue]? {
        try read(name, asked: "a list", fits: { $0.element != nil }) { $0.asList }
    }

    /// A `money` output (exact, in minor units).
    public func money(_ name: String) throws(OutputAccessError) -> Money? {
        try read(name, asked: "money", fits: { $0 == .money }) { $0.asMoney }
    }

    /// A `timestamp` output.
    public func time(_ name: String) throws(OutputAccessError) -> Timestamp? {
        try read(name, asked: "a timestamp", fits: { $0 == .timestamp }) { $0.asTimestamp }
    }

    /// A `date` output.
    public func date(_ name: String) throws(OutputAccessError) -> CivilDate? {
        try read(name, asked: "a date", fits: { $0 == .date }) { $0.asDate }
    }

    /// A `duration` output.
    public func duration(_ name: String) throws(OutputAccessError) -> ClockDuration? {
        try read(name, asked: "a duration", fits: { $0 == .duration }) { $0.asDuration }
    }

    /// An `integer` output.
    public func number(_ name: String) throws(OutputAccessError) -> Int64? {
        try read(name, asked: "an integer", fits: { $0 == .integer }) { $0.asInteger }
    }

    /// A `string` output.
    public func text(_ name: String) throws(OutputAccessError) -> String? {
        try read(name, asked: "a string", fits: { $0 == .string }) { $0.asString }
    }

    /// A `bool` output.
    public func flag(_ name: String) throws(OutputAccessError) -> Bool? {
        try read(name, asked: "a bool", fits: { $0 == .bool }) { $0.asBool }
    }

    private func read<T>(_ name: String, asked: String, fits: (ValueType) -> Bool,
                         _ extract: (OutputValue) -> T?) throws(OutputAccessError) -> T? {
        guard let slot = compiled.outputSlots[name] else {
            let suggestion = Suggestions.closest(to: name, in: compiled.model.outputs.lazy.map(\.name))
            throw OutputAccessError(output: name, policy: compiled.identity, reason: .unknownOutput(suggestion: suggestion))
        }
        let type = compiled.model.outputs[slot].type
        guard fits(type) else {
            throw OutputAccessError(output: name, policy: compiled.identity,
                                    reason: .wrongType(asked: asked, actualType: compiled.typeName(type), accessor: Self.accessor(for: type)))
        }
        // A reusable decision that has decided nothing yet holds no outputs.
        guard slot < values.count, let value = compiled.outputValue(values[slot]) else { return nil }
        return extract(value)
    }

    /// The accessor that reads an output of `type`.
    static func accessor(for type: ValueType) -> String {
        switch type {
        case .bool: return "flag(_:)"
        case .integer: return "number(_:)"
        case .money: return "money(_:)"
        case .string: return "text(_:)"
        case .timestamp: return "time(_:)"
        case .date: return "date(_:)"
        case .duration: return "duration(_:)"
        case .enumeration: return "member(_:)"
        case .list(.enumeration): return "members(_:)"
        case .list: return "list(_:)"
        }
    }
}

extension OutputValue {
    /// The member's name, when this is an enum member or role.
    public var asMember: String? { if case .member(let m) = self { m } else { nil } }
    /// The members' names, when this is a list of enum members or roles (an empty list included).
    public var asMembers: [String]? {
        guard case .list(let items) = self else { return nil }
        var names: [String] = []
        names.reserveCapacity(items.count)
        for item in items {
            guard case .member(let m) = item else { return nil }
            names.append(m)
        }
        return names
    }
    /// The items, when this is a list.
    public var asList: [OutputValue]? { if case .list(let items) = self { items } else { nil } }
    /// The amount, when this is money.
    public var asMoney: Money? { if case .money(let m) = self { m } else { nil } }
    /// The instant, when this is a timestamp.
    public var asTimestamp: Timestamp? { if case .timestamp(let t) = self { t } else { nil } }
    /// The date, when this is a date.
    public var asDate: CivilDate? { if case .date(let d) = self { d } else { nil } }
    /// The duration, when this is a duration.
    public var asDuration: ClockDuration? { if case .duration(let d) = self { d } else { nil } }
    /// The number, when this is an integer.
    public var asInteger: Int64? { if case .integer(let i) = self { i } else { nil } }
    /// The text, when this is a string.
    public var asString: String? { if case .string(let s) = self { s } else { nil } }
    /// The truth value, when this is a bool.
    public var asBool: Bool? { if case .bool(let b) = self { b } else { nil } }
}
