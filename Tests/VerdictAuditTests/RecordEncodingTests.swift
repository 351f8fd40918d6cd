import Crypto
import Foundation
import Testing
import Verdict
@testable import VerdictAudit
import VerdictAuditPostgres

/// Schema 2's stored form of records (``RecordEncoding``): canonical bytes back byte for byte, the leaf
/// hash over them, logs of schema 1 still read, written and verified, and a stored body edited by hand
/// reported by verify (never a crash); and the log writer's bound on what waits for a slow log.
@Suite("record encoding and back-pressure", .serialized)
struct RecordEncodingTests {
    static let policy = Result { try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints")) }
    static let now = "2026-03-05T10:00:00+08:00"

    /// Record bytes as a log writes them, for generated cases.
    static func records(_ count: Int) throws -> [[UInt8]] {
        let policy = try policy.get()
        return try generatedCases(count).enumerated().map { k, c in
            let d = try policy.decide(json: Array(c.utf8))
            var json: [UInt8] = []
            d.appendJSON(to: &json)
            let r = try PendingRecord(caseID: d.caseID, policy: d.policy, now: d.now, input: Array(c.utf8), decisionJSON: json,
                                      hasExplanation: false, unrecorded: [], recordedAt: Timestamp(millisecondsSinceEpoch: 1_780_000_000_000 + Int64(k)))
            return r.bytes(seq: UInt64(k))
        }
    }

    @Test func encodedRecordsDecodeToTheirCanonicalBytes() throws {
        var names = RecordEncoding.Names()
        var added: [(id: Int, name: [UInt8])] = []
        var raw = 0, stored = 0
        for body in try Self.records(400) {
            let e = RecordEncoding.encode(body, names: &names, added: &added)
            #expect(e.first == RecordEncoding.marker)
            #expect(RecordEncoding.decode(e, names: names) == body)
            raw += body.count
            stored += e.count
        }
        #expect(stored * 2 < raw, "encoded \(stored) bytes of \(raw)")
        #expect(added.count == names.count && names.count < 200, "\(names.count) names")
        // A reader that loads the table as stored decodes the same.
        var loaded = RecordEncoding.Names()
        var loadedAll = true
        for a in added where !loaded.load(id: a.id, name: a.name) { loadedAll = false }
        #expect(loadedAll)
        let one = try Self.records(3)[2]
        let encoded = RecordEncoding.encode(one, names: &names, added: &added)
        #expect(RecordEncoding.decode(encoded, names: loaded) == one)
    }

    @Test func unusualTextRoundTrips() throws {
        let texts = [
            #"{"a":"x\"y:","b\"c":"2026-01-01T00:00:00Z","c":["2026-01-01T00:00:00.123+08:00","2026-13-99T99:99:99-23:59"],"d":"2026-01-01T00:00:00","e":"2026-01-01T00:00:00.12Z"}"#,
            #"{"é":"日本","k":"\\","":"","n":[1,2.50,-0,true,false,null],"sha":"sha256:81f915d935d1f607ade043fbb20af180b66c95af98bfc36db5a33e1267baabcf"}"#,
            #"{"seq":1,"x":{"y":{"z":"word_with-dash"}},"t":"2026-01-01T00:00:00+0800"}"#,
        ]
        var names = RecordEncoding.Names()
        var added: [(id: Int, name: [UInt8])] = []
        for t in texts {
            let body = Array(t.utf8)
            let e = RecordEncoding.encode(body, names: &names, added: &added)
            #expect(RecordEncoding.decode(e, names: names) == body, "\(t)")
        }
        // A raw control byte (never in canonical JSON) is stored as it is.
        let odd: [UInt8] = Array(#"{"a":""#.utf8) + [1] + Array(#""}"#.utf8)
        let stored = RecordEncoding.encode(odd, names: &names, added: &added)
        #expect(stored == odd)
        // Stored text (schema 1, or edited in by hand) reads as it is.
        #expect(RecordEncoding.decode(Array(texts[0].utf8), names: names) == Array(texts[0].utf8))
    }

    @Test func damagedEncodingsAreRefusedNotTrapped() throws {
        var names = RecordEncoding.Names()
        var added: [(id: Int, name: [UInt8])] = []
        let body = try Self.records(1)[0]
        let e = RecordEncoding.encode(body, names: &names, added: &added)
        #expect(RecordEncoding.decode([1, 1], names: names) == nil)            // a name token cut short
        #expect(RecordEncoding.decode([1, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], names: names) == nil)
        #expect(RecordEncoding.decode([1, 2, 0x7F], names: names) == nil)       // an id the table does not hold
        #expect(RecordEncoding.decode([1, 3, 7], names: names) == nil)          // bad timestamp flags
        #expect(RecordEncoding.decode([1, 3, 0, 0xAA], names: names) == nil)    // cut short
        #expect(RecordEncoding.decode([1, 0x1F], names: names) == nil)          // not a token
        // Every prefix and every one-byte change decodes to something or nil, never traps.
        for n in 0..<min(e.count, 300) { _ = RecordEncoding.decode(Array(e[..<n]), names: names) }
        for k in stride(from: 1, to: e.count, by: 7) {
            var d = e
            d[k] ^= 0x5A
            _ = RecordEncoding.decode(d, names: names)
        }
    }

    // MARK: Logs

    struct Fixture {
        var folder: URL
        var backend: Backend
        var location: String
        var key: String { folder.appendingPathComponent("op.key").path }
        func sql(_ s: String) throws { try backend.execute(location, s) }
        func decide(_ cases: [String]) throws -> Run {
            let file = folder.appendingPathComponent("batch-\(UUID().uuidString.prefix(6)).jsonl")
            try write(cases, to: file)
            return try verdict(["decide", "--policies", shippedPolicyPath("quality-complaints"), "--batch", file.path, "--log", location, "--now", RecordEncodingTests.now])
        }
        func verify() throws -> Run { try verdict(["audit", "verify", "--log", location, "--key", key + ".pub"]) }
        func open() throws -> any DecisionLog {
            PostgresDecisionLog.registerScheme()
            return try DecisionLogs.open(location, create: false, readOnly: true)
        }
    }

    static func fixture(_ backend: Backend, cases: [String]) throws -> Fixture {
        let folder = try temporaryFolder("encoding")
        let f = Fixture(folder: folder, backend: backend, location: try backend.freshLocation(in: folder))
        #expect(try verdict(["audit", "keygen", "--out", f.key]).status == 0)
        let r = try f.decide(cases)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try verdict(["audit", "checkpoint", "--log", f.location, "--key", f.key]).status == 0)
        return f
    }

    @Test func aNewLogStoresRecordsEncodedAndReadsThemCanonicalOnSQLite() throws { try aNewLogStoresRecordsEncodedAndReadsThemCanonical(.sqlite) }
    @Test(.needsPostgreSQL) func aNewLogStoresRecordsEncodedAndReadsThemCanonicalOnPostgreSQL() throws { try aNewLogStoresRecordsEncodedAndReadsThemCanonical(.postgres) }
    func aNewLogStoresRecordsEncodedAndReadsThemCanonical(_ backend: Backend) throws {
        let cases = try generatedCases(120)
        let f = try Self.fixture(backend, cases: cases)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let log = try f.open()
        defer { log.close() }
        var n = 0
        try log.scan(from: 0, until: nil) { chunk in
            for r in chunk {
                n += 1
                #expect(r.body.starts(with: Array(#"{"seq":"#.utf8)))
                #expect(Merkle.leafHash(r.body) == r.leaf, "record \(r.seq)")
                let view = try r.parsed()
                #expect(view.input == (try CanonicalJSON.canonical(Array(cases[Int(r.seq) - 1].utf8))))
            }
            return true
        }
        #expect(n == 120)
        let v = try f.verify()
        #expect(v.status == 0, "\(v.stderr)")
        if backend == .sqlite {
            let path = String(f.location.dropFirst("sqlite:".count))
            let stored = try runProcess("/usr/bin/sqlite3", [path, "SELECT hex(substr(body, 1, 1)), (SELECT value FROM verdict_meta WHERE key = 'schema'), (SELECT count(*) FROM verdict_names) FROM verdict_records WHERE seq = 1"])
            #expect(stored.stdout.hasPrefix("01|2|"), "\(stored.stdout)")
        }
    }

    /// A log of schema 1 (records stored as their canonical bytes, no name table) reads, verifies and
    /// takes more records, written as schema 1 writes them.
    @Test func aLogOfSchema1IsReadWrittenAndVerifiedOnSQLite() throws { try aLogOfSchema1IsReadWrittenAndVerified(.sqlite) }
    @Test(.needsPostgreSQL) func aLogOfSchema1IsReadWrittenAndVerifiedOnPostgreSQL() throws { try aLogOfSchema1IsReadWrittenAndVerified(.postgres) }
    func aLogOfSchema1IsReadWrittenAndVerified(_ backend: Backend) throws {
        let cases = try generatedCases(90)
        let f = try Self.fixture(backend, cases: Array(cases.prefix(60)))
        defer { try? FileManager.default.removeItem(at: f.folder) }
        // Turned into a log as schema 1 made it: every body as its canonical bytes, no name table.
        var edits: [String] = []
        do {
            let log = try f.open()
            defer { log.close() }
            try log.scan(from: 0, until: nil) { chunk in
                for r in chunk { edits.append(backend.setBody(seq: Int(r.seq), r.body)) }
                return true
            }
        }
        edits += ["UPDATE verdict_meta SET value = '1' WHERE key = 'schema'", "DROP TABLE verdict_names"]
        for k in stride(from: 0, to: edits.count, by: 8) { try f.sql(edits[k..<min(k + 8, edits.count)].joined(separator: "; ")) }
        let v = try f.verify()
        #expect(v.status == 0, "\(v.stderr)")
        #expect(try f.decide(Array(cases.suffix(30))).status == 0)
        #expect(try verdict(["audit", "checkpoint", "--log", f.location, "--key", f.key]).status == 0)
        let again = try f.verify()
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("90 records"), "\(again.stdout)")
        let log = try f.open()
        defer { log.close() }
        let last = try #require(try log.record(seq: 92))
        #expect(last.body.starts(with: Array(#"{"seq":92,"#.utf8)))
        if backend == .sqlite {
            let path = String(f.location.dropFirst("sqlite:".count))
            let stored = try runProcess("/usr/bin/sqlite3", [path, "SELECT substr(CAST(body AS TEXT), 1, 9) FROM verdict_records WHERE seq = 92"])
            #expect(stored.stdout.hasPrefix(#"{"seq":92"#), "written as schema 1 writes: \(stored.stdout)")
        }
    }

