import Crypto
import Foundation
import Testing
import Verdict
@testable import VerdictAudit

/// Issue 30: `audit verify` reads the SQLite log's cells in place (``SQLiteDecisionLog/RecordColumns``)
/// and makes each record's own checks on whichever of its two threads has room
/// (``LogVerifier/PrecheckPlace``). A cell of any type reads as the row reader reads it, and a damaged
/// record is refused with the same words wherever its checks ran.
@Suite("verify reads in place and shares the checks (issue 30)", .serialized)
struct VerifyReadingTests {
    static func fields(_ r: StoredRecord) -> String {
        "\(r.seq) \(r.caseID.debugDescription) \(r.digest.debugDescription) \(r.recordedAt) \(r.body.hexText) \(r.leaf.hexText)"
    }

    /// Every record as `scan` reads it and as `record(seq:)` (GRDB rows) reads it, from a log opened anew.
    static func bothReadings(_ location: String) throws -> (scanned: [String], rows: [String]) {
        let log = try DecisionLogs.open(location, create: false, readOnly: true)
        defer { log.close() }
        var scanned: [String] = []
        try log.scan(from: 0, until: nil) { chunk in scanned += chunk.map(Self.fields); return true }
        var rows: [String] = []
        for seq in 0..<UInt64(scanned.count + 1) {
            if let r = try log.record(seq: seq) { rows.append(Self.fields(r)) }
        }
        return (scanned, rows)
    }

    @Test func cellsOfEveryTypeReadAsTheRowReaderReadsThem() throws {
        var l = try CaseIndexScaleTests.Log(.sqlite)
        defer { l.close() }
        try l.decide((0..<14).map { "T-\($0)" })
        let intact = try Self.bothReadings(l.location)
        #expect(intact.scanned.count == 14)
        #expect(intact.scanned == intact.rows)
        // Cells edited by hand into other types and values than Verdict writes.
        try l.backend.execute(l.location, """
            UPDATE verdict_records SET digest = CAST(digest AS BLOB) WHERE seq = 1;
            UPDATE verdict_records SET body = CAST(body AS TEXT) WHERE seq = 2;
            UPDATE verdict_records SET case_id = 42 WHERE seq = 3;
            UPDATE verdict_records SET recorded_at = 1.5 WHERE seq = 4;
            UPDATE verdict_records SET recorded_at = 'soon' WHERE seq = 5;
            UPDATE verdict_records SET leaf = 'a leaf' WHERE seq = 6;
            UPDATE verdict_records SET body = X'' WHERE seq = 7;
            UPDATE verdict_records SET digest = CAST(X'6100620063' AS TEXT) WHERE seq = 8;
            UPDATE verdict_records SET body = X'01FF' WHERE seq = 9;
            UPDATE verdict_records SET case_id = CAST(X'41FF42' AS TEXT) WHERE seq = 10;
            UPDATE verdict_records SET body = CAST('{"seq":11}' AS BLOB) WHERE seq = 11;
            UPDATE verdict_records SET recorded_at = 2.0, digest = 7, leaf = X'' WHERE seq = 12;
            UPDATE verdict_records SET body = X'01' || X'0100' WHERE seq = 13;
            """)
        let edited = try Self.bothReadings(l.location)
        #expect(edited.scanned.count == 14)
        #expect(edited.scanned == edited.rows)
        // The edits changed what is read (the comparison is not of two empty readings).
        #expect(zip(intact.scanned, edited.scanned).filter { $0 != $1 }.count >= 12)
    }

    @Test func damagedRecordsAreRefusedWithTheSameWordsWhereverTheirChecksRun() throws {
        var l = try CaseIndexScaleTests.Log(.sqlite)
        defer { l.close() }
        // Three chunks of records as verify reads them (4096 each), cases with several records.
        for batch in 0..<9 { try l.decide((0..<1000).map { "D-\(($0 * 7 + batch * 13) % 2500)" }) }
        _ = try l.checkpoint()
        var reports: [String] = []
        for place in [LogVerifier.PrecheckPlace.reader, .checker, .adaptive] {
            let r = try LogVerifier.verify(l.log, key: l.publicKey, prechecks: place)
            #expect(r.records == 9000)
            reports.append("\(r.records) \(r.root.hexText) \(r.checkpoints)")
        }
        #expect(Set(reports).count == 1, "\(reports)")
        // One damage in each chunk: a body's byte, a case id column, a leaf hash; and a body moved.
        let moved = try #require(try l.log.record(seq: 6000))
        try l.backend.execute(l.location, """
            UPDATE verdict_records SET body = substr(body, 1, 60) || X'7A' || substr(body, 62) WHERE seq = 5;
            UPDATE verdict_records SET case_id = 'elsewhere' WHERE seq = 4100;
            UPDATE verdict_records SET leaf = X'\(String(repeating: "00", count: 32))' WHERE seq = 8200;
            \(l.backend.setBody(seq: 6001, moved.body));
            """)
        var messages: [String] = []
        for place in [LogVerifier.PrecheckPlace.reader, .checker, .adaptive] {
            do {
                _ = try LogVerifier.verify(l.log, key: l.publicKey, prechecks: place)
                Issue.record("a damaged log verified with its records' checks on the \(place) thread")
            } catch let e as AuditError {
                #expect(e.kind == .tampered)
                messages.append(e.message)
            }
        }
        #expect(messages.count == 3)
        #expect(Set(messages).count == 1, "\(messages)")
        let message = messages.first ?? ""
        #expect(message.contains("record 5 was altered"), "\(message)")
        #expect(message.contains("record 4100"), "\(message)")
        #expect(message.contains("record 6001 holds the content of record 6000"), "\(message)")
        #expect(message.contains("record 8200") || message.contains("records 8192...8207"), "\(message)")
    }

    /// A stored leaf hash of the wrong length (empty, short, long) is a damaged record, refused, never
    /// a crash: the tree is built over it as it is, and so is a tree node over two such hashes.
    @Test func aLeafOfTheWrongLengthIsRefused() throws {
        for leaf in ["X''", "X'0102'", "X'\(String(repeating: "ab", count: 33))'"] {
            var l = try CaseIndexScaleTests.Log(.sqlite)
            defer { l.close() }
            try l.decide((0..<8).map { "W-\($0)" })
            _ = try l.checkpoint()
            try l.backend.execute(l.location, "UPDATE verdict_records SET leaf = \(leaf) WHERE seq = 3;")
            for place in [LogVerifier.PrecheckPlace.reader, .checker] {
                do {
                    _ = try LogVerifier.verify(l.log, key: l.publicKey, prechecks: place)
                    Issue.record("a log with the leaf \(leaf) verified")
                } catch let e as AuditError {
                    #expect(e.kind == .tampered, "\(leaf): \(e.message)")
                    #expect(e.message.contains("record 3"), "\(leaf): \(e.message)")
                }
            }
        }
        let odd = Merkle.nodeHash([1, 2], [])
        #expect(odd == Array(SHA256.hash(data: [1, 1, 2])))
        #expect(Merkle.nodeHash(Array(repeating: 7, count: 32), Array(repeating: 9, count: 32)).count == 32)
    }
}
