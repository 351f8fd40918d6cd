/// Runs a ``PolicyTestSuite`` against a compiled policy and measures what the tests exercised.
public struct PolicyTestReport: Sendable {
    /// A test that failed: its name, where it is, and each problem.
    public struct Failure: Sendable {
        /// The test's name.
        public var test: String
        /// Where the test is in its file.
        public var location: SourceLocation
        /// What went wrong, one line each: expected, got, and the rule that set it.
        public var problems: [String]
    }

    /// A rule, override, exception or clock, and whether some test exercised it.
    public struct CoverageItem: Sendable {
        /// What is covered.
        public enum Kind: String, Sendable {
            /// A rule of a decision table.
            case rule
            /// An override of a list output.
            case override
            /// An exception inside an override.
            case exception
            /// An SLA clock.
            case clock
        }
        /// A rule, override, exception or clock.
        public var kind: Kind
        /// The decision it belongs to (`clocks` for a clock).
        public var decision: String
        /// Its id.
        public var id: String
        /// Where it is defined.
        public var location: SourceLocation
        /// Whether some test's case matched it (for a clock: applied).
        public var exercised: Bool
    }

    /// How many tests passed.
    public var passed = 0
    /// The tests that failed, in file order.
    public var failures: [Failure] = []
    /// Every rule, override, exception and clock, and whether a test exercised it.
    public var coverage: [CoverageItem] = []

    /// How many tests failed.
    public var failed: Int { failures.count }

    /// Per decision (and `clocks`): exercised and total items.
    public var coverageByDecision: [(decision: String, exercised: Int, total: Int)] {
        var order: [String] = []
        var counts: [String: (Int, Int)] = [:]
        for item in coverage {
            if counts[item.decision] == nil { order.append(item.decision) }
            let c = counts[item.decision] ?? (0, 0)
            counts[item.decision] = (c.0 + (item.exercised ? 1 : 0), c.1 + 1)
        }
        return order.map { ($0, counts[$0]!.0, counts[$0]!.1) }
    }
}

/// Runs YAML tests against a compiled policy.
public enum PolicyTestRunner {
    /// Decides every test's case, compares what it expects, and records coverage.
    public static func run(_ suite: PolicyTestSuite, against policy: CompiledPolicy) -> PolicyTestReport {
        var report = PolicyTestReport()
        var selected = Set<String>(), applied = Set<String>(), held = Set<String>(), clocks = Set<String>()
        for test in suite.tests {
            var problems: [String] = []
            let json = caseJSON(test.fields, policy)
            // Each test is decided without an explanation (what callers get) and with one (for the
            // deciding rules and coverage); the two must agree, output for output and error for error.
            let traced = Result { () throws(CaseError) in try policy.decide(json: json, explain: true, now: test.now) }
            if let disagreement = disagreement(traced, Result { () throws(CaseError) in try policy.decide(json: json, now: test.now) }) {
                problems.append(disagreement)
            }
            do {
                let d = try traced.get()
                if let e = test.expectError {
                    problems.append("expected the case to be refused\(e.code.map { " with `\($0)`" } ?? ""), but it was decided")
                }
                let explanation = d.explanation!
                for dec in explanation.decisions {
                    for r in dec.rules where r.selected { selected.insert(dec.name + "/" + r.id) }
                    for o in dec.overrides {
                        switch o.outcome {
                        case .applied: applied.insert(dec.name + "/" + o.id)
                        case .exception(let id, let source, _): held.insert(dec.name + "/" + o.id + "/" + (id ?? source.location.description))
                        default: break
                        }
                    }
                }
                for c in explanation.clocks where c.result != nil { clocks.insert(c.name) }
                problems += check(test, d, policy)
            } catch {
                if let e = test.expectError {
                    let matches = error.problems.contains { p in (e.field == nil || p.field == e.field) && (e.code == nil || p.codeText == e.code) }
                    if !matches {
                        problems.append("expected an error\(e.field.map { " on `\($0)`" } ?? "")\(e.code.map { " with `\($0)`" } ?? ""), got: "
                                        + error.problems.map { "\($0.field.map { "\($0): " } ?? "")\($0.message) [\($0.codeText)]" }.joined(separator: "; "))
                    }
                } else {
                    problems.append("the case was refused: " + error.problems.map { "\($0.field.map { "\($0): " } ?? "")\($0.message)" }.joined(separator: "; "))
                }
            }
            if problems.isEmpty { report.passed += 1 } else { report.failures.append(.init(test: test.name, location: test.location, problems: problems)) }
        }
        for d in policy.model.decisions {
            for r in d.rules {
                report.coverage.append(.init(kind: .rule, decision: d.name, id: r.id, location: r.location, exercised: selected.contains(d.name + "/" + r.id)))
            }
            for o in d.overrides {
                report.coverage.append(.init(kind: .override, decision: d.name, id: o.id, location: o.location, exercised: applied.contains(d.name + "/" + o.id)))
                for x in o.exceptions {
                    let key = d.name + "/" + o.id + "/" + (x.id ?? x.location.description)
                    report.coverage.append(.init(kind: .exception, decision: d.name, id: x.id ?? "\(o.id) exception", location: x.location, exercised: held.contains(key)))
                }
            }
        }
        for c in policy.model.clocks {
            report.coverage.append(.init(kind: .clock, decision: "clocks", id: c.name, location: c.location, exercised: clocks.contains(c.name)))
        }
        return report
    }

