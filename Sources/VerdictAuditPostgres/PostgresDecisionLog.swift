@preconcurrency import Crypto
import Foundation


import PostgresNIO
import Verdict
import VerdictAudit

/// The shared decision log for several service instances: PostgreSQL through postgres-nio.
///
/// The same tables as the SQLite log (prefixed `verdict_`). Writers serialise on the row lock of
/// `verdict_state` (`SELECT … FOR UPDATE` inside the batch's transaction): a second writer waits
/// there, then reads the size the first one left, so sequence numbers never collide and the tree
/// is the tree of all committed records. Commit waits for the server's WAL flush (`synchronous_commit`
/// as the server has it, `on` by default).
///
/// The calls are synchronous (they block the calling thread on the connection's event loop), like
/// the SQLite backend; one connection per log, its calls serialised.
public final class PostgresDecisionLog: DecisionLog, @unchecked Sendable {
    public let location: String
    public private(set) var logID: String = ""
    /// Replaced when the server closed it (a restart, a dropped network): see ``locked(_:)``.
    private var connection: PostgresConnection
    private let configuration: PostgresConnection.Configuration
    private let logger = Logger(label: "verdict-log-postgres")
    /// Recursive: a read inside ``readSnapshot(_:)`` takes it again on the same thread.
    private let lock = NSRecursiveLock()
    /// A `REPEATABLE READ` transaction is open on the connection (only read under `lock`).
    private var inSnapshot = false
    /// The log's schema (``LogSchema``): whether its records are stored encoded.
    public private(set) var schema = LogSchema.version
    /// The name table as far as this log has read it (``RecordEncoding``; under `lock`).
    private var names = RecordEncoding.Names()

    /// Lets `DecisionLogs.open` open `postgres://` and `postgresql://` locations.
    public static func registerScheme() {
        DecisionLogs.register(scheme: "postgres") { location, create in try PostgresDecisionLog(url: location, create: create) }
    }

    /// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (TLS is not used: keep the server on a trusted network).
    public init(url: String, create: Bool) throws {
        guard let u = URLComponents(string: url), u.scheme == "postgres" || u.scheme == "postgresql", let host = u.host, !host.isEmpty else {
            throw AuditError(.usage, "`\(url)` is not a PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE)")
        }
        let database = String(u.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw AuditError(.usage, "`\(url)` names no database (postgres://USER@HOST:PORT/DATABASE)") }
        var shown = u
        shown.password = nil
        location = shown.string ?? url
        let config = PostgresConnection.Configuration(host: host, port: u.port ?? 5432, username: u.user ?? "postgres",
                                                      password: u.password, database: database, tls: .disable)
        configuration = config
        connection = try Self.connect(config, location: location, logger: logger)
        do {
            logID = try setUp(create: create)
        } catch {
            close()
            throw error
        }
    }

    // The calls block the calling thread on the connection's event loop (never the Swift concurrency
    // pool, whose few threads a blocking wait could exhaust); callers are the log writer's thread and
    // command-line tools.

    static func describe(_ error: Error) -> String {
        if let e = error as? PSQLError {
            if let m = e.serverInfo?[.message] { return m }
            return "\(e.code)"
        }
        return "\(error)"
    }

    private func wrap(_ error: Error) -> Error {
        if error is AuditError { return error }
        return AuditError(.storage, "\(location): \(Self.describe(error))", shown: "the decision log's database refused the write or cannot be reached")
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    private func q(_ query: PostgresQuery) throws -> [PostgresRow] {
        do { return try connection.query(query, logger: logger).wait().rows } catch { throw wrap(error) }
    }

    private static func connect(_ config: PostgresConnection.Configuration, location: String, logger: Logger) throws -> PostgresConnection {
        do {
            return try PostgresConnection.connect(on: PostgresConnection.defaultEventLoopGroup.any(), configuration: config,
                                                  id: 1, logger: logger).wait()
        } catch {
            throw AuditError(.storage, "cannot connect to \(location): \(describe(error))",
                             shown: "the decision log's database cannot be reached")
        }
    }

    /// Runs `body` holding this log's connection (calls on one log are serialised). A connection the
    /// server closed is opened again first, so that a writer recovers once the database is back (the
    /// call that found it closed has failed; the next one reconnects).
    private func locked<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        if connection.isClosed && !inSnapshot {
            connection = try Self.connect(configuration, location: location, logger: logger)
        }
        return try body()
    }

