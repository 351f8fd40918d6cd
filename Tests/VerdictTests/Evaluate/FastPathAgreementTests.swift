import Testing
@testable import Verdict

/// The fast paths (byte decoder, stripped conditions, bitsets, folded constants) must decide exactly
/// as the careful paths (JSON tree decoder, explanation recorder) do, on thousands of generated cases.
@Suite("Fast and careful paths agree")
struct FastPathAgreementTests {
    static let policies: [(String, CompiledPolicy)] = [("quality-complaints", qualityComplaints), ("customer-complaints", customerComplaints)]

    @Test(arguments: policies.map(\.0))
    func decisionsAgree(_ name: String) throws {
        let policy = Self.policies.first { $0.0 == name }!.1
        var generator = CaseGenerator(policy: policy, seed: 99)
        let now = t("2026-06-01T12:00:00+08:00")
        for _ in 0..<3000 {
            let json = Array(generator.nextJSON().utf8)
            let fastSlots = try #require(policy.fastDecoder.decode(json))
            var careful = CaseDecoder(policy: policy)
            let carefulSlots = try #require(careful.decode(json: try JSONReader.parse(json)))
            #expect(fastSlots == carefulSlots)
            let plain = try? policy.decide(json: json, now: now)
            let explained = try? policy.decide(json: json, explain: true, now: now)
            #expect(plain?.json() == explained.map { d in
                Decision(caseID: d.caseID, explanation: nil, values: d.values, clocks: d.clocks, now: d.now, compiled: policy).json()
            })
        }
    }

    @Test func fastDecoderDefersAnythingUnusualToTheCarefulOne() {
        let unusual = [
            #"{"id": "x\u0041", "kind": "quality", "received_at": "2026-03-02T10:00:00+08:00"}"#,  // an escape
            #"{"kind": "quality", "id": "x", "received_at": "2026-03-02T10:00:00+08:00"}"#,       // another order is fine
            #"{"id": "x", "kind": "qualty", "received_at": "2026-03-02T10:00:00+08:00"}"#,       // a typo
        ]
        #expect(customerComplaints.fastDecoder.decode(Array(unusual[0].utf8)) == nil)
        #expect(customerComplaints.fastDecoder.decode(Array(unusual[1].utf8)) != nil)
        #expect(customerComplaints.fastDecoder.decode(Array(unusual[2].utf8)) == nil)
        #expect((try? customerComplaints.decide(json: Array(unusual[0].utf8)))?.caseID == "xA")
    }
}
