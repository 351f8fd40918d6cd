import Foundation
import Verdict
import VerdictAudit
import VerdictConsole

/// Checks a draft of a policy set in memory: the files of one of its versions with the submitted ones
/// in their place — as an edit of that version, or as a new version with its own effective date —,
/// loaded and checked as a reload would (includes confined the same way), checked together with the
/// set's other served versions, its YAML tests run, and recorded decisions of the set replayed under
/// it. Nothing is written anywhere.
struct DraftChecker: Sendable {
    /// Most files a draft may hold.
    static let maxFiles = 200
    /// The most cells the line diffs of one draft compare together (beyond it a file's changed
    /// middle is shown removed and added whole).
    static let diffBudget = 4_000_000

    /// How far back the replay reaches.
    static let replayWindow: Int64 = 30 * 86_400_000
    /// Most records the replay reads: the log's latest, so that a check costs the same however long
    /// the log has grown (the page says how many older records were not read).
    static let replayLimit: UInt64 = 10_000

    let folder: String
    let name: String
    /// The versions serving now (nil before the set's first load): the draft names the one it edits,
    /// warns about later ones, and is checked together with the others.
    var served: PolicyVersions? = nil
    /// The tests passed when the serving versions were activated, over all of them.
    var servedTestsPassed: Int = 0

    init(folder: String, name: String, served: PolicyVersions? = nil, servedTestsPassed: Int = 0) {
        self.folder = folder
        self.name = name
        self.served = served
        self.servedTestsPassed = servedTestsPassed
    }

    /// The checker of a served set.
    init(_ set: LivePolicySet) {
        let active = set.active
        self.init(folder: set.folder, name: set.name, served: active?.versions, servedTestsPassed: active?.testsPassed ?? 0)
    }

    /// The folder of the version in `version` (relative to the set's: `""` for its own files,
    /// `versions/NAME` for another).
    func folder(of version: String) -> String {
        PolicyFolder.base(folder) + (version.isEmpty ? "" : "/" + version)
    }

    /// The digest of the version serving from `version`'s folder, or nil when none does.
    func servingDigest(of version: String) -> String? {
        versions().first { $0.version.folder == version }?.policy.identity.digest
    }

    /// The files of the version in `version` (a folder relative to the set's: `""` for its own files,
    /// `versions/NAME` for another) by path relative to that folder, policy files and test files.
    func currentFiles(of version: String = "") -> [(path: String, text: String)] {
        let base = folder(of: version)
        return PolicyFolder.yamlFiles(below: base, versions: false).compactMap { relative in
            // The loader's reader: regular files only, bounded in bytes.
            guard case .success(let bytes) = SourceFileReader.bytes(base + "/" + relative) else { return nil }
            return (relative, String(decoding: bytes, as: UTF8.self))
        }
    }

    /// The serving versions, earliest first, each with its folder relative to the set's.
    func versions() -> [(version: DraftTarget.Version, policy: CompiledPolicy)] {
        guard let served else { return [] }
        let base = PolicyFolder.base(folder)
        return served.versions.enumerated().map { i, p in
            let f = i < served.folders.count ? PolicyFolder.base(served.folders[i]) : base
            let relative = f.hasPrefix(base + "/") ? String(f.dropFirst(base.count + 1)) : ""
            return (DraftTarget.Version(version: p.identity.version, effective: p.identity.effective, folder: relative), p)
        }
    }

    /// What the draft is made from: the version in `base` (default: the set's own files), what each
    /// later version already changes against it, and the new version it is made as; nil before the
    /// set's first load.
    func target(base: String?, asNew: DraftTarget.NewVersion?, now: Date = Date()) -> DraftTarget? {
        let all = versions()
        guard !all.isEmpty else { return nil }
        let edited = all.firstIndex { $0.version.folder == (base ?? "") } ?? all.firstIndex { $0.version.folder.isEmpty } ?? all.count - 1
        let later = all[(edited + 1)...].map { v in
            DraftTarget.Later(version: v.version, scheduled: v.version.effective.map { $0 > Self.today(in: v.policy.zone, now: now) } ?? false,
                              // The version's own name is on the page already.
                              changes: PolicyDiff.structure(old: all[edited].policy, new: v.policy).filter { !$0.hasPrefix("version ") })
        }
        return DraftTarget(versions: all.map(\.version), edited: edited, later: later, asNew: asNew)
    }

