import Foundation

/// A "why not?" question about one output of a decision.
///
/// Written as `approver=branch_manager` (why is it not this value), `tier` (why not any other value,
/// or why is it absent) or `signers contains bu_finance_head` (why is this member not in the list).
public struct WhyNotQuestion: Sendable, Hashable, CustomStringConvertible {
    /// What is asked about the output.
    public enum Kind: Sendable, Hashable {
        /// Why is the output not this value?
        case equals(OutputValue)
        /// Why does the list output not contain this member?
        case contains(OutputValue)
        /// Why is the output not any other value it can have (or, when absent, why is it absent)?
        case anyOther
    }

    /// The output asked about, by name.
    public var output: String
    /// What is asked.
    public var kind: Kind

    /// A question from its parts.
    ///
    /// - Parameters:
    ///   - output: The output asked about, by name.
    ///   - kind: What is asked: why not this value, why the list does not contain this member, or why not any other value.
    public init(output: String, kind: Kind) {
        self.output = output
        self.kind = kind
    }

    /// The question as written: `approver=branch_manager`, `tier`, `signers contains bu_finance_head`.
    public var description: String {
        switch kind {
        case .equals(let v): return "\(output)=\(v)"
        case .contains(let v): return "\(output) contains \(v)"
        case .anyOther: return output
        }
    }

    /// Reads a question as the command line and the service take it, checking the output and the
    /// value against the policy.
    ///
    /// - Throws: ``WhyNotQuestionError`` for an output the policy does not have or a value that is
    ///   not of the output's type (with a "did you mean" where one is close).
    ///
    /// - Parameters:
    ///   - text: The question: `approver=branch_manager`, `tier`, `signers contains bu_finance_head`.
    ///   - policy: The version whose outputs and values the question is checked against.
    public init(parsing text: String, for policy: CompiledPolicy) throws(WhyNotQuestionError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let name: String
        var valueText: String?
        var contains = false
        if let eq = trimmed.firstIndex(of: "=") {
            name = trimmed[..<eq].trimmingCharacters(in: .whitespaces)
            valueText = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        } else if let r = trimmed.range(of: " contains ") {
            name = trimmed[..<r.lowerBound].trimmingCharacters(in: .whitespaces)
            valueText = trimmed[r.upperBound...].trimmingCharacters(in: .whitespaces)
            contains = true
        } else {
            name = trimmed
        }
        let model = policy.model
        guard !name.isEmpty else { throw WhyNotQuestionError(message: "`\(Suggestions.clip(text))` names no output", help: Self.forms) }
        if valueText == nil, case let words = name.split(whereSeparator: \.isWhitespace), words.count > 1 {
            // `signers contains ` (the member left out) or `approver branch_manager`: a question cut short, not a name.
            let missing = words.last == "contains" ? "it names no member after `contains`" : "an output's name has no spaces"
            throw WhyNotQuestionError(message: "`\(Suggestions.clip(trimmed))` is an incomplete question: \(missing)", help: Self.forms)
        }
        guard let o = policy.outputSlots[name] else {
            throw WhyNotQuestionError(message: "the policy has no output `\(Suggestions.clip(name))`",
                                      help: Suggestions.help(for: name, in: policy.outputNames, what: "outputs"))
        }
        output = name
        guard var raw = valueText else { kind = .anyOther; return }
        guard !raw.isEmpty else { throw WhyNotQuestionError(message: "`\(Suggestions.clip(text))` gives no value", help: "write \(name)=VALUE") }
        if raw.count >= 2, raw.first == "\"", raw.last == "\"" { raw = String(raw.dropFirst().dropLast()) }
        var type = model.outputs[o].type
        if contains {
            guard let e = type.element else {
                throw WhyNotQuestionError(message: "`\(name)` is \(model.typeName(type)), not a list", help: "ask `\(name)=VALUE`")
            }
            type = e
        }
        kind = contains ? .contains(try Self.read(raw, type, name, model)) : .equals(try Self.read(raw, type, name, model))
    }

    /// The three forms a question takes, as help says them.
    static let forms = "ask OUTPUT (why not another value), OUTPUT=VALUE (why not this one) or 'OUTPUT contains MEMBER' (why not in the list), such as 'signers contains bu_finance_head'"

