import ArgumentParser
import Foundation
import Verdict

struct Decide: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decide one case (--case) or a JSON Lines batch (--batch), printing JSON decisions.",
        discussion: """
        A batch is streamed: one decision per input line, in input order. A line that cannot be decided \
        prints {"case": ID, "line": N, "error": {...}} and the batch goes on. Exit 0 when every case was \
        decided, 1 when any failed, 2 when the policy set did not load.
        """)

    @OptionGroup var policy: PolicyOptions

    @OptionGroup var clock: ClockOptions

    @Option(name: .customLong("case"), help: "A JSON file holding one case, or - for standard input.")
    var casePath: String?

    @Option(help: "A JSON Lines file of cases, one per line, or - for standard input.")
    var batch: String?

    @Flag(help: "Add the explanation to each decision.")
    var explain = false

    @Option(help: "Threads deciding a batch (default: the cores available); results stay in input order.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Record every decision in this log (sqlite:PATH or postgres://USER@HOST:PORT/DB); a decision is printed once it is committed. Exit 3 when the log fails. Decides on one thread; the log writer is the other.", valueName: "log"))
    var log: String?

    func validate() throws {
        if (casePath == nil) == (batch == nil) { throw ValidationError("give exactly one of --case FILE or --batch FILE") }
        if jobs < 1 || jobs > 256 { throw ValidationError("--jobs takes a number of threads from 1 to 256") }
    }

    func run() throws {
        let now = try clock.instant
        let compiled = try policy.load()
        let logging = try log.map { try DecisionLogging(location: $0, policy: compiled, folder: policy.policies) }
        defer { logging?.close() }
        if let casePath {
            let bytes = try readInput(casePath)
            var out = OutputBuffer()
            do {
                let d = try compiled.decide(json: bytes, explain: explain, now: now)
                if let logging { logging.recordThenPrint(d, input: bytes); return }
                out.append(d.json() + "\n")
                try out.finish()
            } catch let error as CaseError {
                out.append(errorLine(error, line: nil) + "\n")
                try out.finish()
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(1)
            }
            return
        }
        if jobs > 1, logging == nil {
            let parallel = ParallelBatch(policy: compiled, jobs: jobs, explain: explain, now: now) { errorLine($0, line: $1) }
            try parallel.run(path: batch!, jobs: jobs)
            if let e = parallel.writeFailure {
                FileHandle.standardError.write(Data("error: cannot write the output: \(String(cString: strerror(e)))\n".utf8))
                throw ExitCode(1)
            }
            try report(failed: parallel.failed)
            return
        }
        var failed = 0
        var out = OutputBuffer()
        try BatchReader.lines(of: batch!) { number, bytes in
            if let logging {
                failed += logging.decide(bytes, explain: explain, now: now) { errorLine($0, line: number) }
                return
            }
            do {
                try compiled.decide(json: bytes, explain: explain, now: now).appendJSON(to: &out.bytes)
            } catch let error as CaseError {
                failed += 1
                out.append(errorLine(error, line: number))
            }
            out.append("\n")
        }
        try out.finish()
        logging?.finishOrExit()
        try report(failed: failed)
    }

    private func report(failed: Int) throws {
        if failed > 0 {
            FileHandle.standardError.write(Data("\(failed) case\(failed == 1 ? "" : "s") could not be decided\n".utf8))
            throw ExitCode(1)
        }
    }

    func errorLine(_ error: CaseError, line: Int?) -> String {
        var w = JSONWriter()
        w.object { w in
            w.key("case")
            if let id = error.caseID { w.string(id) } else { w.null() }
            if let line { w.field("line", line) }
            w.key("error")
            error.write(to: &w)
        }
        return w.output
    }
}
