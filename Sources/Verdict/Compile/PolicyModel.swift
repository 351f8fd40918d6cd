/// The resolved parts of a policy set, as the checker builds them and the compiled policy keeps them.

struct FieldInfo: Sendable {
    var name: String
    var type: ValueType
    var optional: Bool
    /// Used when the case omits the field (then it is never absent).
    var defaultValue: Value?
    var loggable: Bool
    var annotations: Annotations
    var location: SourceLocation
    /// Personal data: never written into explanations unless also `loggable`.
    var personal: Bool = false
}

struct EnumInfo: Sendable {
    var name: String
    /// Global member ids, in declaration order.
    var members: [Int32]
    var byName: [String: Int32]
    var location: SourceLocation
}

struct MemberInfo: Sendable {
    var enumIndex: Int
    var name: String
    var label: Localized
    var location: SourceLocation
}

struct SetInfo: Sendable {
    var name: String
    var type: ValueType
    var members: [Value]
    var annotations: Annotations
    var location: SourceLocation
}

struct OutputInfo: Sendable {
    var name: String
    var type: ValueType
    /// Index of the producing decision in ``PolicyModel/decisions``; -1 for an SLA clock's output.
    var decision: Int
    var annotations: Annotations
    var location: SourceLocation
}

/// A sub-expression as written, for explanations: `cost <= 300` at approval.yaml:14:15.
struct SpanInfo: Sendable {
    var text: String
    var location: SourceLocation
    /// The fields and outputs it reads (filled in once the expression is built).
    var references: [Expr.Reference] = []
}

/// How a decision table chooses among matching rules (DMN's hit policies).
public enum HitPolicy: String, Sendable, CaseIterable {
    /// The first matching rule in written order.
    case first
    /// At most one rule may match; an overlap is a load-time error when provable, a case error otherwise.
    case unique
    /// The matching rule whose value of the priority output comes first in the declared order.
    case priority
    /// Every matching rule; list outputs gather their values in rule order, without repeats.
    case collect
}

/// A rule's, override's, exception's or clock's condition as checked (with its written spans).
struct Condition: Sendable {
    var expr: Expr
    static let always = Condition(.constant(.bool(true)))

    init(_ expr: Expr) { self.expr = expr }

    var isAlways: Bool {
        if case .constant(.bool(true)) = expr.unwrapped { return true }
        return false
    }
}

struct Assignment: Sendable {
    var output: Int
    var value: Expr
}

/// A rule ready to evaluate. A class, so the evaluation loop holds one reference rather than
/// copying the annotations it never reads.
final class CompiledRule: Sendable {
    let id: String
    let annotations: Annotations
    let location: SourceLocation
    let condition: Condition
    let assignments: [Assignment]
    /// Where each assignment's output is named, parallel to `assignments`.
    let assignmentLocations: [SourceLocation]
    /// The rule as written (`when` and `then`), to tell whether two versions changed it.
    let text: String
    let source: SourceNote

    init(id: String, annotations: Annotations, location: SourceLocation, condition: Condition,
         assignments: [Assignment], assignmentLocations: [SourceLocation], text: String) {
        self.id = id
        self.annotations = annotations
        self.location = location
        self.condition = condition
        self.assignments = assignments
        self.assignmentLocations = assignmentLocations
        self.text = text
        source = SourceNote(annotations, location)
    }
}

struct CompiledException: Sendable {
    var id: String?
    var annotations: Annotations
    var location: SourceLocation
    var condition: Condition
    var source: SourceNote { SourceNote(annotations, location) }
}

struct CompiledOverride: Sendable {
    var id: String
    var annotations: Annotations
    var location: SourceLocation
    var output: Int
    var condition: Condition
    var exceptions: [CompiledException]
    var replacements: [(from: Value, to: Value)]
    var source: SourceNote { SourceNote(annotations, location) }
}

