import Foundation

/// A change to a policy set, submitted with a reason, waiting for a second person (issue 32).
///
/// It holds the whole text of every file it writes (and the text that file had when it was proposed,
/// for its diff), the files it removes, the digest of the version it was made against (`base`) and of
/// the version it makes (`candidate`), and each step since: reviews, activation or its refusal.
/// It is stored as JSON, one file per proposal (``ProposalStore``).
public struct Proposal: Sendable, Codable, Equatable, Identifiable {
    /// Where a proposal is.
    public enum State: String, Sendable, Codable, CaseIterable {
        /// Waiting for review.
        case open
        /// Approved; the service is writing and reloading it.
        case approved
        /// Turned down by a reviewer, with a comment.
        case rejected
        /// Written into the set's folder and serving.
        case activated
        /// Approved, but the reload on the serving machine refused it (``Proposal/outcome`` says why); nothing of it serves.
        case refused
        /// Taken back by its author (or an admin) before review.
        case withdrawn

        /// True once nothing more can happen to it.
        public var isFinal: Bool { self != .open && self != .approved }
    }

    /// One file the proposal writes or removes, by its path relative to the version's folder.
    public struct FileChange: Sendable, Codable, Equatable {
        /// `rules.yaml`, or `versions/2027/rules.yaml` for a file of another version's folder.
        public var path: String
        /// The file's new text; nil removes the file.
        public var text: String?
        /// The file's text when the change was proposed; nil for a new file.
        public var before: String?

        /// A change of `path` to `text` (nil: removed), from `before` (nil: a new file).
        public init(path: String, text: String?, before: String?) {
            self.path = path
            self.text = text
            self.before = before
        }
    }

    /// A reviewer's decision.
    public struct Review: Sendable, Codable, Equatable {
        /// Who reviewed.
        public var by: String
        /// True for an approval, false for a rejection.
        public var approved: Bool
        /// What the reviewer wrote.
        public var comment: String
        /// When (RFC 3339, UTC).
        public var at: String

        /// A review by `by`.
        public init(by: String, approved: Bool, comment: String, at: String) {
            self.by = by
            self.approved = approved
            self.comment = comment
            self.at = at
        }
    }

    /// What the check of the candidate found when it was proposed (or brought up to date).
    public struct CheckSummary: Sendable, Codable, Equatable {
        /// The candidate's tests that passed and failed.
        public var testsPassed: Int
        public var testsFailed: Int
        /// Warnings of the check, as `file:line:column: message`.
        public var warnings: [String]
        /// Recorded decisions replayed under the candidate, and how many of them it would decide differently.
        public var replayed: Int
        public var changedDecisions: Int

        /// A summary of a candidate's check.
        public init(testsPassed: Int, testsFailed: Int, warnings: [String], replayed: Int, changedDecisions: Int) {
            self.testsPassed = testsPassed
            self.testsFailed = testsFailed
            self.warnings = warnings
            self.replayed = replayed
            self.changedDecisions = changedDecisions
        }
    }

    /// `P1`, `P2`, … in the order proposed.
    public var id: String
    /// The policy set's name.
    public var set: String
    /// The version folder it edits, relative to the set's folder: `""` for the set's own files.
    public var version: String
    /// Who proposed it.
    public var author: String
    /// Why, in the author's words.
    public var reason: String
    /// When it was proposed (RFC 3339, UTC).
    public var createdAt: String
    /// The digest of the serving version it was made against.
    public var baseDigest: String
    /// The digest of the version it makes.
    public var candidateDigest: String
    /// For a rollback: the archived version's digest it brings back.
    public var rollbackOf: String?
    /// For a proposal that makes a new version (``version`` is then its new folder, `versions/NAME`): the
    /// version folder it was made from (`""` for the set's own files), whose serving digest is
    /// ``baseDigest``. Every file of the new version is a new file of the change.
    public var madeFrom: String?
    /// For a new version: the date it takes effect (`2027-01-01`), as proposed.
    public var newVersionEffective: String?
    /// The files it writes and removes.
    public var changes: [FileChange]
    /// The check of the candidate.
    public var check: CheckSummary
    public var state: State
    /// Reviews, in order (at most one: a review closes an open proposal).
    public var reviews: [Review]
    /// What happened at activation: why it was refused, or what serves.
    public var outcome: [String]
    /// When it was last changed (RFC 3339, UTC).
    public var updatedAt: String
    /// 1 when proposed, one more each time its author brings it up to date: an approval names the
    /// revision its reviewer saw, and is refused if the files changed since.
    public var revision: Int

