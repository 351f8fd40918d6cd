import Foundation
import Testing
@testable import Verdict

/// "Why not?" answers in a set with several versions: each case is answered by the version in force
/// on its date, and a value only another version gives says so.
@Suite("Why not? across policy versions")
struct WhyNotVersionsTests {
    static func version(_ number: String, _ effective: String, band: String, extra: String = "") throws -> CompiledPolicy {
        try CompiledPolicy.load(sources: [
            SourceFile(path: "policy.yaml", text: """
                policy: {name: approvals, version: "\(number)", effective: \(effective), timezone: Asia/Shanghai, effective_by: received_at}
                """),
            SourceFile(path: "schema.yaml", text: """
                fields:
                  received_at: timestamp
                  cost: {type: money, min: 0}
                roles: [branch_manager, division_manager, head_office]
                """),
            SourceFile(path: "approval.yaml", text: """
                decisions:
                  approval:
                    hit: first
                    outputs: {approver: role}
                    rules:
                      - {id: band-low, when: cost <= \(band), then: {approver: branch_manager}}
                \(extra)
                      - {id: band-high, then: {approver: division_manager}}
                """),
        ])
    }

    static let set: PolicyVersions = try! PolicyVersions(versions: [
        version("1.0.0", "2011-06-12", band: "300"),
        version("2.0.0", "2027-01-01", band: "500", extra: "      - {id: band-top, when: cost > 5000, then: {approver: head_office}}"),
    ])

