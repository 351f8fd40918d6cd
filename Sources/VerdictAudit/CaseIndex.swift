import Crypto
import Foundation
import Verdict

/// The index of case ids a checkpoint commits to: which decision records each case id has, as a
/// Merkle tree whose root the checkpoint signs (its `v2` message), so that a proof can show a case has
/// exactly these records — none left out (docs/auditing.md, "The case index").
///
/// For the first `size` leaves of the log: one entry per distinct case id among its decision records,
/// keyed by `key = SHA-256(UTF-8 bytes of the case id)`, holding that case's records in ascending
/// sequence order. Entries are sorted by key (bytewise, ascending), each key once.
///
/// - `records_hash = SHA-256(seq₁ ‖ leaf₁ ‖ seq₂ ‖ leaf₂ ‖ …)`, each `seq` 8 bytes big-endian, each
///   `leaf` the record's 32-byte leaf hash in the log's tree;
/// - the entry's leaf hash is `SHA-256(0x03 ‖ key ‖ records_hash)`;
/// - the index root is the RFC 9162 Merkle tree hash over the entries' leaf hashes in key order (nodes
///   `SHA-256(0x01 ‖ left ‖ right)`; no entry: `SHA-256("")`).
public struct CaseIndex: Sendable {
    public struct Entry: Sendable, Equatable {
        public var key: Hash
        public var records: [IndexedRecord]
        public var recordsHash: Hash { CaseIndex.recordsHash(records) }
        public var leafHash: Hash { CaseIndex.entryLeafHash(key: key, recordsHash: recordsHash) }
    }

    /// One decision record of a case, as the index lists it.
    public struct IndexedRecord: Sendable, Equatable {
        public var seq: UInt64
        public var leaf: Hash
        public init(seq: UInt64, leaf: Hash) { self.seq = seq; self.leaf = leaf }
    }

    /// The entries, sorted by key.
    public private(set) var entries: [Entry]
    /// Each entry's leaf hash, in order.
    public private(set) var leaves: [Hash]

    /// The domain byte of an index entry's leaf (a decision record's is 0x00, a node's 0x01, a version event's 0x02).
    public static let entryPrefix: UInt8 = 3

    public static func key(caseID: String) -> Hash { Array(SHA256.hash(data: Array(caseID.utf8))) }

    public static func recordsHash(_ records: [IndexedRecord]) -> Hash {
        var h = SHA256()
        for r in records {
            h.update(data: bigEndian(r.seq))
            h.update(data: r.leaf)
        }
        return Array(h.finalize())
    }

    public static func entryLeafHash(key: Hash, recordsHash: Hash) -> Hash {
        var h = SHA256()
        h.update(data: [entryPrefix])
        h.update(data: key)
        h.update(data: recordsHash)
        return Array(h.finalize())
    }

    static func bigEndian(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * UInt64($0))) } }

    /// The index of the decision records given (case id column, sequence number, leaf hash) whose
    /// sequence number is below `size`.
    public init(records: [(caseID: String, seq: UInt64, leaf: Hash)], below size: UInt64) {
        var byKey: [Hash: [IndexedRecord]] = [:]
        for r in records where r.seq < size {
            byKey[Self.key(caseID: r.caseID), default: []].append(IndexedRecord(seq: r.seq, leaf: r.leaf))
        }
        entries = byKey.map { Entry(key: $0.key, records: $0.value.sorted { $0.seq < $1.seq }) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        leaves = entries.map(\.leafHash)
    }

    public var root: Hash {
        var f = MerkleFrontier()
        for l in leaves { f.append(l) }
        return f.root
    }

    /// Where `key` is (found), or where it would be inserted (not found).
    public func position(of key: Hash) -> (index: Int, found: Bool) {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].key.lexicographicallyPrecedes(key) { lo = mid + 1 } else { hi = mid }
        }
        return (lo, lo < entries.count && entries[lo].key == key)
    }

    /// The inclusion path of entry `i` in the index tree (RFC 9162 2.1.3).
    public func path(_ i: Int) -> [Hash] {
        Merkle.inclusionPath(leaf: UInt64(i), size: UInt64(leaves.count)) { lo, hi in
            var f = MerkleFrontier()
            for l in leaves[Int(lo)..<Int(hi)] { f.append(l) }
            return f.root
        }
    }

    /// The index over the first `size` leaves of `log`, read from its columns in one snapshot.
    public static func of(_ log: any DecisionLog, size: UInt64) throws -> CaseIndex {
        CaseIndex(records: try log.caseLeaves(below: size), below: size)
    }
}
