import Foundation
import Testing
import Verdict
@testable import VerdictAudit
import VerdictAuditPostgres

/// Issue 35, item 4: a witness cosigns each checkpoint that extends the last one it saw; `verify
/// --witness-key` requires its cosignature; a history rewritten and re-signed with the operator's own
/// key fails at the witness.
@Suite("witnesses", .serialized)
struct WitnessTests {
    @Test func aRewrittenHistoryFailsAtTheWitnessOnSQLite() throws { try aRewrittenHistoryFailsAtTheWitness(.sqlite) }
    @Test(.needsPostgreSQL) func aRewrittenHistoryFailsAtTheWitnessOnPostgreSQL() throws { try aRewrittenHistoryFailsAtTheWitness(.postgres) }
    func aRewrittenHistoryFailsAtTheWitness(_ backend: Backend) throws {
        let f = try ExactProofTests.fixture(backend, count: 3)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let witness = f.folder.appendingPathComponent("witness.key").path
        let state = f.folder.appendingPathComponent("witness.state").path
        #expect(try verdict(["audit", "keygen", "--out", witness]).status == 0)
        #expect(try f.checkpoint().status == 0)
        let noCosignature = try f.audit(["verify", "--log", f.location, "--key", f.pub, "--witness-key", witness + ".pub"])
        #expect(noCosignature.status == 1 && noCosignature.stderr.contains("has no valid cosignature by witness key"))
        let first = try f.audit(["witness", "--log", f.location, "--key", witness, "--state", state, "--operator-key", f.pub])
        #expect(first.status == 0 && first.stdout.contains("cosigned the checkpoint of 5 records") && first.stdout.contains("first run"), "\(first.stderr)")
        // A batch's leaves are its version's activation, its records and its retirement: 5, then 8.
        #expect(try f.decide([f.cases[1]]).status == 0)
        #expect(try f.checkpoint().status == 0)
        let second = try f.audit(["witness", "--log", f.location, "--key", witness, "--state", state])
        #expect(second.status == 0 && second.stdout.contains("consistent with the checkpoint last seen (5 records"), "\(second.stderr)")
        let verified = try f.audit(["verify", "--log", f.location, "--key", f.pub, "--witness-key", witness + ".pub"])
        #expect(verified.status == 0 && verified.stdout.contains("the latest checkpoint (8 records) is cosigned by witness key"), "\(verified.stderr)")
        // The operator's key signs a checkpoint the witness has not seen: verify with the witness key refuses it.
        #expect(try f.decide([f.cases[2]]).status == 0)
        #expect(try f.checkpoint().status == 0)
        #expect(try f.audit(["verify", "--log", f.location, "--witness-key", witness + ".pub"]).status == 1)

        // The history rewritten: a new log under the same identity, its first decision altered, as
        // long as the old one and longer, re-signed with the operator's key. It verifies on its own …
        let logID = try { let l = try f.open(); defer { l.close() }; return l.logID }()
        let rewrittenFolder = try temporaryFolder("rewritten")
        defer { try? FileManager.default.removeItem(at: rewrittenFolder) }
        var forged = f
        forged.location = try backend.freshLocation(in: rewrittenFolder)
        let altered = f.cases[0].replacingOccurrences(of: #""cost": "1200.00""#, with: #""cost": "900.00""#)
        #expect(altered != f.cases[0])
        #expect(try forged.decide([altered] + Array(f.cases.dropFirst()) + [f.cases[1], f.cases[2], f.cases[0]]).status == 0)
        try forged.sql("UPDATE verdict_meta SET value = '\(logID)' WHERE key = 'log_id'")
        #expect(try forged.checkpoint().status == 0)
        #expect(try forged.verify().status == 0)
        // … but the witness, which kept the root of 8 records, refuses it, and so does verify --witness-key.
        let refused = try forged.audit(["witness", "--log", forged.location, "--key", witness, "--state", state])
        #expect(refused.status == 1 && refused.stderr.contains("is not consistent with the checkpoint the witness saw (8 records"), "\(refused.stdout)\(refused.stderr)")
        let stateText = try String(contentsOfFile: state, encoding: .utf8)
        #expect(stateText.contains(#""size":8"#), "a refused checkpoint leaves the state as it was")
        #expect(try forged.audit(["verify", "--log", forged.location, "--key", f.pub, "--witness-key", witness + ".pub"]).status == 1)

        // The cosignature signs the checkpoint's exact bytes under its own first line.
        let log = try f.open()
        defer { log.close() }
        let cosignatures = try log.cosignatures()
        #expect(cosignatures.count == 2)
        #expect(String(decoding: Cosignature.message(cosignatures[0].checkpoint), as: UTF8.self).hasPrefix("verdict decision log cosignature v1\nverdict decision log checkpoint v2\n"))
    }
}
