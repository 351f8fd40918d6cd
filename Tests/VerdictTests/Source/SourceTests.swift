import Testing
@testable import Verdict

@Suite("Source: suggestions, rendering, time and money primitives")
struct SourceTests {
    @Test("did you mean", arguments: [
        ("cots", ["cost", "region", "tier"], "cost"),
        ("fyl", ["fly", "needle", "ant"], "fly"),
        ("Region", ["region"], "region"),
        ("signer", ["signers", "approver"], "signers"),
    ])
    func suggestion(_ word: String, _ candidates: [String], _ expected: String) {
        #expect(Suggestions.closest(to: word, in: candidates) == expected)
    }

    @Test func noSuggestionListsValidNames() {
        #expect(Suggestions.closest(to: "zzzz", in: ["cost", "tier"]) == nil)
        #expect(Suggestions.help(for: "zzzz", in: ["tier", "cost"]) == "valid names: `cost`, `tier`")
    }

    @Test func rendersCaretUnderSpanAfterWideCharacters() {
        let file = SourceFile(path: "a.yaml", text: "label: 处理 cots\n")
        let d = Diagnostic.error(.unknownName, "unknown field or output `cots`", at: SourceLocation(path: "a.yaml", line: 1, column: 11, length: 4), help: "did you mean `cost`?")
        let text = DiagnosticRenderer(files: [file]).text(d)
        #expect(text == """
        a.yaml:1:11: error: unknown field or output `cots`
         1 | label: 处理 cots
           |             ^^^^
        help: did you mean `cost`?

        """)
    }

    @Test("money is exact", arguments: [
        ("300", 30000), ("300.00", 30000), ("300.01", 30001), ("0.5", 50), ("-12.30", -1230), ("1000.01", 100001),
    ])
    func money(_ text: String, _ minor: Int64) throws {
        #expect(try Money(parsing: text).minorUnits == minor)
    }

    @Test("money refuses what it cannot hold exactly", arguments: ["300.005", "3e2", "", "12a", "1.", "99999999999999999999"])
    func moneyErrors(_ text: String) {
        #expect(throws: MoneyFormatError.self) { try Money(parsing: text) }
    }

    @Test func timestampsRoundTripInShanghai() throws {
        let t = try Timestamp(rfc3339: "2026-03-02T01:15:00Z")
        #expect(t.rfc3339(in: .shanghai) == "2026-03-02T09:15:00+08:00")
        #expect(try Timestamp(rfc3339: "2026-03-02T09:15:00+08:00") == t)
        #expect(try Timestamp(rfc3339: "2026-03-02T09:15:00.250+08:00").millisecondsSinceEpoch == t.millisecondsSinceEpoch + 250)
    }

    @Test("timestamps need a zone and a real date", arguments: ["2026-03-02T09:15:00", "2026-02-30T09:00:00Z", "2026-03-02", "yesterday"])
    func badTimestamps(_ text: String) {
        #expect(throws: TimeFormatError.self) { try Timestamp(rfc3339: text) }
    }

    @Test("durations", arguments: [("1h", 3_600_000), ("2d", 172_800_000), ("1d12h", 129_600_000), ("90m", 5_400_000), ("PT1H30M", 5_400_000), ("P2D", 172_800_000)])
    func durations(_ text: String, _ ms: Int64) throws {
        #expect(try ClockDuration(text: text).milliseconds == ms)
    }

    @Test func civilDates() throws {
        let d = try CivilDate(iso: "2026-02-17")
        #expect(CivilDate(daysSinceEpoch: d.daysSinceEpoch) == d)
        #expect(d.weekday == 2)  // a Tuesday
    }

    @Test func jsonNumbersKeepTheirText() throws {
        let v = try JSONReader.parse(#"{"cost": 300.10, "name": "\u4e2d\n"}"#)
        #expect(v["cost"] == .number("300.10"))
        #expect(v["name"] == .string("中\n"))
        #expect(throws: JSONSyntaxError.self) { try JSONReader.parse(#"{"a": 1, "a": 2}"#) }
        #expect(throws: JSONSyntaxError.self) { try JSONReader.parse(String(repeating: "[", count: 100)) }
    }
}
