import Foundation
import Testing
@testable import Verdict

/// Issue 15: hostile or careless input costs only itself, gets a located error, and is bounded.
@Suite("Hardening: no crash, no silent loss, bounded work, messages that say what is wrong")
struct HardeningTests {
    /// A one-decision policy over `fields` with the given rule conditions (`hit: first`, a last `true` rule).
    static func policy(fields: String, when conditions: [String], extra: String = "") -> PolicyLoader.Result {
        var rules = "decisions:\n  d:\n    hit: first\n    outputs:\n      o: {type: integer}\n    rules:\n"
        for (i, c) in conditions.enumerated() { rules += "      - id: r\(i)\n        when: \"\(c)\"\n        then: {o: \(i)}\n" }
        return PolicyLoader.check(sources: [SourceFile(path: "policy.yaml", text: manifestYAML), SourceFile(path: "schema.yaml", text: "fields:\n  id: string\n" + fields),
                                            SourceFile(path: "d.yaml", text: rules + extra)])
    }

    // MARK: 1, 2, 4: overflow is a case error, never a trap or a wrapped value

    static let clockPolicy: CompiledPolicy = {
        let r = PolicyLoader.check(sources: [
            SourceFile(path: "policy.yaml", text: manifestYAML),
            SourceFile(path: "schema.yaml", text: "fields:\n  id: string\n  n: integer\n  cost: money\n  t: timestamp\n  du: duration\n"),
            SourceFile(path: "c.yaml", text: """
            clocks:
              k:
                start: t + du
                target: 1h
                outputs: {due: k_due}
              far:
                start: t
                target: 106751991167d
                outputs: {due: far_due}
            decisions:
              d:
                hit: first
                outputs:
                  big: {type: bool}
                  later: {type: timestamp}
                rules:
                  - when: n + 9223372036854775807 > 0
                    then: {big: true, later: t + du}
                  - when: cost + 0.01 > 0
                    then: {big: true, later: t + du}
                  - then: {big: false, later: t + du}
            """),
        ])
        guard let p = r.policy else { fatalError("\(r.diagnostics)") }
        return p
    }()

    static func clockCase(n: Int = 0, cost: String = "1.00", du: String = "1h") -> String {
        #"{"id": "c", "n": \#(n), "cost": "\#(cost)", "t": "2026-01-01T00:00:00Z", "du": "\#(du)"}"#
    }

    @Test func aHugeTargetIsACaseErrorNotATrap() throws {
        // The clock `far` has a target of 106751991167 days: its deadline is past the year 9999.
        let e = try #require(throws: CaseError.self) { try decide(Self.clockPolicy, Self.clockCase(), explain: true) }
        #expect(e.problems.contains { $0.code == .arithmeticOverflow })
    }

    @Test func overflowingArithmeticIsACaseErrorNotAWrongAnswer() throws {
        let p = try CompiledPolicy.load(sources: [
            SourceFile(path: "policy.yaml", text: manifestYAML),
            SourceFile(path: "schema.yaml", text: "fields:\n  id: string\n  n: integer\n  cost: money\n  t: timestamp\n  du: duration\n"),
            SourceFile(path: "d.yaml", text: """
            decisions:
              d:
                hit: first
                outputs:
                  big: {type: bool}
                  later: {type: timestamp}
                rules:
                  - when: n + 9223372036854775807 < 0
                    then: {big: true, later: t}
                  - when: cost + 0.01 < 0
                    then: {big: true, later: t}
                  - then: {big: false, later: t + du}
            """),
        ])
        // n + max wraps to a negative number, cost + 0.01 too, t + du to the year -292274999: each was
        // silently a wrong answer.
        for json in [Self.clockCase(n: 1), Self.clockCase(cost: "92233720368547758.07"), Self.clockCase(du: "106751991167d")] {
            let e = try #require(throws: CaseError.self, "\(json)") { try decide(p, json) }
            #expect(e.problems.map(\.code) == [.arithmeticOverflow], "\(json)")
        }
        #expect(try decide(p, Self.clockCase()).values.count == 2)
    }

    // MARK: 3: deep and huge expressions get a located error

