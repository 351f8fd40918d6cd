/// What a new version of a policy changes over a set of cases, grouped by cause so that it reads at
/// any scale: by **rule transition** (in each decision table, the rules and overrides that decided
/// under the old version → under the new) and, for each output, by the **shape** of its change (a
/// time by its shift, "2 days earlier"; a list by the members added and removed; any other value
/// old → new). Each group counts its cases and keeps their ids, in the order they were added.
///
/// One grouping serves every surface that compares versions over cases: `verdict audit replay`
/// (recorded history), `verdict diff --cases` (a file of cases) and the console's draft check.
///
/// ```swift
/// var impact = ChangeImpact()
/// impact.add(caseID: "Q-1", old: ChangeImpact.Outcome(decisionJSON: before, routes: r1),
///            new: ChangeImpact.Outcome(decisionJSON: after, routes: r2))
/// print(impact.text(.en))
/// ```
public struct ChangeImpact: Sendable {
    /// One decision as compared: its outputs (and clock statuses, as `clock.status`), and how each
    /// decision table routed it when known.
    public struct Outcome: Sendable {
        /// Output name → value as compared: a string as itself, anything else as compact JSON.
        var outputs: [(name: String, value: JSONValue)]
        /// The case's id, when the JSON names it (`"case"`).
        public var caseID: String?
        /// Each decision table's route; nil when not known (a recorded decision whose version could
        /// not be decided again).
        public var routes: [DecisionRoute]?

        /// The outcome of a decision from its JSON (`{"outputs":{…},"clocks":{…}}`, as Verdict
        /// writes it, with or without the case and policy members), and its routes when known. A
        /// JSON that does not parse has no outputs.
        ///
        /// - Parameters:
        ///   - decisionJSON: The decision's JSON bytes, as Verdict writes them.
        ///   - routes: The rules and overrides that decided each table, when known; nil otherwise.
        public init(decisionJSON: [UInt8], routes: [DecisionRoute]? = nil) {
            self.routes = routes
            outputs = []
            guard let v = try? JSONReader.parse(decisionJSON), case .object(let top) = v else { return }
            for (key, value) in top {
                if key == "case", case .string(let id) = value {
                    caseID = id
                } else if key == "outputs", case .object(let members) = value {
                    for m in members { outputs.append((m.key, m.value)) }
                } else if key == "clocks", case .object(let clocks) = value {
                    for c in clocks {
                        guard case .object(let fields) = c.value, let status = fields.first(where: { $0.key == "status" }) else { continue }
                        outputs.append(("\(c.key).status", status.value))
                    }
                }
            }
        }

        /// Whether any output (or clock status) differs from `other`'s, compared as ``ChangeImpact/add(caseID:old:new:)``
        /// compares them: by JSON value, an output present on one side only being a difference.
        public func differs(from other: Outcome) -> Bool {
            guard outputs.count == other.outputs.count else { return true }
            for (name, value) in outputs where other.outputs.first(where: { $0.name == name })?.value != value { return true }
            return false
        }

        /// Output name → value as compact text, in the decision's order (`"approver": "head_office"`, `"tier": "3"`).
        public var values: [(name: String, value: String)] { outputs.map { ($0.name, ChangeImpact.text($0.value)) } }
    }

    /// How one decision table's route changed for a group of cases.
    public struct Transition: Sendable, Hashable {
        /// One side of a transition.
        public enum Path: Sendable, Hashable {
            /// Decided through these rules, with these overrides applied.
            case decided(DecisionRoute)
            /// The version refused the case (``Transition/decision`` is then empty: the whole case).
            case refused
            /// Decided, but the route is not known (the recorded version could not be decided again).
            case unknown
        }
        /// The decision table; empty when a version refused the case.
        public var decision: String
        /// Under the old version.
        public var from: Path
        /// Under the new version.
        public var to: Path
        /// True when the same rules and overrides decided under both versions: what they give changed.
        public var sameRoute: Bool { from == to }
    }

    /// The shape of one output's change.
    public enum Shape: Sendable, Hashable {
        /// A time moved by so many milliseconds (negative: earlier).
        case shift(milliseconds: Int64)
        /// A list gained and lost these members (each in the order of the list that has it).
        case members(added: [String], removed: [String])
        /// Any other change, as compact text: `head_office` → `division_manager`, `(absent)` → `3`.
        case value(from: String, to: String)
    }

    /// One output's change.
    public struct OutputChange: Sendable, Hashable {
        /// The output's name (a clock's status as `clock.status`).
        public var output: String
        /// How it changed.
        public var shape: Shape
    }

    /// Cases that share a key, with their ids in the order they were added.
    public struct Group<Key: Sendable & Hashable>: Sendable {
        /// What they share.
        public var key: Key
        /// Their ids.
        public var cases: [String]
        /// How many.
        public var count: Int { cases.count }
    }

