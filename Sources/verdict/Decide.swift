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

    @Flag(help: "Add the explanation to each decision (in full: --explanation full).")
    var explain = false

    @Option(help: ArgumentHelp("How much explanation to add: none, compact (the rules that decided and the overrides that applied) or full (every rule).", valueName: "detail"))
    var explanation: ExplanationDetail?

    @Option(help: "Threads deciding a batch (default: the cores available); results stay in input order.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Record every decision in this log (sqlite:PATH or postgres://USER@HOST:PORT/DB); a decision is printed once it is committed. Exit 3 when the log fails. Decides on one thread; the log writer is the other.", valueName: "log"))
    var log: String?

    func validate() throws {
        if (casePath == nil) == (batch == nil) { throw ValidationError("give exactly one of --case FILE or --batch FILE") }
        if jobs < 1 || jobs > 256 { throw ValidationError("--jobs takes a number of threads from 1 to 256") }
        if explain, let explanation, explanation != .full { throw ValidationError("--explain asks for the full explanation; give --explanation \(explanation.rawValue) alone") }
    }

    /// The question put to the library for every case.
    func request(now: Timestamp) -> DecisionRequest {
        DecisionRequest(explanation: explanation ?? (explain ? .full : .none), now: now)
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
                let response: DecisionResponse
                do { response = try compiled.answer(request(now: now), json: bytes) } catch { throw error.caseError }
                if let logging { logging.recordThenPrint(response, input: bytes); return }
                response.appendRendered(to: &out.bytes)
                out.append("\n")
                try out.finish()
            } catch let error as CaseError {
                out.append(error.answerJSON() + "\n")
                try out.finish()
                throw CommandFailure.refused("\(error)")
            }
            return
        }
        // The one batch engine: lines answered in input order on `jobs` threads, each answer written
        // as soon as those before it are; with a log, on one thread, each printed once committed.
        var writeFailure: Int32?
        let engine = DecisionBatch(set: compiled, request: request(now: now), jobs: jobs,
                                  limits: DecisionBatch.Limits(maxLineBytes: input.maxLineBytes),
                                  each: logging.map { logging in { _, answer, line in logging.record(answer, line: line) } }) { bytes in
            if logging == nil, writeFailure == nil, let e = OutputBuffer.write(bytes, to: 1) { writeFailure = e }
        }
        // The versions start serving (recorded in the log) once the input is open: a batch that cannot
        // read its input records no spell of service.
        let summary = try BatchReader.feed(batch!, to: engine) { try logging?.batchStarted() }
        logging?.finishOrExit()
        if let writeFailure { throw CommandFailure.outputFailed(errno: writeFailure) }
        try report(failed: summary.refused, cases: summary.lines)
    }

    private func report(failed: Int, cases: Int) throws {
        if cases == 0 { throw CommandFailure.noCases(path: batch!, verb: "decided") }
        if failed > 0 { throw CommandFailure.refused("\(failed) case\(failed == 1 ? "" : "s") could not be decided") }
    }
}

extension ExplanationDetail: ExpressibleByArgument {}
