import ArgumentParser
import Foundation
import Verdict

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain the decision for one case as text: every rule, the values compared, overrides and sources.")

    @OptionGroup var policy: PolicyOptions

    @OptionGroup var clock: ClockOptions

    @Option(name: .customLong("case"), help: "A JSON file holding one case, or - for standard input.")
    var casePath: String

    @Option(help: "The language of the explanation: en or zh.")
    var lang: Language = .en

    @OptionGroup var input: InputOptions

    func run() throws {
        let now = try clock.instant
        let compiled = try policy.load()
        do {
            let d = try compiled.decide(json: try input.readCase(casePath).get(), explain: true, now: now)
            try writeOutput(d.explanation!.text(lang))
        } catch let error as CaseError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
