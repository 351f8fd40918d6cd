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
        do {
            let bytes = try input.readCase(casePath).get()
            // The version in force on the case's date explains it and answers its questions.
            let compiled = try versions.version(for: bytes, now: now)
            var questions: [WhyNotQuestion] = []
            for text in whyNot {
                do { questions.append(try Self.question(text, compiled, versions)) } catch {
                    throw ValidationError("--why-not \(TextEscaping.escaped(text)): \(TextEscaping.escaped("\(error)"))")
                }
            }
            if !questions.isEmpty {
                // Answered by that version; where only another version gives the value, the answer says so.
                let answers = try versions.whyNot(questions, json: bytes, now: now)
                try writeOutput(format == "json" ? answers.json() + "\n" : answers.text(lang))
                return
            }
            let d = try compiled.decide(json: bytes, explain: true, now: now)
            try writeOutput(format == "json" ? d.explanation!.json() + "\n" : d.explanation!.text(lang))
        } catch let error as CaseError {
            throw CommandFailure.refused("\(error)")
        }
    }

    /// A question read against the version in force, or else against any version that has its output and value.
    static func question(_ text: String, _ compiled: CompiledPolicy, _ set: PolicyVersions) throws -> WhyNotQuestion {
        do { return try WhyNotQuestion(parsing: text, for: compiled) } catch {
            for v in set.versions.reversed() {
                if let q = try? WhyNotQuestion(parsing: text, for: v) { return q }
            }
            throw error
        }
    }
}
