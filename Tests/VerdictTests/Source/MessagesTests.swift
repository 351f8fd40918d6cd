import Foundation
import Testing
@testable import Verdict

/// Issue 15, "messages that mislead": each message says where and what, in the author's terms.
@Suite("Messages that say where and what")
struct MessagesTests {
    func yamlError(_ bytes: [UInt8], path: String = "d.yaml") throws -> Diagnostic {
        let file = try SourceFile.decode(path: path, bytes: bytes).get()
        var bag = DiagnosticBag()
        #expect(YAMLLoader.load(file, into: &bag) == nil)
        return try #require(bag.items.first)
    }

    @Test func invalidUTF8IsReportedAtItsByte() throws {
        let bytes = Array("a: 1\nb: x".utf8) + [0xFF] + Array("y\n".utf8)
        guard case .failure(let refusal) = SourceFile.decode(path: "d.yaml", bytes: bytes) else { Issue.record("accepted"); return }
        #expect(refusal.diagnostic.code == "invalid-encoding")
        #expect(refusal.diagnostic.location == SourceLocation(path: "d.yaml", line: 2, column: 5))
        #expect(refusal.diagnostic.message.contains("0xFF"))
    }

    @Test func aNULByteIsReportedAtItsPlace() throws {
        let e = try yamlError(Array("a: 1\nb: 中x".utf8) + [0] + Array("\n".utf8))
        #expect(e.code == "yaml-syntax")
        #expect(e.message.contains("NUL"), "\(e.message)")
        #expect(e.location?.line == 2 && e.location?.column == 6, "\(String(describing: e.location))")
    }

    @Test func aTabIsNamedAsATab() throws {
        let e = try yamlError(Array("a:\n\tb: 1\n".utf8))
        #expect(e.message.contains("tab"), "\(e.message)")
        #expect(e.help == "indent with spaces, not tabs")
        #expect(e.location?.line == 2 && e.location?.column == 1)
    }

    @Test func everyDuplicateKeyIsReported() throws {
        let text = "a: 1\nb: 2\na: 3\nc:\n  x: 1\n  x: 2\n"
        var bag = DiagnosticBag()
        #expect(YAMLLoader.load(SourceFile(path: "d.yaml", text: text), into: &bag) == nil)
        let dups = bag.items.filter { $0.code == "duplicate-key" }
        #expect(dups.map { $0.location?.line } == [3, 6])
        #expect(dups.map { $0.notes.first?.location?.line } == [1, 5])
    }

    @Test(arguments: [("merge key", "base: {a: 1}\nd:\n  <<: {a: 1}\n", "yaml-merge", 3, 3),
                      ("python tag", "a: !!python/object:os.system x\n", "yaml-tag", 1, 4),
                      ("str tag", "a: !!str 2\n", "yaml-tag", 1, 4)])
    func mergeKeysAndTagsAreRefused(_ name: String, _ text: String, _ code: String, _ line: Int, _ column: Int) throws {
        var bag = DiagnosticBag()
        #expect(YAMLLoader.load(SourceFile(path: "d.yaml", text: text), into: &bag) == nil, "\(name)")
        let e = try #require(bag.items.first, "\(name)")
        #expect(e.code == code, "\(name): \(e)")
        #expect(e.location?.line == line && e.location?.column == column, "\(name): \(String(describing: e.location))")
    }

    @Test func crlfFilesKeepTheirSnippets() throws {
        let text = manifestYAML.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
        let rules = "decisions:\r\n  d:\r\n    outputs: {o: bool}\r\n    rules:\r\n      - when: cots > 1\r\n        then: {o: true}\r\n"
        let r = check(["policy.yaml": text, "d.yaml": rules])
        let e = try #require(errors(r).first, "\(r.diagnostics)")
        #expect(e.location?.line == 5 && e.location?.column == 15)
        let shown = DiagnosticRenderer(files: r.sources).text(e)
        #expect(shown.contains(" 5 |       - when: cots > 1\n"), "\(shown)")
        #expect(shown.contains("^^^^"), "\(shown)")
    }

