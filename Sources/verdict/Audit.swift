import ArgumentParser
import Crypto
import Foundation
import Verdict
import VerdictAudit
import VerdictAuditPostgres
import VerdictConsole

/// `verdict audit …`: the decision log's auditors' commands.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect, verify and prove the tamper-evident decision log.",
        discussion: """
        Exit codes: 0 success; 1 a check failed (the log was altered, a proof does not hold, a signature \
        does not verify, a recorded decision was not reproduced, replay found changes); 2 the log, key \
        or proof could not be read (not a Verdict log, missing file, bad argument).
        """,
        subcommands: [Show.self, Verify.self, Checkpoint.self, Proof.self, VerifyProof.self, Replay.self, Export.self, Keygen.self, Versions.self, Changes.self, Archive.self, Witness.self])
}

struct LogOption: ParsableArguments {
    @Option(help: ArgumentHelp("The decision log: sqlite:PATH or postgres://USER@HOST:PORT/DB.", valueName: "log"))
    var log: String

    /// Opens the log; `readOnly` for the commands that only read it (nothing is written to the
    /// file, and a read-only copy can be read).
    func open(readOnly: Bool = true) throws -> any DecisionLog {
        do {
            PostgresDecisionLog.registerScheme()
            return try DecisionLogs.open(log, create: false, readOnly: readOnly)
        } catch {
            throw fail(error)
        }
    }
}

struct TimeRangeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only decisions recorded at or after this instant (RFC 3339, or a date: its start in UTC).", valueName: "time"))
    var since: String?
    @Option(help: ArgumentHelp("Only decisions recorded before this instant (RFC 3339, or a date: its start in UTC).", valueName: "time"))
    var until: String?
    @Option(help: ArgumentHelp("Which date --since and --until are on: recorded (when the record was written, recorded_at) or case (the case's own date: the field the set names as effective_by, else the decision time).", valueName: "recorded|case"))
    var dates: String = "recorded"

    var range: AuditTrail.Range {
        get throws {
            func parse(_ s: String?, _ name: String) throws -> Timestamp? {
                guard let s else { return nil }
                if let t = try? Timestamp(rfc3339: s) { return t }
                if let t = try? Timestamp(rfc3339: s + "T00:00:00Z") { return t }
                throw ValidationError("--\(name): `\(s)` is neither an RFC 3339 timestamp nor a date (YYYY-MM-DD)")
            }
            guard let d = AuditTrail.Dates(rawValue: dates) else { throw ValidationError("--dates is recorded or case, not `\(dates)`") }
            return AuditTrail.Range(since: try parse(since, "since"), until: try parse(until, "until"), dates: d)
        }
    }
}

/// An audit error as the command's failure, in the language the command was asked for: exit 2 when
/// something could not be read or used, else 1.
func fail(_ error: Error) -> CommandFailure {
    if let e = error as? AuditError {
        let text = e.text(AuditLanguage.requested)
        switch e.kind {
        case .notALog, .storage, .notFound, .usage: return .unusable(text)
        default: return .failed(text)
        }
    }
    return .unusable("\(error)")
}

func readKeyFile(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else { throw fail(AuditError(.usage, "cannot read key file `\(path)`")) }
    return String(decoding: data, as: UTF8.self)
}

/// Writes a whole file and checks every write and the close; `exclusive` refuses an existing file.
func writeFileChecked(_ path: String, _ text: String, mode: mode_t = 0o644, exclusive: Bool = false) throws(AuditError) {
    let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_TRUNC | (exclusive ? O_EXCL : 0), mode)
    guard fd >= 0 else { throw AuditError(.usage, "cannot write `\(path)`: \(String(cString: strerror(errno)))") }
    let written = OutputBuffer.write(Array(text.utf8), to: fd)
    let synced = written == nil && fsync(fd) != 0 && errno != EINVAL ? errno : nil
    let closed = Foundation.close(fd) == 0 ? nil : errno
    if let e = written ?? synced ?? closed {
        throw AuditError(.usage, "cannot write `\(path)`: \(String(cString: strerror(e)))")
    }
}