    /// Runs `body` in a transaction holding the write lock (the state row), committing when it returns.
    private func transaction<T>(_ body: (MerkleFrontier) throws -> T) throws -> T {
        try locked {
            try q("BEGIN")
            do {
                pendingNames = nil
                let r = try body(try frontier(forUpdate: true))
                try q("COMMIT")
                if let table = pendingNames, table.count > names.count { names = table }
                pendingNames = nil
                return r
            } catch {
                _ = try? q("ROLLBACK")
                throw error
            }
        }
    }

    private func setUp(create: Bool) throws -> String {
        try locked {
            // Creating the schema twice at once is serialised by an advisory lock.
            try q("SELECT pg_advisory_lock(7310021)")
            defer { _ = try? q("SELECT pg_advisory_unlock(7310021)") }
            var exists = false
            for row in try q("SELECT count(*)::bigint FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'verdict_meta'") {
                exists = try row.decode(Int64.self) > 0
            }
            if !exists {
                guard create else {
                    throw AuditError(.notALog, "\(location) holds no Verdict decision log (no `verdict_meta` table); one is created by `verdict decide --log \(location)`")
                }
                try q("BEGIN")
                do {
                    for sql in [
                        "CREATE TABLE verdict_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                        "CREATE TABLE verdict_names (id BIGINT PRIMARY KEY, name BYTEA NOT NULL)",
                        "CREATE TABLE verdict_state (id INTEGER PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL, frontier BYTEA NOT NULL)",
                        "CREATE TABLE verdict_records (seq BIGINT PRIMARY KEY, recorded_at BIGINT NOT NULL, case_id TEXT NOT NULL, digest TEXT NOT NULL, body BYTEA NOT NULL, leaf BYTEA NOT NULL)",
                        "CREATE INDEX verdict_records_case ON verdict_records (case_id)",
                        "CREATE TABLE verdict_nodes (level INTEGER NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL, PRIMARY KEY (level, idx))",
                        "CREATE TABLE verdict_checkpoints (id BIGSERIAL PRIMARY KEY, log_id TEXT NOT NULL, size BIGINT NOT NULL, root BYTEA NOT NULL, time TEXT NOT NULL, key BYTEA NOT NULL, signature BYTEA NOT NULL, index_root BYTEA)",
                        "CREATE TABLE verdict_policies (digest TEXT PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL, folder TEXT NOT NULL, files TEXT NOT NULL)",
                    ] {
                        try q(PostgresQuery(unsafeSQL: sql))
                    }
                    let id = UUID().uuidString.lowercased()
                    let created = Timestamp(Date()).rfc3339(in: .utc)
                    let format = LogSchema.format, schema = LogSchema.version
                    try q("INSERT INTO verdict_meta (key, value) VALUES ('format', \(format)), ('schema', \(schema)), ('log_id', \(id)), ('created_at', \(created))")
                    let empty = ByteBuffer(bytes: MerkleFrontier().bytes)
                    try q("INSERT INTO verdict_state (id, size, frontier) VALUES (1, 0, \(empty))")
                    try q("COMMIT")
                } catch {
                    _ = try? q("ROLLBACK")
                    throw error
                }
            }
            var meta: [String: String] = [:]
            for row in try q("SELECT key, value FROM verdict_meta") {
                let (k, v) = try row.decode((String, String).self)
                meta[k] = v
            }
            guard meta["format"] == LogSchema.format else { throw AuditError(.notALog, "\(location) is not a Verdict decision log (its `verdict_meta` does not say so)") }
            guard let schema = meta["schema"], LogSchema.readable.contains(schema) else {
                throw AuditError(.notALog, "\(location) is a Verdict decision log of schema \(meta["schema"] ?? "?"); this Verdict reads schemas \(LogSchema.readable.sorted().joined(separator: " and "))")
            }
            guard let id = meta["log_id"] else { throw AuditError(.tampered, "\(location): the log's identity is missing from `verdict_meta`") }
            self.schema = schema
            if LogSchema.encodes(schema) {
                var found = false
                for row in try q("SELECT count(*)::bigint FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'verdict_names'") {
                    found = try row.decode(Int64.self) > 0
                }
                if !found { throw AuditError(.tampered, "\(location): its name table (`verdict_names`) is missing, so its records cannot be read") }
            }
            // A log made before the case index: its checkpoints gain the column (null in the old ones).
            // Only then: `ALTER TABLE` takes the table's exclusive lock even when the column is there,
            // so opening the log (an instance starting beside others) would wait for every reader's
            // snapshot that has read the table — a whole `audit verify` — and hold the lock above meanwhile.
            var hasIndexRoot = false
            for row in try q("SELECT count(*)::bigint FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'verdict_checkpoints' AND column_name = 'index_root'") {
                hasIndexRoot = try row.decode(Int64.self) > 0
            }
            if !hasIndexRoot { try q("ALTER TABLE verdict_checkpoints ADD COLUMN IF NOT EXISTS index_root BYTEA") }
            // … and a table for its version events.
            try q("CREATE TABLE IF NOT EXISTS verdict_events (seq BIGINT PRIMARY KEY, recorded_at BIGINT NOT NULL, body BYTEA NOT NULL, leaf BYTEA NOT NULL)")
            try q("CREATE TABLE IF NOT EXISTS verdict_cosignatures (id BIGSERIAL PRIMARY KEY, log_id TEXT NOT NULL, size BIGINT NOT NULL, root BYTEA NOT NULL, index_root BYTEA, time TEXT NOT NULL, key BYTEA NOT NULL, signature BYTEA NOT NULL, witness_key BYTEA NOT NULL, witness_signature BYTEA NOT NULL)")
            return id
        }
    }