    /// How many cases were compared.
    public private(set) var cases = 0
    /// How many were decided differently (or refused by one version only).
    public private(set) var changed = 0
    /// How many both versions refused.
    public private(set) var refusedByBoth = 0

    private var transitionIndex: [Transition: Int] = [:]
    private var transitionGroups: [Group<Transition>] = []
    private var changeIndex: [OutputChange: Int] = [:]
    private var changeGroups: [Group<OutputChange>] = []
    /// Outputs in the order first seen changing (the decisions' order).
    private var outputOrder: [String: Int] = [:]

    /// Nothing compared yet.
    public init() {}

    /// Compares one case's outcome under the old version with the new (nil: that version refused
    /// it). Returns whether it changed.
    @discardableResult
    public mutating func add(caseID: String, old: Outcome?, new: Outcome?) -> Bool {
        cases += 1
        guard let old, let new else {
            if old == nil, new == nil {
                refusedByBoth += 1
                return false
            }
            changed += 1
            // The whole case: refused on one side, decided (whatever the route) on the other.
            group(Transition(decision: "", from: old == nil ? .refused : .unknown, to: new == nil ? .refused : .unknown), caseID)
            return true
        }
        var changedNames: Set<String> = []
        var names = old.outputs.map(\.name)
        for n in new.outputs.map(\.name) where !names.contains(n) { names.append(n) }
        for name in names {
            let a = old.outputs.first { $0.name == name }?.value, b = new.outputs.first { $0.name == name }?.value
            guard a != b else { continue }
            changedNames.insert(name)
            if outputOrder[name] == nil { outputOrder[name] = outputOrder.count }
            group(OutputChange(output: name, shape: Self.shape(a, b)), caseID)
        }
        guard !changedNames.isEmpty else { return false }
        changed += 1
        if let ro = old.routes, let rn = new.routes {
            var routed = false
            for r in rn {
                let before = ro.first { $0.decision == r.decision }
                guard before?.rules != r.rules || before?.overrides != r.overrides else { continue }
                routed = true
                group(Transition(decision: r.decision, from: before.map { .decided($0) } ?? .unknown, to: .decided(r)), caseID)
            }
            if !routed {
                // Every table took the same route: what a rule or override gives changed (a parameter,
                // a value in the rule). Named by the tables that decide the outputs that changed.
                for r in rn where !changedNames.isDisjoint(with: r.outputs) {
                    group(Transition(decision: r.decision, from: .decided(r), to: .decided(r)), caseID)
                }
            }
        } else if let rn = new.routes {
            for r in rn where !changedNames.isDisjoint(with: r.outputs) {
                group(Transition(decision: r.decision, from: .unknown, to: .decided(r)), caseID)
            }
        }
        return true
    }

    /// The rule transitions, most cases first (then by decision table and text).
    public var transitions: [Group<Transition>] {
        transitionGroups.sorted { a, b in
            a.count != b.count ? a.count > b.count : (a.key.decision, Self.text(a.key.from), Self.text(a.key.to)) < (b.key.decision, Self.text(b.key.from), Self.text(b.key.to))
        }
    }

    /// The outputs' changes: outputs in the order they are decided, each output's shapes most cases first.
    public var outputChanges: [Group<OutputChange>] {
        changeGroups.sorted { a, b in
            let oa = outputOrder[a.key.output] ?? 0, ob = outputOrder[b.key.output] ?? 0
            if oa != ob { return oa < ob }
            if a.count != b.count { return a.count > b.count }
            return Self.text(a.key.shape, .en) < Self.text(b.key.shape, .en)
        }
    }

    /// The outputs that changed, in the order they are decided, with how many cases each changed.
    public var changedOutputs: [(output: String, cases: Int)] {
        var seen: [String: Set<String>] = [:]
        for g in changeGroups { seen[g.key.output, default: []].formUnion(g.cases) }
        return seen.sorted { (outputOrder[$0.key] ?? 0) < (outputOrder[$1.key] ?? 0) }.map { ($0.key, $0.value.count) }
    }

    private mutating func group(_ t: Transition, _ id: String) {
        if let i = transitionIndex[t] { transitionGroups[i].cases.append(id) } else {
            transitionIndex[t] = transitionGroups.count
            transitionGroups.append(Group(key: t, cases: [id]))
        }
    }

    private mutating func group(_ c: OutputChange, _ id: String) {
        if let i = changeIndex[c] { changeGroups[i].cases.append(id) } else {
            changeIndex[c] = changeGroups.count
            changeGroups.append(Group(key: c, cases: [id]))
        }
    }

