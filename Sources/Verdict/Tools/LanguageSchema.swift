/// JSON Schemas (draft 2020-12) of the policy-file and test-file formats, for editors.
///
/// The YAML language server, which most editors' YAML support is built on, reads a file's schema from
/// a first line such as `# yaml-language-server: $schema=../../schema/verdict-policy.schema.json` and
/// then completes keys, shows their descriptions and underlines a misspelled key or a value of the
/// wrong shape. The schemas describe the language's shape (sections, keys, the forms of rules,
/// overrides, calendars, clocks, parameters, measures and tests); whether a name in an expression is
/// declared is still the checker's to say.
///
/// ```swift
/// let text = LanguageSchema.json(for: .policy)   // what `verdict schema language` prints
/// ```
public enum LanguageSchema {
    /// Which kind of file a schema describes.
    public enum File: String, Sendable, CaseIterable {
        /// A policy file: any `*.yaml` of a policy set that is not a test file.
        case policy
        /// A test file: `*.test.yaml` beside a policy set.
        case test

        /// The schema's file name in the repository's `schema/` folder.
        public var fileName: String {
            switch self {
            case .policy: return "verdict-policy.schema.json"
            case .test: return "verdict-test.schema.json"
            }
        }
    }

    /// The schema as pretty-printed JSON, ending in a newline; the same text every time.
    public static func json(for file: File) -> String {
        var out = ""
        write(file == .policy ? policySchema : testSchema, indent: 0, to: &out)
        return out + "\n"
    }

    /// The first line that points an editor at a schema, given the schema's path relative to the file.
    public static func modeline(schemaPath: String) -> String {
        "# yaml-language-server: $schema=\(schemaPath)"
    }

    // MARK: Building

    indirect enum Node {
        case object([(String, Node)])
        case array([Node])
        case string(String)
        case integer(Int)
        case bool(Bool)
    }

    static let draft = "https://json-schema.org/draft/2020-12/schema"

    private static func ref(_ name: String, _ description: String? = nil) -> Node {
        var members: [(String, Node)] = [("$ref", .string("#/$defs/\(name)"))]
        if let description { members.append(("description", .string(description))) }
        return .object(members)
    }

    private static func string(_ description: String, pattern: String? = nil, values: [String]? = nil) -> Node {
        var members: [(String, Node)] = [("type", .string("string")), ("description", .string(description))]
        if let pattern { members.append(("pattern", .string(pattern))) }
        if let values { members.append(("enum", .array(values.map { .string($0) }))) }
        return .object(members)
    }

    private static func bool(_ description: String) -> Node {
        .object([("type", .string("boolean")), ("description", .string(description))])
    }

    private static func list(_ items: Node, _ description: String) -> Node {
        .object([("type", .string("array")), ("description", .string(description)), ("items", items)])
    }

    /// A mapping from names to values of one shape (`fields:`, `decisions:`); YAML allows it to be empty.
    private static func map(_ values: Node, _ description: String, nullable: Bool = false) -> Node {
        .object([("type", nullable ? .array([.string("object"), .string("null")]) : .string("object")),
                 ("description", .string(description)), ("additionalProperties", values)])
    }

    private static func oneOf(_ description: String, _ options: [Node]) -> Node {
        .object([("description", .string(description)), ("anyOf", .array(options))])
    }

    /// A mapping with exactly these keys (plus the text keys when `annotated`).
    private static func record(_ description: String, _ properties: [(String, Node)], required: [String] = [],
                               annotated: Bool = true, extra: [(String, Node)] = []) -> Node {
        var props = properties
        if annotated {
            props += [("label", ref("localized", "A short name for people, shown in explanations: text, or `{en: …, zh: …}`.")),
                      ("note", ref("localized", "A remark for the policy's maintainers and auditors: text, or `{en: …, zh: …}`.")),
                      ("quote", string("The sentence of the source document that this implements, verbatim.")),
                      ("reading", ref("localized", "How the policy interprets a source that is silent or ambiguous; shown in every explanation it touches."))]
        }
        var members: [(String, Node)] = [("type", .string("object")), ("description", .string(description)),
                                         ("properties", .object(props)), ("additionalProperties", .bool(false))]
        if !required.isEmpty { members.append(("required", .array(required.map { .string($0) }))) }
        return .object(members + extra)
    }

    private static func requireOne(_ keys: [[String]]) -> (String, Node) {
        ("anyOf", .array(keys.map { .object([("required", .array($0.map { .string($0) }))]) }))
    }

