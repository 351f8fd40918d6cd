import Foundation

/// What a policy set's folder holds, decided in one place for every reader: `verdict check` and the
/// loader, the service's reload, the console's drafts, the test runner and the decision log's archive.
///
/// - A **policy file** is `*.yaml` or `*.yml` that is not a test file; a **test file** is
///   `*.test.yaml` or `*.test.yml`.
/// - A name starting with `.` is hidden: such a file is not read and such a folder (`.git`, an
///   editor's backup folder) never walked into.
/// - The set's other versions live in `versions/NAME/` at its top level, each a policy folder of its
///   own; a file directly in `versions/` belongs to no version.
/// - A walk stops one file past ``maxFiles``, so a wrong folder (`/`) costs a bounded walk.
///
/// ```swift
/// PolicyFolder.isPolicyFile("a5-approval.yaml")           // true
/// PolicyFolder.isTestFile("quality-complaints.test.yaml") // true
/// PolicyFolder.version(of: "versions/2.0.0/a1.yaml")      // "versions/2.0.0"
/// PolicyFolder.normalize("a/../b/./c.yaml")               // "b/c.yaml"
/// ```
package enum PolicyFolder {
    /// The folder of a set that holds its other versions, one folder each (see ``PolicyVersions``).
    package static let versionsFolder = "versions"

    /// The most policy and test files one set may hold: far above any real set, and a bound on a wrong folder.
    package static let maxFiles = 10_000

    /// `*.yaml` or `*.yml` that is not a test file.
    package static func isPolicyFile(_ name: String) -> Bool {
        isYAML(name) && !isTestFile(name)
    }

    /// `*.test.yaml` or `*.test.yml`.
    package static func isTestFile(_ name: String) -> Bool {
        name.hasSuffix(".test.yaml") || name.hasSuffix(".test.yml")
    }

    /// `*.yaml` or `*.yml`: a policy file or a test file.
    package static func isYAML(_ name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml")
    }

    /// Whether any part of a relative path is hidden (starts with `.`).
    package static func isHidden(_ relative: String) -> Bool {
        relative.split(separator: "/").contains { $0.hasPrefix(".") }
    }

    /// Whether `relative` (a path below a set's folder) lies in its `versions/` folder.
    package static func isInVersionsFolder(_ relative: String) -> Bool {
        relative == versionsFolder || relative.hasPrefix(versionsFolder + "/")
    }

    /// The version folder a relative path belongs to: `versions/NAME` for a file below it, nil for the
    /// set's own files; `""` for a file directly in `versions/`, which belongs to no version.
    package static func version(of relative: String) -> String? {
        guard isInVersionsFolder(relative) else { return nil }
        let parts = relative.split(separator: "/")
        return parts.count >= 3 ? parts[0] + "/" + parts[1] : ""
    }

    /// The YAML files (policy and test files) below `directory`, by relative path, sorted: one walk
    /// that skips hidden files and folders and, unless `versions` is true, the `versions/` folder.
    /// The walk stops one file past ``maxFiles`` (the caller refuses such a folder by the count).
    package static func yamlFiles(below directory: String, versions: Bool) -> [String] {
        var out: [String] = []
        guard let walk = FileManager.default.enumerator(atPath: directory) else { return [] }
        while let r = walk.nextObject() as? String {
            if r.split(separator: "/").last?.hasPrefix(".") == true { walk.skipDescendants(); continue }
            if !versions, r == versionsFolder { walk.skipDescendants(); continue }
            guard isYAML(r) else { continue }
            out.append(r)
            if out.count > maxFiles { break }
        }
        return out.sorted()
    }

    /// `directory` without a trailing slash (but `/` stays `/`), as paths are joined to it.
    package static func base(_ directory: String) -> String {
        directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    }

    /// A relative or absolute path with `.` and `..` resolved as far as the path itself allows
    /// (`a/../b/./c` → `b/c`; a leading `..` stays).
    package static func normalize(_ path: String) -> String {
        components(path).joined(separator: "/")
    }

    /// The parts of a path with `.` and `..` resolved, as ``normalize(_:)`` joins them.
    package static func components(_ path: String) -> [Substring] {
        var out: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            if part == "." { continue }
            if part == "..", let last = out.last, last != "..", !last.isEmpty { out.removeLast(); continue }
            out.append(part)
        }
        return out
    }
}
