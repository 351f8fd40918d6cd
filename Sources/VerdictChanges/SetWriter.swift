import Foundation

/// Writes an approved proposal's files into a set's folder whole, or not at all — even if the process
/// is killed midway (issue 32).
///
/// Each new text is first written and synced into a hidden folder inside the set's folder
/// (`.verdict-activation-TAG/`: hidden, so neither the loader nor the watcher reads it; inside the set's
/// folder, so every rename stays on one filesystem). Then a plan naming every write and removal is
/// written and renamed into place: that rename is the moment the change is decided. Then each file is
/// renamed over its old self (folders made as needed) and each removed file unlinked (a folder left
/// empty by it removed too), and the hidden folder removed.
///
/// A process killed before the plan's rename leaves the old files untouched (``recover(folder:)``
/// discards the staged texts); killed after it, ``recover(folder:)`` — which the service runs for every
/// set before it loads anything — finishes the renames, so the set reads as the new files. Inside a
/// running service the caller holds the reload gate around ``apply(_:to:tag:)``, so no reload reads the
/// folder halfway either.
public enum SetWriter {
    /// Why the files could not be written; the old files are still in place unless the plan was committed.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// What went wrong and where.
        public var description: String
        /// True when the plan was committed before it went wrong: some files may be in place, and the
        /// next ``recover(folder:)`` finishes the change.
        public var committed = false
    }

    /// The prefix of a staging folder's name.
    public static let stagingPrefix = ".verdict-activation-"

    private struct Plan: Codable {
        struct Write: Codable { var path: String; var staged: String }
        var writes: [Write]
        var removes: [String]
    }

    /// Writes `changes` (paths relative to `folder`, checked by ``ProposalPath``) into `folder` as one change.
    ///
    /// `tag` names the staging folder (a proposal's id). For tests, the environment variable
    /// `VERDICT_FAILPOINT_ACTIVATION` set to `before-commit` or `after-first-rename` makes the process kill
    /// itself (SIGKILL) at that point, as a crash would.
    public static func apply(_ changes: [Proposal.FileChange], to folder: String, tag: String) throws(Failure) {
        for c in changes {
            if let problem = ProposalPath.problem(c.path) { throw Failure(description: problem) }
            if let problem = placeProblem(c.path, in: folder) { throw Failure(description: problem) }
            if let other = changes.first(where: { c.path.hasPrefix($0.path + "/") }) {
                throw Failure(description: "`\(c.path)` would be inside `\(other.path)`, a file of the same change")
            }
        }
        guard tag.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), !tag.isEmpty else { throw Failure(description: "`\(tag)` is not a plain tag") }
        let staging = folder + "/" + stagingPrefix + tag
        let fm = FileManager.default
        // A folder left by an attempt that never committed holds nothing of value.
        if fm.fileExists(atPath: staging) {
            if fm.fileExists(atPath: staging + "/plan.json") { try finish(staging: staging, folder: folder) } else { try? fm.removeItem(atPath: staging) }
        }
        do {
            try fm.createDirectory(atPath: staging, withIntermediateDirectories: false)
        } catch {
            throw Failure(description: "cannot make `\(staging)`: \(error.localizedDescription)")
        }
        var plan = Plan(writes: [], removes: [])
        do {
            for (i, c) in changes.enumerated() {
                if let text = c.text {
                    let staged = String(i)
                    try writeSynced(Array(text.utf8), to: staging + "/" + staged)
                    plan.writes.append(.init(path: c.path, staged: staged))
                } else {
                    plan.removes.append(c.path)
                }
            }
            let planBytes = try JSONEncoder().encode(plan)
            try writeSynced(Array(planBytes), to: staging + "/plan.json.tmp")
            syncDirectory(staging)
        } catch let f as Failure {
            try? fm.removeItem(atPath: staging)
            throw f
        } catch {
            try? fm.removeItem(atPath: staging)
            throw Failure(description: "cannot stage the files in `\(staging)`: \(error.localizedDescription)")
        }
        failpoint("before-commit")
        guard rename(staging + "/plan.json.tmp", staging + "/plan.json") == 0 else {
            let reason = String(cString: strerror(errno))
            try? fm.removeItem(atPath: staging)
            throw Failure(description: "cannot commit the change in `\(staging)`: \(reason)")
        }
        syncDirectory(staging)
        do { try finish(staging: staging, folder: folder) } catch {
            var f = error
            f.committed = true
            throw f
        }
    }

    /// Why `path` cannot be written in `folder`, or nil: each folder on its way must be a real folder
    /// (not a file, not a symbolic link, which could lead out of the set's folder), and the file itself
    /// not a folder.
    public static func placeProblem(_ path: String, in folder: String) -> String? {
        var at = folder
        let parts = path.split(separator: "/").map(String.init)
        for (i, part) in parts.enumerated() {
            at += "/" + part
            var st = stat()
            guard lstat(at, &st) == 0 else { return nil }   // missing: made as a folder (or the file written)
            let kind = st.st_mode & S_IFMT
            if i < parts.count - 1 {
                if kind == S_IFLNK { return "`\(path)`: `\(parts[...i].joined(separator: "/"))` is a symbolic link: a change is written only inside the set's own folders" }
                if kind != S_IFDIR { return "`\(path)`: `\(parts[...i].joined(separator: "/"))` is a file, not a folder" }
            } else if kind == S_IFDIR {
                return "`\(path)` is a folder"
            }
        }
        return nil
    }

    /// Finishes (a committed plan) or discards (an uncommitted one) every staging folder an interrupted
    /// ``apply(_:to:tag:)`` left in `folder`; returns one line for each, saying which.
    @discardableResult
    public static func recover(folder: String) throws(Failure) -> [String] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder) else { return [] }
        var out: [String] = []
        for name in names.sorted() where name.hasPrefix(stagingPrefix) {
            let staging = folder + "/" + name
            if fm.fileExists(atPath: staging + "/plan.json") {
                try finish(staging: staging, folder: folder)
                out.append("finished the interrupted activation `\(name)` in `\(folder)`")
            } else {
                try? fm.removeItem(atPath: staging)
                out.append("discarded the uncommitted activation `\(name)` in `\(folder)`: the old files stay")
            }
        }
        return out
    }

    /// Moves a committed plan's files into place (again, after a crash: a file already moved is skipped).
    private static func finish(staging: String, folder: String) throws(Failure) {
        let fm = FileManager.default
        guard let data = fm.contents(atPath: staging + "/plan.json"), let plan = try? JSONDecoder().decode(Plan.self, from: data) else {
            throw Failure(description: "`\(staging)/plan.json` cannot be read: the activation it names cannot be finished; restore the set's files by hand and remove that folder")
        }
        for w in plan.writes where ProposalPath.problem(w.path) != nil || !w.staged.allSatisfy(\.isNumber) {
            throw Failure(description: "`\(staging)/plan.json` names `\(w.path)`, which is not a plain path: not a plan Verdict wrote")
        }
        var first = true
        for w in plan.writes {
            let source = staging + "/" + w.staged, target = folder + "/" + w.path
            guard fm.fileExists(atPath: source) else { continue }   // moved before a crash
            let parent = (target as NSString).deletingLastPathComponent
            if !fm.fileExists(atPath: parent) { try? fm.createDirectory(atPath: parent, withIntermediateDirectories: true) }
            // rename(2) replaces a symbolic link, never writes through it.
            guard rename(source, target) == 0 else {
                throw Failure(description: "cannot move the new `\(w.path)` into `\(folder)`: \(String(cString: strerror(errno))); `\(staging)` keeps the change for the next start")
            }
            if first { first = false; failpoint("after-first-rename") }
        }
        for r in plan.removes where ProposalPath.problem(r) == nil {
            let target = folder + "/" + r
            if unlink(target) != 0 && errno != ENOENT {
                throw Failure(description: "cannot remove `\(r)` from `\(folder)`: \(String(cString: strerror(errno))); `\(staging)` keeps the change for the next start")
            }
            // A folder the removal leaves empty goes too (a new version's folder, when its proposal is undone):
            // an empty version folder would be read as a version without a manifest.
            var parts = r.split(separator: "/").dropLast()
            while !parts.isEmpty, rmdir(folder + "/" + parts.joined(separator: "/")) == 0 { parts = parts.dropLast() }
        }
        // Every folder an entry was renamed into or removed from, deepest first, then the set's own: the
        // renames are durable before the staging folder (the record of the change) goes.
        var touched = Set<String>()
        for path in plan.writes.map(\.path) + plan.removes {
            var parts = path.split(separator: "/").dropLast()
            while !parts.isEmpty { touched.insert(parts.joined(separator: "/")); parts = parts.dropLast() }
        }
        for f in touched.sorted(by: { $0.count > $1.count }) { syncDirectory(folder + "/" + f) }
        syncDirectory(folder)
        try? fm.removeItem(atPath: staging)
        syncDirectory(folder)
    }

    private static func writeSynced(_ bytes: [UInt8], to path: String) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(description: "cannot write `\(path)`: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "cannot write `\(path)`: \(String(cString: strerror(errno)))")
            }
            written += n
        }
        guard fsync(fd) == 0 else { throw Failure(description: "cannot sync `\(path)`: \(String(cString: strerror(errno)))") }
    }

    private static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    private static func failpoint(_ name: String) {
        guard let v = getenv("VERDICT_FAILPOINT_ACTIVATION"), String(cString: v) == name else { return }
        kill(getpid(), SIGKILL)
    }
}