    /// Today's date in `zone`.
    static func today(in zone: Zone, now: Date) -> CivilDate {
        let t = Timestamp(now)
        let local = t.millisecondsSinceEpoch + Int64(zone.offsetSeconds(at: t)) * 1000
        let day = local >= 0 ? local / 86_400_000 : (local - 86_399_999) / 86_400_000
        return CivilDate(daysSinceEpoch: Int(day))
    }

    /// A problem with the submitted form itself (a file name that is not allowed, too many files).
    struct FormProblem: Error, CustomStringConvertible {
        var description: String
    }

    /// The current files of the edited version with `submitted` (path → text) in their place; a new
    /// file must have a plain `*.yaml` name.
    func merge(_ submitted: [(path: String, text: String)], base: String = "") throws(FormProblem) -> (files: [(path: String, text: String)], changed: [String]) {
        var files = currentFiles(of: base)
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
        return isPlainText(s)
    }

    /// A new version's name, which is also its folder's: `2.1.0`, `2027-01`.
    static func isVersionName(_ s: String) -> Bool {
        !s.isEmpty && !s.hasPrefix(".") && s.utf8.count <= 64 && isPlainText(s)
    }

    private static func isPlainText(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
    }

    /// The draft as a new version: its name and date checked (the problems, in `words`, when they are
    /// not usable), and its files made from the edited version's — the manifest's `version` and
    /// `effective` set, and a relative `$schema` comment that pointed from the set's folder made to
    /// point from two folders further down — with `changed` the files that differ from the edited version's.
    func asNewVersion(_ files: [(path: String, text: String)], base: String, _ n: DraftTarget.NewVersion, words: DraftWords)
        -> (files: [(path: String, text: String)], changed: [String], problems: [String]) {
        var problems: [String] = []
        if !Self.isVersionName(n.version) {
            problems.append(words.badNewVersion.replacingOccurrences(of: "{version}", with: n.version))
        } else if versions().contains(where: { $0.version.version == n.version })
                    || FileManager.default.fileExists(atPath: PolicyFolder.base(folder) + "/" + n.folder) {
            problems.append(words.newVersionExists.replacingOccurrences(of: "{version}", with: n.version))
        }
        if (try? CivilDate(iso: n.effective)) == nil {
            problems.append(words.badNewEffective.replacingOccurrences(of: "{date}", with: n.effective))
        }
        let original = currentFiles(of: base)
        guard problems.isEmpty else { return (files, files.filter { f in original.first { $0.path == f.path }?.text != f.text }.map(\.path), problems) }
        var out: [(path: String, text: String)] = []
        for f in files {
            var text = f.text
            if let rewritten = Self.settingManifest(text, version: n.version, effective: n.effective) { text = rewritten }
            if base.isEmpty, let old = original.first(where: { $0.path == f.path }) { text = Self.schemaMovedDown(text, original: old.text) }
            out.append((f.path, text))
        }
        let reference = reference(of: base, asNew: true)
        let changed = out.filter { f in reference.first { $0.path == f.path }?.text != f.text }.map(\.path)
        return (out, changed, [])
    }

    /// What a draft is compared with: the edited version's files — for a new version made from the
    /// set's own files, with their `$schema` comments moved as the new folder needs (not a change of the draft's).
    func reference(of base: String, asNew: Bool) -> [(path: String, text: String)] {
        let original = currentFiles(of: base)
        guard asNew, base.isEmpty else { return original }
        return original.map { ($0.path, Self.schemaMovedDown($0.text, original: $0.text)) }
    }

