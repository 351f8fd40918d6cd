import Foundation
import Testing
@testable import Verdict

/// `docs/sources.md` is anchored on the shipped policies: every `quote:` appears in it verbatim, and
/// every element that carries a `reading:` is named in it.
@Suite struct SourcesDocumentTests {
    /// Quotes and the names of elements with a reading, from every shipped policy file.
    static func annotations() throws -> (quotes: [(String, String)], readings: [(String, String)]) {
        var quotes: [(String, String)] = [], readings: [(String, String)] = []
        let root = repositoryRoot.appendingPathComponent("policies").path
        let files = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? [])
            .filter { PolicyFolder.isPolicyFile($0) }.sorted()
        #expect(files.count >= 20, "the shipped policy files were not found")
        for f in files {
            let file = SourceFile(path: f, text: try String(contentsOfFile: root + "/" + f, encoding: .utf8))
            var bag = DiagnosticBag()
            guard let node = YAMLLoader.load(file, into: &bag) else { continue }
            walk(node, name: nil, file: f, quotes: &quotes, readings: &readings)
        }
        return (quotes, readings)
    }

    private static func walk(_ node: YAMLNode, name: String?, file: String,
                             quotes: inout [(String, String)], readings: inout [(String, String)]) {
        switch node.kind {
        case .mapping(let pairs):
            let id = pairs.first { $0.key.scalar == "id" }?.value.scalar ?? name
            for (k, v) in pairs {
                switch k.scalar {
                case "quote"?: if let q = v.scalar { quotes.append((file, q)) }
                case "reading"?: readings.append((file, id ?? "?"))
                default: walk(v, name: k.scalar, file: file, quotes: &quotes, readings: &readings)
                }
            }
        case .sequence(let items):
            for item in items { walk(item, name: nil, file: file, quotes: &quotes, readings: &readings) }
        case .scalar, .null:
            break
        }
    }

    @Test func everyQuoteAndReadingIsInTheSourcesDocument() throws {
        let doc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/sources.md"), encoding: .utf8)
        let (quotes, readings) = try Self.annotations()
        #expect(quotes.count >= 60)
        #expect(readings.count >= 17)
        for (file, q) in quotes {
            #expect(doc.contains(q), "the quote of \(file) is not in docs/sources.md: \(q)")
        }
        for (file, id) in readings {
            #expect(doc.contains("**`\(id)`**"), "the reading of `\(id)` (\(file)) is not explained in docs/sources.md")
        }
    }

    @Test func theProjectDoesNotPointOutsideItself() throws {
        // The text pages (docs/images holds the console's screenshots).
        let files = ["README.md"] + ((try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("docs").path)) ?? [])
            .filter { $0.hasSuffix(".md") || $0.hasSuffix(".yaml") }.map { "docs/" + $0 }
        for f in files {
            let text = try String(contentsOf: repositoryRoot.appendingPathComponent(f), encoding: .utf8)
            let outside = ".." + "/shared"  // spelled in two parts so this check is not itself a reference
            #expect(!text.contains(outside), "\(f) refers to a path outside the repository")
        }
    }
}

/// The language reference lists every code a diagnostic or a refused case can carry.
@Suite struct CodesDocumentTests {
    @Test func everyCodeIsInTheLanguageReference() throws {
        let doc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/language.md"), encoding: .utf8)
        let section = doc.components(separatedBy: "## What the checker reports").dropFirst().first?.components(separatedBy: "## Editor support").first ?? ""
        #expect(DiagnosticCode.allCases.count > 50 && CaseProblemCode.allCases.count >= 9)
        let missing = (DiagnosticCode.allCases.map(\.rawValue) + CaseProblemCode.allCases.map(\.rawValue)).filter { !section.contains("`\($0)`") }
        #expect(missing.isEmpty, "codes not listed under \"What the checker reports\" in docs/language.md: \(missing)")
    }
}
