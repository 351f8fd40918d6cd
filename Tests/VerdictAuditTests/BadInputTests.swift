import Foundation
import Testing
import Verdict
@testable import VerdictAudit

/// Bad input of every kind: a clear error, a non-zero exit, never a crash, never a silent pass.
@Suite("decision log bad input")
struct BadInputTests {
    static func expectError(_ r: Run, _ message: String, status: Int32? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(r.status != 0, "exit \(r.status): \(r.stdout)", sourceLocation: sourceLocation)
        if let status { #expect(r.status == status, "\(r.stderr)", sourceLocation: sourceLocation) }
        #expect(r.stderr.contains(message), "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.status < 128, "no crash", sourceLocation: sourceLocation)
    }

    @Test func notALogTruncatedEmptyMissingOrForeign() throws {
        let folder = try temporaryFolder("bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = folder.appendingPathComponent("notes.txt")
        try "just some text\n".write(to: text, atomically: true, encoding: .utf8)
        Self.expectError(try verdict(["audit", "verify", "--log", "sqlite:" + text.path]), "is not a Verdict decision log (not an SQLite database)", status: 2)
        let empty = folder.appendingPathComponent("empty.db")
        FileManager.default.createFile(atPath: empty.path, contents: Data())
        Self.expectError(try verdict(["audit", "verify", "--log", "sqlite:" + empty.path]), "empty or truncated", status: 2)
        Self.expectError(try verdict(["audit", "verify", "--log", "sqlite:" + folder.appendingPathComponent("none.db").path]), "no decision log at", status: 2)
        Self.expectError(try verdict(["audit", "verify", "--log", "sqlite:" + folder.path]), "is a folder", status: 2)
        Self.expectError(try verdict(["audit", "verify", "--log", "mysql://x"]), "unknown log location", status: 2)
        Self.expectError(try verdict(["audit", "verify", "--log", "postgres://"]), "is not a PostgreSQL URL", status: 2)
        let foreign = folder.appendingPathComponent("foreign.db")
        _ = try runProcess("/usr/bin/sqlite3", [foreign.path, "CREATE TABLE t (a); INSERT INTO t VALUES (1);"])
        Self.expectError(try verdict(["audit", "show", "X", "--log", "sqlite:" + foreign.path]), "is an SQLite database but not a Verdict decision log", status: 2)
        // decide --log refuses a foreign file rather than writing into it, and prints no decision.
        let d = try verdict(["decide", "--policies", shippedPolicyPath("quality-complaints"), "--case",
                             shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", "--log", "sqlite:" + text.path])
        Self.expectError(d, "is not a Verdict decision log", status: 3)
        #expect(d.stdout.isEmpty)

        // A real log, truncated and corrupted.
        let log = folder.appendingPathComponent("log.db")
        try write(try generatedCases(3000), to: folder.appendingPathComponent("c.jsonl"))
        let r = try verdict(["decide", "--policies", shippedPolicyPath("quality-complaints"), "--batch", folder.appendingPathComponent("c.jsonl").path,
                             "--log", "sqlite:" + log.path])
        #expect(r.status == 0)
        #expect(try verdict(["audit", "verify", "--log", "sqlite:" + log.path]).status == 0)
        let data = try Data(contentsOf: log)
        let truncated = folder.appendingPathComponent("truncated.db")
        try data.prefix(data.count / 2).write(to: truncated)
        let t = try verdict(["audit", "verify", "--log", "sqlite:" + truncated.path])
        #expect(t.status != 0 && t.status < 128 && t.stderr.contains("error:"), "\(t.stderr)")
        #expect(!t.stdout.contains("✓"))
        var corrupted = data
        for i in stride(from: 8192, to: min(corrupted.count, 8192 * 40), by: 97) { corrupted[i] ^= 0x5A }
        let c = folder.appendingPathComponent("corrupted.db")
        try corrupted.write(to: c)
        let cv = try verdict(["audit", "verify", "--log", "sqlite:" + c.path])
        #expect(cv.status != 0 && cv.status < 128 && cv.stderr.contains("error:"), "\(cv.stderr)")
        #expect(!cv.stdout.contains("✓"))
        let header = folder.appendingPathComponent("header.db")
        try data.prefix(10).write(to: header)
        Self.expectError(try verdict(["audit", "verify", "--log", "sqlite:" + header.path]), "not a Verdict decision log", status: 2)
    }

    @Test func wrongKeysBadProofsMissingCases() throws {
        let folder = try temporaryFolder("keys")
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = "sqlite:" + folder.appendingPathComponent("log.db").path
        let example = shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json"
        let d = try verdict(["decide", "--policies", shippedPolicyPath("quality-complaints"), "--case", example, "--log", log])
        #expect(d.status == 0 && d.stdout.contains("Q-2026-0042"))
        let key = folder.appendingPathComponent("k").path
        #expect(try verdict(["audit", "keygen", "--out", key]).status == 0)
        Self.expectError(try verdict(["audit", "keygen", "--out", key]), "refusing to overwrite")
        // No checkpoint yet: a proof cannot be made.
        Self.expectError(try verdict(["audit", "proof", "Q-2026-0042", "--log", log]), "has no checkpoint yet", status: 2)
        Self.expectError(try verdict(["audit", "checkpoint", "--log", log, "--key", key + ".pub"]), "is a public key")
        Self.expectError(try verdict(["audit", "checkpoint", "--log", log, "--key", example]), "is not a Verdict private key")
        Self.expectError(try verdict(["audit", "checkpoint", "--log", log, "--key", folder.appendingPathComponent("none").path]), "cannot read key file")
        #expect(try verdict(["audit", "checkpoint", "--log", log, "--key", key]).status == 0)
        Self.expectError(try verdict(["audit", "verify", "--log", log, "--key", example]), "is not a Verdict public key")
        Self.expectError(try verdict(["audit", "show", "nobody", "--log", log]), "no decision recorded for case `nobody`", status: 2)
        Self.expectError(try verdict(["audit", "proof", "nobody", "--log", log]), "no decision recorded for case `nobody`", status: 2)
        let proof = folder.appendingPathComponent("p.json")
        #expect(try verdict(["audit", "proof", "Q-2026-0042", "--log", log, "--out", proof.path]).status == 0)
        Self.expectError(try verdict(["audit", "verify-proof", example, "--key", key + ".pub"]), "is not a Verdict proof")
        let garbage = folder.appendingPathComponent("g.json")
        try "{\"format\": \"verdict-inclusion-proof-v1\", \"checkpoint\": {}}".write(to: garbage, atomically: true, encoding: .utf8)
        Self.expectError(try verdict(["audit", "verify-proof", garbage.path, "--key", key + ".pub"]), "checkpoint: `size` is missing")
        try "{{{".write(to: garbage, atomically: true, encoding: .utf8)
        Self.expectError(try verdict(["audit", "verify-proof", garbage.path, "--key", key + ".pub"]), "not JSON")
        Self.expectError(try verdict(["audit", "verify-proof", folder.appendingPathComponent("none").path, "--key", key + ".pub"]), "cannot read")
        let ok = try verdict(["audit", "verify-proof", proof.path, "--key", key + ".pub"])
        #expect(ok.status == 0)
        // A record newer than the latest checkpoint cannot be proven until the next one.
        #expect(try verdict(["decide", "--policies", shippedPolicyPath("quality-complaints"), "--case", example, "--log", log]).status == 0)
        Self.expectError(try verdict(["audit", "proof", "Q-2026-0042", "--log", log]), "newer than the latest checkpoint")
        let v = try verdict(["audit", "verify", "--log", log, "--key", key + ".pub"])
        #expect(v.status == 0 && v.stdout.contains("the last leaf of the log (a decision record or an event) is not covered by a checkpoint yet"), "\(v.stdout)")
    }

    @Test func aRecordThatNoLongerReproducesIsReportedLoudly() throws {
        // A record whose input and leaf were rewritten consistently (a forger who recomputed the hash)
        // is still caught by `show`: the recorded outputs no longer follow from the recorded input.
        let folder = try temporaryFolder("defect")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("log.db").path
        let example = shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json"
        #expect(try verdict(["decide", "--policies", shippedPolicyPath("quality-complaints"), "--case", example, "--log", "sqlite:" + path]).status == 0)
        let log = try SQLiteDecisionLog(path: path, create: false)
        let body = String(decoding: try #require(try log.record(seq: 0)).body, as: UTF8.self)
        log.close()
        let forged = body.replacingOccurrences(of: #""hospitalised":true"#, with: #""hospitalised":false"#)
        #expect(forged != body)
        let leaf = Merkle.leafHash(Array(forged.utf8)).hexText
        let hex = Array(forged.utf8).hexText
        _ = try runProcess("/usr/bin/sqlite3", [path, "UPDATE verdict_records SET body = X'\(hex)', leaf = X'\(leaf)' WHERE seq = 0; UPDATE verdict_state SET frontier = X'0000000000000001' || X'00' || X'\(leaf)' WHERE id = 1"])
        let s = try verdict(["audit", "show", "Q-2026-0042", "--log", "sqlite:" + path])
        #expect(s.status == 1)
        #expect(s.stdout.contains("✗ DEFECT: re-deciding record #0 did NOT reproduce the recorded decision"))
        #expect(s.stderr.contains("could not be reproduced"))
    }
}
