import Foundation
import Testing
@testable import Verdict

/// Issue 27, item 15, at the command line: policy text (versions, test names) and case ids reach the
/// terminal escaped in `check`, `test` and `diff`, so none can retitle or clear it, or forge a line.
extension CommandLineTests {
    /// A set over `n: integer` whose version is `version` (YAML double-quoted, escapes allowed) and
    /// whose rule says `n > threshold`; `tests` is its test file, if any.
    static func escapeScratch(version: String, threshold: Int = 10, tests: String? = nil) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-escapes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try """
        policy:
          name: esc
          version: "\(version)"
        fields:
          id: string
          n: integer
        decisions:
          d:
            outputs: {big: bool}
            rules:
              - {id: big, when: n > \(threshold), then: {big: true}}
              - {id: small, when: n <= \(threshold), then: {big: false}}

        """.write(to: dir.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        if let tests { try tests.write(to: dir.appendingPathComponent("esc.test.yaml"), atomically: true, encoding: .utf8) }
        return dir
    }

    /// No control character, bidirectional override or line separator is written raw (newlines aside).
    func expectNoRawControls(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(!text.unicodeScalars.contains { $0 != "\n" && TextEscaping.needsEscape($0) }, "\(text.debugDescription)", sourceLocation: sourceLocation)
    }

    @Test func checkEscapesTheVersionSoANewlineForgesNoOk() throws {
        let dir = try Self.escapeScratch(version: #"1\e[2J\nesc 2: ok"#)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try run(["check", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stdout)")
        #expect(r.stdout.hasPrefix(#"esc 1\u{1B}[2J\nesc 2: ok: ok, 1 decisions, sha256:"#), "\(r.stdout)")
        expectNoRawControls(r.stdout)
    }

    @Test func testEscapesTestNamesAndProblems() throws {
        let tests = """
        tests:
          - name: "big\\e]0;owned\\a\\nesc: 1 passed, 0 failed"
            case: {id: T-1, n: 11}
            expect: {big: false}

        """
        let dir = try Self.escapeScratch(version: "1", tests: tests)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try run(["test", dir.path])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdout.contains(#": test "big\u{1B}]0;owned\u{7}\nesc: 1 passed, 0 failed" failed"#), "\(r.stdout)")
        #expect(r.stdout.contains("  big: expected false, got true (set by rule big)\n"), "\(r.stdout)")
        #expect(r.stdout.hasSuffix("\n0 passed, 1 failed\n"), "\(r.stdout)")
        #expect(r.stdout.components(separatedBy: "\n").filter { $0.hasSuffix("passed, 0 failed") }.isEmpty, "a forged summary line: \(r.stdout)")
        expectNoRawControls(r.stdout)
    }

    @Test func diffEscapesVersionsAndCaseIds() throws {
        let old = try Self.escapeScratch(version: #"1\e[2J"#)
        let new = try Self.escapeScratch(version: #"2\nfake"#, threshold: 20)
        defer { for d in [old, new] { try? FileManager.default.removeItem(at: d) } }
        let cases = old.appendingPathComponent("cases.jsonl")
        // An id may not hold a control character, but a right-to-left override and a line separator it may.
        try #"{"id": "c\u202e\u2028forged: big: false -> true", "n": 15}"#.appending("\n").write(to: cases, atomically: true, encoding: .utf8)
        let r = try run(["diff", old.path, new.path, "--cases", cases.path])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdout.hasPrefix(#"esc 1\u{1B}[2J (sha256:"#), "\(r.stdout)")
        #expect(r.stdout.contains(#"-> esc 2\nfake (sha256:"#), "\(r.stdout)")
        #expect(r.stdout.contains("\n  version 1\\u{1B}[2J -> 2\\nfake\n"), "\(r.stdout)")
        // Grouped by cause (the rule transition, then the output's change), the id escaped in the examples.
        #expect(r.stdout.contains(": big → small"), "\(r.stdout)")
        #expect(r.stdout.contains(#"    big: true → false       1  e.g. c\u{202E}\u{2028}forged: big: false -> true\#n"#), "\(r.stdout)")
        #expect(!r.stdout.split(separator: "\n").contains { $0.hasPrefix("fake") || $0.hasPrefix("forged") }, "\(r.stdout)")
        expectNoRawControls(r.stdout)
    }
}