final class CompiledDecision: Sendable {
    let name: String
    let annotations: Annotations
    let location: SourceLocation
    let hit: HitPolicy
    let outputs: [Int]
    let rules: [CompiledRule]
    let overrides: [CompiledOverride]
    /// For `priority`: the output whose value ranks matches, and its values best first.
    let priorityOutput: Int?
    let priorityOrder: [Value]
    /// Decisions (by index) whose outputs this one reads.
    let dependencies: Set<Int>
    /// Where some rule must always decide (`complete:`), checked for gaps; nil when not required.
    let complete: Condition?
    let source: SourceNote

    init(name: String, annotations: Annotations, location: SourceLocation, hit: HitPolicy, outputs: [Int], rules: [CompiledRule],
         overrides: [CompiledOverride], priorityOutput: Int?, priorityOrder: [Value], dependencies: Set<Int>, complete: Condition?) {
        self.complete = complete
        source = SourceNote(annotations, location)
        self.name = name
        self.annotations = annotations
        self.location = location
        self.hit = hit
        self.outputs = outputs
        self.rules = rules
        self.overrides = overrides
        self.priorityOutput = priorityOutput
        self.priorityOrder = priorityOrder
        self.dependencies = dependencies
    }

    /// The same decision with its dependencies renumbered (after ordering).
    func renumbered(_ dependencies: Set<Int>) -> CompiledDecision {
        CompiledDecision(name: name, annotations: annotations, location: location, hit: hit, outputs: outputs, rules: rules,
                         overrides: overrides, priorityOutput: priorityOutput, priorityOrder: priorityOrder, dependencies: dependencies,
                         complete: complete)
    }
}

/// Everything the checker resolved; the compiler orders it and seals it into a ``CompiledPolicy``.
struct PolicyModel: Sendable {
    var name: String
    var version: String
    var effective: CivilDate?
    var title: Localized
    var annotations: Annotations
    var zone: Zone
    var currency: String
    var moneyScale: Int
    var fields: [FieldInfo] = []
    var enums: [EnumInfo] = []
    var members: [MemberInfo] = []
    var sets: [SetInfo] = []
    var outputs: [OutputInfo] = []
    var decisions: [CompiledDecision] = []
    var spans: [SpanInfo] = []
    var calendars: [WorkingCalendar] = []
    /// Evaluated after every decision, in written order.
    var clocks: [CompiledClock] = []
    var parameters: [ParameterInfo] = []
    var measures: [CompiledMeasure] = []
}

struct ParameterInfo: Sendable {
    var name: String
    var type: ValueType
    var value: Value
    var annotations: Annotations
    var location: SourceLocation
}

/// An aggregate over many decided cases, optionally grouped and held to a target.
struct CompiledMeasure: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        /// The share of cases (among those `where` selects) for which `of` holds, as a percentage.
        case share
        /// The mean of `of` (money or integer) over the cases `where` selects.
        case mean
        /// Cases for which `of` holds, per million cases `where` selects.
        case perMillion = "per_million"
        /// How many cases (among those `where` selects) `of` holds for.
        case count
    }
    var name: String
    var kind: Kind
    var of: Expr
    var ofType: ValueType
    var `where`: Condition
    /// Comparison and bound, exact: `>= 80%` is (.ge, 80, 100).
    var target: (op: CompareOp, numerator: Int64, denominator: Int64, text: String)?
    var by: Int?
    var annotations: Annotations
    var location: SourceLocation
}

extension PolicyModel {
    /// A type as policy authors write it: `money`, `problem_kind`, `list<role>`.
    func typeName(_ t: ValueType) -> String {
        switch t {
        case .bool: return "bool"
        case .integer: return "integer"
        case .money: return "money"
        case .string: return "string"
        case .timestamp: return "timestamp"
        case .date: return "date"
        case .duration: return "duration"
        case .enumeration(let e): return enums[e].name
        case .list(let inner): return "list<\(typeName(inner))>"
        }
    }
}

extension CompiledPolicy {
    func typeName(_ t: ValueType) -> String { model.typeName(t) }
}

