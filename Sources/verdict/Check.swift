import ArgumentParser
import Foundation
import Verdict

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a policy set and report every problem with its file:line:column.",
        discussion: "A set with versions (folders under versions/) is checked version by version, then across versions: two versions with one effective date, a version without one, or versions that disagree on effective_by or its field's type are refused. Exit 0 when there are no errors (warnings allowed), 1 when there are; with --strict, warnings fail the check too.")

    enum Format: String, ExpressibleByArgument { case text, json }

    @Argument(help: "The policy set folder.")
    var directory: String

    @Option(help: "text for people, json for editors and CI.")
    var format: Format = .text

    @Option(help: "Where `include:` may read shared files besides the policy folder (default: the folder's parent).")
    var includeRoot: String?

    @Flag(help: "Fail (exit 1) on warnings as well as errors, for CI.")
    var strict = false

    func run() throws {
        let result = PolicyVersions.check(directory: directory, includeRoot: includeRoot)
        let renderer = DiagnosticRenderer(files: result.sources)
        let warnings = result.diagnostics.filter { $0.severity == .warning }.count
        let strictFailure = strict && warnings > 0 && result.versions != nil
        switch format {
        case .text:
            let out = renderer.text(result.diagnostics)
            FileHandle.standardError.write(Data(out.utf8))
            if strictFailure {
                throw CommandFailure.failed("--strict: \(warnings) warning\(warnings == 1 ? "" : "s"), so the check fails")
            }
            if let set = result.versions {
                for (i, p) in set.versions.enumerated() {
                    // A dated set says when each version is in force and where it was read. The name,
                    // version and folder are the policy's text: escaped, so a newline cannot forge an "ok".
                    let dated = set.isDated ? ", in force from \(p.identity.effective?.description ?? "?")" + (set.folders.count == set.versions.count ? " (\(TextEscaping.escaped(set.folders[i])))" : "") : ""
                    try writeOutput("\(TextEscaping.escaped(p.identity.name)) \(TextEscaping.escaped(p.identity.version)): ok, \(p.decisionNames.count) decisions, \(p.identity.digest)\(dated)\n")
                }
                if let by = set.effectiveBy { try writeOutput("each case is decided by the version in force on its `\(TextEscaping.escaped(by))`\n") }
                else if set.isDated { try writeOutput("each case is decided by the version in force at the decision time (--now)\n") }
            }
        case .json:
            try writeOutput(renderer.json(result.diagnostics) + "\n")
            if strictFailure { throw CommandFailure.findings }
        }
        if result.versions == nil { throw CommandFailure.findings }
    }
}
