import Foundation
import Testing
@testable import Verdict

/// Issue 27, "messages that mislead", at the command line: an input that is a folder is named as one,
/// with what to give instead.
extension CommandLineTests {
    @Test func aFolderGivenAsTheCaseIsNamedAsAFolder() throws {
        let dir = try Self.escapeScratch(version: "1")
        defer { try? FileManager.default.removeItem(at: dir) }
        let one = try run(["decide", "--policies", dir.path, "--case", dir.path])
        #expect(one.status == 66)
        #expect(one.stderr == "error: `\(dir.path)` is a folder, not a file: give a JSON file holding one case, or - for standard input\n")
        let batch = try run(["decide", "--policies", dir.path, "--batch", dir.path])
        #expect(batch.status == 66)
        #expect(batch.stderr == "error: `\(dir.path)` is a folder, not a file: give a JSON Lines file of cases, or - for standard input\n")
    }
}
