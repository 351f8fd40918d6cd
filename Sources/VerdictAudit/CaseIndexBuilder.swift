import Crypto
import Foundation

/// The case index (``CaseIndex``) built incrementally: decision records are added in sequence
/// order, and ``root()`` gives the index root over the records added so far — the root a version 2
/// checkpoint of that size signs — without rebuilding the index.
///
/// State, per distinct case id: its key (found through an open-addressing table, no per-case
/// allocation), its first record (sequence number and leaf, inline: most cases have one), for a case
/// with more the running SHA-256 of its `records_hash` (so adding a record hashes 40 bytes and never
/// revisits the case's earlier records), and its entry's leaf hash as of the last ``root()``
/// (recomputed only for the cases that gained a record since). The keys are kept sorted: the keys
/// new since the last ``root()`` are sorted alone and merged in. Memory is proportional to the number
/// of distinct case ids, never to the number of records.
///
/// ``root()`` costs O(cases that changed · log) for the entries plus one pass of node hashes over all
/// entries (the index tree is a Merkle tree over a sorted list: a new key shifts every entry after
/// it, so its upper nodes are recomputed), on two threads for a large index. Verifying a log of R
/// records with C checkpoints over at most K case ids costs O(R + C · K) hashes, against
/// O(C · R log R) for a rebuild per checkpoint.
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

            /// All ones: no leaf yet (a placeholder, never hashed).
        static let none = Word32(a: .max, b: .max, c: .max, d: .max)

        init(a: UInt64, b: UInt64, c: UInt64, d: UInt64) { self.a = a; self.b = b; self.c = c; self.d = d }

        var bytes: Hash { [UInt8](unsafeUninitializedCapacity: 32) { b, n in write(to: UnsafeMutableRawPointer(b.baseAddress!)); n = 32 } }

        static func < (l: Word32, r: Word32) -> Bool { (l.a, l.b, l.c, l.d) < (r.a, r.b, r.c, r.d) }
    }

    /// Per case id (a slot): its key; its first record inline (most cases have one); the running
    /// `records_hash` state of a case with more (an index into `hashers`; -1: the one record is
    /// inline; -2: no record yet).
    private var keys: [Word32] = []
    private var firstSeq: [UInt64] = []
    private var firstLeaf: [Word32] = []
    private var more: [Int32] = []
    private var hashers: [SHA256] = []
    /// Slot + 1 by key (0: empty), open addressing; its size a power of two, at most half full.
    private var table: [Int32] = []
    private var tableShift: UInt64 = 64
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

    /// Mixes a key into its place in `table`: random per process, so that case ids chosen to collide
    /// in the table cannot be prepared in advance.
    private static let mix: UInt64 = UInt64.random(in: 1...UInt64.max) | 1

    public init() {}

    /// The number of distinct case ids.
    public var cases: Int { keys.count }

    /// The key of a case id: SHA-256 of its UTF-8 bytes.
    static func key(caseID: String) -> Word32 {
        var id = caseID
        return id.withUTF8 { Word32(SHA256.hash(data: UnsafeRawBufferPointer($0))) }
    }

    /// Adds a decision record: its case id column, sequence number and leaf hash.
    public mutating func add(caseID: String, seq: UInt64, leaf: Hash) {
        add(key: Self.key(caseID: caseID), seq: seq, leaf: leaf)
    }

    mutating func add(key: Word32, seq: UInt64, leaf: Hash) {
        if leaf.count == 32 {
            add(key: key, seq: seq, leaf: leaf.withUnsafeBytes { Word32($0) })
        } else {
            // A leaf column of another length (edited by hand) is hashed as it is, like ``CaseIndex`` does.
            let slot = self.slot(key)
            startHasher(slot)
            var be = seq.bigEndian
            withUnsafeBytes(of: &be) { hashers[Int(more[slot])].update(bufferPointer: $0) }
            leaf.withUnsafeBytes { hashers[Int(more[slot])].update(bufferPointer: $0) }
            counted(seq, slot)
        }
    }

    mutating func add(key: Word32, seq: UInt64, leaf: Word32) {
        let before = keys.count
        let slot = self.slot(key)
        if slot == before {
            firstSeq[slot] = seq
            firstLeaf[slot] = leaf
            more[slot] = -1
        } else {
            startHasher(slot)
            var bytes = (seq.bigEndian, leaf.a.bigEndian, leaf.b.bigEndian, leaf.c.bigEndian, leaf.d.bigEndian)
            withUnsafeBytes(of: &bytes) { hashers[Int(more[slot])].update(bufferPointer: $0) }
        }
        counted(seq, slot)
    }

    private mutating func counted(_ seq: UInt64, _ slot: Int) {
        if seq < end { outOfOrder = true }
        end = max(end, seq &+ 1)
        records += 1
        if !changed[slot] {
            changed[slot] = true
            changedList.append(Int32(slot))
        }
    }

    /// A case's running `records_hash`, fed its first record, once it has a second.
    private mutating func startHasher(_ slot: Int) {
        guard more[slot] < 0 else { return }
        var h = SHA256()
        if more[slot] == -1 {
            var bytes = (firstSeq[slot].bigEndian, firstLeaf[slot].a.bigEndian, firstLeaf[slot].b.bigEndian, firstLeaf[slot].c.bigEndian, firstLeaf[slot].d.bigEndian)
            withUnsafeBytes(of: &bytes) { h.update(bufferPointer: $0) }
        }
        more[slot] = Int32(hashers.count)
        hashers.append(h)
    }

    /// The slot of `key`, made (with no record yet) when new.
    private mutating func slot(_ key: Word32) -> Int {
        if (keys.count + 1) * 2 > table.count { grow() }
        let mask = table.count - 1
        var i = Int(truncatingIfNeeded: ((key.a ^ key.c) &* Self.mix) >> tableShift)
        while true {
            let s = table[i]
            if s == 0 { break }
            if keys[Int(s) - 1] == key { return Int(s) - 1 }
            i = (i + 1) & mask
        }
        let slot = keys.count
        table[i] = Int32(slot + 1)
        keys.append(key)
        firstSeq.append(0)
        firstLeaf.append(.none)
        more.append(-2)
        leaves.append(key)
        changed.append(false)
        fresh.append(Int32(slot))
        return slot
    }

    private mutating func grow() {
        let size = max(1024, table.count * 2)
        tableShift = UInt64(64 - size.trailingZeroBitCount)
        table = [Int32](repeating: 0, count: size)
        let mask = size - 1
        for (slot, key) in keys.enumerated() {
            var i = Int(truncatingIfNeeded: ((key.a ^ key.c) &* Self.mix) >> tableShift)
            while table[i] != 0 { i = (i + 1) & mask }
            table[i] = Int32(slot + 1)
        }
    }

    /// The index root over the records added so far (RFC 9162 tree hash over the entries' leaf
    /// hashes in key order; `SHA-256("")` with no entry).
    public mutating func root() -> Hash {
        var buffer = [UInt8](repeating: 0, count: 97)
        for s in changedList {
            let slot = Int(s)
            changed[slot] = false
            buffer.withUnsafeMutableBytes { p in
                let recordsHash: Word32
                if more[slot] >= 0 {
                    recordsHash = Word32(hashers[Int(more[slot])].finalize())
                } else {
                    // seq ‖ leaf: the records_hash of a case with one record
                    p.storeBytes(of: firstSeq[slot].bigEndian, toByteOffset: 0, as: UInt64.self)
                    firstLeaf[slot].write(to: p.baseAddress! + 8)
                    recordsHash = Word32(SHA256.hash(data: UnsafeRawBufferPointer(rebasing: p[0..<40])))
                }
                // 0x03 ‖ key ‖ records_hash
                p[32] = CaseIndex.entryPrefix
                keys[slot].write(to: p.baseAddress! + 33)
                recordsHash.write(to: p.baseAddress! + 65)
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
        return Self.treeHash(&level).bytes
    }

    /// The RFC 9162 tree hash over `level` (not empty), computed level by level in place: each pair
    /// hashed into one node, an odd last one carried up unchanged (which gives the tree's split at the
    /// largest power of two). A large level is hashed on two threads: its two parts, split at a
    /// multiple of 2^`shared`, are independent for the lowest `shared` levels.
    static func treeHash(_ level: inout [Word32]) -> Word32 {
        let shared = 12
        var n = level.count
        if n >= 4 << shared {
            let m = ((n / 2) >> shared) << shared
            let counts = level.withUnsafeMutableBufferPointer { b -> (Int, Int) in
                let parts = SendableParts(left: UnsafeMutableBufferPointer(rebasing: b[0..<m]), right: UnsafeMutableBufferPointer(rebasing: b[m..<n]))
                let results = SendableCounts()
                DispatchQueue.concurrentPerform(iterations: 2) { i in
                    let c = reduce(i == 0 ? parts.left : parts.right, levels: shared)
                    results.set(i, c)
                }
                return (results.left, results.right)
            }
            // The left part's nodes, then the right's, side by side.
            for j in 0..<counts.1 { level[counts.0 + j] = level[m + j] }
            n = counts.0 + counts.1
        }
        return level.withUnsafeMutableBufferPointer { b in
            let c = reduce(UnsafeMutableBufferPointer(rebasing: b[0..<n]), levels: Int.max)
            precondition(c == 1)
            return b[0]
        }
    }

    /// Hashes up to `levels` levels of `nodes` in place (stopping at one node); gives how many are left.
    static func reduce(_ nodes: UnsafeMutableBufferPointer<Word32>, levels: Int) -> Int {
        var n = nodes.count
        var done = 0
        withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { p in
            p[0] = 1
            while n > 1 && done < levels {
                var i = 0
                while i + 1 < n {
                    // 0x01 ‖ left ‖ right
                    nodes[i].write(to: p.baseAddress! + 1)
                    nodes[i + 1].write(to: p.baseAddress! + 33)
                    nodes[i / 2] = Word32(SHA256.hash(data: UnsafeRawBufferPointer(p)))
                    i += 2
                }
                if n % 2 == 1 { nodes[n / 2] = nodes[n - 1] }
                n = (n + 1) / 2
                done += 1
            }
        }
        return n
    }

    /// The two parts of a level hashed on two threads (each thread writes only its own part).
    private struct SendableParts: @unchecked Sendable {
        var left: UnsafeMutableBufferPointer<Word32>
        var right: UnsafeMutableBufferPointer<Word32>
    }

    /// Each part's count of nodes left, set by its thread.
    private final class SendableCounts: @unchecked Sendable {
        private let lock = NSLock()
        private var counts = [0, 0]
        func set(_ i: Int, _ c: Int) { lock.lock(); counts[i] = c; lock.unlock() }
        var left: Int { lock.lock(); defer { lock.unlock() }; return counts[0] }
        var right: Int { lock.lock(); defer { lock.unlock() }; return counts[1] }
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
