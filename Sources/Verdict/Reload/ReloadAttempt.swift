import Foundation

/// One attempt to load a policy folder, and what came of it.
public struct ReloadAttempt: Sendable {
    /// What came of an attempt: `activated`, `unchanged` or `failed`.
    public enum Outcome: String, Sendable {
        /// A new version loaded, passed its tests and now serves.
        case activated
        /// The files give the version already serving (same digest): nothing to swap.
        case unchanged
        /// Refused: the previous version (if any) keeps serving.
        case failed
    }

    /// When it started.
    public var at: Date
    /// What started it: the first load, the folder watcher, SIGHUP or `POST /v1/admin/reload`.
    public var trigger: ReloadTrigger
    /// Whether it activated a new version, found the serving one unchanged, or failed.
    public var outcome: Outcome
    /// The digest of what was read, when it compiled.
    public var candidateDigest: String?
    /// The versions read, `1.0.0, 2.0.0`, when they compiled.
    public var candidateVersion: String?
    /// Why it failed: policy errors, test-file errors and failed tests, each at file:line:column.
    public var diagnostics: [Diagnostic]
    /// YAML tests run against the candidate.
    public var testsPassed: Int
    /// YAML tests that failed (each also a diagnostic).
    public var testsFailed: Int
    /// How long reading, checking and testing took.
    public var seconds: Double
    /// What an activation logs as a warning: a version that kept its `version` with other content.
    public var warnings: [String] = []

    package init(at: Date, trigger: ReloadTrigger) {
        self.at = at
        self.trigger = trigger
        outcome = .failed
        diagnostics = []
        testsPassed = 0
        testsFailed = 0
        seconds = 0
    }

    /// `a5-approval.yaml:20:15: unknown field `cots`` for the first errors, for a log line.
    public var summary: String {
        let errors = diagnostics.filter { $0.severity == .error }
        var parts = errors.prefix(3).map { d in (d.location.map { "\($0): " } ?? "") + d.message }
        if errors.count > 3 { parts.append("and \(errors.count - 3) more") }
        return parts.joined(separator: "; ")
    }
}
