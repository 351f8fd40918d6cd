import Foundation
import Testing
@testable import Verdict

/// The editor schemas: the shipped files are what `verdict schema language` prints, they describe
/// the sections the loader reads, every key they describe is in the language reference, and every
/// shipped policy and test file points at the right one.
@Suite struct LanguageSchemaTests {
    static func shipped(_ file: LanguageSchema.File) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent("schema/\(file.fileName)"), encoding: .utf8)
    }

    @Test(arguments: LanguageSchema.File.allCases)
    func theShippedSchemaIsWhatTheGeneratorWrites(_ file: LanguageSchema.File) throws {
        let generated = LanguageSchema.json(for: file)
        #expect(try Self.shipped(file) == generated,
                "schema/\(file.fileName) is stale: run `swift run verdict schema language\(file == .test ? " --tests" : "") > schema/\(file.fileName)`")
        let parsed = try JSONReader.parse(generated)
        #expect(parsed["$schema"] == .string("https://json-schema.org/draft/2020-12/schema"))
    }

    @Test func theCommandPrintsTheShippedSchemas() throws {
        let cli = CommandLineTests()
        let policy = try cli.run(["schema", "language"])
        #expect(policy.status == 0)
        #expect(policy.stdout == (try Self.shipped(.policy)))
        let tests = try cli.run(["schema", "language", "--tests"])
        #expect(tests.status == 0)
        #expect(tests.stdout == (try Self.shipped(.test)))
        let help = try cli.run(["schema", "--help"])
        #expect(help.status == 0 && help.stdout.contains("language"), "`verdict schema --help` lists its kinds")
        let wrong = try cli.run(["schema", "lang"])
        #expect(wrong.status == 64)
    }

    @Test func theSectionsAreTheLoadersSections() throws {
        let parsed = try JSONReader.parse(LanguageSchema.json(for: .policy))
        guard case .object(let props)? = parsed["properties"] else { Issue.record("no properties"); return }
        #expect(Set(props.map(\.key)) == Set(PolicySyntaxBuilder.sections))
        #expect(parsed["additionalProperties"] == .bool(false))
    }

    /// Every key either schema describes (a name under some `properties`) is documented in docs/language.md.
    @Test func everyKeyIsInTheLanguageReference() throws {
        let doc = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/language.md"), encoding: .utf8)
        var keys = Set<String>()
        func collect(_ v: JSONValue) {
            switch v {
            case .object(let members):
                for (k, value) in members {
                    if k == "properties", case .object(let props) = value { keys.formUnion(props.map(\.key)) }
                    collect(value)
                }
            case .array(let items): items.forEach(collect)
            default: break
            }
        }
        for f in LanguageSchema.File.allCases { collect(try JSONReader.parse(LanguageSchema.json(for: f))) }
        #expect(keys.count > 60)
        let missing = keys.sorted().filter { !doc.contains("`\($0)`") }
        #expect(missing.isEmpty, "keys not described in docs/language.md: \(missing)")
    }

    @Test func everyShippedFileStartsWithTheSchemaLine() throws {
        let root = repositoryRoot.appendingPathComponent("policies")
        let files = (FileManager.default.enumerator(atPath: root.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 20)
        for f in files {
            let text = try String(contentsOf: root.appendingPathComponent(f), encoding: .utf8)
            let kind: LanguageSchema.File = f.hasSuffix(".test.yaml") ? .test : .policy
            let depth = f.split(separator: "/").count
            let expected = LanguageSchema.modeline(schemaPath: String(repeating: "../", count: depth) + "schema/" + kind.fileName)
            #expect(text.hasPrefix(expected + "\n"), "\(f) does not start with `\(expected)`")
        }
    }
}
