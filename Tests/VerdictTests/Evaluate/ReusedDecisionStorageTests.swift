import Foundation
import Testing
@testable import Verdict

/// What a reused ``Decision`` keeps from one case to the next (``Decider/decide(_:now:into:)``): the
/// storage of the lists a `collect` table and an override build, and each clock's result in place.
/// Whatever is kept, the decision equals a new one for every case, and a copy taken earlier is never
/// changed by a later case.
@Suite("Reused decision storage")
struct ReusedDecisionStorageTests {
    static let quality = try! CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
    static let customer = try! CompiledPolicy.load(directory: shippedPolicyPath("customer-complaints"))
    static let now = Timestamp(millisecondsSinceEpoch: 1_772_500_000_000)  // 2026-03-03 (UTC)

    /// A quality complaint: `region` Henan brings the finance override on the signer chain; `tier`
    /// 3 (hospitalised) collects three notifications, tier 1 (pig hair) one; without `clocks` the
    /// next-contact clock does not start.
    static func quality(_ id: String, region: String, hospitalised: Bool, clocks: Bool = true) -> String {
        let times = #""received_at": "2026-03-02T09:15:00+08:00","# + (clocks ? #" "last_contact_at": "2026-03-03T10:00:00+08:00","# : "")
        return """
        {"id": "\(id)", \(times) "region": "\(region)", "branch": "Luoyang",
         "problem": "\(hospitalised ? "fly" : "pig_hair")", "eaten": true, "adverse_reaction": \(hospitalised),
         "hospitalised": \(hospitalised), "media_involved": false, "government_involved": false, "excessive_demand": false,
         "food_poisoning": false, "batch_problem": false, "cost": "\(hospitalised ? "1200.00" : "80.00")"}
        """
    }

    static let cases = [
        quality("h1", region: "Henan", hospitalised: true),
        quality("s1", region: "Shandong", hospitalised: false),
        quality("h2", region: "Henan", hospitalised: true, clocks: false),
        quality("s2", region: "Shandong", hospitalised: true),
        quality("h3", region: "Henan", hospitalised: false),
        quality("h4", region: "Henan", hospitalised: true),
    ]

    /// Every case decided into one decision gives what a new decision gives, and the copies kept of
    /// the earlier decisions still say what they said: a kept list's storage is never written again.
    @Test func reusedDecisionEqualsNewOnesAndCopiesStay() throws {
        let decider = Self.quality.decider()
        var reused = decider.reusableDecision()
        var kept: [(json: String, decision: Decision)] = []
        for json in Self.cases {
            let prepared = try Self.quality.prepare(json: json)
            try decider.decide(prepared, now: Self.now, into: &reused)
            let fresh = try Self.quality.decide(prepared, now: Self.now)
            #expect(reused.json() == fresh.json(), "\(json)")
            kept.append((fresh.json(), reused))
        }
        for (json, decision) in kept { #expect(decision.json() == json) }
        // The cases above do collect lists and apply the override, and clocks apply to some only.
        #expect(kept.contains { $0.decision.json().contains("finance") })
        #expect(Set(kept.map { $0.decision.clocks.count }).count > 1)
    }

    /// The lists are built in the storage the reused decision keeps: once a case has needed lists as
    /// long, deciding another case writes the same storage (no new list), and the output reads it.
    @Test func listStorageIsKeptAcrossCases() throws {
        let decider = Self.quality.decider()
        var reused = decider.reusableDecision()
        let first = try Self.quality.prepare(json: Self.cases[0])
        let second = try Self.quality.prepare(json: Self.cases[5])  // the same lists, another case
        try decider.decide(first, now: Self.now, into: &reused)
        #expect(reused.lists.count == Self.quality.program.listCount && !reused.lists.isEmpty)
        func addresses(_ d: Decision) -> [UnsafeRawPointer?] {
            d.lists.map { $0.withUnsafeBufferPointer { $0.isEmpty ? nil : UnsafeRawPointer($0.baseAddress) } }
        }
        let before = addresses(reused)
        #expect(before.contains { $0 != nil }, "no list was built")
        try decider.decide(second, now: Self.now, into: &reused)
        #expect(addresses(reused) == before)
        // Each list output shares the kept storage it was built in.
        for (o, l) in Self.quality.program.listOfOutput.enumerated() where l >= 0 {
            guard case .list(let items) = reused.values[o] else { continue }
            let shared = items.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } == before[Int(l)]
            #expect(shared || items.isEmpty, "output \(o)")
        }
    }

    /// A decision reused for another policy (another set's, or another version) keeps none of the
    /// clock results or lists of the first: each decision equals a new one.
    @Test func reusedAcrossPolicies() throws {
        let qualityDecider = Self.quality.decider(), customerDecider = Self.customer.decider()
        var reused = qualityDecider.reusableDecision()
        let customerCase = """
        {"id": "c1", "kind": "quality", "received_at": "2026-03-02T09:00:00+08:00", "determination": "quality_problem",
         "onsite_at": "2026-03-02T13:30:00+08:00"}
        """
        for _ in 0..<2 {
            let q = try Self.quality.prepare(json: Self.cases[0])
            try qualityDecider.decide(q, now: Self.now, into: &reused)
            #expect(reused.json() == (try Self.quality.decide(q, now: Self.now)).json())
            let c = try Self.customer.prepare(json: customerCase)
            try customerDecider.decide(c, now: Self.now, into: &reused)
            let fresh = try Self.customer.decide(c, now: Self.now)
            #expect(reused.json() == fresh.json())
            #expect(reused.clocks.map(\.name) == fresh.clocks.map(\.name))
            #expect(reused.clocks == fresh.clocks)
        }
    }

    /// A clock result updated in place carries no status, remaining or overdue time from the case
    /// before: judged without an instant, it has none.
    @Test func clockResultsUpdatedInPlaceLoseTheLastStatus() throws {
        let decider = Self.quality.decider()
        var reused = decider.reusableDecision()
        let prepared = try Self.quality.prepare(json: Self.cases[0])
        try decider.decide(prepared, now: Self.now, into: &reused)
        #expect(reused.clocks.contains { $0.status != nil })
        try decider.decide(prepared, now: nil, into: &reused)
        let fresh = try Self.quality.decide(prepared)
        #expect(reused.clocks == fresh.clocks)
        #expect(reused.clocks.allSatisfy { $0.status == nil && $0.remaining == nil && $0.overdue == nil && $0.now == nil })
    }
}
