import Testing
@testable import Verdict

@Suite("Case validation")
struct CaseValidationTests {
    @Test func listsEveryProblemByField() throws {
        let json = #"{"id": "Q-7", "recieved_at": "2026-03-02T09:15:00+08:00", "region": 5, "branch": "B", "problem": "fyl", "eaten": "no", "adverse_reaction": false, "hospitalised": false, "media_involved": false, "government_involved": false, "excessive_demand": false, "food_poisoning": false, "batch_problem": false, "cost": "12.345", "resolved_at": "2026-03-02 09:00"}"#
        do {
            _ = try decide(qualityComplaints, json)
            Issue.record("expected a case error")
        } catch let error as CaseError {
            #expect(error.caseID == "Q-7")
            let byField = Dictionary(error.problems.map { ($0.field ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            #expect(byField["recieved_at"]?.code == .unknownField)
            #expect(byField["recieved_at"]?.help == "did you mean `received_at`?")
            #expect(byField["received_at"]?.code == .missingField)
            #expect(byField["region"]?.message == "expected a string, found a number")
            #expect(byField["problem"]?.help == "did you mean `fly`?")
            #expect(byField["eaten"]?.code == .wrongType)
            #expect(byField["cost"]?.message == "`12.345` has more than 2 decimal places")
            #expect(byField["resolved_at"]?.code == .invalidValue)
            #expect(byField["resolved_at"]?.message.contains("`2026-03-02 09:00`") == true, "\(byField["resolved_at"]?.message ?? "")")
            #expect(error.problems.count == 7)
        }
    }

    @Test("bad input of every kind is a case error, never a crash", arguments: [
        "", "[]", "null", "{", #"{"id": "x"}"#, #"{"id": 1}"#, #"{"cost": 1e309}"#, "\u{FEFF}{}", #"{"id":"x","cost":"-"}"#,
    ])
    func rejects(_ json: String) {
        #expect(throws: CaseError.self) { try decide(qualityComplaints, json) }
    }

    @Test func moneyAcceptsStringsAndNumbersExactly() throws {
        let base = QualityComplaintsTests.base()
        for (given, approver) in [("300.00", "branch_manager"), ("300.01", "division_manager")] {
            var c = base
            c["cost"] = .money(try Money(parsing: given))
            let d = try qualityComplaints.decide(c)
            #expect(d["approver"] == .member(approver), "cost \(given)")
        }
        let json = #"{"id":"Q","received_at":"2026-03-02T09:15:00+08:00","region":"R","branch":"B","problem":"fly","eaten":false,"adverse_reaction":false,"hospitalised":false,"media_involved":false,"government_involved":false,"excessive_demand":false,"food_poisoning":false,"batch_problem":false,"cost":300.01}"#
        #expect(try decide(qualityComplaints, json)["approver"] == .member("division_manager"))
    }
}
