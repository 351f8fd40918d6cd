import Foundation
import Testing
@testable import Verdict

/// Each help text comes from its finding: the bounds and values of the policy at hand, never an
/// example's (issue 29, item 4).
@Suite("Derived help")
struct DerivedHelpTests {
    func first(_ r: PolicyLoader.Result, _ code: String) throws -> Diagnostic {
        try #require(r.diagnostics.first { $0.code == code }, "no `\(code)` in \(r.diagnostics)")
    }

    @Test func aGapsHelpNamesItsOwnBounds() throws {
        let r = check(["rules.yaml": """
        decisions:
          band:
            complete: true
            outputs: {level: integer}
            rules:
              - when: cost < 500
                then: {level: 1}
              - when: cost > 500 and cost <= 5000
                then: {level: 2}
              - when: cost > 5000
                then: {level: 3}
        """])
        let d = try first(r, "gap")
        #expect(d.message == "no rule of decision `band` decides a case with cost = 500.00")
        #expect(d.help == "add a rule for `cost == 500.00`, or widen a neighbouring rule's condition (`cost <= 500.00` and `cost > 500.00` leave no gap)")
    }

    @Test func aGapOfMembersNamesThem() throws {
        let r = check(["rules.yaml": """
        decisions:
          kind:
            complete: true
            outputs: {bad: bool}
            rules:
              - when: problem == fly
                then: {bad: true}
        """])
        let d = try first(r, "gap")
        #expect(d.help == "add a rule for `problem not in [fly]`, or widen a neighbouring rule's condition to take these cases")
    }

    @Test func anOverlapOfOrderedOutcomesSuggestsPriority() throws {
        let r = check(["rules.yaml": """
        decisions:
          band:
            hit: unique
            outputs: {level: integer}
            rules:
              - when: cost <= 5000
                then: {level: 1}
              - when: cost >= 5000
                then: {level: 2}
        """])
        let d = try first(r, "unique-overlap")
        #expect(d.help == "make the conditions exclusive (`cost <= 5000.00` and `cost > 5000.00` do not overlap), or let the better outcome win: `hit: priority` with `priority: {output: level, order: [1, 2]}`, best first")
    }

    @Test func anOverlapOfEqualOutcomesSuggestsFirst() throws {
        let r = check(["rules.yaml": """
        decisions:
          kind:
            hit: unique
            outputs: {bad: bool}
            rules:
              - when: problem in [fly, needle]
                then: {bad: true}
              - when: problem == needle
                then: {bad: true}
        """])
        let d = try first(r, "unique-overlap")
        #expect(d.help == "make the conditions exclusive (both take `problem in [needle]`), or use `hit: first` (the first rule that matches decides)")
    }

    @Test func anUnknownTypeSuggestsItsVerdictNameAndNothingFollows() {
        let r = check(["rules.yaml": """
        decisions:
          d:
            outputs: {ok: bool}
            rules:
              - when: hurt
                then: {ok: true}
        """, "schema.yaml": schemaYAML.replacingOccurrences(of: "fields:\n", with: "fields:\n  hurt: boolean\n")])
        #expect(errors(r).map(\.message) == ["unknown type `boolean`"], "\(r.diagnostics)")
        #expect(errors(r).first?.help == "did you mean `bool`?")
    }

    @Test func aMonthComparedWithNumbersSuggestsTheNames() throws {
        let r = check(["rules.yaml": """
        decisions:
          d:
            outputs: {summer: bool}
            rules:
              - when: month(resolved_at) in [6, 7, 8]
                then: {summer: true}
              - when: weekday(resolved_at) == 7
                then: {summer: false}
        """])
        let e = errors(r)
        #expect(e.map(\.message) == ["cannot compare `month` with `integer`", "cannot compare `weekday` with `integer`"], "\(r.diagnostics)")
        #expect(e.map(\.help) == ["months are written by name: write `jun, jul, aug`", "weekdays are written by name: write `sun`"])
    }

    @Test func aCommaInAFlowMappingSaysWhichValueToQuote() throws {
        let r = check(["rules.yaml": """
        decisions:
          d:
            outputs: {due: timestamp}
            rules:
              - then: {due: working_hours_after(resolved_at, 1, "store")}
        """])
        let d = try first(r, "yaml-syntax")
        #expect(d.message == "YAML syntax error: did not find expected ',' or '}'")
        #expect(d.help == #"inside `{…}` a comma ends a value: quote the value of `due`, as `due: 'working_hours_after(resolved_at, 1, "store")'`"#)
    }

    @Test func aKeyCutFromTheValueBeforeItSaysWhichValueToQuote() throws {
        let r = check(["rules.yaml": """
        roles:
          legal: {en: critical, 1 store hour}
        """])
        let d = try first(r, "yaml-syntax")
        #expect(d.message == "YAML syntax error: `1 store hour` is a key without a value: inside `{…}` a comma ends a value")
        #expect(d.help == #"if the comma belongs to the value of `en`, quote it: `en: "critical, 1 store hour"`"#)
        #expect(d.location?.line == 2)
        #expect(d.location?.column == 25)
    }

    /// Every empty value of a long flow mapping is looked at once, through one forward pass over the
    /// file (a scan from the top for each made a 70 KB file take a minute): each cut key is reported.
    @Test func aLongFlowMappingOfCutKeysReportsEachOnce() {
        let entries = (0..<3000).map { "k\($0): v, x\($0)" }.joined(separator: ", ")
        var bag = DiagnosticBag()
        _ = YAMLLoader.load(SourceFile(path: "x.yaml", text: "# 说明\nm: {\(entries)}\n"), into: &bag)
        let cut = bag.items.filter { $0.message.hasSuffix("is a key without a value: inside `{…}` a comma ends a value") }
        #expect(cut.count == DiagnosticBag.limit)  // the first 200 kept, the rest counted
        #expect(cut.first?.help == #"if the comma belongs to the value of `k0`, quote it: `k0: "v, x0"`"#)
        #expect(cut.last?.help == #"if the comma belongs to the value of `k199`, quote it: `k199: "v, x199"`"#)
    }

