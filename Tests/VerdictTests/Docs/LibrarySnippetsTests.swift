import Foundation
import Testing
@testable import Verdict

/// docs/library.md's Swift blocks are the code of `LibrarySnippets.swift`, which the test target
/// compiles; each is run here, and what its comments say it gives is checked where it is cheap.
@Suite struct LibrarySnippetsTests {
    struct Block {
        var name: String?
        var text: String
        var line: Int
    }

    /// The fenced `swift` blocks of a page, each with the name of the `<!-- snippet: NAME -->` marker
    /// on the line before it (nil without one).
    static func blocks(inPage text: String) -> [Block] {
        let lines = text.components(separatedBy: "\n")
        var out: [Block] = []
        var i = 0
        while i < lines.count {
            let fence = lines[i].trimmingCharacters(in: .whitespaces)
            guard fence.hasPrefix("```") else { i += 1; continue }
            var end = i + 1
            while end < lines.count, !lines[end].trimmingCharacters(in: .whitespaces).hasPrefix("```") { end += 1 }
            if fence.dropFirst(3).trimmingCharacters(in: .whitespaces) == "swift" {
                let marker = i > 0 ? lines[i - 1].trimmingCharacters(in: .whitespaces) : ""
                var name: String?
                if marker.hasPrefix("<!-- snippet:"), marker.hasSuffix("-->") {
                    name = marker.dropFirst("<!-- snippet:".count).dropLast(3).trimmingCharacters(in: .whitespaces)
                }
                out.append(Block(name: name, text: lines[(i + 1)..<min(end, lines.count)].joined(separator: "\n"), line: i + 2))
            }
            i = end + 1
        }
        return out
    }

