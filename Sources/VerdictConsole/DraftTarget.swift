import Verdict

/// Which version of a set a draft is made from and what it becomes: an edit of that version in its
/// folder, or a new version with its own effective date under `versions/`; the set's served versions
/// with their dates, and what each later version already changes against the edited one.
public struct DraftTarget: Sendable {
    /// One served version of the set.
    public struct Version: Sendable, Equatable {
        /// Its `version`.
        public var version: String
        /// Its `effective` date (nil for a set of one version without one).
        public var effective: CivilDate?
        /// Its folder relative to the set's: `""` for the set's own files, `versions/NAME` for another.
        public var folder: String

        /// A version.
        public init(version: String, effective: CivilDate?, folder: String) {
            self.version = version
            self.effective = effective
            self.folder = folder
        }
    }

    /// A version after the edited one: whether it is still to come, and its semantic diff against it.
    public struct Later: Sendable {
        /// The version.
        public var version: Version
        /// True when its effective date is after today (in the set's time zone).
        public var scheduled: Bool
        /// `PolicyDiff.structure(old: edited, new: this)`, one line per change.
        public var changes: [String]

        /// A later version.
        public init(version: Version, scheduled: Bool, changes: [String]) {
            self.version = version
            self.scheduled = scheduled
            self.changes = changes
        }
    }

    /// A new version the draft is made as.
    public struct NewVersion: Sendable, Equatable {
        /// Its `version` (and the name of its folder under `versions/`).
        public var version: String
        /// Its effective date as typed (checked by the draft check).
        public var effective: String

        /// A new version.
        public init(version: String, effective: String) {
            self.version = version
            self.effective = effective
        }

        /// Its folder relative to the set's.
        public var folder: String { "versions/" + version }
    }

    /// The set's served versions, earliest first.
    public var versions: [Version]
    /// The index in ``versions`` of the version the draft is made from.
    public var edited: Int
    /// The versions after it, with what each changes.
    public var later: [Later]
    /// Set when the draft is made as a new version instead of an edit in place.
    public var asNew: NewVersion?

    /// A target.
    public init(versions: [Version], edited: Int, later: [Later], asNew: NewVersion?) {
        self.versions = versions
        self.edited = edited
        self.later = later
        self.asNew = asNew
    }

    /// The version the draft is made from.
    public var base: Version { versions[edited] }

    /// The last day the edited version is in force: the day before the next version's effective date,
    /// nil when no version follows it.
    public var until: CivilDate? {
        guard edited + 1 < versions.count, let next = versions[edited + 1].effective else { return nil }
        return CivilDate(daysSinceEpoch: next.daysSinceEpoch - 1)
    }

    /// The folder (relative to the set's) the draft's files go to.
    public var folder: String { asNew?.folder ?? base.folder }

    /// `path` of a draft file as a path in the set's folder.
    public func pathInSet(_ path: String) -> String { folder.isEmpty ? path : folder + "/" + path }
}
