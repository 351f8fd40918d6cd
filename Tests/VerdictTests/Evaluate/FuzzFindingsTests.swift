import Foundation
import Testing
@testable import Verdict

/// What the fuzzers found (docs/fuzzing.md), kept as tests.
@Suite("fuzz findings")
struct FuzzFindingsTests {
    /// `FuzzPolicyFile`: a line broken by bare carriage returns (LibYAML counts each as a line break)
    /// was reported at a line the file does not have, so it had no snippet.
    @Test func anErrorAfterBareCarriageReturnsIsOnALineTheFileHas() throws {
        let text = "fields:\n  t: timestamp\n  du: udrat" + String(repeating: "\r", count: 110) + "ion\nclocks:\n  c:\n    start: t + du\n    target: 2135039823334d\n"
        let r = check(["fuzz.yaml": text])
        let file = try #require(r.sources.first { $0.path == "fuzz.yaml" })
        #expect(!errors(r).isEmpty)
        for d in errors(r) where d.location?.path == "fuzz.yaml" {
            #expect(d.location!.line <= file.lines.count, "\(d)")
        }
    }
}
