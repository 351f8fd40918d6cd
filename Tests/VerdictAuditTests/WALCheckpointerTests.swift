import Foundation
import GRDB
import Testing
@testable import VerdictAudit

/// The WAL is copied into the database by the checkpointer's own thread, never by a commit (issue 30).
@Suite struct WALCheckpointerTests {
    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
    }

    @Test func commitsDoNotCheckpointTheCheckpointerDoes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.db").path
        var config = Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        let writer = try DatabaseQueue(path: path, configuration: config)
        defer { try? writer.close() }
        try writer.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
        try writer.write { db in try db.execute(sql: "CREATE TABLE t (b BLOB)") }
        let blob = Data(repeating: 7, count: 64 << 10)
        for _ in 0..<40 { try writer.write { db in try db.execute(sql: "INSERT INTO t VALUES (?)", arguments: [blob]) } }
        // Commits alone leave every page in the WAL: the database file holds the schema only.
        let before = Self.size(path)
        #expect(Self.size(path + "-wal") > 2 << 20)
        #expect(before < 64 << 10)

        let checkpointer = try WALCheckpointer(path: path, threshold: 1 << 20, interval: .milliseconds(20))
        for _ in 0..<3000 where Self.size(path) < 2 << 20 { usleep(10_000) }
        checkpointer.close()
        checkpointer.close()  // a second close does nothing
        #expect(Self.size(path) > 2 << 20, "the pages were copied into the database file")
        // Every row is still there, read from the database.
        #expect(try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") } == 40)
    }
}