    private func frontier(forUpdate: Bool) throws -> MerkleFrontier {
        let query: PostgresQuery = forUpdate ? "SELECT size, frontier FROM verdict_state WHERE id = 1 FOR UPDATE" : "SELECT size, frontier FROM verdict_state WHERE id = 1"
        var found: MerkleFrontier?
        for row in try q(query) {
            let (size, bytes) = try row.decode((Int64, ByteBuffer).self)
            if let f = MerkleFrontier(bytes: Array(buffer: bytes)), f.size == UInt64(clamping: size) { found = f }
        }
        guard let found else { throw AuditError(.tampered, "\(location): the tree state (`verdict_state`) is missing or corrupted") }
        return found
    }

    public func append(_ records: [PendingRecord], policies: [ArchivedPolicy]) throws -> Range<UInt64> {
        guard !records.isEmpty || !policies.isEmpty else { return 0..<0 }
        return try transaction { state in
            for p in policies {
                let files = p.filesJSON
                try q("INSERT INTO verdict_policies (digest, name, version, folder, files) VALUES (\(p.digest), \(p.name), \(p.version), \(p.folder), \(files)) ON CONFLICT (digest) DO NOTHING")
            }
            let plan = AppendPlan(state: state, records: records)
            // The name table as committed (another writer may have added to it), extended here and
            // stored in this transaction; kept once committed.
            let encodes = LogSchema.encodes(schema)
            var table = names
            var added: [(id: Int, name: [UInt8])] = []
            if encodes { try loadNames(into: &table) }
            var i = 0
            while i < plan.rows.count {
                let chunk = plan.rows[i..<min(i + 1000, plan.rows.count)]
                var seqs: [Int64] = [], times: [Int64] = [], cases: [String] = [], digests: [String] = [], bodies: [ByteBuffer] = [], leaves: [ByteBuffer] = []
                for r in chunk {
                    seqs.append(Int64(r.seq)); times.append(r.record.recordedAt.millisecondsSinceEpoch)
                    cases.append(r.record.caseID); digests.append(r.record.digest)
                    bodies.append(ByteBuffer(bytes: encodes ? RecordEncoding.encode(r.body, names: &table, added: &added) : r.body))
                    leaves.append(ByteBuffer(bytes: r.leaf))
                }
                try q("""
                    INSERT INTO verdict_records (seq, recorded_at, case_id, digest, body, leaf)
                    SELECT * FROM unnest(\(seqs)::bigint[], \(times)::bigint[], \(cases)::text[], \(digests)::text[], \(bodies)::bytea[], \(leaves)::bytea[])
                    """)
                i += chunk.count
            }
            if !plan.nodes.isEmpty {
                let levels = plan.nodes.map { Int64($0.level) }, idx = plan.nodes.map { Int64($0.index) }, hashes = plan.nodes.map { ByteBuffer(bytes: $0.hash) }
                try q("INSERT INTO verdict_nodes (level, idx, hash) SELECT * FROM unnest(\(levels)::bigint[], \(idx)::bigint[], \(hashes)::bytea[])")
            }
            if !added.isEmpty {
                let ids = added.map { Int64($0.id) }, texts = added.map { ByteBuffer(bytes: $0.name) }
                try q("INSERT INTO verdict_names (id, name) SELECT * FROM unnest(\(ids)::bigint[], \(texts)::bytea[])")
            }
            let size = Int64(plan.state.size), frontier = ByteBuffer(bytes: plan.state.bytes)
            try q("UPDATE verdict_state SET size = \(size), frontier = \(frontier) WHERE id = 1")
            let range = (plan.state.size - UInt64(plan.rows.count))..<plan.state.size
            pendingNames = encodes ? table : nil
            return range
        }
    }

