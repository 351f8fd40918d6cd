import Foundation
import Testing
@testable import Verdict

/// Generated cases keep within every kind of field bound, so `verdict generate` never writes a case
/// the policy refuses; a pattern no generated string can satisfy is named, not silently broken.
@Suite("Generated cases within bounds")
struct CaseGeneratorBoundsTests {
    func load(_ fields: String) throws -> CompiledPolicy {
        let r = check(["schema.yaml": "fields:\n" + fields, "d.yaml": """
        decisions:
          band:
            outputs: {small: bool}
            rules:
              - when: cost <= 300
                then: {small: true}
        """])
        return try #require(r.policy, "does not load: \(r.diagnostics)")
    }

    /// Each bound is away from what the generator draws when unbounded (2025–2026, 0–100, up to 3 days, …).
    static let everyBound = """
      cost: {type: money, min: "250.00", max: "260.00"}
      repairs: {type: integer, min: 500, max: 510}
      few: {type: integer, max: -5}
      wait: {type: duration, min: 40d, max: 41d}
      short_wait: {type: duration, max: 90s}
      reported_at: {type: timestamp, min: "2031-03-01T00:00:00+08:00", max: "2031-03-01T23:59:59+08:00"}
      later: {type: timestamp, min: "2040-01-01T00:00:00Z"}
      bought_on: {type: date, min: 2019-02-01, max: 2019-02-28}
      earlier: {type: date, max: 2001-01-01}
      region: {type: string, min_length: 15, max_length: 18}
      code: {type: string, max_length: 0}
      phone: {type: string, pattern: "^1[3-9]\\\\d{9}$"}
      slug: {type: string, normalize: [trim, casefold], min_length: 10, max_length: 14, pattern: "[a-z]+(-[a-z0-9]+)*"}
      ticket: {type: string, pattern: "(INC|REQ)-[0-9]{4}[^0-9a-z]?"}
      parts: {type: list<string>, min_length: 5, max_length: 6}
      tags: {type: list<string>, max_length: 0}
    """

    @Test func everyGeneratedCaseDecodes() throws {
        let policy = try load(Self.everyBound)
        var g = CaseGenerator(policy: policy, seed: 7)
        #expect(g.warnings.isEmpty)
        var refused: [String] = []
        for _ in 0..<200 {
            let line = g.nextJSON()
            do { _ = try policy.decide(json: Array(line.utf8)) } catch { refused.append("\(line): \(error)") }
        }
        #expect(refused.count == 0, "refused, first: \(refused.first ?? "")")
    }

    @Test func patternSamplesMatch() throws {
        var rng = SplitMix64(seed: 3)
        for source in ["a(b|c)*d", "[^a-z]{3,5}", "\\w+@\\w+\\.(com|cn)", "x?y?z?", ".{2}\\s\\S"] {
            let p = try TextPattern(source)
            for _ in 0..<50 {
                let s = try #require(p.sample(minLength: 0, maxLength: 10) { rng.next(below: $0) })
                #expect(p.matches(s), "\(source) sampled \(s)")
            }
        }
    }

    @Test func anUnsatisfiablePatternIsNamed() throws {
        // Case-folding makes every letter lower case, so `[A-Z]{3}` can never match.
        let policy = try load("""
          cost: {type: money}
          code: {type: string, optional: true, normalize: [casefold], pattern: "[A-Z]{3}"}
          label: {type: string, min_length: 3, pattern: "ab?"}
        """)
        var g = CaseGenerator(policy: policy, seed: 1)
        #expect(g.warnings == [
            "field `code`: no generated string satisfies its `pattern` `[A-Z]{3}`; generated cases leave it out",
            "field `label`: no generated string satisfies its `pattern` `ab?`, `min_length` 3; generated cases carry one it refuses, so they are refused",
        ])
        #expect(!g.nextJSON().contains("\"code\""))
    }
}
