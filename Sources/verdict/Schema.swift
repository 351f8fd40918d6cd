import ArgumentParser
import Foundation
import Verdict

/// `verdict schema`: JSON Schemas of what Verdict reads. Each kind is a subcommand.
struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a JSON Schema (draft 2020-12) of what Verdict reads.",
        discussion: "`verdict schema language` prints the schema of policy files, for editors.",
        subcommands: [LanguageFormat.self]
    )

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
            print(LanguageSchema.json(for: tests ? .test : .policy), terminator: "")
        }
    }
}
