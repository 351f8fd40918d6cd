import ArgumentParser
import Foundation
import Verdict

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the YAML tests (*.test.yaml) beside a policy set; each version of a versioned set runs its own.",
        discussion: "Prints each failure with its file:line, then `N passed, N failed`. Exit 0 when all pass, 1 on any failure, 2 when the policy or a test file does not load. With --strict, the policy's and the test files' warnings are printed and fail the run (exit 1).")

    enum Format: String, ExpressibleByArgument { case text, json }

    @Argument(help: "The policy set folder.")
    var directory: String

    @Flag(help: "Also report the rules, overrides, exceptions and clocks no test exercised.")
    var coverage = false

    @Option(help: "text or json.")
    var format: Format = .text

    @Flag(help: "Print the policy's and the test files' warnings, and fail (exit 1) when there are any, for CI.")
    var strict = false

    func run() throws {
        // Each version of the set runs its own tests (the *.test.yaml files in its folder) against itself.
        let set: PolicyVersions
        do { set = try PolicyVersions.load(directory: directory) } catch {
            throw CommandFailure.didNotLoad(error.description)
        }
        let folders = set.folders.count == set.versions.count ? set.folders : [directory]
        var failed = 0, total = 0, warnings = 0
        var out = ""
        for (policy, folder) in zip(set.versions, folders) {
            if strict, !policy.warnings.isEmpty {
                warnings += policy.warnings.count
                FileHandle.standardError.write(Data(DiagnosticRenderer(files: policy.sources).text(policy.warnings).utf8))
            }
            let suite = PolicyTestSuite.load(directory: folder)
            warnings += suite.diagnostics.filter { $0.severity == .warning }.count
            if !suite.diagnostics.isEmpty {
                let text = DiagnosticRenderer(files: suite.sources).text(suite.diagnostics)
                if suite.diagnostics.contains(where: { $0.severity == .error }) { throw CommandFailure.didNotLoad(text) }
                FileHandle.standardError.write(Data(text.utf8))
            }
            if suite.tests.isEmpty {
                FileHandle.standardError.write(Data("no tests: add a *.test.yaml file to \(TextEscaping.escaped(folder))\n".utf8))
            }
            let report = PolicyTestRunner.run(suite, against: policy)
            failed += report.failed
            total += report.passed + report.failed
            if set.versions.count == 1 {
                out += format == .json ? report.json(coverage: coverage) + "\n" : report.text(coverage: coverage)
            } else if format == .json {
                // One line per version: {"version": …, "folder": …, "report": {…}}.
                var w = JSONWriter()
                w.object { w in
                    w.field("version", policy.identity.version)
                    if let e = policy.identity.effective { w.field("effective", e.description) }
                    w.field("folder", folder)
                    w.key("report")
                    w.value(serialised: Array(report.json(coverage: coverage).utf8))
                }
                out += w.output + "\n"
            } else {
                // The policy's name and version and the folder are escaped: a newline in them cannot forge a line.
                let (name, version) = (TextEscaping.escaped(policy.identity.name), TextEscaping.escaped(policy.identity.version))
                out += "\(name) \(version) (in force from \(policy.identity.effective?.description ?? "?"), \(TextEscaping.escaped(folder))):\n"
                out += report.text(coverage: coverage).split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
            }
        }
        if set.versions.count > 1, format == .text {
            out += "all versions: \(total - failed) passed, \(failed) failed\n"
        }
        try writeOutput(out)
        if failed > 0 { throw CommandFailure.findings }
        if strict, warnings > 0 {
            throw CommandFailure.failed("--strict: \(warnings) warning\(warnings == 1 ? "" : "s"), so the run fails")
        }
    }
}