    private static func read(_ text: String, _ type: ValueType, _ output: String, _ model: CheckedPolicy) throws(WhyNotQuestionError) -> OutputValue {
        func wrong(_ help: String? = nil) -> WhyNotQuestionError {
            WhyNotQuestionError(message: "`\(Suggestions.clip(text))` is not \(article(model.typeName(type))) `\(model.typeName(type))`, the type of `\(output)`", help: help)
        }
        switch type {
        case .bool:
            if text == "true" { return .bool(true) }
            if text == "false" { return .bool(false) }
            throw wrong("write true or false")
        case .integer:
            guard let i = Int64(text) else {
                if WholeNumber.isWritten(text) { throw WhyNotQuestionError(message: WholeNumber.problem(text), help: nil) }
                throw wrong("write a whole number")
            }
            return .integer(i)
        case .money:
            do { return .money(try Money(parsing: text, scale: model.moneyScale)) } catch { throw wrong(error.description) }
        case .string: return .string(text)
        case .timestamp:
            do { return .timestamp(try Timestamp(rfc3339: text)) } catch { throw wrong("write an RFC 3339 instant like 2026-03-02T09:15:00+08:00") }
        case .date:
            do { return .date(try CivilDate(iso: text)) } catch { throw wrong("write a date like 2026-03-02") }
        case .duration:
            do { return .duration(try ClockDuration(text: text)) } catch { throw wrong("write a duration like 2d or 12h") }
        case .enumeration(let e):
            let names = model.enums[e].members.map { model.members[Int($0)].name }
            guard names.contains(text) else {
                throw WhyNotQuestionError(message: "`\(Suggestions.clip(text))` is not \(article(model.enums[e].name)) `\(model.enums[e].name)` of this policy, the type of `\(output)`",
                                          help: Suggestions.help(for: text, in: names, what: "members"))
            }
            return .member(text)
        case .list(let inner):
            var body = Substring(text)
            if body.first == "[", body.last == "]" { body = body.dropFirst().dropLast() }
            let parts = body.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            var items: [OutputValue] = []
            for p in parts { items.append(try read(p, inner, output, model)) }
            return .list(items)
        }
    }

    private static func article(_ word: String) -> String {
        word.first.map { "aeiou".contains($0) } == true ? "an" : "a"
    }

    /// The runtime value of a question's value for a type; nil when it is not of the type.
    static func value(_ v: OutputValue, _ type: ValueType, _ model: CheckedPolicy) -> Value? {
        switch (v, type) {
        case let (.bool(b), .bool): return .bool(b)
        case let (.integer(i), .integer): return .int(i)
        case let (.integer(i), .money):
            let (m, o) = i.multipliedReportingOverflow(by: Int64(pow10(model.moneyScale)))
            return o ? nil : .money(m)
        case let (.money(m), .money): return m.scale == model.moneyScale ? .money(m.minorUnits) : nil
        case let (.string(s), .string): return .string(s)
        case let (.timestamp(t), .timestamp): return .time(t.millisecondsSinceEpoch)
        case let (.date(d), .date): return Int32(exactly: d.daysSinceEpoch).map { .date($0) }
        case let (.duration(d), .duration): return .duration(d.milliseconds)
        case let (.member(name), .enumeration(e)): return model.enums[e].byName[name].map { .member($0) }
        case let (.list(items), .list(inner)):
            var out: [Value] = []
            for item in items {
                guard let x = value(item, inner, model) else { return nil }
                out.append(x)
            }
            return .list(out)
        default: return nil
        }
    }

    private static func pow10(_ n: Int) -> Int {
        var p = 1
        for _ in 0..<n { p *= 10 }
        return p
    }
}

/// A question that names an output the policy does not have, or a value not of the output's type.
public struct WhyNotQuestionError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the output or value.
    public var message: String
    /// A "did you mean", or how to write the question.
    public var help: String?

    /// The message and its help on one line.
    public var description: String { message + (help.map { "; \($0)" } ?? "") }
}

/// The answer to one "why not?" question about a case.
public struct WhyNotAnswer: Sendable {
    /// What the answer is about.
    public enum Target: Sendable, Hashable {
        /// The output having this value.
        case equals(OutputValue)
        /// The list output containing this member.
        case contains(OutputValue)
        /// The output having any value (it is absent now).
        case present
        /// The output having any other value than the one it computes (an instant, an amount).
        case otherComputed
    }

