import Testing
@testable import Verdict

/// Each checker finding, pinned to its line and column with a `⟨` marker in the source.
@Suite("Checker")
struct CheckerTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var source: String
        var code: String
        var message: String
        var help: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "misspelled field", source: """
        decisions:
          d:
            outputs: {ok: bool}
            rules:
              - when: ⟨cots > 300
                then: {ok: true}
        """, code: "unknown-name", message: "unknown field or output `cots`", help: "did you mean `cost`?"),
        Case(name: "misspelled enum member in a condition", source: """
        decisions:
          d:
            outputs: {ok: bool}
            rules:
              - when: problem == ⟨fyl
                then: {ok: true}
        """, code: "unknown-member", message: "`fyl` is not a member of `problem`", help: "did you mean `fly`?"),
        Case(name: "misspelled enum member in a set", source: """
        sets:
          bad: {of: problem, members: [pig_hair, ⟨fyl]}
        """, code: "unknown-member", message: "`fyl` is not a member of `problem`", help: "did you mean `fly`?"),
        Case(name: "money compared with a string", source: """
        decisions:
          d:
            outputs: {ok: bool}
            rules:
              - when: cost > ⟨"300"
                then: {ok: true}
        """, code: "type-mismatch", message: "cannot compare `money` with `string`", help: "write the amount as a number, without quotes"),
        Case(name: "range low above high", source: """
        decisions:
          d:
            outputs: {ok: bool}
            rules:
              - when: cost in ⟨(1000..300]
                then: {ok: true}
        """, code: "empty-range", message: "range `(1000..300]` is empty: its low end is above its high end", help: "write the low end first: `(300..1000]`"),
        Case(name: "cycle between decisions", source: """
        decisions:
          a:
            outputs: {x: bool}
            rules:
              - when: y
                then: {x: true}
          b:
            outputs: {y: bool}
            rules:
              - when: ⟨x
                then: {y: true}
        """, code: "decision-cycle", message: "decisions depend on each other in a cycle: a → b → a", help: "a decision may read only decisions that do not read it back"),
        Case(name: "unique table with overlapping rules", source: """
        decisions:
          approval:
            hit: unique
            outputs: {approver: role}
            rules:
              - id: low
                when: cost <= 300
                then: {approver: handler}
              - ⟨id: mid
                when: cost in [300..1000]
                then: {approver: branch_manager}
        """, code: "unique-overlap", message: "rules `low` and `mid` of decision `approval` overlap, but its hit policy is `unique`",
             help: "make the conditions exclusive (`cost <= 300.00` and `cost > 300.00` do not overlap), or let the better outcome win: `hit: priority` with `priority: {output: approver, order: [handler, branch_manager]}`, best first"),
        Case(name: "override of a role the chain never contains", source: """
        decisions:
          approval:
            outputs: {signers: list<role>}
            rules:
              - then: {signers: [handler, finance_supervisor]}
            overrides:
              - id: henan
                output: signers
                when: region == "Henan"
                replace: {⟨branch_manager: bu_finance_head}
        """, code: "override-unused-role", message: "no rule of `approval` puts `branch_manager` in `signers`, so override `henan` can never apply"),
        Case(name: "duplicate YAML key", source: """
        decisions:
          d:
            outputs: {ok: bool}
            rules:
              - then: {ok: true}
            ⟨outputs: {no: bool}
        """, code: "duplicate-key", message: "duplicate key `outputs`", help: "a key may appear once in a mapping; merge the two entries"),
        Case(name: "YAML syntax error", source: """
        decisions:
          d:
            outputs: {ok: bool
            rules⟨: []
        """, code: "yaml-syntax", message: "YAML syntax error: did not find expected ',' or '}'"),
        Case(name: "a list where a mapping belongs", source: """
        decisions:
          d:
            outputs: ⟨[ok, no]
            rules: []
        """, code: "wrong-node-kind", message: "expected a mapping for `outputs`, found a list"),
        Case(name: "unknown key", source: """
        decisions:
          d:
            ⟨hti: first
            outputs: {ok: bool}
            rules: []
        """, code: "unknown-key", message: "unknown key `hti` in decision `d`", help: "did you mean `hit`?"),
        Case(name: "unknown hit policy", source: """
        decisions:
          d:
            hit: ⟨uniqe
            outputs: {ok: bool}
            rules: []
        """, code: "unknown-hit-policy", message: "unknown hit policy `uniqe`", help: "did you mean `unique`?"),
        Case(name: "wrong value type for an output", source: """
        decisions:
          d:
            outputs: {ok: bool}
            rules:
              - then: {ok: ⟨cost}
        """, code: "type-mismatch", message: "`ok` is a `bool`, but this value is a `money`"),
        Case(name: "unknown type", source: """
        fields:
          amount: ⟨mony
        """, code: "unknown-type", message: "unknown type `mony`", help: "did you mean `money`?"),
        Case(name: "unknown calendar", source: """
        calendars:
          cn-office: {weekdays: [mon, tue, wed, thu, fri], hours: ["09:00-12:00"], years: [2026]}
        decisions:
          d:
            outputs: {due: timestamp}
            rules:
              - then:
                  due: working_hours_after(resolved_at, 3, ⟨"cn-ofice")
        """, code: "unknown-calendar", message: "unknown calendar `cn-ofice`", help: "did you mean `cn-office`?"),
        Case(name: "holiday outside the calendar's years", source: """
        calendars:
          office:
            weekdays: [mon, tue, wed, thu, fri]
            hours: ["09:00-12:00", "13:00-18:00"]
            years: [2026]
            holidays:
              - ⟨{date: 2027-01-01, label: New Year}
        """, code: "calendar-year", message: "holiday 2027-01-01 is in 2027, which calendar `office` does not list under `years`"),
        Case(name: "misspelled weekday", source: """
        calendars:
          office: {weekdays: [mon, ⟨tues], hours: ["09:00-12:00"], years: [2026]}
        """, code: "unknown-weekday", message: "unknown weekday `tues`", help: "did you mean `tue`?"),
        Case(name: "too many decimals for money", source: """
        decisions:
          d:
            outputs: {ok: bool}
            rules:
              - when: cost <= ⟨300.005
                then: {ok: true}
        """, code: "invalid-literal", message: "`300.005` has more than 2 decimal places for money in CNY"),
    ]

    @Test(arguments: cases)
    func finding(_ c: Case) throws {
        let (text, line, column) = marked(c.source)
        let file = c.name.hasPrefix("unknown type") ? "schema.yaml" : "rules.yaml"
        let result = file == "schema.yaml" ? check([file: text + "\n" + schemaYAML.replacingOccurrences(of: "fields:\n", with: "")]) : check([file: text])
        let found = try #require(errors(result).first { $0.code == c.code }, "no `\(c.code)` in \(result.diagnostics)")
        #expect(found.message == c.message)
        #expect(found.location?.path == file)
        #expect(found.location?.line == line)
        #expect(found.location?.column == column)
        if let help = c.help { #expect(found.help == help) }
        #expect(result.policy == nil)
    }

    @Test func overlapNamesAWitnessCase() throws {
        let result = check(["rules.yaml": Self.cases[6].source.replacingOccurrences(of: "⟨", with: "")])
        let d = try #require(errors(result).first { $0.code == "unique-overlap" })
        #expect(d.notes.first?.message == "both match a case with cost = 300.00")
    }

    @Test func reportsEveryProblemAtOnce() {
        let result = check(["rules.yaml": """
        decisions:
          d:
            outputs: {ok: bool}
            rules:
              - when: cots > 300
                then: {ok: true}
              - when: problem == fyl
                then: {ok: false}
        """])
        #expect(Set(errors(result).map(\.code)) == ["unknown-name", "unknown-member"])
    }

    @Test func missingManifest() {
        let r = PolicyLoader.check(sources: [SourceFile(path: "schema.yaml", text: schemaYAML)])
        #expect(errors(r).map(\.code) == ["missing-manifest"])
    }

    @Test func unusedDeclarationsWarn() {
        let r = check(["rules.yaml": """
        decisions:
          d:
            outputs: {ok: bool}
            rules:
              - when: cost > 0
                then: {ok: true}
        """])
        #expect(r.policy != nil)
        #expect(r.diagnostics.contains { $0.code == "unused-field" && $0.message.contains("`region`") })
        #expect(r.diagnostics.contains { $0.code == "unused-set" })
    }

    /// A field read only by a rule or override in error is still read: the error is the news, not
    /// a "declared but no rule reads it" warning on top (for an override that names no output of
    /// its decision, one whose output is not a chain, and a condition that fails to check).
    @Test func fieldsReadByAConstructInErrorAreNotUnused() {
        let r = check(["rules.yaml": """
        decisions:
          d:
            outputs: {signers: list<role>, ok: bool}
            rules:
              - when: problem == fly and nosuch > 1
                then: {signers: [handler], ok: true}
              - then: {signers: [handler], ok: false}
            overrides:
              - id: henan
                output: signerz
                when: region == "Henan"
                except:
                  - when: branch == "Kaifeng"
                insert: {role: finance_supervisor, after: handler}
              - id: flag
                output: ok
                when: hospitalised
                insert: {role: finance_supervisor, after: handler}
              - id: paid
                output: signers
                when: cost > 100 and resolved_at > nosuch
                insert: {role: finance_supervisor, after: handler}
        """])
        #expect(Set(errors(r).map(\.code)) == ["unknown-output", "override-needs-chain", "unknown-name"], "\(r.diagnostics)")
        let unused = r.diagnostics.filter { $0.code == "unused-field" }.map(\.message)
        #expect(unused.isEmpty, "\(unused)")
    }

    @Test func shippedPolicyIsClean() {
        let r = PolicyLoader.check(directory: shippedPolicyPath("quality-complaints"))
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics)")
        #expect(r.policy != nil)
    }

    @Test func jsonDiagnosticsForTools() {
        let r = check(["rules.yaml": "decisions:\n  d:\n    hti: first\n    outputs: {ok: bool}\n    rules: []\n"])
        let json = DiagnosticRenderer(files: r.sources).json(r.diagnostics)
        #expect(json.contains(#""code":"unknown-key""#))
        #expect(json.contains(#""file":"rules.yaml","line":3,"column":5"#))
        #expect(json.contains(#""help":"did you mean `hit`?""#))
    }

    @Test func digestDependsOnContentNotFolder() {
        let a = PolicyDigest.compute([("a.yaml", "x: 1\n"), ("b.yaml", "y: 2\n")])
        let b = PolicyDigest.compute([("b.yaml", "y: 2\n"), ("a.yaml", "x: 1\n")])
        let c = PolicyDigest.compute([("a.yaml", "x: 2\n"), ("b.yaml", "y: 2\n")])
        #expect(a == b)
        #expect(a != c)
        #expect(a.hasPrefix("sha256:") && a.count == 7 + 64)
    }
}
