import Foundation
import Testing
@testable import Verdict

/// The shallow scan a set with versions reads each case's date with: where it answers, it answers
/// what the full reader gives; everywhere else it says it cannot tell.
@Suite struct JSONMemberScanTests {
    /// What the full reader gives for the member (nil: not JSON, not an object, or not a string there).
    static func full(_ key: String, _ text: String) -> JSONMemberScan.Result? {
        guard let v = try? JSONReader.parse(Array(text.utf8)), case .object(let members) = v else { return nil }
        guard let m = members.last(where: { $0.key == key }) else { return .absent }
        if case .string(let s) = m.value { return .string(s) }
        return nil
    }

    @Test(arguments: [
        #"{"id": "A", "received_at": "2027-01-01T00:00:00+08:00", "cost": "400.00"}"#,
        #"{"received_at":"2026-12-31T23:59:59+08:00"}"#,
        #"  {"a": {"received_at": "nested, not this"}, "b": [1, {"c": "]}"}], "received_at": "2027-02-01T00:00:00Z"}  "#,
        #"{"s": "quote \" and \\ inside", "received_at": "2027-03-01T00:00:00Z", "n": -1.5e3, "t": true, "z": null}"#,
        #"{"id": "no date"}"#,
        #"{}"#,
        #"{"received_at": 20270101}"#,
        #"{"received_at": "2027-01-01T00:00:00Z", "received_at": "2026-01-01T00:00:00Z"}"#,
        #"{"received\u005fat": "2027-01-01T00:00:00Z"}"#,
        #"{"received_at": "2027-01-01T00:00:00\u005a"}"#,
        #"[{"received_at": "2027-01-01T00:00:00Z"}]"#,
        #"{"received_at": "2027-01-01T00:00:00Z""#,
        #"{"received_at": "2027-01-01T00:00:00Z"} trailing"#,
        #"{"a": [1, 2}, "received_at": "2027-01-01T00:00:00Z"}"#,
        #"{"a": , "received_at": "2027-01-01T00:00:00Z"}"#,
        #"{"a": "unterminated, "received_at": "x"}"#,
        "{\"received_at\": \"tab\there\"}",
        "",
    ])
    func agreesWithTheFullReaderWhereItAnswers(_ text: String) {
        let scanned = JSONMemberScan.string("received_at", in: Array(text.utf8))
        guard scanned != .unknown else { return }
        #expect(scanned == Self.full("received_at", text), "\(text)")
    }

    @Test func answersForPlainCasesAndDefersTheRest() {
        #expect(JSONMemberScan.string("received_at", in: Array(#"{"id": "A", "received_at": "2027-01-01T00:00:00+08:00"}"#.utf8)) == .string("2027-01-01T00:00:00+08:00"))
        #expect(JSONMemberScan.string("received_at", in: Array(#"{"a": {"received_at": "x"}}"#.utf8)) == .absent)
        #expect(JSONMemberScan.string("received_at", in: Array(#"{"received_at": "a", "received_at": "b"}"#.utf8)) == .unknown)
        #expect(JSONMemberScan.string("received_at", in: Array(#"{"received\u005fat": "a"}"#.utf8)) == .unknown)
        #expect(JSONMemberScan.string("received_at", in: Array(#"{"received_at": 1}"#.utf8)) == .unknown)
        #expect(JSONMemberScan.string("received_at", in: Array("{".utf8)) == .unknown)
    }

    @Test func agreesOnEveryGeneratedCaseOfTheShippedSet() throws {
        let policy = try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
        var generator = CaseGenerator(policy: policy, seed: 11)
        for _ in 0..<500 {
            let text = generator.nextJSON()
            let scanned = JSONMemberScan.string("received_at", in: Array(text.utf8))
            #expect(scanned != .unknown, "\(text)")
            #expect(scanned == Self.full("received_at", text), "\(text)")
        }
    }
}
