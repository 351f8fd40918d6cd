import Crypto
import Foundation

/// The case index (``CaseIndex``) built incrementally: decision records are added in sequence
/// order, and ``root()`` gives the index root over the records added so far — the root a version 2
/// checkpoint of that size signs — without rebuilding the index.
///
/// State, per distinct case id: its key, the running SHA-256 of its `records_hash` (so adding a
/// record hashes 40 bytes and never revisits the case's earlier records), and its entry's leaf hash
/// as of the last ``root()`` (recomputed only for the cases that gained a record since). The keys
/// are kept sorted: the keys new since the last ``root()`` are sorted alone and merged in. Memory is
/// proportional to the number of distinct case ids, never to the number of records.
///
/// ``root()`` costs O(cases that changed · log) for the entries plus one pass of node hashes over all
/// entries (the index tree is a Merkle tree over a sorted list: a new key shifts every entry after
/// it, so its upper nodes are recomputed). Verifying a log of R records with C checkpoints over at
/// most K case ids costs O(R + C · K) hashes, against O(C · R log R) for a rebuild per checkpoint.
/// `@unchecked Sendable`: its only non-`Sendable` members are swift-crypto's `SHA256` states, values with
/// copy-on-write storage (a copy sent to another thread never shares a mutable context).
public struct CaseIndexBuilder: @unchecked Sendable {
    /// A 32-byte hash held inline, as four big-endian words (so comparing words compares bytes).
    struct Word32: Hashable, Comparable, Sendable {
        var a: UInt64, b: UInt64, c: UInt64, d: UInt64

        init(_ bytes: UnsafeRawBufferPointer) {
            a = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            b = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            c = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            d = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }

        init<D: Digest>(_ digest: D) { self = digest.withUnsafeBytes { Word32($0) } }

        func write(to p: UnsafeMutableRawPointer) {
            p.storeBytes(of: a.bigEndian, toByteOffset: 0, as: UInt64.self)
            p.storeBytes(of: b.bigEndian, toByteOffset: 8, as: UInt64.self)
            p.storeBytes(of: c.bigEndian, toByteOffset: 16, as: UInt64.self)
            p.storeBytes(of: d.bigEndian, toByteOffset: 24, as: UInt64.self)
        }

        var bytes: Hash { [UInt8](unsafeUninitializedCapacity: 32) { b, n in write(to: UnsafeMutableRawPointer(b.baseAddress!)); n = 32 } }

        static func < (l: Word32, r: Word32) -> Bool { (l.a, l.b, l.c, l.d) < (r.a, r.b, r.c, r.d) }
    }

    private var slotOf: [Word32: Int32] = [:]
    private var keys: [Word32] = []
    private var hashers: [SHA256] = []
    private var leaves: [Word32] = []
    private var changed: [Bool] = []
    private var changedList: [Int32] = []
    /// Slots in key order, as of the last ``root()``; slots made since, not yet in it.
    private var order: [Int32] = []
    private var fresh: [Int32] = []
    /// The decision records added.
    public private(set) var records: UInt64 = 0
    /// The highest sequence number added, plus one (0 before any).
    public private(set) var end: UInt64 = 0
    /// Whether a record came at or below one added before (the log is out of order; the roots given
    /// are then those of the records in the order added, which a verifier must not rely on).
    public private(set) var outOfOrder = false

    public init() {}

    /// The number of distinct case ids.
    public var cases: Int { keys.count }

    /// Adds a decision record: its case id column, sequence number and leaf hash.
    public mutating func add(caseID: String, seq: UInt64, leaf: Hash) {
        var id = caseID
        let key = id.withUTF8 { Word32(SHA256.hash(data: UnsafeRawBufferPointer($0))) }
        add(key: key, seq: seq, leaf: leaf)
    }

    mutating func add(key: Word32, seq: UInt64, leaf: Hash) {
        if seq < end { outOfOrder = true }
        end = max(end, seq &+ 1)
        records += 1
        let slot: Int
        if let s = slotOf[key] {
            slot = Int(s)
        } else {
            slot = keys.count
            slotOf[key] = Int32(slot)
            keys.append(key)
            hashers.append(SHA256())
            leaves.append(key)
            changed.append(false)
            fresh.append(Int32(slot))
        }
        var be = seq.bigEndian
        withUnsafeBytes(of: &be) { hashers[slot].update(bufferPointer: $0) }
        leaf.withUnsafeBytes { hashers[slot].update(bufferPointer: $0) }
        if !changed[slot] {
            changed[slot] = true
            changedList.append(Int32(slot))
        }
    }

    /// The index root over the records added so far (RFC 9162 tree hash over the entries' leaf
    /// hashes in key order; `SHA-256("")` with no entry).
    public mutating func root() -> Hash {
        var buffer = [UInt8](repeating: 0, count: 97)
        buffer[32] = CaseIndex.entryPrefix
        for s in changedList {
            let slot = Int(s)
            changed[slot] = false
            // 0x03 ‖ key ‖ records_hash
            buffer.withUnsafeMutableBytes { p in
                keys[slot].write(to: p.baseAddress! + 33)
                Word32(hashers[slot].finalize()).write(to: p.baseAddress! + 65)
                leaves[slot] = Word32(SHA256.hash(data: UnsafeRawBufferPointer(rebasing: p[32..<97])))
            }
        }
        changedList.removeAll(keepingCapacity: true)
        if !fresh.isEmpty {
            let k = keys
            fresh.sort { k[Int($0)] < k[Int($1)] }
            order = Self.merge(order, fresh, keys: k)
            fresh.removeAll(keepingCapacity: true)
        }
        guard !order.isEmpty else { return Array(SHA256.hash(data: [UInt8]())) }
        var level = order.map { leaves[Int($0)] }
        var n = level.count
        buffer[32] = 1
        while n > 1 {
            var i = 0
            while i + 1 < n {
                // 0x01 ‖ left ‖ right
                let l = level[i], r = level[i + 1]
                level[i / 2] = buffer.withUnsafeMutableBytes { p in
                    l.write(to: p.baseAddress! + 33)
                    r.write(to: p.baseAddress! + 65)
                    return Word32(SHA256.hash(data: UnsafeRawBufferPointer(rebasing: p[32..<97])))
                }
                i += 2
            }
            if n % 2 == 1 { level[n / 2] = level[n - 1] }
            n = (n + 1) / 2
        }
        return level[0].bytes
    }

    private static func merge(_ a: [Int32], _ b: [Int32], keys: [Word32]) -> [Int32] {
        if a.isEmpty { return b }
        var out: [Int32] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if keys[Int(b[j])] < keys[Int(a[i])] { out.append(b[j]); j += 1 } else { out.append(a[i]); i += 1 }
        }
        out += a[i...]
        out += b[j...]
        return out
    }
}
