import Crypto
import Foundation
import Verdict

/// Where perfect subtrees are stored: every complete, aligned subtree of 2^level leaves with level ≥ 8
/// (one row per 128 records, amortised). Smaller subtrees are recomputed from leaf hashes (≤ 256 of them).
public let storedNodeLevel: UInt8 = 8

/// The tamper-evident decision log: append-only records under an RFC 9162 Merkle tree, signed
/// checkpoints, and the archive of every policy version that decided anything.
///
/// Two backends behave the same: ``SQLiteDecisionLog`` (one file, WAL) and `PostgresDecisionLog`
/// (in `VerdictAuditPostgres`). Writers — threads or processes — serialise on the log's write lock
/// (SQLite's `BEGIN IMMEDIATE`; PostgreSQL's row lock on `verdict_state`): inside it a writer reads the
/// tree's size and right edge, numbers its batch from there, writes records, nodes and the new edge,
/// and commits. A batch is committed whole or not at all, so every record is numbered once and the
/// tree is always the tree of all committed records.
public protocol DecisionLog: AnyObject, Sendable {
    /// `sqlite:PATH` or `postgres://…` (without a password).
    var location: String { get }
    /// The log's random identity, fixed when it was created; checkpoints name it.
    var logID: String { get }

    /// Appends records and archives the policies they name, in one transaction under the write lock.
    /// Returns the sequence numbers given, in order. When it returns, the records are committed.
    func append(_ records: [PendingRecord], policies: [ArchivedPolicy]) throws -> Range<UInt64>
    /// Signs the tree as it stands (under the write lock, so no append is half seen) and stores the checkpoint.
    func checkpoint(key: Curve25519.Signing.PrivateKey, time: Timestamp) throws -> Checkpoint
    /// Writes and commits a change that records nothing (the tree state rewritten as it is): throws
    /// when the log cannot be written (a full disk, a lost connection). A recovering writer probes so.
    func probeWrite() throws

    /// Runs `body` with every read this log makes on the calling thread seeing one snapshot of the
    /// log (SQLite: one read transaction; PostgreSQL: one `REPEATABLE READ` transaction): records
    /// appended meanwhile by a writer are not seen, so a reader never finds a tree counting fewer
    /// records than it finds stored. Nested calls join the snapshot already open.
    func readSnapshot<T>(_ body: () throws -> T) throws -> T

    /// The tree's size and right edge as the writers left it.
    func treeState() throws -> MerkleFrontier
    /// Records from `seq` on, in sequence order, in chunks; `body` returns false to stop.
    func scan(from seq: UInt64, until end: UInt64?, _ body: ([StoredRecord]) throws -> Bool) throws
    func records(caseID: String) throws -> [StoredRecord]
    func record(seq: UInt64) throws -> StoredRecord?
    /// Leaf hashes as stored, for `seq` in `range`, in order (missing ones are left out).
    func leafHashes(_ range: Range<UInt64>) throws -> [(seq: UInt64, hash: Hash)]
    func node(level: UInt8, index: UInt64) throws -> Hash?
    /// Every stored node, by level then index.
    func nodes() throws -> [(level: UInt8, index: UInt64, hash: Hash)]
    /// In the order they were made.
    func checkpoints() throws -> [Checkpoint]
    func policy(digest: String) throws -> ArchivedPolicy?
    /// Every decision record below `size` as the case index reads it: its case id column, sequence
    /// number and leaf hash (``CaseIndex``).
    func caseLeaves(below size: UInt64) throws -> [(caseID: String, seq: UInt64, leaf: Hash)]
    /// The same columns for the decision records in `range`, given to `body` one at a time in sequence
    /// order (none held in memory): what ``CaseIndexBuilder`` reads.
    func forEachCaseLeaf(_ range: Range<UInt64>, _ body: (_ caseID: String, _ seq: UInt64, _ leaf: Hash) throws -> Void) throws
    /// Appends policy version events (``PendingVersionEvent``) as leaves of the same tree, and archives
    /// the versions they name, under the write lock, in one transaction; returns their sequence numbers.
    func appendVersionEvents(_ events: [PendingVersionEvent], policies: [ArchivedPolicy]) throws -> Range<UInt64>
    /// Appends change events (``PendingChangeEvent``: the steps of governed policy changes) as leaves of
    /// the same tree, stored with the version events, under the write lock, in one transaction; returns
    /// their sequence numbers. When it returns, they are committed.
    func appendChangeEvents(_ events: [PendingChangeEvent]) throws -> Range<UInt64>
    /// Every event — version events and change events, which share the events table — in sequence order
    /// (none in a log made before them); ``StoredVersionEvent/parsedEvent()`` tells them apart.
    func versionEvents() throws -> [StoredVersionEvent]
    /// Stores a witness's cosignature of a checkpoint.
    func addCosignature(_ c: Cosignature) throws
    /// Every stored cosignature, in the order stored.
    func cosignatures() throws -> [Cosignature]
    func close()
}

