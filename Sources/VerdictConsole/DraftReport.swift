import Verdict
import VerdictAudit

/// What checking a draft of a policy set found: the files it changed, every diagnostic, the set's
/// YAML tests run against it, and what it would change in recorded decisions.
public struct DraftReport: Sendable {
    /// The set the draft is for.
    public var set: String
    /// The draft's files by the path shown (relative to the set's folder), in order.
    public var files: [(path: String, text: String)]
    /// The files whose text differs from the serving folder's (or that are new).
    public var changed: [String]
    /// Every diagnostic of loading the draft (paths relative to the folder).
    public var diagnostics: [Diagnostic]
    /// The digest of the draft, when it compiled.
    public var digest: String?
    /// The set's YAML tests run against the draft (nil when it did not compile or has no tests).
    public var tests: PolicyTestReport?
    /// Errors in the test files themselves.
    public var testDiagnostics: [Diagnostic]
    /// Recorded decisions of the set decided again under the draft (nil without a log, or when it did not compile).
    public var replay: AuditTrail.Replay?
    /// Why the replay could not run.
    public var replayProblem: String?

    /// A report.
    public init(set: String, files: [(path: String, text: String)], changed: [String], diagnostics: [Diagnostic], digest: String?,
                tests: PolicyTestReport?, testDiagnostics: [Diagnostic], replay: AuditTrail.Replay?, replayProblem: String?) {
        self.set = set
        self.files = files
        self.changed = changed
        self.diagnostics = diagnostics
        self.digest = digest
        self.tests = tests
        self.testDiagnostics = testDiagnostics
        self.replay = replay
        self.replayProblem = replayProblem
    }

    /// True when the draft has no error.
    public var loads: Bool { digest != nil && !diagnostics.contains { $0.severity == .error } }
}
