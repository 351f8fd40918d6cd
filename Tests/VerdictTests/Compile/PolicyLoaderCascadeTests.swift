import Testing
@testable import Verdict

/// A file that cannot be read gives one error, not the errors its absence would imply (issue 14, part 5).
@Suite("Loader: one error, not two")
struct PolicyLoaderCascadeTests {
    @Test func yamlErrorInTheOnlyFileDoesNotAlsoReportAMissingManifest() throws {
        let r = PolicyLoader.check(sources: [SourceFile(path: "policy.yaml", text: """
        policy:
          name: broken
          version: "1"
          effective: 2026-01-01
          title: {en: Broken, zh: 坏
        """)])
        #expect(r.policy == nil)
        #expect(r.diagnostics.map(\.code) == ["yaml-syntax", "not-checked"])
        let note = try #require(r.diagnostics.last)
        #expect(note.severity == .note)
        #expect(note.message == "the rest of the policy set was not checked: `policy.yaml` cannot be read as YAML")
        #expect(note.help == "fix the YAML syntax error above and check again")
        let text = DiagnosticRenderer(files: r.sources).text(r.diagnostics)
        #expect(!text.contains("manifest"))
        #expect(text.hasSuffix("1 error, 0 warnings\n"))
    }

    @Test func otherFilesAreNotCheckedAgainstWhatTheBrokenFileMightDefine() {
        // `rules.yaml` reads `cost`, which the broken schema file would have declared: no unknown-name.
        let r = PolicyLoader.check(sources: [
            SourceFile(path: "policy.yaml", text: manifestYAML),
            SourceFile(path: "rules.yaml", text: "decisions:\n  d:\n    outputs: {ok: bool}\n    rules:\n      - when: cost > 3\n        then: {ok: true}\n"),
            SourceFile(path: "schema.yaml", text: "fields:\n  cost: [money\n"),
        ])
        #expect(r.diagnostics.map(\.code) == ["yaml-syntax", "not-checked"])
        #expect(r.diagnostics[0].location?.path == "schema.yaml")
    }

    @Test func twoBrokenFilesAreNamedInOneNote() {
        let r = PolicyLoader.check(sources: [
            SourceFile(path: "a.yaml", text: "policy: {name: x\n"),
            SourceFile(path: "b.yaml", text: "fields: [cost\n"),
        ])
        #expect(r.diagnostics.map(\.code) == ["yaml-syntax", "yaml-syntax", "not-checked"])
        #expect(r.diagnostics.last?.message == "the rest of the policy set was not checked: `a.yaml`, `b.yaml` cannot be read as YAML")
        #expect(r.diagnostics.last?.help == "fix the YAML syntax errors above and check again")
    }

    @Test func shapeErrorsInOtherFilesAreStillReported() {
        // Keys and node kinds are checked per file, so they do not depend on the broken one.
        let r = PolicyLoader.check(sources: [
            SourceFile(path: "a.yaml", text: "policy: {name: x\n"),
            SourceFile(path: "b.yaml", text: "decisions:\n  d:\n    hti: first\n"),
        ])
        let codes = r.diagnostics.map(\.code)
        #expect(codes.first == "yaml-syntax" && codes.contains("unknown-key") && codes.last == "not-checked")
        #expect(!codes.contains("missing-manifest"))
    }

    @Test func aManifestThatCannotBeReadIsNotAlsoMissing() {
        let r = PolicyLoader.check(sources: [SourceFile(path: "policy.yaml", text: "policy:\n  version: \"1\"\n")])
        #expect(errors(r).map(\.code) == ["missing-key"])
        #expect(!r.diagnostics.contains { $0.code == "missing-manifest" })
    }

    @Test func anEmptyFileIsNotAnUnreadableOne() {
        let r = PolicyLoader.check(sources: [SourceFile(path: "empty.yaml", text: ""), SourceFile(path: "schema.yaml", text: schemaYAML)])
        #expect(r.diagnostics.map(\.code).contains("missing-manifest"))
        #expect(!r.diagnostics.contains { $0.code == "not-checked" })
    }
}