    // MARK: Shared definitions

    static let scalarTypes: Node = .array([.string("string"), .string("number"), .string("boolean")])
    static let datePattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    static var sharedDefinitions: [(String, Node)] {
        [
            ("localized", oneOf("Text for people: one string for both languages, or `{en: …, zh: …}` (either may be left out; the other stands in).", [
                .object([("type", .string("string"))]),
                .object([("type", .string("object")),
                         ("properties", .object([("en", string("The English text.")), ("zh", string("The Chinese text."))])),
                         ("additionalProperties", .bool(false))]),
            ])),
            ("expression", .object([("type", scalarTypes), ("description", .string(
                "An expression: names of fields, outputs and parameters; literals (`300`, `\"Henan\"`, `fly`, `2d`); `==` `!=` `<` `<=` `>` `>=`; `and` `or` `not`; `in` / `not in` a set, a list `[a, b]` or a range `(300..1000]`; `+` `-` on times, durations, integers and money; `present(x)`, `absent(x)`, `working_hours_after(t, n, \"calendar\")`, `working_days_after(t, n, \"calendar\")`; `year(t)`, `month(t)` (`jan`…`dec`), `day(t)`, `weekday(t)` (`mon`…`sun`), `hour(t)`, `minute(t)`, `date(t)` in the policy's zone (or a calendar's: `hour(t, \"cn-office\")`); `days_between(a, b)`; `is_working_time(t, \"calendar\")`, `is_working_day(d, \"calendar\")`."))])),
            ("condition", oneOf("A condition that must be true, or a list of conditions that must all be true. A comparison with an absent value is unknown, and a rule matches only when its condition is true.", [
                ref("expression"), .object([("type", .string("array")), ("items", ref("expression"))]),
            ])),
            ("type", string("A type: `string`, `bool`, `integer`, `money`, `timestamp`, `date`, `duration`, an enum's name, `role`, or `list<T>`.",
                            pattern: "^\\s*(list<\\s*)*[^<>\\s]+(\\s*>)*\\s*$")),
            ("members", oneOf("The members: a list of names, or a mapping from each member to its label.", [
                .object([("type", .string("array")), ("items", .object([("type", .string("string"))]))]),
                .object([("type", .string("object")), ("additionalProperties", ref("localized"))]),
            ])),
            ("date", string("A calendar date, `YYYY-MM-DD`.", pattern: datePattern)),
            ("periods", list(string("A working period, `HH:MM-HH:MM`; quote it in YAML.", pattern: "^\\s*[0-9]{1,2}:[0-9]{2}\\s*-\\s*[0-9]{1,2}:[0-9]{2}\\s*$"),
                             "Working periods of a day, in order and without overlaps; a lunch break is the gap between two.")),
            ("day", record("A holiday or adjusted working day: `{date: D}`, or the days `{from: D, to: D}` inclusive, with an optional label.", [
                ("date", ref("date", "The day.")),
                ("from", ref("date", "The first day of the range.")),
                ("to", ref("date", "The last day of the range, inclusive.")),
                ("label", ref("localized", "What the day is, shown in explanations: `{en: Spring Festival, zh: 春节}`.")),
            ], annotated: false, extra: [requireOne([["date"], ["from", "to"]])])),
            ("target", oneOf("How long a clock runs: a duration of clock time (`1h`, `2d`, `0s`) or the name of a `duration` parameter or output, or working time `{working_hours: N, calendar: NAME}` / `{working_days: N, calendar: NAME}`, where N may also name a parameter or output (a per-case target).", [
                string("A duration of clock time (`90m`, `1h`, `2d`, `1d12h`), or the name of a `duration` parameter or decision output (the target then depends on the case)."),
                record("Working time in a calendar: exactly one of `working_hours` and `working_days`.", [
                    ("working_hours", .object([("type", .array([.string("integer"), .string("string")])), ("description", .string("Hours of working time (an integer), a duration such as `90m`, or the name of a `duration` or `integer` parameter or decision output."))])),
                    ("working_days", .object([("oneOf", .array([.object([("type", .string("integer")), ("minimum", .integer(1))]), .object([("type", .string("string"))])])), ("description", .string("Working days: the deadline is the end of the last working period of the N-th working day after the start's own date. A whole number, or the name of an `integer` parameter or decision output."))])),
                    ("calendar", string("The calendar the working time runs in.")),
                ], required: ["calendar"], annotated: false, extra: [("oneOf", .array([
                    .object([("required", .array([.string("working_hours")]))]),
                    .object([("required", .array([.string("working_days")]))]),
                ]))]),
            ])),
        ]
    }