    /// A new open proposal.
    public init(id: String, set: String, version: String, author: String, reason: String, createdAt: String, baseDigest: String,
                candidateDigest: String, rollbackOf: String? = nil, madeFrom: String? = nil,
                newVersionEffective: String? = nil, changes: [FileChange], check: CheckSummary) {
        self.id = id
        self.set = set
        self.version = version
        self.author = author
        self.reason = reason
        self.createdAt = createdAt
        self.baseDigest = baseDigest
        self.candidateDigest = candidateDigest
        self.rollbackOf = rollbackOf
        self.madeFrom = madeFrom
        self.newVersionEffective = newVersionEffective
        self.changes = changes
        self.check = check
        self.state = .open
        self.reviews = []
        self.outcome = []
        self.updatedAt = createdAt
        self.revision = 1
    }

    /// The version folder whose serving digest the proposal was made against: the one it edits, or
    /// for a new version the one it was made from.
    public var baseVersion: String { madeFrom ?? version }

    private enum CodingKeys: String, CodingKey {
        case id, set, version, author, reason, createdAt, baseDigest, candidateDigest, rollbackOf, madeFrom, newVersionEffective, changes, check
        case state, reviews
        case outcome, updatedAt, revision
    }

    /// Reads a stored proposal; one stored before proposals had revisions is at its first.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        set = try c.decode(String.self, forKey: .set)
        version = try c.decode(String.self, forKey: .version)
        author = try c.decode(String.self, forKey: .author)
        reason = try c.decode(String.self, forKey: .reason)
        createdAt = try c.decode(String.self, forKey: .createdAt)
        baseDigest = try c.decode(String.self, forKey: .baseDigest)
        candidateDigest = try c.decode(String.self, forKey: .candidateDigest)
        rollbackOf = try c.decodeIfPresent(String.self, forKey: .rollbackOf)
        madeFrom = try c.decodeIfPresent(String.self, forKey: .madeFrom)
        newVersionEffective = try c.decodeIfPresent(String.self, forKey: .newVersionEffective)
        changes = try c.decode([FileChange].self, forKey: .changes)
        check = try c.decode(CheckSummary.self, forKey: .check)
        state = try c.decode(State.self, forKey: .state)
        reviews = try c.decode([Review].self, forKey: .reviews)
        outcome = try c.decode([String].self, forKey: .outcome)
        updatedAt = try c.decode(String.self, forKey: .updatedAt)
        revision = try c.decodeIfPresent(Int.self, forKey: .revision) ?? 1
    }

    /// For a new version: its name (its folder's last part), or nil.
    public var newVersionName: String? { madeFrom == nil ? nil : String(version.dropFirst("versions/".count)) }

    /// The path of a changed file in the set's folder (with the version folder in front).
    public func pathInSet(_ change: FileChange) -> String {
        version.isEmpty ? change.path : version + "/" + change.path
    }
}

/// A file path a proposal may write: relative, plain names (letters, digits, `.`, `-`, `_`) joined by
/// `/`, none hidden, none `..`, ending in `.yaml` or `.yml`, at most 4 deep and 200 bytes.
public enum ProposalPath {
    /// Nil when `path` may be written; otherwise why not.
    public static func problem(_ path: String) -> String? {
        guard !path.isEmpty, path.utf8.count <= 200 else { return "`\(path.prefix(60))` is not a file name of at most 200 bytes" }
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml") else { return "`\(path)` is not a policy or test file (*.yaml, *.yml)" }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 4 else { return "`\(path)` is more than 4 folders deep" }
        for part in parts {
            guard !part.isEmpty, !part.hasPrefix("."),
                  part.unicodeScalars.allSatisfy({ s in s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || "._-".unicodeScalars.contains(s)) })
            else { return "`\(path)` is not a plain relative path (letters, digits, `.`, `-`, `_`; no hidden or `..` part)" }
        }
        return nil
    }
}
