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

    @Option(help: ArgumentHelp("Run only this loop, once, with no timing: decide, reuse, trace, explain, json, answer or whynot (for instruction counts under callgrind).",
                               valueName: "loop"))
    var only: String?

    @Option(name: .customLong("why-not"), help: ArgumentHelp("The question of the whynot loop.", valueName: "question"))
    var whyNot = "approver=branch_manager"

    static let loops = ["decide", "reuse", "trace", "explain", "json", "answer", "whynot"]

    func validate() throws {
        if iterations < 1 { throw ValidationError("--iterations must be at least 1") }
        if let only, !Self.loops.contains(only) {
            throw ValidationError("--only takes decide, reuse, trace, explain, json, answer or whynot")
        }
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

        if only == "whynot" || only == "answer" {
            try serviceAnswer(json, question: only == "whynot" ? whyNot : nil)
            return
        }
        if let only {
            // One pass of one loop, for instruction counts: `valgrind --tool=callgrind verdict bench --only decide`.
            let decider = compiled.decider()
            var out: [UInt8] = []
            var reused = decider.reusableDecision()
            for i in 0..<iterations {
                switch only {
                case "decide": _ = try? decider.decide(prepared[i % prepared.count])
                case "reuse": try? decider.decide(prepared[i % prepared.count], into: &reused)
                case "trace": _ = try? decider.decide(prepared[i % prepared.count], explain: true)
                case "explain":
                    out.removeAll(keepingCapacity: true)
                    try? decider.decide(prepared[i % prepared.count], explain: true).appendJSON(to: &out)
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
        let decider = compiled.decider()
        let decide = perDecision(iterations) { i in _ = try? decider.decide(prepared[i % prepared.count]) }
        var reused = decider.reusableDecision()
        let reuse = perDecision(iterations) { i in try? decider.decide(prepared[i % prepared.count], into: &reused) }
        let trace = perDecision(max(1, iterations / 10)) { i in _ = try? decider.decide(prepared[i % prepared.count], explain: true) }
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        let explainJSON = perDecision(max(1, iterations / 10)) { i in
            out.removeAll(keepingCapacity: true)
            try? decider.decide(prepared[i % prepared.count], explain: true).appendJSON(to: &out)
        }
        let endToEnd = perDecision(max(1, iterations / 2)) { i in
            out.removeAll(keepingCapacity: true)
            try? compiled.decide(json: json[i % json.count]).appendJSON(to: &out)
        }
        func throughput(_ threads: Int) -> Double {
            let n = iterations * 5
            let s = DispatchTime.now()
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                // Per thread: its own decider and its own cases, prepared from the JSON again (a copy of
                // the array would share each case's strings), so no reference count is shared.
                let decider = compiled.decider()
                let mine = json.compactMap { try? decider.policy.prepare(json: $0) }
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
        // The service's and the C library's path: one set shared by every thread, JSON in, the
        // version by the case's date, this thread's decider, the JSON answer out.
        let versions = try policy.loadVersions()
        let request = DecisionRequest(now: Timestamp(Date()))
        func answers(_ threads: Int) -> Double {
            let n = iterations * 2
            let s = DispatchTime.now()
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                let mine = json.map { Array($0) }  // the thread's own bytes, as a request's body is
                var i = t
                while i < n {
                    if let response = try? versions.answer(request, json: mine[i % mine.count]) {
                        var w = JSONWriter(capacity: response.capacity)
                        response.write(to: &w)
                    }
                    i += threads
                }
            }
            return Double(n) / (Double(DispatchTime.now().uptimeNanoseconds - s.uptimeNanoseconds) / 1e9)
        }
        let answerOne = (0..<3).map { _ in answers(1) }.max()!
        let answerTwo = (0..<3).map { _ in answers(2) }.max()!
        print("""
        \(compiled.identity.name) \(compiled.identity.version) (\(ProcessInfo.processInfo.activeProcessorCount) cores)
          compile from files          \(String(format: "%8.2f", compileNs / 1e6)) ms
          decide (prepared case)      \(String(format: "%8.0f", decide)) ns
          decide into a reused result \(String(format: "%8.0f", reuse)) ns
          decide with compact trace   \(String(format: "%8.0f", trace)) ns
          ... explanation as JSON     \(String(format: "%8.0f", explainJSON)) ns
          JSON in, decide, JSON out   \(String(format: "%8.0f", endToEnd)) ns   (\(String(format: "%.0f", 1e9 / endToEnd)) cases/s)
          decisions/s, 1 thread       \(String(format: "%8.0f", one))
          decisions/s, 2 threads      \(String(format: "%8.0f", two))   (\(String(format: "%.2f", two / one))×)
          answers/s (service path), 1 \(String(format: "%8.0f", answerOne))
          answers/s (service path), 2 \(String(format: "%8.0f", answerTwo))   (\(String(format: "%.2f", answerTwo / answerOne))×)
        """)
    }

    /// The answer and whynot loops: what the service's `POST /v1/policies/{name}/decide` (with
    /// `?why_not=QUESTION` for whynot) and the C library's `verdict_decide` do for each case after
    /// reading its body: one ``DecisionRequest``, answered by ``PolicyVersions/answer(_:json:)`` (the
    /// version in force on the case's date, the question read against it, the decision by this
    /// thread's decider, the why-not answers), and the JSON answer written and copied once, as the
    /// route copies it into the response.
    func serviceAnswer(_ json: [[UInt8]], question: String?) throws {
        let versions = try policy.loadVersions()
        if let question, !versions.versions.contains(where: { (try? WhyNotQuestion(parsing: question, for: $0)) != nil }) {
            throw ValidationError("`\(question)` is not a question for \(versions.name): no version has that output and value")
        }
        let request = DecisionRequest(now: Timestamp(Date()), whyNot: question.map { [$0] } ?? [])
        var answered = 0
        for i in 0..<iterations {
            guard let response = try? versions.answer(request, json: json[i % json.count]) else { continue }
            var w = JSONWriter(capacity: response.capacity)
            response.write(to: &w)
            let body = w.bytes  // the route copies the answer once, into the response's buffer
            answered += body.isEmpty ? 0 : 1
        }
        print("\(question == nil ? "answer" : "whynot"): \(iterations) requests, \(answered) answered")
    }
}
