import Foundation
import Testing
@testable import Verdict

/// Issue 15, items 14–16: text output escapes control characters, personal values appear nowhere
/// unless loggable, and a snippet quotes a window of a long line, not the line.
@Suite("output safety")
struct OutputSafetyTests {
    static let hostile = "Q\u{1B}]0;owned\u{07}\u{1B}[2J"
    static let forged = "north\r\nFAKE LINE"

    /// No raw control character but the line feeds that separate lines.
    func isSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0 != "\n" && TextEscaping.needsEscape($0) }
    }

    func caseJSON(_ changes: [String: Any]) throws -> [UInt8] {
        let url = repositoryRoot.appendingPathComponent("policies/quality-complaints/examples/pig-hair.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        for (k, v) in changes { object[k] = v }
        return Array(try JSONSerialization.data(withJSONObject: object))
    }

    @Test func escapingMakesEveryControlCharacterVisible() {
        #expect(TextEscaping.escaped(Self.hostile) == "Q\\u{1B}]0;owned\\u{7}\\u{1B}[2J")
        #expect(TextEscaping.escaped(Self.forged) == "north\\r\\nFAKE LINE")
        #expect(TextEscaping.escaped("a\u{202E}b\u{85}c\u{7F}") == "a\\u{202E}b\\u{85}c\\u{7F}")
        #expect(TextEscaping.escaped("陕宁\tok", keepingTabs: true) == "陕宁\tok")
    }

    @Test func explanationTextEscapesCaseStrings() throws {
        // An id with control characters is refused (issue 27, item 7), its message escaped.
        #expect(throws: CaseError.self) { try qualityComplaints.decide(json: caseJSON(["id": Self.hostile])) }
        do { _ = try qualityComplaints.decide(json: caseJSON(["id": Self.hostile])) } catch {
            #expect(isSafe("\(error)") && "\(error)".contains("Q\\u{1B}]0;owned"))
        }
        let d = try qualityComplaints.decide(json: caseJSON(["region": Self.hostile + Self.forged]), explain: true)
        for language in [Language.en, .zh] {
            let text = try #require(d.explanation).text(language)
            #expect(isSafe(text))
            #expect(text.contains("\\u{1B}]0;owned"))   // the region, as compared (normalised: lowercased)
            #expect(!text.split(separator: "\n").contains { $0.hasPrefix("FAKE LINE") })
        }
        // JSON keeps the exact string (escaped by JSON's own rules).
        #expect(d.json().contains("\\u001b]0;owned"))
    }

    @Test func caseErrorsEscapeWhatTheCaseHolds() throws {
        let bytes = try caseJSON(["\u{1B}[2Jcots": 1, "id": Self.hostile])
        #expect(throws: CaseError.self) { try qualityComplaints.decide(json: bytes) }
        do { _ = try qualityComplaints.decide(json: bytes) } catch {
            #expect(isSafe(error.description))
            #expect(error.description.contains("\\u{1B}[2Jcots"))
        }
    }

    @Test func diagnosticsEscapeControlCharactersInMessagesAndSnippets() {
        let r = check(["a.yaml": "fields:\n  \"x\\e[2Jy\": strnig\n  \"b\\r\\nFAKE\": strnig\n"])
        let text = DiagnosticRenderer(files: r.sources).text(r.diagnostics)
        #expect(!errors(r).isEmpty)
        #expect(isSafe(text))
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("FAKE") })
    }

    // MARK: Personal data (item 15)

    static let personalFields = """
        fields:
          customer_phone: {type: string, optional: true, personal: true}
          customer_since: {type: date, optional: true, personal: true}
          customer_tier: {values: [gold, silver], optional: true, personal: true}
          customer_city: {type: string, optional: true, personal: true, loggable: true}
          visited: {type: timestamp, optional: true, personal: true, loggable: true}
        """

    static let personalPolicy: CompiledPolicy = {
        let r = check(["personal.yaml": personalFields, "d.yaml": """
            decisions:
              d:
                outputs: {x: bool}
                rules:
                  - when: customer_tier == gold or customer_city == "Xi'an" or visited > "2026-01-01T00:00:00Z"
                    then: {x: true}
                  - then: {x: false}
            measures:
              by_city:
                kind: count
                of: hospitalised
                by: customer_city
            """])
        guard let p = r.policy else { fatalError(DiagnosticRenderer(files: r.sources).text(r.diagnostics)) }
        return p
    }()

    let base = #"{"id": "P-1", "cost": "1.00", "region": "r", "branch": "b", "hospitalised": false, "problem": "fly""#

    @Test func aPersonalValueIsNeverQuotedInACaseError() throws {
        let secret = "zz-\(UUID().uuidString.prefix(8))"
        for (field, value) in [("customer_since", secret), ("customer_tier", secret)] {
            let bytes = Array((base + #", "\#(field)": "\#(secret)"}"#).utf8)
            do {
                _ = try Self.personalPolicy.decide(json: bytes)
                Issue.record("a bad \(field) was accepted")
            } catch {
                var w = JSONWriter()
                error.write(to: &w)
                #expect(error.problems.map(\.field) == [field])
                #expect(error.problems.first?.message.contains("personal data, not shown") == true)
                #expect(!error.description.contains(secret) && !w.output.contains(secret))
            }
        }
        // A loggable personal field says what it was given.
        let bytes = Array((base + #", "visited": "\#(secret)"}"#).utf8)
        do { _ = try Self.personalPolicy.decide(json: bytes) } catch { #expect(error.description.contains(secret)) }
        // The typed entry point hides a wrong-typed personal value too.
        var values: [String: CaseValue] = ["id": .string("P-2"), "cost": .money(Money(minorUnits: 100, scale: 2)), "region": .string("r"),
                                           "branch": .string("b"), "hospitalised": .bool(false), "problem": .member("fly")]
        values["customer_phone"] = .integer(13_912_345_678)
        do { _ = try Self.personalPolicy.decide(values) } catch { #expect(!error.description.contains("13912345678")) }
    }

    @Test func measuresNeverGroupByAPersonalValue() throws {
        #expect(throws: CaseError.self) { try MeasureAccumulator(policy: Self.personalPolicy, groupBy: "customer_phone") }
        do { _ = try MeasureAccumulator(policy: Self.personalPolicy, groupBy: "customer_phone") } catch {
            #expect(error.problems.map(\.code) == [.personalField])
        }
        // Loggable: allowed.
        var acc = try MeasureAccumulator(policy: Self.personalPolicy, groupBy: "customer_city")
        acc.add(json: Array((base + #", "customer_city": "Xi'an"}"#).utf8))
        #expect(acc.text().contains("Xi'an"))
        // A measure's own `by` may not name one either.
        let r = check(["personal.yaml": Self.personalFields, "d.yaml": """
            decisions:
              d:
                outputs: {x: bool}
                rules:
                  - then: {x: true}
            measures:
              by_phone:
                kind: count
                of: hospitalised
                by: ⟨customer_phone
            """.replacingOccurrences(of: "⟨", with: "")])
        #expect(errors(r).map(\.code) == ["personal-data"])
        #expect(errors(r).first?.location?.line == 10)
    }

    // MARK: Snippets (item 16)

    @Test func aSnippetOfALongLineIsAWindowAroundTheColumn() throws {
        let filler = String(repeating: "x", count: 100_000)
        let r = check(["a.yaml": "fields: {long: {type: string, note: \(filler)}, bad: strnig, after: {note: \(filler)}}\n"])
        let d = try #require(errors(r).first { $0.code == "unknown-type" })
        let text = DiagnosticRenderer(files: r.sources).text(d)
        #expect(text.unicodeScalars.count < 1_000)
        let lines = text.split(separator: "\n").map(String.init)
        let quoted = try #require(lines.first { $0.hasPrefix(" 1 | ") })
        let carets = try #require(lines.first { $0.contains("^") })
        #expect(quoted.hasPrefix(" 1 | …") && quoted.hasSuffix("…"))
        // The caret sits under `strnig` in the window.
        let column = carets.unicodeScalars.firstIndex(of: "^").map { carets.unicodeScalars.distance(from: carets.unicodeScalars.startIndex, to: $0) }!
        #expect(String(quoted.unicodeScalars.dropFirst(column).prefix(6)) == "strnig")
        // A short line is quoted whole, as before.
        let short = check(["a.yaml": "fields: {bad: strnig}\n"])
        #expect(DiagnosticRenderer(files: short.sources).text(errors(short)).contains(" 1 | fields: {bad: strnig}\n"))
    }
}
