import Foundation
import Testing
@testable import Verdict

extension CommandLineTests {
    /// `verdict --version` (issue 35): the library's one version, the one every logged decision records.
    @Test func versionPrintsTheLibrarysVersion() throws {
        let r = try run(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout == VerdictVersion.current + "\n")
        #expect(r.stderr.isEmpty)
    }
}
