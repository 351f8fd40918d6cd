import ArgumentParser
import Foundation
import Verdict

struct Measure: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decide a JSON Lines batch and report the policy's aggregate measures against their targets.",
        discussion: "Streams the batch: memory grows with the number of groups, not of cases. Exit 0 when every target is met, 1 when any is missed or no case could be decided (an empty or all-refused batch), 2 when the policy did not load, 66 when the input is a folder or cannot be read.")

    enum Format: String, ExpressibleByArgument { case text, json }

    @OptionGroup var policy: PolicyOptions

    @Option(help: "A JSON Lines file of cases, or - for standard input.")
    var batch: String

    @Option(help: "Group every measure by this field (default: each measure's own `by`).")
    var by: String?

    @Option(help: "text or json.")
    var format: Format = .text

    @Option(help: "Language of the text table: en or zh.")
    var lang: Language = .en

    @OptionGroup var input: InputOptions

    func run() throws {
        let compiled = try policy.load()
        var accumulator: MeasureAccumulator
        do { accumulator = try MeasureAccumulator(policy: compiled, groupBy: by) } catch {
            throw CommandFailure.didNotLoad("\(error)\n")
        }
        try BatchReader.lines(of: batch, maxLineBytes: input.maxLineBytes, tooLong: { _, _ in accumulator.addRefused() }) { _, bytes in
            accumulator.add(json: bytes)
        }
        try writeOutput(format == .json ? accumulator.json() + "\n" : accumulator.text(lang))
        if accumulator.decided == 0 {
            // No case decided: no target can be judged, which is not "every target met".
            throw CommandFailure.failed("no case of `\(TextEscaping.escaped(batch))` was decided (\(accumulator.refused) refused), so no measure could be judged")
        }
        if accumulator.report().contains(where: { $0.met == false }) { throw CommandFailure.findings }
    }
}
