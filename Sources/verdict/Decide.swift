import ArgumentParser
import Foundation
import Verdict

struct Decide: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decide one case (--case) or a JSON Lines batch (--batch), printing JSON decisions.",
        discussion: """
        A batch is streamed: one decision per input line, in input order, written as it goes. A line that \
        cannot be decided (or is longer than --max-line-bytes) prints {"case": ID, "line": N, "error": {...}} \
        and the batch goes on. A set with several versions decides each case by the version in force on its \
        date (its effective_by field, or --now); the decision names that version. Exit 0 when every case was decided, 1 when any failed or the input holds no \
        case, 2 when the policy set did not load, 66 when the input is a folder or cannot be read.
        """)

    @OptionGroup var policy: PolicyOptions

    @OptionGroup var clock: ClockOptions

    @OptionGroup var input: InputOptions

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
        let compiled = try policy.loadVersions()
        let logging = try log.map { try DecisionLogging(location: $0, policies: compiled) }
        defer { logging?.close() }
        if let casePath {
            var out = OutputBuffer()
            do {
                let bytes = try input.readCase(casePath).get()
                let d = try compiled.decide(json: bytes, explain: explain, now: now)
                if let logging { logging.recordThenPrint(d, input: bytes); return }
                out.append(d.json() + "\n")
                try out.finish()
            } catch let error as CaseError {
                out.append(errorLine(error, line: nil) + "\n")
                try out.finish()
                throw CommandFailure.refused("\(error)")
            }
            return
        }
        let limit = input.maxLineBytes
        if jobs > 1, logging == nil {
            let parallel = ParallelBatch(policy: compiled, jobs: jobs, explain: explain, now: now, maxLineBytes: limit) { errorLine($0, line: $1) }
            let summary = try parallel.run(path: batch!, jobs: jobs)
            if let e = parallel.writeFailure { throw CommandFailure.outputFailed(errno: e) }
            try report(failed: parallel.failed, cases: summary.lines)
            return
        }
        var failed = 0
        var out = OutputBuffer()
        // Output already decided is written before the reader waits for more input, and in 64 KiB pieces.
        let summary = try BatchReader.lines(of: batch!, maxLineBytes: limit, waiting: { out.flush() }, tooLong: { number, length in
            failed += 1
            out.append(errorLine(.tooLarge(length, limit: limit), line: number) + "\n")
        }) { number, bytes in
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
        try report(failed: failed, cases: summary.lines)
    }

    private func report(failed: Int, cases: Int) throws {
        if cases == 0 { throw CommandFailure.noCases(path: batch!, verb: "decided") }
        if failed > 0 { throw CommandFailure.refused("\(failed) case\(failed == 1 ? "" : "s") could not be decided") }
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
