import ArgumentParser
import Foundation
import Verdict

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a JSON Schema (draft 2020-12) for editors.",
        discussion: """
        `verdict schema language` prints the schema of policy files (every section and key, with the \
        descriptions of the language reference); with --tests, the schema of test files (*.test.yaml). \
        The repository ships both in schema/; a file's first line \
        `# yaml-language-server: $schema=PATH` points editors at one.
        """)

    enum Subject: String, ExpressibleByArgument, CaseIterable {
        case language
    }

    @Argument(help: ArgumentHelp("What to describe: `language`, the format of policy and test files.", valueName: "subject"))
    var subject: Subject?

    @Flag(help: "The schema of test files (*.test.yaml) instead of policy files.")
    var tests = false

    func validate() throws {
        if subject == nil { throw ValidationError("say what to describe: `verdict schema language`") }
    }

    func run() throws {
        print(LanguageSchema.json(for: tests ? .test : .policy), terminator: "")
    }
}
