import Foundation
@testable import Verdict

/// A copy of a shipped policy set in a temporary folder, with deliberate edits: the fixtures for
/// analysis findings, kept as edits so they never drift from the policy they break.
struct BrokenCopy {
    let directory: URL

    init(of name: String, _ edits: [(file: String, replace: String, with: String)]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-\(name)-\(UUID().uuidString)")
        let source = repositoryRoot.appendingPathComponent("policies/\(name)")
        try FileManager.default.createDirectory(at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source, to: directory)
        // Shared calendars are included by relative path; give the copy its neighbour.
        let calendars = directory.deletingLastPathComponent().appendingPathComponent("calendars")
        if !FileManager.default.fileExists(atPath: calendars.path) {
            try? FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("policies/calendars"), to: calendars)
        }
        for edit in edits {
            let url = directory.appendingPathComponent(edit.file)
            let text = try String(contentsOf: url, encoding: .utf8)
            precondition(text.contains(edit.replace), "fixture edit not found in \(edit.file): \(edit.replace)")
            try text.replacingOccurrences(of: edit.replace, with: edit.with).write(to: url, atomically: true, encoding: .utf8)
        }
    }

    var path: String { directory.path }

    func check() -> PolicyLoader.Result { PolicyLoader.check(directory: path) }

    /// The 1-based line of the first occurrence of `text` in `file`.
    func line(of text: String, in file: String) -> Int {
        let content = (try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)) ?? ""
        return (content.components(separatedBy: "\n").firstIndex { $0.contains(text) } ?? -1) + 1
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