    @Test func aByteOrderMarkInACaseIsNamed() throws {
        let e = try #require(throws: CaseError.self) { try qualityComplaints.decide(json: [0xEF, 0xBB, 0xBF] + Array(#"{"id": "x"}"#.utf8)) }
        #expect(e.problems.first?.message.contains("byte-order mark") == true, "\(e)")
        #expect(!e.description.contains("ï"))
    }

    static let numbers: CompiledPolicy = try! CompiledPolicy.load(sources: [
        SourceFile(path: "policy.yaml", text: manifestYAML),
        SourceFile(path: "schema.yaml", text: "fields:\n  id: string\n  n: integer\n  cost: money\n"),
        SourceFile(path: "d.yaml", text: "decisions:\n  d:\n    outputs: {o: bool}\n    rules:\n      - when: n > 0\n        then: {o: true}\n      - when: n <= 0\n        then: {o: false}\n"),
    ])

    @Test(arguments: [#"{"id": "a", "n": 01, "cost": 1}"#, #"{"id": "a", "n": 1, "cost": 01}"#, #"{"id": "a", "n": +1, "cost": 1}"#,
                      #"{"id": "a", "n": 1, "cost": "+80"}"#, #"{"id": "a", "n": 1, "cost": ".5"}"#])
    func notJSONNumbersNorLanguageAmountsAreRefused(_ json: String) throws {
        // Both decoders: the fast one (decide) and the careful one (prepare), which must agree.
        #expect(throws: CaseError.self, "\(json)") { try Self.numbers.decide(json: Array(json.utf8)) }
        #expect(throws: CaseError.self, "\(json)") { try Self.numbers.prepare(json: Array(json.utf8)) }
        #expect(throws: MoneyFormatError.self) { try Money(parsing: "+80") }
    }

    @Test func timesBeforeStandardOffsetsReadBackAsTheSameInstant() throws {
        // Shanghai's local mean time was +08:05:43 until 1901: RFC 3339 cannot write the seconds.
        let t = try Timestamp(rfc3339: "1900-06-01T00:00:00Z")
        let text = t.rfc3339(in: .shanghai)
        #expect(try Timestamp(rfc3339: text) == t, "\(text)")
        let now = try Timestamp(rfc3339: "2026-06-01T00:00:00Z")
        #expect(now.rfc3339(in: .shanghai) == "2026-06-01T08:00:00+08:00")
    }

    @Test func aNegativeWorkingTimeIsRefused() throws {
        let calendar = "calendars:\n  office: {timezone: UTC, weekdays: [mon, tue, wed, thu, fri], hours: [\"09:00-17:00\"], years: [2026]}\n"
        let r = check(["d.yaml": calendar + "decisions:\n  d:\n    outputs: {due: timestamp}\n    rules:\n      - when: cost > 0\n        then:\n          due: working_hours_after(resolved_at, -5, \"office\")\n"])
        let e = try #require(errors(r).first)
        #expect(e.code == "invalid-literal" && e.message.contains("negative"), "\(e)")
        #expect(e.location?.line == 9)
        let p = try CompiledPolicy.load(sources: [
            SourceFile(path: "policy.yaml", text: manifestYAML),
            SourceFile(path: "schema.yaml", text: "fields:\n  id: string\n  t: timestamp\n  n: integer\n"),
            SourceFile(path: "d.yaml", text: calendar + "decisions:\n  d:\n    outputs: {due: timestamp}\n    rules:\n      - then:\n          due: working_hours_after(t, n, \"office\")\n"),
        ])
        let error = try #require(throws: CaseError.self) { try decide(p, #"{"id": "a", "t": "2026-03-02T09:00:00Z", "n": -5}"#) }
        #expect(error.problems.map(\.code) == [.negativeWorkingTime])
        #expect(try decide(p, #"{"id": "a", "t": "2026-03-02T09:00:00Z", "n": 5}"#).values.count == 1)
    }
}
