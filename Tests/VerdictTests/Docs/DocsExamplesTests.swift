import Foundation
import Testing
@testable import Verdict

/// Every YAML example in the README and in `docs/` is checked as its marker says
/// (the convention is described at the end of `docs/language.md`).
@Suite struct DocsExamplesTests {
    struct Example {
        enum Kind: Equatable {
            case set, base, fragment, test, excerpt
            case error(String)
        }
        var kind: Kind
        var text: String
        var page: String
        var line: Int
        var place: String { "\(page):\(line)" }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The pages whose YAML blocks are examples.
    static var pages: [String] {
        let docs = repositoryRoot.appendingPathComponent("docs")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: docs.path)) ?? []).filter { $0.hasSuffix(".md") }.sorted()
        return ["README.md"] + names.map { "docs/" + $0 }
    }

    /// The fenced `yaml` blocks of a page, with the marker on the line before each.
    static func examples(in page: String) throws -> [Example] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent(page), encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        var out: [Example] = []
        var i = 0
        while i < lines.count {
            let line = lines[i].trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("```") else { i += 1; continue }
            let info = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
            var end = i + 1
            while end < lines.count, !lines[end].trimmingCharacters(in: .whitespaces).hasPrefix("```") { end += 1 }
            if info == "yaml" || info == "yml" {
                let marker = i > 0 ? lines[i - 1].trimmingCharacters(in: .whitespaces) : ""
                let kind = try Self.kind(marker, at: "\(page):\(i + 1)")
                out.append(Example(kind: kind, text: lines[(i + 1)..<end].joined(separator: "\n") + "\n", page: page, line: i + 2))
            }
            i = end + 1
        }
        return out
    }

    static func kind(_ marker: String, at place: String) throws -> Example.Kind {
        guard marker.hasPrefix("<!-- example:"), marker.hasSuffix("-->") else {
            throw Failure(description: "\(place): a YAML block without an `<!-- example: … -->` marker on the line before it")
        }
        let words = marker.dropFirst("<!-- example:".count).dropLast(3).split(separator: " ").map(String.init)
        switch (words.first, words.count) {
        case ("set"?, 1): return .set
        case ("base"?, 1): return .base
        case ("fragment"?, 1): return .fragment
        case ("test"?, 1): return .test
        case ("excerpt"?, 1): return .excerpt
        case ("error"?, 2): return .error(words[1])
        default: throw Failure(description: "\(place): unknown example marker `\(marker)`")
        }
    }

    /// Checks an example as a folder beside the shipped policy sets, so `../calendars/…` resolves.
    static func load(_ files: [(name: String, text: String)]) -> PolicyLoader.Result {
        let folder = repositoryRoot.appendingPathComponent("policies/docs-example").path + "/"
        let sources = files.map { SourceFile(path: folder + $0.name, text: $0.text) }
        return PolicyLoader.check(sources: sources, relativeTo: folder) { include in
            let path = PolicyFolder.normalize(folder + include)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
            return SourceFile(path: path, text: text)
        }
    }

    static func describe(_ r: PolicyLoader.Result) -> String {
        DiagnosticRenderer(files: r.sources).text(r.diagnostics.filter { $0.severity == .error })
    }

    /// Checks every example of a page; returns how many were checked.
    static func check(page: String) throws -> (checked: Int, excerpts: Int) {
        let all = try examples(in: page)
        let bases = all.filter { $0.kind == .base }
        guard bases.count <= 1 else { throw Failure(description: "\(page): more than one `base` example") }
        let base = bases.first
        var checked = 0, excerpts = 0
        var previous: (policy: CompiledPolicy?, place: String)?
        for ex in all {
            switch ex.kind {
            case .excerpt:
                excerpts += 1
                continue
            case .set, .base:
                let r = load([("example.yaml", ex.text)])
                guard let p = r.policy else { throw Failure(description: "\(ex.place): the example does not load:\n\(describe(r))") }
                previous = (p, ex.place)
            case .fragment, .error:
                guard let base else { throw Failure(description: "\(ex.place): a fragment on a page without a `base` example") }
                let r = load([("base.yaml", base.text), ("example.yaml", ex.text)])
                if case .error(let code) = ex.kind {
                    guard r.policy == nil, r.diagnostics.contains(where: { $0.code == code && $0.severity == .error }) else {
                        throw Failure(description: "\(ex.place): expected the checker to refuse this example with `\(code)`, got: \(r.diagnostics.map(\.code))")
                    }
                    previous = nil
                } else {
                    guard let p = r.policy else { throw Failure(description: "\(ex.place): base + fragment does not load:\n\(describe(r))") }
                    previous = (p, ex.place)
                }
            case .test:
                guard let (policy, place) = previous, let policy else {
                    throw Failure(description: "\(ex.place): a test example must follow a policy example that loads")
                }
                var suite = PolicyTestSuite()
                suite.add(SourceFile(path: "\(ex.page):\(ex.line)", text: ex.text))
                guard suite.diagnostics.isEmpty else {
                    throw Failure(description: "\(ex.place): the test file has problems: \(suite.diagnostics.map(\.message))")
                }
                let report = PolicyTestRunner.run(suite, against: policy)
                guard report.failed == 0, report.passed == suite.tests.count, report.passed > 0 else {
                    throw Failure(description: "\(ex.place): tests against \(place) failed:\n\(report.text(coverage: false))")
                }
            }
            checked += 1
        }
        return (checked, excerpts)
    }

    @Test func everyExampleInTheDocsIsChecked() throws {
        var total = 0
        var perPage: [String: Int] = [:]
        for page in Self.pages {
            let (checked, excerpts) = try Self.check(page: page)
            if page == "docs/language.md" { #expect(excerpts == 0, "the language reference shows only complete examples") }
            perPage[page] = checked
            total += checked
        }
        // The language reference has an example of every construct; fewer means examples were lost.
        #expect((perPage["docs/language.md"] ?? 0) >= 31, "\(perPage)")
        #expect((perPage["README.md"] ?? 0) >= 1, "\(perPage)")
        #expect(total >= 32, "\(perPage)")
        print("docs examples checked: \(total) \(perPage.sorted { $0.key < $1.key })")
    }

    @Test func aBrokenExampleFails() throws {
        // The checker the docs test relies on refuses a misspelled key, and an unmarked block is refused.
        let r = Self.load([("example.yaml", "policy: {name: x, version: \"1\"}\nfields: {cost: money}\ndecisons: {}\n")])
        #expect(r.policy == nil && r.diagnostics.contains { $0.code == "unknown-key" })
        #expect(throws: Failure.self) { try Self.kind("", at: "x.md:1") }
        #expect(throws: Failure.self) { try Self.kind("<!-- example: sets -->", at: "x.md:1") }
    }
}
