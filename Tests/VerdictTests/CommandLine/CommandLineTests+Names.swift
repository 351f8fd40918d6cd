import Foundation
import Testing
@testable import Verdict

/// Issue 27, item 16, at the command line: `check` refuses a set name no service path could carry.
extension CommandLineTests {
    @Test func checkRefusesANameNoPathCanCarry() throws {
        let dir = try Self.escapeScratch(version: "1")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("policy.yaml")
        try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "name: esc", with: "name: a/b").write(to: file, atomically: true, encoding: .utf8)
        let r = try run(["check", dir.path])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("policy.yaml:2:9: error: the policy name `a/b` holds `/` (U+002F) at character 2\n"), "\(r.stderr)")
    }
}
