import ArgumentParser
import Foundation
import Verdict
import VerdictAudit

extension Audit {
    /// `verdict audit changes`: every step of the governed policy changes the log records, in order.
    struct Changes: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the steps of governed policy changes the log records (proposed, approved, rejected, activated, refused, withdrawn, rolled back): who, when, why, base and candidate digests.",
            discussion: "Change events are leaves of the log's Merkle tree, beside the decisions and version events (written by `verdict serve --log` for each step of a proposal); `audit verify` covers them and `audit proof --seq N` proves one. Text shows digests shortened to 12 hex digits; --json gives them in full.")
        @OptionGroup var log: LogOption
        @Option(help: ArgumentHelp("Only the steps of this policy set.", valueName: "name")) var set: String?
        @Flag(help: "Print JSON ({\"steps\":[…]}, digests in full) instead of text.") var json = false
        @Option(help: "The language of every line: en or zh.") var lang: Language = .en

        func run() throws {
            let l = try log.open()
            defer { l.close() }
            do {
                let history = try l.readSnapshot { try ChangeHistory.of(l, set: set) }
                if json {
                    try writeOutput(history.json + "\n")
                } else {
                    try writeOutput(Self.text(history, location: l.location, set: set, words: AuditWords(lang)))
                }
            } catch let e as CommandFailure {
                throw e
            } catch {
                throw fail(error)
            }
        }

        /// The steps as text: a heading, then per step its number, time, step, proposal, set and who;
        /// its reason; its base and candidate digests (shortened), and what a rollback brings back.
        static func text(_ history: ChangeHistory, location: String, set: String?, words w: AuditWords) -> String {
            var out = w.changeSteps(history.steps.count, location, set.map { TextEscaping.escaped($0) }) + "\n"
            for s in history.steps {
                out += "#\(s.seq)  \(s.recordedAt.rfc3339(in: .utc))  \(w.step(s.step))  \(TextEscaping.escaped(s.proposal))  \(TextEscaping.escaped(s.set))  "
                    + w.stepBy(TextEscaping.escaped(s.by)) + "\n"
                if !s.reason.isEmpty { out += w.stepReason(s.step, TextEscaping.escaped(s.reason)) + "\n" }
                out += "    \(short(s.baseDigest)) → \(short(s.candidateDigest))"
                if let r = s.rollbackOf { out += w.rollbackOf(short(r)) }
                out += "\n"
            }
            return out
        }

        /// A digest shortened for text: its first 12 hex digits, without `sha256:`.
        static func short(_ digest: String) -> String {
            let hex = digest.hasPrefix("sha256:") ? digest.dropFirst("sha256:".count) : Substring(digest)
            return TextEscaping.escaped(hex.prefix(12))
        }
    }
}