    @Test(arguments: [
        ("7,000 parentheses", String(repeating: "(", count: 7000) + "b" + String(repeating: ")", count: 7000)),
        ("not 4,000 deep", String(repeating: "not ", count: 4000) + "b"),
        ("unary minus 10,000 deep", String(repeating: "-", count: 10_000) + "n > 0"),
        ("a sum of 10,000 terms", Array(repeating: "n", count: 10_000).joined(separator: " + ") + " > 0"),
        ("an and of 100,000 terms", Array(repeating: "b", count: 100_000).joined(separator: " and ")),
    ])
    func deepExpressionsAreLocatedErrors(_ name: String, _ condition: String) throws {
        let r = Self.policy(fields: "  n: integer\n  b: bool\n", when: [condition])
        #expect(r.policy == nil)
        let e = try #require(errors(r).first, "\(name)")
        #expect(e.code == "expression-syntax", "\(name): \(e)")
        #expect(e.message.contains("nests too deeply"), "\(name): \(e.message)")
        #expect(e.location?.path == "d.yaml" && e.location?.line == 8, "\(name): \(String(describing: e.location))")
    }

    @Test func deepYAMLIsALocatedErrorNamingNoLibraryFunction() throws {
        let text = "decisions: " + String(repeating: "[", count: 7000) + String(repeating: "]", count: 7000) + "\n"
        let r = check(["d.yaml": text])
        let e = try #require(errors(r).first { $0.location?.path == "d.yaml" })
        #expect(e.code == "yaml-syntax")
        #expect(e.message.contains("nests too deeply"), "\(e.message)")
        #expect(!e.message.contains("yaml_") && !e.message.contains("set_max_nest"), "\(e.message)")
        #expect(e.location?.line == 1)
    }

    // MARK: 7: the diagnostics cap says how many more

    @Test func theDiagnosticsCapSaysHowManyMoreAndTheCountIsTrue() throws {
        var text = "decisions:\n"
        for i in 0..<300 { text += "  d\(i):\n    outputs: {o\(i): bool}\n    rules:\n      - when: nosuch\(i)\n        then: {o\(i): true}\n" }
        let r = check(["d.yaml": text])
        let note = try #require(r.diagnostics.last)
        #expect(note.code == "more-diagnostics")
        #expect(note.message.hasPrefix("100 more errors"), "\(note.message)")
        let renderer = DiagnosticRenderer(files: r.sources)
        #expect(renderer.text(r.diagnostics).hasSuffix("300 errors, 11 warnings\n"))
        #expect(try JSONReader.parse(renderer.json(r.diagnostics))["errors"] == .number("300"))
    }

    // MARK: 8: the digest is over the exact bytes

    @Test func aByteOrderMarkChangesTheDigest() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-bom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let schema = "fields:\n  id: string\n  b: bool\n"
        let rules = "decisions:\n  d:\n    outputs: {o: bool}\n    rules:\n      - when: b\n        then: {o: true}\n"
        try manifestYAML.write(to: dir.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        try schema.write(to: dir.appendingPathComponent("schema.yaml"), atomically: true, encoding: .utf8)
        try rules.write(to: dir.appendingPathComponent("d.yaml"), atomically: true, encoding: .utf8)
        let plain = try CompiledPolicy.load(directory: dir.path).identity.digest
        try Data([0xEF, 0xBB, 0xBF] + Array(rules.utf8)).write(to: dir.appendingPathComponent("d.yaml"))
        let r = PolicyLoader.check(directory: dir.path)
        let withBOM = try #require(r.policy).identity.digest
        #expect(plain != withBOM)
        // The snippet of a file with a BOM still lines up: the BOM is not shown as a character.
        #expect(r.sources.first { $0.path.hasSuffix("d.yaml") }?.line(1) == "decisions:")
    }

    // MARK: 9: aliases are refused where they are written, before anything expands

    static let billionLaughs = """
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]

    """

    @Test func anAliasBombIsRefusedAtItsFirstAlias() throws {
        let r = check(["bomb.yaml": Self.billionLaughs])
        let first = try #require(errors(r).first { $0.code == "yaml-alias" })
        #expect(first.location?.line == 2 && first.location?.column == 8, "\(String(describing: first.location))")
        #expect(first.message.contains("`*a`"))
        var suite = PolicyTestSuite()
        suite.add(SourceFile(path: "bomb.test.yaml", text: Self.billionLaughs))
        #expect(suite.diagnostics.contains { $0.code == "yaml-alias" })
    }

