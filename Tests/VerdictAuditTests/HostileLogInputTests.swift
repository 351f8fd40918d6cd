import Foundation
import Testing
@testable import VerdictAudit

/// Hand-edited or hostile input to the audit commands is refused with an error that says where and
/// why, never a crash.
@Suite("hostile input to the audit commands is refused, never a crash")
struct HostileLogInputTests {
    /// `audit proof --seq N` with N past Int64.max trapped converting N to a SQLite integer
    /// (`SQLiteDecisionLog.record(seq:)`); such a number names no leaf.
    @Test func aSequenceNumberPastInt64MaxNamesNoLeaf() throws {
        let folder = try temporaryFolder("hostile-seq")
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = "sqlite:" + folder.appendingPathComponent("log.db").path
        let log = try DecisionLogs.open(location, create: true, readOnly: false)
        defer { log.close() }
        for seq in [UInt64(Int64.max) + 1, UInt64.max] {
            #expect(try log.record(seq: seq) == nil)
            var scanned = 0
            try log.scan(from: seq, until: nil) { scanned += $0.count; return true }
            #expect(scanned == 0)
            #expect(try log.node(level: storedNodeLevel, index: seq) == nil)
            let error = #expect(throws: AuditError.self) { try InclusionProof.make(log: log, seq: seq) }
            #expect(error?.message.contains("no decision record \(seq)") == true)
        }
    }
}
