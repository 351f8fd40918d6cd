import Foundation
import Testing
import Verdict
@testable import VerdictAudit

/// Completeness proofs for many cases from one build of the case index (``CompletenessProof/Prover``,
/// `verdict audit proof ID… --complete`): byte for byte the proofs made one case at a time, each
/// verifying, the index paths the same as the index's own.
@Suite("many completeness proofs from one index", .serialized)
struct ManyCompletenessProofsTests {
    @Test func proofsOfManyCasesAreThoseOfEachAlone() throws {
        // 40 cases, two of them decided twice, on a log whose index has a ragged right edge (40 entries: 32 + 8).
        let f = try ExactProofTests.fixture(.sqlite, count: 40)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        #expect(try f.decide([f.cases[0], f.cases[7], "{\"id\": \"refused\"}"]).status == 1)
        #expect(try f.checkpoint().status == 0)
        let ids = ExactProofTests.caseIDs(f) + ["NO-SUCH-CASE", ""]
        let key = try AuditKeys.publicKey(file: try String(contentsOfFile: f.pub, encoding: .utf8), path: f.pub)

        let log = try f.open()
        defer { log.close() }
        let many = try CompletenessProof.make(log: log, caseIDs: ids)
        #expect(many.count == ids.count)
        // One at a time, each through its own index built by the case index's own code.
        let index = try CaseIndex.of(log, size: try InclusionProof.latest(log).size)
        #expect(index.entries.count == 40)
        for (id, proof) in zip(ids, many) {
            let alone = try CompletenessProof.make(log: log, caseID: id)
            #expect(proof.json == alone.json, "\(id)")
            #expect(proof.caseID == id)
            let (p, found) = index.position(of: CaseIndex.key(caseID: id))
            #expect(proof.entryPath == (found ? index.path(p) : []), "\(id)")
            #expect(proof.before.map(\.path) == (p > 0 ? index.path(p - 1) : nil), "\(id)")
            let next = found ? p + 1 : p
            #expect(proof.after.map(\.path) == (next < index.entries.count ? index.path(next) : nil), "\(id)")
            let records = try proof.verify(key: key)
            #expect(records.map(\.caseID).allSatisfy { $0 == id })
            #expect(records.count == (id == ids[0] || id == ids[7] ? 2 : id.hasPrefix("K-") ? 1 : 0), "\(id)")
        }
        #expect(try CompletenessProof.make(log: log, caseIDs: []).isEmpty)

        // The command: several ids, one proof a line, each the file `proof ID --complete` writes.
        let some = [ids[0], ids[7], "NO-SUCH-CASE"]
        let lines = try f.audit(["proof"] + some + ["--complete", "--log", f.location])
        #expect(lines.status == 0, "\(lines.stderr)")
        let printed = lines.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(printed.count == 3)
        for (id, line) in zip(some, printed) {
            let one = try f.audit(["proof", id, "--complete", "--log", f.location])
            #expect(one.stdout == line + "\n", "\(id)")
            let file = f.folder.appendingPathComponent("p.json").path
            try (line + "\n").write(toFile: file, atomically: true, encoding: .utf8)
            let ok = try f.audit(["verify-proof", file, "--key", f.pub])
            #expect(ok.status == 0 && ok.stdout.contains("completeness proven: case \(id) has exactly "), "\(ok.stdout)\(ok.stderr)")
            if ChangeEventTests.pythonVerifier {
                let verifier = repositoryRoot.appendingPathComponent("verifier/verify.py").path
                let py = try runProcess("/usr/bin/env", ["python3", verifier, file, "--key", f.pub])
                #expect(py.status == 0 && py.stdout.hasPrefix("completeness proven: case '\(id)'"), "\(py.stdout)\(py.stderr)")
            }
        }
        // Inclusion proofs of several cases: one a line too; --seq takes no case id.
        let inclusion = try f.audit(["proof", ids[0], ids[1], "--log", f.location])
        #expect(inclusion.status == 0 && inclusion.stdout.split(separator: "\n").count == 2, "\(inclusion.stderr)")
        #expect(try f.audit(["proof", ids[0], ids[1], "--seq", "1", "--log", f.location]).status == 2)
    }
}