    /// The name table a transaction extended, kept once it commits (``transaction(_:)``).
    private var pendingNames: RecordEncoding.Names?

    /// Reads the entries of the name table after those `table` holds, in order (stopping at a gap,
    /// which only a hand edit makes: records that need the rest then fail to decode, and verify says so).
    private func loadNames(into table: inout RecordEncoding.Names) throws {
        let after = Int64(table.count)
        for row in try q("SELECT id, name FROM verdict_names WHERE id > \(after) ORDER BY id") {
            let (id, name) = try row.decode((Int64, ByteBuffer).self)
            if !table.load(id: Int(id), name: Array(buffer: name)) { break }
        }
    }

    /// A record's canonical bytes from its stored body (under `lock`): decoded with the name table
    /// (read further when it names an entry not read yet); one that cannot be decoded is given as
    /// stored, which no leaf hash matches (verify reports the record as edited).
    private func canonical(_ stored: [UInt8]) throws -> [UInt8] {
        guard LogSchema.encodes(schema), stored.first == RecordEncoding.marker else { return stored }
        if let body = RecordEncoding.decode(stored, names: names) { return body }
        var table = names
        try loadNames(into: &table)
        if table.count > names.count { names = table }
        return RecordEncoding.decode(stored, names: names) ?? stored
    }

