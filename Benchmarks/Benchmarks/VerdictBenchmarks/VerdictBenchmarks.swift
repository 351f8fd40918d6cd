import Benchmark
import Dispatch
import Foundation
import Verdict

// Run from Benchmarks/: swift package --disable-sandbox benchmark
// Each shipped policy set: compile from files; decide a prepared case without and with an
// explanation; decide from JSON bytes; and decisions from 1 and 2 threads on one compiled policy.

let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func policyPath(_ name: String) -> String { repositoryRoot.appendingPathComponent("policies/\(name)").path }

/// 1,000 generated cases (seeded) as JSON bytes and as prepared cases.
func corpus(_ policy: CompiledPolicy) -> (json: [[UInt8]], prepared: [PreparedCase]) {
    var generator = CaseGenerator(policy: policy, seed: 42)
    let json = (0..<1000).map { _ in Array(generator.nextJSON().utf8) }
    return (json, json.map { try! policy.prepare(json: $0) })
}

let now = try! Timestamp(rfc3339: "2026-06-01T12:00:00+08:00")

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .nanoseconds,
        warmupIterations: 1000,
        maxDuration: .seconds(2),
        maxIterations: 1_000_000)

    for name in ["quality-complaints", "customer-complaints"] {
        let path = policyPath(name)
        let policy = try! CompiledPolicy.load(directory: path)
        let (json, prepared) = corpus(policy)

        Benchmark("\(name): compile from files", configuration: .init(timeUnits: .microseconds, maxIterations: 2000)) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try CompiledPolicy.load(directory: path)) }
        }
        Benchmark("\(name): decide") { benchmark in
            for i in benchmark.scaledIterations { blackHole(try policy.decide(prepared[i % prepared.count])) }
        }
        Benchmark("\(name): decide with explanation") { benchmark in
            for i in benchmark.scaledIterations { blackHole(try policy.decide(prepared[i % prepared.count], explain: true)) }
        }
        Benchmark("\(name): decide with clocks judged at now") { benchmark in
            for i in benchmark.scaledIterations { blackHole(try policy.decide(prepared[i % prepared.count], now: now)) }
        }
        Benchmark("\(name): JSON in, decide, JSON out") { benchmark in
            var out: [UInt8] = []
            out.reserveCapacity(4096)
            for i in benchmark.scaledIterations {
                out.removeAll(keepingCapacity: true)
                try policy.decide(json: json[i % json.count], now: now).appendJSON(to: &out)
                blackHole(out)
            }
        }
        for threads in [1, 2] {
            // 100,000 decisions split over the threads; throughput is decisions per second × 100,000.
            Benchmark("\(name): 100k decisions on \(threads) thread\(threads == 1 ? "" : "s")",
                      configuration: .init(metrics: [.wallClock, .throughput], timeUnits: .milliseconds, maxIterations: 50)) { benchmark in
                for _ in benchmark.scaledIterations {
                    DispatchQueue.concurrentPerform(iterations: threads) { t in
                        let decider = policy.decider()  // one per thread
                        var i = t
                        while i < 100_000 {
                            blackHole(try? decider.decide(prepared[i % prepared.count]))
                            i += threads
                        }
                    }
                }
            }
        }
    }
}
