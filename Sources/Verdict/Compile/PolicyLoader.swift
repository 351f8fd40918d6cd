import Crypto
import Foundation

/// Loads a policy set from a folder or from memory: source → syntax → check → compile.
///
/// ```swift
/// let result = PolicyLoader.check(directory: "policies/quality-complaints")
/// result.diagnostics   // every error and warning, sorted by location
/// result.policy        // the compiled policy, when there were no errors
/// ```
package enum PolicyLoader {
    /// What loading found: the policy (nil when there are errors) and every diagnostic.
    package struct Result: Sendable {
        package var policy: CompiledPolicy?
        package var diagnostics: [Diagnostic]
        package var sources: [SourceFile]
    }

    /// Whether a file has a line that starts the `policy:` manifest (a regular file, read up to the
    /// bound on policy files, never more: a FIFO or a device is not opened for a blocking read).
    static func hasManifestLine(_ path: String) -> Bool {
        guard case .success(let head) = SourceFileReader.bytes(path) else { return false }
        return String(decoding: head, as: UTF8.self).split(whereSeparator: \.isNewline)
            .contains { $0.hasPrefix("policy:") || $0.hasPrefix("\u{FEFF}policy:") || $0.hasPrefix("\"policy\":") || $0.hasPrefix("'policy':") }
    }

    /// Reads every policy file below `directory`, sorted by relative path.
    ///
    /// Each ``SourceFile/path`` is `directory` joined with the file's relative path, as diagnostics show it.
    /// A file that is a symbolic link leading outside the folder and `includeRoot` (default: the
    /// folder's parent) is not read, and reported.
    package static func sources(directory: String, includeRoot: String? = nil) throws(PolicyLoadError) -> [SourceFile] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw PolicyLoadError(diagnostics: [.error(.noPolicyFolder, "`\(directory)` is not a folder", at: nil,
                                                       help: "give the folder that holds the policy's YAML files")], sources: [])
        }
        // A policy set keeps its manifest at its top level: a folder without one (`/`, a home folder) is
        // refused before anything below it is read.
        let top = ((try? fm.contentsOfDirectory(atPath: directory)) ?? []).filter(PolicyFolder.isPolicyFile).sorted()
        let base = PolicyFolder.base(directory)
        guard top.contains(where: { hasManifestLine(base + "/" + $0) }) else {
            let d: Diagnostic = top.isEmpty
                ? .error(.emptyPolicyFolder, "`\(directory)` holds no policy files (*.yaml) at its top level", at: nil,
                         help: "give the folder of one policy set: its manifest (`policy:`) is in a file at its top level")
                : .error(.missingManifest, "`\(directory)` is not a policy set: no *.yaml file directly in it holds a `policy:` manifest", at: nil,
                         help: "give the folder of one policy set, whose manifest (`policy:` with name, version, effective, title) is in a file at its top level")
            throw PolicyLoadError(diagnostics: [d], sources: [])
        }
        // One walk, as every reader of a set's folder makes it (``PolicyFolder``): the other versions of
        // the set, under `versions/`, are policy folders of their own (see ``PolicyVersions``).
        let yaml = PolicyFolder.yamlFiles(below: directory, versions: false)
        if yaml.count > PolicyFolder.maxFiles {
            throw PolicyLoadError(diagnostics: [.error(.noPolicyFolder, "`\(directory)` holds more than \(PolicyFolder.maxFiles) policy files: it is not one policy set", at: nil,
                                                       help: "give the folder of one policy set")], sources: [])
        }
        let relative = yaml.filter(PolicyFolder.isPolicyFile)
        var files: [SourceFile] = []
        var diagnostics: [Diagnostic] = []
        let confinement = IncludeConfinement(folder: directory, root: includeRoot)
        for r in relative {
            let path = base + "/" + r
            guard IncludeConfinement.realPath(path) == nil || confinement.allows(path) else {
                diagnostics.append(.error(.unreadableFile, "`\(TextEscaping.escaped(path))` is a symbolic link to a file outside the policy folder and the include root `\(confinement.root)`: not read", at: nil,
                                          help: "copy the file into the folder, or set the include root with `--include-root`"))
                continue
            }
            switch SourceFileReader.read(path) {
            case .success(let file): files.append(file)
            case .failure(let refusal): diagnostics.append(refusal.diagnostic)
            }
        }
        if files.isEmpty, diagnostics.isEmpty {
            diagnostics.append(.error(.emptyPolicyFolder, "`\(directory)` holds no policy files (*.yaml)", at: nil))
        }
        if !diagnostics.isEmpty { throw PolicyLoadError(diagnostics: diagnostics, sources: files) }
        return files
    }

    /// Checks and compiles a folder; never throws for problems in the policy, only reports them.
    ///
    /// - Parameter includeRoot: the folder shared files may be included from besides `directory`
    ///   (default: its parent, where the shipped `calendars/` are); see ``IncludeConfinement``.
    package static func check(directory: String, includeRoot: String? = nil) -> Result {
        do {
            let files = try sources(directory: directory, includeRoot: includeRoot)
            let base = directory.hasSuffix("/") ? directory : directory + "/"
            let confinement = IncludeConfinement(folder: directory, root: includeRoot)
            return check(sources: files, relativeTo: base) { (include: String) throws(IncludeConfinement.Refusal) -> SourceFile? in
                try confinement.read(include)
            }
        } catch {
            return Result(policy: nil, diagnostics: error.diagnostics, sources: error.sources)
        }
    }

    /// Checks and compiles in-memory sources (tests, editors, hot reload).
    ///
    /// - Parameter given: the policy files, by the path diagnostics show.
    /// - Parameter prefix: a prefix stripped from each path before hashing, so the digest does not
    ///   depend on where the folder is.
    /// - Parameter include: reads a file the manifest's `include:` names (relative to the folder), nil
    ///   when there is none, or refuses it (``IncludeConfinement/read(_:)`` does both); without it, an
    ///   included path must be one of `sources`. An included file that is not a policy file (not YAML, or
    ///   not a mapping of policy sections) is reported at the `include:` entry, and nothing of it is quoted.
    package static func check(sources given: [SourceFile], relativeTo prefix: String = "",
                             include: ((String) throws(IncludeConfinement.Refusal) -> SourceFile?)? = nil) -> Result {
        var builder = PolicySyntaxBuilder()
        var files = given
        var digestPaths = given.map { Self.strip(prefix, from: $0.path) }
        // Files that are not YAML: what they define is unknown, so nothing that depends on it is checked.
        var unparsed: [SourceFile] = []
        func load(_ file: SourceFile) {
            let before = builder.diagnostics.items.count
            if let root = YAMLLoader.load(file, into: &builder.diagnostics) {
                builder.add(file: root)
            } else if builder.diagnostics.items.count > before {
                unparsed.append(file)
            }
        }
        for file in files { load(file) }
        for name in builder.syntax.manifest?.include ?? [] {
            if given.contains(where: { $0.path == name.text || Self.strip(prefix, from: $0.path) == name.text }) { continue }
            let found: SourceFile?
            do { found = try include?(name.text) } catch {
                builder.diagnostics.error(.includeRefused, "cannot include `\(TextEscaping.escaped(name.text))`: \(error.message)", at: name.location,
                                          help: error.help)
                continue
            }
            guard let file = found else {
                builder.diagnostics.error(.missingInclude, "cannot read included file `\(name.text)`", at: name.location,
                                          help: "paths are relative to the policy folder, like `../calendars/cn-office.yaml`")
                continue
            }
            // A file read from outside the set is quoted only once it reads as a policy file: a stray
            // include of a secret or a binary must not have its lines echoed by the errors it causes.
            var scratch = DiagnosticBag()
            let root = YAMLLoader.load(file, into: &scratch)
            if let reason = Self.notPolicyFile(root, scratch) {
                builder.diagnostics.error(.includeRefused, "`\(TextEscaping.escaped(name.text))` is not a policy file: \(reason)", at: name.location,
                                          help: "include only YAML files of policy sections (\(PolicySyntaxBuilder.sections.map { "`\($0)`" }.joined(separator: ", ")))")
                continue
            }
            for d in scratch.items { builder.diagnostics.add(d) }
            files.append(file)
            digestPaths.append(name.text)
            if let root { builder.add(file: root) }
        }
        if !unparsed.isEmpty {
            // Checking the rest would report what the unreadable files' absence implies (no manifest, unknown
            // names): errors that send the reader to the wrong place. Say once that the rest waits.
            let names = unparsed.map { "`\($0.path)`" }.joined(separator: ", ")
            let note = Diagnostic(.note, .notChecked,
                                  "the rest of the policy set was not checked: \(names) cannot be read as YAML", at: nil,
                                  help: "fix the YAML syntax error\(unparsed.count == 1 ? "" : "s") above and check again")
            return Result(policy: nil, diagnostics: builder.diagnostics.sorted + [note], sources: files)
        }
        var bag = builder.diagnostics
        let model = Checker.check(builder.syntax, diagnostics: &bag)
        if let model, !bag.hasErrors {
            Analyzer.analyse(model, diagnostics: &bag)
        }
        let diagnostics = bag.sorted
        guard let model, !bag.hasErrors else { return Result(policy: nil, diagnostics: diagnostics, sources: files) }
        let digest = PolicyDigest.compute(zip(digestPaths, files).map { ($0, $1.text) })
        let identity = PolicyIdentity(name: model.name, version: model.version, effective: model.effective, digest: digest, title: model.title)
        let policy = Compiler.compile(model, identity: identity, sources: files, warnings: diagnostics.filter { $0.severity == .warning })
        return Result(policy: policy, diagnostics: diagnostics, sources: files)
    }

    /// Why an included file is not a policy file, saying where but quoting nothing of it; nil when it is
    /// YAML whose top level is a mapping of policy sections (or empty).
    static func notPolicyFile(_ root: YAMLNode?, _ diagnostics: DiagnosticBag) -> String? {
        guard let root else {
            guard let error = diagnostics.items.first else { return nil }
            return "it does not read as YAML (an error at line \(error.location?.line ?? 1))"
        }
        switch root.kind {
        case .null: return nil
        case .mapping(let entries):
            for (key, _) in entries where !(key.scalar.map { PolicySyntaxBuilder.sections.contains($0) } ?? false) {
                return "its top-level key at line \(key.location.line) is not a policy section"
            }
            return nil
        default:
            return "its top level is \(root.kindName), not a mapping of policy sections"
        }
    }

    private static func strip(_ prefix: String, from path: String) -> String {
        !prefix.isEmpty && path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}

