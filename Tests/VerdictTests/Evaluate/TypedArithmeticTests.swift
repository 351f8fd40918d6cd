import Foundation
import Testing
@testable import Verdict

/// `then:` values computed on typed slots (``Program/Instruction/scalarArithmetic(slot:constant:subtract:result:)``):
/// a field plus or minus a constant gives what ``Value/add(_:_:)`` and ``Value/subtract(_:_:)`` give on the
/// values — absent for an absent field, an overflow (or a time out of range) refused as a case error,
/// and `Int64.min`, which has no typed form, computed from its value.
@Suite("Typed arithmetic")
struct TypedArithmeticTests {
    static let policy: CompiledPolicy = {
        let schema = """
        fields:
          n: {type: integer, optional: true}
          cost: {type: money, optional: true}
          at: {type: timestamp, optional: true}
          wait: {type: duration, optional: true}
        """
        let rules = """
        decisions:
          computed:
            outputs: {more: integer, less: money, later: timestamp, earlier: timestamp, longer: duration}
            rules:
              - {id: all, then: {more: n + 1, less: cost - 100, later: at + 5d, earlier: at - 2h, longer: wait + 30m}}
        """
        let r = check(["schema.yaml": schema, "rules.yaml": rules])
        guard let p = r.policy else { fatalError("\(r.diagnostics)") }
        return p
    }()

    /// Each output's expected value, from the general arithmetic on the case's values.
    static func expected(_ d: Decision, n: Value, cost: Value, at: Value, wait: Value) -> [String: OutputValue?] {
        let p = policy
        return [
            "more": p.outputValue(Value.add(n, .int(1))),
            "less": p.outputValue(Value.subtract(cost, .money(10_000))),
            "later": p.outputValue(Value.add(at, .duration(5 * 86_400_000))),
            "earlier": p.outputValue(Value.subtract(at, .duration(2 * 3_600_000))),
            "longer": p.outputValue(Value.add(wait, .duration(30 * 60_000))),
        ]
    }

    @Test func theTypedInstructionIsEmittedForEveryOutput() {
        let count = Self.policy.program.instructions.filter { if case .scalarArithmetic = $0 { return true } else { return false } }.count
        #expect(count == 5)
    }

    @Test(arguments: [
        (#"{"id": "a", "n": 41, "cost": "350.50", "at": "2026-06-01T09:00:00+08:00", "wait": "2h"}"#,
         Value.int(41), Value.money(35_050), Value.time(1_780_275_600_000), Value.duration(7_200_000)),
        (#"{"id": "b"}"#, Value.absent, Value.absent, Value.absent, Value.absent),
        (#"{"id": "c", "n": -9223372036854775808, "cost": "0", "wait": "0m"}"#,
         Value.int(.min), Value.money(0), Value.absent, Value.duration(0)),
    ])
    func sameAsTheValuesArithmetic(_ json: String, _ n: Value, _ cost: Value, _ at: Value, _ wait: Value) throws {
        for explain in [false, true] {
            let d = try Self.policy.decide(json: json, explain: explain)
            for (name, value) in Self.expected(d, n: n, cost: cost, at: at, wait: wait) {
                #expect(d[name] == value, "\(name) of \(json)")
            }
        }
        // The `Int64.min` case really reaches the value path: its typed slot is the absent marker.
        if n == .int(.min) { #expect((try Self.policy.decide(json: json))["more"] == .integer(Int64.min + 1)) }
    }

    /// An overflow is a case error, never a wrapped number; so is a time past the calendar's range.
    @Test(arguments: [
        #"{"id": "o", "n": 9223372036854775807}"#,
        #"{"id": "o", "at": "9999-12-30T00:00:00Z"}"#,
    ])
    func overflowIsRefused(_ json: String) {
        #expect(throws: CaseError.self) { try Self.policy.decide(json: json) }
        do {
            _ = try Self.policy.decide(json: json)
        } catch {
            #expect(error.problems.first?.code == .arithmeticOverflow, "\(error)")
        }
    }
}