    /// `text` with its manifest's (`policy:`) `version` and `effective` set; nil when it has no manifest.
    static func settingManifest(_ text: String, version: String, effective: String) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("policy:") && $0.dropFirst(7).trimmingCharacters(in: .whitespaces).isEmpty }) else { return nil }
        var end = start + 1
        while end < lines.count, lines[end].isEmpty || lines[end].hasPrefix(" ") || lines[end].hasPrefix("#") { end += 1 }
        guard let first = lines[(start + 1)..<end].first(where: { $0.hasPrefix(" ") && !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }) else { return nil }
        let indent = String(first.prefix { $0 == " " })
        func key(_ line: String, _ k: String) -> Bool { line.hasPrefix(indent + k + ":") && !line.hasPrefix(indent + " ") }
        let versionLine = indent + "version: \"\(version)\"", effectiveLine = indent + "effective: \(effective)"
        var at = lines[(start + 1)..<end].firstIndex { key($0, "version") }
        if let v = at { lines[v] = versionLine } else { lines.insert(versionLine, at: start + 1); at = start + 1; end += 1 }
        if let e = lines[(start + 1)..<end].firstIndex(where: { key($0, "effective") }) { lines[e] = effectiveLine } else { lines.insert(effectiveLine, at: at! + 1) }
        return lines.joined(separator: "\n")
    }

    /// A first-line `# yaml-language-server: $schema=RELATIVE` comment, unchanged from `original`, made
    /// to point from `versions/NAME/`.
    static func schemaMovedDown(_ text: String, original: String) -> String {
        let line = text.prefix { $0 != "\n" }
        guard line == original.prefix(while: { $0 != "\n" }), let r = line.range(of: "$schema=") else { return text }
        let target = line[r.upperBound...]
        guard !target.hasPrefix("/"), !target.contains("://") else { return text }
        return String(line[..<r.upperBound]) + "../../" + target + text.dropFirst(line.count)
    }

    /// Loads, checks, tests and replays the draft; made from the version in `target` (nil: the set's
    /// own files), as a new version when the target says so.
    func check(_ files: [(path: String, text: String)], changed: [String], target: DraftTarget? = nil, log: (any DecisionLog)?) -> DraftReport {
        let setBase = PolicyFolder.base(folder)
        let versionBase = (target?.base.folder).map { $0.isEmpty ? setBase : setBase + "/" + $0 } ?? setBase
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
        var outline: PolicyOutline?
        var checkedWith: [String] = []
        if diagnostics.isEmpty {
            // Includes are confined as the reload confines them: a version under `versions/` may also read the set's parent.
            let confinement = IncludeConfinement(folder: versionBase, root: versionBase == setBase ? nil : IncludeConfinement(folder: setBase).root)
            let result = PolicyLoader.check(sources: policyFiles, relativeTo: "") { (include: String) throws(IncludeConfinement.Refusal) -> SourceFile? in
                try confinement.read(include)
            }
            diagnostics = result.diagnostics
            if let policy = result.policy {
                digest = policy.identity.digest
                outline = PolicyOutline(policy)
                // The set as the service would load it: the other serving versions, and the draft in the edited one's place (or beside them).
                var set = PolicyVersions(policy)
                if let target {
                    let others = versions().enumerated().filter { target.asNew != nil || $0.offset != target.edited }.map(\.element.policy)
                    if !others.isEmpty {
                        checkedWith = others.map(\.identity.version)
                        let across = PolicyVersions.crossCheck(others + [policy])
                        diagnostics += across
                        // Recorded cases are replayed as the service would decide them: each by the version in force on its date.
                        if !across.contains(where: { $0.severity == .error }), let versioned = try? PolicyVersions(versions: others + [policy]) { set = versioned }
                    }
                }
                let suite = PolicyTestSuite.load(sources: testFiles)
                testDiagnostics = suite.diagnostics
                if !suite.tests.isEmpty, !suite.diagnostics.contains(where: { $0.severity == .error }) {
                    tests = PolicyTestRunner.run(suite, against: policy)
                }
                if let log {
                    let now = Timestamp(Date())
                    do {
                        replay = try AuditTrail.replay(log: log, under: set,
                                                       in: .init(since: Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - Self.replayWindow)),
                                                       only: name, latest: Self.replayLimit)
                    } catch { replayProblem = "\(error)" }
                }
            }
        }
        let original = reference(of: target?.base.folder ?? "", asNew: target?.asNew != nil)
        // One budget of compared cells for the whole draft (not one a file: a form holds up to
        // `maxFiles`), and no diff of a file refused as too large.
        var budget = Self.diffBudget
        let diffs = changed.compactMap { path -> (path: String, diff: LineDiff)? in
            guard let new = files.first(where: { $0.path == path }), SourceFileReader.checkSize(of: new.text, shown: path) == nil else { return nil }
            let d = LineDiff(old: original.first { $0.path == path }?.text ?? "", new: new.text, budget: budget)
            budget = max(0, budget - d.cells)
            return d.isEmpty ? nil : (target?.pathInSet(path) ?? path, d)
        }
        var report = DraftReport(set: name, files: files, changed: changed, diagnostics: diagnostics, digest: digest, tests: tests,
                                 testDiagnostics: testDiagnostics, replay: replay, replayProblem: replayProblem, target: target, diffs: diffs,
                                 served: served.map { (servedTestsPassed, $0.versions.count) }, checkedWith: checkedWith)
        report.outline = outline
        return report
    }
}