    /// Stored bodies and the name table edited by hand: verify names the records, and exits 1.
    @Test func editedEncodedBodiesAreReportedByVerifyOnSQLite() throws { try editedEncodedBodiesAreReportedByVerify(.sqlite) }
    @Test(.needsPostgreSQL) func editedEncodedBodiesAreReportedByVerifyOnPostgreSQL() throws { try editedEncodedBodiesAreReportedByVerify(.postgres) }
    func editedEncodedBodiesAreReportedByVerify(_ backend: Backend) throws {
        let cases = try generatedCases(40)
        let edits: [(String, String)] = backend == .sqlite ? [
            ("UPDATE verdict_records SET body = substr(body, 1, 30) WHERE seq = 3", "record 3 was altered"),
            ("UPDATE verdict_records SET body = X'01017F7F7F7F7F' WHERE seq = 4", "record 4"),
            ("UPDATE verdict_records SET body = X'01' || X'1F' || substr(body, 2) WHERE seq = 5", "record 5"),
            ("UPDATE verdict_names SET name = CAST('tear' AS BLOB) WHERE name = CAST('tier' AS BLOB)", "was altered"),
            ("DELETE FROM verdict_names WHERE id > 3", "was altered"),
        ] : [
            ("UPDATE verdict_records SET body = substring(body from 1 for 30) WHERE seq = 3", "record 3 was altered"),
            ("UPDATE verdict_records SET body = '\\x01017F7F7F7F7F'::bytea WHERE seq = 4", "record 4"),
            ("UPDATE verdict_records SET body = '\\x011F'::bytea || substring(body from 2) WHERE seq = 5", "record 5"),
            ("UPDATE verdict_names SET name = convert_to('tear', 'UTF8') WHERE name = convert_to('tier', 'UTF8')", "was altered"),
            ("DELETE FROM verdict_names WHERE id > 3", "was altered"),
        ]
        for (sql, message) in edits {
            let f = try Self.fixture(backend, cases: cases)
            defer { try? FileManager.default.removeItem(at: f.folder) }
            try f.sql(sql)
            let v = try f.verify()
            #expect(v.status == 1, "\(sql): \(v.stdout)")
            #expect(v.stderr.contains(message), "\(sql): \(v.stderr)")
        }
    }