    /// The marked regions of a source file by name: the lines between `// snippet: NAME` and
    /// `// end snippet`, less the marker's indentation; regions of one name joined in order.
    static func regions(inSource text: String) -> [String: String] {
        var out: [String: [String]] = [:]
        var current: (name: String, indent: Int)?
        for line in text.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let c = current {
                if trimmed == "// end snippet" { current = nil; continue }
                let indent = line.prefix { $0 == " " }.count
                out[c.name, default: []].append(line.isEmpty ? "" : String(line.dropFirst(min(indent, c.indent))))
            } else if trimmed.hasPrefix("// snippet: ") {
                current = (String(trimmed.dropFirst("// snippet: ".count)), line.prefix { $0 == " " }.count)
            }
        }
        return out.mapValues { $0.joined(separator: "\n") }
    }

    /// A short account of where two texts part, line by line.
    static func difference(doc: String, code: String) -> String {
        let a = doc.components(separatedBy: "\n"), b = code.components(separatedBy: "\n")
        var out: [String] = []
        for i in 0..<max(a.count, b.count) where (i < a.count ? a[i] : nil) != (i < b.count ? b[i] : nil) {
            out.append("  line \(i + 1):\n  - docs:    \(i < a.count ? a[i] : "(none)")\n  + snippet: \(i < b.count ? b[i] : "(none)")")
            if out.count == 5 { out.append("  …"); break }
        }
        return out.joined(separator: "\n")
    }

    /// Every problem of the page against the file: blocks without markers, names without regions,
    /// texts that differ, regions no block uses.
    static func mismatches(page: String, source: String) -> [String] {
        let regions = Self.regions(inSource: source)
        var problems: [String] = []
        var used: Set<String> = []
        for block in blocks(inPage: page) {
            guard let name = block.name else {
                problems.append("docs/library.md:\(block.line): a ```swift block without a `<!-- snippet: NAME -->` marker on the line before it")
                continue
            }
            used.insert(name)
            guard let code = regions[name] else {
                problems.append("docs/library.md:\(block.line): snippet `\(name)` has no `// snippet: \(name)` region in LibrarySnippets.swift")
                continue
            }
            if code != block.text {
                problems.append("docs/library.md:\(block.line): snippet `\(name)` differs from LibrarySnippets.swift:\n" + difference(doc: block.text, code: code))
            }
        }
        for name in Set(regions.keys).subtracting(used).sorted() {
            problems.append("LibrarySnippets.swift: region `\(name)` is no block of docs/library.md")
        }
        return problems
    }

    static func read(_ path: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func everySwiftBlockIsACompiledSnippet() throws {
        let page = try Self.read("docs/library.md")
        let source = try Self.read("Tests/VerdictTests/Docs/LibrarySnippets.swift")
        #expect(Self.blocks(inPage: page).count == 8)
        for problem in Self.mismatches(page: page, source: source) { Issue.record(Comment(rawValue: problem)) }
    }

    @Test func aChangedBlockIsFound() throws {
        let page = try Self.read("docs/library.md")
        let source = try Self.read("Tests/VerdictTests/Docs/LibrarySnippets.swift")
        let edited = page.replacingOccurrences(of: #"try decision.member("approver")      // "head_office""#,
                                               with: #"try decision.member("approver")      // "branch_manager""#)
        #expect(edited != page)
        let problems = Self.mismatches(page: edited, source: source)
        #expect(problems.count == 1)
        #expect(problems.first?.contains("snippet `reading-outputs` differs") == true)
        #expect(problems.first?.contains(#"- docs:    try decision.member("approver")      // "branch_manager""#) == true)
        let unmarked = page.replacingOccurrences(of: "<!-- snippet: why-not -->\n", with: "")
        #expect(Self.mismatches(page: unmarked, source: source).contains { $0.contains("without a `<!-- snippet: NAME -->` marker") })
    }

    /// The manifest lines, in a consumer's Package.swift that SwiftPM evaluates (`swift package
    /// dump-package`: the manifest compiled and run, nothing resolved, no cache written): a dependency
    /// on this version with no traits, and a product this package has.
    @Test func packageDependency() throws {
        let lines = LibrarySnippets.regions(LibrarySnippets.packageDependency).components(separatedBy: "\n")
        #expect(lines.count == 2)
        let targetPrefix = "// in the target: "
        let product = try #require(lines.last.flatMap { $0.hasPrefix(targetPrefix) ? String($0.dropFirst(targetPrefix.count)) : nil })
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("library-snippets-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("Sources/App"), withIntermediateDirectories: true)
        try """
            // swift-tools-version: 6.1
            import PackageDescription
            let package = Package(name: "Consumer",
              dependencies: [
            \(lines[0])
              ],
              targets: [.target(name: "App", dependencies: [\(product)])])

            """.write(to: folder.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        let swift = Process()
        swift.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        swift.arguments = ["swift", "package", "--manifest-cache", "none", "dump-package"]
        swift.currentDirectoryURL = folder
        let out = Pipe(), err = Pipe()
        swift.standardOutput = out
        swift.standardError = err
        try swift.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        swift.waitUntilExit()
        try #require(swift.terminationStatus == 0, "swift package dump-package: \(errors)")
        let dumped = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let dependency = try #require(((dumped["dependencies"] as? [[String: Any]])?.first?["sourceControl"] as? [[String: Any]])?.first)
        #expect(dependency["identity"] as? String == "verdict")
        #expect((dependency["traits"] as? [Any])?.isEmpty == true, "traits: [] leaves out the default trait Service")
        let range = ((dependency["requirement"] as? [String: Any])?["range"] as? [[String: Any]])?.first
        #expect(range?["lowerBound"] as? String == VerdictVersion.current)
        let targetDependency = String(data: try JSONSerialization.data(withJSONObject: dumped["targets"] ?? []), encoding: .utf8) ?? ""
        #expect(targetDependency.contains(#""Verdict","verdict""#), "\(targetDependency)")
        // And this package has that product, and a default trait `Service` to leave out.
        let manifest = try Self.read("Package.swift")
        #expect(manifest.contains(#".library(name: "Verdict", targets: ["Verdict"])"#))
        #expect(manifest.contains(#".default(enabledTraits: ["Service"])"#))
    }

    @Test func gettingStarted() throws {
        #expect(FileManager.default.currentDirectoryPath == repositoryRoot.path, "the snippets load `policies/…` relative to the package root")
        let snippets = try LibrarySnippets()
        try snippets.gettingStarted()
        #expect(snippets.output.all.count == 1)
        #expect(snippets.output.all.first?.contains("例外规则 henan-finance") == true)
        // What the comments say.
        let set = try PolicyVersions.load(directory: "policies/quality-complaints")
        let decision = try set.decide(json: Array(snippets.caseJSON.utf8))
        #expect(try decision.number("tier") == 3)
        #expect(try decision.members("signers") == ["handler", "bu_finance_head", "branch_manager", "division_manager"])
        #expect(decision.policy.version == "1.0.0")
    }

    @Test func readingOutputs() throws {
        let snippets = try LibrarySnippets()
        try snippets.readingOutputs()
        // The three errors it prints, as the page shows them below the block.
        #expect(snippets.output.all == [
            "`aprover` is not an output of quality-complaints 1.0.0 (did you mean `approver`?)",
            "output `approver` of quality-complaints 1.0.0 is a `role`, not money: read it with `member(_:)`",
            "output `signers` of quality-complaints 1.0.0 is a `list<role>`, not a member: read it with `members(_:)`",
        ])
        let page = try Self.read("docs/library.md")
        for line in snippets.output.all { #expect(page.contains("\n" + line + "\n")) }
        let decision = try PolicyVersions.load(directory: "policies/quality-complaints").decide(json: Data(snippets.caseJSON.utf8))
        #expect(try decision.member("approver") == "head_office")
        #expect(try decision.time("report_due") == nil)
        #expect(decision["approver"]?.asMember == "head_office")
    }

    @Test func decisionRequest() throws {
        let snippets = try LibrarySnippets()
        try snippets.decisionRequest()
        #expect(snippets.output.all.count == 1)
        let rendered = snippets.output.all.first ?? ""
        #expect(rendered.hasPrefix(#"{"case":"Q-2026-0042""#))
        #expect(rendered.contains(#""approver":"head_office""#))
        #expect(rendered.contains(#""why_not_text""#))
        // A case that cannot be decided reaches the first catch, not the caller.
        var refused = try LibrarySnippets(caseJSON: #"{"id": "x"}"#)
        refused.now = snippets.now
        try refused.decisionRequest()
        #expect(refused.output.all.isEmpty)
    }

    @Test func decisionBatch() throws {
        let snippets = try LibrarySnippets()
        try snippets.decisionBatch()
        let written = snippets.output.all.joined()
        let lines = written.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains(#""approver":"head_office""#) == true)
        #expect(lines.last?.hasPrefix(#"{"case":"x","line":2,"error":"#) == true)
    }

    @Test func livePolicySet() async throws {
        let snippets = try LibrarySnippets()
        // Opens, answers and cancels its tasks: it returns (no time is asserted: the machine may be busy).
        let run = Task { try await snippets.livePolicySet() }
        try await run.value
        #expect(snippets.output.all.allSatisfy { !$0.hasPrefix("log: ") }, "the shipped set loads without a failed reload")
        // The failed reload's summary its comment quotes: a misspelt field in a copy of the set.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("library-snippets-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let set = folder.appendingPathComponent("quality-complaints")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("policies/quality-complaints"), to: set)
        let live = try await LivePolicySet.open(folder: set.path)
        let file = set.appendingPathComponent("a5-approval.yaml")
        var lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
        #expect(lines[20] == "        when: cost <= 300")
        lines[20] = lines[20].replacingOccurrences(of: "cost", with: "cots")
        try lines.joined(separator: "\n").write(to: file, atomically: false, encoding: .utf8)
        let attempt = await live.reload()
        #expect(attempt.outcome == .failed)
        #expect(attempt.summary == set.path + "/a5-approval.yaml:21:15: unknown field or output `cots`")
    }

    @Test func policyVersions() throws {
        let snippets = try LibrarySnippets()
        try snippets.policyVersions()
        let set = try PolicyVersions.load(directory: "policies/examples/quality-complaints-amended")
        #expect(set.versions.map(\.identity.version) == ["1.0.0", "2.0.0"])
        #expect(set.effectiveBy == "received_at")
        #expect(set.version(at: try Timestamp(rfc3339: "2026-12-31T23:59:59+08:00"))?.identity.version == "1.0.0")
        #expect(try set.version(for: Array(snippets.caseJSON.utf8), now: nil).identity.version == "1.0.0")
        let later = snippets.caseJSON.replacingOccurrences(of: "2026-03-02T09:15:00+08:00", with: "2027-01-01T00:00:00+08:00")
        #expect(try set.version(for: Array(later.utf8), now: nil).identity.version == "2.0.0")
        #expect(try set.decide(json: Array(later.utf8), explain: true, now: nil).policy.version == "2.0.0")
        try LibrarySnippets(caseJSON: later).policyVersions()
    }

    @Test func whyNot() throws {
        let snippets = try LibrarySnippets()
        try snippets.whyNot()
        let printed = snippets.output.all
        #expect(printed.contains("cost ≤ 300.00 1200.00 300.00"))
        #expect(printed.last?.contains("为什么 approver 不是 branch_manager") == true)
    }
}

extension LibrarySnippets {
    /// The lines of a string holding one marked region (the manifest lines).
    static func regions(_ text: String) -> String {
        LibrarySnippetsTests.regions(inSource: text)["package-dependency"] ?? ""
    }
}
