import ArgumentParser
import Foundation
import Verdict

/// `verdict schema`: JSON Schemas of what Verdict reads. Each kind is a subcommand; the case input
/// is the default, so `verdict schema --policies DIR` and `verdict schema case --policies DIR` agree.
struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a JSON Schema (draft 2020-12) of what Verdict reads.",
        discussion: """
        `verdict schema --policies DIR` (or `verdict schema case --policies DIR`) prints the schema of the \
        cases DIR decides, as `GET /v1/policies/{name}/schema` serves it; `verdict schema language` prints \
        the schema of policy files, for editors.
        """,
        subcommands: [CaseInput.self, LanguageFormat.self],
        defaultSubcommand: CaseInput.self
    )

    struct CaseInput: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "case",
            abstract: "The JSON Schema of a policy set's case input, from its fields.",
            discussion: "Exit 0, or 2 when the policy set does not load.")

        @OptionGroup var policy: PolicyOptions

        func run() throws {
            try writeOutput(CaseSchema.json(for: try policy.load()) + "\n")
        }
    }

    struct LanguageFormat: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "language",
            abstract: "The JSON Schema of policy files, or with --tests of test files, for editors.",
            discussion: """
            Every section and key of the policy language, with the descriptions of the language \
            reference (docs/language.md). The repository ships both schemas in schema/; a file's first \
            line `# yaml-language-server: $schema=PATH` points editors at one. Exit 0.
            """)

        @Flag(help: "The schema of test files (*.test.yaml) instead of policy files.")
        var tests = false

        func run() throws {
            try writeOutput(LanguageSchema.json(for: tests ? .test : .policy))
        }
    }
}
