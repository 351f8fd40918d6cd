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

    /// Policy files are `*.yaml` and `*.yml` below the folder; `*.test.yaml` files are tests, not policy.
    static func isPolicyFile(_ name: String) -> Bool {
        (name.hasSuffix(".yaml") || name.hasSuffix(".yml")) && !name.hasSuffix(".test.yaml") && !name.hasSuffix(".test.yml")
    }

    /// Reads every policy file below `directory`, sorted by relative path.
    ///
    /// Each ``SourceFile/path`` is `directory` joined with the file's relative path, as diagnostics show it.
    package static func sources(directory: String) throws(PolicyLoadError) -> [SourceFile] {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw PolicyLoadError(diagnostics: [.error(.noPolicyFolder, "`\(directory)` is not a folder", at: nil,
                                                       help: "give the folder that holds the policy's YAML files")], sources: [])
        }
        let relative = (fm.enumerator(atPath: directory)?.allObjects as? [String] ?? [])
            .filter { isPolicyFile($0) && !$0.split(separator: "/").contains { $0.hasPrefix(".") } }
            .sorted()
        var files: [SourceFile] = []
        var diagnostics: [Diagnostic] = []
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        for r in relative {
            let path = base + "/" + r
            guard let data = fm.contents(atPath: path) else {
                diagnostics.append(.error(.unreadableFile, "cannot read `\(path)`", at: nil))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(.error(.invalidEncoding, "`\(path)` is not UTF-8 text", at: SourceLocation(path: path, line: 1, column: 1)))
                continue
            }
            files.append(SourceFile(path: path, text: text))
        }
        if files.isEmpty, diagnostics.isEmpty {
            diagnostics.append(.error(.emptyPolicyFolder, "`\(directory)` holds no policy files (*.yaml)", at: nil))
        }
        if !diagnostics.isEmpty { throw PolicyLoadError(diagnostics: diagnostics, sources: files) }
        return files
    }

    /// Checks and compiles a folder; never throws for problems in the policy, only reports them.
    package static func check(directory: String) -> Result {
        do {
            let files = try sources(directory: directory)
            let base = directory.hasSuffix("/") ? directory : directory + "/"
            return check(sources: files, relativeTo: base) { include in
                let path = normalize(base + include)
                guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else { return nil }
                return SourceFile(path: path, text: text)
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
    /// - Parameter include: reads a file the manifest's `include:` names (relative to the folder); without
    ///   it, an included path must be one of `sources`.
    package static func check(sources given: [SourceFile], relativeTo prefix: String = "",
                             include: ((String) -> SourceFile?)? = nil) -> Result {
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
            guard let include, let file = include(name.text) else {
                builder.diagnostics.error(.missingInclude, "cannot read included file `\(name.text)`", at: name.location,
                                          help: "paths are relative to the policy folder, like `../calendars/cn-office.yaml`")
                continue
            }
            files.append(file)
            digestPaths.append(name.text)
            load(file)
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

    /// Resolves `.` and `..` in a relative or absolute path.
    static func normalize(_ path: String) -> String {
        var out: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            if part == "." { continue }
            if part == "..", let last = out.last, last != "..", !last.isEmpty { out.removeLast(); continue }
            out.append(part)
        }
        return out.joined(separator: "/")
    }

    private static func strip(_ prefix: String, from path: String) -> String {
        !prefix.isEmpty && path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}

extension CompiledPolicy {
    /// Loads, checks and compiles the policy set in `directory`.
    /// - Throws: ``PolicyLoadError`` with every error found, when the policy has any.
    public static func load(directory: String) throws(PolicyLoadError) -> CompiledPolicy {
        let r = PolicyLoader.check(directory: directory)
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