    public func checkpoint(key: Curve25519.Signing.PrivateKey, time: Timestamp) throws -> Checkpoint {
        // The case index is read in a snapshot without the write lock (writers go on); under it, only
        // the records appended meanwhile are added, so the locking transaction stays short.
        let unlocked = try caseIndexUnlocked()
        var index = unlocked.index
        let indexed = unlocked.size
        return try transaction { f in
            guard f.size >= indexed else {
                throw AuditError(.tampered, "the log's tree state counts \(f.size) records, fewer than the \(indexed) it counted a moment ago: `verdict_state` was edited")
            }
            try forEachCaseLeafUnlocked(indexed..<f.size) { index.add(caseID: $0, seq: $1, leaf: $2) }
            let computed = index.root()
            let cp = try Checkpoint.sign(logID: logID, size: f.size, root: f.root, indexRoot: computed, time: time, key: key)
            let size = Int64(cp.size), root = ByteBuffer(bytes: cp.root), pub = ByteBuffer(bytes: cp.publicKey), sig = ByteBuffer(bytes: cp.signature)
            let indexRoot = ByteBuffer(bytes: computed)
            try q("INSERT INTO verdict_checkpoints (log_id, size, root, time, key, signature, index_root) VALUES (\(cp.logID), \(size), \(root), \(cp.time), \(pub), \(sig), \(indexRoot))")
            return cp
        }
    }

    public func appendVersionEvents(_ events: [PendingVersionEvent], policies: [ArchivedPolicy]) throws -> Range<UInt64> {
        guard !events.isEmpty else { return 0..<0 }
        return try appendEvents(policies: policies) { state in EventPlan(state: state, events: events) }
    }

    public func appendChangeEvents(_ events: [PendingChangeEvent]) throws -> Range<UInt64> {
        guard !events.isEmpty else { return 0..<0 }
        return try appendEvents(policies: []) { state in EventPlan(state: state, changes: events) }
    }

    /// Writes the events `plan` numbers from the tree's state, and archives `policies`, in one transaction under the write lock.
    private func appendEvents(policies: [ArchivedPolicy], _ plan: (MerkleFrontier) -> EventPlan) throws -> Range<UInt64> {
        try transaction { state in
            for p in policies {
                let files = p.filesJSON
                try q("INSERT INTO verdict_policies (digest, name, version, folder, files) VALUES (\(p.digest), \(p.name), \(p.version), \(p.folder), \(files)) ON CONFLICT (digest) DO NOTHING")
            }
            let plan = plan(state)
            for r in plan.rows {
                let seq = Int64(r.seq), at = r.recordedAt, body = ByteBuffer(bytes: r.body), leaf = ByteBuffer(bytes: r.leaf)
                try q("INSERT INTO verdict_events (seq, recorded_at, body, leaf) VALUES (\(seq), \(at), \(body), \(leaf))")
            }
            for n in plan.nodes {
                let lv = Int64(n.level), ix = Int64(n.index), h = ByteBuffer(bytes: n.hash)
                try q("INSERT INTO verdict_nodes (level, idx, hash) VALUES (\(lv), \(ix), \(h))")
            }
            let size = Int64(plan.state.size), frontier = ByteBuffer(bytes: plan.state.bytes)
            try q("UPDATE verdict_state SET size = \(size), frontier = \(frontier) WHERE id = 1")
            return (plan.state.size - UInt64(plan.rows.count))..<plan.state.size
        }
    }

    public func addCosignature(_ c: Cosignature) throws {
        let k = c.checkpoint
        let size = Int64(k.size), root = ByteBuffer(bytes: k.root), index = k.indexRoot.map { ByteBuffer(bytes: $0) }
        let pub = ByteBuffer(bytes: k.publicKey), sig = ByteBuffer(bytes: k.signature), wk = ByteBuffer(bytes: c.witnessKey), ws = ByteBuffer(bytes: c.signature)
        try locked {
            try q("INSERT INTO verdict_cosignatures (log_id, size, root, index_root, time, key, signature, witness_key, witness_signature) VALUES (\(k.logID), \(size), \(root), \(index), \(k.time), \(pub), \(sig), \(wk), \(ws))")
        }
    }

