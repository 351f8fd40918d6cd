import Foundation
import Verdict
import VerdictAudit
import VerdictConsole

/// Checks a draft of a policy set in memory: the folder's files with the submitted ones in their
/// place, loaded and checked as a reload would (includes confined the same way), its YAML tests
/// run, and recorded decisions of the set replayed under it. Nothing is written anywhere.
struct DraftChecker: Sendable {
    /// Most files a draft may hold.
    static let maxFiles = 200
    /// How far back the replay reaches.
    static let replayWindow: Int64 = 30 * 86_400_000
    /// Most records the replay reads: the log's latest, so that a check costs the same however long
    /// the log has grown (the page says how many older records were not read).
    static let replayLimit: UInt64 = 10_000

    let folder: String
    let name: String

    /// The folder's files now, by path relative to it (policy files and test files) — those of the
    /// version in the set's own files: another version under `versions/` is a policy folder of its own.
    func currentFiles() -> [(path: String, text: String)] {
        let base = PolicyFolder.base(folder)
        return PolicyFolder.yamlFiles(below: base, versions: false).compactMap { relative in
            // The loader's reader: regular files only, bounded in bytes.
            guard case .success(let bytes) = SourceFileReader.bytes(base + "/" + relative) else { return nil }
            return (relative, String(decoding: bytes, as: UTF8.self))
        }
    }

    /// A problem with the submitted form itself (a file name that is not allowed, too many files).
    struct FormProblem: Error, CustomStringConvertible {
        var description: String
    }

    /// The current files with `submitted` (path → text) in their place; a new file must have a plain
    /// `*.yaml` name.
    func merge(_ submitted: [(path: String, text: String)]) throws(FormProblem) -> (files: [(path: String, text: String)], changed: [String]) {
        var files = currentFiles()
        var changed: [String] = []
        guard submitted.count <= Self.maxFiles else { throw FormProblem(description: "a draft may hold at most \(Self.maxFiles) files") }
        for (path, raw) in submitted {
            let text = raw.replacingOccurrences(of: "\r\n", with: "\n")
            if let i = files.firstIndex(where: { $0.path == path }) {
                if files[i].text != text { files[i].text = text; changed.append(path) }
            } else {
                guard Self.isPlainName(path) else {
                    throw FormProblem(description: "`\(path)` is not a file of this set, nor a plain new file name like `a7-new.yaml`")
                }
                files.append((path, text))
                changed.append(path)
            }
        }
        return (files, changed)
    }

    /// `a7-new.yaml`: letters, digits, `.`, `-` and `_`, ending in `.yaml` or `.yml`, not hidden.
    static func isPlainName(_ s: String) -> Bool {
        guard (s.hasSuffix(".yaml") || s.hasSuffix(".yml")), !s.hasPrefix("."), s.utf8.count <= 200 else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
    }

    /// Loads, checks, tests and replays the draft.
    func check(_ files: [(path: String, text: String)], changed: [String], log: (any DecisionLog)?) -> DraftReport {
        let base = PolicyFolder.base(folder)
        var policyFiles: [SourceFile] = []
        var testFiles: [SourceFile] = []
        var diagnostics: [Diagnostic] = []
        for f in files {
            // A submitted file is held to the bound a file on disk is (1 MiB unless configured).
            if let refusal = SourceFileReader.checkSize(of: f.text, shown: f.path) {
                diagnostics.append(refusal.diagnostic)
                continue
            }
            switch SourceFile.decode(path: f.path, bytes: Array(f.text.utf8)) {
            case .success(let s): if PolicyFolder.isTestFile(f.path) { testFiles.append(s) } else { policyFiles.append(s) }
            case .failure(let refusal): diagnostics.append(refusal.diagnostic)
            }
        }
        var digest: String?
        var tests: PolicyTestReport?
        var testDiagnostics: [Diagnostic] = []
        var replay: AuditTrail.Replay?
        var replayProblem: String?
        if diagnostics.isEmpty {
            let confinement = IncludeConfinement(folder: base)
            let result = PolicyLoader.check(sources: policyFiles, relativeTo: "") { (include: String) throws(IncludeConfinement.Refusal) -> SourceFile? in
                try confinement.read(include)
            }
            diagnostics = result.diagnostics
            if let policy = result.policy {
                digest = policy.identity.digest
                let suite = PolicyTestSuite.load(sources: testFiles)
                testDiagnostics = suite.diagnostics
                if !suite.tests.isEmpty, !suite.diagnostics.contains(where: { $0.severity == .error }) {
                    tests = PolicyTestRunner.run(suite, against: policy)
                }
                if let log {
                    let now = Timestamp(Date())
                    do {
                        replay = try AuditTrail.replay(log: log, under: policy,
                                                       in: .init(since: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - Self.replayWindow)),
                                                       only: name, latest: Self.replayLimit)
                    } catch { replayProblem = "\(error)" }
                }
            }
        }
        return DraftReport(set: name, files: files, changed: changed, diagnostics: diagnostics, digest: digest, tests: tests,
                           testDiagnostics: testDiagnostics, replay: replay, replayProblem: replayProblem)
    }
}
