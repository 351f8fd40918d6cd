import ArgumentParser
import Foundation
import Verdict

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what changes between two versions of a policy set, and which cases they route differently.",
        discussion: "Exit 0 when nothing is decided differently, 1 when something is, 2 when a version does not load.")

    @Argument(help: "The old policy set folder.")
    var old: String

    @Argument(help: "The new policy set folder.")
    var new: String

    @Option(help: "A JSON Lines file of cases to decide under both versions.")
    var cases: String?

    func run() throws {
        func load(_ dir: String) throws -> CompiledPolicy {
            do { return try CompiledPolicy.load(directory: dir) } catch {
                FileHandle.standardError.write(Data(error.description.utf8))
                throw ExitCode(2)
            }
        }
        let (a, b) = (try load(old), try load(new))
        print("\(a.identity.name) \(a.identity.version) (\(a.identity.digest.prefix(19))…) -> \(b.identity.name) \(b.identity.version) (\(b.identity.digest.prefix(19))…)")
        let structure = PolicyDiff.structure(old: a, new: b)
        print("\nchanges:")
        print(structure.isEmpty ? "  none" : structure.map { "  " + $0 }.joined(separator: "\n"))
        let regions = PolicyDiff.regions(old: a, new: b)
        print("\ninputs decided differently:")
        print(regions.isEmpty ? "  none" : regions.map { "  " + $0 }.joined(separator: "\n"))
        var differs = !regions.isEmpty && !regions.allSatisfy { $0.contains("not compared") }
        if let cases {
            var replay = CaseReplay(old: a, new: b)
            print("\ncases decided differently:")
            try BatchReader.lines(of: cases) { _, bytes in
                for line in replay.add(json: bytes) { print("  " + line) }
            }
            print("\n" + replay.summary, terminator: "")
            differs = replay.changed > 0
        }
        if differs { throw ExitCode(1) }
    }
}
