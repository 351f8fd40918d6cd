import Foundation
import Testing
@testable import VerdictAudit

/// Hand-edited or hostile input to the audit commands is refused with an error that says where and
/// why, never a crash.
@Suite("hostile input to the audit commands is refused, never a crash")
struct HostileLogInputTests {
    /// `audit proof --seq N` with N past Int64.max trapped converting N to a SQLite integer
    /// (`SQLiteDecisionLog.record(seq:)`); PostgreSQL clamped it to the row at Int64.max. Such a number
    /// names no leaf.
    @Test func aSequenceNumberPastInt64MaxNamesNoLeaf() throws { try sequencePastInt64Max(.sqlite) }

    @Test(.needsPostgreSQL) func aSequenceNumberPastInt64MaxNamesNoLeafOnPostgreSQL() throws { try sequencePastInt64Max(.postgres) }

    func sequencePastInt64Max(_ backend: Backend) throws {
        var l = try CaseIndexScaleTests.Log(backend)
        defer { l.close() }
        try l.decide(["P-1", "P-2"])
        // A hand-inserted row at the largest sequence number a column holds: the number one past it
        // must not name it.
        try l.backend.execute(l.location, """
            INSERT INTO verdict_records (seq, recorded_at, case_id, digest, body, leaf)
            SELECT 9223372036854775807, recorded_at, case_id, digest, body, leaf FROM verdict_records WHERE seq = 1;
            """)
        let log = l.log
        #expect(try log.record(seq: UInt64(Int64.max)) != nil)
        for seq in [UInt64(Int64.max) + 1, UInt64.max] {
            #expect(try log.record(seq: seq) == nil)
            var scanned = 0
            try log.scan(from: seq, until: nil) { scanned += $0.count; return true }
            #expect(scanned == 0)
            #expect(try log.node(level: storedNodeLevel, index: seq) == nil)
            let error = #expect(throws: AuditError.self) { try InclusionProof.make(log: log, seq: seq) }
            #expect(error?.message.contains("no decision record \(seq)") == true)
        }
        #expect(try log.record(seq: 1) != nil)  // the log answers for the records it holds
    }
}
