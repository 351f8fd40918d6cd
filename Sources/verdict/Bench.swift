import ArgumentParser
import Dispatch
import Foundation
import Verdict

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a policy set on this machine: compile time, time per decision, and throughput on 1 and 2 threads.",
        discussion: "Cases are generated from the policy's schema with a fixed seed. Build with -c release for meaningful figures.")

    @OptionGroup var policy: PolicyOptions

    @Option(help: "Decisions per measurement.")
    var iterations: Int = 200_000

    @Option(help: ArgumentHelp("Run only this loop, once, with no timing: decide, explain, json or batch (for instruction counts under callgrind).",
                               valueName: "loop"))
    var only: String?

    func validate() throws {
        if iterations < 1 { throw ValidationError("--iterations must be at least 1") }
        if let only, !["decide", "explain", "json"].contains(only) { throw ValidationError("--only takes decide, explain or json") }
    }

    func run() throws {
        let started = DispatchTime.now()
        let compiled = try policy.load()
        var compileNs = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds)
        for _ in 0..<20 {
            let s = DispatchTime.now()
            _ = try policy.load()
            compileNs = min(compileNs, Double(DispatchTime.now().uptimeNanoseconds - s.uptimeNanoseconds))
        }
        var generator = CaseGenerator(policy: compiled, seed: 42)
        let json = (0..<1000).map { _ in Array(generator.nextJSON().utf8) }
        let prepared = json.compactMap { try? compiled.prepare(json: $0) }

        if let only {
            // One pass of one loop, for instruction counts: `valgrind --tool=callgrind verdict bench --only decide`.
            let decider = compiled.decider()
            var out: [UInt8] = []
            for i in 0..<iterations {
                switch only {
                case "decide": _ = try? decider.decide(prepared[i % prepared.count])
                case "explain": _ = try? decider.decide(prepared[i % prepared.count], explain: true).json()
                default:
                    out.removeAll(keepingCapacity: true)
                    try? decider.decide(json: json[i % json.count]).appendJSON(to: &out)
                }
            }
            print("\(only): \(iterations) decisions")
            return
        }
        func perDecision(_ n: Int, _ body: (Int) -> Void) -> Double {
            var best = Double.infinity
            for _ in 0..<5 {
                let s = DispatchTime.now()
                for i in 0..<n { body(i) }
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - s.uptimeNanoseconds) / Double(n))
            }
            return best
        }
        let decide = perDecision(iterations) { i in _ = try? compiled.decide(prepared[i % prepared.count]) }
        let explain = perDecision(iterations / 10) { i in _ = try? compiled.decide(prepared[i % prepared.count], explain: true) }
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        let endToEnd = perDecision(iterations / 2) { i in
            out.removeAll(keepingCapacity: true)
            try? compiled.decide(json: json[i % json.count]).appendJSON(to: &out)
        }
        func throughput(_ threads: Int) -> Double {
            let n = iterations * 5
            let s = DispatchTime.now()
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                // Per thread: its own decider and its own array of cases, so no reference count is shared.
                let decider = compiled.decider()
                let mine = prepared.map { $0 }
                var i = t
                while i < n {
                    _ = try? decider.decide(mine[i % mine.count])
                    i += threads
                }
            }
            return Double(n) / (Double(DispatchTime.now().uptimeNanoseconds - s.uptimeNanoseconds) / 1e9)
        }
        let one = (0..<5).map { _ in throughput(1) }.max()!
        let two = (0..<5).map { _ in throughput(2) }.max()!
        print("""
        \(compiled.identity.name) \(compiled.identity.version) (\(ProcessInfo.processInfo.activeProcessorCount) cores)
          compile from files          \(String(format: "%8.2f", compileNs / 1e6)) ms
          decide (prepared case)      \(String(format: "%8.0f", decide)) ns
          decide with explanation     \(String(format: "%8.0f", explain)) ns
          JSON in, decide, JSON out   \(String(format: "%8.0f", endToEnd)) ns   (\(String(format: "%.0f", 1e9 / endToEnd)) cases/s)
          decisions/s, 1 thread       \(String(format: "%8.0f", one))
          decisions/s, 2 threads      \(String(format: "%8.0f", two))   (\(String(format: "%.2f", two / one))×)
        """)
    }
}
