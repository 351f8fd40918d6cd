import Crypto
import Foundation
import Verdict

/// What `verify` found when the log is intact.
public struct VerifyReport: Sendable {
    /// The leaves of the tree: decision records and events (version and change events).
    public var records: UInt64
    /// How many of them are events.
    public var events: UInt64
    /// How many are decision records.
    public var decisionRecords: UInt64 { records - events }
    public var root: Hash
    public var checkpoints: Int
    /// Key fingerprints the checkpoints were checked against.
    public var keys: [String]
    /// Whether the operator's key was given (else the keys the log names were used).
    public var operatorKey: Bool
    /// Each archived version by digest, with the name and version its own files give (never the
    /// archive's columns, which the hash does not cover): those that decided records, then those only
    /// version events name.
    public var policies: [(digest: String, name: String, version: String)]
    /// Records appended since the latest checkpoint (no signature covers them yet).
    public var uncheckpointed: UInt64
    /// Records checked by this run: all of them, or those appended since the previous run when
    /// verifying from a ``LogVerifier/Verified`` state.
    public var checkedNow: UInt64
}

/// Recomputes the whole tree from the records and checks it against everything the log committed
/// to: each record's position, leaf hash and index columns, the stored tree nodes, the tree state,
/// each checkpoint's signature and root, each checkpoint's consistency with the one before, and the
/// policy archive (its files reproduce the digest, and its name and version columns say what the
/// files say) for every version a decision record or a version event names, and each version event's
/// version against what its archived files compile to.
///
/// Everything is read in one snapshot of the log (``DecisionLog/readSnapshot(_:)``): records
/// appended by a live writer meanwhile are not seen, so they never look inserted by hand.
///
/// Every problem is reported, not only the first (up to ``problemCap``, then how many more): a
/// record edited early never hides tampering after it. After a record goes missing or out of order,
/// the tree's nodes and roots after it cannot match and are not reported one by one.
public enum LogVerifier {
    /// The most problems one verification lists (the rest are counted).
    public static let problemCap = 20

    /// What a successful verification established, to verify from next time: only the records
    /// appended since are read again (``IncrementalVerifier``).
    public struct Verified: Sendable {
        var frontier: MerkleFrontier
        var checkpoints: [Checkpoint]
        /// The first record of each policy digest.
        var digests: [String: UInt64]
        var lastDigest: String
        /// Digest → the name and version its archived files compile to.
        var identities: [String: (name: String, version: String)]
        /// The case index over the records verified (continued by the next run).
        var index: CaseIndexBuilder
        /// Each digest version events name: each version they give it, with the first event giving it.
        var eventDigests: [String: [(seq: UInt64, version: String)]]
        var events: UInt64
    }

    /// Verifies the whole log. `progress` is told, after each chunk of records read, how many have
    /// been read of how many the log holds (`verdict audit verify` shows it on a terminal).
    public static func verify(_ log: any DecisionLog, key: Curve25519.Signing.PublicKey? = nil,
                              progress: ((_ read: UInt64, _ total: UInt64) -> Void)? = nil) throws -> VerifyReport {
        try verify(log, key: key, from: nil, progress: progress).report
    }

    /// Verifies the records appended since `previous` (everything when nil), and that the tree of the
    /// records verified then still has the root it had.
    public static func verify(_ log: any DecisionLog, key: Curve25519.Signing.PublicKey?,
                              from previous: Verified?, progress: ((UInt64, UInt64) -> Void)? = nil) throws -> (report: VerifyReport, verified: Verified) {
        try log.readSnapshot {
            var run = Run(log: log, key: key, previous: previous)
            run.progress = progress
            return try run.verify()
        }
    }

    /// Where ``RecordPrecheck`` runs while the records are walked: on the thread reading them, on the
    /// thread checking them in sequence, or on whichever has room for the chunk at hand (the default).
    /// The checks and their words are the same wherever they run.
    enum PrecheckPlace: Sendable { case adaptive, reader, checker }

    /// Verifies with the records' own checks made where `prechecks` says (what tests use to check
    /// that a damaged record is refused the same wherever its checks run).
    static func verify(_ log: any DecisionLog, key: Curve25519.Signing.PublicKey?, prechecks: PrecheckPlace) throws -> VerifyReport {
        try log.readSnapshot {
            var run = Run(log: log, key: key, previous: nil)
            run.prechecks = prechecks
            return try run.verify().report
        }
    }

