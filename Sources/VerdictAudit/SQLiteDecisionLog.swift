import Crypto
import Foundation
import GRDB
import GRDBSQLite
import Verdict

/// The embedded decision log: one SQLite file in WAL mode (GRDB over the system's libsqlite3).
///
/// Several writer processes may share the file: each batch runs in a `BEGIN IMMEDIATE` transaction
/// (SQLite's single write lock; others wait up to 60 s), reads the tree state, appends, commits with
/// `synchronous = FULL` (the WAL is synced before commit returns). Readers see committed batches only.
///
/// A file is switched to WAL only once it is known to be a Verdict log (or made one): a foreign
/// SQLite file is refused untouched. Opened `readOnly`, nothing is ever written (a read-only copy
/// can be audited).
public final class SQLiteDecisionLog: DecisionLog, @unchecked Sendable {
    public let location: String
    public let logID: String
    let path: String
    let queue: DatabaseQueue
    /// Whether the file has the version events' table (a log made before them, opened read-only, has not).
    private let eventsTable: Bool
    /// Checkpoints the WAL off the writer's path (none for a log opened read-only).
    private let checkpointer: WALCheckpointer?
    /// The key under which a thread inside ``readSnapshot(_:)`` finds its open connection.
    private let snapshotKey = "verdict-log-snapshot-" + UUID().uuidString
    /// The log's schema (``LogSchema``): whether its records are stored encoded.
    public let schema: String
    private let encodes: Bool
    /// The name table as far as this process has read it (``RecordEncoding``), under `namesLock`.
    private var names = RecordEncoding.Names()
    private let namesLock = NSLock()