/// What a writer of events (version or change events) does inside the lock, the same for every backend.
public struct EventPlan: Sendable {
    public var rows: [(seq: UInt64, body: [UInt8], leaf: Hash, recordedAt: Int64)] = []
    public var nodes: [(level: UInt8, index: UInt64, hash: Hash)] = []
    public var state: MerkleFrontier

    public init(state: MerkleFrontier, events: [PendingVersionEvent]) {
        self.init(state: state, bodies: events.map { e in (e.bytes(seq:), e.recordedAt) })
    }

    /// The plan of change events: the same leaf domain and table as version events.
    public init(state: MerkleFrontier, changes: [PendingChangeEvent]) {
        self.init(state: state, bodies: changes.map { e in (e.bytes(seq:), e.recordedAt) })
    }

    private init(state: MerkleFrontier, bodies: [(bytes: (UInt64) -> [UInt8], recordedAt: Timestamp)]) {
        self.state = state
        for e in bodies {
            let seq = self.state.size
            let body = e.bytes(seq)
            let leaf = PendingVersionEvent.leafHash(body)
            var completed: [(UInt8, UInt64, Hash)] = []
            self.state.append(leaf) { level, index, hash in
                if level >= storedNodeLevel { completed.append((level, index, hash)) }
            }
            for c in completed { nodes.append((c.0, c.1, c.2)) }
            rows.append((seq, body, leaf, e.recordedAt.millisecondsSinceEpoch))
        }
    }
}

/// What a writer does inside the lock, the same for every backend.
public struct AppendPlan: Sendable {
    public struct Row: Sendable {
        public var seq: UInt64
        public var body: [UInt8]
        public var leaf: Hash
        public var record: PendingRecord
    }
    public var rows: [Row] = []
    public var nodes: [(level: UInt8, index: UInt64, hash: Hash)] = []
    public var state: MerkleFrontier

    public init(state: MerkleFrontier, records: [PendingRecord]) {
        self.state = state
        rows.reserveCapacity(records.count)
        for r in records {
            let seq = self.state.size
            let body = r.bytes(seq: seq)
            let leaf = Merkle.leafHash(body)
            var completed: [(UInt8, UInt64, Hash)] = []
            self.state.append(leaf) { level, index, hash in
                if level >= storedNodeLevel { completed.append((level, index, hash)) }
            }
            for c in completed { nodes.append((c.0, c.1, c.2)) }
            rows.append(Row(seq: seq, body: body, leaf: leaf, record: r))
        }
    }
}

extension DecisionLog {
    /// MTH(D[lo:hi]) from stored nodes and leaf hashes (validated by `verify`, trusted here).
    public func subtreeHash(_ lo: UInt64, _ hi: UInt64) throws -> Hash {
        let n = hi - lo
        if n == 1 {
            guard let l = try leafHashes(lo..<hi).first, l.seq == lo else { throw AuditError(.tampered, "record \(lo) is missing") }
            return l.hash
        }
        if n & (n - 1) == 0 {
            let level = UInt8(n.trailingZeroBitCount)
            if level >= storedNodeLevel, lo % n == 0 {
                if let h = try node(level: level, index: lo >> UInt64(level)) { return h }
                throw AuditError(.tampered, "the tree node over records \(lo)..<\(hi) is missing")
            }
            if lo % n == 0 {
                let leaves = try leafHashes(lo..<hi)
                guard leaves.count == Int(n) else { throw AuditError(.tampered, "records between \(lo) and \(hi - 1) are missing") }
                var f = MerkleFrontier()
                for l in leaves { f.append(l.hash) }
                return f.root
            }
        }
        let k = Merkle.split(n)
        let left = try subtreeHash(lo, lo + k)
        let right = try subtreeHash(lo + k, hi)
        return Merkle.nodeHash(left, right)
    }

    /// The latest checkpoint, if any.
    public func latestCheckpoint() throws -> Checkpoint? { try checkpoints().last }