extension CompiledPolicy {
    /// Loads, checks and compiles the policy set of one version in `directory`.
    ///
    /// A folder that holds versions (folders under `versions/`) is refused with `versioned-set`: one
    /// ``CompiledPolicy`` would decide a case of any date, and refuse none dated before the set's first
    /// version. Load a set with ``PolicyVersions/load(directory:includeRoot:)``, which takes a folder
    /// with one version or many, and decide through it (or ask ``PolicyVersions/answer(_:json:)-(_,[UInt8])``).
    ///
    /// - Throws: ``PolicyLoadError`` with every error found, when the policy has any, or with one
    ///   `versioned-set` error at the folder when it holds versions.
    /// - Parameter directory: the folder of a policy set without versions.
    /// - Parameter includeRoot: where shared files may be included from besides `directory` (default: its parent).
    public static func load(directory: String, includeRoot: String? = nil) throws(PolicyLoadError) -> CompiledPolicy {
        let folders = PolicyVersions.versionFolders(directory)
        if folders != [directory] {
            let own = folders.first == directory
            let others = folders.count - (own ? 1 : 0)
            let what = own ? "its own files and \(others) under `\(PolicyFolder.versionsFolder)/`" : "\(others) under `\(PolicyFolder.versionsFolder)/`"
            throw PolicyLoadError(diagnostics: [.error(
                .versionedSet,
                "`\(directory)` holds \(folders.count) version\(folders.count == 1 ? "" : "s") of a policy set (\(what)): `CompiledPolicy.load(directory:)` loads one version, which would decide a case of any date by it",
                at: nil,
                help: "load the set with `PolicyVersions.load(directory:)`: it decides each case by the version in force on its date")], sources: [])
        }
        return try load(ownVersionOf: directory, includeRoot: includeRoot)
    }

    /// The version in the folder's own files, `versions/` left out of its files and its digest (the
    /// command line's `diff`, `measure`, `schema`, `generate`, `bench` and `audit replay` read this one).
    package static func load(ownVersionOf directory: String, includeRoot: String? = nil) throws(PolicyLoadError) -> CompiledPolicy {
        let r = PolicyLoader.check(directory: directory, includeRoot: includeRoot)
        guard let p = r.policy else { throw PolicyLoadError(diagnostics: r.diagnostics, sources: r.sources) }
        return p
    }

    /// Loads a policy set from in-memory files, as if they were a folder.
    public static func load(sources: [SourceFile]) throws(PolicyLoadError) -> CompiledPolicy {
        let r = PolicyLoader.check(sources: sources)
        guard let p = r.policy else { throw PolicyLoadError(diagnostics: r.diagnostics, sources: r.sources) }
        return p
    }
}