    // MARK: Policy files

    static var policyDefinitions: [(String, Node)] {
        [
            ("manifest", record("The manifest: exactly one file of the set has it.", [
                ("name", string("The policy's name, carried by every decision and addressing the set in the service (/v1/policies/NAME/decide): 1 to 64 letters or decimal digits of any script, combining marks, `-`, `_` or `.`, starting with a letter or digit.")),
                ("version", .object([("type", .array([.string("string"), .string("number")])), ("description", .string("The policy's version, as text (quote it: `\"1.0.0\"`); carried by every decision."))])),
                ("effective", ref("date", "The date the policy takes effect, `YYYY-MM-DD`; carried by every decision.")),
                ("effective_by", string("The case field (a required `timestamp` or `date`) whose date picks the version of a set with several versions; without it, the decision time does. Every version names the same field.")),
                ("title", ref("localized", "The policy's title, shown at the head of explanations.")),
                ("timezone", string("The IANA time zone in which timestamps are printed and dates are read (default `Asia/Shanghai`).")),
                ("currency", string("The ISO 4217 currency of money amounts; sets their decimals (default `CNY`, 2 decimals).", pattern: "^[A-Z]{3}$")),
                ("include", list(string("A path relative to the policy folder."), "Further YAML files loaded as part of the set, relative to the policy folder (a shared calendar: `../calendars/cn-office.yaml`); part of the digest.")),
            ], required: ["name", "version"])),
            ("field", oneOf("A case field: its type (`cost: money`), or a mapping with `type` or `values`.", [
                ref("type"),
                record("A case field. It is required unless `optional: true` or it has a `default`.", [
                    ("type", ref("type", "The field's type; with `values`, leave it out (or write `enum`).")),
                    ("values", ref("members", "An inline enum named after the field: a list of members, or a mapping from member to label.")),
                    ("optional", bool("`true`: a case may leave the field out; it is then absent.")),
                    ("default", .object([("type", scalarTypes), ("description", .string("The value of the field when a case leaves it out (so it is never absent)."))])),
                    ("personal", bool("`true`: personal data (a name, phone, address): never written into explanations.")),
                    ("loggable", bool("`true`: a personal field whose value may nevertheless be shown in explanations.")),
                    ("min", .object([("type", scalarTypes), ("description", .string("The least value a case may give (integers, money, durations, dates, timestamps), in the field's own notation: `0`, `\"0.00\"`, `1h`, `2020-01-01`."))])),
                    ("max", .object([("type", scalarTypes), ("description", .string("The greatest value a case may give, as for `min`."))])),
                    ("min_length", .object([("type", .string("integer")), ("minimum", .integer(0)), ("description", .string("The fewest characters (Unicode scalars) of a string, or items of a list."))])),
                    ("max_length", .object([("type", .string("integer")), ("minimum", .integer(0)), ("description", .string("The most characters of a string, or items of a list."))])),
                    ("pattern", string("A pattern the whole string must match, in a linear-time subset of regular expressions: characters, `.`, classes `[a-z]` `[^…]` `\\d` `\\w` `\\s`, groups, `|`, `*` `+` `?` `{n,m}`.")),
                    ("normalize", oneOf("For a `string` (or `list<string>`) field: how a case's value is normalised before any rule reads it; the steps apply in the order nfkc, casefold, trim.", [
                        string("One step.", values: StringNormalization.steps.map(\.name)),
                        list(string("A step.", values: StringNormalization.steps.map(\.name)), "Steps."),
                    ])),
                    ("known", oneOf("For a `string` field: the values the rules know. A case's value that is one of them by any name (the value, a label, an alias in `also`), once normalised, decides as that value; a rule literal must name one by the value itself.", [
                        list(string("A known value."), "The known values."),
                        .object([("type", .string("object")), ("description", .string("Each known value, with its labels and aliases: `henan: {en: Henan, zh: 河南, also: [河南省]}`.")),
                                 ("additionalProperties", .object([("anyOf", .array([
                                     .object([("type", .string("null"))]),
                                     .object([("type", .string("string"))]),
                                     record("A known value's labels and aliases.", [
                                         ("en", string("Its English label (a case may give it).")),
                                         ("zh", string("Its Chinese label (a case may give it).")),
                                         ("also", oneOf("Other ways people write it; each decides as the value.", [string("An alias."), list(string("An alias."), "Aliases.")])),
                                     ]),
                                 ]))]))]),
                    ])),
                    ("others", string("With `known`: whether a case may give a value that is none of them (`allowed`, the default) or is refused (`refused`, with the nearest known value suggested).", values: ["allowed", "refused"])),
                ], extra: [requireOne([["type"], ["values"]])]),
            ])),
            ("enum", oneOf("An enum: a list of members, or a mapping with `values`.", [
                .object([("type", .string("array")), ("items", .object([("type", .string("string"))]))]),
                record("An enum with its members and text.", [("values", ref("members"))], required: ["values"]),
            ])),
            ("set", record("A named group of values, used after `in`: `problem in malignant_matter`.", [
                ("of", string("The members' type: a type name, an enum's name, or a field (whose type, or element type, the members take).")),
                ("members", list(.object([("type", scalarTypes)]), "The values, literals of that type.")),
            ], required: ["of", "members"])),
            ("output", oneOf("An output: its type (`tier: integer`), or `{type: …, label: …}`.", [
                ref("type"),
                record("An output with its text.", [("type", ref("type"))], required: ["type"]),
            ])),
            ("rule", record("A rule: when its condition holds, it sets the outputs in `then`.", [
                ("id", string("The rule's name in explanations, tests, coverage and diffs; unique in its table (default `decision#N`).")),
                ("when", ref("condition", "When the rule applies: a condition, or a list that must all hold. Without `when` the rule always applies.")),
                ("then", map(oneOf("The output's value: an expression; a list output takes a YAML list, a list expression, or one element.", [
                    ref("expression"), .object([("type", .string("array")), ("items", ref("expression"))]),
                ]), "The outputs this rule sets: `output: value`.")),
            ], required: ["then"])),
            ("exception", oneOf("An exception inside an override's scope: a condition, or `{id, when, label, …}`.", [
                ref("expression"),
                record("An exception with its name and text.", [
                    ("id", string("The exception's name in explanations and coverage.")),
                    ("when", ref("condition", "Where the override does not apply.")),
                ], required: ["when"]),
            ])),
            ("insertion", record("One member an override inserts, next to another: `{role: legal_officer, after: store_manager}`.", [
                ("role", string("The member it inserts (a role, or a member of the list's enum); already in the chain, it is not added again.")),
                ("after", string("The member it goes right after (its first occurrence).")),
                ("before", string("The member it goes right before (its first occurrence).")),
            ], required: ["role"], annotated: false, extra: [("oneOf", .array([
                .object([("required", .array([.string("after")]))]), .object([("required", .array([.string("before")]))]),
            ]))])),
            ("override", record("An override: changes a list output (a signer chain) for a scope, with exceptions inside it. Its operations apply in this order: every `replace` at once, then every `remove`, then each `insert` as written.", [
                ("id", string("The override's name in explanations, coverage and diffs.")),
                ("output", string("The list output of this decision it changes (`list<role>` or another `list<enum>`).")),
                ("when", ref("condition", "The override's scope (default: always).")),
                ("except", oneOf("Exceptions within the scope: one, or a list.", [
                    ref("exception"), .object([("type", .string("array")), ("items", ref("exception"))]),
                ])),
                ("replace", map(string("The member that takes its place."), "The replacements, `from: to`: `{finance_supervisor: bu_finance_head}`.")),
                ("remove", oneOf("Members it removes from the chain: one, or a list.", [
                    string("A member it removes."), list(string("A member it removes."), "Members it removes."),
                ])),
                ("insert", oneOf("Members it inserts: one insertion, or a list applied in order.", [
                    ref("insertion"), list(ref("insertion"), "Insertions, applied in order."),
                ])),
            ], required: ["id", "output"], extra: [requireOne([["replace"], ["remove"], ["insert"]])])),
            ("decision", record("A decision table: rules that set typed outputs under a hit policy.", [
                ("hit", string("The hit policy: `first` (the first matching rule, the default), `unique` (at most one rule may match), `priority` (the matching rule whose value comes first in `priority.order`), `collect` (every matching rule; list outputs gather their values).",
                               values: HitPolicy.allCases.map(\.rawValue))),
                ("priority", record("With `hit: priority`: the output whose value ranks the matching rules, and the order, best first.", [
                    ("output", string("The output whose value ranks the rules.")),
                    ("order", list(ref("expression"), "The output's values, best first: `[3, 2, 1]`.")),
                ], required: ["output", "order"], annotated: false)),
                ("complete", .object([("type", .array([.string("boolean"), .string("string")])), ("description", .string(
                    "`true`: some rule must decide every case; a condition: some rule must decide every case where it holds. The checker proves it, or names a case that falls through."))])),
                ("outputs", map(ref("output"), "The outputs this decision sets, with their types; names are unique across the set.")),
                ("rules", list(ref("rule"), "The rules, in order.")),
                ("overrides", list(ref("override"), "Overrides of list outputs, applied after the rules in the order written; every explanation says whether each applied and what each operation did.")),
            ], required: ["outputs", "rules"])),
            ("parameter", record("A named, typed constant set once; used in expressions, or as a clock target. A parameter without a value does not load.", [
                ("type", ref("type", "The parameter's type.")),
                ("value", .object([("type", scalarTypes), ("description", .string("Its value, a literal of its type (`2h`, `100`). Required: a template's blank must be decided."))])),
            ], required: ["type", "value"])),
            ("calendar", record("A working-time calendar: weekdays, working periods, holidays and adjusted working days.", [
                ("timezone", string("The IANA time zone of the periods (default: the manifest's).")),
                ("weekdays", list(string("A weekday.", values: weekdays), "The working weekdays; needed when `hours` is one list.")),
                ("hours", oneOf("The working periods: one list for every working weekday, or a mapping from weekday to its own list (its weekdays are then the working days).", [
                    ref("periods"),
                    .object([("type", .string("object")), ("propertyNames", .object([("enum", .array(weekdays.map { .string($0) }))])),
                             ("additionalProperties", ref("periods"))]),
                ])),
                ("adjusted_hours", ref("periods", "The periods of an adjusted working day (default: Monday's, or the single `hours` list).")),
                ("years", oneOf("The years the calendar knows (a list: reaching another year is an error, never a guess), or `every`: its weekly pattern holds in every year, its listed days the only exceptions.", [
                    list(.object([("type", .string("integer")), ("minimum", .integer(1901)), ("maximum", .integer(2999))]), "The years the calendar knows: a calendar of public holidays lists each year whose holidays it gives."),
                    string("Every year: the weekly pattern holds in any year (a store open every day, closed on a few listed dates).", values: ["every"]),
                ])),
                ("holidays", list(ref("day"), "Public holidays: days off.")),
                ("working_days", list(ref("day"), "Adjusted working days (调休): weekend days that are working days.")),
            ], required: ["hours", "years"])),
            ("clock", record("An SLA clock: from a start, a target in clock or working time, stopped by an event; judged at a given now.", [
                ("when", ref("condition", "The clock applies only when this holds (it may read decision outputs).")),
                ("start", ref("expression", "When the clock starts: a timestamp expression. A clock whose start is absent does not apply.")),
                ("target", ref("target", "The deadline after the start.")),
                ("at_risk", ref("target", "After this, the running clock is at risk.")),
                ("agreed", string("A timestamp field: when the case gives it, that time is the deadline instead.")),
                ("stop", string("A timestamp field: the event the clock waits for.")),
                ("outputs", record("Outputs that carry the clock's instants.", [
                    ("due", string("The output that carries the deadline.")),
                    ("at_risk", string("The output that carries the at-risk instant (needs `at_risk`).")),
                ], annotated: false)),
            ], required: ["start", "target"])),
            ("measure", record("An aggregate measure over many decided cases (`verdict measure`), optionally grouped, against a target.", [
                ("kind", string("`share` (a percentage), `per_million`, `count`, or `mean` (of a money or integer value).",
                                values: ["share", "per_million", "count", "mean"])),
                ("of", ref("expression", "The condition counted (`share`, `per_million`, `count`), or the value averaged (`mean`).")),
                ("where", ref("condition", "Which cases count (default: all).")),
                ("target", string("The target: an operator and a number, with `%` for a percentage: `\"> 80%\"`, `\"< 10\"`, `\">= 0.95\"`. Quote it.",
                                  pattern: "^\\s*(<=|>=|==|!=|<|>)\\s*-?[0-9]+(\\.[0-9]+)?%?\\s*$")),
                ("by", string("A field to group the cases by.")),
            ], required: ["kind", "of"])),
        ]
    }

