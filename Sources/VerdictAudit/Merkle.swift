import Crypto

/// A SHA-256 hash: a leaf or a node of the log's Merkle tree, or its root.
public typealias Hash = [UInt8]

/// The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1.
///
/// A leaf is `SHA-256(0x00 ‖ record)`, a node `SHA-256(0x01 ‖ left ‖ right)`. A tree of n > 1 leaves
/// splits at k, the largest power of two below n: the left subtree holds the first k leaves (a
/// perfect tree), the right the other n − k (split the same way). The empty tree's root is SHA-256("").
public enum Merkle {
    private static let leafPrefix: [UInt8] = [0]

    public static func leafHash(_ record: [UInt8]) -> Hash {
        var h = SHA256()
        leafPrefix.withUnsafeBytes { h.update(bufferPointer: $0) }
        record.withUnsafeBytes { h.update(bufferPointer: $0) }
        return h.finalize().withUnsafeBytes { Array($0) }
    }

    public static func leafHash<C: Collection>(bytes record: C) -> Hash where C.Element == UInt8 {
        var h = SHA256()
        h.update(data: [0])
        h.update(data: Array(record))
        return Array(h.finalize())
    }

    public static func nodeHash(_ left: Hash, _ right: Hash) -> Hash {
        // 0x01 ‖ left ‖ right, in a buffer on the stack (a node is hashed per leaf appended, about).
        guard left.count == 32, right.count == 32 else {
            // Not a SHA-256 (a leaf hand-edited in a log): hashed as it is, so the tree over it differs
            // from the signed one and the record is refused, never a crash.
            var h = SHA256()
            h.update(data: [1])
            h.update(data: left)
            h.update(data: right)
            return Array(h.finalize())
        }
        return withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { b in
            b[0] = 1
            left.withUnsafeBytes { (b.baseAddress! + 1).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            right.withUnsafeBytes { (b.baseAddress! + 33).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            return SHA256.hash(data: UnsafeRawBufferPointer(b)).withUnsafeBytes { Array($0) }
        }
    }

    public static let emptyRoot: Hash = Array(SHA256.hash(data: [UInt8]()))

    /// The largest power of two strictly below `n` (n ≥ 2).
    static func split(_ n: UInt64) -> UInt64 {
        var k: UInt64 = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    // MARK: Proofs (RFC 9162 2.1.3.1 and 2.1.4.1), from any source of subtree hashes

    /// The inclusion path of leaf `m` in the tree of the first `n` leaves; `subtree(lo, hi)` gives MTH(D[lo:hi]).
    public static func inclusionPath(leaf m: UInt64, size n: UInt64, subtree: (UInt64, UInt64) throws -> Hash) rethrows -> [Hash] {
        precondition(m < n)
        func path(_ m: UInt64, _ lo: UInt64, _ hi: UInt64) throws -> [Hash] {
            let n = hi - lo
            if n == 1 { return [] }
            let k = split(n)
            if m < k { return try path(m, lo, lo + k) + [subtree(lo + k, hi)] }
            return try path(m - k, lo + k, hi) + [subtree(lo, lo + k)]
        }
        return try path(m, 0, n)
    }

    /// The consistency proof between the trees of the first `m` and the first `n` leaves (0 < m ≤ n).
    public static func consistencyProof(from m: UInt64, to n: UInt64, subtree: (UInt64, UInt64) throws -> Hash) rethrows -> [Hash] {
        precondition(m > 0 && m <= n)
        func sub(_ m: UInt64, _ lo: UInt64, _ hi: UInt64, _ b: Bool) throws -> [Hash] {
            let n = hi - lo
            if m == n { return b ? [] : [try subtree(lo, hi)] }
            let k = split(n)
            if m <= k { return try sub(m, lo, lo + k, b) + [subtree(lo + k, hi)] }
            return try sub(m - k, lo + k, hi, false) + [subtree(lo, lo + k)]
        }
        return try sub(m, 0, n, true)
    }

    // MARK: Verification (RFC 9162 2.1.3.2 and 2.1.4.2)

    /// Whether `path` proves that `leaf` is leaf number `index` of the tree of `size` leaves with `root`.
    public static func verifyInclusion(leaf: Hash, index: UInt64, size: UInt64, path: [Hash], root: Hash) -> Bool {
        guard index < size else { return false }
        var fn = index, sn = size - 1
        var r = leaf
        for p in path {
            guard p.count == 32 else { return false }
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1; sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// Whether `proof` shows that the tree of `second` leaves with `secondRoot` extends the tree of
    /// `first` leaves with `firstRoot` (the first `first` leaves are the same).
    public static func verifyConsistency(first: UInt64, second: UInt64, firstRoot: Hash, secondRoot: Hash, proof: [Hash]) -> Bool {
        if first == second { return proof.isEmpty && firstRoot == secondRoot }
        guard first > 0, first < second else { return first == 0 && proof.isEmpty }
        var path = proof
        if first & (first - 1) == 0 { path.insert(firstRoot, at: 0) }
        guard !path.isEmpty, path.allSatisfy({ $0.count == 32 }) else { return false }
        var fn = first - 1, sn = second - 1
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var fr = path[0], sr = path[0]
        for c in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1; sn >>= 1
        }
        return fr == firstRoot && sr == secondRoot && sn == 0
    }
}

/// The right edge of a growing tree: the roots of its perfect subtrees, largest first. Appending a
/// leaf costs amortised two hashes; the root of the whole tree folds them from the right.
public struct MerkleFrontier: Sendable, Equatable {
    public private(set) var size: UInt64 = 0
    /// (level, hash): a perfect subtree of 2^level leaves.
    public private(set) var nodes: [(level: UInt8, hash: Hash)] = []

    public init() {}

    public static func == (a: MerkleFrontier, b: MerkleFrontier) -> Bool {
        a.size == b.size && a.nodes.count == b.nodes.count && zip(a.nodes, b.nodes).allSatisfy { $0.level == $1.level && $0.hash == $1.hash }
    }

    /// Appends a leaf hash; calls `completed(level, index, hash)` for each perfect subtree it completes (level ≥ 1).
    public mutating func append(_ leaf: Hash) {
        append(leaf) { _, _, _ in }
    }

    public mutating func append(_ leaf: Hash, completed: (UInt8, UInt64, Hash) throws -> Void) rethrows {
        var level: UInt8 = 0
        var h = leaf
        while let last = nodes.last, last.level == level {
            nodes.removeLast()
            h = Merkle.nodeHash(last.hash, h)
            level += 1
            try completed(level, size >> UInt64(level), h)
        }
        nodes.append((level, h))
        size += 1
    }

    public var root: Hash {
        guard var r = nodes.last?.hash else { return Merkle.emptyRoot }
        for n in nodes.dropLast().reversed() { r = Merkle.nodeHash(n.hash, r) }
        return r
    }

    /// Serialised: 8 bytes of size (big-endian), then per node one level byte and 32 hash bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: size >> (56 - 8 * UInt64($0))) }
        for n in nodes { out.append(n.level); out.append(contentsOf: n.hash) }
        return out
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count >= 8, (bytes.count - 8) % 33 == 0 else { return nil }
        size = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        var i = 8
        var expected = size
        while i < bytes.count {
            nodes.append((bytes[i], Array(bytes[i + 1..<i + 33])))
            i += 33
        }
        // The levels must be the binary digits of the size, largest first.
        for n in nodes {
            guard n.level < 64, expected & (1 << UInt64(n.level)) != 0 else { return nil }
            expected &= ~(1 << UInt64(n.level))
        }
        guard expected == 0 else { return nil }
        if zip(nodes, nodes.dropFirst()).contains(where: { $0.level <= $1.level }) { return nil }
    }
}

extension Array where Element == UInt8 {
    var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for b in self { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    init?(hex: String) {
        let u = Array(hex.utf8)
        guard u.count % 2 == 0 else { return nil }
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let a = v(u[i]), let b = v(u[i + 1]) else { return nil }
            out.append(a << 4 | b)
            i += 2
        }
        self = out
    }
}
