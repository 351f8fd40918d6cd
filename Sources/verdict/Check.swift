import ArgumentParser
import Foundation
import Verdict

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a policy set and report every problem with its file:line:column.",
        discussion: "Exit 0 when there are no errors (warnings allowed), 1 when there are.")

    enum Format: String, ExpressibleByArgument { case text, json }

    @Argument(help: "The policy set folder.")
    var directory: String

    @Option(help: "text for people, json for editors and CI.")
    var format: Format = .text

    @Option(help: "Where `include:` may read shared files besides the policy folder (default: the folder's parent).")
    var includeRoot: String?

    func run() throws {
        let result = PolicyLoader.check(directory: directory, includeRoot: includeRoot)
        let renderer = DiagnosticRenderer(files: result.sources)
        switch format {
        case .text:
            let out = renderer.text(result.diagnostics)
            FileHandle.standardError.write(Data(out.utf8))
            if let p = result.policy {
                try writeOutput("\(p.identity.name) \(p.identity.version): ok, \(p.decisionNames.count) decisions, \(p.identity.digest)\n")
            }
        case .json:
            try writeOutput(renderer.json(result.diagnostics) + "\n")
        }
        if result.policy == nil { throw ExitCode(1) }
    }
}