    static var policySections: [(String, Node)] {
        [
            ("policy", ref("manifest", "The manifest: name, version, effective date, title, time zone, currency, included files.")),
            ("fields", map(ref("field"), "The case fields the policy reads, with their types.", nullable: true)),
            ("enums", map(ref("enum"), "Named sets of symbolic values; each name is a type.", nullable: true)),
            ("roles", .object([("description", .string("The enum `role`: the people and bodies that sign, approve, lead or are told. A list, or a mapping from role to label.")),
                               ("anyOf", .array([ref("members"), .object([("type", .string("null"))])]))])),
            ("sets", map(ref("set"), "Named groups of values, used after `in`.", nullable: true)),
            ("decisions", map(ref("decision"), "Decision tables.", nullable: true)),
            ("parameters", map(ref("parameter"), "Named constants set once.", nullable: true)),
            ("calendars", map(ref("calendar"), "Working-time calendars.", nullable: true)),
            ("clocks", map(ref("clock"), "SLA clocks: deadlines and their statuses.", nullable: true)),
            ("measures", map(ref("measure"), "Aggregate measures over many cases.", nullable: true)),
        ]
    }

    static var policySchema: Node {
        .object([
            ("$schema", .string(draft)),
            ("title", .string("Verdict policy file")),
            ("description", .string("A file of a Verdict policy set (any *.yaml that is not *.test.yaml). Each top-level key is a section; a section may be split over several files. See docs/language.md.")),
            ("type", .string("object")),
            ("properties", .object(policySections)),
            ("additionalProperties", .bool(false)),
            ("$defs", .object(sharedDefinitions + policyDefinitions)),
        ])
    }