    // MARK: Back-pressure

    @Test func aSlowLogHoldsBackTheCallersNotTheirMemory() throws {
        let folder = try temporaryFolder("slow")
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = SlowLog(try DecisionLogs.open("sqlite:" + folder.appendingPathComponent("log.db").path, create: true))
        let bound = 64 << 10
        let writer = DecisionLogWriter(log: log, maxBatchBytes: 16 << 10, capacityBytes: bound)
        let policy = try Self.policy.get()
        try writer.register(policy, folder: shippedPolicyPath("quality-complaints"))
        let cases = try generatedCases(1500)
        var decided = 0
        for c in cases {
            let d = try policy.decide(json: Array(c.utf8))
            writer.submit(decision: d, input: Array(c.utf8))
            decided += 1
        }
        try writer.flush()
        let peak = writer.peakWaiting
        #expect(peak.bytes <= bound, "\(peak.bytes) bytes waited, over the bound of \(bound)")
        #expect(peak.items > 10 && peak.items < 200, "\(peak.items) decisions waited at most")
        #expect(log.largestBatch <= 16, "a batch of \(log.largestBatch) records, over 16 KiB")
        #expect(log.appends > 50, "the log was written \(log.appends) times")
        #expect(try log.treeState().size == UInt64(decided))
        try writer.close()
    }
}

