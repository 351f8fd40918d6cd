/// The policy set as written: located, unresolved, one value per YAML construct.
///
/// Locations are kept on every node for diagnostics and explanations.
struct PolicySyntax: Sendable {
    var manifest: ManifestSyntax?
    var enums: [EnumSyntax] = []
    var fields: [FieldSyntax] = []
    var sets: [SetSyntax] = []
    var decisions: [DecisionSyntax] = []
    var calendars: [CalendarSyntax] = []
    var clocks: [ClockSyntax] = []
    var parameters: [ParameterSyntax] = []
    var measures: [MeasureSyntax] = []
    /// A `policy:` section was written, whether or not it could be read (so its absence is not reported).
    var manifestWritten = false
}

/// A named constant a policy's authors set once (a template's `[具体时间]` becomes one).
struct ParameterSyntax: Sendable {
    var name: Name
    var type: TypeSyntax
    /// Nil when the parameter is declared but not set: an error.
    var value: YAMLNode?
    var annotations: Annotations
}

/// An aggregate measure over many cases, with an optional target.
struct MeasureSyntax: Sendable {
    var name: Name
    var kind: Name
    var of: ExprSource
    var `where`: [ExprSource]
    var target: YAMLNode?
    var by: Name?
    var annotations: Annotations
}

/// A name as written, with where.
struct Name: Sendable, Hashable {
    var text: String
    var location: SourceLocation
}

/// What every rule, override and decision may carry for people and auditors.
struct Annotations: Sendable {
    var label = Localized()
    var note = Localized()
    /// The sentence of the source document that this implements, verbatim.
    var quote: String?
    /// How the policy interprets an ambiguous source, shown in explanations.
    var reading = Localized()
}

struct ManifestSyntax: Sendable {
    var name: Name
    var version: String
    var effective: CivilDate?
    /// Where `effective:` is written, for the checks across versions.
    var effectiveLocation: SourceLocation?
    /// `effective_by:` the case field whose date picks the version of a versioned set.
    var effectiveBy: Name?
    var title: Localized
    var timezone: Name?
    var currency: Name?
    /// Extra YAML files, relative to the policy folder, loaded as part of the set (shared calendars).
    var include: [Name]
    var annotations: Annotations
    var location: SourceLocation
}

struct EnumSyntax: Sendable {
    struct Member: Sendable {
        var name: Name
        var label: Localized
    }
    var name: Name
    var members: [Member]
    var annotations: Annotations
}

struct TypeSyntax: Sendable {
    var text: String
    var location: SourceLocation
}

struct FieldSyntax: Sendable {
    var name: Name
    var type: TypeSyntax
    var optional: Bool
    var defaultValue: YAMLNode?
    /// Personal data (a customer's name, phone, address) is never recorded in explanations unless
    /// the field is also marked `loggable`.
    var personal: Bool
    var loggable: Bool
    var annotations: Annotations
    var constraints = ConstraintSyntax()
    /// `normalize: [trim, casefold, nfkc]`: one step name, or a list (checked by the checker).
    var normalize: YAMLNode? = nil
    /// `known:` — the values of a string field the rules know, each with its labels and aliases.
    var known: [KnownValueSyntax] = []
    /// Where `known:` is written, when it is.
    var knownLocation: SourceLocation?
    /// `others: allowed | refused` — whether a case may give a value that is not known.
    var others: YAMLNode? = nil
}

/// One known value of a string field: `henan: {en: Henan, zh: 河南, also: [河南省]}`.
struct KnownValueSyntax: Sendable {
    var name: Name
    var label: Localized
    /// Other ways people write it (each decides as the value).
    var also: [Name]
}

/// A field's bounds as written: `cost: {type: money, min: 0}`.
struct ConstraintSyntax: Sendable {
    var min: YAMLNode?
    var max: YAMLNode?
    var minLength: YAMLNode?
    var maxLength: YAMLNode?
    var pattern: YAMLNode?
}

struct SetSyntax: Sendable {
    var name: Name
    var of: Name
    var members: [YAMLNode]
    var annotations: Annotations
}

struct DecisionSyntax: Sendable {
    var name: Name
    var annotations: Annotations
    var hit: Name
    var priority: PrioritySyntax?
    /// `true`, or a condition: within it, some rule must always decide (checked for gaps).
    var complete: ExprSource?
    var outputs: [OutputSyntax]
    var rules: [RuleSyntax]
    var overrides: [OverrideSyntax]
}

struct PrioritySyntax: Sendable {
    var output: Name
    var order: [ExprSource]
    var location: SourceLocation
}

struct OutputSyntax: Sendable {
    var name: Name
    var type: TypeSyntax
    var annotations: Annotations
}

struct RuleSyntax: Sendable {
    var id: Name?
    var annotations: Annotations
    /// Conditions that must all hold; empty means the rule always applies.
    var when: [ExprSource]
    var then: [(output: Name, value: ValueSyntax)]
    var location: SourceLocation
}

enum ValueSyntax: Sendable {
    case expr(ExprSource)
    case list([ExprSource], SourceLocation)
}

struct OverrideSyntax: Sendable {
    var id: Name
    var annotations: Annotations
    var output: Name
    var when: [ExprSource]
    var except: [ExceptionSyntax]
    var replace: [(from: Name, to: Name)]
    var remove: [Name]
    var insert: [InsertSyntax]
    var location: SourceLocation
}

/// One `insert:` item of an override: `{role: legal_officer, after: store_manager}` (or `before:`).
struct InsertSyntax: Sendable {
    var member: Name
    var anchor: Name
    var after: Bool
    var location: SourceLocation
}

struct ExceptionSyntax: Sendable {
    var id: Name?
    var annotations: Annotations
    var when: [ExprSource]
    var location: SourceLocation
}

struct CalendarSyntax: Sendable {
    struct DaySyntax: Sendable {
        var from: YAMLNode
        var to: YAMLNode?
        var label: Localized
        var location: SourceLocation
    }
    var name: Name
    var annotations: Annotations
    var timezone: Name?
    var weekdays: [Name]?
    /// A list of periods for every working weekday, or a mapping from weekday to periods.
    var hours: YAMLNode?
    var adjustedHours: YAMLNode?
    var years: [YAMLNode]
    /// `years: every`: the weekly pattern holds in every year, its listed days the only exceptions.
    var everyYear: YAMLNode?
    var holidays: [DaySyntax]
    var workingDays: [DaySyntax]
}

/// How long an SLA clock runs: clock time (`1h`, `2d`) or working time in a named calendar.
enum TargetSyntax: Sendable {
    case clock(YAMLNode)
    case workingHours(YAMLNode, calendar: Name)
    case workingDays(YAMLNode, calendar: Name)
}

struct ClockSyntax: Sendable {
    var name: Name
    var annotations: Annotations
    var when: [ExprSource]
    var start: ExprSource
    var target: TargetSyntax
    var atRisk: TargetSyntax?
    var agreed: Name?
    var stop: Name?
    var dueOutput: Name?
    var atRiskOutput: Name?
    var location: SourceLocation
}