extension Audit {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every recorded decision of a case, explained again from the archived policy and the recorded input.",
            discussion: """
            Says for each whether re-deciding reproduced the recorded decision exactly; exit 1 if any did not (a defect). \
            With --format html, the auditor's page of each record as one self-contained HTML file (style inline, no script, \
            nothing fetched) that prints on A4: the case, the decision and its explanation, the version's digest, the \
            record's inclusion proof and the checkpoint it is under.
            """)
        @Argument(help: "The case id.") var caseID: String
        @OptionGroup var log: LogOption
        @Option(help: "The language of every line: en or zh.") var lang: Language = .en
        @Option(help: "text, or html: the auditor's page as one file.") var format: String = "text"
        @Option(name: .customLong("why-not"), help: ArgumentHelp("Ask of each record what would have had to differ: OUTPUT=VALUE, OUTPUT, or 'OUTPUT contains MEMBER' (repeatable), as `verdict explain` does.", valueName: "question"))
        var whyNot: [String] = []

        func validate() throws {
            guard format == "text" || format == "html" else { throw ValidationError("--format is text or html") }
            if format == "html", !whyNot.isEmpty { throw ValidationError("--why-not is answered in text; leave out --format html") }
        }

        func run() throws {
            let l = try log.open()
            defer { l.close() }
            if format == "html" { return try html(l) }
            let all: [ReDerivedDecision]
            do { all = try AuditTrail.show(log: l, caseID: caseID) } catch { throw fail(error) }
            let w = AuditWords(lang)
            let id = TextEscaping.escaped(caseID)
            var out = w.showHeader(id, all.count, l.location) + "\n"
            var defects = 0
            for d in all {
                let r = d.record
                out += "\n" + w.record(r.seq, r.recordedAt.rfc3339(in: d.policy.zone), TextEscaping.escaped(r.verdictVersion), TextEscaping.escaped(r.policyName),
                                       TextEscaping.escaped(r.policyVersion), TextEscaping.escaped(r.digest)) + "\n"
                if let now = r.now { out += w.judgedAt(now.rfc3339(in: d.policy.zone)) + "\n" }
                out += w.input + "\n"
                for line in Self.inputLines(r.input, d.policy, w) { out += "     " + line + "\n" }
                if let text = d.decision?.explanation?.text(lang) { out += text.hasSuffix("\n") ? text : text + "\n" }
                if !whyNot.isEmpty {
                    // The library's one why-not entry point, on the archived version that decided the record.
                    let request = DecisionRequest(language: lang, now: r.now, whyNot: whyNot, format: .text)
                    do {
                        let answer = try PolicyVersions(d.policy).answer(request, json: r.input).rendered()
                        out += answer.hasSuffix("\n") ? answer : answer + "\n"
                    } catch {
                        switch error {
                        case let .invalidQuestion(text, reason):
                            throw ValidationError("--why-not \(TextEscaping.escaped(text)): \(TextEscaping.escaped("\(reason)"))")
                        case .refused(let caseError, _):
                            out += "   \(TextEscaping.escaped("\(caseError)", keepingNewlines: true))\n"
                        }
                    }
                }
                if d.reproduced {
                    out += w.reproduced(r.seq, TextEscaping.escaped(r.policyName), TextEscaping.escaped(r.policyVersion)) + "\n"
                } else {
                    defects += 1
                    out += w.defect(r.seq) + "\n  \(TextEscaping.escaped(d.problem ?? ""))\n"
                }
            }
            try writeOutput(out)
            try failIfDefects(defects)
        }

        /// The recorded input, one `field: value` line per member in the order recorded; a personal
        /// field that is not loggable is withheld, as explanations withhold it (the log itself leaves
        /// out the personal fields no rule reads).
        static func inputLines(_ input: [UInt8], _ policy: CompiledPolicy, _ w: AuditWords) -> [String] {
            guard case .object(let members)? = try? JSONReader.parse(input) else {
                return [TextEscaping.escaped(String(decoding: input, as: UTF8.self))]
            }
            let withheld = Set(policy.fieldSchema.filter { $0.personal && !$0.loggable }.map(\.name))
            return members.map { m in
                let key = TextEscaping.escaped(m.key)
                if withheld.contains(m.key) { return "\(key): \(w.withheld)" }
                var j = JSONWriter()
                write(m.value, to: &j)
                return "\(key): \(TextEscaping.escaped(j.output))"
            }
        }

        static func write(_ v: JSONValue, to w: inout JSONWriter) {
            switch v {
            case .null: w.null()
            case .bool(let b): w.bool(b)
            case .number(let n): w.value(serialised: Array(n.utf8))
            case .string(let s): w.string(s)
            case .array(let items): w.array { w in for i in items { write(i, to: &w) } }
            case .object(let ms): w.object { w in for m in ms { w.key(m.key); write(m.value, to: &w) } }
            }
        }

        /// The auditor's page of every record of the case, as the console renders it (``AuditorPage``).
        func html(_ l: any DecisionLog) throws {
            let all: [(ReDerivedDecision, RecordInclusion)]
            do { all = try AuditTrail.showWithInclusion(log: l, caseID: caseID) } catch { throw fail(error) }
            try writeOutput(AuditorPage.document(all.map { AuditorPage.Record($0.0, inclusion: $0.1) }, language: lang) + "\n")
            try failIfDefects(all.count { !$0.0.reproduced })
        }

        func failIfDefects(_ defects: Int) throws {
            if defects > 0 { throw CommandFailure.failed(AuditWords(lang).defects(defects, TextEscaping.escaped(caseID))) }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the Merkle tree in one snapshot; name every record altered, deleted, inserted or reordered; check every checkpoint.")
        @OptionGroup var log: LogOption
        @Option(help: ArgumentHelp("The operator's public key; checkpoints must be signed by it (default: the keys the checkpoints name).", valueName: "pub"))
        var key: String?
        @Option(name: .customLong("witness-key"), help: ArgumentHelp("A witness's public key: the latest checkpoint must carry its valid cosignature (from `verdict audit witness`).", valueName: "pub"))
        var witnessKey: String?
        @Option(help: "The language of every line: en or zh.") var lang: Language = .en

        func run() throws {
            let l = try log.open()
            defer { l.close() }
            do {
                let pub = try key.map { try AuditKeys.publicKey(file: try readKeyFile($0), path: $0) }
                let progress = Progress(path: "-", noun: "records")
                let r = try LogVerifier.verify(l, key: pub) { read, total in progress?.show(Int(read), of: Int(total)) }
                progress?.done()
                let w = AuditWords(lang)
                var out = w.verified(l.location, Int(r.decisionRecords), events: Int(r.events), r.root.hexString) + "\n"
                out += w.checkpoints(r.checkpoints, keys: r.keys, consistent: r.checkpoints > 1) + "\n"
                if !r.operatorKey && r.checkpoints > 0 { out += w.namedKeysNote + "\n" }
                if r.uncheckpointed > 0 { out += w.uncheckpointed(Int(r.uncheckpointed)) + "\n" }
                out += w.archived(r.policies.count, r.policies.map { "\(TextEscaping.escaped($0.name)) \(TextEscaping.escaped($0.version))" }.joined(separator: ", ")) + "\n"
                if let witnessKey { out += try WitnessRequirement.check(l, witnessKeyFile: witnessKey, words: w) }
                try writeOutput(out)
            } catch let e as CommandFailure {
                throw e
            } catch {
                throw fail(error)
            }
        }
    }

    struct Checkpoint: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sign the tree as it stands (size, root hash, time) with the operator's Ed25519 key.")
        @OptionGroup var log: LogOption
        @Option(help: ArgumentHelp("The private key file (from `verdict audit keygen`).", valueName: "priv")) var key: String
        @Option(help: "The language of every line: en or zh.") var lang: Language = .en

        func run() throws {
            do {
                let k = try AuditKeys.privateKey(file: try readKeyFile(key), path: key)
                let l = try log.open(readOnly: false)
                defer { l.close() }
                let c = try l.checkpoint(key: k, time: Timestamp(Date()))
                let n = try l.checkpoints().count
                try writeOutput(AuditWords(lang).checkpoint(n, c.size, c.root.hexString, "\(c.time)", c.keyFingerprint) + "\n")
            } catch let e as CommandFailure {
                throw e
            } catch {
                throw fail(error)
            }
        }
    }

    struct Proof: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a case's decision records, or one record (--seq), with inclusion proofs against the latest checkpoint (JSON).",
            discussion: "A proof reveals no other record (a case id's proof holds every record sharing the id; --seq N proves one record alone). With --complete, proof that the case has exactly these records, from the case index the checkpoint signs. Check it with `verdict audit verify-proof FILE --key PUB`, without the log.")
        @Argument(help: ArgumentHelp("The case id; several give one proof per line, in their order (with --complete, from one build of the case index).", valueName: "case-id")) var caseIDs: [String] = []
        @Option(help: ArgumentHelp("Prove the one leaf with this sequence number instead of a case's: a decision record, or an event (a version or change event, as `audit versions` and `audit changes` number them).", valueName: "n")) var seq: UInt64?
        @Flag(help: "Also prove that the case has no other record (a completeness proof).") var complete = false
        @OptionGroup var log: LogOption
        @Option(help: "Write the proof to this file instead of standard output.") var out: String?
        @Option(help: "The language of its errors (the proof itself is JSON): en or zh.") var lang: Language = .en

        func run() throws {
            let l = try log.open()
            defer { l.close() }
            do {
                let json = try AuditProofs.make(l, caseIDs: caseIDs, seq: seq, complete: complete).map { $0 + "\n" }.joined()
                if let out {
                    try writeFileChecked(out, json)
                } else {
                    try writeOutput(json)
                }
            } catch let e as CommandFailure {
                throw e
            } catch {
                throw fail(error)
            }
        }
    }

    struct VerifyProof: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-proof",
            abstract: "Check a proof file on its own: the checkpoint's signature with the operator's key, and each record's path to its root.")
        @Argument(help: "The proof file (from `verdict audit proof`).") var file: String
        @Option(help: ArgumentHelp("The operator's public key.", valueName: "pub")) var key: String
        @Option(help: "The language of every line: en or zh.") var lang: Language = .en

        func run() throws {
            do {
                let pub = try AuditKeys.publicKey(file: try readKeyFile(key), path: key)
                try writeOutput(try AuditProofs.verify(file: file, key: pub, words: AuditWords(lang)))
            } catch let e as CommandFailure {
                throw e
            } catch {
                throw fail(error)
            }
        }
    }

    struct Replay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide recorded history again under another policy set: what would change, grouped by rule transition and by how each output changes, each record named #SEQ case-id.",
            discussion: "Exit 0 when nothing would change, 1 when some decision would.")
        @OptionGroup var log: LogOption
        @OptionGroup var policy: PolicyOptions
        @OptionGroup var range: TimeRangeOptions
        @Option(help: "text or json.") var format: String = "text"
        @Option(help: "In text, show at most this many example cases per group (--format json lists all).") var cases: Int = 3
        @Option(help: "The language of every line: en or zh.") var lang: Language = .en
        @Flag(name: .customLong("by-version"), help: "Also split the comparison by the version that originally decided each record.") var byVersion = false

        func validate() throws {
            guard format == "text" || format == "json" else { throw ValidationError("--format is text or json") }
            guard cases >= 0 else { throw ValidationError("--cases is a number of example cases, 0 or more") }
        }

        /// The comparison of one version that originally decided records: how many, and which (`#12 case-2`) would change.
        struct VersionSplit {
            var version: String
            var digest: String
            var decisions = 0
            var changed: [String] = []
            var failures: [String] = []
            var unchanged: Int { decisions - changed.count - failures.count }
        }

        /// Every record in the range decided again under the new set, as every surface asks (one
        /// decision request a record), and compared with its recorded decision, grouped by the version
        /// that recorded it, in the order each version first decided.
        func splitByVersion(_ l: any DecisionLog, _ compiled: CompiledPolicy) throws -> [VersionSplit] {
            let set = PolicyVersions(compiled)
            var splits: [VersionSplit] = []
            var index: [String: Int] = [:]
            try AuditTrail.each(log: l, in: try range.range) { _, v in
                let at = index[v.digest] ?? {
                    splits.append(VersionSplit(version: "\(v.policyName) \(v.policyVersion)", digest: v.digest))
                    index[v.digest] = splits.count - 1
                    return splits.count - 1
                }()
                splits[at].decisions += 1
                let name = TextEscaping.escaped(AuditTrail.recordName(seq: v.seq, caseID: v.caseID))
                do {
                    let d = try set.answer(DecisionRequest(now: v.now), json: v.input).decision
                    var json: [UInt8] = []
                    d.withoutExplanation.appendJSON(to: &json)
                    if ChangeImpact.Outcome(decisionJSON: v.decision).differs(from: ChangeImpact.Outcome(decisionJSON: json)) { splits[at].changed.append(name) }
                } catch {
                    splits[at].failures.append(name)
                }
            }
            return splits
        }

        func run() throws {
            let compiled = try policy.load()
            let l = try log.open()
            defer { l.close() }
            let r: AuditTrail.Replay
            do { r = try AuditTrail.replay(log: l, under: compiled, in: try range.range, naming: .sequenceAndCaseID) } catch let e as ValidationError { throw e } catch { throw fail(error) }
            var splits: [VersionSplit]?
            if byVersion {
                do { splits = try splitByVersion(l, compiled) } catch let e as ValidationError { throw e } catch { throw fail(error) }
            }
            if format == "json" {
                var w = JSONWriter()
                w.object { w in
                    w.key("policy")
                    w.object { w in
                        w.field("name", compiled.identity.name); w.field("version", compiled.identity.version); w.field("digest", compiled.identity.digest)
                    }
                    w.field("decisions", r.decisions)
                    w.field("changed", r.changedCases)
                    w.field("unchanged", r.unchanged)
                    r.impact.write(to: &w)
                    w.key("failures")
                    w.array { w in for f in r.failures { w.object { w in w.field("case", f.caseID); w.field("seq", Int(f.seq)); w.field("error", f.message) } } }
                    if let splits {
                        w.key("by_version")
                        w.array { w in
                            for s in splits {
                                w.object { w in
                                    w.field("version", s.version); w.field("digest", s.digest); w.field("decisions", s.decisions)
                                    w.field("changed", s.changed.count); w.field("unchanged", s.unchanged); w.field("cannot_decide", s.failures.count)
                                    w.key("changed_records"); w.array { w in for c in s.changed { w.string(c) } }
                                    w.key("failed_records"); w.array { w in for c in s.failures { w.string(c) } }
                                }
                            }
                        }
                    }
                }
                try writeOutput(w.output + "\n")
            } else {
                let w = AuditWords(lang)
                var out = w.replayed(r.decisions, TextEscaping.escaped(compiled.identity.name), TextEscaping.escaped(compiled.identity.version), compiled.identity.digest,
                                     changed: r.changedCases, unchanged: r.unchanged, failures: r.failures.count) + "\n"
                for line in r.impact.lines(lang, examples: cases) { out += line + "\n" }
                for f in r.failures.prefix(cases) { out += w.cannotDecide(f.seq, TextEscaping.escaped(f.caseID), TextEscaping.escaped(f.message, keepingNewlines: true)) + "\n" }
                if r.failures.count > cases { out += w.moreFailures(r.failures.count - cases) + "\n" }
                for s in splits ?? [] {
                    out += w.byVersion(TextEscaping.escaped(s.version), s.digest, s.decisions, changed: s.changed.count, unchanged: s.unchanged, failures: s.failures.count) + "\n"
                    let shown = s.changed.prefix(cases)
                    if !shown.isEmpty { out += "  " + w.changedRecords(shown.joined(separator: ", "), more: s.changed.count - shown.count) + "\n" }
                    let failed = s.failures.prefix(cases)
                    if !failed.isEmpty { out += "  " + w.failedRecords(failed.joined(separator: ", "), more: s.failures.count - failed.count) + "\n" }
                }
                try writeOutput(out)
            }
            if r.changedCases > 0 || !r.failures.isEmpty { throw CommandFailure.findings }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the decision records as JSON Lines, exactly as hashed, in sequence order.")
        @OptionGroup var log: LogOption
        @OptionGroup var range: TimeRangeOptions
        @Option(help: "The language of its errors (the records are JSON): en or zh.") var lang: Language = .en

        func run() throws {
            let l = try log.open()
            defer { l.close() }
            var out = OutputBuffer()
            do {
                try AuditTrail.each(log: l, in: try range.range) { r, _ in
                    out.bytes.append(contentsOf: r.body)
                    out.append("\n")
                }
            } catch let e as ValidationError { throw e } catch {
                out.flush()
                throw fail(error)
            }
            try out.finish()
        }
    }

    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an Ed25519 key pair for signing checkpoints: FILE (private, mode 0600) and FILE.pub.")
        @Option(help: "Where to write the private key; the public key goes to this path plus `.pub`.") var out: String
        @Option(help: "The language of every line: en or zh.") var lang: Language = .en

        func run() throws {
            let fm = FileManager.default
            for p in [out, out + ".pub"] where fm.fileExists(atPath: p) {
                throw fail(AuditError(.usage, "`\(p)` exists; refusing to overwrite a key"))
            }
            let k = AuditKeys.generate()
            do {
                try writeFileChecked(out, k.privateFile, mode: 0o600, exclusive: true)
                do { try writeFileChecked(out + ".pub", k.publicFile, exclusive: true) } catch {
                    unlink(out)  // no private key without its public half
                    throw error
                }
            } catch {
                throw fail(error)
            }
            try writeOutput(AuditWords(lang).keygen(out, fingerprint: AuditKeys.fingerprint(Array(k.privateKey.publicKey.rawRepresentation))))
        }
    }
}

extension Array where Element == UInt8 {
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}