    public init(path: String, create: Bool, readOnly: Bool = false) throws {
        self.path = path
        location = "sqlite:" + path
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists && !create {
            throw AuditError(.notFound, "no decision log at `\(path)` (a log is created by `verdict decide --log sqlite:\(path)`)")
        }
        if exists {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
                throw AuditError(.notALog, "`\(path)` is a folder, not a Verdict decision log")
            }
            // Check the header before SQLite touches the file (it would otherwise turn an empty file into a database).
            if let h = FileHandle(forReadingAtPath: path) {
                let head = h.readData(ofLength: 16)
                try? h.close()
                if head.count > 0 && head != Data("SQLite format 3\0".utf8) {
                    throw AuditError(.notALog, "`\(path)` is not a Verdict decision log (not an SQLite database)")
                }
                if head.count < 16 && !create {
                    throw AuditError(.notALog, "`\(path)` is empty or truncated: not a Verdict decision log")
                }
            }
        }
        var config = Configuration()
        config.readonly = readOnly
        config.busyMode = .timeout(60)
        config.label = "verdict-log"
        config.prepareDatabase { db in
            // FULL: the WAL is synced before a commit returns (a logged decision survives power loss, not
            // only a killed process). A 16 MB page cache keeps the hot part of the case-id index in
            // memory (the rest is read back from the OS's cache), so the process stays under 100 MB. No commit
            // checkpoints the WAL (a ``WALCheckpointer`` does, on its own connection and thread, so no
            // decision waits for it); the WAL file is truncated to 64 MB when it starts over.
            try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw Self.storage(error, path)
        }
        do {
            let meta = readOnly ? try Self.readOnlyMeta(queue, path) : try Self.openForWriting(queue, path, create: create)
            logID = meta.id
            schema = meta.schema
            encodes = LogSchema.encodes(meta.schema)
            eventsTable = try queue.read { db in try db.tableExists("verdict_events") }
            checkpointer = readOnly ? nil : try WALCheckpointer(path: path)
        } catch let e as AuditError {
            throw e
        } catch {
            throw Self.storage(error, path)
        }
    }

    /// The log's identity, read without writing anything.
    private static func readOnlyMeta(_ queue: DatabaseQueue, _ path: String) throws -> (id: String, schema: String) {
        try queue.read { db in
            guard try db.tableExists("verdict_meta") else {
                throw AuditError(.notALog, "`\(path)` is an SQLite database but not a Verdict decision log (it has no `verdict_meta` table)")
            }
            return try readMeta(db, path)
        }
    }

    /// Checks (or creates) the schema under the write lock, then switches the file to WAL: a foreign
    /// file is refused before anything is written to it.
    private static func openForWriting(_ queue: DatabaseQueue, _ path: String, create: Bool) throws -> (id: String, schema: String) {
        var id = (id: "", schema: "")
        try queue.inTransaction(.immediate) { db in
            if try db.tableExists("verdict_meta") {
                id = try Self.readMeta(db, path)
                // A log made before the case index: its checkpoints gain the column (nil in the old ones).
                if try db.tableExists("verdict_checkpoints"), try !Self.hasIndexColumn(db) {
                    try db.execute(sql: "ALTER TABLE verdict_checkpoints ADD COLUMN index_root BLOB")
                }
                // … and tables for its version events and its witnesses' cosignatures.
                try db.execute(sql: Self.eventsSchema)
                try db.execute(sql: Self.cosignaturesSchema)
                return .commit
            }
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            guard tables.isEmpty, create else {
                throw AuditError(.notALog, "`\(path)` is an SQLite database but not a Verdict decision log (it has no `verdict_meta` table)")
            }
            try Self.createSchema(db)
            id = try Self.readMeta(db, path)
            return .commit
        }
        try switchToWAL(queue)
        return id
    }

    /// `PRAGMA journal_mode = WAL`, again after a short random pause while SQLite answers busy at once.
    ///
    /// Two writers that open a new log together both switch it: each holds a shared lock and wants the
    /// exclusive one, and SQLite refuses one of them at once (waiting could only deadlock), without its
    /// busy timeout. The other's switch then completes, so trying again succeeds (a switch to WAL on a
    /// file already in WAL changes nothing). Bounded by the same 60 s as a lock held by another writer.
    static func switchToWAL(_ queue: DatabaseQueue, deadline: Date = Date().addingTimeInterval(60)) throws {
        while true {
            do {
                try queue.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
                return
            } catch let e as DatabaseError where e.resultCode == .SQLITE_BUSY && Date() < deadline {
                usleep(UInt32.random(in: 5_000...50_000))
            }
        }
    }

    /// Whether `verdict_checkpoints` has the case index's column (a log made before it, opened read-only, has not).
    static func hasIndexColumn(_ db: Database) throws -> Bool {
        try Row.fetchAll(db, sql: "PRAGMA table_info(verdict_checkpoints)").contains { text($0, 1) == "index_root" }
    }

    private static func readMeta(_ db: Database, _ path: String) throws -> (id: String, schema: String) {
        let rows = try Row.fetchAll(db, sql: "SELECT key, value FROM verdict_meta")
        var meta: [String: String] = [:]
        for r in rows { meta[text(r, 0)] = text(r, 1) }
        guard meta["format"] == LogSchema.format else {
            throw AuditError(.notALog, "`\(path)` is not a Verdict decision log (its `verdict_meta` does not say so)")
        }
        guard let schema = meta["schema"], LogSchema.readable.contains(schema) else {
            throw AuditError(.notALog, "`\(path)` is a Verdict decision log of schema \(meta["schema"] ?? "?"); this Verdict reads schemas \(LogSchema.readable.sorted().joined(separator: " and "))")
        }
        guard let id = meta["log_id"] else { throw AuditError(.tampered, "`\(path)`: the log's identity is missing from `verdict_meta`") }
        if LogSchema.encodes(schema), try !db.tableExists("verdict_names") {
            throw AuditError(.tampered, "`\(path)`: its name table (`verdict_names`) is missing, so its records cannot be read")
        }
        return (id, schema)
    }

    static let cosignaturesSchema = """
        CREATE TABLE IF NOT EXISTS verdict_cosignatures (id INTEGER PRIMARY KEY, log_id TEXT NOT NULL, size INTEGER NOT NULL, root BLOB NOT NULL,
            index_root BLOB, time TEXT NOT NULL, key BLOB NOT NULL, signature BLOB NOT NULL, witness_key BLOB NOT NULL, witness_signature BLOB NOT NULL)
        """
    static let eventsSchema = "CREATE TABLE IF NOT EXISTS verdict_events (seq INTEGER PRIMARY KEY, recorded_at INTEGER NOT NULL, body BLOB NOT NULL, leaf BLOB NOT NULL)"

    private static func createSchema(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE verdict_names (id INTEGER PRIMARY KEY, name BLOB NOT NULL)")
        try db.execute(sql: eventsSchema)
        try db.execute(sql: cosignaturesSchema)
        try db.execute(sql: """
            CREATE TABLE verdict_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE verdict_state (id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL, frontier BLOB NOT NULL);
            CREATE TABLE verdict_records (seq INTEGER PRIMARY KEY, recorded_at INTEGER NOT NULL, case_id TEXT NOT NULL,
                                          digest TEXT NOT NULL, body BLOB NOT NULL, leaf BLOB NOT NULL);
            CREATE INDEX verdict_records_case ON verdict_records (case_id);
            CREATE TABLE verdict_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
            CREATE TABLE verdict_checkpoints (id INTEGER PRIMARY KEY, log_id TEXT NOT NULL, size INTEGER NOT NULL, root BLOB NOT NULL,
                                              time TEXT NOT NULL, key BLOB NOT NULL, signature BLOB NOT NULL, index_root BLOB);
            CREATE TABLE verdict_policies (digest TEXT PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL, folder TEXT NOT NULL, files TEXT NOT NULL);
            """)
        try db.execute(sql: "INSERT INTO verdict_meta (key, value) VALUES ('format', ?), ('schema', ?), ('log_id', ?), ('created_at', ?)",
                       arguments: [LogSchema.format, LogSchema.version, UUID().uuidString.lowercased(), Timestamp(Date()).rfc3339(in: .utc)])
        try db.execute(sql: "INSERT INTO verdict_state (id, size, frontier) VALUES (1, 0, ?)", arguments: [Data(MerkleFrontier().bytes)])
    }

    static func storage(_ error: Error, _ path: String) -> AuditError {
        if let e = error as? AuditError { return e }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_NOTADB: return AuditError(.notALog, "`\(path)` is not a Verdict decision log (not an SQLite database)")
            case .SQLITE_CORRUPT: return AuditError(.storage, "`\(path)` is corrupted (SQLite: \(e.message ?? "database disk image is malformed")); restore it from a backup and run `verdict audit verify`")
            case .SQLITE_BUSY where e.extendedResultCode == .SQLITE_BUSY:
                return AuditError(.storage, "`\(path)` stayed locked by another writer for 60 s",
                                  shown: "the decision log stayed locked by another writer for 60 s")
            case .SQLITE_BUSY:  // a busy SQLite answers at once, without waiting (recovery, a stale snapshot)
                return AuditError(.storage, "`\(path)` was busy (SQLite \(e.extendedResultCode.rawValue): \(e.message ?? "database is locked")\(e.sql.map { " in `\($0)`" } ?? ""))",
                                  shown: "the decision log was busy")
            case .SQLITE_CANTOPEN: return AuditError(.storage, "cannot open `\(path)`: \(e.message ?? "")", shown: "the decision log cannot be opened")
            case .SQLITE_READONLY: return AuditError(.storage, "`\(path)` is read-only", shown: "the decision log is read-only")
            case .SQLITE_FULL: return AuditError(.storage, "the disk holding `\(path)` is full", shown: "the disk holding the decision log is full")
            default: return AuditError(.storage, "`\(path)`: SQLite error \(e.resultCode.rawValue): \(e.message ?? "")")
            }
        }
        return AuditError(.storage, "`\(path)`: \(error)")
    }

    /// Reads in the snapshot this thread has open, or in a read transaction of its own.
    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            if let db = Thread.current.threadDictionary[snapshotKey] as? Database { return try body(db) }
            return try queue.read { db in try body(db) }
        } catch {
            throw Self.storage(error, path)
        }
    }

    public func readSnapshot<T>(_ body: () throws -> T) throws -> T {
        if Thread.current.threadDictionary[snapshotKey] != nil { return try body() }
        do {
            return try queue.read { db in
                // Start the read transaction now, so everything read inside sees this one state.
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM verdict_state")
                Thread.current.threadDictionary[snapshotKey] = db
                defer { Thread.current.threadDictionary[snapshotKey] = nil }
                return try body()
            }
        } catch {
            throw Self.storage(error, path)
        }
    }

    private static func frontier(_ db: Database, _ path: String) throws -> MerkleFrontier {
        guard let row = try Row.fetchOne(db, sql: "SELECT size, frontier FROM verdict_state WHERE id = 1"),
              let f = MerkleFrontier(bytes: blob(row, 1)), f.size == UInt64(clamping: int(row, 0)) else {
            throw AuditError(.tampered, "`\(path)`: the tree state (`verdict_state`) is missing or corrupted")
        }
        return f
    }

    public func append(_ records: [PendingRecord], policies: [ArchivedPolicy]) throws -> Range<UInt64> {
        guard !records.isEmpty || !policies.isEmpty else { return 0..<0 }
        var range: Range<UInt64> = 0..<0
        var table: RecordEncoding.Names?
        do {
            try queue.inTransaction(.immediate) { db in
                for p in policies {
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO verdict_policies (digest, name, version, folder, files) VALUES (?, ?, ?, ?, ?)")
                        .execute(arguments: [p.digest, p.name, p.version, p.folder, p.filesJSON])
                }
                let plan = AppendPlan(state: try Self.frontier(db, path), records: records)
                // The name table as committed (another writer may have added to it), extended here and
                // stored in this transaction; this process's copy takes it once committed.
                var names = RecordEncoding.Names()
                var added: [(id: Int, name: [UInt8])] = []
                if encodes {
                    names = currentNames()
                    try Self.loadNames(db, into: &names)
                }
                let insert = try db.cachedStatement(sql: "INSERT INTO verdict_records (seq, recorded_at, case_id, digest, body, leaf) VALUES (?, ?, ?, ?, ?, ?)")
                // Bound through SQLite's own API: one copy of each record, no intermediate values.
                let stmt = insert.sqliteStatement
                let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
                for r in plan.rows {
                    sqlite3_reset(stmt)
                    sqlite3_bind_int64(stmt, 1, Int64(r.seq))
                    sqlite3_bind_int64(stmt, 2, r.record.recordedAt.millisecondsSinceEpoch)
                    // With its length: the id is stored byte for byte as hashed (never cut at a NUL).
                    Self.bindText(stmt, 3, r.record.caseID, transient)
                    sqlite3_bind_text(stmt, 4, r.record.digest, -1, transient)
                    let stored = encodes ? RecordEncoding.encode(r.body, names: &names, added: &added) : r.body
                    stored.withUnsafeBytes { _ = sqlite3_bind_blob(stmt, 5, $0.baseAddress, Int32($0.count), transient) }
                    r.leaf.withUnsafeBytes { _ = sqlite3_bind_blob(stmt, 6, $0.baseAddress, Int32($0.count), transient) }
                    let rc = sqlite3_step(stmt)
                    guard rc == SQLITE_DONE else {
                        let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(stmt)))
                        sqlite3_reset(stmt)
                        throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: message)
                    }
                }
                sqlite3_reset(stmt)
                sqlite3_clear_bindings(stmt)
                for a in added {
                    try db.cachedStatement(sql: "INSERT INTO verdict_names (id, name) VALUES (?, ?)").execute(arguments: [Int64(a.id), Data(a.name)])
                }
                range = try Self.writeTree(db, nodes: plan.nodes, state: plan.state, added: plan.rows.count)
                if encodes { table = names }
                return .commit
            }
        } catch {
            throw Self.storage(error, path)
        }
        if let table { keepNames(table) }
        return range
    }

    // MARK: The name table (schema 2)

    /// This process's copy of the name table.
    private func currentNames() -> RecordEncoding.Names {
        namesLock.lock()
        defer { namesLock.unlock() }
        return names
    }

    /// Keeps `table` as this process's copy when it has read further (both are the start of one table).
    private func keepNames(_ table: RecordEncoding.Names) {
        namesLock.lock()
        if table.count > names.count { names = table }
        namesLock.unlock()
    }

    /// Reads the entries of the name table after those `names` holds, in order (stopping at a gap,
    /// which only a hand edit makes: records that need the rest then fail to decode, and verify says so).
    private static func loadNames(_ db: Database, into names: inout RecordEncoding.Names) throws {
        let rows = try Row.fetchAll(db, sql: "SELECT id, name FROM verdict_names WHERE id > ? ORDER BY id", arguments: [Int64(names.count)])
        for r in rows where !names.load(id: Int(int(r, 0)), name: blob(r, 1)) { break }
    }

    /// A record's canonical bytes from its stored body: decoded with the name table (read further
    /// when it names an entry not read yet); a body that cannot be decoded is given as stored, which
    /// no leaf hash matches (verify reports the record as edited).
    private func canonical(_ stored: [UInt8], _ db: Database) throws -> [UInt8] {
        guard encodes, stored.first == RecordEncoding.marker else { return stored }
        var table = currentNames()
        if let body = RecordEncoding.decode(stored, names: table) { return body }
        try Self.loadNames(db, into: &table)
        keepNames(table)
        return RecordEncoding.decode(stored, names: table) ?? stored
    }

    private func record(_ row: Row, _ db: Database) throws -> StoredRecord {
        var r = Self.record(row)
        r.body = try canonical(r.body, db)
        return r
    }

    public func probeWrite() throws {
        do {
            try queue.inTransaction(.immediate) { db in
                try db.execute(sql: "UPDATE verdict_state SET size = size WHERE id = 1")
                return .commit
            }
        } catch {
            throw Self.storage(error, path)
        }
    }

    /// Binds `text` with its byte length, so that every byte is stored (a NUL included).
    private static func bindText(_ stmt: OpaquePointer?, _ index: Int32, _ text: String, _ destructor: sqlite3_destructor_type) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { sqlite3_bind_text(stmt, index, "", 0, destructor); return }
        bytes.withUnsafeBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { c in _ = sqlite3_bind_text(stmt, index, c.baseAddress, Int32(c.count), destructor) }
        }
    }

    public func checkpoint(key: Curve25519.Signing.PrivateKey, time: Timestamp) throws -> Checkpoint {
        do {
            var result: Checkpoint?
            // The case index is read outside the write lock (WAL: writers go on); under it, only the
            // records appended meanwhile are added, so the write transaction stays short.
            let unlocked = try caseIndexUnlocked()
            var index = unlocked.index
            let indexed = unlocked.size
            try queue.inTransaction(.immediate) { db in
                let f = try Self.frontier(db, path)
                guard f.size >= indexed else {
                    throw AuditError(.tampered, "the log's tree state counts \(f.size) records, fewer than the \(indexed) it counted a moment ago: `verdict_state` was edited")
                }
                try Self.forEachCaseLeaf(db, indexed..<f.size) { index.add(caseID: $0, seq: $1, leaf: $2) }
                let indexRoot = index.root()
                let c = try Checkpoint.sign(logID: logID, size: f.size, root: f.root, indexRoot: indexRoot, time: time, key: key)
                try db.execute(sql: "INSERT INTO verdict_checkpoints (log_id, size, root, time, key, signature, index_root) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               arguments: [c.logID, Int64(c.size), Data(c.root), c.time, Data(c.publicKey), Data(c.signature), Data(indexRoot)])
                result = c
                return .commit
            }
            return result!
        } catch {
            throw Self.storage(error, path)
        }
    }

    public func treeState() throws -> MerkleFrontier { try read { db in try Self.frontier(db, path) } }

    static func record(_ row: Row) -> StoredRecord {
        StoredRecord(seq: UInt64(clamping: int(row, 0)), caseID: text(row, 2), digest: text(row, 3), recordedAt: int(row, 1),
                     body: blob(row, 4), leaf: blob(row, 5))
    }

    // Columns read without trusting their types: a hand-edited cell must give an error later, never a trap.
    static func int(_ row: Row, _ i: Int) -> Int64 { int(row[i] as DatabaseValue) }

    static func int(_ value: DatabaseValue) -> Int64 {
        switch value.storage {
        case .int64(let v): return v
        case .double(let d): return Int64(exactly: d) ?? -1
        default: return -1
        }
    }

    static func text(_ row: Row, _ i: Int) -> String { text(row[i] as DatabaseValue) }

    static func text(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .string(let s): return s
        case .blob(let d): return String(decoding: d, as: UTF8.self)
        case .int64(let v): return String(v)
        default: return ""
        }
    }

    static func blob(_ row: Row, _ i: Int) -> [UInt8] { blob(row[i] as DatabaseValue) }

    static func blob(_ value: DatabaseValue) -> [UInt8] {
        switch value.storage {
        case .blob(let d): return Array(d)
        case .string(let s): return Array(s.utf8)
        default: return []
        }
    }

    /// The case id is read as its bytes: a hand-edited id holding a NUL reads as stored.
    static let columns = "seq, recorded_at, CAST(case_id AS BLOB), digest, body, leaf"

    public func scan(from seq: UInt64, until end: UInt64?, _ body: ([StoredRecord]) throws -> Bool) throws {
        do {
            try read { db in
                let statement = try db.makeStatement(sql: "SELECT \(Self.columns) FROM verdict_records WHERE seq >= ? AND seq < ? ORDER BY seq")
                let cursor = try Row.fetchCursor(statement, arguments: [Int64(clamping: seq), Int64(clamping: end ?? UInt64(Int64.max))])
                var reader = RecordColumns(names: currentNames(), encodes: encodes)
                var chunk: [StoredRecord] = []
                chunk.reserveCapacity(4096)
                while try cursor.next() != nil {
                    var r = reader.record(statement.sqliteStatement)
                    if r.body.isEmpty, let stored = reader.undecoded {
                        // An entry of the name table this process has not read yet (or a body no table decodes).
                        var table = reader.names
                        try Self.loadNames(db, into: &table)
                        keepNames(table)
                        reader.names = table
                        r.body = RecordEncoding.decode(stored, names: table) ?? stored
                    }
                    chunk.append(r)
                    if chunk.count == 4096 {
                        if try !body(chunk) { return }
                        chunk.removeAll(keepingCapacity: true)
                    }
                }
                if !chunk.isEmpty { _ = try body(chunk) }
            }
        } catch {
            throw Self.storage(error, path)
        }
    }

    /// A row of ``columns`` read in place from the statement, without a `Row` or `Data` copy of its
    /// cells: each cell of the type Verdict writes is read from SQLite's memory (an encoded body
    /// decoded straight from it, a digest equal to the row before's reused); any other (a hand edit)
    /// is read as ``int(_:_:)``, ``text(_:_:)`` and ``blob(_:_:)`` read it, so it reads the same.
    struct RecordColumns {
        var names: RecordEncoding.Names
        /// Whether the log's schema encodes bodies (in a log of schema 1, a body is read as stored).
        let encodes: Bool
        /// The stored body of the last record when it did not decode with `names` (its `body` is then empty).
        var undecoded: [UInt8]?
        private var digest = ""
        private var digestBytes: [UInt8] = []

        init(names: RecordEncoding.Names, encodes: Bool) {
            self.names = names
            self.encodes = encodes
        }

        mutating func record(_ s: OpaquePointer) -> StoredRecord {
            undecoded = nil
            let seq = Self.int(s, 0), at = Self.int(s, 1)
            let caseID: String
            if sqlite3_column_type(s, 2) == SQLITE_BLOB {
                caseID = Self.withBytes(s, 2) { String(decoding: $0, as: UTF8.self) }
            } else {
                caseID = SQLiteDecisionLog.text(DatabaseValue(sqliteStatement: s, index: 2))
            }
            let digest: String
            if sqlite3_column_type(s, 3) == SQLITE_TEXT, let text = sqlite3_column_text(s, 3),
               memchr(text, 0, Int(sqlite3_column_bytes(s, 3))) == nil {
                let bytes = UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(s, 3)))
                if !bytes.elementsEqual(digestBytes) {
                    self.digest = String(decoding: bytes, as: UTF8.self)
                    digestBytes = Array(bytes)
                }
                digest = self.digest
            } else {
                digest = SQLiteDecisionLog.text(DatabaseValue(sqliteStatement: s, index: 3))
            }
            var body: [UInt8]
            if sqlite3_column_type(s, 4) == SQLITE_BLOB {
                let names = self.names, encodes = self.encodes
                var failed = false
                body = Self.withBytes(s, 4) { b in
                    guard encodes, b.first == RecordEncoding.marker else { return Array(b) }
                    if let decoded = RecordEncoding.decode(b, names: names) { return decoded }
                    failed = true
                    return []
                }
                if failed {
                    undecoded = Self.withBytes(s, 4) { Array($0) }
                }
            } else {
                body = SQLiteDecisionLog.blob(DatabaseValue(sqliteStatement: s, index: 4))
                if encodes, body.first == RecordEncoding.marker {
                    if let decoded = RecordEncoding.decode(body, names: names) { body = decoded } else { undecoded = body; body = [] }
                }
            }
            let leaf = sqlite3_column_type(s, 5) == SQLITE_BLOB ? Self.withBytes(s, 5) { Array($0) }
                : SQLiteDecisionLog.blob(DatabaseValue(sqliteStatement: s, index: 5))
            return StoredRecord(seq: UInt64(clamping: seq), caseID: caseID, digest: digest, recordedAt: at, body: body, leaf: leaf)
        }

        static func int(_ s: OpaquePointer, _ i: Int32) -> Int64 {
            sqlite3_column_type(s, i) == SQLITE_INTEGER ? sqlite3_column_int64(s, i) : SQLiteDecisionLog.int(DatabaseValue(sqliteStatement: s, index: i))
        }

        /// A blob cell's bytes, in SQLite's memory (valid until the statement steps on).
        static func withBytes<T>(_ s: OpaquePointer, _ i: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
            guard let p = sqlite3_column_blob(s, i) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
            return body(UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: Int(sqlite3_column_bytes(s, i))))
        }
    }

    public func records(caseID: String) throws -> [StoredRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM verdict_records WHERE case_id = ? ORDER BY seq", arguments: [caseID]).map { try record($0, db) }
        }
    }

    public func record(seq: UInt64) throws -> StoredRecord? {
        // A number past Int64.max (`audit proof --seq 18446744073709551615`) names no stored row.
        guard let stored = Int64(exactly: seq) else { return nil }
        return try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM verdict_records WHERE seq = ?", arguments: [stored]).map { try record($0, db) }
        }
    }

    public func leafHashes(_ range: Range<UInt64>) throws -> [(seq: UInt64, hash: Hash)] {
        let lo = Int64(clamping: range.lowerBound), hi = Int64(clamping: range.upperBound)
        let sql = eventsTable
            ? "SELECT seq, leaf FROM verdict_records WHERE seq >= ? AND seq < ? UNION ALL SELECT seq, leaf FROM verdict_events WHERE seq >= ? AND seq < ? ORDER BY seq"
            : "SELECT seq, leaf FROM verdict_records WHERE seq >= ? AND seq < ? ORDER BY seq"
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: eventsTable ? [lo, hi, lo, hi] : [lo, hi])
                .map { (UInt64(clamping: Self.int($0, 0)), Self.blob($0, 1)) }
        }
    }

    /// Stores the tree's new nodes and its state after `added` leaves, in the transaction of the
    /// records or events that added them; returns the added leaves' sequence numbers.
    private static func writeTree(_ db: Database, nodes: [(level: UInt8, index: UInt64, hash: Hash)], state: MerkleFrontier,
                                  added: Int) throws -> Range<UInt64> {
        let node = try db.cachedStatement(sql: "INSERT INTO verdict_nodes (level, idx, hash) VALUES (?, ?, ?)")
        for n in nodes { try node.execute(arguments: [Int(n.level), Int64(n.index), Data(n.hash)]) }
        try db.execute(sql: "UPDATE verdict_state SET size = ?, frontier = ? WHERE id = 1",
                       arguments: [Int64(state.size), Data(state.bytes)])
        return (state.size - UInt64(added))..<state.size
    }

    public func appendVersionEvents(_ events: [PendingVersionEvent], policies: [ArchivedPolicy]) throws -> Range<UInt64> {
        guard !events.isEmpty else { return 0..<0 }
        guard eventsTable else { throw AuditError(.usage, "\(location) was opened read-only: it cannot record version events") }
        return try appendEvents(policies: policies) { state in EventPlan(state: state, events: events) }
    }

    public func appendChangeEvents(_ events: [PendingChangeEvent]) throws -> Range<UInt64> {
        guard !events.isEmpty else { return 0..<0 }
        guard eventsTable else { throw AuditError(.usage, "\(location) was opened read-only: it cannot record change events") }
        return try appendEvents(policies: []) { state in EventPlan(state: state, changes: events) }
    }

    /// Writes the events `plan` numbers from the tree's state, and archives `policies`, in one transaction under the write lock.
    private func appendEvents(policies: [ArchivedPolicy], _ plan: (MerkleFrontier) -> EventPlan) throws -> Range<UInt64> {
        var range: Range<UInt64> = 0..<0
        do {
            try queue.inTransaction(.immediate) { db in
                for p in policies {
                    try db.execute(sql: "INSERT OR IGNORE INTO verdict_policies (digest, name, version, folder, files) VALUES (?, ?, ?, ?, ?)",
                                   arguments: [p.digest, p.name, p.version, p.folder, p.filesJSON])
                }
                let plan = plan(try Self.frontier(db, path))
                for r in plan.rows {
                    try db.execute(sql: "INSERT INTO verdict_events (seq, recorded_at, body, leaf) VALUES (?, ?, ?, ?)",
                                   arguments: [Int64(r.seq), r.recordedAt, Data(r.body), Data(r.leaf)])
                }
                range = try Self.writeTree(db, nodes: plan.nodes, state: plan.state, added: plan.rows.count)
                return .commit
            }
        } catch {
            throw Self.storage(error, path)
        }
        return range
    }

    public func addCosignature(_ c: Cosignature) throws {
        let k = c.checkpoint
        do {
            try queue.inTransaction(.immediate) { db in
                try db.execute(sql: "INSERT INTO verdict_cosignatures (log_id, size, root, index_root, time, key, signature, witness_key, witness_signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               arguments: [k.logID, Int64(k.size), Data(k.root), k.indexRoot.map { Data($0) }, k.time, Data(k.publicKey), Data(k.signature),
                                           Data(c.witnessKey), Data(c.signature)])
                return .commit
            }
        } catch {
            throw Self.storage(error, path)
        }
    }

    public func cosignatures() throws -> [Cosignature] {
        try read { db in
            guard try db.tableExists("verdict_cosignatures") else { return [] }
            return try Row.fetchAll(db, sql: "SELECT log_id, size, root, index_root, time, key, signature, witness_key, witness_signature FROM verdict_cosignatures ORDER BY id").map {
                Cosignature(checkpoint: Checkpoint(logID: Self.text($0, 0), size: UInt64(clamping: Self.int($0, 1)), root: Self.blob($0, 2), time: Self.text($0, 4),
                                                   publicKey: Self.blob($0, 5), signature: Self.blob($0, 6),
                                                   indexRoot: ($0[3] as DatabaseValue).isNull ? nil : Self.blob($0, 3)),
                            witnessKey: Self.blob($0, 7), signature: Self.blob($0, 8))
            }
        }
    }

    public func versionEvents() throws -> [StoredVersionEvent] {
        guard eventsTable else { return [] }
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT seq, body, leaf FROM verdict_events ORDER BY seq").map {
                StoredVersionEvent(seq: UInt64(clamping: Self.int($0, 0)), body: Self.blob($0, 1), leaf: Self.blob($0, 2))
            }
        }
    }

    public func node(level: UInt8, index: UInt64) throws -> Hash? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT hash FROM verdict_nodes WHERE level = ? AND idx = ?", arguments: [Int(level), Int64(clamping: index)]).map { Self.blob($0, 0) }
        }
    }

    public func nodes() throws -> [(level: UInt8, index: UInt64, hash: Hash)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT level, idx, hash FROM verdict_nodes ORDER BY level, idx").map {
                (UInt8(clamping: Self.int($0, 0)), UInt64(clamping: Self.int($0, 1)), Self.blob($0, 2))
            }
        }
    }

    public func checkpoints() throws -> [Checkpoint] {
        try read { db in
            let index = try Self.hasIndexColumn(db) ? "index_root" : "NULL"
            return try Row.fetchAll(db, sql: "SELECT log_id, size, root, time, key, signature, \(index) FROM verdict_checkpoints ORDER BY id").map {
                Checkpoint(logID: Self.text($0, 0), size: UInt64(clamping: Self.int($0, 1)), root: Self.blob($0, 2), time: Self.text($0, 3),
                           publicKey: Self.blob($0, 4), signature: Self.blob($0, 5),
                           indexRoot: ($0[6] as DatabaseValue).isNull ? nil : Self.blob($0, 6))
            }
        }
    }

    static func caseLeaves(_ db: Database, below size: UInt64) throws -> [(caseID: String, seq: UInt64, leaf: Hash)] {
        let cursor = try Row.fetchCursor(db, sql: "SELECT CAST(case_id AS BLOB), seq, leaf FROM verdict_records WHERE seq < ? ORDER BY seq",
                                         arguments: [Int64(clamping: size)])
        var out: [(caseID: String, seq: UInt64, leaf: Hash)] = []
        while let row = try cursor.next() { out.append((text(row, 0), UInt64(clamping: int(row, 1)), blob(row, 2))) }
        return out
    }

    public func caseLeaves(below size: UInt64) throws -> [(caseID: String, seq: UInt64, leaf: Hash)] {
        try read { db in try Self.caseLeaves(db, below: size) }
    }

    static func forEachCaseLeaf(_ db: Database, _ range: Range<UInt64>, _ body: (String, UInt64, Hash) throws -> Void) throws {
        guard !range.isEmpty else { return }
        let cursor = try Row.fetchCursor(db, sql: "SELECT CAST(case_id AS BLOB), seq, leaf FROM verdict_records WHERE seq >= ? AND seq < ? ORDER BY seq",
                                         arguments: [Int64(clamping: range.lowerBound), Int64(clamping: range.upperBound)])
        while let row = try cursor.next() { try body(text(row, 0), UInt64(clamping: int(row, 1)), blob(row, 2)) }
    }

    public func forEachCaseLeaf(_ range: Range<UInt64>, _ body: (String, UInt64, Hash) throws -> Void) throws {
        try read { db in try Self.forEachCaseLeaf(db, range, body) }
    }

    public func policy(digest: String) throws -> ArchivedPolicy? {
        let row = try read { db in
            try Row.fetchOne(db, sql: "SELECT name, version, folder, files FROM verdict_policies WHERE digest = ?", arguments: [digest])
        }
        guard let row else { return nil }
        return ArchivedPolicy(digest: digest, name: Self.text(row, 0), version: Self.text(row, 1), folder: Self.text(row, 2),
                              files: try ArchivedPolicy.files(json: Self.text(row, 3), digest: digest))
    }

    public func close() {
        checkpointer?.close()
        // A last checkpoint, passive (it never waits for another process still writing the file).
        if checkpointer != nil { try? queue.writeWithoutTransaction { db in try db.checkpoint(.passive) } }
        try? queue.close()
    }
}
