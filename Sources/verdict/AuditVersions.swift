import ArgumentParser
import Foundation
import Verdict
import VerdictAudit

extension Audit {
    /// `verdict audit versions`: each policy version's spells of service, from the log's version events.
    struct Versions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List each policy version the log's history records, with when it served (from, until) and why it started and stopped.",
            discussion: "Version events are leaves of the log's Merkle tree (written by `verdict serve --log` at start-up, on each reload that activates a version, and at stop, and by `decide --batch --log` at its start and end); a log made before them lists none. Each event names the process that wrote it, so several instances on one log read right: a version's spell ends when the last instance serving it retires it.")
        @OptionGroup var log: LogOption
        @Option(help: "The language of every line: en or zh.") var lang: Language = .en

        func run() throws {
            let l = try log.open()
            defer { l.close() }
            let w = AuditWords(lang)
            do {
                let history = try l.readSnapshot { try VersionHistory.of(l) }
                var out = w.spells(history.spells.count, l.location) + "\n"
                for s in history.spells {
                    out += "\(TextEscaping.escaped(s.set)) \(TextEscaping.escaped(s.version))" + (w.zh ? "(\(TextEscaping.escaped(s.digest)))" : " (\(TextEscaping.escaped(s.digest)))") + "\n"
                    out += w.servedFrom(s.from.rfc3339(in: .utc), TextEscaping.escaped(s.fromTrigger), s.fromSeq) + "\n"
                    if let until = s.until {
                        out += w.servedUntil(until.rfc3339(in: .utc), TextEscaping.escaped(s.untilTrigger ?? ""), s.untilSeq.map(String.init) ?? "—") + "\n"
                    } else {
                        out += w.stillServing + "\n"
                    }
                }
                try writeOutput(out)
            } catch let e as CommandFailure {
                throw e
            } catch {
                throw fail(error)
            }
        }
    }

    /// `verdict audit archive DIGEST --out DIR`: an archived version's exact files.
    struct Archive: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an archived policy version's exact files into a new folder, as it was loaded (its includes beside it).",
            discussion: "The files are checked to hash to the digest before anything is written; the folder written loads as that version (`verdict check`, `verdict diff`).")
        @Argument(help: "The version's digest (sha256:…), as `audit versions`, `audit show` or `audit verify` print it.") var digest: String
        @OptionGroup var log: LogOption
        @Option(help: "The folder to create (it must not exist).") var out: String
        @Option(help: "The language of every line: en or zh.") var lang: Language = .en

        func run() throws {
            let l = try log.open()
            defer { l.close() }
            do {
                guard let archived = try l.policy(digest: digest) else {
                    throw AuditError(.notFound, "no policy version \(TextEscaping.escaped(digest)) in the archive of \(l.location) (`verdict audit verify` lists the archived versions)")
                }
                let recomputed = PolicyDigest.compute(archived.files.map { ($0.path, $0.text) })
                guard recomputed == digest else {
                    throw AuditError(.archive, "the archive entry for \(digest) was altered: its files hash to \(recomputed); nothing written")
                }
                guard let layout = archived.exportLayout else {
                    throw AuditError(.archive, "the archive entry for \(digest) names a file outside its folder (edited by hand); nothing written")
                }
                let fm = FileManager.default
                guard !fm.fileExists(atPath: out) else { throw AuditError(.usage, "`\(out)` exists; give a new folder") }
                for (file, path) in layout.files {
                    let target = (out as NSString).appendingPathComponent(path)
                    try fm.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try writeFileChecked(target, file.text, exclusive: true)
                }
                let setFolder = (out as NSString).appendingPathComponent(layout.setFolder)
                let w = AuditWords(lang)
                var text = w.filesWritten(TextEscaping.escaped(archived.name), TextEscaping.escaped(archived.version), digest, layout.files.count) + "\n"
                for (_, path) in layout.files { text += "  \((out as NSString).appendingPathComponent(path))\n" }
                text += w.setFolder(setFolder) + "\n"
                try writeOutput(text)
            } catch let e as CommandFailure {
                throw e
            } catch {
                throw fail(error)
            }
        }
    }
}
