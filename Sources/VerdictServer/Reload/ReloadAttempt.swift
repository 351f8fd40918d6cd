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

    /// `a5-approval.yaml:20:15: unknown field `cots`` for the first errors, for a log line.
    public var summary: String {
        let errors = diagnostics.filter { $0.severity == .error }
        var parts = errors.prefix(3).map { d in (d.location.map { "\($0): " } ?? "") + d.message }
        if errors.count > 3 { parts.append("and \(errors.count - 3) more") }
        return parts.joined(separator: "; ")
    }
}

/// The version of a policy set that serves requests: immutable, swapped whole on reload.
public final class ActivePolicy: Sendable {
    public let policy: CompiledPolicy
    public let loadedAt: Date
    public let trigger: ReloadTrigger
    public let testsPassed: Int
    /// The schema of its case input, generated once.
    public let schema: [UInt8]

    init(policy: CompiledPolicy, loadedAt: Date, trigger: ReloadTrigger, testsPassed: Int) {
        self.policy = policy
        self.loadedAt = loadedAt
        self.trigger = trigger
        self.testsPassed = testsPassed
        var w = JSONWriter()
        CaseSchema.write(policy, to: &w)
        schema = w.bytes
    }
}
