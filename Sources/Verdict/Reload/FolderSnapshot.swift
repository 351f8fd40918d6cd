import Foundation

/// The files of one policy folder as read at one moment: policy files, test files and the files its
/// manifest includes (`../calendars/cn-office.yaml`), each with the stamp it had.
///
/// A snapshot is consistent when every stamp taken before reading equals the one taken after: no file
/// was written, added, removed or renamed meanwhile. ``read(folder:includes:)`` retries until it gets
/// one, so a reload never compiles a mix of old and new files.
package struct FolderSnapshot: Sendable {
    package var folder: String
    package var policyFiles: [SourceFile]
    package var testFiles: [SourceFile]
    /// Stamps of every file the snapshot depends on, sorted by path.
    package var stamps: [FileStamp]

    /// The stamps of the folder's files and of `includes` (absolute or folder-relative paths already joined).
    package static func stamps(folder: String, includes: [String]) -> [FileStamp] {
        let base = PolicyFolder.base(folder)
        // The loader's walk (``PolicyFolder``), into `versions/` too: every version's files are stamped.
        var out = PolicyFolder.yamlFiles(below: folder, versions: true).map { FileStamp(path: base + "/" + $0) }
        out.append(FileStamp(path: base))  // the folder itself: a file added or removed changes its time
        for path in includes where !out.contains(where: { $0.path == path }) { out.append(FileStamp(path: path)) }
        return out.sorted { $0.path < $1.path }
    }

    /// What reading and checking a consistent snapshot gave.
    package struct Loaded: Sendable {
        package var snapshot: FolderSnapshot
        /// Every version of the set, compiled and checked across; nil when any has errors.
        package var versions: PolicyVersions?
        /// The test files of each version (of ``versions``, in its order): those in its folder.
        package var versionTests: [[SourceFile]]
        package var diagnostics: [Diagnostic]
        /// Paths of the included files read, for the watcher to stamp too.
        package var includes: [String]
    }

    /// Reads the folder and checks the policy from exactly the bytes read; retries (up to `attempts`
    /// times, `pause` apart) while files change during the read. Nil when the folder never held still.
    package static func load(folder: String, includes known: [String], attempts: Int = 20,
                     pause: Swift.Duration = .milliseconds(50)) async -> Loaded? {
        var includes = known
        for _ in 0..<attempts {
            let before = stamps(folder: folder, includes: includes)
            let (snapshot, versions, diagnostics, read) = readAndCheck(folder: folder)
            let after = stamps(folder: folder, includes: read)
            if before == after {
                var s = snapshot
                s.stamps = after
                let tests = versions.map { v in v.folders.map { f in snapshot.testFiles.filter { belongs($0.path, to: f, base: PolicyFolder.base(folder)) } } } ?? []
                return Loaded(snapshot: s, versions: versions, versionTests: tests, diagnostics: diagnostics, includes: read)
            }
            // Either a file changed while it was read (wait, then read again), or the manifest includes a
            // file not stamped before this read (read again at once, now stamping it too).
            let changed = Set(before.map(\.path)) == Set(after.map(\.path)) || Set(includes) == Set(read)
            includes = read
            if changed { try? await Task.sleep(for: pause) }
        }
        return nil
    }

    /// Whether a file of the set belongs to the version read from `versionFolder`: below it, and for
    /// the set's own version, outside `versions/`.
    package static func belongs(_ path: String, to versionFolder: String, base: String) -> Bool {
        guard path.hasPrefix(versionFolder + "/") else { return false }
        return versionFolder != base || !PolicyFolder.isInVersionsFolder(String(path.dropFirst(base.count + 1)))
    }

    private static func readAndCheck(folder: String) -> (FolderSnapshot, PolicyVersions?, [Diagnostic], [String]) {
        let base = PolicyFolder.base(folder)
        var policyFiles: [SourceFile] = []
        var testFiles: [SourceFile] = []
        var problems: [Diagnostic] = []
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: base, isDirectory: &isDir) || !isDir.boolValue {
            problems.append(.error(.noPolicyFolder, "`\(folder)` is not a folder", at: nil,
                                   help: "give the folder that holds the policy's YAML files"))
        }
        let paths = PolicyFolder.yamlFiles(below: folder, versions: true)
        if paths.count > PolicyFolder.maxFiles {
            let d = Diagnostic.error(.noPolicyFolder, "`\(folder)` holds more than \(PolicyFolder.maxFiles) policy files: it is not one policy set", at: nil,
                                     help: "serve the folder of one policy set")
            return (FolderSnapshot(folder: folder, policyFiles: [], testFiles: [], stamps: []), nil, [d], [])
        }
        // As the loader: a file of the folder that is a symbolic link leading outside the folder and
        // the include root (the folder's parent) is not read.
        let confinement = IncludeConfinement(folder: base)
        for relative in paths {
            let path = base + "/" + relative
            guard !FileManager.default.fileExists(atPath: path) || confinement.allows(path) else {
                problems.append(.error(.unreadableFile, "`\(TextEscaping.escaped(path))` is a symbolic link to a file outside the policy folder and the include root `\(confinement.root)`: not read", at: nil,
                                       help: "copy the file into the folder"))
                continue
            }
            // The loader's own reading (regular files only, bounded in bytes) and decoding, so a served
            // set has the digest `verdict check` prints.
            let file: SourceFile
            switch SourceFileReader.read(path) {
            case .success(let f): file = f
            case .failure(let refusal): problems.append(refusal.diagnostic); continue
            }
            if PolicyFolder.isTestFile(relative) { testFiles.append(file) } else { policyFiles.append(file) }
        }
        let snapshot = FolderSnapshot(folder: folder, policyFiles: policyFiles, testFiles: testFiles, stamps: [])
        if !problems.isEmpty {
            return (snapshot, nil, problems, [])
        }
        if policyFiles.isEmpty {
            let d = Diagnostic.error(.emptyPolicyFolder, "`\(folder)` holds no policy files (*.yaml)", at: nil)
            return (snapshot, nil, [d], [])
        }
        let box = IncludeBox()
        // Each version is its own folder: the set's own files, and each folder under `versions/`.
        var groups: [String: [SourceFile]] = [:]
        for file in policyFiles {
            let relative = String(file.path.dropFirst(base.count + 1))
            var key = base
            if let version = PolicyFolder.version(of: relative) {
                guard !version.isEmpty else { continue }  // a file directly in `versions/` belongs to no version
                key = base + "/" + version
            }
            groups[key, default: []].append(file)
        }
        let folders = groups.keys.sorted { ($0 == base ? "" : $0) < ($1 == base ? "" : $1) }
        // Includes are confined to the version's folder and the set's parent (the shared calendars), as `verdict check` does.
        let root = IncludeConfinement(folder: base).root
        var results: [PolicyLoader.Result] = []
        for versionFolder in folders {
            let confinement = IncludeConfinement(folder: versionFolder, root: versionFolder == base ? nil : root)
            results.append(PolicyLoader.check(sources: groups[versionFolder]!, relativeTo: versionFolder + "/") { (name: String) throws(IncludeConfinement.Refusal) -> SourceFile? in
                _ = try confinement.resolve(name)  // a refused path is not watched either
                box.paths.append(PolicyFolder.normalize(versionFolder + "/" + name))
                return try confinement.read(name)
            })
        }
        let combined = PolicyVersions.combine(results, folders: folders)
        return (snapshot, combined.versions, combined.diagnostics, box.paths)
    }
}

/// Collects the include paths the loader asks for (the loader calls back synchronously).
private final class IncludeBox: @unchecked Sendable {
    var paths: [String] = []
}