    /// The test's fields as a JSON case, each YAML scalar read as its field's JSON type.
    static func caseJSON(_ fields: [(key: String, value: YAMLNode)], _ policy: CompiledPolicy) -> JSONValue {
        func convert(_ node: YAMLNode, _ type: ValueType?) -> JSONValue {
            switch node.kind {
            case .null: return .null
            case .sequence(let items): return .array(items.map { convert($0, type?.element) })
            case .mapping: return .object([])
            case .scalar(let text, let quoted):
                switch type {
                case .bool? where !quoted && (text == "true" || text == "false"): return .bool(text == "true")
                case .integer?, .money?:
                    return !quoted && text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) ? .number(text) : .string(text)
                default: return .string(text)
                }
            }
        }
        return .object(fields.map { k, v in (k, convert(v, policy.fieldSlots[k].map { policy.model.fields[$0].type })) })
    }

    /// Why a decision with an explanation differs from the same decision without one (a defect), or nil.
    static func disagreement(_ traced: Result<Decision, CaseError>, _ plain: Result<Decision, CaseError>) -> String? {
        switch (traced, plain) {
        case let (.success(a), .success(b)):
            return a.withoutExplanation.json() == b.json() ? nil
                : "defect: decided differently with and without an explanation: \(a.withoutExplanation.json()) vs \(b.json())"
        case let (.failure(a), .failure(b)):
            return a == b ? nil : "defect: refused differently with and without an explanation: \(a) vs \(b)"
        case (.success, .failure(let e)):
            return "defect: decided with an explanation but refused without one: \(e)"
        case (.failure(let e), .success):
            return "defect: refused with an explanation but decided without one: \(e)"
        }
    }

    /// What shaped an output, from the explanation: the rule(s) that set it and every override that
    /// changed it, with what it did — ` (set by rule band-above-1000; changed by override henan-finance:
    /// replaced finance_supervisor → bu_finance_head)`; empty when nothing set it.
    static func shapedBy(_ output: String, _ explanation: Explanation?) -> String {
        guard let explanation, let d = explanation.decisions.first(where: { d in d.outputs.contains { $0.name == output } }),
              let o = d.outputs.first(where: { $0.name == output }) else { return "" }
        var parts: [String] = []
        if !o.rules.isEmpty { parts.append("set by rule \(o.rules.joined(separator: ", "))") }
        for id in o.overrides {
            let change = d.overrides.first { $0.id == id }.map { Explanation.changeText(of: $0, .en) } ?? ""
            parts.append("changed by override \(id)" + (change.isEmpty ? "" : ": \(change)"))
        }
        return parts.isEmpty ? "" : " (\(parts.joined(separator: "; ")))"
    }

    private static func check(_ test: PolicyTestSuite.TestCase, _ d: Decision, _ policy: CompiledPolicy) -> [String] {
        var problems: [String] = []
        for (name, node) in test.expect {
            guard let slot = policy.outputSlots[name.text] else {
                problems.append("unknown output `\(name.text)`" + (Suggestions.help(for: name.text, in: policy.outputNames, what: "outputs").map { " (\($0))" } ?? ""))
                continue
            }
            let actual = d.values[slot]
            let shown = policy.display(actual, nil)
            let why = shapedBy(name.text, d.explanation)
            if node.scalar == "absent" || { if case .null = node.kind { return true } else { return false } }() {
                if !actual.isAbsent { problems.append("\(name.text): expected absent, got \(shown)\(why)") }
                continue
            }
            let type = policy.model.outputs[slot].type
            var expected: Value?
            var parseError: String?
            if case .sequence(let items) = node.kind, let element = type.element {
                var values: [Value] = []
                for item in items {
                    switch policy.model.parseLiteral(item.scalar ?? "", as: element) {
                    case .success(let v): values.append(v)
                    case .failure(let p): parseError = p.message + (p.help.map { " (\($0))" } ?? "")
                    }
                }
                expected = .list(values)
            } else {
                switch policy.model.parseLiteral(node.scalar ?? "", as: type) {
                case .success(let v): expected = v
                case .failure(let p): parseError = p.message + (p.help.map { " (\($0))" } ?? "")
                }
            }
            if let parseError {
                problems.append("\(name.text): the expected value is not a `\(policy.typeName(type))`: \(parseError)")
            } else if let expected, expected != actual {
                problems.append("\(name.text): expected \(policy.display(expected, nil)), got \(shown)\(why)")
            }
        }
        for (clock, status) in test.expectClocks {
            guard policy.model.clocks.contains(where: { $0.name == clock.text }) else {
                problems.append("unknown clock `\(clock.text)`")
                continue
            }
            let result = d.clocks.first { $0.name == clock.text }
            let actual = result == nil ? "absent" : (result!.status?.rawValue ?? "not judged (give `now:`)")
            if actual != status.text { problems.append("clock \(clock.text): expected \(status.text), got \(actual)") }
        }
        return problems
    }
}

