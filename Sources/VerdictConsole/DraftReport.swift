import Verdict
import VerdictAudit

/// What checking a draft of a policy set found: the files it changed, every diagnostic, the set's
/// YAML tests run against it, and what it would change in recorded decisions.
public struct DraftReport: Sendable {
    /// The set the draft is for.
    public var set: String
    /// The draft's files by the path shown (relative to the version's folder), in order.
    public var files: [(path: String, text: String)]
    /// The files whose text differs from the version's on disk (or that are new).
    public var changed: [String]
    /// The files of the edited version the draft removes (by path relative to its folder).
    public var removed: [String] = []
    /// Every diagnostic of loading the draft (paths relative to the folder).
    public var diagnostics: [Diagnostic]
    /// The digest of the draft, when it compiled.
    public var digest: String?
    /// The set's YAML tests run against it (nil when it did not compile or has no tests): those of the
    /// version the draft is made from.
    public var tests: PolicyTestReport?
    /// Errors in the test files themselves.
    public var testDiagnostics: [Diagnostic]
    /// Recorded decisions of the set decided again under the draft (nil without a log, or when it did not compile).
    public var replay: AuditTrail.Replay?
    /// Why the replay could not run.
    public var replayProblem: String?
    /// The draft's outputs, members and tables with their labels, for showing the replay (nil when it did not compile).
    public var outline: PolicyOutline?
    /// The version the draft is made from and what it becomes (nil: the set's own files, edited in place).
    public var target: DraftTarget?
    /// The line diff of each changed file against the version it was made from, by path, in order.
    public var diffs: [(path: String, diff: LineDiff)]
    /// Problems with what the form asked for (a new version's name or date), each a sentence; when
    /// there is one the draft was not checked.
    public var formProblems: [String]
    /// The tests that passed when the set was activated, over all its versions, and how many versions
    /// it serves: what the policies page shows, so an unchanged draft can say why its count differs.
    public var served: (testsPassed: Int, versions: Int)?
    /// The other served versions the draft was checked together with (their `version`s).
    public var checkedWith: [String]
    /// The uploaded workbook the draft was made from (issue 33), when it was.
    public var workbook: WorkbookDraft?

    /// A report.
    public init(set: String, files: [(path: String, text: String)], changed: [String], diagnostics: [Diagnostic], digest: String?,
                tests: PolicyTestReport?, testDiagnostics: [Diagnostic], replay: AuditTrail.Replay?, replayProblem: String?,
                target: DraftTarget? = nil, diffs: [(path: String, diff: LineDiff)] = [], formProblems: [String] = [],
                served: (testsPassed: Int, versions: Int)? = nil, checkedWith: [String] = []) {
        self.set = set
        self.files = files
        self.changed = changed
        self.diagnostics = diagnostics
        self.digest = digest
        self.tests = tests
        self.testDiagnostics = testDiagnostics
        self.replay = replay
        self.replayProblem = replayProblem
        self.target = target
        self.diffs = diffs
        self.formProblems = formProblems
        self.served = served
        self.checkedWith = checkedWith
    }

    /// True when the draft has no error.
    public var loads: Bool { formProblems.isEmpty && digest != nil && !diagnostics.contains { $0.severity == .error } }

    /// True when its files can be handed on: it loads and its tests (if any) all pass.
    public var canHandOn: Bool { loads && (tests?.failed ?? 0) == 0 && !testDiagnostics.contains { $0.severity == .error } }

    /// The files to hand on, by path in the set's folder: for an edit in place the changed files, for
    /// a new version every file of its folder (a version folder is complete on its own).
    public var handOn: [(path: String, text: String)] {
        let chosen = target?.asNew != nil ? files : files.filter { changed.contains($0.path) }
        return chosen.map { (target?.pathInSet($0.path) ?? $0.path, $0.text) }
    }
}
