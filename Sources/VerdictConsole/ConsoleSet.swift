import Foundation
import Verdict

/// One policy set as the console shows it: what serves, and how the last reload went.
public struct ConsoleSet: Sendable {
    /// The last attempt to load the set's folder.
    public struct Reload: Sendable {
        /// When it ran.
        public var at: Date
        /// What started it (`startup`, `watch`, `signal`, `request`).
        public var trigger: String
        /// `activated`, `unchanged` or `failed`.
        public var outcome: String
        /// YAML tests passed and failed against the candidate.
        public var testsPassed: Int
        /// YAML tests failed against the candidate.
        public var testsFailed: Int
        /// Why it failed, each at file:line:column (shown only to authenticated callers).
        public var diagnostics: [Diagnostic]

        /// A reload attempt as the server recorded it.
        public init(at: Date, trigger: String, outcome: String, testsPassed: Int, testsFailed: Int, diagnostics: [Diagnostic]) {
            self.at = at
            self.trigger = trigger
            self.outcome = outcome
            self.testsPassed = testsPassed
            self.testsFailed = testsFailed
            self.diagnostics = diagnostics
        }
    }

    /// The set's name.
    public var name: String
    /// Its folder, when the caller may see paths.
    public var folder: String?
    /// The version in force now, nil before the first successful load.
    public var policy: CompiledPolicy?
    /// Every version the set serves, earliest effective date first (each case is decided by the one
    /// in force on its date); just ``policy`` for a set of one version.
    public var versions: [CompiledPolicy]
    /// When that version was activated.
    public var loadedAt: Date?
    /// Its YAML tests passed when it was activated.
    public var testsPassed: Int
    /// The last reload attempt.
    public var lastReload: Reload?

    /// A set as the server holds it.
    public init(name: String, folder: String?, policy: CompiledPolicy?, loadedAt: Date?, testsPassed: Int, lastReload: Reload?,
                versions: [CompiledPolicy] = []) {
        self.name = name
        self.folder = folder
        self.policy = policy
        self.versions = versions.isEmpty ? policy.map { [$0] } ?? [] : versions
        self.loadedAt = loadedAt
        self.testsPassed = testsPassed
        self.lastReload = lastReload
    }
}
