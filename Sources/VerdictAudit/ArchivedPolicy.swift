import Verdict

/// The exact source files of one policy set version, stored in the log's archive under its digest.
///
/// Files keep their order, their bytes, the path the digest hashed (relative to the policy folder:
/// `a1-tier.yaml`, `../calendars/cn-office.yaml`) and the path diagnostics and explanations showed
/// (`policies/quality-complaints/a1-tier.yaml`), so that a re-derived explanation reads as the
/// original did. An entry is accepted only if its files reproduce its digest.
public struct ArchivedPolicy: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        /// The path the digest hashed: relative to the policy folder.
        public var path: String
        /// The path as shown in explanations at the time.
        public var shownPath: String
        /// Named by the manifest's `include:` (a shared calendar), rather than found in the folder.
        public var included: Bool
        public var text: String
    }
    public var digest: String
    public var name: String
    public var version: String
    /// The folder as given when it was loaded (`policies/quality-complaints`).
    public var folder: String
    public var files: [File]

    /// The archive entry of a policy loaded from `folder` (as `CompiledPolicy.load(directory:)` did).
    public init(policy: CompiledPolicy, folder: String) throws(AuditError) {
        let base = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        var files: [File] = []
        for s in policy.sources {
            if s.path.hasPrefix(base + "/"), case let rel = String(s.path.dropFirst(base.count + 1)),
               Self.isPolicyFile(rel), !rel.split(separator: "/").contains(where: { $0 == ".." }) {
                files.append(File(path: rel, shownPath: s.path, included: false, text: s.text))
            } else {
                files.append(File(path: Self.relativePath(from: base, to: s.path), shownPath: s.path, included: true, text: s.text))
            }
        }
        self.digest = policy.identity.digest
        self.name = policy.identity.name
        self.version = policy.identity.version
        self.folder = base
        self.files = files
        let recomputed = PolicyDigest.compute(files.map { ($0.path, $0.text) })
        guard recomputed == digest else {
            throw AuditError(.archive, "cannot archive policy `\(name)` \(version): its files, as read, hash to \(recomputed), not \(digest) (was it loaded from `\(folder)`?)")
        }
    }

    public init(digest: String, name: String, version: String, folder: String, files: [File]) {
        self.digest = digest
        self.name = name
        self.version = version
        self.folder = folder
        self.files = files
    }

    /// Compiles the archived files as they were, checking that they still hash to the digest.
    public func compile() throws(AuditError) -> CompiledPolicy {
        let recomputed = PolicyDigest.compute(files.map { ($0.path, $0.text) })
        guard recomputed == digest else {
            throw AuditError(.archive, "the archive entry for \(digest) (`\(name)` \(version)) was altered: its files hash to \(recomputed)")
        }
        let given = files.filter { !$0.included }.map { SourceFile(path: $0.shownPath, text: $0.text) }
        let included = files.filter(\.included)
        let result = PolicyLoader.check(sources: given, relativeTo: folder + "/") { name in
            included.first { $0.path == name }.map { SourceFile(path: $0.shownPath, text: $0.text) }
        }
        guard let policy = result.policy else {
            let text = DiagnosticRenderer(files: result.sources).text(result.diagnostics)
            throw AuditError(.archive, "the archived policy \(digest) (`\(name)` \(version)) no longer compiles with Verdict \(VerdictVersion.current):\n\(text)")
        }
        guard policy.identity.digest == digest else {
            throw AuditError(.archive, "the archived policy `\(name)` \(version) compiles to digest \(policy.identity.digest), not \(digest)")
        }
        return policy
    }

    // MARK: JSON (how backends store the files)

    public var filesJSON: String {
        var w = JSONWriter()
        w.array { w in
            for f in files {
                w.object { w in
                    w.field("path", f.path)
                    w.field("shown", f.shownPath)
                    w.field("included", f.included)
                    w.field("text", f.text)
                }
            }
        }
        return w.output
    }

    public static func files(json: String, digest: String) throws(AuditError) -> [File] {
        let bad = AuditError(.archive, "the archive entry for \(digest) is corrupted (its file list is not what Verdict wrote)")
        guard case .array(let items)? = try? JSONReader.parse(json) else { throw bad }
        var out: [File] = []
        for item in items {
            guard case .string(let p)? = item.member("path"), case .string(let s)? = item.member("shown"),
                  case .bool(let i)? = item.member("included"), case .string(let t)? = item.member("text") else { throw bad }
            out.append(File(path: p, shownPath: s, included: i, text: t))
        }
        return out
    }

    // MARK: Paths

    /// A file of the set's own folder, as the loader reads them (``PolicyFolder``), not hidden.
    static func isPolicyFile(_ name: String) -> Bool {
        PolicyFolder.isPolicyFile(name) && !PolicyFolder.isHidden(name)
    }

    static func normalize(_ path: String) -> [Substring] {
        PolicyFolder.components(path)
    }

    /// `policies/calendars/cn-office.yaml` seen from `policies/quality-complaints`: `../calendars/cn-office.yaml`.
    static func relativePath(from base: String, to path: String) -> String {
        let b = normalize(base).filter { !$0.isEmpty }, p = normalize(path)
        let absolute = path.hasPrefix("/")
        let pp = p.filter { !$0.isEmpty }
        if absolute != base.hasPrefix("/") { return path }
        var common = 0
        while common < b.count, common < pp.count - 1, b[common] == pp[common] { common += 1 }
        let ups = Array(repeating: "..", count: b.count - common)
        return (ups + pp[common...].map(String.init)).joined(separator: "/")
    }
}
