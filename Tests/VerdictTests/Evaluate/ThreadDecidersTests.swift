import Foundation
import Testing
@testable import Verdict

/// A decision request is decided through a decider of the handling thread's own (``ThreadDeciders``): the same
/// decisions as the policy's, a decider kept per thread and per version, and a bounded cache.
@Suite("per-thread deciders")
struct ThreadDecidersTests {
    static let policy = try! CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))

    @Test func aThreadKeepsOneDeciderPerPolicy() throws {
        let other = try CompiledPolicy.load(directory: shippedPolicyPath("customer-complaints"))
        let a = ThreadDeciders.decider(for: Self.policy)
        #expect(a === ThreadDeciders.decider(for: Self.policy))
        #expect(a.policy === Self.policy)
        let b = ThreadDeciders.decider(for: other)
        #expect(b !== a)
        #expect(b.policy === other)
    }

    @Test func anotherThreadHasItsOwnDecider() throws {
        let here = ThreadDeciders.decider(for: Self.policy)
        nonisolated(unsafe) var there: Decider?
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            there = ThreadDeciders.decider(for: Self.policy)
            done.signal()
        }
        thread.start()
        done.wait()
        let theirs = try #require(there)
        #expect(theirs !== here)
        #expect(theirs.policy === Self.policy)
    }

    @Test func theCacheIsBounded() throws {
        let first = ThreadDeciders.decider(for: Self.policy)
        // More policies than a thread keeps: the cache is emptied and refilled, so the first
        // policy's decider is made anew.
        var kept: [CompiledPolicy] = []
        for _ in 0..<ThreadDeciders.limit {
            let p = try CompiledPolicy.load(directory: shippedPolicyPath("after-sales-template"))
            kept.append(p)
            _ = ThreadDeciders.decider(for: p)
        }
        #expect(ThreadDeciders.decider(for: Self.policy) !== first)
    }

    /// The same result as the policy's for every case: the same decision, or the same error (a case
    /// whose dates are moved to the end of time overflows its deadlines and is refused by both).
    @Test func itsDecisionsAreThePolicys() throws {
        var generator = CaseGenerator(policy: Self.policy, seed: 11)
        var decided = 0, refused = 0
        for k in 0..<300 {
            var text = generator.nextJSON()
            if k % 3 == 2 { text = text.replacingOccurrences(of: #""\d{4}-\d\d-\d\d"#, with: "\"9999-12-31", options: .regularExpression) }
            let json = Array(text.utf8)
            let expected = Result { () throws(CaseError) in try Self.policy.decide(json: json) }
            let got = Result { () throws(CaseError) in try ThreadDeciders.decider(for: Self.policy).decide(json: json) }
            switch (expected, got) {
            case let (.success(a), .success(b)):
                #expect(a.json() == b.json())
                decided += 1
            case let (.failure(a), .failure(b)):
                #expect(a == b)
                refused += 1
            case let (.success(a), .failure(e)):
                Issue.record("the policy decides (\(a.json())) where the thread's decider throws \(e)")
            case let (.failure(e), .success(b)):
                Issue.record("the policy throws \(e) where the thread's decider decides \(b.json())")
            }
        }
        #expect(decided >= 100, "\(decided) decided, \(refused) refused")
        #expect(refused >= 30, "\(decided) decided, \(refused) refused")
    }
}
