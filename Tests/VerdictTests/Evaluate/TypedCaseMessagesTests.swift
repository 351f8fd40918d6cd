import Foundation
import Testing
@testable import Verdict

/// A value of the wrong type given from Swift is named in words, not as a Swift dump (issue 36, item 2:
/// `.string("1200.00")` for money read ``found string("1200.00")``), and money says how to give it.
@Suite struct TypedCaseMessagesTests {
    func problems(_ values: [String: CaseValue]) -> [String: String] {
        do {
            _ = try qualityComplaints.decide(values)
            return [:]
        } catch {
            return Dictionary(error.problems.compactMap { p in p.field.map { ($0, p.message) } }, uniquingKeysWith: { a, _ in a })
        }
    }

    @Test func wrongTypesAreNamedInWords() {
        let p = problems(["id": .string("T-1"), "cost": .string("1200.00"), "eaten": .integer(1), "problem": .list([.member("fly")]),
                          "received_at": .string("2026-03-02T09:15:00+08:00")])
        #expect(p["cost"] == #"expected an amount of type `money`, as `.money(try Money(parsing: "300.00"))`, found the string "1200.00""#)
        #expect(p["eaten"] == "expected a value of type `bool`, found the integer 1")
        #expect(p["problem"]?.hasSuffix("found a list of 1 value") == true, "\(p)")
        #expect(p["received_at"] == #"expected a value of type `timestamp`, found the string "2026-03-02T09:15:00+08:00""#)
    }
}