/// How long an SLA clock runs, as the policy wrote it and as computed.
struct ClockTarget: Sendable {
    enum Kind: Sendable {
        case clock(Duration)
        case workingTime(WorkingCalendar, Duration)
        case workingDays(WorkingCalendar, Int)
    }
    var kind: Kind
    /// For explanations: `3 working hours in cn-office`.
    var text: Localized

    var calendar: WorkingCalendar? {
        switch kind {
        case .clock: return nil
        case .workingTime(let c, _), .workingDays(let c, _): return c
        }
    }

    func deadline(from start: Timestamp, steps: inout [WorkingCalendar.Step]?) throws(WorkingCalendar.YearNotCovered) -> Timestamp {
        switch kind {
        case .clock(let d): return start + d
        case let .workingTime(c, d): return try c.addWorkingTime(d, to: start, steps: &steps)
        case let .workingDays(c, n): return try c.addWorkingDays(n, to: start, steps: &steps)
        }
    }
}

/// A service-level clock: from a start event, a deadline (and an at-risk point) in clock or working time.
final class CompiledClock: Sendable {
    let name: String
    let annotations: Annotations
    let location: SourceLocation
    let condition: Condition
    let start: Expr
    let startText: String
    let target: ClockTarget
    let atRisk: ClockTarget?
    /// A timestamp field that, when given, replaces the computed deadline (a time agreed with the customer).
    let agreed: Int?
    /// A timestamp field that stops the clock (the event the SLA waits for).
    let stop: Int?
    let dueOutput: Int?
    let atRiskOutput: Int?

    init(name: String, annotations: Annotations, location: SourceLocation, condition: Condition, start: Expr, startText: String,
         target: ClockTarget, atRisk: ClockTarget?, agreed: Int?, stop: Int?, dueOutput: Int?, atRiskOutput: Int?) {
        self.name = name
        self.annotations = annotations
        self.location = location
        self.condition = condition
        self.start = start
        self.startText = startText
        self.target = target
        self.atRisk = atRisk
        self.agreed = agreed
        self.stop = stop
        self.dueOutput = dueOutput
        self.atRiskOutput = atRiskOutput
    }
}

/// Why a piece of text is not a value of a type.
struct LiteralProblem: Error, Sendable {
    var code: String
    var message: String
    var help: String?
}

extension PolicyModel {
    /// Reads text as a constant of `type`: a member name, `true`, `300.01`, `2026-03-02T09:00:00+08:00`, `2d`.
    func parseLiteral(_ text: String, as type: ValueType) -> Result<Value, LiteralProblem> {
        func bad(_ message: String, help: String? = nil) -> Result<Value, LiteralProblem> {
            .failure(LiteralProblem(code: "invalid-literal", message: message, help: help))
        }
        switch type {
        case .enumeration(let e):
            if let id = enums[e].byName[text] { return .success(.member(id)) }
            return .failure(LiteralProblem(code: "unknown-member", message: "`\(text)` is not a member of `\(enums[e].name)`",
                                           help: Suggestions.help(for: text, in: enums[e].members.map { members[Int($0)].name }, what: "members")))
        case .string: return .success(.string(text))
        case .bool:
            if text == "true" { return .success(.bool(true)) }
            if text == "false" { return .success(.bool(false)) }
            return bad("expected `true` or `false`, found `\(text)`")
        case .integer:
            if let i = Int64(text) { return .success(.int(i)) }
            return bad("`\(text)` is not an integer")
        case .money:
            do { return .success(.money(try Money(parsing: text, scale: moneyScale).minorUnits)) } catch {
                return bad("\(error) for money in \(currency)")
            }
        case .timestamp:
            do { return .success(.time(try Timestamp(rfc3339: text).millisecondsSinceEpoch)) } catch { return bad(error.description) }
        case .date:
            do { return .success(.date(Int32(try CivilDate(iso: text).daysSinceEpoch))) } catch { return bad(error.description) }
        case .duration:
            do { return .success(.duration(try Duration(text: text).milliseconds)) } catch { return bad(error.description) }
        case .list:
            return bad("a list value must be written as a YAML list")
        }
    }
}
