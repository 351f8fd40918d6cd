import ArgumentParser
import Foundation
import Verdict

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the YAML tests (*.test.yaml) beside a policy set.",
        discussion: "Prints each failure with its file:line, then `N passed, N failed`. Exit 0 when all pass, 1 on any failure, 2 when the policy or a test file does not load.")

    enum Format: String, ExpressibleByArgument { case text, json }

    @Argument(help: "The policy set folder.")
    var directory: String

    @Flag(help: "Also report the rules, overrides, exceptions and clocks no test exercised.")
    var coverage = false

    @Option(help: "text or json.")
    var format: Format = .text

    func run() throws {
        let policy: CompiledPolicy
        do { policy = try CompiledPolicy.load(directory: directory) } catch {
            FileHandle.standardError.write(Data(error.description.utf8))
            throw ExitCode(2)
        }
        let suite = PolicyTestSuite.load(directory: directory)
        if !suite.diagnostics.isEmpty {
            FileHandle.standardError.write(Data(DiagnosticRenderer(files: suite.sources).text(suite.diagnostics).utf8))
            if suite.diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(2) }
        }
        if suite.tests.isEmpty {
            FileHandle.standardError.write(Data("no tests: add a *.test.yaml file to \(directory)\n".utf8))
        }
        let report = PolicyTestRunner.run(suite, against: policy)
        try writeOutput(format == .json ? report.json(coverage: coverage) + "\n" : report.text(coverage: coverage))
        if report.failed > 0 { throw ExitCode(1) }
    }
}