    enum RawTarget: Sendable, Hashable {
        case equals(Value), contains(Value), present, otherComputed
    }

    /// What would have to differ.
    public enum Outcome: Sendable {
        /// The case already gives it.
        case already
        /// The smallest sets of field changes that would give it, nearest first: any one suffices.
        case changes([WhyNotAlternative])
        /// No change of this case's inputs gives it, and why.
        case impossible(WhyNotImpossibility)
        /// The analyser does not reason about a condition the answer depends on: these are they.
        case cannotReason([WhyNotUnanalysedCondition])
    }

    /// The question asked.
    public let question: WhyNotQuestion
    let outputSlot: Int
    let rawTarget: RawTarget
    let rawCurrent: Value
    /// The answer.
    public let outcome: Outcome
    let compiled: CompiledPolicy

    init(question: WhyNotQuestion, output: Int, target: RawTarget, current: Value, outcome: Outcome, compiled: CompiledPolicy) {
        self.question = question
        outputSlot = output
        rawTarget = target
        rawCurrent = current
        self.outcome = outcome
        self.compiled = compiled
    }

    /// The output the answer is about.
    public var output: String { question.output }

    /// What the answer is about (one value of several for a question about the output alone).
    public var target: Target {
        switch rawTarget {
        case .equals(let v): return compiled.outputValue(v).map { .equals($0) } ?? question.kind.asked.map { .equals($0) } ?? .present
        case .contains(let v): return compiled.outputValue(v).map { .contains($0) } ?? question.kind.asked.map { .contains($0) } ?? .present
        case .present: return .present
        case .otherComputed: return .otherComputed
        }
    }

    /// The output's value in this case; nil when it does not apply.
    public var current: OutputValue? { compiled.outputValue(rawCurrent) }
}

extension WhyNotQuestion.Kind {
    var asked: OutputValue? {
        switch self {
        case .equals(let v), .contains(let v): return v
        case .anyOther: return nil
        }
    }
}

/// One way to get the asked-for value: every change in it is needed, and together they suffice
/// (each other field keeping its value).
public struct WhyNotAlternative: Sendable {
    /// The changes, one per condition, in field order.
    public let changes: [WhyNotChange]

    /// The fields this alternative changes, by name, in order.
    public var fields: [String] {
        var out: [String] = []
        for c in changes where !out.contains(c.field) { out.append(c.field) }
        return out
    }
}

/// One condition a changed field must meet: `cost ≤ 300.00`, with the value the case has now.
public struct WhyNotChange: Sendable {
    let fieldSlot: Int
    let dimension: Analyzer.Dimension
    let constraint: Constraint
    let currentRaw: Value
    let nearestRaw: Value?
    let compiled: CompiledPolicy

    init(field: Int, dimension: Analyzer.Dimension, constraint: Constraint, currentRaw: Value, nearestRaw: Value?, compiled: CompiledPolicy) {
        fieldSlot = field
        self.dimension = dimension
        self.constraint = constraint
        self.currentRaw = currentRaw
        self.nearestRaw = nearestRaw
        self.compiled = compiled
    }

    /// The field that changes.
    public var field: String { compiled.model.fields[fieldSlot].name }
    /// What the condition is on: the field (`cost`), or a date function of it (`month(received_at)`).
    public var subject: String { Analyzer.name(of: dimension, compiled.model) }
    /// Whether the field is personal data not to be shown: then ``current`` is nil.
    public var currentHidden: Bool {
        let f = compiled.model.fields[fieldSlot]
        return f.personal && !f.loggable
    }
    /// What ``subject`` is in this case; nil when absent or hidden.
    public var current: OutputValue? { currentHidden ? nil : compiled.outputValue(currentRaw) }
    /// The value of the field nearest its current one that meets the condition, when one can be
    /// named (a condition on a date function of the field, or "anything but these words", has none).
    public var nearest: OutputValue? { nearestRaw.flatMap { compiled.outputValue($0) } }
    /// True when the condition is that the field be absent (left out of the case).
    public var nearestIsAbsent: Bool { nearestRaw?.isAbsent == true }