    @Test func tooManyNodesIsALocatedError() throws {
        let text = "x: [" + Array(repeating: "1", count: YAMLLoader.maxNodes + 10).joined(separator: ",") + "]\n"
        let e = try #require(errors(check(["big.yaml": text])).first { $0.location?.path == "big.yaml" })
        #expect(e.code == "yaml-syntax")
        #expect(e.message.contains("more than \(YAMLLoader.maxNodes) YAML nodes"))
        #expect(e.location?.line == 1)
    }

    // MARK: 11: analysis bounded, near-linear where it can be

    @Test func manyFirstRulesAreAnalysedInLinearWork() throws {
        let conditions = (0..<4000).map { "n == \($0)" } + ["n == 17"]
        let r = Self.policy(fields: "  n: integer\n", when: conditions)
        #expect(r.policy != nil)
        let warning = try #require(r.diagnostics.first { $0.code == "unreachable-rule" })
        #expect(warning.message.contains("rule `r4000`") && warning.message.contains("`r17` takes every case"), "\(warning.message)")
        // The work is counted: one pass over the rules, not a union of every earlier rule for each
        // (which was 8 million comparisons, and 51 s).
        var builder = PolicySyntaxBuilder()
        for file in r.sources { if let root = YAMLLoader.load(file, into: &builder.diagnostics) { builder.add(file: root) } }
        var bag = builder.diagnostics
        let model = try #require(Checker.check(builder.syntax, diagnostics: &bag))
        let steps = Analyzer.analyse(model, diagnostics: &bag)
        #expect(steps < 5 * conditions.count, "\(steps) comparisons")
    }

    @Test func aTableTooLargeToAnalyseGetsANoteNotAHang() throws {
        // 3,000 `unique` rules: comparing every pair is 4.5 million comparisons, over the budget.
        var rules = "decisions:\n  d:\n    hit: unique\n    outputs:\n      o: {type: integer}\n    rules:\n"
        for i in 0..<3000 { rules += "      - when: n == \(i)\n        then: {o: \(i)}\n" }
        let r = PolicyLoader.check(sources: [SourceFile(path: "policy.yaml", text: manifestYAML),
                                             SourceFile(path: "schema.yaml", text: "fields:\n  id: string\n  n: integer\n"),
                                             SourceFile(path: "d.yaml", text: rules)])
        #expect(r.policy != nil)
        let note = try #require(r.diagnostics.first { $0.code == "not-analysed" })
        #expect(note.message.contains("too large to analyse"), "\(note.message)")
    }

    @Test func aHugeEnumIsAnalysedWithOneMemberSetNotOnePerBox() throws {
        let members = (0..<100_000).map { "m\($0)" }.joined(separator: ", ")
        let r = Self.policy(fields: "  e:\n    values: [\(members)]\n", when: ["e == m5", "e in [m1, m2]", "e != m7"])
        #expect(r.policy != nil, "\(r.diagnostics)")
    }

    @Test func didYouMeanOnAHugeValueNeitherMeasuresNorEchoesIt() throws {
        let members = (0..<1000).map { "m\($0)" }
        #expect(Suggestions.closest(to: String(repeating: "m", count: 1 << 20), in: members) == nil)
        #expect(Suggestions.closest(to: "m12x", in: members) == "m12")
        let p = try CompiledPolicy.load(sources: [SourceFile(path: "policy.yaml", text: manifestYAML),
                                                  SourceFile(path: "schema.yaml", text: "fields:\n  id: string\n  e: {values: [\(members.joined(separator: ", "))]}\n"),
                                                  SourceFile(path: "d.yaml", text: "decisions:\n  d:\n    outputs: {o: bool}\n    rules:\n      - when: e == m1\n        then: {o: true}\n      - when: e != m1\n        then: {o: false}\n")])
        let huge = String(repeating: "x", count: 1 << 20)
        let e = try #require(throws: CaseError.self) { try decide(p, #"{"id": "c", "e": "\#(huge)"}"#) }
        #expect(e.description.utf8.count < 2000)
        #expect(e.description.contains("(1048576 characters)"))
    }
}
