import Foundation
import Testing
@testable import Verdict

/// Issue 15, item 13: `include:` reads only the policy folder and the include root, follows no
/// symbolic link out of them, and quotes nothing of an included file that is not a policy file.
@Suite("include confinement")
struct IncludeConfinementTests {
    /// A temporary tree: `root/set/policy.yaml` (the manifest including `include`), and the files given
    /// by path relative to the tree.
    struct Tree {
        let base: URL
        var set: String { base.appendingPathComponent("root/set").path }
        init(include: [String], files: [String: String] = [:]) throws {
            base = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-include-\(UUID().uuidString)")
            let fm = FileManager.default
            try fm.createDirectory(at: base.appendingPathComponent("root/set"), withIntermediateDirectories: true)
            let manifest = manifestYAML + "\n  include: [" + include.map { "\"\($0)\"" }.joined(separator: ", ") + "]\n"
            try (manifest + "\n" + schemaYAML + "\ndecisions:\n  d:\n    outputs: {x: bool}\n    rules:\n      - then: {x: true}\n")
                .write(toFile: set + "/policy.yaml", atomically: true, encoding: .utf8)
            for (path, text) in files {
                let url = base.appendingPathComponent(path)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
            }
        }
        func link(_ path: String, to target: String) throws {
            let url = base.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
        }
        func remove() { try? FileManager.default.removeItem(at: base) }
    }

    static let calendar = """
        calendars:
          office:
            timezone: Asia/Shanghai
            weekdays: [mon, tue, wed, thu, fri]
            hours: ["09:00-12:00"]
            years: [2026]
        """

    func rendered(_ r: PolicyLoader.Result) -> String { DiagnosticRenderer(files: r.sources).text(r.diagnostics) }

    @Test func pathsClimbingOutOfTheRootAreRefusedUnread() throws {
        let secret = "secret-\(UUID().uuidString)"
        let tree = try Tree(include: ["../../../../../../../../etc/passwd", "../../outside.yaml", "/etc/hostname"],
                            files: ["outside.yaml": "password: \(secret)\n"])
        defer { tree.remove() }
        let r = PolicyLoader.check(directory: tree.set)
        let refused = errors(r).filter { $0.code == "include-refused" }
        #expect(refused.count == 3)
        #expect(refused.allSatisfy { $0.location?.path == tree.set + "/policy.yaml" })
        let text = rendered(r)
        #expect(!text.contains("root:x:0:0") && !text.contains(secret))
        #expect(!r.sources.contains { $0.path.hasSuffix("passwd") || $0.path.hasSuffix("outside.yaml") })
    }

    @Test func theParentOfTheSetIsTheDefaultRootSoSharedCalendarsLoad() throws {
        let tree = try Tree(include: ["../calendars/office.yaml"], files: ["root/calendars/office.yaml": Self.calendar])
        defer { tree.remove() }
        let r = PolicyLoader.check(directory: tree.set)
        #expect(errors(r).isEmpty, "\(rendered(r))")
        #expect(r.policy != nil)
        // The shipped layout: policies/customer-complaints includes ../calendars/cn-office.yaml.
        #expect(PolicyLoader.check(directory: shippedPolicyPath("customer-complaints")).policy != nil)
    }

    @Test func aConfiguredRootAllowsSharedFilesElsewhere() throws {
        let tree = try Tree(include: ["../../common/office.yaml"], files: ["common/office.yaml": Self.calendar])
        defer { tree.remove() }
        #expect(errors(PolicyLoader.check(directory: tree.set)).map(\.code) == ["include-refused"])
        let r = PolicyLoader.check(directory: tree.set, includeRoot: tree.base.appendingPathComponent("common").path)
        #expect(errors(r).isEmpty, "\(rendered(r))")
    }

    @Test func symbolicLinksLeavingTheRootAreRefused() throws {
        let secret = "token-\(UUID().uuidString)"
        let tree = try Tree(include: ["../calendars/office.yaml"], files: ["elsewhere/office.yaml": "calendars: {\(secret): 1}\n"])
        defer { tree.remove() }
        try tree.link("root/calendars/office.yaml", to: tree.base.appendingPathComponent("elsewhere/office.yaml").path)
        let r = PolicyLoader.check(directory: tree.set)
        #expect(errors(r).map(\.code) == ["include-refused"])
        #expect(errors(r).first?.message.contains("symbolic link") == true)
        #expect(!rendered(r).contains(secret))
        // A file of the folder itself that links out is not read either.
        try tree.link("root/set/stolen.yaml", to: tree.base.appendingPathComponent("elsewhere/office.yaml").path)
        let own = PolicyLoader.check(directory: tree.set)
        #expect(errors(own).contains { $0.code == "unreadable-file" && $0.message.contains("symbolic link") })
        #expect(!rendered(own).contains(secret))
    }

    @Test func aLinkThatStaysInsideTheRootIsFollowed() throws {
        let tree = try Tree(include: ["../calendars/office.yaml"], files: ["root/shared/office.yaml": Self.calendar])
        defer { tree.remove() }
        try tree.link("root/calendars/office.yaml", to: tree.base.appendingPathComponent("root/shared/office.yaml").path)
        #expect(errors(PolicyLoader.check(directory: tree.set)).isEmpty)
    }

    @Test func anIncludedFileThatIsNotAPolicyFileIsNotQuoted() throws {
        let secret = "hunter2-\(UUID().uuidString)"
        let tree = try Tree(include: ["../notes/env.yaml", "../notes/binary.yaml", "../notes/list.yaml"], files: [
            "root/notes/env.yaml": "DATABASE_PASSWORD: \(secret)\n",
            "root/notes/binary.yaml": "\(secret)\u{1}: [\n",
            "root/notes/list.yaml": "- \(secret)\n",
        ])
        defer { tree.remove() }
        let r = PolicyLoader.check(directory: tree.set)
        #expect(errors(r).map(\.code) == ["include-refused", "include-refused", "include-refused"], "\(rendered(r))")
        #expect(errors(r).allSatisfy { $0.message.contains("is not a policy file") })
        #expect(!rendered(r).contains(secret))
        #expect(!r.sources.contains { $0.text.contains(secret) })
    }

    @Test func resolveNeverLeavesTheFolderAndRoot() throws {
        let c = IncludeConfinement(folder: "/srv/policies/set")
        #expect(c.root == "/srv/policies")
        #expect(try c.resolve("../calendars/a.yaml") == "/srv/policies/calendars/a.yaml")
        #expect(try c.resolve("./x//y/../z.yaml") == "/srv/policies/set/x/z.yaml")
        for bad in ["../../etc/passwd", ".//..//..//..//etc/passwd", "/etc/passwd", "", "../../policies2/x.yaml", "a\u{0}b"] {
            #expect(throws: IncludeConfinement.Refusal.self) { try c.resolve(bad) }
        }
    }
}
