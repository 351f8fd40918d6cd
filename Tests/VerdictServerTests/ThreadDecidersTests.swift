import Foundation
import Testing
@testable import Verdict
@testable import VerdictServer

/// The service decides through a decider of the handling thread's own (``ThreadDeciders``): the same
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

    @Test func anotherThreadHasItsOwnDecider() {
        let here = ThreadDeciders.decider(for: Self.policy)
        nonisolated(unsafe) var there: Decider?
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            there = ThreadDeciders.decider(for: Self.policy)
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(there != nil)
        #expect(there !== here)
        #expect(there?.policy === Self.policy)
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

    @Test func itsDecisionsAreThePolicys() throws {
        var generator = CaseGenerator(policy: Self.policy, seed: 11)
        var compared = 0
        for _ in 0..<200 {
            let json = Array(generator.nextJSON().utf8)
            let expected = try? Self.policy.decide(json: json)
            let got = try? ThreadDeciders.decider(for: Self.policy).decide(json: json)
            #expect(expected?.json() == got?.json())
            if expected != nil { compared += 1 }
        }
        #expect(compared >= 100)
    }
}
