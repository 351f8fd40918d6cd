import Foundation
import Testing
@testable import Verdict

/// `verdict init`: the new set checks clean (no error, no warning) and its tests pass, as created.
@Suite struct PolicyScaffoldTests {
    @Test func theScaffoldChecksCleanAndItsTestsPass() throws {
        let files = PolicyScaffold.files(name: "refunds", effective: CivilDate(year: 2026, month: 1, day: 1), schemaFolder: "../../schema")
        #expect(files.map(\.path) == ["policy.yaml", "schema.yaml", "approval.yaml", "refunds.test.yaml"])
        for f in files { #expect(f.text.hasPrefix("# yaml-language-server: $schema=../../schema/verdict-")) }
        let r = PolicyLoader.check(sources: files.filter { PolicyFolder.isPolicyFile($0.path) }.map { SourceFile(path: $0.path, text: $0.text) })
        let policy = try #require(r.policy, "\(r.diagnostics)")
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics.map(\.message))")
        var suite = PolicyTestSuite()
        suite.add(SourceFile(path: "refunds.test.yaml", text: files[3].text))
        #expect(suite.diagnostics.isEmpty)
        let report = PolicyTestRunner.run(suite, against: policy)
        #expect(report.passed == 4 && report.failed == 0)
        let allExercised = report.coverage.allSatisfy { $0.exercised }
        #expect(allExercised)
    }

    @Test func initCheckTestEndToEnd() throws {
        let cli = CommandLineTests()
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-init-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: parent) }
        let dir = parent.appendingPathComponent("refunds").path
        let created = try cli.run(["init", dir, "--effective", "2026-05-01"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("created \(dir)/policy.yaml"))
        // Outside a checkout the schemas are written beside the files, and the files point at them.
        let manifest = try String(contentsOfFile: dir + "/policy.yaml", encoding: .utf8)
        #expect(manifest.hasPrefix("# yaml-language-server: $schema=verdict-policy.schema.json\n"))
        #expect(manifest.contains("effective: 2026-05-01"))
        #expect(try String(contentsOfFile: dir + "/verdict-policy.schema.json", encoding: .utf8) == LanguageSchema.json(for: .policy))
        let check = try cli.run(["check", dir])
        #expect(check.status == 0 && check.stdout.contains("refunds 0.1.0: ok, 1 decisions"), "\(check.stderr)")
        #expect(check.stderr.contains("0 errors, 0 warnings"))
        let test = try cli.run(["test", dir, "--coverage"])
        #expect(test.status == 0 && test.stdout.contains("4 passed, 0 failed"), "\(test.stdout)\(test.stderr)")
        #expect(test.stdout.contains("2 of 2"))
        // A second init into the same folder refuses, and so does a name that is not one.
        let again = try cli.run(["init", dir])
        #expect(again.status == 1 && again.stderr.contains("not empty"))
        let bad = try cli.run(["init", parent.appendingPathComponent("my policy").path])
        #expect(bad.status == 1 && bad.stderr.contains("is not a policy name"))
    }

    @Test func insideACheckoutTheFilesPointAtItsSchemaFolder() throws {
        let inside = repositoryRoot.appendingPathComponent("policies/new-set")
        #expect(PolicyScaffold.nearestSchemaFolder(above: inside) == "../../schema")
        let deeper = repositoryRoot.appendingPathComponent("policies/team/new-set")
        #expect(PolicyScaffold.nearestSchemaFolder(above: deeper) == "../../../schema")
    }

    @Test func shellCompletionsNameTheCommands() throws {
        for shell in ["bash", "zsh", "fish"] {
            let r = try CommandLineTests().run(["--generate-completion-script", shell])
            #expect(r.status == 0)
            #expect(r.stdout.contains("init") && r.stdout.contains("schema") && r.stdout.contains("decide"), "\(shell)")
        }
    }
}