extension PolicyTestReport {
    /// Failures, then the summary line `N passed, N failed`; with `coverage`, what no test exercised.
    /// Test names, problems and ids are the policy's text, escaped (see `TextEscaping`): a newline in
    /// a test's name cannot forge a line, an escape sequence cannot drive the terminal.
    public func text(coverage showCoverage: Bool) -> String {
        func e(_ text: String) -> String { TextEscaping.escaped(text) }
        var out = ""
        for f in failures {
            out += "\(e(f.location.description)): test \"\(e(f.test))\" failed\n"
            for p in f.problems { out += "  \(e(p))\n" }
        }
        if showCoverage {
            let exercised = coverage.filter(\.exercised).count
            out += "coverage: \(exercised) of \(coverage.count) rules, overrides, exceptions and clocks exercised\n"
            for (decision, e, t) in coverageByDecision {
                out += "  \(TextEscaping.escaped(decision)): \(e)/\(t) (\(t == 0 ? 100 : e * 100 / t)%)\n"
            }
            let missing = coverage.filter { !$0.exercised }
            if !missing.isEmpty {
                out += "not exercised by any test:\n"
                for m in missing { out += "  \(e(m.location.description)): \(m.kind.rawValue) `\(e(m.id))` (\(e(m.decision)))\n" }
            }
        }
        out += "\(passed) passed, \(failed) failed\n"
        return out
    }

    /// The report as JSON: `passed`, `failed`, `failures` and, with `coverage`, what no test exercised.
    public func json(coverage showCoverage: Bool) -> String {
        var w = JSONWriter()
        w.object { w in
            w.field("passed", passed)
            w.field("failed", failed)
            w.key("failures")
            w.array { w in
                for f in failures {
                    w.object { w in
                        w.field("test", f.test)
                        w.field("at", f.location.description)
                        w.key("problems")
                        w.array { w in for p in f.problems { w.string(p) } }
                    }
                }
            }
            if showCoverage {
                w.key("coverage")
                w.object { w in
                    w.field("exercised", coverage.filter(\.exercised).count)
                    w.field("total", coverage.count)
                    w.key("decisions")
                    w.array { w in
                        for (d, e, t) in coverageByDecision {
                            w.object { w in w.field("decision", d); w.field("exercised", e); w.field("total", t) }
                        }
                    }
                    w.key("not_exercised")
                    w.array { w in
                        for m in coverage where !m.exercised {
                            w.object { w in
                                w.field("kind", m.kind.rawValue)
                                w.field("id", m.id)
                                w.field("decision", m.decision)
                                w.field("at", m.location.description)
                            }
                        }
                    }
                }
            }
        }
        return w.output
    }
}