    /// A backend without a probe cannot tell: it is taken as writable.
    public func probeWrite() throws {}

    public func appendVersionEvents(_ events: [PendingVersionEvent], policies: [ArchivedPolicy]) throws -> Range<UInt64> {
        throw AuditError(.usage, "\(location) cannot record policy version events")
    }

    public func appendChangeEvents(_ events: [PendingChangeEvent]) throws -> Range<UInt64> {
        throw AuditError(.usage, "\(location) cannot record change events")
    }

    public func versionEvents() throws -> [StoredVersionEvent] { [] }

    public func addCosignature(_ c: Cosignature) throws { throw AuditError(.usage, "\(location) cannot store cosignatures") }

    public func cosignatures() throws -> [Cosignature] { [] }

    /// Through ``scan(from:until:_:)``; a backend reads only the three columns.
    public func forEachCaseLeaf(_ range: Range<UInt64>, _ body: (_ caseID: String, _ seq: UInt64, _ leaf: Hash) throws -> Void) throws {
        try scan(from: range.lowerBound, until: range.upperBound) { chunk in
            for r in chunk { try body(r.caseID, r.seq, r.leaf) }
            return true
        }
    }

    /// The case index over the decision records below the tree's size, read in one snapshot without
    /// the write lock (writers go on meanwhile): ``checkpoint(key:time:)`` adds, under the lock, only
    /// the records appended since (``CaseIndexBuilder``).
    public func caseIndexUnlocked() throws -> (index: CaseIndexBuilder, size: UInt64) {
        try readSnapshot {
            let size = try treeState().size
            var index = CaseIndexBuilder()
            try forEachCaseLeaf(0..<size) { index.add(caseID: $0, seq: $1, leaf: $2) }
            return (index, size)
        }
    }

    /// Through ``scan(from:until:_:)``; a backend reads only the three columns.
    public func caseLeaves(below size: UInt64) throws -> [(caseID: String, seq: UInt64, leaf: Hash)] {
        var out: [(caseID: String, seq: UInt64, leaf: Hash)] = []
        try scan(from: 0, until: size) { chunk in
            out += chunk.map { ($0.caseID, $0.seq, $0.leaf) }
            return true
        }
        return out
    }
}

/// Opens logs by location. `sqlite:PATH` is built in; other schemes (`postgres://`) are registered
/// by their backend modules (the command line registers PostgreSQL).
public enum DecisionLogs {
    public typealias Opener = @Sendable (_ location: String, _ create: Bool) throws -> any DecisionLog
    nonisolated(unsafe) private static var openers: [String: Opener] = [:]
    private static let lock = NSLock()

    public static func register(scheme: String, _ opener: @escaping Opener) {
        lock.lock(); defer { lock.unlock() }
        openers[scheme] = opener
    }

    /// Opens the log at `location`; with `create`, makes an empty log when there is none. With
    /// `readOnly` (the auditors' reading commands), an SQLite file is opened read-only: nothing is
    /// written to it, and a read-only copy (mode 0444) can be read.
    public static func open(_ location: String, create: Bool, readOnly: Bool = false) throws -> any DecisionLog {
        if location.hasPrefix("sqlite:") {
            let path = String(location.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw AuditError(.usage, "`sqlite:` needs a file path, like `sqlite:decisions.db`") }
            return try SQLiteDecisionLog(path: path, create: create && !readOnly, readOnly: readOnly)
        }
        let scheme = location.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        lock.lock()
        let opener = openers[scheme == "postgresql" ? "postgres" : scheme]
        lock.unlock()
        guard let opener else {
            throw AuditError(.usage, "unknown log location `\(location)`: give `sqlite:PATH` or `postgres://USER@HOST:PORT/DATABASE`")
        }
        return try opener(location, create)
    }
}

/// What `verdict_meta` says of a log, in both backends: its format and schema version.
///
/// Schema 2 (new logs) stores decision records encoded (``RecordEncoding``) beside a name table
/// (`verdict_names`); schema 1 (logs made before it) stores their canonical bytes as they are. Both
/// are read and written: a log keeps the schema it was made with.
public enum LogSchema {
    public static let format = "verdict-decision-log"
    /// The schema a new log is made with.
    public static let version = "2"
    /// Every schema this Verdict reads and writes.
    public static let readable: Set<String> = ["1", "2"]
    /// Whether a log of `schema` stores its records encoded.
    public static func encodes(_ schema: String) -> Bool { schema != "1" }
}