    /// A clock's target that is no duration suggests working time in a calendar of the policy at hand.
    @Test func aBadClockTargetSuggestsThisPolicysCalendar() throws {
        let r = check(["rules.yaml": """
        calendars:
          store: {weekdays: [mon, tue, wed, thu, fri, sat, sun], hours: ["10:00-22:00"], years: every}
        fields:
          reported_at: timestamp
        clocks:
          response:
            start: reported_at
            target: 3 store hours
        """])
        let d = try first(r, "invalid-literal")
        #expect(d.help == "for working time write `{working_hours: 3, calendar: store}`", "\(r.diagnostics)")
    }

    /// LibYAML counts characters, not bytes: Chinese text before the mapping must not shift what is quoted.
    @Test func aKeyCutAfterChineseTextQuotesTheRightValue() throws {
        let r = check(["rules.yaml": """
        # 食品安全投诉处理规则
        roles:
          legal: {zh: 法务, en: handled by, in order}
        """])
        let d = try first(r, "yaml-syntax")
        #expect(d.message == "YAML syntax error: `in order` is a key without a value: inside `{…}` a comma ends a value")
        #expect(d.help == #"if the comma belongs to the value of `en`, quote it: `en: "handled by, in order"`"#)
    }

    /// `{a: }` is a key written with an empty value, not one cut from the value before it.
    @Test func aKeyWithAColonIsNotCut() {
        var bag = DiagnosticBag()
        _ = YAMLLoader.load(SourceFile(path: "x.yaml", text: "m: {a: b, c: }\n"), into: &bag)
        #expect(bag.items.isEmpty, "\(bag.items)")
    }

    /// A literal with spaces at an end, against a string field that keeps them, is a warning; a field
    /// that trims gets the `unnormalized-literal` warning instead, never both.
    @Test func aSpacedLiteralIsAWarningUnlessTheFieldNormalisesIt() throws {
        let r = check(["rules.yaml": """
        decisions:
          d:
            outputs: {ok: bool}
            rules:
              - when: region == "Guangdong " and branch in ["Foshan", " Shenzhen "]
                then: {ok: true}
        """, "schema.yaml": schemaYAML.replacingOccurrences(of: "branch: string", with: "branch: {type: string, normalize: [trim]}")])
        let spaced = r.diagnostics.filter { $0.code == "spaced-literal" }
        #expect(spaced.map(\.message) == [#""Guangdong " ends with a space, which field `region` keeps: only a case that gives the same space matches"#])
        #expect(spaced.first?.severity == .warning)
        #expect(spaced.first?.help == #"write "Guangdong", and add `normalize: [trim]` to `region` so that a case's spaces are dropped too"#)
        #expect(spaced.first?.location?.column == 25)
        #expect(r.diagnostics.filter { $0.code == "unnormalized-literal" }.count == 1)
        #expect(r.policy != nil)
    }

    /// A call's usage help names the policy's own fields and calendars (or says what goes there).
    @Test func aCallsUsageHelpNamesThePolicysOwnFields() throws {
        let r = check(["rules.yaml": """
        decisions:
          d:
            outputs: {ok: bool, due: timestamp}
            rules:
              - when: present(cost + 1)
                then: {ok: true}
              - when: month(resolved_at, 1, 2) == jun
                then: {ok: false}
              - then: {due: 'working_hours_after(resolved_at, 3)'}
        """])
        let help = Dictionary(errors(r).map { ($0.message, $0.help ?? "") }, uniquingKeysWith: { a, _ in a })
        #expect(help["`present` takes one field or output name"] == "write `present(resolved_at)`", "\(r.diagnostics)")
        #expect(help["`month` takes a timestamp or a date, and optionally a calendar name in quotes"]
                == #"write `month(resolved_at)`, or `month(resolved_at, "CALENDAR")` to read it in that calendar's zone"#)
        #expect(help["`working_hours_after` takes a timestamp, an amount and a calendar name in quotes"]
                == #"write `working_hours_after(resolved_at, 3, "CALENDAR")`"#)
    }

    /// The checker's help texts name no field, calendar or bound of a shipped policy: each comes from
    /// the policy at hand.
    @Test func theCheckersHelpNamesNothingOfAShippedPolicy() throws {
        for folder in ["Sources/Verdict/Check", "Sources/Verdict/Syntax", "Sources/Verdict/Analyse"] {
            let url = repositoryRoot.appendingPathComponent(folder)
            for file in try FileManager.default.contentsOfDirectory(atPath: url.path) where file.hasSuffix(".swift") {
                let text = try String(contentsOf: url.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//")
                    && (line.contains("help:") || line.contains("usage")) {
                    for shipped in ["reported_at", "resolved_at", "received_at", "cn-office", "300", "legal_officer", "store_manager"] {
                        #expect(!line.contains(shipped), "\(file): \(line)")
                    }
                }
            }
        }
    }

    /// The analyser's help texts hold no number of their own: every bound they show is the finding's.
    @Test func theAnalysersHelpHoldsNoExampleBounds() throws {
        let folder = repositoryRoot.appendingPathComponent("Sources/Verdict/Analyse")
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains("help:") || line.contains("help =") {
                #expect(line.range(of: #"[<>]=? ?\d"#, options: .regularExpression) == nil, "\(file): \(line)")
                #expect(!line.contains("300"), "\(file): \(line)")
            }
        }
    }
}
