import ArgumentParser
import Foundation
import Verdict

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain the decision for one case as text: every rule, the values compared, overrides and sources.",
        discussion: """
        With --why-not, answer what would have to differ instead: --why-not OUTPUT=VALUE (why is it not this \
        value), --why-not OUTPUT (why not any other value, or why is it absent), --why-not 'OUTPUT contains \
        MEMBER' (a list). Repeat it to ask several. Each answer gives the smallest sets of field changes, or \
        says that no change can give it and why, or names the condition the analyser does not reason about.
        """)

    @OptionGroup var policy: PolicyOptions

    @OptionGroup var clock: ClockOptions

    @Option(name: .customLong("case"), help: "A JSON file holding one case, or - for standard input.")
    var casePath: String

    @Option(help: "The language of the explanation: en or zh.")
    var lang: Language = .en

    @Option(help: "text, or json (the explanation's JSON, or the answers' with --why-not).")
    var format: String = "text"

    @Option(name: .customLong("why-not"), help: ArgumentHelp("Ask what would have to differ: OUTPUT=VALUE, OUTPUT, or 'OUTPUT contains MEMBER' (repeatable).", valueName: "question"))
    var whyNot: [String] = []

    @OptionGroup var input: InputOptions

    func validate() throws {
        guard format == "text" || format == "json" else { throw ValidationError("--format is text or json") }
    }

    func run() throws {
        let now = try clock.instant
        let versions = try policy.loadVersions()
        let bytes: [UInt8]
        switch try input.readCase(casePath) {
        case .success(let b): bytes = b
        case .failure(let error): throw CommandFailure.refused("\(error)")
        }
        // The one decision request: the version in force on the case's date explains it, or answers
        // its questions (where only another version gives the value, the answer says so).
        let request = DecisionRequest(language: lang, now: now, whyNot: whyNot, format: format == "json" ? .explanation : .text)
        let response: DecisionResponse
        do { response = try versions.answer(request, json: bytes) } catch {
            switch error {
            case .refused(let caseError, _): throw CommandFailure.refused("\(caseError)")
            case let .invalidQuestion(text, reason):
                throw ValidationError("--why-not \(TextEscaping.escaped(text)): \(TextEscaping.escaped("\(reason)"))")
            }
        }
        try writeOutput(response.rendered() + (format == "json" ? "\n" : ""))
    }
}
