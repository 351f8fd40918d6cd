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

    /// Each text with whether the scan must answer it (a plain shape: the member's text, or absent)
    /// or must defer to the full reader (escapes, a repeated member, a value that is no plain string,
    /// anything that is not one well-formed object).
    @Test(arguments: [
        (#"{"id": "A", "received_at": "2027-01-01T00:00:00+08:00", "cost": "400.00"}"#, true),
        (#"{"received_at":"2026-12-31T23:59:59+08:00"}"#, true),
        (#"  {"a": {"received_at": "nested, not this"}, "b": [1, {"c": "]}"}], "received_at": "2027-02-01T00:00:00Z"}  "#, true),
        (#"{"s": "quote \" and \\ inside", "received_at": "2027-03-01T00:00:00Z", "n": -1.5e3, "t": true, "z": null}"#, true),
        (#"{"id": "no date"}"#, true),
        (#"{}"#, true),
        (#"{"received_at": 20270101}"#, false),
        (#"{"received_at": "2027-01-01T00:00:00Z", "received_at": "2026-01-01T00:00:00Z"}"#, false),
        (#"{"received\u005fat": "2027-01-01T00:00:00Z"}"#, false),
        (#"{"received_at": "2027-01-01T00:00:00\u005a"}"#, false),
        (#"[{"received_at": "2027-01-01T00:00:00Z"}]"#, false),
        (#"{"received_at": "2027-01-01T00:00:00Z""#, false),
        (#"{"received_at": "2027-01-01T00:00:00Z"} trailing"#, false),
        (#"{"a": [1, 2}, "received_at": "2027-01-01T00:00:00Z"}"#, false),
        (#"{"a": , "received_at": "2027-01-01T00:00:00Z"}"#, false),
        (#"{"a": "unterminated, "received_at": "x"}"#, false),
        ("{\"received_at\": \"tab\there\"}", false),
        ("", false),
    ])
    func agreesWithTheFullReaderWhereItAnswers(_ text: String, answers: Bool) {
        let scanned = JSONMemberScan.string("received_at", in: Array(text.utf8))
        if answers {
            #expect(scanned != .unknown, "a plain case must get an answer: \(text)")
            #expect(scanned == Self.full("received_at", text), "\(text)")
        } else {
            #expect(scanned == .unknown, "the scan must leave this to the full reader: \(text)")
        }
    }

    @Test func answersForPlainCasesAndDefersTheRest() {
        #expect(JSONMemberScan.string("received_at", in: Array(#"{"id": "A", "received_at": "2027-01-01T00:00:00+08:00"}"#.utf8)) == .string("2027-01-01T00:00:00+08:00"))
        #expect(JSONMemberScan.string("received_at", in: Array(#"{"a": {"received_at": "x"}}"#.utf8)) == .absent)
        #expect(JSONMemberScan.string("received_at", in: Array(#"{"received_at": "a", "received_at": "b"}"#.utf8)) == .unknown)
        #expect(JSONMemberScan.string("received_at", in: Array(#"{"received\u005fat": "a"}"#.utf8)) == .unknown)
        #expect(JSONMemberScan.string("received_at", in: Array(#"{"received_at": 1}"#.utf8)) == .unknown)
        #expect(JSONMemberScan.string("received_at", in: Array("{".utf8)) == .unknown)
    }

    /// Generated cases in six shapes: four the scan must answer (as generated, spaced out, with a
    /// nested object and array holding the key and brackets in strings first, with escapes in another
    /// member) and two it must leave to the full reader (an escape in the key, the member repeated).
    /// Every answer agrees with the full reader, and most cases get one.
    @Test func answersMostVariedGeneratedCasesAndAgreesWhereItAnswers() throws {
        let policy = try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
        var generator = CaseGenerator(policy: policy, seed: 23)
        var answered = 0
        let count = 600
        for k in 0..<count {
            let plain = generator.nextJSON()
            #expect(plain.hasPrefix("{") && plain.contains(#""received_at":"#), "\(plain)")
            let text: String, mustAnswer: Bool
            switch k % 6 {
            case 0: (text, mustAnswer) = (plain, true)
            case 1: (text, mustAnswer) = ("\n\t " + plain.replacingOccurrences(of: #"":"#, with: "\" \r\n:\t ") + " \n", true)
            case 2: (text, mustAnswer) = ("{" + #""meta": {"received_at": "x", "l": [1, "]}", {"a": [null, true]}]}, "# + plain.dropFirst(), true)
            case 3: (text, mustAnswer) = ("{" + #""note": "a \"quoted\" \\ word \u00e9", "# + plain.dropFirst(), true)
            case 4: (text, mustAnswer) = (plain.replacingOccurrences(of: #""received_at":"#, with: #""received\u005fat":"#), false)
            default: (text, mustAnswer) = ("{" + #""received_at": "2020-01-01T00:00:00Z", "# + plain.dropFirst(), false)
            }
            let scanned = JSONMemberScan.string("received_at", in: Array(text.utf8))
            if scanned != .unknown {
                answered += 1
                #expect(scanned == Self.full("received_at", text), "\(text)")
            }
            if mustAnswer { #expect(scanned != .unknown, "\(text)") } else { #expect(scanned == .unknown, "\(text)") }
        }
        #expect(answered * 3 >= count * 2 - 3, "only \(answered) of \(count) cases were answered")
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