    static func shape(_ a: JSONValue?, _ b: JSONValue?) -> Shape {
        switch (a, b) {
        case let (.string(x)?, .string(y)?):
            if let tx = try? Timestamp(rfc3339: x), let ty = try? Timestamp(rfc3339: y) {
                return .shift(milliseconds: ty.millisecondsSinceEpoch - tx.millisecondsSinceEpoch)
            }
        case let (.array(x)?, .array(y)?):
            let xs = x.map(text), ys = y.map(text)
            let added = ys.filter { !xs.contains($0) }, removed = xs.filter { !ys.contains($0) }
            if !added.isEmpty || !removed.isEmpty, xs.count - removed.count == ys.count - added.count { return .members(added: added, removed: removed) }
        default:
            break
        }
        return .value(from: shown(a), to: shown(b))
    }

    /// A value as the report shows it: a time that appears or goes as `(a time)`, so that the
    /// change groups by its shape, not by each instant.
    private static func shown(_ v: JSONValue?) -> String {
        guard let v else { return "(absent)" }
        if case .string(let s) = v, (try? Timestamp(rfc3339: s)) != nil { return "(a time)" }
        return text(v)
    }

    /// A value as compact text: a string as itself, anything else as JSON without spaces.
    static func text(_ v: JSONValue) -> String {
        if case .string(let s) = v { return s }
        var w = JSONWriter()
        write(v, &w)
        return w.output
    }

    private static func write(_ v: JSONValue, _ w: inout JSONWriter) {
        switch v {
        case .null: w.null()
        case .bool(let b): w.bool(b)
        case .number(let n): w.value(serialised: Array(n.utf8))
        case .string(let s): w.string(s)
        case .array(let items): w.array { w in for i in items { write(i, &w) } }
        case .object(let members): w.object { w in for m in members { w.key(m.key); write(m.value, &w) } }
        }
    }
}

// MARK: - Text

extension ChangeImpact {
    /// One side of a transition as text: `band-up-to-300 + henan-finance`, `refused`, `?`.
    public static func text(_ p: Transition.Path, _ language: Language = .en) -> String {
        switch p {
        case .decided(let r): r.rules.isEmpty && r.overrides.isEmpty ? (language == .zh ? "无规则" : "no rule") : r.description
        case .refused: language == .zh ? "拒绝" : "refused"
        case .unknown: language == .zh ? "(未知)" : "(not known)"
        }
    }

    /// A transition as text: `approval: band-up-to-300 → band-300-to-5000`; the same route as
    /// `approval: band-300-to-5000 (same rule, new outcome)`; a refusal as `case: decided → refused`.
    public static func text(_ t: Transition, _ language: Language = .en) -> String {
        (t.decision.isEmpty ? (language == .zh ? "案件" : "case") : t.decision) + ": " + routeText(t, language)
    }

    /// A transition's two sides without its table: `band-up-to-300 → band-300-to-5000`,
    /// `band-300-to-5000 (same rule, new outcome)`, `decided → refused`.
    public static func routeText(_ t: Transition, _ language: Language = .en) -> String {
        let zh = language == .zh
        if t.sameRoute { return "\(text(t.to, language)) \(zh ? "(规则相同,结果不同)" : "(same rule, new outcome)")" }
        func side(_ p: Transition.Path) -> String {
            if t.decision.isEmpty, p != .refused { return zh ? "已决策" : "decided" }
            return text(p, language)
        }
        return "\(side(t.from)) → \(side(t.to))"
    }

    /// A shape as text: `2 days earlier`, `+ division_manager, − bu_finance_head`, `head_office → division_manager`.
    public static func text(_ s: Shape, _ language: Language = .en) -> String {
        let zh = language == .zh
        switch s {
        case .shift(let ms):
            let amount = span(ms.magnitude, language)
            if ms == 0 { return zh ? "时区不同" : "same instant, other zone" }
            return zh ? (ms < 0 ? "提前\(amount)" : "推迟\(amount)") : "\(amount) \(ms < 0 ? "earlier" : "later")"
        case let .members(added, removed):
            return (added.map { "+ \($0)" } + removed.map { "− \($0)" }).joined(separator: ", ")
        case let .value(from, to):
            return "\(from) → \(to)"
        }
    }

    /// `2 days 3 h 15 min` (`2天3小时15分钟`): the span of a shift in calendar time.
    static func span(_ ms: UInt64, _ language: Language) -> String {
        let zh = language == .zh
        var parts: [String] = []
        var rest = ms
        let units: [(UInt64, String, String, String)] = [
            (86_400_000, " day", " days", "天"), (3_600_000, " h", " h", "小时"), (60_000, " min", " min", "分钟"), (1000, " s", " s", "秒"),
        ]
        for (size, one, many, han) in units where rest >= size {
            let n = rest / size
            rest %= size
            parts.append("\(n)\(zh ? han : n == 1 ? one : many)")
        }
        if rest > 0 { parts.append("\(rest)\(zh ? "毫秒" : " ms")") }
        return parts.joined(separator: zh ? "" : " ")
    }