    public func cosignatures() throws -> [Cosignature] {
        try locked {
            try q("SELECT log_id, size, root, index_root, time, key, signature, witness_key, witness_signature FROM verdict_cosignatures ORDER BY id").map { row in
                let (id, size, root, index, time, key, sig, wk, ws) = try row.decode((String, Int64, ByteBuffer, ByteBuffer?, String, ByteBuffer, ByteBuffer, ByteBuffer, ByteBuffer).self)
                return Cosignature(checkpoint: Checkpoint(logID: id, size: UInt64(clamping: size), root: Array(buffer: root), time: time, publicKey: Array(buffer: key),
                                                          signature: Array(buffer: sig), indexRoot: index.map { Array(buffer: $0) }),
                                   witnessKey: Array(buffer: wk), signature: Array(buffer: ws))
            }
        }
    }

    public func versionEvents() throws -> [StoredVersionEvent] {
        try locked {
            try q("SELECT seq, body, leaf FROM verdict_events ORDER BY seq").map { row in
                let (s, b, l) = try row.decode((Int64, ByteBuffer, ByteBuffer).self)
                return StoredVersionEvent(seq: UInt64(clamping: s), body: Array(buffer: b), leaf: Array(buffer: l))
            }
        }
    }

    public func probeWrite() throws {
        try transaction { _ in try q("UPDATE verdict_state SET size = size WHERE id = 1") }
    }

