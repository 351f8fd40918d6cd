import Foundation
import Verdict

/// What started a reload.
public enum ReloadTrigger: String, Sendable {
    /// The first load when the server starts.
    case startup
    /// The folder watcher saw files change (and settle).
    case watch
    /// SIGHUP.
    case signal
    /// `POST /v1/admin/reload`.
    case request
}

/// One attempt to load a policy folder, and what came of it.
public struct ReloadAttempt: Sendable {
    public enum Outcome: String, Sendable {
        /// A new version loaded, passed its tests and now serves.
        case activated
        /// The files give the version already serving (same digest): nothing to swap.
        case unchanged
        /// Refused: the previous version (if any) keeps serving.
        case failed
    }

    public var at: Date
    public var trigger: ReloadTrigger
    public var outcome: Outcome
    /// The digest of what was read, when it compiled.
    public var candidateDigest: String?
    public var candidateVersion: String?
    /// Why it failed: policy errors, test-file errors and failed tests, each at file:line:column.
    public var diagnostics: [Diagnostic]
    /// YAML tests run against the candidate.
    public var testsPassed: Int
    public var testsFailed: Int
    /// How long reading, checking and testing took.
    public var seconds: Double
    /// What an activation logs as a warning: a version that kept its `version` with other content.
    public var warnings: [String] = []

    /// `a5-approval.yaml:20:15: unknown field `cots`` for the first errors, for a log line.
    public var summary: String {
        let errors = diagnostics.filter { $0.severity == .error }
        var parts = errors.prefix(3).map { d in (d.location.map { "\($0): " } ?? "") + d.message }
        if errors.count > 3 { parts.append("and \(errors.count - 3) more") }
        return parts.joined(separator: "; ")
    }
}

/// The versions of a policy set that serve requests: immutable, swapped whole on reload.
///
/// A set of one version serves it for every case; a set with several (folders under `versions/`)
/// decides each case by the version in force on its date (see `PolicyVersions`).
public final class ActivePolicy: Sendable {
    /// Every version of the set, earliest effective date first.
    public let versions: PolicyVersions
    public let loadedAt: Date
    public let trigger: ReloadTrigger
    public let testsPassed: Int
    /// The schema of each version's case input, generated once, in the order of `versions`.
    private let schemas: [[UInt8]]

    init(versions: PolicyVersions, loadedAt: Date, trigger: ReloadTrigger, testsPassed: Int) {
        self.versions = versions
        self.loadedAt = loadedAt
        self.trigger = trigger
        self.testsPassed = testsPassed
        schemas = versions.versions.map { policy in
            var w = JSONWriter()
            CaseSchema.write(policy, to: &w)
            return w.bytes
        }
    }

    /// The version in force now (the earliest while none is yet): what the set's listing, schema and
    /// headers name when no case picks one.
    public var policy: CompiledPolicy { versions.version(at: Timestamp(Date())) ?? versions.versions[0] }

    /// The schema of the case input of the version in force now.
    public var schema: [UInt8] {
        let now = policy
        return schemas[versions.versions.firstIndex { $0 === now } ?? 0]
    }

    /// The digests of every version, in order: equal exactly when a reload would change nothing.
    var digests: [String] { versions.versions.map(\.identity.digest) }
}