    /// Problems found so far: the first ``problemCap`` in full, the rest counted.
    struct Problems {
        var listed: [AuditError] = []
        var more = 0

        mutating func add(_ kind: AuditError.Kind, _ message: String) { add(AuditError(kind, message)) }

        mutating func add(_ e: AuditError) {
            if listed.count < LogVerifier.problemCap { listed.append(e) } else { more += 1 }
        }

        var isEmpty: Bool { listed.isEmpty }

        /// One problem as itself; several as one error listing each on its line.
        var error: AuditError {
            if listed.count == 1 && more == 0 { return listed[0] }
            let total = listed.count + more
            var text = "the log does not verify: \(total) problems"
            for p in listed { text += "\n  - " + p.message }
            if more > 0 { text += "\n  … and \(more) more" }
            return AuditError(listed.first { $0.kind == .tampered }?.kind ?? listed[0].kind, text)
        }
    }

    /// The run a checking thread works on while the thread that started it only reads (it touches
    /// the run again once that thread has finished).
    struct RunPointer: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<Run>
        init(_ pointer: UnsafeMutablePointer<Run>) { self.pointer = pointer }
    }

    /// One verification's working state.
    struct Run {
        let log: any DecisionLog
        let key: Curve25519.Signing.PublicKey?
        let previous: Verified?
        var problems = Problems()
        var checkpoints: [Checkpoint] = []
        var bySize: [UInt64: [Int]] = [:]
        var storedNodes: [UInt64: Hash] = [:]   // key: level << 56 | index
        var keys: [String] = []
        var lastGood: UInt64 = 0
        /// A record is missing or out of place: nodes and roots after it are not checked.
        var structureBroken = false
        var f = MerkleFrontier()
        /// One past the highest sequence number stored (the records' end, whatever is missing before it).
        var end: UInt64 = 0
        var digests: [String: UInt64] = [:]
        var lastDigest = ""
        var progress: ((UInt64, UInt64) -> Void)?
        /// The case index, built while the records are walked; the sizes at which a version 2
        /// checkpoint due in this run signs its root, and the checkpoints whose root did not match.
        var index = CaseIndexBuilder()
        var indexDue: [UInt64: [Int]] = [:]
        var indexMismatches: [Int] = []
        /// Each digest version events name: each version they give it, with the first event giving it; the events counted.
        var eventDigests: [String: [(seq: UInt64, version: String)]] = [:]
        var events: UInt64 = 0
        /// Which thread makes the checks each record needs alone (tests choose one; verify adapts).
        var prechecks = PrecheckPlace.adaptive

        init(log: any DecisionLog, key: Curve25519.Signing.PublicKey?, previous: Verified?) {
            self.log = log
            self.key = key
            self.previous = previous
            if let previous {
                f = previous.frontier
                digests = previous.digests
                lastDigest = previous.lastDigest
                index = previous.index
                eventDigests = previous.eventDigests
                events = previous.events
                lastGood = previous.frontier.size
                end = previous.frontier.size
            }
        }

        mutating func verify() throws -> (report: VerifyReport, verified: Verified) {
            let state = try log.treeState()
            for n in try log.nodes() { storedNodes[UInt64(n.level) << 56 | n.index] = n.hash }
            try checkCheckpoints()
            let start = f.size
            try checkVerifiedPrefix(state: state)
            if start == 0, bySize[0] != nil { checkRoot() }
            try planIndexes(from: start)
            // Events (version and change events) are leaves of the same tree, stored apart: each is checked in its place.
            let stored = try log.versionEvents().filter { $0.seq >= start }
            try walk(from: start, total: state.size - min(start, state.size), events: stored)
            checkSize(state)
            checkNodesCompleted()
            try checkConsistency()
            checkIndexes()
            let identities = try checkArchive()
            if !problems.isEmpty { throw problems.error }
            let latest = checkpoints.last?.size ?? 0
            let named = digests.sorted { $0.value < $1.value }.map(\.key)
                + eventDigests.filter { digests[$0.key] == nil }.sorted { $0.value[0].seq < $1.value[0].seq }.map(\.key)
            let policies = named.map { d in (digest: d, name: identities[d]?.name ?? "", version: identities[d]?.version ?? "") }
            let report = VerifyReport(records: f.size, events: events, root: f.root, checkpoints: checkpoints.count, keys: keys, operatorKey: key != nil,
                                      policies: policies, uncheckpointed: f.size - min(latest, f.size), checkedNow: f.size - start)
            return (report, Verified(frontier: f, checkpoints: checkpoints, digests: digests, lastDigest: lastDigest, identities: identities, index: index,
                                             eventDigests: eventDigests, events: events))
        }

        /// Each checkpoint's log, signature and order; kept checkpoints unchanged since the previous run.
        mutating func checkCheckpoints() throws {
            checkpoints = try log.checkpoints()
            for (i, c) in checkpoints.enumerated() {
                let name = "checkpoint #\(i + 1) (\(c.size) records, signed \(TextEscaping.escaped(c.time)))"
                if c.logID != log.logID {
                    problems.add(.tampered, "\(name) belongs to another log (\(TextEscaping.escaped(c.logID)), this is \(log.logID))")
                }
                if let key {
                    if !c.signatureValid(with: key) {
                        problems.add(.key, c.publicKey == Array(key.rawRepresentation)
                            ? "\(name): its signature does not verify: the checkpoint was altered"
                            : "\(name) was not signed by the key given (it names key \(c.keyFingerprint), the key given is \(AuditKeys.fingerprint(Array(key.rawRepresentation))))")
                    }
                } else if !c.signatureValid() {
                    problems.add(.tampered, "\(name): its signature does not verify: the checkpoint was altered")
                }
                if !keys.contains(c.keyFingerprint) { keys.append(c.keyFingerprint) }
                if i > 0, c.size < checkpoints[i - 1].size {
                    problems.add(.tampered, "\(name) does not extend checkpoint #\(i) (\(checkpoints[i - 1].size) records): the log shrank between them")
                }
                bySize[c.size, default: []].append(i)
            }
            if let previous {
                for (i, c) in previous.checkpoints.enumerated() where i >= checkpoints.count || checkpoints[i] != c {
                    problems.add(.tampered, "checkpoint #\(i + 1) (\(c.size) records), verified before, was deleted or replaced")
                    break
                }
            }
        }

        /// From a previous run: the records verified then still give the root they gave, and each
        /// checkpoint made since over those records has that tree's root at its size.
        mutating func checkVerifiedPrefix(state: MerkleFrontier) throws {
            guard let previous, previous.frontier.size > 0 else { return }
            let size = previous.frontier.size
            if state.size < size {
                problems.add(.tampered, "the log shrank: it held \(size) records when last verified, its tree now counts \(state.size)")
            }
            do {
                if try log.subtreeHash(0, size) != previous.frontier.root {
                    problems.add(.tampered, "records 0...\(size - 1), verified before, no longer give the tree root they gave: a record's leaf hash or a tree node was altered since (run `verdict audit verify` for the details)")
                }
                for (i, c) in checkpoints.enumerated() where i >= previous.checkpoints.count && c.size <= size {
                    if try log.subtreeHash(0, c.size) != c.root { rootMismatch(i) }
                }
            } catch let e as AuditError {
                problems.add(e)
            }
        }

        mutating func rootMismatch(_ i: Int) {
            let c = checkpoints[i]
            problems.add(.tampered, "the records no longer match checkpoint #\(i + 1) (signed \(TextEscaping.escaped(c.time)) over \(c.size) records): a record in \(min(lastGood, c.size))...\(c.size == 0 ? 0 : c.size - 1) was altered, inserted, deleted or reordered and its hashes rewritten")
        }

        /// The root at the current size against every checkpoint of that size.
        mutating func checkRoot() {
            guard !structureBroken, let idx = bySize[f.size] else { return }
            let root = f.root
            var good = true
            for i in idx where checkpoints[i].root != root {
                rootMismatch(i)
                good = false
            }
            if good { lastGood = f.size }
        }

        /// A leaf's place: the next in the tree.
        mutating func checkPlace(_ seq: UInt64) {
            let expected = f.size
            end = max(end, seq &+ 1)
            if seq != expected && !structureBroken {
                structureBroken = true
                problems.add(.tampered, seq < expected ? "record \(seq) is stored out of order (after record \(expected - 1))"
                    : expected == 0 ? "record 0 was deleted (the log starts at record \(seq))"
                    : seq - expected == 1 ? "record \(expected) was deleted (the log jumps from \(expected - 1) to \(seq))"
                    : "records \(expected)...\(seq - 1) were deleted (the log jumps from \(expected - 1) to \(seq))")
            }
        }

        /// One event (a version or a change event): its place, its bytes against its leaf hash (`0x02`),
        /// its fields, and the nodes it completes.
        mutating func check(_ e: StoredVersionEvent) {
            checkPlace(e.seq)
            events += 1
            do {
                if case .version(let v) = try e.parsedEvent(), !(eventDigests[v.digest] ?? []).contains(where: { $0.version == v.version }) {
                    eventDigests[v.digest, default: []].append((v.seq, v.version))
                }
            } catch {
                problems.add(error)
            }
            appendLeaf(e.leaf)
        }

        /// Reads the records from `start` on, and checks them with the events in sequence. Two threads
        /// share the work: this one (which holds the log's snapshot) reads chunks of records; another
        /// checks them in sequence as they come (places, tree nodes, roots, the case index at each
        /// checkpoint's size). The checks each record needs alone (``RecordPrecheck``: its leaf hash, its
        /// columns, its case key) go to whichever thread has room (``PrecheckPlace``): by default this
        /// one makes them for a chunk while a chunk already waits for the checking thread, else the
        /// checking thread makes them itself. At most a few chunks wait between them.
        mutating func walk(from start: UInt64, total: UInt64, events stored: [StoredVersionEvent]) throws {
            let log = self.log
            let progress = self.progress
            let place = self.prechecks
            let handOff = RecordHandOff(capacity: 3)
            let finished = DispatchSemaphore(value: 0)
            try withUnsafeMutablePointer(to: &self) { me in
                let run = RunPointer(me)
                DispatchQueue.global(qos: .userInitiated).async {
                    var nextEvent = 0
                    var precheck = RecordPrecheck()
                    while let (records, given) = handOff.take() {
                        let prechecks = given ?? records.map { precheck.check($0) }
                        for i in records.indices {
                            while nextEvent < stored.count, stored[nextEvent].seq < records[i].seq { run.pointer.pointee.check(stored[nextEvent]); nextEvent += 1 }
                            run.pointer.pointee.check(records[i], prechecks[i])
                        }
                    }
                    while nextEvent < stored.count { run.pointer.pointee.check(stored[nextEvent]); nextEvent += 1 }
                    finished.signal()
                }
                // Whatever happens to the reading, the checking thread ends before this run goes on.
                defer {
                    handOff.close()
                    finished.wait()
                }
                var precheck = RecordPrecheck()
                var read: UInt64 = 0
                try log.scan(from: start, until: nil) { chunk in
                    let here = place == .reader || (place == .adaptive && handOff.backlog > 0)
                    handOff.put((chunk, here ? chunk.map { precheck.check($0) } : nil))
                    read += UInt64(chunk.count)
                    progress?(read, max(read, total))
                    return true
                }
            }
        }

        /// One record: its place, its bytes against its leaf hash and its columns (as ``RecordPrecheck``
        /// found them), and the tree nodes it completes.
        mutating func check(_ r: StoredRecord, _ precheck: RecordPrecheck.Result) {
            checkPlace(r.seq)
            switch precheck.outcome {
            case .intact: break
            case .notRecord: problems.add(.tampered, "record \(r.seq) was altered: its content is no longer a record Verdict wrote")
            case .holds(let embedded):
                problems.add(.tampered, "record \(r.seq) holds the content of record \(embedded): records were reordered or inserted at \(min(embedded, r.seq))")
            case .altered: problems.add(.tampered, "record \(r.seq) was altered: its content no longer matches its leaf hash")
            case .columns(let problem): problems.add(.tampered, problem)
            }
            if r.digest != lastDigest, digests[r.digest] == nil { digests[r.digest] = r.seq }
            lastDigest = r.digest
            index.add(key: precheck.key, seq: r.seq, leaf: r.leaf)
            appendLeaf(r.leaf)
        }

        mutating func appendLeaf(_ leaf: Hash) {
            // The stored leaf goes into the tree: a record whose bytes alone were edited is named once,
            // not again by every node and checkpoint above it.
            var nodeProblem: String?
            let broken = structureBroken
            let nodes = storedNodes
            f.append(leaf) { level, index, hash in
                guard !broken, level >= storedNodeLevel, nodeProblem == nil else { return }
                let first = index << UInt64(level), last = first + (1 << UInt64(level)) - 1
                guard let stored = nodes[UInt64(level) << 56 | index] else {
                    nodeProblem = "the tree node over records \(first)...\(last) is missing: deleted by hand"
                    return
                }
                if stored != hash {
                    nodeProblem = "the tree node over records \(first)...\(last) does not match them: a record in that range was altered and its leaf hash rewritten"
                }
            }
            if let nodeProblem { problems.add(.tampered, nodeProblem) }
            checkRoot()
            checkIndexRoot()
        }

        /// Which version 2 checkpoints this run checks the case index of (from a previous run, only
        /// those made since), by size. One made since over records verified before (smaller than
        /// where this run starts) is checked at once, from an index built anew up to it.
        mutating func planIndexes(from start: UInt64) throws {
            let first = previous?.checkpoints.count ?? 0
            var earlier: [(offset: Int, element: Checkpoint)] = []
            for (i, c) in checkpoints.enumerated() where i >= first && c.indexRoot != nil {
                if c.size >= start { indexDue[c.size, default: []].append(i) } else { earlier.append((i, c)) }
            }
            checkIndexRoot()
            guard !earlier.isEmpty else { return }
            var rebuilt = CaseIndexBuilder()
            var at: UInt64 = 0
            for (i, c) in earlier.sorted(by: { $0.element.size < $1.element.size }) {
                try log.forEachCaseLeaf(at..<c.size) { rebuilt.add(caseID: $0, seq: $1, leaf: $2) }
                at = c.size
                if rebuilt.root() != c.indexRoot { indexMismatches.append(i) }
            }
        }

        /// The index root at the current size against every version 2 checkpoint of that size due.
        mutating func checkIndexRoot() {
            guard !structureBroken, let due = indexDue[f.size] else { return }
            let root = index.root()
            for i in due where checkpoints[i].indexRoot != root { indexMismatches.append(i) }
        }

        /// The records counted against the tree state the writers left.
        /// After a gap, the records' end (not their count) is compared: a record deleted in the middle
        /// is named once, where it is missing.
        mutating func checkSize(_ state: MerkleFrontier) {
            let last = structureBroken ? end : f.size
            if last < state.size {
                problems.add(.tampered, last + 1 == state.size ? "record \(last) was deleted (the log's tree counts \(state.size) records)"
                    : "records \(last)...\(state.size - 1) were deleted (the log's tree counts \(state.size) records, the last stored is \(last == 0 ? "none" : String(last - 1)))")
            } else if last > state.size {
                problems.add(.tampered, "record \(state.size) was inserted outside Verdict (the log's tree counts \(state.size) records, \(f.size) are stored)")
            } else if f != state && !structureBroken {
                problems.add(.tampered, "the log's tree state does not match its records: `verdict_state` was edited by hand")
            }
            if let beyond = checkpoints.enumerated().first(where: { $0.element.size > last }) {
                problems.add(.tampered, "checkpoint #\(beyond.offset + 1) covers \(beyond.element.size) records but the log holds \(last): records \(last)...\(beyond.element.size - 1) were deleted")
            }
        }

        /// Every stored node must be one the records complete (an extra node is an insertion by hand).
        mutating func checkNodesCompleted() {
            let extra = storedNodes.keys.contains { k in
                let level = UInt8(k >> 56), index = k & ((1 << 56) - 1)
                return level < storedNodeLevel || (index + 1) << UInt64(level) > f.size
            }
            if extra { problems.add(.tampered, "the log holds tree nodes that no records complete: inserted by hand") }
        }

        /// Each checkpoint extends the one before (RFC 9162 2.1.4), proven from the tree just checked;
        /// from a previous run, only the pairs that involve a checkpoint made since.
        mutating func checkConsistency() throws {
            guard !structureBroken else { return }
            let first = max(1, (previous?.checkpoints.count ?? 1))
            for i in checkpoints.indices.dropFirst() where i >= first {
                let a = checkpoints[i - 1], b = checkpoints[i]
                guard a.size > 0, a.size <= b.size, b.size <= f.size else { continue }
                do {
                    let proof = try Merkle.consistencyProof(from: a.size, to: b.size) { lo, hi in try log.subtreeHash(lo, hi) }
                    if !Merkle.verifyConsistency(first: a.size, second: b.size, firstRoot: a.root, secondRoot: b.root, proof: proof) {
                        problems.add(.tampered, "checkpoint #\(i + 1) (\(b.size) records) does not extend checkpoint #\(i) (\(a.size) records)")
                    }
                } catch let e as AuditError {
                    problems.add(e)
                }
            }
        }

        /// Each version 2 checkpoint's case index root is the one its records give (``CaseIndex``), as
        /// ``checkIndexRoot()`` found it while the records were walked (read from the columns `check`
        /// compared with each record's bytes); from a previous run, only the checkpoints made since.
        mutating func checkIndexes() {
            // A record already named (its bytes, leaf or columns) explains a mismatch: the index is checked alone.
            guard !structureBroken, problems.isEmpty else { return }
            for i in indexMismatches.sorted() {
                let c = checkpoints[i]
                problems.add(.tampered, "checkpoint #\(i + 1) (\(c.size) records, signed \(TextEscaping.escaped(c.time))): its case index does not match the records: a record's case id or leaf hash was altered, or the index was signed over other records")
            }
        }

        /// Each policy version the records and the version events name: archived, its files reproducing
        /// its digest and compiling, its name and version columns what those files say, and each version
        /// event's version what they say. (Change events name candidates that may never have served:
        /// their digests need not be archived.)
        mutating func checkArchive() throws -> [String: (name: String, version: String)] {
            var identities: [String: (name: String, version: String)] = [:]
            var named = digests.map { (digest: $0.key, seq: $0.value, by: "record \($0.value) was decided by") }
            for (digest, e) in eventDigests where digests[digest] == nil { named.append((digest, e[0].seq, "version event \(e[0].seq) names")) }
            for (digest, _, by) in named.sorted(by: { $0.seq < $1.seq }) {
                guard let archived = try log.policy(digest: digest) else {
                    problems.add(.archive, "\(by) policy \(TextEscaping.escaped(digest)), which is missing from the archive")
                    continue
                }
                let identity: (name: String, version: String)
                if let known = previous?.identities[digest], PolicyDigest.compute(archived.files.map { ($0.path, $0.text) }) == digest {
                    identity = known
                } else {
                    do {
                        let compiled = try archived.compile()
                        identity = (compiled.identity.name, compiled.identity.version)
                    } catch {
                        problems.add(error)
                        continue
                    }
                }
                if archived.name != identity.name || archived.version != identity.version {
                    problems.add(.archive, "the archive entry for \(digest) says `\(TextEscaping.escaped(archived.name))` \(TextEscaping.escaped(archived.version)), but its files say `\(TextEscaping.escaped(identity.name))` \(TextEscaping.escaped(identity.version)): `verdict_policies` was edited by hand")
                }
                if let file = archived.files.first(where: { !$0.included && $0.shownPath != archived.folder + "/" + $0.path }) {
                    problems.add(.archive, "the archive entry for \(digest): file `\(TextEscaping.escaped(file.path))` is shown as `\(TextEscaping.escaped(file.shownPath))`, outside its folder `\(TextEscaping.escaped(archived.folder))`: edited by hand")
                }
                for e in eventDigests[digest] ?? [] where e.version != identity.version {
                    problems.add(.archive, "version event \(e.seq) names version \(TextEscaping.escaped(e.version)) of \(digest), but its archived files say \(TextEscaping.escaped(identity.version))")
                }
                identities[digest] = identity
            }
            return identities
        }
    }

    /// The first position of `needle` in `haystack`.
    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty ? 0 : nil }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                var i = 0
                let last = h.count - n.count
                while i <= last {
                    if h[i] == first {
                        var j = 1
                        while j < n.count && h[i + j] == n[j] { j += 1 }
                        if j == n.count { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
    }
}

/// Verifies one log again and again, each time only the records appended since the last successful
/// verification (and that the tree of those verified before still has its root): what the console
/// runs on every audit record page. Verifications are serialised; a failed one keeps the state of
/// the last success, so the next tries again from there.
public final class IncrementalVerifier: @unchecked Sendable {
    public let log: any DecisionLog
    private let lock = NSLock()
    private var verified: LogVerifier.Verified?

    public init(log: any DecisionLog) { self.log = log }

    public func verify() throws -> VerifyReport {
        lock.lock()
        defer { lock.unlock() }
        let (report, state) = try LogVerifier.verify(log, key: nil, from: verified)
        verified = state
        return report
    }
}

extension JSONWriter {
    static func quoted(_ s: String) -> String {
        var w = JSONWriter()
        w.string(s)
        return w.output
    }
}