    /// The condition the subject must meet.
    public var condition: WhyNotCondition {
        let model = compiled.model
        let type = Analyzer.type(of: dimension, model)
        let values: WhyNotCondition?
        switch constraint.values {
        case .bools(let s): values = s.isEmpty ? nil : .oneOf(s.sorted { !$0 && $1 }.map { .bool($0) })
        case .members(let s):
            let all = Analyzer.full(type, model).membersOrEmpty
            let order: [Int32]
            if case .enumeration(let e) = type { order = model.enums[e].members } else { order = s.sorted() }
            if s.isEmpty { values = nil } else if s.count * 2 > all.count, s.count < all.count {
                values = .noneOf(order.filter { !s.contains($0) }.compactMap { compiled.outputValue(.member($0)) })
            } else {
                values = .oneOf(order.filter { s.contains($0) }.compactMap { compiled.outputValue(.member($0)) })
            }
        case let .strings(inc, exc):
            if let inc { values = inc.isEmpty ? nil : .oneOf(inc.sorted().map { .string($0) }) } else { values = .noneOf(exc.sorted().map { .string($0) }) }
        case .ranges(let rs):
            // A bound that is the field's own (`min: 0`) is not a condition to meet.
            var lowest = Int64.min, highest = Int64.max
            if case .ranges(let d) = Analyzer.domain(of: dimension, model), let first = d.first, let last = d.last {
                lowest = first.lowerBound
                highest = last.upperBound
            }
            values = rs.isEmpty ? nil : .ranges(rs.map { r in
                WhyNotRange(lower: r.lowerBound <= lowest ? nil : WhyNotEngine.value(r.lowerBound, type).flatMap(compiled.outputValue),
                            upper: r.upperBound >= highest ? nil : WhyNotEngine.value(r.upperBound, type).flatMap(compiled.outputValue))
            })
        }
        switch (values, constraint.absent) {
        case (nil, _): return .absent
        case (let v?, true): return .orAbsent(v)
        case (let v?, false): return v
        }
    }
}

/// The values a changed field may take.
public indirect enum WhyNotCondition: Sendable, Hashable {
    /// One of these (`= Zhengzhou` when one).
    case oneOf([OutputValue])
    /// Anything but these (`≠ Henan` when one).
    case noneOf([OutputValue])
    /// Within one of these ranges, bounds included (`≤ 300.00` when the lower bound is open).
    case ranges([WhyNotRange])
    /// Left out of the case.
    case absent
    /// As the inner condition, or left out of the case.
    case orAbsent(WhyNotCondition)
}

/// A range of ordered values, bounds included; a nil bound is open.
public struct WhyNotRange: Sendable, Hashable {
    /// The least value, or nil for no lower bound.
    public let lower: OutputValue?
    /// The greatest value, or nil for no upper bound.
    public let upper: OutputValue?
}

/// Why no change of the case's inputs can give the asked-for value.
public enum WhyNotImpossibility: Sendable, Hashable {
    /// No rule (nor override) assigns the value.
    case notAssigned
    /// Rules assign it, but none of them can ever decide (earlier or higher-ranked rules take every case they match).
    case neverDecides(rules: [String])
    /// The value is not of the output's type (a member the type does not have), with the nearest member's name.
    case notInType(suggestion: String?)
    /// The output is not a list, so it contains nothing.
    case notAList
    /// The policy has no such output.
    case unknownOutput(suggestion: String?)
    /// The output can have no other value than the one it has.
    case onlyValue
    /// No change of the case's inputs gives it under the version in force for the case, but these
    /// other versions of the set would (see ``PolicyVersions/whyNot(_:json:now:)``).
    case onlyOtherVersions([PolicyIdentity])
    /// Under the version in force for the case, only another value of the field that dates the case
    /// (the set's `effective_by`, named here) would give it; that field is held fixed, because
    /// another date is a question for the version in force on that date.
    case onlyAnotherDate(field: String)
}

/// A condition the analyser does not reason about, so an answer that depends on it is not given.
public struct WhyNotUnanalysedCondition: Sendable, Hashable {
    /// The rule, override or exception it belongs to (its id).
    public let site: String
    /// The condition as written (`service_date <= gold_card_valid_until`).
    public let condition: String
    /// Why it is not analysed (`a comparison between two fields`).
    public let reason: String
}