    static func bytes(_ received: String, _ cost: String) -> [UInt8] {
        Array(#"{"id": "A-1", "received_at": "\#(received)", "cost": "\#(cost)"}"#.utf8)
    }

    static let december = bytes("2026-12-30T10:00:00+08:00", "400.00")
    static let january = bytes("2027-01-04T10:00:00+08:00", "400.00")

    @Test func theVersionInForceGivesTheAnswer() throws {
        let q = try WhyNotQuestion(parsing: "approver=branch_manager", for: Self.set.latest)
        let dec = try Self.set.whyNot([q], json: Self.december)
        #expect(dec.policy.version == "1.0.0")
        guard case .changes(let alts) = dec.answers[0].outcome else { Issue.record("\(dec.answers[0].outcome)"); return }
        #expect(alts.first?.changes.first?.condition == .ranges([WhyNotRange(lower: nil, upper: .money(Money(minorUnits: 30000)))]))
        #expect(dec.text(.en).contains("cost ≤ 300.00 (it is 400.00)"))
        let jan = try Self.set.whyNot([q], json: Self.january)
        #expect(jan.policy.version == "2.0.0")
        guard case .already = jan.answers[0].outcome else { Issue.record("\(jan.answers[0].outcome)"); return }
        // Asked for the other band, January's answer is the amended threshold.
        let high = try WhyNotQuestion(parsing: "approver=division_manager", for: Self.set.latest)
        guard case .changes(let janAlts) = try Self.set.whyNot([high], json: Self.january).answers[0].outcome else { Issue.record("no changes"); return }
        #expect(janAlts.first?.changes.first?.condition == .ranges([WhyNotRange(lower: .money(Money(minorUnits: 50001)), upper: .money(Money(minorUnits: 500000)))]))
    }

    @Test func onlyAnotherVersionCould() throws {
        let q = try WhyNotQuestion(parsing: "approver=head_office", for: Self.set.latest)
        let a = try Self.set.whyNot([q], json: Self.december).answers[0]
        guard case .impossible(.onlyOtherVersions(let versions)) = a.outcome else { Issue.record("\(a.outcome)"); return }
        #expect(versions.map(\.version) == ["2.0.0"])
        #expect(a.text(.en).contains("only a different policy version could: 2.0.0 (effective 2027-01-01)"), "\(a.text(.en))")
        #expect(a.json().contains(#""reason":{"code":"only-other-versions","versions":[{"version":"2.0.0","effective":"2027-01-01""#))
        // Under the version that assigns it, it is a change of the case's inputs.
        guard case .changes = try Self.set.whyNot([q], json: Self.january).answers[0].outcome else { Issue.record("January"); return }
    }

    @Test func aValueOnlyAnotherDateGivesSaysSoRatherThanNoRule() throws {
        // 1.0.0 sends complaints over the band received from December 2026 to head office; 2.0.0 never does.
        let set = try PolicyVersions(versions: [
            Self.version("1.0.0", "2011-06-12", band: "300",
                         extra: #"      - {id: december-desk, when: 'received_at >= "2026-12-01T00:00:00+08:00"', then: {approver: head_office}}"#),
            Self.version("2.0.0", "2027-01-01", band: "500"),
        ])
        let q = try WhyNotQuestion(parsing: "approver=head_office", for: set.latest)
        let november = try set.whyNot([q], json: Self.bytes("2026-11-20T10:00:00+08:00", "400.00"))
        #expect(november.policy.version == "1.0.0")
        let a = november.answers[0]
        guard case .impossible(.onlyAnotherDate(let field)) = a.outcome else { Issue.record("\(a.outcome)"); return }
        #expect(field == "received_at")
        #expect(a.text(.en).contains("other than to `received_at`, the field that dates the case"), "\(a.text(.en))")
        #expect(!a.text(.en).contains("no rule assigns"))
        #expect(a.text(.zh).contains("除 `received_at`"))
        #expect(a.json().contains(#""reason":{"code":"only-another-date","field":"received_at"}"#), "\(a.json())")
        // The single version alone (no field held) answers with the date itself.
        let alone = try set.versions[0].whyNot([q], json: Self.bytes("2026-11-20T10:00:00+08:00", "400.00")).answers[0]
        guard case .changes(let alts) = alone.outcome else { Issue.record("\(alone.outcome)"); return }
        #expect(alts.contains { $0.changes.contains { $0.text(.en).contains("received_at") } })
    }

    /// The example set's illustrative amendment (2.0.0, from 2027-01-01 the first band rises from 300 to
    /// 500 yuan) answers the same 400-yuan complaint differently in December 2026 and in January 2027.
    @Test func theExampleAmendmentChangesTheAnswers() throws {
        let folder = shippedPolicyPath("examples/quality-complaints-amended")
        let set = try PolicyVersions.load(directory: folder)
        func example(_ name: String) throws -> [UInt8] {
            Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/examples/\(name).json")))
        }
        let questions = try ["approver=branch_manager", "approver=division_manager"].map { try WhyNotQuestion(parsing: $0, for: set.latest) }
        let december = try set.whyNot(questions, json: example("amount-400-2026-12-31"))
        let january = try set.whyNot(questions, json: example("amount-400-2027-01-01"))
        #expect(december.policy.version == "1.0.0")
        #expect(january.policy.version == "2.0.0")
        func upper(_ a: WhyNotAnswer) -> WhyNotCondition? {
            if case .changes(let alts) = a.outcome, alts.count == 1, alts[0].fields == ["cost"] { return alts[0].changes[0].condition }
            return nil
        }
        // December: branch_manager needs cost ≤ 300.00; it is already division_manager.
        #expect(upper(december.answers[0]) == .ranges([WhyNotRange(lower: nil, upper: .money(Money(minorUnits: 30000)))]))
        guard case .already = december.answers[1].outcome else { Issue.record("\(december.answers[1].outcome)"); return }
        // January: already branch_manager; division_manager needs cost above 500.00 (up to 1,000.00).
        guard case .already = january.answers[0].outcome else { Issue.record("\(january.answers[0].outcome)"); return }
        #expect(upper(january.answers[1]) == .ranges([WhyNotRange(lower: .money(Money(minorUnits: 50001)), upper: .money(Money(minorUnits: 100000)))]))
        #expect(december.text(.en).contains("cost] ≤ 300.00 (it is 400.00)"))
        #expect(january.text(.en).contains("cost] > 500.00 and ≤ 1,000.00 (it is 400.00)"), "\(january.text(.en))")
    }
}
