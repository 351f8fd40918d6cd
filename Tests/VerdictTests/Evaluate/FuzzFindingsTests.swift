import Foundation
import Testing
@testable import Verdict

/// What the fuzzers found (docs/fuzzing.md), kept as tests: the case-decoder property of `FuzzCase`
/// over its seed corpus, which holds every input a run reported.
@Suite("fuzz findings")
struct FuzzFindingsTests {
    static let corpus = repositoryRoot.appendingPathComponent("Fuzz/Corpus/FuzzCase")
    static let policies = ["quality-complaints", "customer-complaints", "service-standards", "after-sales-template"].map { name in
        do { return try CompiledPolicy.load(directory: shippedPolicyPath(name)) } catch { fatalError("\(name) does not load: \(error)") }
    }

    /// When the fast decoder accepts a case, the careful one accepts it with the same values, and
    /// `prepare` accepts exactly what a decoder accepts.
    func decodersAgree(_ bytes: [UInt8], _ policy: CompiledPolicy) -> String? {
        let fast = policy.fastDecoder.decode(bytes)
        var careful: [Value]?
        if let json = try? JSONReader.parse(bytes) {
            var decoder = CaseDecoder(policy: policy)
            careful = decoder.decode(json: json)
        }
        if let fast, fast != careful { return "fast \(fast), careful \(String(describing: careful))" }
        let prepared = (try? policy.prepare(json: bytes)) != nil
        if prepared != (fast != nil || careful != nil) { return "prepare \(prepared), decoders \(fast != nil) \(careful != nil)" }
        return nil
    }

    @Test func theDecodersAgreeOnEverySeed() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        #expect(files.count >= 10)
        for f in files {
            let bytes = Array(try Data(contentsOf: Self.corpus.appendingPathComponent(f)))
            for policy in Self.policies {
                if let disagreement = decodersAgree(bytes, policy) { Issue.record("\(f) under \(policy.identity.name): \(disagreement)") }
            }
        }
    }

    /// The first finding: `"cost": ".5"` was accepted by the fast decoder and refused by the careful one.
    @Test func moneyWithoutAnIntegerPartIsRefusedByBothDecoders() throws {
        let base = try String(contentsOf: Self.corpus.appendingPathComponent("quality-complaints-pig-hair.json"), encoding: .utf8)
        for amount in [#"".5""#, #""+80""#, "01"] {
            let bytes = Array(base.replacingOccurrences(of: #""cost": 80"#, with: #""cost": \#(amount)"#).utf8)
            #expect(bytes != Array(base.utf8))
            let policy = Self.policies[0]
            #expect(policy.fastDecoder.decode(bytes) == nil, "\(amount)")
            #expect(throws: CaseError.self, "\(amount)") { try policy.prepare(json: bytes) }
        }
    }

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
