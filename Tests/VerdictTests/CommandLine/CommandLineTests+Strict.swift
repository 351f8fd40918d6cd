import Foundation
import Testing
@testable import Verdict

/// Issue 29, item 5: CI can fail on warnings, and a content change under the same version is said.
extension CommandLineTests {
    /// A set whose one override compares `province` with `"Guangdong "` (a `spaced-literal` warning),
    /// with a test that passes.
    static func spacedSet() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-strict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try """
        \(manifestYAML)
        fields:
          province: string
        roles:
          handler: {en: handler, zh: 经办人}
          legal: {en: legal officer, zh: 法务}
        decisions:
          approval:
            outputs: {signers: list<role>}
            rules:
              - then: {signers: [handler]}
            overrides:
              - id: gd
                output: signers
                when: province == "Guangdong "
                insert: {role: legal, after: handler}
        """.write(to: dir.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        try """
        tests:
          - name: elsewhere the handler signs alone
            case: {province: Hunan}
            expect: {signers: [handler]}
        """.write(to: dir.appendingPathComponent("p.test.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func checkStrictFailsOnWarnings() throws {
        let dir = try Self.spacedSet()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = try run(["check", dir.path])
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("test 1: ok"))
        let r = try run(["check", dir.path, "--strict"])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty, "\(r.stdout)")
        #expect(r.stderr.contains(#"policy.yaml:19:27: warning: "Guangdong " ends with a space, which field `province` keeps: only a case that gives the same space matches"#), "\(r.stderr)")
        #expect(r.stderr.contains(#"help: write "Guangdong", and add `normalize: [trim]` to `province` so that a case's spaces are dropped too"#))
        #expect(r.stderr.hasSuffix("0 errors, 1 warning\nerror: --strict: 1 warning, so the check fails\n"), "\(r.stderr)")
        let json = try run(["check", dir.path, "--strict", "--format", "json"])
        #expect(json.status == 1)
        #expect(json.stdout.contains(#""code":"spaced-literal""#))
        // A clean set passes under --strict.
        #expect(try run(["check", Self.policy, "--strict"]).status == 0)
    }

    @Test func testStrictFailsOnWarnings() throws {
        let dir = try Self.spacedSet()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = try run(["test", dir.path])
        #expect(plain.status == 0)
        #expect(!plain.stderr.contains("warning"))
        let r = try run(["test", dir.path, "--strict"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("1 passed, 0 failed"), "\(r.stdout)")
        #expect(r.stderr.contains(#"warning: "Guangdong " ends with a space"#), "\(r.stderr)")
        #expect(r.stderr.hasSuffix("error: --strict: 1 warning, so the run fails\n"), "\(r.stderr)")
    }

    @Test func diffWarnsWhenTheContentChangesUnderTheSameVersion() throws {
        let old = try Self.spacedSet(), new = try Self.spacedSet()
        defer { for d in [old, new] { try? FileManager.default.removeItem(at: d) } }
        let file = new.appendingPathComponent("policy.yaml")
        try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: #""Guangdong ""#, with: #""Guangdong""#)
            .write(to: file, atomically: true, encoding: .utf8)
        let a = try CompiledPolicy.load(directory: old.path).identity, b = try CompiledPolicy.load(directory: new.path).identity
        let r = try run(["diff", old.path, new.path])
        #expect(r.stdout.contains("\nwarning: the content changed (\(a.digest.prefix(19))… → \(b.digest.prefix(19))…) while the version stayed 1: give the new content its own `version`\n"), "\(r.stdout)")
        // The same content, or a new version, says nothing.
        #expect(!(try run(["diff", old.path, old.path])).stdout.contains("warning"))
        try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: #"version: "1""#, with: #"version: "2""#)
            .write(to: file, atomically: true, encoding: .utf8)
        #expect(!(try run(["diff", old.path, new.path])).stdout.contains("warning"))
    }
}