    /// The groups as lines of text, every case id and name escaped (see `TextEscaping`): the rule
    /// transitions (at most `transitionsShown`), then each output's changes (at most
    /// `shapesPerOutput` each; the rest summed on one line), each with its count and the first
    /// `examples` case ids. A report of any size stays a screenful; `--format json` lists every case.
    public func lines(_ language: Language = .en, examples: Int = 3, transitionsShown: Int = 10, shapesPerOutput: Int = 5) -> [String] {
        let zh = language == .zh
        var rows: [(String, Int, [String])] = []
        var sections: [(heading: String, rows: [(String, Int, [String])])] = []
        func flush(_ heading: String) {
            if !rows.isEmpty { sections.append((heading, rows)) }
            rows = []
        }
        let ts = transitions
        for g in ts.prefix(transitionsShown) { rows.append((TextEscaping.escaped(Self.text(g.key, language)), g.count, g.cases)) }
        if ts.count > transitionsShown {
            let rest = ts.dropFirst(transitionsShown)
            rows.append((zh ? "… 另有 \(rest.count) 种规则变化" : "… \(rest.count) more rule transitions", rest.reduce(0) { $0 + $1.count }, []))
        }
        flush(zh ? "按规则(旧 → 新):" : "By rule (old → new):")
        var byOutput: [(String, [Group<OutputChange>])] = []
        for g in outputChanges {
            if byOutput.last?.0 == g.key.output { byOutput[byOutput.count - 1].1.append(g) } else { byOutput.append((g.key.output, [g])) }
        }
        for (name, groups) in byOutput {
            for g in groups.prefix(shapesPerOutput) { rows.append((TextEscaping.escaped("\(name): \(Self.text(g.key.shape, language))"), g.count, g.cases)) }
            if groups.count > shapesPerOutput {
                let rest = groups.dropFirst(shapesPerOutput)
                rows.append((TextEscaping.escaped(zh ? "\(name): … 另有 \(rest.count) 种变化" : "\(name): … \(rest.count) more changes"), rest.reduce(0) { $0 + $1.count }, []))
            }
        }
        flush(zh ? "按输出:" : "By output:")
        // One column for the counts across both sections, so the numbers line up.
        let width = min(80, sections.flatMap { $0.rows.map { $0.0.count } }.max() ?? 0)
        var out: [String] = []
        for (heading, rows) in sections {
            out.append(heading)
            for (label, n, ids) in rows {
                let pad = String(repeating: " ", count: max(0, width - label.count) + 2)
                let shown = ids.prefix(max(0, examples)).map { TextEscaping.escaped($0) }
                let eg = shown.isEmpty ? "" : (zh ? "  例如 " : "  e.g. ") + shown.joined(separator: ", ") + (n > shown.count ? (zh ? " 等" : ", …") : "")
                out.append("  \(label)\(pad)\(String(n).leftPadded(to: 6))\(eg)")
            }
        }
        return out
    }

    /// The groups as JSON members `"transitions"` and `"outputs"`, every case of every group listed.
    package func write(to w: inout JSONWriter) {
        func path(_ p: Transition.Path, _ w: inout JSONWriter) {
            switch p {
            case .decided(let r):
                w.object { w in
                    w.key("rules"); w.array { w in for x in r.rules { w.string(x) } }
                    w.key("overrides"); w.array { w in for x in r.overrides { w.string(x) } }
                }
            case .refused: w.string("refused")
            case .unknown: w.null()
            }
        }
        w.key("transitions")
        w.array { w in
            for g in transitions {
                w.object { w in
                    w.field("decision", g.key.decision)
                    w.key("from"); path(g.key.from, &w)
                    w.key("to"); path(g.key.to, &w)
                    w.field("text", Self.text(g.key))
                    w.field("count", g.count)
                    w.key("cases"); w.array { w in for c in g.cases { w.string(c) } }
                }
            }
        }
        w.key("outputs")
        w.array { w in
            for g in outputChanges {
                w.object { w in
                    w.field("output", g.key.output)
                    switch g.key.shape {
                    case .shift(let ms):
                        w.field("shape", "shift"); w.key("milliseconds"); w.number(ms)
                    case let .members(added, removed):
                        w.field("shape", "members")
                        w.key("added"); w.array { w in for x in added { w.string(x) } }
                        w.key("removed"); w.array { w in for x in removed { w.string(x) } }
                    case let .value(from, to):
                        w.field("shape", "value"); w.field("from", from); w.field("to", to)
                    }
                    w.field("text", Self.text(g.key.shape))
                    w.field("count", g.count)
                    w.key("cases"); w.array { w in for c in g.cases { w.string(c) } }
                }
            }
        }
    }
}

private extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