/// A log whose appends take a while (a slow disk) and that remembers the largest batch it was given.
final class SlowLog: DecisionLog, @unchecked Sendable {
    let base: any DecisionLog
    private let lock = NSLock()
    private var _largest = 0, _appends = 0
    var largestBatch: Int { lock.lock(); defer { lock.unlock() }; return _largest }
    var appends: Int { lock.lock(); defer { lock.unlock() }; return _appends }
    init(_ base: any DecisionLog) { self.base = base }

    var location: String { base.location }
    var logID: String { base.logID }
    func append(_ records: [PendingRecord], policies: [ArchivedPolicy]) throws -> Range<UInt64> {
        lock.lock(); _largest = max(_largest, records.count); _appends += 1; lock.unlock()
        Thread.sleep(forTimeInterval: 0.002)
        return try base.append(records, policies: policies)
    }
    func checkpoint(key: Curve25519.Signing.PrivateKey, time: Timestamp) throws -> Checkpoint { try base.checkpoint(key: key, time: time) }
    func probeWrite() throws { try base.probeWrite() }
    func readSnapshot<T>(_ body: () throws -> T) throws -> T { try base.readSnapshot(body) }
    func treeState() throws -> MerkleFrontier { try base.treeState() }
    func scan(from seq: UInt64, until end: UInt64?, _ body: ([StoredRecord]) throws -> Bool) throws { try base.scan(from: seq, until: end, body) }
    func records(caseID: String) throws -> [StoredRecord] { try base.records(caseID: caseID) }
    func record(seq: UInt64) throws -> StoredRecord? { try base.record(seq: seq) }
    func leafHashes(_ range: Range<UInt64>) throws -> [(seq: UInt64, hash: Hash)] { try base.leafHashes(range) }
    func node(level: UInt8, index: UInt64) throws -> Hash? { try base.node(level: level, index: index) }
    func nodes() throws -> [(level: UInt8, index: UInt64, hash: Hash)] { try base.nodes() }
    func checkpoints() throws -> [Checkpoint] { try base.checkpoints() }
    func policy(digest: String) throws -> ArchivedPolicy? { try base.policy(digest: digest) }
    func close() { base.close() }
}
