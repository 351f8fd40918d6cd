import Foundation
import Synchronization
import Verdict

/// Every proposal of a service, kept as one JSON file each in a folder (`--changes-folder`), and the
/// rules of their review (issue 32):
///
/// - an editor (or above) proposes, with a reason, against the version serving now;
/// - an approver (or above) other than the author approves or rejects it, with a comment — an author
///   can never approve their own proposal;
/// - a proposal whose base is no longer the serving version cannot be approved until its author brings
///   it up to date (``update(_:by:baseDigest:candidateDigest:changes:check:at:)``): no change is lost to another;
/// - an approved proposal is activated or refused once (``finish(_:activated:outcome:at:)``); two
///   approvers acting at once give one approval, the other is told it was approved already.
///
/// Each change is written to its file (a temporary file synced, then renamed) before the call returns.
public final class ProposalStore: Sendable {
    /// Why a step was refused: `kind` maps to an HTTP status, `code` to a problem type.
    public struct Refusal: Error, CustomStringConvertible, Sendable, Equatable {
        /// The class of refusal.
        public enum Kind: Sendable, Equatable {
            /// The person's role does not allow it, or it is their own proposal.
            case forbidden
            /// No such proposal.
            case notFound
            /// The proposal is not in a state that allows it, or its base is no longer serving.
            case conflict
            /// What was sent is not acceptable (an empty reason, a bad path, too large).
            case invalid
            /// The folder cannot be written or read.
            case storage
        }
        public var kind: Kind
        /// A short stable name: `insufficient-role`, `own-proposal`, `stale-base`, `not-open`, …
        public var code: String
        /// What was refused and why.
        public var description: String

        /// A refusal of `kind`.
        public init(_ kind: Kind, _ code: String, _ description: String) {
            self.kind = kind
            self.code = code
            self.description = description
        }
    }

    /// Bounds that keep the folder and each request small.
    public static let maxReason = 2_000
    /// Most files one proposal writes or removes.
    public static let maxFiles = 200
    /// Most bytes of text one proposal holds.
    public static let maxBytes = 16 << 20
    /// Most proposals open at once.
    public static let maxOpen = 500

    /// Most bytes of text all stored proposals hold together: past it, new proposals are refused until
    /// old ones are archived (moved out of the folder).
    public static let maxStoredBytes = 256 << 20

    /// Called with each step inside the store's lock, after the step is decided and before it is kept:
    /// when it throws (the decision log cannot record the step), the step does not happen.
    public typealias Recorder = @Sendable (Proposal) throws -> Void

    /// The folder the proposals are kept in.
    public let folder: String
    private let proposals: Mutex<[String: Proposal]>
    private let next: Mutex<Int>
    private let storedBytes: Mutex<Int>

