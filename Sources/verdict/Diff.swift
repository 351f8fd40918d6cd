import ArgumentParser
import Foundation
import Verdict

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what changes between two versions of a policy set, and which cases they route differently.",
        discussion: "Exit 0 when nothing is decided differently, 1 when something is or may be (a change the regions could not compare, without --cases to replay; a --cases file with no case), 2 when a version does not load, 66 when --cases is a folder or cannot be read.")

    @Argument(help: "The old policy set folder.")
    var old: String

    @Argument(help: "The new policy set folder.")
    var new: String

    @Option(help: "A JSON Lines file of cases to decide under both versions.")
    var cases: String?

    @OptionGroup var input: InputOptions

    func run() throws {
        func load(_ dir: String) throws -> CompiledPolicy {
            do { return try CompiledPolicy.load(ownVersionOf: dir) } catch {  // a set with versions: the version in its own files
                throw CommandFailure.didNotLoad(error.description)
            }
        }
        let (a, b) = (try load(old), try load(new))
        var out = OutputBuffer()
        // Names and versions are the policies' text, and the lines below carry case ids: all escaped
        // (see `TextEscaping`), so none can drive the terminal or forge a line.
        func head(_ p: CompiledPolicy) -> String {
            "\(TextEscaping.escaped(p.identity.name)) \(TextEscaping.escaped(p.identity.version)) (\(p.identity.digest.prefix(19))…)"
        }
        out.append("\(head(a)) -> \(head(b))\n")
        if let w = b.identity.unchangedVersion(from: a.identity) { out.append("warning: \(TextEscaping.escaped(w))\n") }
        let structure = PolicyDiff.structure(old: a, new: b)
        out.append("\nchanges:\n")
        out.append((structure.isEmpty ? "  none" : structure.map { "  " + $0 }.joined(separator: "\n")) + "\n")
        let regions = PolicyDiff.regions(old: a, new: b)
        out.append("\ninputs decided differently:\n")
        out.append((regions.isEmpty ? "  none" : regions.map { "  " + $0 }.joined(separator: "\n")) + "\n")
        let uncompared = regions.filter { $0.contains("not compared") }.count
        var differs = regions.count > uncompared
        if let cases {
            var replay = CaseReplay(old: a, new: b)
            out.append("\ncases decided differently:\n")
            let limit = input.maxLineBytes
            let summary = try BatchReader.lines(of: cases, maxLineBytes: limit, waiting: { out.flush() }, tooLong: { number, length in
                replay.addRefusedByBoth()
                out.append("  line \(number): refused by both: \(CaseError.tooLarge(length, limit: limit).problems[0].message)\n")
            }) { _, bytes in
                replay.add(json: bytes)
            }
            for line in replay.impact.lines() { out.append("  " + line + "\n") }
            out.append("\n\(replay.cases) cases, \(replay.changed) decided differently, \(replay.refused) refused by both\n")
            try out.finish()
            if summary.lines == 0 { throw CommandFailure.noCases(path: cases, verb: "replayed") }
            differs = replay.changed > 0
        } else {
            try out.finish()
            if uncompared > 0, !differs {
                // Nothing found to differ, but not everything was compared: that is not "no difference".
                throw CommandFailure.refused("\(uncompared) change\(uncompared == 1 ? "" : "s") could not be compared by regions: give --cases FILE to replay cases under both versions")
            }
        }
        if differs { throw CommandFailure.findings }
    }
}
