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
    /// The value as written (`[handler, finance_supervisor]`, `resolved_at + 5d`).
    var text: String = ""
}

/// A rule as checked: its condition and assignments with their written spans, and where it comes from.
/// A class, so the many places that name a rule (explanations, diffs, coverage) share one.
final class CheckedRule: Sendable {
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
    /// `"id":"…"`, the rule's first member in explanation JSON, serialised once.
    let idJSON: [UInt8]

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
        var w = JSONWriter()
        w.object { w in w.field("id", id) }
        idJSON = Array(w.bytes.dropFirst().dropLast())
    }
}

struct CheckedException: Sendable {
    var id: String?
    var annotations: Annotations
    var location: SourceLocation
    var condition: Condition
    /// Built once, shared by every explanation that mentions the exception.
    let source: SourceNote

    init(id: String?, annotations: Annotations, location: SourceLocation, condition: Condition) {
        self.id = id
        self.annotations = annotations
        self.location = location
        self.condition = condition
        source = SourceNote(annotations, location)
    }
}

struct CheckedOverride: Sendable {
    var id: String
    var annotations: Annotations
    var location: SourceLocation
    var output: Int
    var condition: Condition
    var exceptions: [CheckedException]
    /// In the order they apply (see ``ChainOperation``): replacements, removals, insertions.
    var operations: [ChainOperation]
    /// Built once, shared by every explanation that mentions the override.
    let source: SourceNote

    init(id: String, annotations: Annotations, location: SourceLocation, output: Int, condition: Condition,
         exceptions: [CheckedException], operations: [ChainOperation]) {
        self.id = id
        self.annotations = annotations
        self.location = location
        self.output = output
        self.condition = condition
        self.exceptions = exceptions
        self.operations = operations
        source = SourceNote(annotations, location)
    }
}

final class CheckedDecision: Sendable {
    let name: String
    let annotations: Annotations
    let location: SourceLocation
    let hit: HitPolicy
    let outputs: [Int]
    let rules: [CheckedRule]
    let overrides: [CheckedOverride]
    /// For `priority`: the output whose value ranks matches, and its values best first.
    let priorityOutput: Int?
    let priorityOrder: [Value]
    /// Decisions (by index) whose outputs this one reads.
    let dependencies: Set<Int>
    /// Where some rule must always decide (`complete:`), checked for gaps; nil when not required.
    let complete: Condition?
    let source: SourceNote

    init(name: String, annotations: Annotations, location: SourceLocation, hit: HitPolicy, outputs: [Int], rules: [CheckedRule],
         overrides: [CheckedOverride], priorityOutput: Int?, priorityOrder: [Value], dependencies: Set<Int>, complete: Condition?) {
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
    func renumbered(_ dependencies: Set<Int>) -> CheckedDecision {
        CheckedDecision(name: name, annotations: annotations, location: location, hit: hit, outputs: outputs, rules: rules,
                         overrides: overrides, priorityOutput: priorityOutput, priorityOrder: priorityOrder, dependencies: dependencies,
                         complete: complete)
    }
}
