import Foundation

/// Reading a versioned set from its folder, and the checks across its versions.
extension PolicyVersions {
    /// What loading a set found: its versions (nil when any has errors or they cannot stand together),
    /// every diagnostic of every version and across them, and the files read.
    package struct Result: Sendable {
        package var versions: PolicyVersions?
        package var diagnostics: [Diagnostic]
        package var sources: [SourceFile]
        /// The folders of the versions found: the set's own (when it holds policy files) and each under `versions/`.
        package var folders: [String]
    }

    /// The folders holding the versions of the set in `directory`: the folder itself when it holds
    /// policy files at its top level (or there is no `versions/`), then each non-hidden folder of
    /// `versions/`, sorted by name.
    package static func versionFolders(_ directory: String) -> [String] {
        let fm = FileManager.default
        let base = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let holder = base + "/" + PolicyFolder.versionsFolder
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: holder, isDirectory: &isDir), isDir.boolValue else { return [directory] }
        let others = ((try? fm.contentsOfDirectory(atPath: holder)) ?? []).filter { name in
            var d: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: holder + "/" + name, isDirectory: &d) && d.boolValue
        }.sorted().map { holder + "/" + $0 }
        let own = ((try? fm.contentsOfDirectory(atPath: base)) ?? []).contains(where: PolicyFolder.isPolicyFile)
        return (own || others.isEmpty ? [directory] : []) + others
    }

    /// Checks and compiles every version of the set in `directory` and checks them against each other;
    /// never throws for problems in the policy, only reports them.
    ///
    /// - Parameter includeRoot: where included files may be read from besides a version's folder
    ///   (default: the set folder's parent, for the set's own version and for those under `versions/`).
    package static func check(directory: String, includeRoot: String? = nil) -> Result {
        let base = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let root = includeRoot ?? IncludeConfinement(folder: base).root
        let folders = versionFolders(directory)
        var results: [PolicyLoader.Result] = []
        for folder in folders {
            results.append(PolicyLoader.check(directory: folder, includeRoot: folder == directory ? includeRoot : root))
        }
        return combine(results, folders: folders)
    }

    /// The versions' load results as one: their diagnostics, then those across versions when each loaded.
    package static func combine(_ results: [PolicyLoader.Result], folders: [String]) -> Result {
        var diagnostics = results.flatMap(\.diagnostics)
        let sources = results.flatMap(\.sources)
        let compiled = results.compactMap(\.policy)
        guard compiled.count == results.count, !compiled.isEmpty else {
            return Result(versions: nil, diagnostics: diagnostics, sources: sources, folders: folders)
        }
        let across = crossCheck(compiled)
        diagnostics += across
        if across.contains(where: { $0.severity == .error }) {
            return Result(versions: nil, diagnostics: diagnostics, sources: sources, folders: folders)
        }
        return Result(versions: PolicyVersions(checked: compiled, folders: folders), diagnostics: diagnostics, sources: sources, folders: folders)
    }

    /// Loads, checks and compiles every version of the policy set in `directory`.
    ///
    /// - Throws: ``PolicyLoadError`` with every error of every version, and those across versions.
    /// - Parameter directory: the set's folder: its own files are one version, each folder under `versions/` another.
    /// - Parameter includeRoot: where shared files may be included from besides a version's folder
    ///   (default: the set folder's parent).
    public static func load(directory: String, includeRoot: String? = nil) throws(PolicyLoadError) -> PolicyVersions {
        let r = check(directory: directory, includeRoot: includeRoot)
        guard let v = r.versions else { throw PolicyLoadError(diagnostics: r.diagnostics, sources: r.sources) }
        return v
    }

    /// What makes versions unable to stand together, each at the `file:line:column` of the version at
    /// fault with a note at the other. A set of one version without `effective_by` has nothing to check.
    ///
    /// Refused:
    /// - a version without an `effective` date, when there are several (`missing-effective-date`);
    /// - two versions with one effective date (`duplicate-effective-date`): a case of that date would
    ///   have two versions in force;
    /// - versions with different names, or two with one `version` (`incompatible-versions`): a decision
    ///   names its version, so each must be told apart;
    /// - versions that disagree on `effective_by` (one names another field, or none), or whose
    ///   `effective_by` field has another type (`incompatible-versions`): the version of a case could
    ///   not be found, so cases dated before the change would be undecidable.
    ///
    /// Other schema changes — a field added, removed or retyped, an enum member dropped — are allowed: a
    /// case is decoded and decided only by the version in force on its date, so old cases keep their
    /// old schema. `verdict diff` shows them.
    public static func crossCheck(_ versions: [CompiledPolicy]) -> [Diagnostic] {
        guard versions.count > 1 else { return [] }
        var bag = DiagnosticBag()
        let first = versions[0]
        func manifest(_ p: CompiledPolicy) -> SourceLocation? { p.model.manifestLocation }
        func effectiveBy(_ p: CompiledPolicy) -> FieldInfo? { p.model.effectiveBy.map { p.model.fields[$0] } }
        func describe(_ p: CompiledPolicy) -> String { "version \(p.identity.version)" }
        for (i, v) in versions.enumerated() {
            if v.identity.effective == nil {
                bag.error(.missingEffectiveDate, "\(describe(v)) of `\(v.identity.name)` has no `effective` date: with several versions, each needs the date it takes effect",
                          at: manifest(v), help: "add `effective: YYYY-MM-DD` to its manifest")
            }
            guard i > 0 else { continue }
            if v.identity.name != first.identity.name {
                bag.error(.incompatibleVersions, "\(describe(v)) is named `\(v.identity.name)`, but the set's first version is named `\(first.identity.name)`",
                          at: manifest(v), notes: [.init("named here", at: manifest(first))],
                          help: "every version of a set has the set's name")
            }
            for earlier in versions[..<i] {
                if earlier.identity.version == v.identity.version {
                    bag.error(.incompatibleVersions, "two versions of `\(v.identity.name)` are both version `\(v.identity.version)`: a decision could not say which decided it",
                              at: manifest(v), notes: [.init("the other version \(v.identity.version)", at: manifest(earlier))],
                              help: "give each version its own `version`")
                }
                if let e = v.identity.effective, e == earlier.identity.effective {
                    bag.error(.duplicateEffectiveDate, "\(describe(v)) and \(describe(earlier)) both take effect on \(e): a case of that date would have two versions in force",
                              at: v.model.effectiveLocation ?? manifest(v), notes: [.init("\(describe(earlier)) takes effect here", at: earlier.model.effectiveLocation ?? manifest(earlier))],
                              help: "give each version its own `effective` date")
                }
            }
            let a = effectiveBy(first), b = effectiveBy(v)
            switch (a, b) {
            case (nil, nil):
                break
            case let (a?, nil), let (nil, a?):
                let missing = b == nil ? v : first, has = b == nil ? first : v
                bag.error(.incompatibleVersions, "\(describe(has)) picks its cases by `effective_by: \(a.name)`, but \(describe(missing)) names no `effective_by`: the versions would disagree on which cases are theirs",
                          at: manifest(missing), notes: [.init("`effective_by` here", at: has.model.effectiveByLocation)],
                          help: "write `effective_by: \(a.name)` in every version's manifest, or in none (then the decision time picks the version)")
            case let (a?, b?) where a.name != b.name:
                bag.error(.incompatibleVersions, "\(describe(v)) picks its cases by `effective_by: \(b.name)`, but \(describe(first)) by `\(a.name)`: a case could be placed in two versions, or none",
                          at: v.model.effectiveByLocation, notes: [.init("\(describe(first)) names it here", at: first.model.effectiveByLocation)],
                          help: "name the same field in every version")
            case let (a?, b?) where a.type != b.type:
                bag.error(.incompatibleVersions, "`\(b.name)`, which picks the version, is \(v.model.typeName(b.type) == "date" ? "a `date`" : "a `timestamp`") in \(describe(v)) but \(first.model.typeName(a.type) == "date" ? "a `date`" : "a `timestamp`") in \(describe(first)): cases written for one could not be placed by the other",
                          at: b.location, notes: [.init("declared here in \(describe(first))", at: a.location)],
                          help: "give `\(b.name)` one type in every version")
            default:
                break
            }
        }
        return bag.sorted
    }
}
