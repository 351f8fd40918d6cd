import Testing
@testable import Verdict

/// The linear-time pattern matcher of `pattern:` constraints.
@Suite("Text patterns")
struct TextPatternTests {
    func matches(_ pattern: String, _ text: String) throws -> Bool { try TextPattern(pattern).matches(text) }

    @Test(arguments: [
        ("abc", "abc", true), ("abc", "abcd", false), ("abc", "xabc", false),  // the whole text
        ("^abc$", "abc", true), ("a.c", "a-c", true), ("a.c", "a\nc", false),
        ("[a-c]+", "abcabc", true), ("[a-c]+", "abd", false), ("[^0-9]*", "abc", true), ("[^0-9]*", "a1", false),
        ("\\d{3}-\\d{4}", "555-1234", true), ("\\d{3}-\\d{4}", "55-1234", false), ("\\d{2,3}", "1234", false),
        ("\\d{2,}", "12345", true), ("\\w+", "a_1", true), ("\\w+", "a-1", false), ("\\s*x", "  x", true),
        ("(ab|cd)*", "abcdab", true), ("(ab|cd)*", "abc", false), ("(?:a|b)?c", "c", true), ("colou?r", "color", true),
        ("[\\d.]+", "3.14", true), ("a\\.b", "a.b", true), ("a\\.b", "axb", false), ("", "", true), ("", "a", false),
        ("[-a]", "-", true), ("[a-]", "-", true), ("河南|河北", "河北", true), ("[一-龥]{2}", "河南", true),
        ("\\D\\W\\S", "1!x", false), ("\\D\\W\\S", "a!x", true), ("\\D\\W\\S", "a! ", false),
    ])
    func matchesAsDocumented(pattern: String, text: String, expected: Bool) throws {
        #expect(try matches(pattern, text) == expected, "`\(pattern)` on `\(text)`")
    }

    @Test func nestedRepetitionDoesNotBacktrack() throws {
        // A backtracking matcher takes exponential time here; this one reads each character once.
        let p = try TextPattern("(a*)*b")
        #expect(!p.matches(String(repeating: "a", count: 20_000)))
        #expect(p.matches(String(repeating: "a", count: 20_000) + "b"))
        let q = try TextPattern("(a|aa)+c")
        #expect(!q.matches(String(repeating: "a", count: 5_000)))
    }

    @Test(arguments: [
        ("(a", "expected `)`"), ("a)", "`)` without `(`"), ("*a", "`*` has nothing to repeat"), ("a{2,1}", "has its maximum below its minimum"),
        ("a{1001}", "repetition counts are at most 1000"), ("(?=a)", "look-around and named groups are not supported"),
        ("a\\1", "back-references (`\\1`) are not supported"), ("a\\q", "unknown escape `\\q`"), ("[]", "an empty class"), ("[z-a]", "range is out of order"), ("a^b", "may only begin or end the pattern"),
        ("a**", "a repetition cannot repeat directly"), ("(a{1000}){1000}", "pattern is too large"),
    ])
    func badPatternsAreRefused(pattern: String, message: String) {
        do {
            _ = try TextPattern(pattern)
            Issue.record("`\(pattern)` was accepted")
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func theSchemaPatternIsAnchored() throws {
        #expect(try TextPattern("^1[3-9]\\d{9}$").schemaPattern == "^(?:1[3-9]\\d{9})$")
        #expect(try TextPattern("a|b").schemaPattern == "^(?:a|b)$")
    }
}
