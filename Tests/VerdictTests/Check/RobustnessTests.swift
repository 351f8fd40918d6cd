import Foundation
import Testing
@testable import Verdict

/// Seeded mutation tests: a policy edited at random must give diagnostics, never crash; random and
/// truncated bytes as a case must give a case error or a decision. (A first step towards fuzzing.)
@Suite("Robustness under mutated input")
struct RobustnessTests {
    static let sources: [SourceFile] = {
        let dir = shippedPolicyPath("quality-complaints")
        return try! PolicyLoader.sources(directory: dir)
    }()

    /// One random edit: delete, duplicate or replace a run of characters, or swap two lines.
    static func mutate(_ text: String, _ rng: inout SplitMix64) -> String {
        var chars = Array(text)
        guard chars.count > 2 else { return text }
        let at = Int(rng.next(below: UInt64(chars.count - 1)))
        let length = Int(rng.next(below: 12)) + 1
        let end = min(chars.count, at + length)
        switch rng.next(below: 4) {
        case 0: chars.removeSubrange(at..<end)
        case 1: chars.insert(contentsOf: chars[at..<end], at: at)
        case 2:
            let junk: [Character] = [":", "-", "[", "]", "{", "}", "\"", "'", " ", "\n", "#", "&", "*", "|", ">", "(", ")", "=", "<", "0", "9", "x", "中"]
            for i in at..<end { chars[i] = junk[Int(rng.next(below: UInt64(junk.count)))] }
        default:
            var lines = String(chars).components(separatedBy: "\n")
            if lines.count > 2 {
                let a = Int(rng.next(below: UInt64(lines.count))), b = Int(rng.next(below: UInt64(lines.count)))
                lines.swapAt(a, b)
            }
            return lines.joined(separator: "\n")
        }
        return String(chars)
    }

    @Test func mutatedPoliciesGiveDiagnosticsNotCrashes() {
        var rng = SplitMix64(seed: UInt64(ProcessInfo.processInfo.environment["VERDICT_MUTATION_SEED"] ?? "2026")!)
        var refused = 0
        let rounds = Int(ProcessInfo.processInfo.environment["VERDICT_MUTATIONS"] ?? "300")!
        for _ in 0..<rounds {
            var files = Self.sources
            let i = Int(rng.next(below: UInt64(files.count)))
            files[i] = SourceFile(path: files[i].path, text: Self.mutate(files[i].text, &rng))
            let result = PolicyLoader.check(sources: files)
            if result.policy == nil {
                refused += 1
                #expect(result.diagnostics.contains { $0.severity == .error }, "refused without an error")
                _ = DiagnosticRenderer(files: result.sources).text(result.diagnostics)
            }
        }
        #expect(refused > rounds / 3)  // most random edits break something, and are reported
    }

    @Test func hugeNumbersAreRefusedNotTrapped() throws {
        var c = QualityComplaintsTests.base()
        c["cost"] = .money(Money(minorUnits: .max, scale: 0))
        #expect(throws: CaseError.self) { try qualityComplaints.decide(c) }
        var generator = CaseGenerator(policy: qualityComplaints, seed: 1)
        let line = generator.nextJSON()
        for huge in ["9223372036854775807", "\"92233720368547758.08\"", "1e400", "-9223372036854775808"] {
            let bytes = Array(line.replacing(#/"cost":"[0-9.]+"/#, with: "\"cost\":\(huge)").utf8)
            #expect(bytes != Array(line.utf8))
            #expect(throws: CaseError.self) { try qualityComplaints.decide(json: bytes) }
        }
    }

    @Test func randomBytesAsCasesNeverCrash() {
        var rng = SplitMix64(seed: 7)
        var generator = CaseGenerator(policy: qualityComplaints, seed: 7)
        for _ in 0..<2000 {
            var bytes = Array(generator.nextJSON().utf8)
            switch rng.next(below: 3) {
            case 0: bytes = Array(bytes.prefix(Int(rng.next(below: UInt64(bytes.count)))))
            case 1:
                for _ in 0..<4 { bytes[Int(rng.next(below: UInt64(bytes.count)))] = UInt8(rng.next(below: 256)) }
            default: bytes = (0..<Int(rng.next(below: 64))).map { _ in UInt8(rng.next(below: 256)) }
            }
            do { _ = try qualityComplaints.decide(json: bytes, explain: rng.next(below: 2) == 0) } catch {
                #expect(!error.problems.isEmpty)
            }
        }
    }
}