    // MARK: Test files

    static var testSchema: Node {
        let value: Node = .object([("description", .string("A field's value, written as in the policy's YAML: members bare, money as a number, timestamps with their offset.")),
                                   ("type", .array([.string("string"), .string("number"), .string("boolean"), .string("array"), .string("null")]))])
        let statuses = ["not_started", "pending", "at_risk", "breached", "met", "met_late", "absent"]
        let test = record("A test: a case, and what must come of it.", [
            ("name", string("What the test shows; also the case `id` unless `case` gives one.")),
            ("case", map(value, "Field values over the defaults.", nullable: true)),
            ("now", string("The instant clocks are judged at (RFC 3339 with an offset).",
                           pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")),
            ("expect", map(value, "Outputs and their expected values; only those named are compared. `absent`: the output must not apply.", nullable: true)),
            ("expect_clocks", map(string("The clock's status at `now`, or `absent` when it does not apply.", values: statuses), "Clock statuses at `now`.", nullable: true)),
            ("expect_error", record("The case must be refused: with a problem on this field, with this code (either may be left out).", [
                ("field", string("The field the problem is on.")),
                ("code", string("The problem's code: `invalid-value`, `missing-field`, `unknown-field`, `wrong-type`, `rule-conflict`, `calendar-year`, …")),
            ], annotated: false)),
        ], required: ["name"], annotated: false, extra: [requireOne([["expect"], ["expect_clocks"], ["expect_error"]])])
        return .object([
            ("$schema", .string(draft)),
            ("title", .string("Verdict test file")),
            ("description", .string("Tests beside a Verdict policy set (*.test.yaml), run by `verdict test`. See docs/language.md#test-files.")),
            ("type", .string("object")),
            ("properties", .object([
                ("defaults", map(value, "Field values every case of the file starts from.", nullable: true)),
                ("tests", list(test, "The tests.")),
            ])),
            ("required", .array([.string("tests")])),
            ("additionalProperties", .bool(false)),
        ])
    }

    // MARK: Writing

    private static func write(_ node: Node, indent: Int, to out: inout String) {
        let pad = String(repeating: "  ", count: indent + 1), close = String(repeating: "  ", count: indent)
        switch node {
        case .string(let s): quote(s, to: &out)
        case .integer(let i): out += String(i)
        case .bool(let b): out += b ? "true" : "false"
        case .array(let items):
            if items.allSatisfy({ if case .string = $0 { return true }; if case .integer = $0 { return true }; return false }) {
                out += "["
                for (i, item) in items.enumerated() {
                    if i > 0 { out += ", " }
                    write(item, indent: indent, to: &out)
                }
                out += "]"
                return
            }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                write(item, indent: indent + 1, to: &out)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += close + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            for (i, (key, value)) in members.enumerated() {
                out += pad
                quote(key, to: &out)
                out += ": "
                write(value, indent: indent + 1, to: &out)
                out += i + 1 < members.count ? ",\n" : "\n"
            }
            out += close + "}"
        }
    }

    private static func quote(_ s: String, to out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}
