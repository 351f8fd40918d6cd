import ArgumentParser
import Foundation
import Verdict

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a new policy set: a manifest, a schema, one decision table and one test file.",
        discussion: """
        NAME is the folder to create (it must not exist, or be empty); its last part is the policy's \
        name. The new set passes `verdict check` and `verdict test` as created. Its files start with \
        the line that points editors at the JSON Schema (the repository's schema/ folder when the new \
        set is inside a checkout, else copies written into the set). Exit 0 created, 1 not.
        """)

    @Argument(help: ArgumentHelp("The folder of the new policy set.", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("The date the policy takes effect (YYYY-MM-DD); default: today in Asia/Shanghai.", valueName: "date"))
    var effective: String?

    func run() throws {
        var date: CivilDate?
        if let effective {
            do { date = try CivilDate(iso: effective) } catch { throw ValidationError("--effective: \(error)") }
        }
        do {
            let written = try PolicyScaffold.create(directory: name, effective: date)
            var out = written.map { "created \(TextEscaping.escaped($0))\n" }.joined()
            out += "next: verdict check \(TextEscaping.escaped(name)) && verdict test \(TextEscaping.escaped(name)) --coverage\n"
            try writeOutput(out)
        } catch let e as CommandFailure {
            throw e
        } catch {
            throw CommandFailure.failed(TextEscaping.escaped("\(error)"))
        }
    }
}