    /// Opens (creating it if needed) the folder of proposals, reading every one; an unreadable file is
    /// an error that names it — a store is never half read.
    public init(folder: String) throws(Refusal) {
        self.folder = folder
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw Refusal(.storage, "storage", "cannot make the proposals folder `\(folder)`: \(error.localizedDescription)")
        }
        guard let names = try? fm.contentsOfDirectory(atPath: folder) else {
            throw Refusal(.storage, "storage", "cannot read the proposals folder `\(folder)`")
        }
        var all: [String: Proposal] = [:]
        var highest = 0
        var bytes = 0
        for name in names where name.hasSuffix(".json") && name.hasPrefix("P") {
            let path = folder + "/" + name
            guard let data = fm.contents(atPath: path), data.count <= Self.maxBytes * 3 else {
                throw Refusal(.storage, "storage", "cannot read the proposal `\(path)`")
            }
            let p: Proposal
            do { p = try JSONDecoder().decode(Proposal.self, from: data) } catch {
                throw Refusal(.storage, "storage", "`\(path)` is not a proposal Verdict wrote: \(error)")
            }
            guard name == p.id + ".json", let n = Self.number(p.id) else {
                throw Refusal(.storage, "storage", "`\(path)` holds the proposal `\(p.id)`: the file was renamed or copied by hand")
            }
            all[p.id] = p
            highest = max(highest, n)
            bytes += Self.size(p)
        }
        proposals = Mutex(all)
        next = Mutex(highest + 1)
        storedBytes = Mutex(bytes)
    }

    private static func size(_ p: Proposal) -> Int {
        p.changes.reduce(0) { $0 + ($1.text?.utf8.count ?? 0) + ($1.before?.utf8.count ?? 0) }
    }

    private static func number(_ id: String) -> Int? {
        guard id.hasPrefix("P"), id.count <= 12 else { return nil }
        return Int(id.dropFirst()).flatMap { $0 > 0 ? $0 : nil }
    }

    /// Every proposal (of `set` only, when given), the latest first.
    public func all(set: String? = nil) -> [Proposal] {
        proposals.withLock { Array($0.values) }
            .filter { set == nil || $0.set == set }
            .sorted { (Self.number($0.id) ?? 0) > (Self.number($1.id) ?? 0) }
    }

    /// The proposal `id`, if there is one.
    public func proposal(_ id: String) -> Proposal? {
        proposals.withLock { $0[id] }
    }

    /// Records a new open proposal by `by` (an editor or above) and returns it.
    public func propose(set: String, version: String, by: Identity, reason: String, baseDigest: String, candidateDigest: String,
                        rollbackOf: String? = nil, madeFrom: String? = nil, effective: String? = nil, changes: [Proposal.FileChange],
                        check: Proposal.CheckSummary, at: Timestamp,
                        record: Recorder = { _ in }) throws(Refusal) -> Proposal {
        try Self.require(.editor, by, "propose a change")
        let reason = try Self.text(reason, "reason")
        try Self.validate(changes)
        guard version.isEmpty || ProposalPath.problem(version + "/x.yaml") == nil else { throw Refusal(.invalid, "bad-path", "`\(version)` is not a version folder") }
        if let madeFrom {
            guard version.hasPrefix("versions/"), madeFrom.isEmpty || ProposalPath.problem(madeFrom + "/x.yaml") == nil, madeFrom != version else {
                throw Refusal(.invalid, "bad-path", "a new version goes into a folder `versions/NAME` of its own, made from another version's")
            }
            try Self.validateNewVersion(version, changes)
        }
        let time = at.rfc3339(in: .utc)
        return try proposals.withLock { (all: inout [String: Proposal]) throws(Refusal) -> Proposal in
            guard all.values.filter({ !$0.state.isFinal }).count < Self.maxOpen else {
                throw Refusal(.conflict, "too-many-open", "\(Self.maxOpen) proposals are open already: review or withdraw some first")
            }
            let id = next.withLock { n in "P\(n)" }
            let p = Proposal(id: id, set: set, version: version, author: by.name, reason: reason, createdAt: time, baseDigest: baseDigest,
                             candidateDigest: candidateDigest, rollbackOf: rollbackOf, madeFrom: madeFrom,
                             newVersionEffective: madeFrom == nil ? nil : effective, changes: changes, check: check)
            guard storedBytes.withLock({ $0 }) + Self.size(p) <= Self.maxStoredBytes else {
                throw Refusal(.storage, "store-full", "the proposals folder `\(folder)` holds \(Self.maxStoredBytes >> 20) MiB of proposals: move closed ones out of it (they stay in the decision log's history) and restart")
            }
            // The id is used up whatever happens next: a step recorded for it is never told of another proposal.
            next.withLock { $0 += 1 }
            try keep(p, record)
            storedBytes.withLock { $0 += Self.size(p) }
            all[id] = p
            return p
        }
    }

    /// A new version's files: every one new, and each a plain path once `version` (`versions/NAME`) is
    /// put in front of it, as it is written.
    static func validateNewVersion(_ version: String, _ changes: [Proposal.FileChange]) throws(Refusal) {
        guard changes.allSatisfy({ $0.before == nil && $0.text != nil }) else {
            throw Refusal(.invalid, "bad-path", "every file of a new version is a new file")
        }
        for c in changes {
            if let problem = ProposalPath.problem(version + "/" + c.path) { throw Refusal(.invalid, "bad-path", problem) }
        }
    }

    /// Brings an open proposal up to date: its author — only its author: nobody may put words in a
    /// proposal someone else will be held to have made — replaces its files, base and candidate, and its
    /// revision goes up by one.
    public func update(_ id: String, by: Identity, baseDigest: String, candidateDigest: String, changes: [Proposal.FileChange],
                       check: Proposal.CheckSummary, at: Timestamp, record: Recorder = { _ in }) throws(Refusal) -> Proposal {
        try Self.validate(changes)
        return try transition(id, record) { (p: inout Proposal) throws(Refusal) in
            guard Identity.sameName(p.author, by.name) else {
                throw Refusal(.forbidden, "not-author", "only its author, \(p.author), may bring \(id) up to date")
            }
            try Self.require(.editor, by, "bring a proposal up to date")
            guard p.state == .open else { throw Self.notOpen(p) }
            if p.madeFrom != nil { try Self.validateNewVersion(p.version, changes) }
            p.baseDigest = baseDigest
            p.candidateDigest = candidateDigest
            p.changes = changes
            p.check = check
            p.revision += 1
            p.updatedAt = at.rfc3339(in: .utc)
        }
    }

    /// Its author (or an admin) takes an open proposal back.
    public func withdraw(_ id: String, by: Identity, at: Timestamp, record: Recorder = { _ in }) throws(Refusal) -> Proposal {
        try transition(id, record) { (p: inout Proposal) throws(Refusal) in
            guard Identity.sameName(p.author, by.name) || by.role.allows(.admin) else {
                throw Refusal(.forbidden, "not-author", "only its author, \(p.author), or an admin may withdraw \(id)")
            }
            guard p.state == .open else { throw Self.notOpen(p) }
            p.state = .withdrawn
            p.updatedAt = at.rfc3339(in: .utc)
        }
    }

    /// An approver other than the author approves or rejects an open proposal.
    ///
    /// `serving` is the digest serving now in the proposal's set and version folder (nil when the set is
    /// no longer served): an approval needs it to be the proposal's base. `revision` is the revision
    /// the reviewer saw (nil: not checked, for a rejection): an approval of files that changed since is refused.
    public func review(_ id: String, by: Identity, approve: Bool, comment: String, serving: String?, revision: Int? = nil, at: Timestamp,
                       record: Recorder = { _ in }) throws(Refusal) -> Proposal {
        try Self.require(.approver, by, approve ? "approve a proposal" : "reject a proposal")
        let comment = try Self.text(comment, "comment", empty: approve)
        return try transition(id, record) { (p: inout Proposal) throws(Refusal) in
            guard !Identity.sameName(p.author, by.name) else {
                throw Refusal(.forbidden, "own-proposal", "\(by.name) proposed \(id): a proposal is reviewed by someone other than its author")
            }
            guard p.state == .open else { throw Self.notOpen(p) }
            if approve {
                guard let revision else {
                    throw Refusal(.invalid, "missing-revision", "an approval names the revision of \(id) its reviewer saw (now \(p.revision))")
                }
                guard revision == p.revision else {
                    throw Refusal(.conflict, "changed-since-review", "\(id) is at revision \(p.revision), not the \(revision) reviewed: its author changed it since; review it again")
                }
                guard let serving else {
                    throw Refusal(.conflict, "set-gone", "the policy set `\(p.set)` is no longer served: \(id) cannot be activated (reject or withdraw it)")
                }
                guard serving == p.baseDigest else {
                    throw Refusal(.conflict, "stale-base", "\(id) was made against \(p.baseDigest.prefix(12)), but \(serving.prefix(12)) serves now: its author must bring it up to date first, so that no change is lost")
                }
            }
            p.reviews.append(.init(by: by.name, approved: approve, comment: comment, at: at.rfc3339(in: .utc)))
            p.state = approve ? .approved : .rejected
            p.updatedAt = at.rfc3339(in: .utc)
        }
    }

    /// Records the end of an approved proposal's activation: serving (`activated`) or refused, with what happened.
    public func finish(_ id: String, activated: Bool, outcome: [String], at: Timestamp, record: Recorder = { _ in }) throws(Refusal) -> Proposal {
        try transition(id, record) { (p: inout Proposal) throws(Refusal) in
            guard p.state == .approved else { throw Self.notOpen(p) }
            p.state = activated ? .activated : .refused
            p.outcome = outcome
            p.updatedAt = at.rfc3339(in: .utc)
        }
    }

    private func transition(_ id: String, _ record: Recorder, _ change: (inout Proposal) throws(Refusal) -> Void) throws(Refusal) -> Proposal {
        try proposals.withLock { (all: inout [String: Proposal]) throws(Refusal) -> Proposal in
            guard var p = all[id] else { throw Refusal(.notFound, "no-proposal", "there is no proposal `\(id.prefix(40))`") }
            let before = Self.size(p)
            try change(&p)
            guard Self.size(p) <= before || storedBytes.withLock({ $0 }) + Self.size(p) - before <= Self.maxStoredBytes else {
                throw Refusal(.storage, "store-full", "the proposals folder `\(folder)` holds \(Self.maxStoredBytes >> 20) MiB of proposals: move closed ones out of it (they stay in the decision log's history) and restart")
            }
            try keep(p, record)
            storedBytes.withLock { $0 += Self.size(p) - before }
            all[id] = p
            return p
        }
    }

    private static func recorded(_ p: Proposal, _ record: Recorder) throws(Refusal) {
        do { try record(p) } catch {
            throw Refusal(.storage, "not-recorded", "the decision log could not record this step, so it did not happen: \(error)")
        }
    }

    private static func notOpen(_ p: Proposal) -> Refusal {
        let by = p.reviews.last.map { " by \($0.by)" } ?? ""
        return Refusal(.conflict, "not-open", "\(p.id) is \(p.state.rawValue)\(p.state == .approved || p.state == .rejected ? by : "") already")
    }

    private static func require(_ role: Role, _ who: Identity, _ what: String) throws(Refusal) {
        guard who.role.allows(role) else {
            throw Refusal(.forbidden, "insufficient-role", "\(who.name) is a\(who.role == .admin || who.role == .editor || who.role == .approver ? "n" : "") \(who.role.rawValue): to \(what) needs the role \(role.rawValue)")
        }
    }

    private static func text(_ s: String, _ what: String, empty: Bool = false) throws(Refusal) -> String {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        guard empty || !t.isEmpty else { throw Refusal(.invalid, "missing-\(what)", "a \(what) is required") }
        guard t.count <= maxReason else { throw Refusal(.invalid, "too-long", "the \(what) is longer than \(maxReason) characters") }
        guard !t.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) else {
            throw Refusal(.invalid, "bad-text", "the \(what) holds a control character")
        }
        return t
    }

    private static func validate(_ changes: [Proposal.FileChange]) throws(Refusal) {
        guard !changes.isEmpty else { throw Refusal(.invalid, "no-change", "the proposal changes no file") }
        guard changes.count <= maxFiles else { throw Refusal(.invalid, "too-large", "a proposal may change at most \(maxFiles) files") }
        var seen = Set<String>()
        var bytes = 0
        for c in changes {
            if let problem = ProposalPath.problem(c.path) { throw Refusal(.invalid, "bad-path", problem) }
            guard seen.insert(c.path).inserted else { throw Refusal(.invalid, "bad-path", "`\(c.path)` is changed twice") }
        }
        for c in changes {
            if let folderOf = changes.first(where: { c.path.hasPrefix($0.path + "/") }) {
                throw Refusal(.invalid, "bad-path", "`\(c.path)` would be inside `\(folderOf.path)`, a file of the same proposal")
            }
            bytes += (c.text?.utf8.count ?? 0) + (c.before?.utf8.count ?? 0)
        }
        guard bytes <= maxBytes else { throw Refusal(.invalid, "too-large", "a proposal may hold at most \(maxBytes >> 20) MiB of text") }
    }

    /// Writes `p` to a temporary file beside its own, synced, and returns its path: the step is
    /// prepared, and nothing a reader sees has changed yet.
    private func prepare(_ p: Proposal) throws(Refusal) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let temp = folder + "/" + p.id + ".json.tmp"
        do {
            let data = try encoder.encode(p)
            guard FileManager.default.createFile(atPath: temp, contents: data) else { throw CocoaError(.fileWriteUnknown) }
            let fd = open(temp, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
            defer { close(fd) }
            guard fsync(fd) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            _ = unlink(temp)
            throw Refusal(.storage, "storage", "cannot write `\(temp)`: \(error.localizedDescription)")
        }
        return temp
    }

    /// Prepares `p`, has the step recorded, then renames it into place: a step the log cannot record is
    /// not kept, and a step the store cannot keep is not recorded (only the rename, which does not run
    /// out of space, stands between the two).
    private func keep(_ p: Proposal, _ record: Recorder) throws(Refusal) {
        let temp = try prepare(p)
        do { try Self.recorded(p, record) } catch {
            _ = unlink(temp)
            throw error
        }
        let path = folder + "/" + p.id + ".json"
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = unlink(temp)
            throw Refusal(.storage, "storage", "cannot write `\(path)`: \(reason) (the decision log has the step; the proposal file does not)")
        }
    }
}