    /// One `REPEATABLE READ, READ ONLY` transaction around `body`: every read sees the snapshot its
    /// first query took, whatever writers commit meanwhile. The connection is held throughout.
    public func readSnapshot<T>(_ body: () throws -> T) throws -> T {
        try locked {
            if inSnapshot { return try body() }
            try q("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            inSnapshot = true
            defer { inSnapshot = false }
            do {
                let result = try body()
                try q("COMMIT")
                return result
            } catch {
                _ = try? q("ROLLBACK")
                throw error
            }
        }
    }

    public func treeState() throws -> MerkleFrontier { try locked { try frontier(forUpdate: false) } }

    private func records(_ query: PostgresQuery) throws -> [StoredRecord] {
        try locked {
            try q(query).map { row in
                let (seq, at, cid, digest, body, leaf) = try row.decode((Int64, Int64, String, String, ByteBuffer, ByteBuffer).self)
                return StoredRecord(seq: UInt64(clamping: seq), caseID: cid, digest: digest, recordedAt: at, body: try canonical(Array(buffer: body)), leaf: Array(buffer: leaf))
            }
        }
    }

    public func scan(from seq: UInt64, until end: UInt64?, _ body: ([StoredRecord]) throws -> Bool) throws {
        var next = Int64(clamping: seq)
        let stop = Int64(clamping: end ?? UInt64(Int64.max))
        while next < stop {
            let chunk = try records("SELECT seq, recorded_at, case_id, digest, body, leaf FROM verdict_records WHERE seq >= \(next) AND seq < \(stop) ORDER BY seq LIMIT 8192")
            guard let last = chunk.last else { return }
            if try !body(chunk) { return }
            next = Int64(clamping: last.seq) + 1
        }
    }

    public func records(caseID: String) throws -> [StoredRecord] {
        try records("SELECT seq, recorded_at, case_id, digest, body, leaf FROM verdict_records WHERE case_id = \(caseID) ORDER BY seq")
    }

    public func record(seq: UInt64) throws -> StoredRecord? {
        // A number past Int64.max names no row (clamped, it would name the row at Int64.max).
        guard let s = Int64(exactly: seq) else { return nil }
        return try records("SELECT seq, recorded_at, case_id, digest, body, leaf FROM verdict_records WHERE seq = \(s)").first
    }

    public func leafHashes(_ range: Range<UInt64>) throws -> [(seq: UInt64, hash: Hash)] {
        let lo = Int64(clamping: range.lowerBound), hi = Int64(clamping: range.upperBound)
        return try locked {
            try q("SELECT seq, leaf FROM verdict_records WHERE seq >= \(lo) AND seq < \(hi) UNION ALL SELECT seq, leaf FROM verdict_events WHERE seq >= \(lo) AND seq < \(hi) ORDER BY seq").map { row in
                let (s, h) = try row.decode((Int64, ByteBuffer).self)
                return (seq: UInt64(clamping: s), hash: Array(buffer: h))
            }
        }
    }

    public func node(level: UInt8, index: UInt64) throws -> Hash? {
        let lv = Int64(level), ix = Int64(clamping: index)
        return try locked {
            try q("SELECT hash FROM verdict_nodes WHERE level = \(lv) AND idx = \(ix)").first.map { Array(buffer: try $0.decode(ByteBuffer.self)) }
        }
    }

    public func nodes() throws -> [(level: UInt8, index: UInt64, hash: Hash)] {
        try locked {
            try q("SELECT level::bigint, idx, hash FROM verdict_nodes ORDER BY level, idx").map { row in
                let (lv, ix, h) = try row.decode((Int64, Int64, ByteBuffer).self)
                return (level: UInt8(clamping: lv), index: UInt64(clamping: ix), hash: Array(buffer: h))
            }
        }
    }

    public func checkpoints() throws -> [Checkpoint] {
        try locked {
            try q("SELECT log_id, size, root, time, key, signature, index_root FROM verdict_checkpoints ORDER BY id").map { row in
                let (id, size, root, time, key, sig, index) = try row.decode((String, Int64, ByteBuffer, String, ByteBuffer, ByteBuffer, ByteBuffer?).self)
                return Checkpoint(logID: id, size: UInt64(clamping: size), root: Array(buffer: root), time: time,
                                  publicKey: Array(buffer: key), signature: Array(buffer: sig), indexRoot: index.map { Array(buffer: $0) })
            }
        }
    }

    /// The case index's columns of every record below `size` (the caller holds `lock`).
    private func caseLeavesUnlocked(below size: UInt64) throws -> [(caseID: String, seq: UInt64, leaf: Hash)] {
        let stop = Int64(clamping: size)
        return try q("SELECT case_id, seq, leaf FROM verdict_records WHERE seq < \(stop) ORDER BY seq").map { row in
            let (c, s, l) = try row.decode((String, Int64, ByteBuffer).self)
            return (caseID: c, seq: UInt64(clamping: s), leaf: Array(buffer: l))
        }
    }

    public func caseLeaves(below size: UInt64) throws -> [(caseID: String, seq: UInt64, leaf: Hash)] {
        try locked { try caseLeavesUnlocked(below: size) }
    }

    /// The case index's columns of the records in `range`, 8192 rows a query (the caller holds `lock`).
    private func forEachCaseLeafUnlocked(_ range: Range<UInt64>, _ body: (String, UInt64, Hash) throws -> Void) throws {
        var next = Int64(clamping: range.lowerBound)
        let stop = Int64(clamping: range.upperBound)
        while next < stop {
            var last: Int64?
            for row in try q("SELECT case_id, seq, leaf FROM verdict_records WHERE seq >= \(next) AND seq < \(stop) ORDER BY seq LIMIT 8192") {
                let (c, s, l) = try row.decode((String, Int64, ByteBuffer).self)
                try body(c, UInt64(clamping: s), Array(buffer: l))
                last = s
            }
            guard let last else { return }
            next = last + 1
        }
    }

    public func forEachCaseLeaf(_ range: Range<UInt64>, _ body: (String, UInt64, Hash) throws -> Void) throws {
        try locked { try forEachCaseLeafUnlocked(range, body) }
    }

    public func policy(digest: String) throws -> ArchivedPolicy? {
        let row = try locked {
            try q("SELECT name, version, folder, files FROM verdict_policies WHERE digest = \(digest)").first.map { try $0.decode((String, String, String, String).self) }
        }
        guard let row else { return nil }
        return ArchivedPolicy(digest: digest, name: row.0, version: row.1, folder: row.2, files: try ArchivedPolicy.files(json: row.3, digest: digest))
    }

    public func close() {
        try? connection.close().wait()
    }
}
